/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner and the kernel's copy of its state: reconcile dumps (the verdicts are reconcile.h's,
 * pure), entries deleted behind evpnd's back (put back at the end of the loop iteration), and the
 * sweep of adopted entries at initial convergence. Calls macs.c for what a local MAC's departure
 * decides; macs.c never calls here.
 */
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>

#include "kreq.h"
#include "log.h"
#include "macs.h"
#include "macs_int.h"
#include "macs_ip.h"
#include "macs_sync.h"
#include "reconcile.h"
#include "vni.h"
#include "vteps.h"

static void count_remote(struct macs *m, int okey, int delta)
{
	struct vni *v = vt_by_okey(m->env.vt, okey);
	if (v)
		v->nremote += (uint32_t)delta;
}

static bool unseen_cb(void *ctx, struct mac_ent *e)
{
	(void)ctx;
	e->flags &= (uint8_t)~MENT_SEEN;
	return false;
}

void macs_dump_begin(struct macs *m, bool remote)
{
	m->dump_remote = remote;
	if (remote)
		mac_tab_walk(&m->remote, unseen_cb, NULL);
	mac_tab_walk(&m->local, unseen_cb, NULL);
	m->dumping = true;
}

static void dump_done(struct macs *m)
{
	m->dumping = false;
	mac_tab_free(&m->gone_remote);
	mac_tab_free(&m->gone_local);
	mac_tab_init(&m->gone_remote);
	mac_tab_init(&m->gone_local);
}

void macs_dump_abort(struct macs *m)
{
	dump_done(m);
}

void macs_local_dumped(struct macs *m, const struct nl_fdb *f)
{
	int key = macs_local_key(m, f);
	struct mac_ent *e;

	if (!key)
		return;
	e = mac_tab_get(&m->local, key, f->mac);
	if ((e && (e->flags & MENT_SEEN)) || (!e && mac_tab_get(&m->gone_local, key, f->mac)))
		return; /* settled by an event since the dump began */
	macs_local_fdb(m, f, false);
}

void macs_dump_entry(struct macs *m, struct vni *v, const struct nl_fdb *f)
{
	uint16_t kv = vtep_index(m->env.vteps, &f->dst);
	bool ksticky = (f->flags & NTF_STICKY) != 0;
	struct mac_ent *e = mac_tab_get(&m->remote, v->okey, f->mac);
	bool created;

	if (kv == VTEP_NONE)
		return;
	if ((e && (e->flags & MENT_SEEN)) || (!e && mac_tab_get(&m->gone_remote, v->okey, f->mac)))
		return; /* settled by a request or an event since the dump began */
	switch (rc_mac_present(e, kv, ksticky, m->converged)) {
	case RC_KEEP:
		break;
	case RC_ADOPT:
		if (!e) {
			e = mac_tab_put(&m->remote, v->okey, f->mac, &created);
			if (!e)
				return;
			count_remote(m, v->okey, 1);
		}
		e->vtep = kv;
		e->aux = 0;
		e->flags = (uint8_t)(MENT_STALE | (ksticky ? MENT_STICKY : 0));
		break;
	case RC_REPLACE:
		kreq_mac(m->env.kq, NL_FDB_REPLACE, e->ifindex, e->mac, e->vtep, e->flags & MENT_STICKY);
		break;
	case RC_DELETE:
		kreq_mac(m->env.kq, NL_FDB_DEL, v->okey, f->mac, kv, ksticky);
		macs_dump_gone(m, false, v->okey, f->mac);
		return;
	case RC_FORGET:
		return;
	}
	e->flags |= MENT_SEEN;
}

static bool missing_cb(void *ctx, struct mac_ent *e)
{
	struct macs *m = ctx;
	if (e->flags & MENT_SEEN)
		return false;
	if (rc_missing(e->flags, 0) == RC_FORGET) {
		count_remote(m, e->ifindex, -1);
		return true;
	}
	kreq_mac(m->env.kq, NL_FDB_REPLACE, e->ifindex, e->mac, e->vtep, e->flags & MENT_STICKY);
	e->flags |= MENT_SEEN; /* a wrapped walk may visit it twice */
	return false;
}

/* Local MACs the dump did not report: they went away while events were lost. */
struct gone {
	struct macs *m;
	size_t n, cap;
	struct gone_mac {
		int lkey;
		uint8_t mac[6];
	} *v;
};

static bool local_gone_cb(void *ctx, struct mac_ent *e)
{
	struct gone *gn = ctx;
	if (e->flags & MENT_SEEN)
		return false;
	macs_local_withdraw(gn->m, e);
	if (gn->n == gn->cap) {
		size_t cap = gn->cap ? gn->cap * 2 : 64;
		struct gone_mac *v = realloc(gn->v, cap * sizeof *v);
		if (!v)
			return true; /* withdrawn all the same; only a held-back remote claim waits */
		gn->v = v;
		gn->cap = cap;
	}
	gn->v[gn->n].lkey = e->ifindex;
	memcpy(gn->v[gn->n++].mac, e->mac, 6);
	return true;
}

