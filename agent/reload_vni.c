/*
 * Reload, the VNI side (reload.h): new RDs and route targets for the VNIs whose [vni N] section
 * changed, applied to their routes without disturbing entries that stay as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "arp_suppress.h"
#include "evpn.h"
#include "glue.h"
#include "log.h"
#include "mobility.h"
#include "originate.h"
#include "reload.h"
#include "route_json.h"
#include "rt_filter.h"

int reload_vni_rd_rt(const struct config *cfg, uint32_t vni, struct rd *rd, uint64_t rt[CFG_MAX_RT],
		     uint8_t *nrt)
{
	struct orig_req rq;
	struct orig_route r;
	char err[160];

	/* as vni.c reads them back: from the VNI's type-3 route as originate_build makes it */
	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_IMET;
	rq.vni = vni;
	ipaddr_from_v4(&rq.ip, cfg->g.router_id);
	*nrt = 0;
	if (originate_build(cfg, &rq, &r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u: %s", vni, err);
		return -1;
	}
	memcpy(rd->b, r.nlri + 2, 8); /* type, length, then the RD (RFC 7432 section 7.3) */
	for (unsigned i = 0; i < r.a.nextcomm && *nrt < CFG_MAX_RT; i++)
		if (extc_is_rt(r.a.extcomm[i]))
			rt[(*nrt)++] = r.a.extcomm[i];
	return 0;
}

struct vnis_ctx {
	struct glue *g;
	struct reload_old_rd **old;
	size_t *nold;
	int changed;
	bool oom;
	uint32_t *imp_vnis;        /* VNIs whose import set changed: their remote routes re-decided */
	size_t nimp, impcap;
};

static bool same_set(const uint64_t *a, unsigned na, const uint64_t *b, unsigned nb)
{
	return na == nb && !memcmp(a, b, na * sizeof *a);
}

/* Advertise v's local routes again with its current RD and RTs: bgp_local_add replaces a route of
 * the same key in place (one UPDATE, no withdrawal), and adds the new-RD ones beside the old. */
static bool readvertise_cb(void *ctx, struct mac_ent *e)
{
	struct vnis_ctx *c = ((void **)ctx)[0];
	struct vni *v = ((void **)ctx)[1];

	if (e->ifindex == v->lkey && (e->flags & MENT_ADV))
		local_advertise(c->g, v, e, mob_local_seq(c->g, v, e->mac)); /* MAC+IP routes too */
	return false;
}

static void vni_cb(void *ctx, struct vni *v)
{
	struct vnis_ctx *c = ctx;
	struct glue *g = c->g;
	struct rd rd;
	uint64_t rt[CFG_MAX_RT], imp[CFG_MAX_RT];
	uint8_t nrt;
	unsigned nimp;
	bool rd_changed, exp_changed, imp_changed;

	if (reload_vni_rd_rt(g->cfg, v->vni, &rd, rt, &nrt) < 0)
		return; /* config_load accepted it: cannot happen, and the old RD stays */
	nimp = rtf_import_set(g->cfg, v->vni, imp);
	rd_changed = memcmp(&rd, &v->rd, sizeof rd) != 0;
	exp_changed = !same_set(rt, nrt, v->rt, v->nrt);
	imp_changed = !same_set(imp, nimp, v->imp, v->nimp);
	if (!rd_changed && !exp_changed && !imp_changed)
		return;
	c->changed++;
	log_msg(LOG_NOTICE, "VNI %u: reload:%s%s%s", v->vni, rd_changed ? " new RD" : "",
		exp_changed ? " new export route targets" : "",
		imp_changed ? " new import route targets" : "");
	if (rd_changed) {
		struct reload_old_rd *n = realloc(*c->old, (*c->nold + 1) * sizeof *n);
		if (!n) {
			c->oom = true;
		} else {
			*c->old = n;
			n[*c->nold].vni = v->vni;
			n[(*c->nold)++].rd = v->rd;
		}
	}
	v->rd = rd;
	memcpy(v->rt, rt, sizeof rt);
	v->nrt = nrt;
	memcpy(v->imp, imp, sizeof imp);
	v->nimp = (uint8_t)nimp;
	if (v->active && (rd_changed || exp_changed)) {
		void *wc[2] = { c, v };

		local_type3_advertise(g, v);
		mac_tab_walk(&g->local, readvertise_cb, wc);
	}
	if (imp_changed && v->attached) {
		if (c->nimp == c->impcap) {
			size_t ncap = c->impcap ? c->impcap * 2 : 16;
			uint32_t *n = realloc(c->imp_vnis, ncap * sizeof *n);
			if (!n) {
				c->oom = true;
				return;
			}
			c->imp_vnis = n;
			c->impcap = ncap;
		}
		c->imp_vnis[c->nimp++] = v->vni;
	}
}

