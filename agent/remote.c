/*
 * Remote installs: the best path of each EVPN route from a peer becomes kernel FDB state on the
 * VXLAN device of its VNI. Type 2 -> one (VXLAN ifindex, MAC) -> VTEP entry, replaced only when it
 * changes; type 3 -> a flood entry (VNI, VTEP), reference-counted by the routes that want it
 * (flood.c). The RIB is the desired state for MACs (a VNI attaching later walks it).
 */
#include <linux/neighbour.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp_suppress.h"
#include "evpn.h"
#include "glue.h"
#include "log.h"
#include "mobility.h"

/* Records of remote MACs that went away are kept only while the side table is below this many
 * entries, so a peer's mass withdrawal cannot grow it (24 bytes each, at most half the slots). */
#define DAD_GONE_CAP 65536

/* The device side of an owned-table key: the VXLAN device and, on a shared (external) one, the
 * VNI and VLAN that key its entries. False when the key's VNI is gone (nothing to ask). */
static bool owned_dev(struct glue *g, int okey, struct nl_fdb *f, const struct vni **vp)
{
	const struct vni *v = vt_by_okey(&g->vt, okey);

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

void remote_mac_req(struct glue *g, enum nl_op op, const struct mac_ent *e)
{
	const struct nl_addr *dst = fo_vtep_addr(&g->fo, e->vtep);
	const struct vni *v;
	bool sticky = e->flags & MENT_STICKY;
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	if (!owned_dev(g, e->ifindex, &f, &v))
		return;
	f.master = v ? v->bridge : 0;
	memcpy(f.mac, e->mac, 6);
	/* the VXLAN driver takes only REACHABLE or PERMANENT; NOARP keeps a sticky one from ageing */
	f.state = sticky ? NUD_REACHABLE | NUD_NOARP : NUD_REACHABLE;
	f.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED | (sticky ? NTF_STICKY : 0);
	if (dst)
		f.dst = *dst;
	g->queued++;
	if (g->nl && nl_fdb_queue(g->nl, op, &f) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

void remote_flood_req(struct glue *g, enum nl_op op, const struct fo_flood *fl)
{
	const struct nl_addr *dst = fo_vtep_addr(&g->fo, fl->vtep);
	const struct vni *v;
	struct nl_fdb f;

	memset(&f, 0, sizeof f);
	if (!owned_dev(g, fl->ifindex, &f, &v))
		return;
	f.vlan = 0; /* the VXLAN device's own entry: keyed by source VNI alone */
	f.state = NUD_NOARP | NUD_PERMANENT;
	f.flags = NTF_SELF;
	if (dst)
		f.dst = *dst;
	g->queued++;
	if (g->nl && nl_fdb_queue(g->nl, op, &f) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

/* Want MAC mac on v at VTEP index vi (rdh: the installing route). Writes only what differs. */
static void mac_install(struct glue *g, struct vni *v, const uint8_t mac[6], uint16_t vi, bool sticky,
			uint32_t rdh)
{
	bool created;

	struct mac_ent *e = mac_tab_put(&g->fo.macs, v->okey, mac, &created);
	if (!e) {
		log_msg(LOG_ERR, "out of memory for remote MACs");
		return;
	}
	if (created)
		v->nremote++;
	else if (e->vtep == vi && !!(e->flags & MENT_STICKY) == sticky) {
		e->aux = rdh;
		e->flags &= (uint8_t)~MENT_STALE; /* adopted at start-up and right: leave it alone */
		return;
	}
	e->vtep = vi;
	e->aux = rdh;
	e->flags = (uint8_t)((e->flags & MENT_SEEN) | (sticky ? MENT_STICKY : 0));
	remote_mac_req(g, NL_FDB_REPLACE, e);
}

/* No remote route is wanted for mac: remove the entry. self_only: the bridge entry is a local
 * port's now (a delete with NTF_MASTER would fail on it and leave the VXLAN entry behind). */
static void mac_uninstall(struct glue *g, struct vni *v, const uint8_t mac[6], bool self_only)
{
	struct mac_ent *e = mac_tab_get(&g->fo.macs, v->okey, mac);
	if (!e)
		return;
	if (self_only) {
		struct nl_fdb f;
		memset(&f, 0, sizeof f);
		f.ifindex = v->vxlan;
		f.src_vni = v->vlan ? v->vni : 0;
		memcpy(f.mac, e->mac, 6);
		f.flags = NTF_SELF;
		f.state = NUD_REACHABLE;
		const struct nl_addr *dst = fo_vtep_addr(&g->fo, e->vtep);
		if (dst)
			f.dst = *dst;
		g->queued++;
		if (g->nl && nl_fdb_queue(g->nl, NL_FDB_DEL, &f) < 0)
			log_msg(LOG_ERR, "netlink request queue: out of memory");
	} else {
		remote_mac_req(g, NL_FDB_DEL, e);
	}
	mac_tab_del(&g->fo.macs, e);
	v->nremote--;
}

/* ---- MAC mobility: the view of one (VNI, MAC), the decision, and what it changes ---- */

uint32_t mob_test_now;

uint32_t mob_now(struct glue *g)
{
	return g->loop ? (uint32_t)ev_now(g->loop) : mob_test_now;
}

static void view_load(struct glue *g, struct vni *v, const uint8_t mac[6], struct mob_view *w)
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&g->fo.mob, v->vni, mac, tmp, MOB_KEY_MAX);

	memset(w, 0, sizeof *w);
	if (n > MOB_KEY_MAX)
		n = MOB_KEY_MAX;
	for (size_t i = 0; i < n; i++) {
		if (tmp[i].flags & MOB_DAD) {
			w->has_dad = true;
			w->dad = tmp[i];
		} else if (tmp[i].flags & MOB_LOCAL) {
			w->lseq = tmp[i].seq;
			w->warned = tmp[i].flags & MOB_WARNED;
		} else if (w->n < MOB_MAX) {
			w->c[w->n++] = tmp[i];
		}
	}
	if (!w->n && !w->has_dad) {
		/* the common case lives in the installed entry alone: one route, no sequence (with a
		 * DAD record every candidate is stored: a frozen entry may be no route's) */
		const struct mac_ent *e = mac_tab_get(&g->fo.macs, v->okey, mac);
		if (e && !(e->flags & MENT_STALE) && e->aux) {
			w->c[0].vtep = e->vtep;
			w->c[0].rdh = e->aux;
			w->c[0].flags = (e->flags & MENT_STICKY) ? MOB_STICKY : 0;
			w->n = 1;
		}
	}
	for (size_t i = 0; i < w->n; i++)
		w->addr[i] = fo_vtep_addr(&g->fo, w->c[i].vtep);
	const struct mac_ent *l = v->lkey ? mac_tab_get(&g->local, v->lkey, mac) : NULL;
	if (l) {
		w->local = true;
		w->lsticky = l->flags & MENT_STICKY;
	} else {
		w->lseq = 0;
		w->warned = false;
	}
}

/* Keep in the side table only what the installed entry cannot say. */
static void view_store(struct glue *g, struct vni *v, const uint8_t mac[6], const struct mob_view *w,
		       bool installed0)
{
	struct mob_ent out[MOB_KEY_MAX];
	size_t n = 0;
	bool lrec = w->local && (w->lseq || w->warned);

	if (!lrec && !w->has_dad && (w->n == 0 || (w->n == 1 && installed0 && !w->c[0].seq))) {
		mob_set(&g->fo.mob, v->vni, mac, NULL, 0);
		return;
	}
	for (size_t i = 0; i < w->n; i++)
		out[n++] = w->c[i];
	if (lrec) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].seq = w->lseq;
		out[n++].flags = (uint8_t)(MOB_LOCAL | (w->warned ? MOB_WARNED : 0));
	}
	if (w->has_dad)
		out[n++] = w->dad;
	if (mob_set(&g->fo.mob, v->vni, mac, out, n) < 0)
		log_msg(LOG_ERR, "out of memory for MAC mobility state");
}

/* Where (v, mac) is before this decision: installed from a VTEP (also while a MAC just learned
 * here is being decided), on a local port, or nowhere. */
static uint16_t location_now(struct glue *g, struct vni *v, const uint8_t mac[6])
{
	const struct mac_ent *e = mac_tab_get(&g->fo.macs, v->okey, mac);
	if (e && !(e->flags & MENT_STALE))
		return e->vtep;
	return v->lkey && mac_tab_get(&g->local, v->lkey, mac) ? MOB_LOC_LOCAL : MOB_LOC_NONE;
}

const char *mob_loc_str(struct glue *g, const struct vni *v, uint16_t loc, char *buf, size_t cap)
{
	struct ipaddr ip;
	char a[IPADDR_STRLEN];
	const struct nl_addr *na = loc < MOB_LOC_LOCAL ? fo_vtep_addr(&g->fo, loc) : NULL;

	if (loc == MOB_LOC_LOCAL) {
		const struct vt_link *br = vt_link(&g->vt, v->bridge);
		snprintf(buf, cap, "local (%s)", br ? br->name : "?");
	} else if (na) {
		vt_addr_to_ip(na, &ip);
		snprintf(buf, cap, "%s", ipaddr_str(&ip, a));
	} else {
		snprintf(buf, cap, "-");
	}
	return buf;
}

static void dad_arm(struct glue *g);

/* Duplicate address detection for a decision that puts mac at loc: count a move, mark and log
 * a duplicate. True when the MAC was already duplicate and dad-freeze leaves the kernel alone. */
static bool dad_check(struct glue *g, struct vni *v, const uint8_t mac[6], struct mob_view *w,
		      uint16_t loc)
{
	const struct config *c = g->cfg;
	uint32_t now = mob_now(g);

	if (!c->dad_max_moves)
		return false;
	if (w->has_dad && (w->dad.flags & MOB_DUP) && c->dad_freeze)
		return true;
	if (!w->has_dad) {
		uint16_t before = location_now(g, v, mac);
		/* state only for MACs that move; a remote MAC going away is remembered (its VM may show
		 * up elsewhere next) while the table is small, so a mass withdrawal cannot grow it */
		if (before == MOB_LOC_NONE || loc == before || (loc == MOB_LOC_NONE && g->fo.mob.n >= DAD_GONE_CAP))
			return false;
		w->has_dad = true;
		mob_dad_init(&w->dad, before, now);
	}
	dad_arm(g);
	if (loc != MOB_LOC_NONE && w->dad.vtep != MOB_LOC_NONE && loc != w->dad.vtep)
		g->mac_moves++;
	if (!mob_dad_move(&w->dad, loc, now, c->dad_window, c->dad_max_moves))
		return false;
	g->mac_duplicates++;
	char m[MAC_STRLEN], l1[64], l2[64];
	log_msg(LOG_WARNING, "VNI %u: duplicate MAC %s: %u moves in %u s, last from %s to %s: "
		"no longer advertised%s", v->vni, mac_str((const struct mac *)mac, m), w->dad.moves,
		c->dad_window, mob_loc_str(g, v, w->dad.prev, l1, sizeof l1),
		mob_loc_str(g, v, w->dad.vtep, l2, sizeof l2), c->dad_freeze ? ", frozen" : "");
	return false;
}

/* Decide who has mac and make the kernel and our routes say so. readvertise: our route must be
 * (re)sent when we win (new, or its sequence or sticky flag changed). */
static void resolve(struct glue *g, struct vni *v, const uint8_t mac[6], struct mob_view *w,
		    bool readvertise)
{
	int b = mob_best(w);
	struct nl_addr lvtep;
	char m[MAC_STRLEN], d[IPADDR_STRLEN];
	struct ipaddr ip;

	vt_ip_to_addr(&v->vtep, &lvtep);
	bool lwin = mob_local_wins(w, b, &lvtep);
	if (b >= 0) {
		vt_addr_to_ip(w->addr[b] ? w->addr[b] : &lvtep, &ip);
		ipaddr_str(&ip, d);
	}
	mac_str((const struct mac *)mac, m);
	bool frozen = dad_check(g, v, mac, w, lwin ? MOB_LOC_LOCAL : b >= 0 ? w->c[b].vtep : MOB_LOC_NONE);
	bool dup = w->has_dad && (w->dad.flags & MOB_DUP);
	if (frozen) {
		/* dad-freeze: the kernel stays as it was when the MAC was found duplicate */
		view_store(g, v, mac, w, false);
		return;
	}
	if (w->local && !lwin) {
		struct mac_ent *l = mac_tab_get(&g->local, v->lkey, mac);
		log_msg(LOG_INFO, "VNI %u: %s moved to %s (seq %u%s): withdrawing ours", v->vni, m, d,
			w->c[b].seq, (w->c[b].flags & MOB_STICKY) ? ", static" : "");
		if (l)
			local_give_way(g, v, l);
		w->local = false;
		w->lseq = 0;
		w->warned = false;
	}
	if (lwin) {
		if (b >= 0 && w->lsticky && !w->warned) {
			log_msg(LOG_WARNING, "VNI %u: static MAC %s claimed by %s (seq %u%s): ignored",
				v->vni, m, d, w->c[b].seq, (w->c[b].flags & MOB_STICKY) ? ", static" : "");
			w->warned = true;
		}
		struct mac_ent *l = mac_tab_get(&g->local, v->lkey, mac);
		/* stored first: the MAC+IP routes local_advertise re-originates read the sequence back */
		view_store(g, v, mac, w, false);
		if (l && dup)
			local_withdraw(g, l); /* a duplicate is not advertised */
		else if (l && v->active && (readvertise || !(l->flags & MENT_ADV)))
			local_advertise(g, v, l, w->lseq);
		mac_uninstall(g, v, mac, true);
		return;
	} else if (b >= 0) {
		mac_install(g, v, mac, w->c[b].vtep, w->c[b].flags & MOB_STICKY, w->c[b].rdh);
	} else {
		mac_uninstall(g, v, mac, false);
	}
	view_store(g, v, mac, w, !lwin && b == 0);
}

void mob_local_learned(struct glue *g, struct vni *v, const uint8_t mac[6], bool fresh)
{
	struct mob_view w;

	if (!v->attached) {
		struct mac_ent *l = mac_tab_get(&g->local, v->lkey, mac);
		if (l && !mob_is_dup(g, v, mac))
			local_advertise(g, v, l, mob_local_seq(g, v, mac));
		return;
	}
	view_load(g, v, mac, &w);
	if (fresh && w.n) {
		/* learned here while another VTEP has it: a move (RFC 7432 section 15) */
		w.lseq = mob_next_seq(&w);
		w.warned = false;
	}
	resolve(g, v, mac, &w, true);
}

void mob_local_gone(struct glue *g, struct vni *v, const uint8_t mac[6])
{
	struct mob_view w;
	view_load(g, v, mac, &w);
	if (!w.has_dad && g->cfg->dad_max_moves && g->fo.mob.n < DAD_GONE_CAP) {
		/* remember it was here: the VM may show up elsewhere after its old route is gone */
		w.has_dad = true;
		mob_dad_init(&w.dad, MOB_LOC_LOCAL, mob_now(g));
	}
	resolve(g, v, mac, &w, false);
}

uint32_t mob_local_seq(struct glue *g, const struct vni *v, const uint8_t mac[6])
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&g->fo.mob, v->vni, mac, tmp, MOB_KEY_MAX);
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
		if (tmp[i].flags & MOB_LOCAL)
			return tmp[i].seq;
	return 0;
}

