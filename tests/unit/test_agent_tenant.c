/* SPDX-License-Identifier: Apache-2.0 */
/* Routes into a routed tenant (tenant_routes.c): which received route becomes the kernel's route
 * for a prefix (tr_pick, pure), and what the engine then asks of the kernel, counted: a host route
 * from a MAC+IP route with the tenant's L3 label and RT, a prefix route from a type-5 route, one
 * router-MAC pair per VTEP shared by its routes and removed with the last, mobility, our own route
 * winning, and a tenant whose VRF goes and comes back. Links and routes are handed to the engine as
 * netlink and the speaker report them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <linux/neighbour.h>

#include "agent_fixture.h"
#include "attr.h"
#include "engine.h"

enum { VRF = 2, BRL3 = 3, VXL3 = 4, BR100 = 5, VX100 = 6 };

static struct config cfg;
static struct cfg_vrf vrf;

static void link_ev(struct engine *g, int ifindex, uint8_t kind, int master, const char *name,
		    uint32_t vni, bool up, bool deleted)
{
	fx_link(g, ifindex, kind, master, name, vni, up, deleted);
	tr_links(&g->tr);
}

static void init(struct engine *g)
{
	fx_tenant_config(&cfg, &vrf);
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
	link_ev(g, VRF, NL_LINK_VRF, 0, "vrf-t", 0, true, false);
	link_ev(g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, true, false);
	link_ev(g, VXL3, NL_LINK_VXLAN, BRL3, "vx-l3", 4000, true, false);
}

/* A received route and its best path's attributes. */
struct rt {
	uint8_t nlri[64];
	size_t len;
	uint64_t ext[4];
	struct attrs a;
	struct ipaddr src;
};

/* A MAC+IP route of VTEP 10.88.0.<vtep> for ip (labels 200 and l3), router MAC
 * 02:00:00:00:30:<vtep> (none when !rmac), RT 64512:4000, sequence seq (none when 0). */
static void macip(struct rt *t, uint8_t vtep, const char *ip, uint32_t l3, bool rmac, uint32_t seq)
{
	struct evpn_route r;
	struct wbuf w;
	struct mac m = { { 2, 0, 0, 0, 0x30, vtep } };
	unsigned n = 0;

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_MACIP;
	r.rd.b[0] = 0;
	r.rd.b[1] = 1;
	r.rd.b[5] = vtep;
	r.mac.b[0] = 2;
	r.mac.b[5] = 0x12;
	assert_int_equal(ipaddr_parse(ip, &r.ip), 0);
	r.nlabels = l3 ? 2 : 1;
	r.label[0] = 200;
	r.label[1] = l3;
	wbuf_init(&w, t->nlri, sizeof t->nlri);
	assert_int_equal(evpn_encode(&r, &w), 0);
	t->len = w.len;
	t->ext[n++] = extc_rt_make(64512, 4000);
	if (rmac)
		t->ext[n++] = extc_router_mac(&m);
	if (seq)
		t->ext[n++] = extc_mac_mobility(seq, false);
	t->a.extcomm = t->ext;
	t->a.nextcomm = (uint16_t)n;
	ipaddr_from_v4(&t->a.nexthop, 0x0a580000u | vtep);
	t->src = t->a.nexthop;
}

/* A type-5 route of VTEP 10.88.0.<vtep> for prefix/plen, label 4000, router MAC, RT 64512:4000. */
static void prefix(struct rt *t, uint8_t vtep, const char *pfx, uint8_t plen)
{
	struct evpn_route r;
	struct wbuf w;
	struct mac m = { { 2, 0, 0, 0, 0x30, vtep } };

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_PREFIX;
	r.rd.b[1] = 1;
	r.rd.b[5] = vtep;
	assert_int_equal(ipaddr_parse(pfx, &r.ip), 0);
	r.prefix_len = plen;
	r.label[0] = 4000;
	wbuf_init(&w, t->nlri, sizeof t->nlri);
	assert_int_equal(evpn_encode(&r, &w), 0);
	t->len = w.len;
	t->ext[0] = extc_rt_make(64512, 4000);
	t->ext[1] = extc_router_mac(&m);
	t->a.extcomm = t->ext;
	t->a.nextcomm = 2;
	ipaddr_from_v4(&t->a.nexthop, 0x0a580000u | vtep);
	t->src = t->a.nexthop;
}

