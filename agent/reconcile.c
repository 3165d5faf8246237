/*
 * Start-up and ENOBUFS reconciliation: one path for both. Before a dump every owned entry loses
 * its SEEN mark; each dumped entry of evpnd's kinds is compared with the owned one (rc_*); after
 * the dump, owned entries the kernel did not report are put back. Entries evpnd did not know are
 * adopted as STALE until initial convergence (a restart must not disturb traffic: the routes that
 * justify them are still arriving), then removed; a route that wants an adopted entry as it is
 * clears STALE without touching the kernel.
 */
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>

#include "glue.h"
#include "log.h"
#include "mobility.h"

enum rc_kind rc_classify(const struct nl_fdb *f)
{
	static const uint8_t zero[6];

	if (!(f->flags & NTF_SELF) || !f->dst.af)
		return RC_OTHER;
	if (!memcmp(f->mac, zero, 6))
		return (f->state & NUD_PERMANENT) ? RC_FLOOD : RC_OTHER;
	return (f->flags & NTF_EXT_LEARNED) ? RC_MAC : RC_OTHER;
}

enum rc_act rc_mac_present(const struct mac_ent *owned, uint16_t kvtep, bool ksticky,
			   bool converged)
{
	if (!owned)
		return converged ? RC_DELETE : RC_ADOPT;
	bool same = owned->vtep == kvtep && !!(owned->flags & MENT_STICKY) == ksticky;
	if (owned->flags & MENT_STALE)
		return same ? RC_KEEP : RC_ADOPT; /* stale: the kernel's copy is the truth */
	return same ? RC_KEEP : RC_REPLACE;
}

enum rc_act rc_flood_present(const struct fo_flood *owned, bool converged)
{
	if (!owned)
		return converged ? RC_DELETE : RC_ADOPT;
	return RC_KEEP;
}

enum rc_act rc_missing(uint8_t flags, uint32_t refs)
{
	if (flags & MENT_STALE)
		return refs ? RC_REPLACE : RC_FORGET;
	return RC_REPLACE;
}

static bool unseen_cb(void *ctx, struct mac_ent *e)
{
	(void)ctx;
	e->flags &= (uint8_t)~MENT_SEEN;
	return false;
}

void reconcile_begin(struct glue *g)
{
	mac_tab_walk(&g->fo.macs, unseen_cb, NULL);
	mac_tab_walk(&g->local, unseen_cb, NULL);
	for (size_t i = 0; i < g->fo.nflood; i++)
		g->fo.flood[i].flags &= (uint16_t)~MENT_SEEN;
	g->dumping = true;
}

static void count_remote(struct glue *g, int ifindex, int delta)
{
	struct vni *v = vt_by_okey(&g->vt, ifindex);
	if (v)
		v->nremote += (uint32_t)delta;
}

static void reconcile_mac(struct glue *g, struct vni *v, const struct nl_fdb *f)
{
	uint16_t kv = fo_vtep(&g->fo, &f->dst);
	bool ksticky = (f->flags & NTF_STICKY) != 0;
	struct mac_ent *e = mac_tab_get(&g->fo.macs, v->okey, f->mac);
	struct mac_ent tmp;
	bool created;

	if (kv == FO_VTEP_NONE)
		return;
	switch (rc_mac_present(e, kv, ksticky, g->converged)) {
	case RC_KEEP:
		break;
	case RC_ADOPT:
		if (!e) {
			e = mac_tab_put(&g->fo.macs, v->okey, f->mac, &created);
			if (!e)
				return;
			count_remote(g, v->okey, 1);
		}
		e->vtep = kv;
		e->aux = 0;
		e->flags = (uint8_t)(MENT_STALE | (ksticky ? MENT_STICKY : 0));
		break;
	case RC_REPLACE:
		remote_mac_req(g, NL_FDB_REPLACE, e);
		break;
	case RC_DELETE:
		memset(&tmp, 0, sizeof tmp);
		tmp.ifindex = v->okey;
		memcpy(tmp.mac, f->mac, 6);
		tmp.vtep = kv;
		tmp.flags = ksticky ? MENT_STICKY : 0;
		remote_mac_req(g, NL_FDB_DEL, &tmp);
		return;
	case RC_FORGET:
		return;
	}
	e->flags |= MENT_SEEN;
}

