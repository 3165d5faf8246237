/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Netlink messages as the kernel sends them: the input is one received datagram, handed to
 * nl_dispatch exactly as the event socket's reader does (and once more as a dump's), so every
 * link (and AF_BRIDGE port VLAN map), FDB, neighbour, address and route message goes through
 * nl_link_parse, nl_brport_parse, nl_fdb_parse, nl_neigh_parse, nl_ifaddr_parse and
 * nl_route_parse. Invariants: parsed values are in range, and an FDB entry, neighbour or route the
 * parser accepts encodes into a request that parses back to the same key.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "nl_int.h"

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	FUZZ_CHECK(memchr(l->name, '\0', sizeof l->name) != NULL);
	FUZZ_CHECK(l->kind <= NL_LINK_VRF);
	FUZZ_CHECK(l->kind == NL_LINK_VRF || l->vrf_table == 0);
	FUZZ_CHECK(l->local.af == 0 || l->local.af == AF_INET || l->local.af == AF_INET6);
	(*(unsigned *)ctx)++;
}

static void on_vlan_map(void *ctx, int ifindex, const struct nl_vlan_tunnel *m, size_t n)
{
	FUZZ_CHECK(n <= NL_VLAN_MAX);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(m[i].vlan < 4096);
	(*(unsigned *)ctx)++;
}

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	uint8_t buf[NL_FDB_REQ_MAX] __attribute__((aligned(4)));
	struct nl_fdb back;
	int n;

	FUZZ_CHECK(f->dst.af == 0 || f->dst.af == AF_INET || f->dst.af == AF_INET6);
	n = nl_fdb_encode(buf, sizeof buf, deleted ? NL_FDB_DEL : NL_FDB_REPLACE, f, 1);
	FUZZ_CHECK(n > 0 && (size_t)n <= sizeof buf);
	FUZZ_CHECK(nl_fdb_parse((const struct nlmsghdr *)buf, &back) == 0);
	FUZZ_CHECK(back.ifindex == f->ifindex && memcmp(back.mac, f->mac, 6) == 0 &&
		   back.vlan == f->vlan && back.dst.af == f->dst.af);
	(*(unsigned *)ctx)++;
}

static void on_neigh(void *ctx, const struct nl_neigh *ne, bool deleted)
{
	uint8_t buf[NL_FDB_REQ_MAX] __attribute__((aligned(4)));
	struct nl_neigh back;
	int n;

	FUZZ_CHECK(ne->ip.af == AF_INET || ne->ip.af == AF_INET6);
	n = nl_neigh_encode(buf, sizeof buf, deleted ? NL_NEIGH_DEL : NL_NEIGH_REPLACE, ne, 1);
	FUZZ_CHECK(n > 0 && (size_t)n <= sizeof buf);
	FUZZ_CHECK(nl_neigh_parse((const struct nlmsghdr *)buf, &back) == 0);
	FUZZ_CHECK(back.ifindex == ne->ifindex && back.ip.af == ne->ip.af &&
		   memcmp(back.ip.a, ne->ip.a, ne->ip.af == AF_INET ? 4 : 16) == 0);
	(*(unsigned *)ctx)++;
}

static void on_ifaddr(void *ctx, const struct nl_ifaddr *a, bool deleted)
{
	FUZZ_CHECK(a->addr.af == AF_INET || a->addr.af == AF_INET6);
	FUZZ_CHECK(a->plen <= (a->addr.af == AF_INET ? 32 : 128));
	FUZZ_CHECK(a->ifindex > 0);
	(*(unsigned *)ctx)++;
}

/* A route a dump or an event reports: its key encodes into a delete that parses back the same. */
static void route_check(void *ctx, const struct nl_route *r)
{
	uint8_t buf[NL_FDB_REQ_MAX] __attribute__((aligned(4)));
	struct nl_route back;
	int n;

	FUZZ_CHECK(r->dst.af == AF_INET || r->dst.af == AF_INET6);
	FUZZ_CHECK(r->plen <= (r->dst.af == AF_INET ? 32 : 128));
	FUZZ_CHECK(r->gw.af == 0 || r->gw.af == AF_INET || r->gw.af == AF_INET6);
	if (r->table) {
		n = nl_route_encode(buf, sizeof buf, NL_ROUTE_DEL, r, 1);
		FUZZ_CHECK(n > 0 && (size_t)n <= sizeof buf);
		FUZZ_CHECK(nl_route_parse((const struct nlmsghdr *)buf, &back) == 0);
		FUZZ_CHECK(back.table == r->table && back.plen == r->plen && back.dst.af == r->dst.af &&
			   memcmp(back.dst.a, r->dst.a, r->dst.af == AF_INET ? 4 : 16) == 0);
	}
	(*(unsigned *)ctx)++;
}

static void on_route_deleted(void *ctx, const struct nl_route *r)
{
	route_check(ctx, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned seen = 0;
	struct nl nl;
	void *buf;

	memset(&nl, 0, sizeof nl);
	nl.h = (struct nl_hooks){ .link = on_link, .fdb = on_fdb, .neigh = on_neigh,
				  .vlan_map = on_vlan_map, .ctx = &seen, .ifaddr = on_ifaddr,
				  .route = route_check, .route_deleted = on_route_deleted };
	/* the reader's buffer is aligned; an exact-size copy lets ASan see any read past the datagram */
	buf = malloc(size ? size : 1);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	nl_dispatch(&nl, buf, size, false);
	nl_dispatch(&nl, buf, size, true); /* as a dump's reply: new routes are read only there */
	free(buf);
	return 0;
}
