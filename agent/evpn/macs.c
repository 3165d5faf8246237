/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner (macs.h): local learning, remote type-2 routes, and the RFC 7432 section 15
 * decision between them for one (VNI, MAC) at a time. Every event loads what is known of the MAC
 * (view_load), decides with the pure functions of mobility.h (resolve), and stores back only what
 * the installed entry cannot say (view_store); what changed goes out through kreq.h and advertise.h.
 *
 * Local learning: bridge-port FDB entries become local type-2 routes (MAC only, label = VNI, RD and
 * RTs of the VNI, next hop = the VTEP); a static entry (NUD_NOARP, as `bridge fdb add ... master
 * static` makes) is advertised sticky (section 15.2). Learned entries are NUD_REACHABLE or
 * NUD_STALE; a port's own address is NUD_PERMANENT and is not advertised, nor are extern_learn
 * entries (evpnd's own, or another agent's) and anything on the VXLAN port. Entries are kept per
 * bridge even while its VNI is down, so a VNI coming up advertises what its bridge already knows.
 *
 * Remote routes: the best path of each peer's type-2 route is a candidate for its (VNI, MAC); the
 * winner becomes one (VXLAN ifindex, MAC) -> VTEP entry, replaced only when it changes. The RIB is
 * the desired state: a VNI attaching later walks it.
 */
#include "macs.h"

#include <linux/neighbour.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advertise.h"
#include "bgp.h"
#include "config.h"
#include "evpn.h"
#include "kreq.h"
#include "log.h"
#include "macs_int.h"
#include "macs_ip.h"
#include "originate.h"
#include "rt_filter.h"
#include "vni.h"
#include "vteps.h"

/* Records of remote MACs that went away are kept only while the side table is below this many
 * entries, so a peer's mass withdrawal cannot grow it (24 bytes each, at most half the slots). */
#define DAD_GONE_CAP 65536

static void dad_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct macs *m = w->data;
	(void)loop;
	(void)revents;
	if (!m->stopping)
		macs_dad_tick(m);
}

/* Keep the once-a-second check running while there are DAD records (none: no timer at all). */
static void dad_arm(struct macs *m)
{
	if (!m->env.loop || m->stopping)
		return;
	if (!ev_cb(&m->dad_w)) {
		ev_timer_init(&m->dad_w, dad_cb, 1.0, 1.0);
		m->dad_w.data = m;
	}
	if (!ev_is_active(&m->dad_w))
		ev_timer_start(m->env.loop, &m->dad_w);
}

/* ---- what goes out ---- */

/* Advertise local MAC e of v with sequence seq (and its MAC+IP routes). */
static void local_advertise(struct macs *m, struct vni *v, struct mac_ent *e, uint32_t seq)
{
	if (adv_mac(m->env.adv, v, e->mac, NULL, e->flags & MENT_STICKY, seq) < 0)
		return;
	if (!(e->flags & MENT_ADV))
		v->nlocal++;
	e->flags |= MENT_ADV;
	macs_ip_local_mac(m, e->ifindex, e->mac, true);
}

void macs_local_withdraw(struct macs *m, struct mac_ent *e)
{
	struct vni *v = vt_by_lkey(m->env.vt, e->ifindex);

	if (!(e->flags & MENT_ADV))
		return;
	e->flags &= (uint8_t)~MENT_ADV;
	macs_ip_local_mac(m, e->ifindex, e->mac, false);
	if (!v)
		return;
	v->nlocal--;
	adv_mac_withdraw(m->env.adv, v, e->mac, NULL);
}

/* A remote route won over local MAC e of v: withdraw it, delete the bridge's entry when it was
 * learned (never a static one), and forget it. e is invalid afterwards. */