static void reconcile_flood(struct glue *g, struct vni *v, const struct nl_fdb *f)
{
	uint16_t kv = fo_vtep(&g->fo, &f->dst);
	struct fo_flood *fl, tmp;
	bool created;

	if (kv == FO_VTEP_NONE)
		return;
	fl = fo_flood_get(&g->fo, v->okey, kv);
	switch (rc_flood_present(fl, g->converged)) {
	case RC_ADOPT:
		fl = fo_flood_put(&g->fo, v->okey, kv, &created);
		if (!fl)
			return;
		fl->flags = MENT_STALE;
		break;
	case RC_DELETE:
		memset(&tmp, 0, sizeof tmp);
		tmp.ifindex = v->okey;
		tmp.vtep = kv;
		remote_flood_req(g, NL_FDB_DEL, &tmp);
		return;
	default:
		break;
	}
	fl->flags |= MENT_SEEN;
}

void reconcile_kernel_entry(struct glue *g, struct vni *v, const struct nl_fdb *f)
{
	switch (rc_classify(f)) {
	case RC_MAC:
		reconcile_mac(g, v, f);
		break;
	case RC_FLOOD:
		reconcile_flood(g, v, f);
		break;
	default:
		break;
	}
}

static bool missing_cb(void *ctx, struct mac_ent *e)
{
	struct glue *g = ctx;
	if (e->flags & MENT_SEEN)
		return false;
	if (rc_missing(e->flags, 0) == RC_FORGET) {
		count_remote(g, e->ifindex, -1);
		return true;
	}
	remote_mac_req(g, NL_FDB_REPLACE, e);
	e->flags |= MENT_SEEN; /* a wrapped walk may visit it twice */
	return false;
}

/* Local MACs the dump did not report: they went away while events were lost. */
struct gone {
	struct glue *g;
	size_t n, cap;
	struct gone_mac {
		int bridge;
		uint8_t mac[6];
	} *v;
};

static bool local_gone_cb(void *ctx, struct mac_ent *e)
{
	struct gone *gn = ctx;
	if (e->flags & MENT_SEEN)
		return false;
	local_withdraw(gn->g, e);
	if (gn->n == gn->cap) {
		size_t cap = gn->cap ? gn->cap * 2 : 64;
		struct gone_mac *v = realloc(gn->v, cap * sizeof *v);
		if (!v)
			return true; /* withdrawn all the same; only a held-back remote claim waits */
		gn->v = v;
		gn->cap = cap;
	}
	gn->v[gn->n].bridge = e->ifindex;
	memcpy(gn->v[gn->n++].mac, e->mac, 6);
	return true;
}

/* As for an event: a remote claim the local MAC held back can go in now. This runs after the walk,
 * once the MACs are out of the local table that mobility reads. */
static void local_gone(struct glue *g)
{
	struct gone gn = { .g = g };
	mac_tab_walk(&g->local, local_gone_cb, &gn);
	for (size_t i = 0; i < gn.n; i++) {
		struct vni *v = vt_by_lkey(&g->vt, gn.v[i].bridge);
		if (v && v->attached)
			mob_local_gone(g, v, gn.v[i].mac);
	}
	free(gn.v);
}

void reconcile_end(struct glue *g)
{
	g->dumping = false;
	mac_tab_walk(&g->fo.macs, missing_cb, g);
	for (size_t i = 0; i < g->fo.nflood;) {
		struct fo_flood *fl = &g->fo.flood[i];
		if (!(fl->flags & MENT_SEEN) && rc_missing((uint8_t)fl->flags, fl->refs) == RC_FORGET) {
			fo_flood_del(&g->fo, fl);
			continue;
		}
		if (!(fl->flags & MENT_SEEN))
			remote_flood_req(g, NL_FDB_APPEND, fl);
		i++;
	}
	local_gone(g);
}

static bool sweep_cb(void *ctx, struct mac_ent *e)
{
	struct glue *g = ctx;
	if (!(e->flags & MENT_STALE))
		return false;
	remote_mac_req(g, NL_FDB_DEL, e);
	count_remote(g, e->ifindex, -1);
	return true;
}

void reconcile_converged(struct glue *g)
{
	size_t before = g->fo.macs.n, nflood = 0;

	g->converged = true;
	mac_tab_walk(&g->fo.macs, sweep_cb, g);
	for (size_t i = 0; i < g->fo.nflood;) {
		struct fo_flood *fl = &g->fo.flood[i];
		if ((fl->flags & MENT_STALE) && !fl->refs) {
			remote_flood_req(g, NL_FDB_DEL, fl);
			fo_flood_del(&g->fo, fl);
			nflood++;
			continue;
		}
		fl->flags &= (uint16_t)~MENT_STALE;
		i++;
	}
	log_msg(LOG_INFO, "initial convergence: %zu stale MAC entr%s and %zu flood entr%s removed",
		before - g->fo.macs.n, before - g->fo.macs.n == 1 ? "y" : "ies", nflood,
		nflood == 1 ? "y" : "ies");
}