/* A remote route for (v, mac) from the VTEP at nh, or its withdrawal (a NULL): update the
 * candidates and decide again. */
static void type2(struct glue *g, const struct evpn_route *r, const struct attrs *a, bool remote)
{
	struct vni *v = vt_by_vni(&g->vt, r->label[0]);
	uint32_t rdh = fo_rd_hash(r->rd.b), seq = 0;
	bool sticky = false, has, found = false;
	struct mob_view w;
	size_t i;

	if (!v || !v->attached)
		return; /* not a local VNI (yet): attaching walks the RIB */
	view_load(g, v, r->mac.b, &w);
	for (i = 0; i < w.n && w.c[i].rdh != rdh; i++)
		;
	found = i < w.n;
	if (!a || !remote || !a->nexthop.af || ipaddr_cmp(&a->nexthop, &v->vtep) == 0 ||
	    !vni_imports(v, a)) { /* RTs v does not import: kept in the RIB, not installed */
		if (!found)
			return;
		w.c[i] = w.c[w.n - 1];
		w.addr[i] = w.addr[w.n - 1];
		w.n--;
		resolve(g, v, r->mac.b, &w, false);
		return;
	}
	struct nl_addr dst;
	vt_ip_to_addr(&a->nexthop, &dst);
	uint16_t vi = fo_vtep(&g->fo, &dst);
	if (vi == FO_VTEP_NONE)
		return;
	has = attrs_mac_mobility(a, &seq, &sticky) == 1;
	if (!found) {
		if (w.n == MOB_MAX) {
			char m[MAC_STRLEN];
			log_msg(LOG_WARNING, "VNI %u: %s: more than %d routes claim it; ignoring one", v->vni,
				mac_str(&r->mac, m), MOB_MAX);
			return;
		}
		i = w.n++;
	}
	memset(&w.c[i], 0, sizeof w.c[i]);
	w.c[i].vtep = vi;
	w.c[i].rdh = rdh;
	w.c[i].seq = has ? seq : 0;
	w.c[i].flags = (uint8_t)((has ? MOB_HASSEQ : 0) | (sticky ? MOB_STICKY : 0));
	w.addr[i] = fo_vtep_addr(&g->fo, vi);
	resolve(g, v, r->mac.b, &w, false);
}

