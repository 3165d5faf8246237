/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the agent's unit tests (include after cmocka.h): kernel links and remote routes as
 * netlink and the speaker report them, fed to the engine; and the MAC owner's tables, read. */
#ifndef EVPND_AGENT_FIXTURE_H
#define EVPND_AGENT_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "evpn.h"
#include "mac_tab.h"
#include "mob_tab.h"
#include "wire.h"

/* The MAC owner's installed remote entry (okey, mac), local MAC (lkey, mac), or NULL; counts. */
static inline const struct mac_ent *fx_remote(const struct engine *g, int okey, const uint8_t *mac)
{
	return mac_tab_get(macs_remote_tab(g->macs), okey, mac);
}

static inline const struct mac_ent *fx_local(const struct engine *g, int lkey, const uint8_t *mac)
{
	return mac_tab_get(macs_local_tab(g->macs), lkey, mac);
}

static inline struct macs_counts fx_counts(const struct engine *g)
{
	struct macs_counts c;
	macs_counts(g->macs, &c);
	return c;
}

/* The VTEP address 10.88.0.<last>. */
static inline struct nl_addr fx_vtep_addr(uint8_t last)
{
	struct nl_addr a;
	memset(&a, 0, sizeof a);
	a.af = AF_INET;
	a.a[0] = 10;
	a.a[1] = 88;
	a.a[3] = last;
	return a;
}

/* A configuration with one routed tenant: AS 64512, router-id 10.88.0.2, [vrf vrf-t] l3vni 4000
 * with automatic RD and route targets, advertise = connected. */
static inline void fx_tenant_config(struct config *cfg, struct cfg_vrf *vrf)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->g.asn = 64512;
	cfg->g.router_id = 0x0a580002;
	cfg->converge_timeout = 10;
	memset(vrf, 0, sizeof *vrf);
	strcpy(vrf->name, "vrf-t");
	vrf->l3vni = 4000;
	vrf->r.vni = 4000;
	vrf->r.rd_auto = vrf->r.rt_auto = true;
	vrf->advertise_connected = true;
	cfg->vrf = vrf;
	cfg->nvrf = 1;
}

/* A link as netlink reports it, to the VNI table: a VXLAN device with VTEP 10.88.0.2 port 4789, a
 * VRF with table 1000, a bridge with MAC 02:00:00:00:30:01 (a tenant's router MAC). */
static inline void fx_link(struct engine *g, int ifindex, uint8_t kind, int master, const char *name,
			   uint32_t vni, bool up, bool deleted)
{
	struct nl_link l;

	memset(&l, 0, sizeof l);
	l.ifindex = ifindex;
	l.kind = kind;
	l.master = master;
	l.up = up;
	snprintf(l.name, sizeof l.name, "%s", name);
	l.vni = vni;
	if (kind == NL_LINK_VXLAN) {
		l.local = fx_vtep_addr(2);
		l.dstport = 4789;
	}
	if (kind == NL_LINK_VRF)
		l.vrf_table = 1000;
	if (kind == NL_LINK_BRIDGE)
		memcpy(l.mac, "\x02\x00\x00\x00\x30\x01", 6);
	vt_link_event(&g->vt, &l, deleted);
}

/* One VNI: bridge "br<vni>" (ifindex br) holding VXLAN device "vx<vni>" (ifindex vx, VTEP
 * 10.88.0.2, port 4789) and, when port > 0, a VM port "vm1" (ifindex port), all up. */
static inline void fixture_vni(struct engine *g, int br, int vx, int port, uint32_t vni)
{
	struct nl_link l;

	memset(&l, 0, sizeof l);
	l.ifindex = br;
	l.kind = NL_LINK_BRIDGE;
	l.up = true;
	snprintf(l.name, sizeof l.name, "br%u", vni);
	vt_link_event(&g->vt, &l, false);
	memset(&l, 0, sizeof l);
	l.ifindex = vx;
	l.kind = NL_LINK_VXLAN;
	l.master = br;
	l.up = true;
	l.vni = vni;
	l.local.af = AF_INET;
	memcpy(l.local.a, "\x0a\x58\x00\x02", 4);
	l.dstport = 4789;
	snprintf(l.name, sizeof l.name, "vx%u", vni);
	vt_link_event(&g->vt, &l, false);
	if (port > 0) {
		memset(&l, 0, sizeof l);
		l.ifindex = port;
		l.master = br;
		l.up = true;
		strcpy(l.name, "vm1");
		vt_link_event(&g->vt, &l, false);
	}
}

/* Hand the engine a remote type-2 route in VNI 100 as the speaker would: MAC mac (and IPv4 ip4 when
 * not 0), RD 10.88.0.rd_last:100, from and toward VTEP 10.88.0.last, with the extended communities
 * ext[0..next); withdraw: its withdrawal. */
static inline void fixture_mac_route(struct engine *g, const uint8_t mac[6], uint32_t ip4, uint8_t last,
				     uint8_t rd_last, const uint64_t *ext, uint16_t next, bool withdraw)
{
	struct evpn_route r;
	struct attrs a;
	struct ipaddr src;
	uint8_t buf[64];
	struct wbuf w;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_MACIP;
	rd_make_ip(&r.rd, 0x0a580000u | rd_last, 100);
	memcpy(r.mac.b, mac, 6);
	if (ip4)
		ipaddr_from_v4(&r.ip, ip4);
	r.nlabels = 1;
	r.label[0] = 100;
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(evpn_encode(&r, &w), 0);
	memset(&a, 0, sizeof a);
	a.flags = AF_HAS_NEXT_HOP;
	ipaddr_from_v4(&a.nexthop, 0x0a580000u | last);
	a.extcomm = ext;
	a.nextcomm = next;
	ipaddr_from_v4(&src, 0x0a580000u | last);
	engine_best_changed(g, FAM_EVPN, buf, w.len, withdraw ? NULL : &a, &src);
}

#endif