static void local_give_way(struct macs *m, struct vni *v, struct mac_ent *e)
{
	macs_local_withdraw(m, e);
	/* the VM left: its learned entry would keep the bridge forwarding to the old port (and
	 * block the remote entry's master half); a static one is the operator's, never touched */
	if (!(e->flags & MENT_STICKY) && e->aux)
		kreq_bridge_del(m->env.kq, (int)e->aux, v->vlan, e->mac);
	mac_tab_del(&m->local, e);
}

/* Want MAC mac on v at VTEP index vi (rdh: the installing route). Writes only what differs. */
static void mac_install(struct macs *m, struct vni *v, const uint8_t mac[6], uint16_t vi, bool sticky,
			uint32_t rdh)
{
	bool created;
	struct mac_ent *e = mac_tab_put(&m->remote, v->okey, mac, &created);

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
	/* SEEN: the request settles it for a reconcile dump running now */
	e->flags = (uint8_t)(MENT_SEEN | (sticky ? MENT_STICKY : 0));
	kreq_mac(m->env.kq, NL_FDB_REPLACE, e->ifindex, e->mac, e->vtep, sticky);
}

/* No remote route is wanted for mac: remove the entry. self_only: the bridge entry is a local
 * port's now. */
static void mac_uninstall(struct macs *m, struct vni *v, const uint8_t mac[6], bool self_only)
{
	struct mac_ent *e = mac_tab_get(&m->remote, v->okey, mac);
	if (!e)
		return;
	if (self_only)
		kreq_mac_self_del(m->env.kq, v, e->mac, e->vtep);
	else
		kreq_mac(m->env.kq, NL_FDB_DEL, e->ifindex, e->mac, e->vtep, e->flags & MENT_STICKY);
	macs_dump_gone(m, false, v->okey, mac);
	mac_tab_del(&m->remote, e);
	v->nremote--;
}

/* ---- one (VNI, MAC): load, decide, store ---- */

static void view_load(struct macs *m, struct vni *v, const uint8_t mac[6], struct mob_view *w)
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&m->mob, v->vni, mac, tmp, MOB_KEY_MAX);

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
		const struct mac_ent *e = mac_tab_get(&m->remote, v->okey, mac);
		if (e && !(e->flags & MENT_STALE) && e->aux) {
			w->c[0].vtep = e->vtep;
			w->c[0].rdh = e->aux;
			w->c[0].flags = (e->flags & MENT_STICKY) ? MOB_STICKY : 0;
			w->n = 1;
		}
	}
	for (size_t i = 0; i < w->n; i++)
		w->addr[i] = vtep_addr(m->env.vteps, w->c[i].vtep);
	const struct mac_ent *l = v->lkey ? mac_tab_get(&m->local, v->lkey, mac) : NULL;
	if (l) {
		w->local = true;
		w->lsticky = l->flags & MENT_STICKY;
	} else {
		w->lseq = 0;
		w->warned = false;
	}
}

