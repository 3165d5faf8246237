/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel requests (kreq.h). */
#include "kreq.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <string.h>

#include "krecord.h"
#include "log.h"
#include "vni.h"
#include "vteps.h"

/* An install is written to the record before it can reach the kernel (nl_hooks.sending flushes);
 * a delete goes only to a record being rewritten, which must hold it until the delete is done. */
static void record(struct kreq *k, enum nl_op op, int okey, const struct nl_fdb *f, bool flood)
{
	struct krec_key r;

	if (!k->rec)
		return;
	memset(&r, 0, sizeof r);
	r.type = flood ? KREC_FLOOD : KREC_MAC;
	r.okey = okey;
	memcpy(r.mac, f->mac, 6);
	r.dst = f->dst;
	if (op == NL_FDB_DEL)
		krec_rewrite_add(k->rec, &r);
	else
		krec_add(k->rec, &r);
}

static void queue_fdb(struct kreq *k, enum nl_op op, const struct nl_fdb *f)
{
	k->queued++;
	if (k->nl && nl_fdb_queue(k->nl, op, f) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

/* The device side of an owned-table key: the VXLAN device and, on a shared (external) one, the
 * VNI and VLAN that key its entries. False when the key's VNI is gone (nothing to ask). */
static bool owned_dev(const struct kreq *k, int okey, struct nl_fdb *f, const struct vni **vp)
{
	const struct vni *v = vt_by_okey(k->vt, okey);

	*vp = v;
	if (v) {
		f->ifindex = v->vxlan;
		if (v->vlan) {
			f->src_vni = v->vni;
			f->vlan = v->vlan;
		}
	} else {
		f->ifindex = okey; /* a device whose VNI went: the kernel says ENODEV if it is gone */
	}
	return f->ifindex > 0;
}

static void set_dst(const struct kreq *k, struct nl_fdb *f, uint16_t vtep)
{
	const struct nl_addr *dst = vtep_addr(k->vteps, vtep);
	if (dst)
		f->dst = *dst;
}

void kreq_mac(struct kreq *k, enum nl_op op, int okey, const uint8_t mac[6], uint16_t vtep,
	      bool sticky)
{
	const struct vni *v;
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	if (!owned_dev(k, okey, &f, &v))
		return;
	f.master = v ? v->bridge : 0;
	memcpy(f.mac, mac, 6);
	/* the VXLAN driver takes only REACHABLE or PERMANENT; NOARP keeps a sticky one from ageing */
	f.state = sticky ? NUD_REACHABLE | NUD_NOARP : NUD_REACHABLE;
	f.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED | (sticky ? NTF_STICKY : 0);
	set_dst(k, &f, vtep);
	record(k, op, okey, &f, false);
	queue_fdb(k, op, &f);
}

void kreq_mac_self_del(struct kreq *k, const struct vni *v, const uint8_t mac[6], uint16_t vtep)
{
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	f.ifindex = v->vxlan;
	f.src_vni = v->vlan ? v->vni : 0;
	memcpy(f.mac, mac, 6);
	f.flags = NTF_SELF;
	f.state = NUD_REACHABLE;
	set_dst(k, &f, vtep);
	queue_fdb(k, NL_FDB_DEL, &f);
}

void kreq_mac_self_del_again(struct kreq *k, const struct nl_fdb *f)
{
	struct nl_fdb g = *f;

	g.flags &= (uint8_t)~NTF_MASTER;
	g.master = 0;
	g.vlan = 0; /* the bridge's key; the VXLAN entry is keyed by MAC and source VNI */
	queue_fdb(k, NL_FDB_DEL, &g);
}

void kreq_flood(struct kreq *k, enum nl_op op, int okey, uint16_t vtep)
{
	const struct vni *v;
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	if (!owned_dev(k, okey, &f, &v))
		return;
	f.vlan = 0; /* the VXLAN device's own entry: keyed by source VNI alone */
	f.state = NUD_NOARP | NUD_PERMANENT;
	f.flags = NTF_SELF;
	set_dst(k, &f, vtep);
	if (f.dst.af)
		record(k, op, okey, &f, true);
	queue_fdb(k, op, &f);
}

bool kreq_mac_key(const struct kreq *k, int okey, const uint8_t mac[6], struct nl_fdb *f)
{
	const struct vni *v;

	memset(f, 0, sizeof *f);
	if (!owned_dev(k, okey, f, &v) || !v)
		return false;
	memcpy(f->mac, mac, 6);
	f->flags = NTF_SELF;
	return true;
}

void kreq_flood_del_addr(struct kreq *k, int okey, const struct nl_addr *dst)
{
	const struct vni *v;
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	if (!owned_dev(k, okey, &f, &v))
		return;
	f.vlan = 0;
	f.state = NUD_NOARP | NUD_PERMANENT;
	f.flags = NTF_SELF;
	f.dst = *dst;
	queue_fdb(k, NL_FDB_DEL, &f);
}

void kreq_bridge_del(struct kreq *k, int port, uint16_t vlan, const uint8_t mac[6])
{
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	f.ifindex = port;
	f.vlan = vlan;
	memcpy(f.mac, mac, 6);
	f.flags = NTF_MASTER;
	queue_fdb(k, NL_FDB_DEL, &f);
}

/* A NUD_NOARP extern_learn neighbour ip -> mac on dev (both kinds evpnd installs). */
static void queue_neigh(struct kreq *k, enum nl_op op, int dev, const struct nl_addr *ip,
			const uint8_t mac[6])
{
	struct nl_neigh n;

	memset(&n, 0, sizeof n);
	n.ifindex = dev;
	n.ip = *ip;
	memcpy(n.mac, mac, 6);
	n.has_mac = true;
	n.state = NUD_NOARP;
	n.flags = NTF_EXT_LEARNED;
	k->queued++;
	if (k->nl && nl_neigh_queue(k->nl, op, &n) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

void kreq_neigh(struct kreq *k, enum nl_op op, int bridge, const struct ipaddr *ip,
		const uint8_t mac[6])
{
	struct nl_addr a;

	memset(&a, 0, sizeof a);
	a.af = ip->af;
	memcpy(a.a, ip->a, ipaddr_len(ip));
	queue_neigh(k, op, bridge, &a, mac);
}

void kreq_port_suppress(struct kreq *k, int vxlan)
{
	k->queued++;
	if (k->nl && nl_port_suppress_queue(k->nl, vxlan, true) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

void kreq_rmac_fdb(struct kreq *k, enum nl_op op, int vxlan, int bridge, const uint8_t rmac[6],
		   const struct nl_addr *vtep)
{
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	f.ifindex = vxlan;
	f.master = bridge;
	memcpy(f.mac, rmac, 6);
	f.state = NUD_REACHABLE;
	f.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED;
	f.dst = *vtep;
	queue_fdb(k, op, &f);
}

void kreq_rmac_neigh(struct kreq *k, enum nl_op op, int bridge, const struct nl_addr *gw,
		     const uint8_t rmac[6])
{
	queue_neigh(k, op, bridge, gw, rmac);
}

void kreq_route(struct kreq *k, enum nl_op op, uint32_t table, const struct nl_addr *dst,
		uint8_t plen, const struct nl_addr *gw, int bridge)
{
	struct nl_route r;

	memset(&r, 0, sizeof r);
	r.table = table;
	r.dst = *dst;
	r.plen = plen;
	if (gw)
		r.gw = *gw;
	r.oif = bridge;
	k->queued++;
	if (k->nl && nl_route_queue(k->nl, op, &r) < 0)
		log_msg(LOG_ERR, "netlink route request %s: %s", op == NL_ROUTE_DEL ? "delete" : "replace",
			errno == ENOMEM ? "out of memory" : "malformed");
}