void glue_best_changed(struct glue *g, int fam, const uint8_t *nlri, size_t len,
		       const struct attrs *a, const struct ipaddr *src)
{
	struct evpn_route r;

	if (fam != FAM_EVPN || g->stopping || evpn_decode(nlri, len, &r) < 0)
		return;
	if (r.type == EVPN_RT_MACIP) {
		/* learn-to-install latency: a remote route's change until the kernel acks what it queued */
		double t0 = src && a && g->nl ? lat_now() : 0;
		uint64_t p0 = t0 ? nl_next_pos(g->nl) : 0;
		arps_remote_route(g, &r, a, src != NULL);
		/* a MAC+IP route gone while its MAC-only route stays: the MAC stays too */
		if (r.ip.af && (!a || !src) && arps_mac_route_present(g, &r))
			return;
		type2(g, &r, a, src != NULL);
		if (t0 && nl_next_pos(g->nl) != p0)
			lat_track_start(&g->lat, t0, nl_next_pos(g->nl));
	} else if (r.type == EVPN_RT_IMET) {
		flood_route(g, &r, nlri, len, src ? a : NULL);
	}
}

struct attach_ctx {
	struct glue *g;
	struct vni *v;
};

static void attach_cb(void *ctx, const struct rib_route *rr)
{
	struct attach_ctx *w = ctx;
	struct evpn_route r;

	if (!rr->best || !rr->src || rr->src->kind == SRC_LOCAL)
		return;
	if (evpn_decode(rr->nlri, rr->len, &r) < 0 || r.type != EVPN_RT_MACIP || r.label[0] != w->v->vni)
		return;
	arps_remote_route(w->g, &r, rr->a, true);
	type2(w->g, &r, rr->a, true);
}