/* Keep in the side table only what the installed entry cannot say. */
static void view_store(struct macs *m, struct vni *v, const uint8_t mac[6], const struct mob_view *w,
		       bool installed0)
{
	struct mob_ent out[MOB_KEY_MAX];
	size_t n = 0;
	bool lrec = w->local && (w->lseq || w->warned);

	if (!lrec && !w->has_dad && (w->n == 0 || (w->n == 1 && installed0 && !w->c[0].seq))) {
		mob_set(&m->mob, v->vni, mac, NULL, 0);
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
	if (mob_set(&m->mob, v->vni, mac, out, n) < 0)
		log_msg(LOG_ERR, "out of memory for MAC mobility state");
}

/* Where (v, mac) is before this decision: installed from a VTEP (also while a MAC just learned
 * here is being decided), on a local port, or nowhere. */
static uint16_t location_now(struct macs *m, struct vni *v, const uint8_t mac[6])
{
	const struct mac_ent *e = mac_tab_get(&m->remote, v->okey, mac);
	if (e && !(e->flags & MENT_STALE))
		return e->vtep;
	return v->lkey && mac_tab_get(&m->local, v->lkey, mac) ? MOB_LOC_LOCAL : MOB_LOC_NONE;
}

/* A location as text: "local (BRIDGE)", the VTEP address, or "-". Returns buf. */
static const char *loc_str(struct macs *m, const struct vni *v, uint16_t loc, char *buf, size_t cap)
{
	struct ipaddr ip;
	char a[IPADDR_STRLEN];
	const struct nl_addr *na = loc < MOB_LOC_LOCAL ? vtep_addr(m->env.vteps, loc) : NULL;

	if (loc == MOB_LOC_LOCAL) {
		const struct vt_link *br = vt_link(m->env.vt, v->bridge);
		snprintf(buf, cap, "local (%s)", br ? br->name : "?");
	} else if (na) {
		vt_addr_to_ip(na, &ip);
		snprintf(buf, cap, "%s", ipaddr_str(&ip, a));
	} else {
		snprintf(buf, cap, "-");
	}
	return buf;
}

/* Duplicate address detection for a decision that puts mac at loc: count a move, mark and log
 * a duplicate. True when the MAC was already duplicate and dad-freeze leaves the kernel alone. */
static bool dad_check(struct macs *m, struct vni *v, const uint8_t mac[6], struct mob_view *w,
		      uint16_t loc)
{
	const struct config *c = m->env.cfg;
	uint32_t now = macs_now(m);

	if (!c->dad_max_moves)
		return false;
	if (w->has_dad && (w->dad.flags & MOB_DUP) && c->dad_freeze)
		return true;
	if (!w->has_dad) {
		uint16_t before = location_now(m, v, mac);
		/* state only for MACs that move; a remote MAC going away is remembered (its VM may show
		 * up elsewhere next) while the table is small, so a mass withdrawal cannot grow it */
		if (before == MOB_LOC_NONE || loc == before || (loc == MOB_LOC_NONE && m->mob.n >= DAD_GONE_CAP))
			return false;
		w->has_dad = true;
		mob_dad_init(&w->dad, before, now);
	}
	dad_arm(m);
	if (loc != MOB_LOC_NONE && w->dad.vtep != MOB_LOC_NONE && loc != w->dad.vtep)
		m->moves++;
	if (!mob_dad_move(&w->dad, loc, now, c->dad_window, c->dad_max_moves))
		return false;
	m->duplicates++;
	char ms[MAC_STRLEN], l1[64], l2[64];
	log_msg(LOG_WARNING, "VNI %u: duplicate MAC %s: %u moves in %u s, last from %s to %s: "
		"no longer advertised%s", v->vni, mac_str((const struct mac *)mac, ms), w->dad.moves,
		c->dad_window, loc_str(m, v, w->dad.prev, l1, sizeof l1),
		loc_str(m, v, w->dad.vtep, l2, sizeof l2), c->dad_freeze ? ", frozen" : "");
	return false;
}

/* Decide who has mac and make the kernel and our routes say so. readvertise: our route must be
 * (re)sent when we win (new, or its sequence or sticky flag changed). */
static void resolve(struct macs *m, struct vni *v, const uint8_t mac[6], struct mob_view *w,
		    bool readvertise)
{
	int b = mob_best(w);
	struct nl_addr lvtep;
	char ms[MAC_STRLEN], d[IPADDR_STRLEN];
	struct ipaddr ip;

	vt_ip_to_addr(&v->vtep, &lvtep);
	bool lwin = mob_local_wins(w, b, &lvtep);
	if (b >= 0) {
		vt_addr_to_ip(w->addr[b] ? w->addr[b] : &lvtep, &ip);
		ipaddr_str(&ip, d);
	}
	mac_str((const struct mac *)mac, ms);
	bool frozen = dad_check(m, v, mac, w, lwin ? MOB_LOC_LOCAL : b >= 0 ? w->c[b].vtep : MOB_LOC_NONE);
	bool dup = w->has_dad && (w->dad.flags & MOB_DUP);
	if (frozen) {
		/* dad-freeze: the kernel stays as it was when the MAC was found duplicate */
		view_store(m, v, mac, w, false);
		return;
	}
	if (w->local && !lwin) {
		struct mac_ent *l = mac_tab_get(&m->local, v->lkey, mac);
		log_msg(LOG_INFO, "VNI %u: %s moved to %s (seq %u%s): withdrawing ours", v->vni, ms, d,
			w->c[b].seq, (w->c[b].flags & MOB_STICKY) ? ", static" : "");
		if (l)
			local_give_way(m, v, l);
		w->local = false;
		w->lseq = 0;
		w->warned = false;
	}
	if (lwin) {
		if (b >= 0 && w->lsticky && !w->warned) {
			log_msg(LOG_WARNING, "VNI %u: static MAC %s claimed by %s (seq %u%s): ignored",
				v->vni, ms, d, w->c[b].seq, (w->c[b].flags & MOB_STICKY) ? ", static" : "");
			w->warned = true;
		}
		struct mac_ent *l = mac_tab_get(&m->local, v->lkey, mac);
		/* stored first: the MAC+IP routes local_advertise re-originates read the sequence back */
		view_store(m, v, mac, w, false);
		if (l && dup)
			macs_local_withdraw(m, l); /* a duplicate is not advertised */
		else if (l && v->active && (readvertise || !(l->flags & MENT_ADV)))
			local_advertise(m, v, l, w->lseq);
		mac_uninstall(m, v, mac, true);
		return;
	} else if (b >= 0) {
		mac_install(m, v, mac, w->c[b].vtep, w->c[b].flags & MOB_STICKY, w->c[b].rdh);
	} else {
		mac_uninstall(m, v, mac, false);
	}
	view_store(m, v, mac, w, !lwin && b == 0);
}

/* A MAC was learned on a local port of v's bridge (fresh: first seen, so a remote claim makes it a
 * move), or changed between learned and static: decide, advertise or give way. */
static void local_learned(struct macs *m, struct vni *v, const uint8_t mac[6], bool fresh)
{
	struct mob_view w;

	if (!v->attached) {
		struct mac_ent *l = mac_tab_get(&m->local, v->lkey, mac);
		if (l && !macs_is_dup(m, v, mac))
			local_advertise(m, v, l, macs_local_seq(m, v, mac));
		return;
	}
	view_load(m, v, mac, &w);
	if (fresh && w.n) {
		/* learned here while another VTEP has it: a move (RFC 7432 section 15) */
		w.lseq = mob_next_seq(&w);
		w.warned = false;
	}
	resolve(m, v, mac, &w, true);
}

void macs_local_gone(struct macs *m, struct vni *v, const uint8_t mac[6])
{
	struct mob_view w;
	view_load(m, v, mac, &w);
	if (!w.has_dad && m->env.cfg->dad_max_moves && m->mob.n < DAD_GONE_CAP) {
		/* remember it was here: the VM may show up elsewhere after its old route is gone */
		w.has_dad = true;
		mob_dad_init(&w.dad, MOB_LOC_LOCAL, macs_now(m));
	}
	resolve(m, v, mac, &w, false);
}

/* ---- local learning ---- */

int macs_local_key(const struct macs *m, const struct nl_fdb *f)
{
	static const uint8_t zero[6];
	struct vni_tab *vt = m->env.vt;
	int bridge = f->master;
	const struct vt_link *port = vt_link(vt, f->ifindex), *br;

	if (!bridge && port)
		bridge = port->master;
	br = vt_link(vt, bridge);
	if (!br || br->kind != NL_LINK_BRIDGE || (f->flags & NTF_SELF))
		return 0;
	if ((f->mac[0] & 1) || !memcmp(f->mac, zero, 6))
		return 0;
	if (port && port->kind == NL_LINK_VXLAN)
		return 0; /* remote MACs: evpnd's own entries, or data-path learning */
	if (f->flags & NTF_EXT_LEARNED)
		return 0;
	/* 0 for a VLAN-aware bridge's entry without a VLAN: the bridge's own */
	return vt_lkey(vt, bridge, f->vlan);
}

void macs_local_fdb(struct macs *m, const struct nl_fdb *f, bool deleted)
{
	struct mac_ent *e;
	struct vni *v;
	bool created, sticky;
	int key = macs_local_key(m, f);

	if (!key)
		return;
	v = vt_by_lkey(m->env.vt, key);
	e = mac_tab_get(&m->local, key, f->mac);
	if (deleted || (f->state & NUD_PERMANENT)) {
		/* a permanent entry replacing a learned one is not ours to advertise either */
		if (e) {
			uint8_t mac[6];
			memcpy(mac, e->mac, 6);
			macs_dump_gone(m, true, key, mac);
			macs_local_withdraw(m, e);
			mac_tab_del(&m->local, e);
			if (v && v->attached)
				macs_local_gone(m, v, mac); /* a remote claim it held back can go in now */
		}
		return;
	}
	sticky = (f->state & NUD_NOARP) != 0;
	created = false;
	if (!e) {
		e = mac_tab_put(&m->local, key, f->mac, &created);
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
		local_learned(m, v, f->mac, created);
}

/* ---- remote routes ---- */

/* A remote route for (v, mac) from the VTEP at its next hop, or its withdrawal (a NULL): update
 * the candidates and decide again. */
static void type2(struct macs *m, const struct evpn_route *r, const struct attrs *a, bool remote)
{
	struct vni *v = vt_by_vni(m->env.vt, r->label[0]);
	uint32_t rdh = macs_rd_hash(r->rd.b), seq = 0;
	bool sticky = false, has, found = false;
	struct mob_view w;
	size_t i;

	if (!v || !v->attached)
		return; /* not a local VNI (yet): attaching walks the RIB */
	view_load(m, v, r->mac.b, &w);
	for (i = 0; i < w.n && w.c[i].rdh != rdh; i++)
		;
	found = i < w.n;
	if (!a || !remote || !a->nexthop.af || ipaddr_cmp(&a->nexthop, &v->vtep) == 0 ||
	    !rtf_accepts(&v->imp, a)) { /* RTs v does not import: kept in the RIB, not installed */
		if (!found)
			return;
		w.c[i] = w.c[w.n - 1];
		w.addr[i] = w.addr[w.n - 1];
		w.n--;
		resolve(m, v, r->mac.b, &w, false);
		return;
	}
	struct nl_addr dst;
	vt_ip_to_addr(&a->nexthop, &dst);
	uint16_t vi = vtep_index(m->env.vteps, &dst);
	if (vi == VTEP_NONE)
		return;
	has = attrs_mac_mobility(a, &seq, &sticky) == 1;
	if (!found) {
		if (w.n == MOB_MAX) {
			char ms[MAC_STRLEN];
			log_msg(LOG_WARNING, "VNI %u: %s: more than %d routes claim it; ignoring one", v->vni,
				mac_str(&r->mac, ms), MOB_MAX);
			return;
		}
		i = w.n++;
	}
	memset(&w.c[i], 0, sizeof w.c[i]);
	w.c[i].vtep = vi;
	w.c[i].rdh = rdh;
	w.c[i].seq = has ? seq : 0;
	w.c[i].flags = (uint8_t)((has ? MOB_HASSEQ : 0) | (sticky ? MOB_STICKY : 0));
	w.addr[i] = vtep_addr(m->env.vteps, vi);
	resolve(m, v, r->mac.b, &w, false);
}

static void mac_only_cb(void *ctx, const struct rib_route *rr)
{
	bool *found = ctx;
	if (rr->best && rr->src && rr->src->kind != SRC_LOCAL)
		*found = true;
}

/* Whether a peer's MAC-only route with r's RD and MAC is in the RIB as best: r's withdrawal then
 * leaves the MAC to it (both share one mobility candidate, keyed by RD). */
static bool mac_route_present(struct macs *m, const struct evpn_route *r)
{
	struct evpn_route mo = *r;
	uint8_t buf[ORIG_EVPN_NLRI_MAX];
	struct wbuf w;
	bool found = false;

	if (!m->env.bgp)
		return false;
	mo.ip.af = 0;
	wbuf_init(&w, buf, sizeof buf);
	if (evpn_encode(&mo, &w) < 0 || w.err)
		return false;
	rib_lookup(bgp_rib(m->env.bgp), FAM_EVPN, buf, w.len, mac_only_cb, &found);
	return found;
}

void macs_route(struct macs *m, const struct evpn_route *r, const struct attrs *a, bool remote)
{
	struct vni *v = vt_by_vni(m->env.vt, r->label[0]);

	if (m->stopping)
		return;
	if (r->ip.af && v)
		macs_ip_remote(m, v, r, a, remote);
	/* a MAC+IP route gone while its MAC-only route stays: the MAC stays too */
	if (r->ip.af && (!a || !remote) && mac_route_present(m, r))
		return;
	type2(m, r, a, remote);
}

uint32_t macs_rd_hash(const uint8_t rd[8])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 8; i++)
		h = (h ^ rd[i]) * 16777619u;
	return h ? h : 1;
}