static void best(struct engine *g, struct rt *t)
{
	engine_best_changed(g, FAM_EVPN, t->nlri, t->len, &t->a, &t->src);
}

static void gone(struct engine *g, struct rt *t)
{
	engine_best_changed(g, FAM_EVPN, t->nlri, t->len, NULL, &t->src);
}

static void ours(struct engine *g, struct rt *t)
{
	engine_best_changed(g, FAM_EVPN, t->nlri, t->len, &t->a, NULL);
}

/* The router-MAC pair toward VTEP 10.88.0.<last>: its routes, or -1 when never used. */
static int nh_refs(struct engine *g, uint8_t last)
{
	struct nl_addr a = fx_vtep_addr(last);
	uint16_t i = vtep_index(&g->vteps, &a);
	return i < g->tr.vrf[0].nnh ? (int)g->tr.vrf[0].nh[i].refs : -1;
}

static void test_pick(void **state)
{
	struct vteps vt;
	struct nl_addr a1 = fx_vtep_addr(1), a2 = fx_vtep_addr(2);
	(void)state;

	vteps_init(&vt);
	uint16_t v2 = vtep_index(&vt, &a2), v1 = vtep_index(&vt, &a1);
	struct tr_cand c[4];
	memset(c, 0, sizeof c);
	c[0] = (struct tr_cand){ .id = 1, .type = EVPN_RT_PREFIX, .vtep = v1 };
	c[1] = (struct tr_cand){ .id = 2, .type = EVPN_RT_MACIP, .vtep = v2 };
	assert_int_equal(tr_pick(c, 0, &vt), -1);
	assert_int_equal(tr_pick(c, 1, &vt), 0);
	/* a host route before a prefix route, whatever the VTEPs */
	assert_int_equal(tr_pick(c, 2, &vt), 1);
	/* two host routes: the higher sequence number, then the lower VTEP address */
	c[2] = (struct tr_cand){ .id = 3, .type = EVPN_RT_MACIP, .vtep = v1 };
	assert_int_equal(tr_pick(c, 3, &vt), 2);
	c[1].seq = 1;
	assert_int_equal(tr_pick(c, 3, &vt), 1);
	/* ours at the same sequence wins: nothing is installed */
	c[3] = (struct tr_cand){ .id = 4, .type = EVPN_RT_MACIP, .local = true, .vtep = VTEP_NONE, .seq = 1 };
	assert_int_equal(tr_pick(c, 4, &vt), -1);
	/* a remote one with a higher sequence beats ours */
	c[2].seq = 2;
	assert_int_equal(tr_pick(c, 4, &vt), 2);
	/* two prefix routes: the lower VTEP; ours before both */
	c[1] = (struct tr_cand){ .id = 2, .type = EVPN_RT_PREFIX, .vtep = v2 };
	assert_int_equal(tr_pick(c, 2, &vt), 0);
	c[0].vtep = v2;
	c[1].vtep = v1;
	assert_int_equal(tr_pick(c, 2, &vt), 1);
	c[0].local = true;
	assert_int_equal(tr_pick(c, 2, &vt), -1);
	vteps_free(&vt);
}

