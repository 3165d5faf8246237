/* SPDX-License-Identifier: Apache-2.0 */
/* Type-3 routes and their flood entries (flood.h). */
#include "flood.h"

#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "config.h"
#include "evpn.h"
#include "kreq.h"
#include "log.h"
#include "reconcile.h"
#include "rt_filter.h"
#include "vni.h"
#include "vteps.h"

void flood_init(struct flood *fl, const struct config *cfg, const struct vni_tab *vt,
		struct vteps *vteps, struct kreq *kq)
{
	memset(fl, 0, sizeof *fl);
	fl->cfg = cfg;
	fl->vt = vt;
	fl->vteps = vteps;
	fl->kq = kq;
	flood_set_init(&fl->set);
}

void flood_free(struct flood *fl)
{
	flood_set_free(&fl->set);
	free(fl->t3);
	free(fl->lost);
	free(fl->gone);
	fl->t3 = NULL;
	fl->lost = NULL;
	fl->gone = NULL;
	fl->nt3 = fl->t3cap = fl->nlost = fl->lostcap = fl->ngone = fl->gonecap = 0;
}

static void flood_ref(struct flood *fl, struct vni *v, uint16_t vtep)
{
	bool created;
	struct fl_ent *e = flood_set_put(&fl->set, v->okey, vtep, &created);
	if (!e) {
		log_msg(LOG_ERR, "out of memory for flood entries");
		return;
	}
	if (created || (!e->refs && !(e->flags & FL_STALE)))
		kreq_flood(fl->kq, NL_FDB_APPEND, e->okey, e->vtep);
	/* SEEN: the request settles it for a dump running now */
	e->flags = (uint16_t)((e->flags & ~FL_STALE) | FL_SEEN);
	e->refs++;
}

/* An entry leaves the set while a dump may run: remember it until the dump ends. Out of memory,
 * the dump may adopt it again: the next dump corrects that. */
static void gone_note(struct flood *fl, const struct fl_ent *e)
{
	if (!fl->dumping)
		return;
	if (fl->ngone == fl->gonecap) {
		size_t ncap = fl->gonecap ? fl->gonecap * 2 : 16;
		struct fl_ent *n = realloc(fl->gone, ncap * sizeof *n);
		if (!n)
			return;
		fl->gone = n;
		fl->gonecap = ncap;
	}
	fl->gone[fl->ngone++] = *e;
}

static bool gone_has(const struct flood *fl, int okey, uint16_t vtep)
{
	for (size_t i = 0; i < fl->ngone; i++)
		if (fl->gone[i].okey == okey && fl->gone[i].vtep == vtep)
			return true;
	return false;
}

static void set_del(struct flood *fl, struct fl_ent *e)
{
	gone_note(fl, e);
	flood_set_del(&fl->set, e);
}

static void flood_unref(struct flood *fl, struct vni *v, uint16_t vtep)
{
	struct fl_ent *e = flood_set_get(&fl->set, v->okey, vtep);
	if (!e || !e->refs)
		return;
	if (--e->refs)
		return;
	kreq_flood(fl->kq, NL_FDB_DEL, e->okey, e->vtep);
	set_del(fl, e);
}

static struct t3_want *t3_find(struct flood *fl, const uint8_t *nlri, size_t len)
{
	for (size_t i = 0; i < fl->nt3; i++)
		if (fl->t3[i].klen == len && !memcmp(fl->t3[i].key, nlri, len))
			return &fl->t3[i];
	return NULL;
}

static void t3_apply(struct flood *fl, const struct t3_want *w, bool want)
{
	struct vni *v = vt_by_vni(fl->vt, w->vni);
	if (!v || !v->attached)
		return;
	if (want)
		flood_ref(fl, v, w->vtep);
	else
		flood_unref(fl, v, w->vtep);
}

void flood_route(struct flood *fl, const struct evpn_route *r, const uint8_t *nlri, size_t len,
		 const struct attrs *a)
{
	struct t3_want *old = t3_find(fl, nlri, len), nw;
	uint32_t vni = 0;
	bool want = false;

	memset(&nw, 0, sizeof nw);
	if (a && len <= sizeof nw.key) {
		struct nl_addr dst;
		struct ipaddr ep = (a->flags & AF_HAS_PMSI) && a->pmsi_ep.af ? a->pmsi_ep : r->orig;
		if (evpn_route_vni(nlri, len, a, &vni) < 0)
			vni = r->etag; /* no PMSI: some speakers put the VNI in the Ethernet tag */
		vt_ip_to_addr(&ep, &dst);
		if (vni && dst.af) {
			struct vni *v = vt_by_vni(fl->vt, vni);
			struct rt_import imp;
			rtf_import_set(fl->cfg, vni, &imp);
			want = !v || ipaddr_cmp(&ep, &v->vtep) != 0; /* never flood to ourselves */
			/* the import set comes from the config, so it is known before the VNI exists */
			want = want && rtf_accepts(&imp, a);
			memcpy(nw.key, nlri, len);
			nw.klen = (uint8_t)len;
			nw.vni = vni;
			nw.vtep = vtep_index(fl->vteps, &dst);
			want = want && nw.vtep != VTEP_NONE;
		}
	}
	if (old && want && old->vni == nw.vni && old->vtep == nw.vtep)
		return;
	if (old) {
		t3_apply(fl, old, false);
		*old = fl->t3[--fl->nt3];
	}
	if (!want)
		return;
	if (fl->nt3 == fl->t3cap) {
		size_t ncap = fl->t3cap ? fl->t3cap * 2 : 16;
		struct t3_want *n = realloc(fl->t3, ncap * sizeof *n);
		if (!n) {
			log_msg(LOG_ERR, "out of memory for type-3 routes");
			return;
		}
		fl->t3 = n;
		fl->t3cap = ncap;
	}
	fl->t3[fl->nt3++] = nw;
	t3_apply(fl, &nw, true);
}