/* ---- VNI transitions ---- */

struct attach_ctx {
	struct macs *m;
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
	if (r.ip.af)
		macs_ip_remote(w->m, w->v, &r, rr->a, true);
	type2(w->m, &r, rr->a, true);
}

void macs_vni_attach(struct macs *m, struct vni *v)
{
	struct attach_ctx w = { m, v };

	macs_ip_vni_attach(m, v);
	if (m->env.bgp)
		rib_walk(bgp_rib(m->env.bgp), FAM_EVPN, attach_cb, &w);
}

struct detach_ctx {
	struct macs *m;
	struct vni *v;
	bool exists;
};

static bool detach_cb(void *ctx, struct mac_ent *e)
{
	struct detach_ctx *d = ctx;
	if (e->ifindex != d->v->okey)
		return false;
	if (d->exists && !d->m->stopping)
		kreq_mac(d->m->env.kq, NL_FDB_DEL, e->ifindex, e->mac, e->vtep, e->flags & MENT_STICKY);
	return true;
}

void macs_vni_detach(struct macs *m, struct vni *v)
{
	/* a deleted device took its entries with it; one that left its bridge keeps them: remove */
	struct detach_ctx d = { m, v, vt_link(m->env.vt, v->vxlan) != NULL };

	mac_tab_walk(&m->remote, detach_cb, &d);
	v->nremote = 0;
	mob_drop_vni(&m->mob, v->vni, true); /* attaching again walks the RIB */
	macs_ip_vni_detach(m, v);
}