void remote_vni_attach(struct glue *g, struct vni *v)
{
	struct attach_ctx w = { g, v };

	if (g->bgp)
		rib_walk(bgp_rib(g->bgp), FAM_EVPN, attach_cb, &w);
	flood_vni_attach(g, v);
}

struct detach_ctx {
	struct glue *g;
	struct vni *v;
	bool exists;
};

static bool detach_cb(void *ctx, struct mac_ent *e)
{
	struct detach_ctx *d = ctx;
	if (e->ifindex != d->v->okey)
		return false;
	if (d->exists && !d->g->stopping)
		remote_mac_req(d->g, NL_FDB_DEL, e);
	return true;
}

void remote_vni_detach(struct glue *g, struct vni *v)
{
	/* a deleted device took its entries with it; one that left its bridge keeps them: remove */
	struct detach_ctx d = { g, v, vt_link(&g->vt, v->vxlan) != NULL };

	mac_tab_walk(&g->fo.macs, detach_cb, &d);
	v->nremote = 0;
	mob_drop_vni(&g->fo.mob, v->vni, true); /* attaching again walks the RIB */
	for (size_t i = 0; i < g->fo.nflood;) {
		if (g->fo.flood[i].ifindex != v->okey) {
			i++;
			continue;
		}
		if (d.exists)
			remote_flood_req(g, NL_FDB_DEL, &g->fo.flood[i]);
		fo_flood_del(&g->fo, &g->fo.flood[i]);
	}
}