/* A remote EVPN best path, to be decided again: collected first, as deciding changes the RIB. */
struct redo {
	uint8_t nlri[ORIG_EVPN_NLRI_MAX];
	uint8_t len;
	struct attrs *a;           /* a reference is held while collected */
	struct ipaddr src;
};

struct redo_ctx {
	const struct vnis_ctx *c;
	struct redo *r;
	size_t n, cap;
	bool oom;
};

static void redo_cb(void *ctx, const struct rib_route *rr)
{
	struct redo_ctx *w = ctx;
	struct evpn_route r;
	uint32_t vni;
	bool want;

	if (!rr->best || !rr->src || rr->src->kind == SRC_LOCAL || rr->len > ORIG_EVPN_NLRI_MAX ||
	    evpn_decode(rr->nlri, rr->len, &r) < 0)
		return;
	/* type 3: cheap (one per VTEP and VNI), and a VNI without a device still records its wants */
	want = r.type == EVPN_RT_IMET;
	if (r.type == EVPN_RT_MACIP && route_vni(FAM_EVPN, rr->nlri, rr->len, rr->a, &vni) == 0)
		for (size_t i = 0; i < w->c->nimp && !want; i++)
			want = w->c->imp_vnis[i] == vni;
	if (!want)
		return;
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 256;
		struct redo *n = realloc(w->r, ncap * sizeof *n);
		if (!n) {
			w->oom = true;
			return;
		}
		w->r = n;
		w->cap = ncap;
	}
	struct redo *d = &w->r[w->n++];
	memcpy(d->nlri, rr->nlri, rr->len);
	d->len = (uint8_t)rr->len;
	d->a = attrs_ref((struct attrs *)rr->a);
	d->src = rr->src->addr;
}

int reload_vnis(struct glue *g, struct reload_old_rd **old, size_t *nold)
{
	struct vnis_ctx c = { .g = g, .old = old, .nold = nold };
	struct redo_ctx w = { .c = &c };

	vt_walk(&g->vt, vni_cb, &c);
	if (c.changed && g->bgp) {
		/* the same entry point as a route change: each decision writes only what differs */
		rib_walk(bgp_rib(g->bgp), FAM_EVPN, redo_cb, &w);
		for (size_t i = 0; i < w.n; i++) {
			glue_best_changed(g, FAM_EVPN, w.r[i].nlri, w.r[i].len, w.r[i].a, &w.r[i].src);
			attrs_unref(w.r[i].a);
		}
	}
	free(w.r);
	free(c.imp_vnis);
	if (c.oom || w.oom) {
		log_msg(LOG_ERR, "reload: out of memory while applying new route targets");
		return -1;
	}
	return c.changed;
}

struct sweep_ctx {
	struct glue *g;
	const struct reload_old_rd *old;
	size_t nold;
	struct redo *r;
	size_t n, cap;
};

static void sweep_cb(void *ctx, const struct rib_route *rr)
{
	struct sweep_ctx *s = ctx;
	struct evpn_route r;
	uint32_t vni;
	bool match = false;

	if ((rr->src && rr->src->kind != SRC_LOCAL) || rr->len > ORIG_EVPN_NLRI_MAX ||
	    evpn_decode(rr->nlri, rr->len, &r) < 0 || route_vni(FAM_EVPN, rr->nlri, rr->len, rr->a, &vni) < 0)
		return;
	for (size_t i = 0; i < s->nold && !match; i++)
		match = s->old[i].vni == vni && !memcmp(&s->old[i].rd, &r.rd, sizeof r.rd);
	if (!match)
		return;
	struct rd cur;
	uint64_t rt[CFG_MAX_RT];
	uint8_t nrt;
	if (reload_vni_rd_rt(s->g->cfg, vni, &cur, rt, &nrt) == 0 && !memcmp(&cur, &r.rd, sizeof cur))
		return; /* changed back since: current again */
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct redo *n = realloc(s->r, ncap * sizeof *n);
		if (!n)
			return; /* left in place: the next sweep (or a restart) takes it */
		s->r = n;
		s->cap = ncap;
	}
	memcpy(s->r[s->n].nlri, rr->nlri, rr->len);
	s->r[s->n++].len = (uint8_t)rr->len;
}

size_t reload_sweep_rds(struct glue *g, const struct reload_old_rd *old, size_t n)
{
	struct sweep_ctx s = { g, old, n, NULL, 0, 0 };
	size_t done = 0;

	if (!g->bgp || !n)
		return 0;
	rib_walk(bgp_rib(g->bgp), FAM_EVPN, sweep_cb, &s);
	for (size_t i = 0; i < s.n; i++)
		done += bgp_local_del(g->bgp, FAM_EVPN, s.r[i].nlri, s.r[i].len) == 0;
	free(s.r);
	return done;
}