struct vni_walk {
	struct macs *m;
	struct vni *v;
	bool all;                  /* readvertise: every advertised one again */
};

static bool activate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex != w->v->lkey)
		return false;
	if (w->all ? (e->flags & MENT_ADV) != 0
		   : !(e->flags & MENT_ADV) && !macs_is_dup(w->m, w->v, e->mac))
		local_advertise(w->m, w->v, e, macs_local_seq(w->m, w->v, e->mac)); /* MAC+IP too */
	return false;
}

static bool deactivate_cb(void *ctx, struct mac_ent *e)
{
	struct vni_walk *w = ctx;
	if (e->ifindex == w->v->lkey)
		macs_local_withdraw(w->m, e);
	return false;
}

void macs_vni_activate(struct macs *m, struct vni *v)
{
	struct vni_walk w = { m, v, false };

	mac_tab_walk(&m->local, activate_cb, &w);
	macs_ip_vni_activate(m, v, true);
}

void macs_vni_deactivate(struct macs *m, struct vni *v)
{
	struct vni_walk w = { m, v, false };

	macs_ip_vni_activate(m, v, false);
	mac_tab_walk(&m->local, deactivate_cb, &w);
	v->nlocal = 0;
}

void macs_vni_readvertise(struct macs *m, struct vni *v)
{
	/* bgp_local_add replaces a route of the same key in place (one UPDATE, no withdrawal), and
	 * adds the new-RD ones beside the old */
	struct vni_walk w = { m, v, true };

	mac_tab_walk(&m->local, activate_cb, &w);
}