static void lost_push(struct glue *g, int ifindex, const uint8_t *mac, uint16_t vtep, bool flood)
{
	if (g->nlost == g->lostcap) {
		size_t ncap = g->lostcap ? g->lostcap * 2 : 64;
		struct lost_ent *n = realloc(g->lost, ncap * sizeof *n);
		if (!n) {
			g->resync = true; /* the re-dump finds what is missing */
			return;
		}
		g->lost = n;
		g->lostcap = ncap;
	}
	struct lost_ent *l = &g->lost[g->nlost++];
	memset(l, 0, sizeof *l);
	l->ifindex = ifindex;
	if (mac)
		memcpy(l->mac, mac, 6);
	l->vtep = vtep;
	l->flood = flood;
}

void remote_kernel_event(struct glue *g, struct vni *v, const struct nl_fdb *f, bool deleted)
{
	uint16_t vi;

	if (!deleted || g->stopping || !v->attached)
		return;
	switch (rc_classify(f)) {
	case RC_MAC: {
		struct mac_ent *e = mac_tab_get(&g->fo.macs, v->okey, f->mac);
		vi = fo_vtep(&g->fo, &f->dst);
		if (!e || e->vtep != vi)
			return;
		if (e->flags & MENT_STALE) {
			mac_tab_del(&g->fo.macs, e);
			v->nremote--;
			return;
		}
		lost_push(g, v->okey, f->mac, vi, false); /* flushed (device down) or deleted by hand */
		return;
	}
	case RC_FLOOD: {
		struct fo_flood *fl;
		vi = fo_vtep(&g->fo, &f->dst);
		fl = fo_flood_get(&g->fo, v->okey, vi);
		if (!fl)
			return;
		if (fl->refs)
			lost_push(g, v->okey, NULL, vi, true);
		else
			fo_flood_del(&g->fo, fl);
		return;
	}
	default:
		return;
	}
}

