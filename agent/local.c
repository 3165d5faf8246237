/*
 * Local learning: bridge-port FDB entries become local type-2 routes (MAC only, label = VNI, RD and
 * RTs of the VNI, next hop = the VTEP); a static entry (NUD_NOARP, as `bridge fdb add ... master
 * static` makes) is advertised sticky (RFC 7432 section 15.2). Learned entries are NUD_REACHABLE or
 * NUD_STALE; a port's own address is NUD_PERMANENT and is not advertised, nor are extern_learn
 * entries (evpnd's own, or another agent's) and anything on the VXLAN port. Entries are kept per
 * bridge even while its VNI is down, so a VNI coming up advertises what its bridge already knows.
 */
#include <linux/neighbour.h>
#include <string.h>

#include "arp_suppress.h"
#include "evpn.h"
#include "glue.h"
#include "log.h"
#include "mobility.h"
#include "originate.h"

/* Build a VNI's route: a MAC route for mac, or its type-3 route when mac is NULL. */
static int build(struct glue *g, const struct vni *v, const uint8_t *mac, bool sticky,
		 uint32_t seq, struct orig_route *r)
{
	struct orig_req rq;
	char err[160];

	memset(&rq, 0, sizeof rq);
	rq.vni = v->vni;
	rq.nexthop = v->vtep;
	if (mac) {
		rq.type = EVPN_RT_MACIP;
		memcpy(rq.mac.b, mac, 6);
		rq.sticky = sticky;
		rq.has_seq = seq != 0; /* never moved: no community, as before mobility */
		rq.seq = seq;
	} else {
		rq.type = EVPN_RT_IMET;
		rq.ip = v->vtep; /* originator and PMSI tunnel endpoint */
	}
	if (originate_build(g->cfg, &rq, r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u: %s", v->vni, err);
		return -1;
	}
	return 0;
}

void local_advertise(struct glue *g, struct vni *v, struct mac_ent *e, uint32_t seq)
{
	struct orig_route r;
	if (!g->bgp || build(g, v, e->mac, e->flags & MENT_STICKY, seq, &r) < 0)
		return;
	if (bgp_local_add(g->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0) {
		char m[MAC_STRLEN];
		log_msg(LOG_WARNING, "VNI %u: cannot advertise %s", v->vni, mac_str((struct mac *)e->mac, m));
		return;
	}
	if (!(e->flags & MENT_ADV))
		v->nlocal++;
	e->flags |= MENT_ADV;
	arps_local_mac(g, e->ifindex, e->mac, true);
}

void local_withdraw(struct glue *g, struct mac_ent *e)
{
	struct vni *v = vt_by_lkey(&g->vt, e->ifindex);
	struct orig_route r;

	if (!(e->flags & MENT_ADV))
		return;
	e->flags &= (uint8_t)~MENT_ADV;
	arps_local_mac(g, e->ifindex, e->mac, false);
	if (!v)
		return;
	v->nlocal--;
	if (g->bgp && build(g, v, e->mac, false, 0, &r) == 0) /* the key holds no sticky flag */
		bgp_local_del(g->bgp, FAM_EVPN, r.nlri, r.len);
}

int local_key(struct glue *g, const struct nl_fdb *f)
{
	static const uint8_t zero[6];
	int bridge = f->master;
	const struct vt_link *port = vt_link(&g->vt, f->ifindex), *br;

	if (!bridge && port)
		bridge = port->master;
	br = vt_link(&g->vt, bridge);
	if (!br || br->kind != NL_LINK_BRIDGE || (f->flags & NTF_SELF))
		return 0;
	if ((f->mac[0] & 1) || !memcmp(f->mac, zero, 6))
		return 0;
	if (port && port->kind == NL_LINK_VXLAN)
		return 0; /* remote MACs: evpnd's own entries, or data-path learning */
	if (f->flags & NTF_EXT_LEARNED)
		return 0;
	/* 0 for a VLAN-aware bridge's entry without a VLAN: the bridge's own */
	return vt_lkey(&g->vt, bridge, f->vlan);
}

void local_fdb(struct glue *g, const struct nl_fdb *f, bool deleted)
{
	struct mac_ent *e;
	struct vni *v;
	bool created, sticky;
	int key = local_key(g, f);

	if (!key)
		return;
	v = vt_by_lkey(&g->vt, key);
	e = mac_tab_get(&g->local, key, f->mac);
	if (deleted || (f->state & NUD_PERMANENT)) {
		/* a permanent entry replacing a learned one is not ours to advertise either */
		if (e) {
			uint8_t mac[6];
			memcpy(mac, e->mac, 6);
			local_withdraw(g, e);
			mac_tab_del(&g->local, e);
			if (v && v->attached)
				mob_local_gone(g, v, mac); /* a remote claim it held back can go in now */
		}
		return;
	}
	sticky = (f->state & NUD_NOARP) != 0;
	created = false;
	if (!e) {
		e = mac_tab_put(&g->local, key, f->mac, &created);
		if (!e) {
			log_msg(LOG_ERR, "out of memory for local MACs");
			return;
		}
	}
	e->flags |= MENT_SEEN;
	e->aux = (uint32_t)f->ifindex;
	if ((e->flags & MENT_ADV) && !!(e->flags & MENT_STICKY) == sticky)
		return; /* a refresh (REACHABLE <-> STALE) or a move between local ports */
	e->flags = (uint8_t)((e->flags & ~MENT_STICKY) | (sticky ? MENT_STICKY : 0));
	if (v && v->active)
		mob_local_learned(g, v, f->mac, created);
}

void local_give_way(struct glue *g, struct vni *v, struct mac_ent *e)
{
	local_withdraw(g, e);
	if (!(e->flags & MENT_STICKY) && e->aux) {
		/* the VM left: its learned entry would keep the bridge forwarding to the old port (and
		 * block the remote entry's master half); a static one is the operator's, never touched */
		struct nl_fdb f;
		memset(&f, 0, sizeof f);
		f.ifindex = (int)e->aux;
		f.vlan = v->vlan;
		memcpy(f.mac, e->mac, 6);
		f.flags = NTF_MASTER;
		g->queued++;
		if (g->nl && nl_fdb_queue(g->nl, NL_FDB_DEL, &f) < 0)
			log_msg(LOG_ERR, "netlink request queue: out of memory");
	}
	mac_tab_del(&g->local, e);
}

struct vni_walk {
	struct glue *g;
	struct vni *v;
};

static bool activate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex == w->v->lkey && !(e->flags & MENT_ADV) && !mob_is_dup(w->g, w->v, e->mac))
		local_advertise(w->g, w->v, e, mob_local_seq(w->g, w->v, e->mac));
	return false;
}

static bool deactivate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex == w->v->lkey)
		local_withdraw(w->g, e);
	return false;
}

void local_type3_advertise(struct glue *g, const struct vni *v)
{
	struct orig_route r;

	if (g->bgp && build(g, v, NULL, false, 0, &r) == 0 &&
	    bgp_local_add(g->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0)
		log_msg(LOG_WARNING, "VNI %u: cannot advertise its type-3 route", v->vni);
}

void local_vni_activate(struct glue *g, struct vni *v)
{
	struct vni_walk w = { g, v };

	local_type3_advertise(g, v);
	mac_tab_walk(&g->local, activate_cb, &w);
}

void local_vni_deactivate(struct glue *g, struct vni *v)
{
	struct vni_walk w = { g, v };
	struct orig_route r;

	mac_tab_walk(&g->local, deactivate_cb, &w);
	v->nlocal = 0;
	if (g->bgp && build(g, v, NULL, false, 0, &r) == 0)
		bgp_local_del(g->bgp, FAM_EVPN, r.nlri, r.len);
}