void flood_vni_attach(struct flood *fl, struct vni *v)
{
	for (size_t i = 0; i < fl->nt3; i++)
		if (fl->t3[i].vni == v->vni)
			flood_ref(fl, v, fl->t3[i].vtep);
}

void flood_vni_detach(struct flood *fl, struct vni *v, bool exists)
{
	for (size_t i = 0; i < fl->set.n;) {
		struct fl_ent *e = &fl->set.e[i];
		if (e->okey != v->okey) {
			i++;
			continue;
		}
		if (exists)
			kreq_flood(fl->kq, NL_FDB_DEL, e->okey, e->vtep);
		flood_set_del(&fl->set, e);
	}
}

void flood_dump_begin(struct flood *fl)
{
	for (size_t i = 0; i < fl->set.n; i++)
		fl->set.e[i].flags &= (uint16_t)~FL_SEEN;
	fl->dumping = true;
}

void flood_dump_abort(struct flood *fl)
{
	fl->dumping = false;
	fl->ngone = 0;
}

void flood_dump_entry(struct flood *fl, struct vni *v, const struct nl_fdb *f)
{
	uint16_t kv = vtep_index(fl->vteps, &f->dst);
	struct fl_ent *e;
	bool created;

	if (kv == VTEP_NONE)
		return;
	e = flood_set_get(&fl->set, v->okey, kv);
	if ((e && (e->flags & FL_SEEN)) || (!e && gone_has(fl, v->okey, kv)))
		return; /* settled by a request or an event since the dump began */
	switch (rc_flood_present(e, fl->converged)) {
	case RC_ADOPT:
		e = flood_set_put(&fl->set, v->okey, kv, &created);
		if (!e)
			return;
		e->flags = FL_STALE;
		break;
	case RC_DELETE:
		kreq_flood(fl->kq, NL_FDB_DEL, v->okey, kv);
		gone_note(fl, &(struct fl_ent){ .okey = v->okey, .vtep = kv });
		return;
	default:
		break;
	}
	e->flags |= FL_SEEN;
}

void flood_dump_end(struct flood *fl)
{
	flood_dump_abort(fl);
	for (size_t i = 0; i < fl->set.n;) {
		struct fl_ent *e = &fl->set.e[i];
		if (!(e->flags & FL_SEEN) && rc_missing((uint8_t)e->flags, e->refs) == RC_FORGET) {
			flood_set_del(&fl->set, e);
			continue;
		}
		if (!(e->flags & FL_SEEN))
			kreq_flood(fl->kq, NL_FDB_APPEND, e->okey, e->vtep);
		i++;
	}
}

void flood_kernel_deleted(struct flood *fl, struct vni *v, const struct nl_fdb *f)
{
	uint16_t vi = vtep_index(fl->vteps, &f->dst);
	struct fl_ent *e = flood_set_get(&fl->set, v->okey, vi);

	if (!e)
		return;
	if (!e->refs) {
		set_del(fl, e);
		return;
	}
	if (fl->nlost == fl->lostcap) {
		size_t ncap = fl->lostcap ? fl->lostcap * 2 : 16;
		struct fl_ent *n = realloc(fl->lost, ncap * sizeof *n);
		if (!n) {
			fl->lost_oom = true; /* the wants stay: a dump's reconcile appends it again */
			return;
		}
		fl->lost = n;
		fl->lostcap = ncap;
	}
	e->flags |= FL_SEEN; /* put back at the end of the iteration: settled */
	fl->lost[fl->nlost++] = *e;
}

void flood_put_back(struct flood *fl)
{
	for (size_t i = 0; i < fl->nlost; i++) {
		const struct fl_ent *l = &fl->lost[i];
		struct vni *v = vt_by_okey(fl->vt, l->okey);
		struct fl_ent *e;
		if (!v || !v->attached)
			continue;
		e = flood_set_get(&fl->set, l->okey, l->vtep);
		if (e && e->refs)
			kreq_flood(fl->kq, NL_FDB_APPEND, e->okey, e->vtep);
	}
	fl->nlost = 0;
}

size_t flood_converged(struct flood *fl)
{
	size_t n = 0;

	fl->converged = true;
	for (size_t i = 0; i < fl->set.n;) {
		struct fl_ent *e = &fl->set.e[i];
		if ((e->flags & FL_STALE) && !e->refs) {
			kreq_flood(fl->kq, NL_FDB_DEL, e->okey, e->vtep);
			flood_set_del(&fl->set, e);
			n++;
			continue;
		}
		e->flags &= (uint16_t)~FL_STALE;
		i++;
	}
	return n;
}

size_t flood_vteps(const struct flood *fl, int okey, uint16_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < fl->set.n; i++)
		if (fl->set.e[i].okey == okey) {
			if (n < max)
				out[n] = fl->set.e[i].vtep;
			n++;
		}
	return n;
}

bool flood_has(struct flood *fl, int okey, uint16_t vtep)
{
	return flood_set_get(&fl->set, okey, vtep) != NULL;
}

void flood_walk(const struct flood *fl, void (*cb)(void *ctx, int okey, uint16_t vtep), void *ctx)
{
	for (size_t i = 0; i < fl->set.n; i++)
		cb(ctx, fl->set.e[i].okey, fl->set.e[i].vtep);
}

size_t flood_count(const struct flood *fl)
{
	return fl->set.n;
}