/* ---- duplicate address detection: the periodic check and recovery ---- */

struct dad_key {
	uint32_t vni;
	uint8_t mac[6];
};

/* The keys of the DAD records that match (vni 0 and mac NULL: any) and, with dup_only, are
 * duplicate; collected first because deciding again moves entries around the table. */
static size_t dad_keys(struct macs *m, uint32_t vni, const uint8_t *mac, bool dup_only,
		       struct dad_key **out)
{
	const struct mob_tab *t = &m->mob;
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
static bool dad_recover_one(struct macs *m, uint32_t vni, const uint8_t mac[6], const char *why)
{
	struct vni *v = vt_by_vni(m->env.vt, vni);
	struct mob_view w;
	char ms[MAC_STRLEN];

	if (!v || !v->attached) {
		/* nothing to decide: just forget the record */
		struct mob_ent tmp[MOB_KEY_MAX], keep[MOB_KEY_MAX];
		size_t n = mob_get(&m->mob, vni, mac, tmp, MOB_KEY_MAX), k = 0;
		for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
			if (!(tmp[i].flags & MOB_DAD))
				keep[k++] = tmp[i];
		mob_set(&m->mob, vni, mac, keep, k);
		return true;
	}
	view_load(m, v, mac, &w);
	if (!w.has_dad || !(w.dad.flags & MOB_DUP))
		return false;
	mob_dad_clear(&w.dad, macs_now(m));
	log_msg(LOG_NOTICE, "VNI %u: duplicate MAC %s recovered (%s)", vni,
		mac_str((const struct mac *)mac, ms), why);
	resolve(m, v, mac, &w, true);
	return true;
}

size_t macs_dad_recover(struct macs *m, uint32_t vni, const uint8_t *mac)
{
	struct dad_key *k;
	size_t n = dad_keys(m, vni, mac, true, &k), done = 0;

	for (size_t i = 0; i < n; i++)
		done += dad_recover_one(m, k[i].vni, k[i].mac, "cleared by the operator");
	free(k);
	return done;
}

void macs_dad_tick(struct macs *m)
{
	const struct config *c = m->env.cfg;
	uint32_t now = macs_now(m);
	struct dad_key *k;
	size_t n = dad_keys(m, 0, NULL, false, &k), left = 0;

	for (size_t i = 0; i < n; i++) {
		struct mob_ent tmp[MOB_KEY_MAX], keep[MOB_KEY_MAX];
		size_t cnt = mob_get(&m->mob, k[i].vni, k[i].mac, tmp, MOB_KEY_MAX), j, kk = 0;
		for (j = 0; j < cnt && j < MOB_KEY_MAX && !(tmp[j].flags & MOB_DAD); j++)
			;
		if (j == cnt || j == MOB_KEY_MAX)
			continue;
		if (mob_dad_due(&tmp[j], now, c->dad_recovery)) {
			dad_recover_one(m, k[i].vni, k[i].mac, "dad-recovery time");
			left++;
		} else if (mob_dad_idle(&tmp[j], now, c->dad_window)) {
			for (size_t x = 0; x < cnt && x < MOB_KEY_MAX; x++)
				if (x != j)
					keep[kk++] = tmp[x];
			mob_set(&m->mob, k[i].vni, k[i].mac, keep, kk);
		} else {
			left++;
		}
	}
	free(k);
	if (!left && m->env.loop && ev_is_active(&m->dad_w))
		ev_timer_stop(m->env.loop, &m->dad_w);
}