void remote_put_back(struct glue *g)
{
	for (size_t i = 0; i < g->nlost; i++) {
		const struct lost_ent *l = &g->lost[i];
		struct vni *v = vt_by_okey(&g->vt, l->ifindex);
		if (!v || !v->attached)
			continue; /* gone with its device, or detached: nothing to put back */
		if (l->flood) {
			struct fo_flood *fl = fo_flood_get(&g->fo, l->ifindex, l->vtep);
			if (fl && fl->refs)
				remote_flood_req(g, NL_FDB_APPEND, fl);
		} else {
			struct mac_ent *e = mac_tab_get(&g->fo.macs, l->ifindex, l->mac);
			if (e && e->vtep == l->vtep && !(e->flags & MENT_STALE))
				remote_mac_req(g, NL_FDB_REPLACE, e);
		}
	}
	g->nlost = 0;
}

/* ---- duplicate address detection: the periodic check and recovery ---- */

struct dad_key {
	uint32_t vni;
	uint8_t mac[6];
};

bool mob_is_dup(struct glue *g, const struct vni *v, const uint8_t mac[6])
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&g->fo.mob, v->vni, mac, tmp, MOB_KEY_MAX);
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
		if ((tmp[i].flags & (MOB_DAD | MOB_DUP)) == (MOB_DAD | MOB_DUP))
			return true;
	return false;
}

/* The keys of the DAD records that match (vni 0 and mac NULL: any) and, with dup_only, are
 * duplicate; collected first because deciding again moves entries around the table. */