void macs_dump_end(struct macs *m)
{
	struct gone gn = { .m = m };

	if (m->dump_remote)
		mac_tab_walk(&m->remote, missing_cb, m);
	/* as for an event: a remote claim the local MAC held back can go in now; after the walk,
	 * once the MACs are out of the local table that the decision reads */
	mac_tab_walk(&m->local, local_gone_cb, &gn);
	dump_done(m); /* before macs_local_gone, whose decisions are news, not a dump's report */
	for (size_t i = 0; i < gn.n; i++) {
		struct vni *v = vt_by_lkey(m->env.vt, gn.v[i].lkey);
		if (v && v->attached)
			macs_local_gone(m, v, gn.v[i].mac);
	}
	free(gn.v);
}

static void lost_push(struct macs *m, int okey, const uint8_t *mac, uint16_t vtep)
{
	if (m->nlost == m->lostcap) {
		size_t ncap = m->lostcap ? m->lostcap * 2 : 64;
		struct lost_mac *n = realloc(m->lost, ncap * sizeof *n);
		if (!n) {
			m->lost_oom = true; /* the engine's next dump finds what is missing */
			return;
		}
		m->lost = n;
		m->lostcap = ncap;
	}
	struct lost_mac *l = &m->lost[m->nlost++];
	l->okey = okey;
	memcpy(l->mac, mac, 6);
	l->vtep = vtep;
}

void macs_kernel_deleted(struct macs *m, struct vni *v, const struct nl_fdb *f)
{
	struct mac_ent *e;
	uint16_t vi;

	if (m->stopping || !v->attached)
		return;
	e = mac_tab_get(&m->remote, v->okey, f->mac);
	vi = vtep_index(m->env.vteps, &f->dst);
	if (!e || e->vtep != vi)
		return;
	if (e->flags & MENT_STALE) {
		mac_tab_del(&m->remote, e);
		v->nremote--;
		macs_dump_gone(m, false, v->okey, f->mac);
		return;
	}
	e->flags |= MENT_SEEN; /* put back at the end of the iteration: settled */
	lost_push(m, v->okey, f->mac, vi); /* flushed (device down) or deleted by hand */
}

bool macs_lost_pending(const struct macs *m)
{
	return m->nlost != 0;
}

bool macs_take_lost_oom(struct macs *m)
{
	bool r = m->lost_oom;
	m->lost_oom = false;
	return r;
}

void macs_put_back(struct macs *m)
{
	for (size_t i = 0; i < m->nlost; i++) {
		const struct lost_mac *l = &m->lost[i];
		struct vni *v = vt_by_okey(m->env.vt, l->okey);
		if (!v || !v->attached)
			continue; /* gone with its device, or detached: nothing to put back */
		struct mac_ent *e = mac_tab_get(&m->remote, l->okey, l->mac);
		if (e && e->vtep == l->vtep && !(e->flags & MENT_STALE))
			kreq_mac(m->env.kq, NL_FDB_REPLACE, e->ifindex, e->mac, e->vtep,
				 e->flags & MENT_STICKY);
	}
	m->nlost = 0;
}

static bool sweep_cb(void *ctx, struct mac_ent *e)
{
	struct macs *m = ctx;
	if (!(e->flags & MENT_STALE))
		return false;
	kreq_mac(m->env.kq, NL_FDB_DEL, e->ifindex, e->mac, e->vtep, e->flags & MENT_STICKY);
	count_remote(m, e->ifindex, -1);
	return true;
}

size_t macs_converged(struct macs *m)
{
	size_t before = m->remote.n;

	m->converged = true;
	mac_tab_walk(&m->remote, sweep_cb, m);
	macs_ip_converged(m);
	return before - m->remote.n;
}

bool macs_remote_has(const struct macs *m, int okey, const uint8_t mac[6])
{
	return mac_tab_get(&m->remote, okey, mac) != NULL;
}

struct remote_walk {
	void (*cb)(void *ctx, int okey, const uint8_t mac[6]);
	void *ctx;
};

static bool remote_walk_cb(void *ctx, struct mac_ent *e)
{
	struct remote_walk *w = ctx;
	w->cb(w->ctx, e->ifindex, e->mac);
	return false;
}

void macs_remote_walk(struct macs *m, void (*cb)(void *ctx, int okey, const uint8_t mac[6]),
		      void *ctx)
{
	struct remote_walk w = { cb, ctx };
	mac_tab_walk(&m->remote, remote_walk_cb, &w);
}

bool macs_remote_next(const struct macs *m, size_t *pos, int *okey, uint8_t mac[6])
{
	const struct mac_ent *e = mac_tab_next(&m->remote, pos);

	if (!e)
		return false;
	*okey = e->ifindex;
	memcpy(mac, e->mac, 6);
	return true;
}

int macs_remote_reserve(struct macs *m, size_t n)
{
	return mac_tab_reserve(&m->remote, n);
}

unsigned macs_remote_layout(const struct macs *m)
{
	return mac_tab_layout(&m->remote);
}

size_t macs_remote_count(const struct macs *m)
{
	return m->remote.n;
}