static void test_host_routes(void **state)
{
	struct engine g;
	struct rt a, b, c;
	uint64_t q;
	(void)state;

	init(&g);
	assert_true(g.tr.vrf[0].k.up);
	assert_int_equal(g.tr.vrf[0].k.table, 1000);
	/* VM 10.2.0.12 on VTEP .3: the router-MAC FDB entry and neighbour, then the route */
	q = g.kq.queued;
	macip(&a, 3, "10.2.0.12", 4000, true, 0);
	best(&g, &a);
	assert_int_equal(g.kq.queued - q, 3);
	assert_int_equal(g.tr.vrf[0].hosts, 1);
	assert_int_equal(nh_refs(&g, 3), 1);
	struct nl_addr v3 = fx_vtep_addr(3);
	assert_memory_equal(g.tr.vrf[0].nh[vtep_index(&g.vteps, &v3)].rmac, "\x02\x00\x00\x00\x30\x03", 6);
	/* the same again: a replace of the route only */
	q = g.kq.queued;
	best(&g, &a);
	assert_int_equal(g.kq.queued - q, 0);
	/* a second VM behind the same VTEP shares its router-MAC pair */
	q = g.kq.queued;
	macip(&b, 3, "10.2.0.13", 4000, true, 0);
	b.nlri[2 + 8 + 10 + 4 + 1 + 5] = 0x13; /* another MAC */
	best(&g, &b);
	assert_int_equal(g.kq.queued - q, 1);
	assert_int_equal(g.tr.vrf[0].hosts, 2);
	assert_int_equal(nh_refs(&g, 3), 2);
	/* withdrawn: the route goes; the pair stays for the other one, then goes with it */
	q = g.kq.queued;
	gone(&g, &a);
	assert_int_equal(g.kq.queued - q, 1);
	assert_int_equal(nh_refs(&g, 3), 1);
	q = g.kq.queued;
	gone(&g, &b);
	assert_int_equal(g.kq.queued - q, 3);
	assert_int_equal(nh_refs(&g, 3), 0);
	assert_int_equal(g.tr.vrf[0].hosts, 0);
	assert_int_equal(g.tr.count, 0);
	/* not the tenant's: no second label, or no router MAC (counted) */
	q = g.kq.queued;
	macip(&c, 4, "10.2.0.14", 0, true, 0);
	best(&g, &c);
	macip(&c, 4, "10.2.0.14", 4000, false, 0);
	best(&g, &c);
	assert_int_equal(g.kq.queued - q, 0);
	assert_int_equal(g.tr.ignored, 1);
	assert_int_equal(g.tr.count, 0);
	engine_stop(&g);
}

static void test_mobility_and_ours(void **state)
{
	struct engine g;
	struct rt a, b, l;
	(void)state;

	init(&g);
	macip(&a, 3, "10.2.0.12", 4000, true, 0);
	best(&g, &a);
	assert_int_equal(nh_refs(&g, 3), 1);
	/* the VM moves to VTEP .4 (sequence 1): the route moves, .3's pair goes */
	macip(&b, 4, "10.2.0.12", 4000, true, 1);
	best(&g, &b);
	assert_int_equal(nh_refs(&g, 3), 0);
	assert_int_equal(nh_refs(&g, 4), 1);
	assert_int_equal(g.tr.vrf[0].hosts, 1);
	/* .3 withdraws late: nothing changes */
	gone(&g, &a);
	assert_int_equal(nh_refs(&g, 4), 1);
	/* it moves here (our own route, sequence 2): the host route goes */
	macip(&l, 2, "10.2.0.12", 4000, true, 2);
	ours(&g, &l);
	assert_int_equal(nh_refs(&g, 4), 0);
	assert_int_equal(g.tr.vrf[0].hosts, 0);
	/* and away again to .4 with sequence 3 */
	macip(&b, 4, "10.2.0.12", 4000, true, 3);
	best(&g, &b);
	assert_int_equal(nh_refs(&g, 4), 1);
	assert_int_equal(g.tr.vrf[0].hosts, 1);
	engine_stop(&g);
}

static void test_prefixes_and_vrf_down(void **state)
{
	struct engine g;
	struct rt p, h, p6;
	uint64_t q;
	(void)state;

	init(&g);
	prefix(&p, 3, "192.0.2.0", 24);
	best(&g, &p);
	assert_int_equal(g.tr.vrf[0].prefixes, 1);
	assert_int_equal(nh_refs(&g, 3), 1);
	/* an IPv6 prefix over the IPv4 VTEP: the same pair plus the ::ffff: neighbour */
	q = g.kq.queued;
	prefix(&p6, 3, "2001:db8:2::", 48);
	best(&g, &p6);
	assert_int_equal(g.kq.queued - q, 2);
	assert_int_equal(nh_refs(&g, 3), 2);
	macip(&h, 3, "10.2.0.12", 4000, true, 0);
	best(&g, &h);
	assert_int_equal(g.tr.vrf[0].hosts, 1);
	assert_int_equal(nh_refs(&g, 3), 3);
	/* the VRF goes: everything is let go; it comes back: everything is installed again */
	link_ev(&g, VRF, NL_LINK_VRF, 0, "vrf-t", 0, true, true);
	assert_false(g.tr.vrf[0].k.up);
	assert_int_equal(g.tr.vrf[0].hosts + g.tr.vrf[0].prefixes, 0);
	assert_int_equal(nh_refs(&g, 3), 0);
	link_ev(&g, VRF, NL_LINK_VRF, 0, "vrf-t", 0, true, false);
	link_ev(&g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, true, false);
	assert_true(g.tr.vrf[0].k.up);
	assert_int_equal(g.tr.vrf[0].hosts, 1);
	assert_int_equal(g.tr.vrf[0].prefixes, 2);
	assert_int_equal(nh_refs(&g, 3), 3);
	/* the type-5 withdrawal with label 0 finds the route (RFC 9136 3.1: labels are not the key) */
	p.nlri[p.len - 1] = 0;
	p.nlri[p.len - 2] = 0;
	gone(&g, &p);
	assert_int_equal(g.tr.vrf[0].prefixes, 1);
	assert_int_equal(nh_refs(&g, 3), 2);
	engine_stop(&g);
}