static size_t dad_keys(struct glue *g, uint32_t vni, const uint8_t *mac, bool dup_only,
		       struct dad_key **out)
{
	const struct mob_tab *t = &g->fo.mob;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t i = 0; i < t->cap; i++) {
		const struct mob_ent *e = &t->e[i];
		if (!(e->flags & MOB_USED) || !(e->flags & MOB_DAD) || (dup_only && !(e->flags & MOB_DUP)))
			continue;
		if ((vni && e->vni != vni) || (mac && memcmp(e->mac, mac, 6)))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct dad_key *k = realloc(*out, ncap * sizeof *k);
			if (!k)
				break; /* the rest waits for the next check */
			*out = k;
			cap = ncap;
		}
		(*out)[n].vni = e->vni;
		memcpy((*out)[n++].mac, e->mac, 6);
	}
	return n;
}

/* Clear (vni, mac)'s duplicate state and decide again from the current routes and local state. */
static bool dad_recover_one(struct glue *g, uint32_t vni, const uint8_t mac[6], const char *why)
{
	struct vni *v = vt_by_vni(&g->vt, vni);
	struct mob_view w;
	char m[MAC_STRLEN];

	if (!v || !v->attached) {
		/* nothing to decide: just forget the record */
		struct mob_ent tmp[MOB_KEY_MAX], keep[MOB_KEY_MAX];
		size_t n = mob_get(&g->fo.mob, vni, mac, tmp, MOB_KEY_MAX), k = 0;
		for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
			if (!(tmp[i].flags & MOB_DAD))
				keep[k++] = tmp[i];
		mob_set(&g->fo.mob, vni, mac, keep, k);
		return true;
	}
	view_load(g, v, mac, &w);
	if (!w.has_dad || !(w.dad.flags & MOB_DUP))
		return false;
	mob_dad_clear(&w.dad, mob_now(g));
	log_msg(LOG_NOTICE, "VNI %u: duplicate MAC %s recovered (%s)", vni,
		mac_str((const struct mac *)mac, m), why);
	resolve(g, v, mac, &w, true);
	return true;
}

size_t mob_dad_recover(struct glue *g, uint32_t vni, const uint8_t *mac)
{
	struct dad_key *k;
	size_t n = dad_keys(g, vni, mac, true, &k), done = 0;

	for (size_t i = 0; i < n; i++)
		done += dad_recover_one(g, k[i].vni, k[i].mac, "cleared by the operator");
	free(k);
	return done;
}

void mob_dad_tick(struct glue *g)
{
	const struct config *c = g->cfg;
	uint32_t now = mob_now(g);
	struct dad_key *k;
	size_t n = dad_keys(g, 0, NULL, false, &k), left = 0;

	for (size_t i = 0; i < n; i++) {
		struct mob_ent tmp[MOB_KEY_MAX], keep[MOB_KEY_MAX];
		size_t m = mob_get(&g->fo.mob, k[i].vni, k[i].mac, tmp, MOB_KEY_MAX), j, kk = 0;
		for (j = 0; j < m && j < MOB_KEY_MAX && !(tmp[j].flags & MOB_DAD); j++)
			;
		if (j == m || j == MOB_KEY_MAX)
			continue;
		if (mob_dad_due(&tmp[j], now, c->dad_recovery)) {
			dad_recover_one(g, k[i].vni, k[i].mac, "dad-recovery time");
			left++;
		} else if (mob_dad_idle(&tmp[j], now, c->dad_window)) {
			for (size_t x = 0; x < m && x < MOB_KEY_MAX; x++)
				if (x != j)
					keep[kk++] = tmp[x];
			mob_set(&g->fo.mob, k[i].vni, k[i].mac, keep, kk);
		} else {
			left++;
		}
	}
	free(k);
	if (!left && g->loop && ev_is_active(&g->dad_w))
		ev_timer_stop(g->loop, &g->dad_w);
}

static void dad_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct glue *g = (struct glue *)((char *)w - offsetof(struct glue, dad_w));
	(void)loop;
	(void)revents;
	if (!g->stopping)
		mob_dad_tick(g);
}

/* Keep the once-a-second check running while there are DAD records (none: no timer at all). */
static void dad_arm(struct glue *g)
{
	if (!g->loop || g->stopping)
		return;
	if (!ev_cb(&g->dad_w))
		ev_timer_init(&g->dad_w, dad_cb, 1.0, 1.0);
	if (!ev_is_active(&g->dad_w))
		ev_timer_start(g->loop, &g->dad_w);
}
