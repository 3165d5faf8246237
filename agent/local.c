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

#include "evpn.h"
#include "glue.h"
#include "log.h"
#include "originate.h"

/* Build a VNI's route: a MAC route for mac, or its type-3 route when mac is NULL. */
static int build(struct glue *g, const struct vni *v, const uint8_t *mac, bool sticky,
		 struct orig_route *r)
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

static void advertise(struct glue *g, struct vni *v, struct mac_ent *e)
{
	struct orig_route r;
	if (!g->bgp || build(g, v, e->mac, e->flags & MENT_STICKY, &r) < 0)
		return;
	if (bgp_local_add(g->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0) {
		char m[MAC_STRLEN];
		log_msg(LOG_WARNING, "VNI %u: cannot advertise %s", v->vni, mac_str((struct mac *)e->mac, m));
		return;
	}
	if (!(e->flags & MENT_ADV))
		v->nlocal++;
	e->flags |= MENT_ADV;
}

void local_withdraw(struct glue *g, struct mac_ent *e)
{
	struct vni *v = vt_by_bridge(&g->vt, e->ifindex);
	struct orig_route r;

	if (!(e->flags & MENT_ADV))
		return;
	e->flags &= (uint8_t)~MENT_ADV;
	if (!v)
		return;
	v->nlocal--;
	if (g->bgp && build(g, v, e->mac, false, &r) == 0) /* the key holds no sticky flag */
		bgp_local_del(g->bgp, FAM_EVPN, r.nlri, r.len);
}

void local_fdb(struct glue *g, const struct nl_fdb *f, bool deleted)
{
	static const uint8_t zero[6];
	int bridge = f->master;
	const struct vt_link *port = vt_link(&g->vt, f->ifindex), *br;
	struct mac_ent *e;
	struct vni *v;
	bool created, sticky;

	if (!bridge && port)
		bridge = port->master;
	br = vt_link(&g->vt, bridge);
	if (!br || br->kind != NL_LINK_BRIDGE || (f->flags & NTF_SELF))
		return;
	if ((f->mac[0] & 1) || !memcmp(f->mac, zero, 6))
		return;
	if (port && port->kind == NL_LINK_VXLAN)
		return; /* remote MACs: evpnd's own entries, or data-path learning */
	if (f->flags & NTF_EXT_LEARNED)
		return;
	v = br->vni;
	e = mac_tab_get(&g->local, bridge, f->mac);
	if (deleted || (f->state & NUD_PERMANENT)) {
		/* a permanent entry replacing a learned one is not ours to advertise either */
		if (e) {
			local_withdraw(g, e);
			mac_tab_del(&g->local, e);
		}
		return;
	}
	sticky = (f->state & NUD_NOARP) != 0;
	if (!e) {
		e = mac_tab_put(&g->local, bridge, f->mac, &created);
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
		advertise(g, v, e);
}

struct vni_walk {
	struct glue *g;
	struct vni *v;
};

static bool activate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex == w->v->bridge && !(e->flags & MENT_ADV))
		advertise(w->g, w->v, e);
	return false;
}

static bool deactivate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex == w->v->bridge)
		local_withdraw(w->g, e);
	return false;
}

void local_vni_activate(struct glue *g, struct vni *v)
{
	struct vni_walk w = { g, v };
	struct orig_route r;

	if (g->bgp && build(g, v, NULL, false, &r) == 0 &&
	    bgp_local_add(g->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0)
		log_msg(LOG_WARNING, "VNI %u: cannot advertise its type-3 route", v->vni);
	mac_tab_walk(&g->local, activate_cb, &w);
}

void local_vni_deactivate(struct glue *g, struct vni *v)
{
	struct vni_walk w = { g, v };
	struct orig_route r;

	mac_tab_walk(&g->local, deactivate_cb, &w);
	v->nlocal = 0;
	if (g->bgp && build(g, v, NULL, false, &r) == 0)
		bgp_local_del(g->bgp, FAM_EVPN, r.nlri, r.len);
}