/* After a restart: the previous run's routes and router-MAC neighbours that no route wants now go;
 * what is held stays, and so does whatever is not evpnd's. */
static void test_sweep(void **state)
{
	struct engine g;
	struct rt a;
	struct nl_route r;
	struct nl_neigh n;
	uint64_t q;
	(void)state;

	init(&g);
	macip(&a, 3, "10.2.0.12", 4000, true, 0);
	best(&g, &a);
	memset(&r, 0, sizeof r);
	r.table = 1000;
	r.dst.af = AF_INET;
	memcpy(r.dst.a, "\x0a\x02\x00\x0c", 4);
	r.plen = 32;
	r.gw = fx_vtep_addr(3);
	r.oif = BRL3;
	r.protocol = NL_ROUTE_PROTO;
	r.metric = NL_ROUTE_METRIC;
	q = g.kq.queued;
	assert_int_equal(tr_sweep_route(&g.tr, &r), 0); /* held */
	r.plen = 24;                                     /* not held: a previous run's */
	assert_int_equal(tr_sweep_route(&g.tr, &r), 1);
	assert_int_equal(g.kq.queued - q, 1);
	r.metric = 0;                                    /* someone else's */
	assert_int_equal(tr_sweep_route(&g.tr, &r), 0);
	/* deleted behind evpnd's back: the held one is put back, the others are let go */
	r.metric = NL_ROUTE_METRIC;
	r.plen = 32;
	q = g.kq.queued;
	assert_int_equal(tr_route_deleted(&g.tr, &r), 1);
	assert_int_equal(g.kq.queued - q, 1);
	r.plen = 24;
	assert_int_equal(tr_route_deleted(&g.tr, &r), 0);
	r.plen = 32;
	r.oif = VX100;
	assert_int_equal(tr_route_deleted(&g.tr, &r), 0);
	r.oif = BRL3;
	r.metric = NL_ROUTE_METRIC;
	r.table = 254;                                   /* not a tenant's table */
	assert_int_equal(tr_sweep_route(&g.tr, &r), 0);
	/* neighbours on br-l3: VTEP .3's current pair stays, .9's old one goes with its FDB entry */
	memset(&n, 0, sizeof n);
	n.ifindex = BRL3;
	n.ip = fx_vtep_addr(3);
	memcpy(n.mac, "\x02\x00\x00\x00\x30\x03", 6);
	n.has_mac = true;
	n.flags = NTF_EXT_LEARNED;
	q = g.kq.queued;
	assert_int_equal(tr_sweep_neigh(&g.tr, &n), 0);
	n.mac[5] = 0x99; /* .3 with a router MAC it no longer has: ours back, the old FDB entry out */
	assert_int_equal(tr_sweep_neigh(&g.tr, &n), 1);
	assert_int_equal(g.kq.queued - q, 2);
	n.ip = fx_vtep_addr(9); /* a VTEP no route goes through: neighbour and FDB entry out */
	assert_int_equal(tr_sweep_neigh(&g.tr, &n), 1);
	assert_int_equal(g.kq.queued - q, 4);
	n.flags = 0; /* learned by the kernel: not evpnd's */
	assert_int_equal(tr_sweep_neigh(&g.tr, &n), 0);
	n.flags = NTF_EXT_LEARNED;
	n.ifindex = VX100; /* not a tenant's bridge */
	assert_int_equal(tr_sweep_neigh(&g.tr, &n), 0);
	engine_stop(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_host_routes),
		cmocka_unit_test(test_mobility_and_ours),
		cmocka_unit_test(test_prefixes_and_vrf_down),
		cmocka_unit_test(test_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
