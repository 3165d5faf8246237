/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reload, the VNI side (reload_vni.h): new RDs and route targets for the VNIs whose [vni N] section
 * changed, applied to their routes without disturbing entries that stay as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "evpn.h"
#include "log.h"
#include "originate.h"
#include "reload_vni.h"
#include "rt_filter.h"

int reload_vni_rd_rt(const struct config *cfg, uint32_t vni, struct rd *rd, uint64_t rt[CFG_MAX_RT],
		     uint8_t *nrt)
{
	char err[160];

	*nrt = 0;
	if (originate_rd(cfg, vni, rd, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u: %s", vni, err);
		return -1;
	}
	*nrt = (uint8_t)rtf_export_set(cfg, vni, rt);
	return 0;
}

struct vnis_ctx {
	struct engine *e;
	struct reload_old_rd **old;
	size_t *nold;
	int changed;
	bool oom;
	uint32_t *imp_vnis;        /* VNIs whose import set changed: their remote routes re-decided */
	size_t nimp, impcap;
	bool tenants;              /* a [vrf]'s import set changed: MAC+IP and type-5 routes too */
	uint32_t tenant_exp;       /* bit i: [vrf] i's export set changed */
};

static bool same_set(const uint64_t *a, unsigned na, const uint64_t *b, unsigned nb)
{
	return na == nb && !memcmp(a, b, na * sizeof *a);
}

static void vni_cb(void *ctx, struct vni *v)
{
	struct vnis_ctx *c = ctx;
	struct engine *e = c->e;
	struct rd rd;
	uint64_t rt[CFG_MAX_RT];
	struct rt_import imp;
	uint8_t nrt;
	bool rd_changed, exp_changed, imp_changed;

	if (reload_vni_rd_rt(e->cfg, v->vni, &rd, rt, &nrt) < 0)
		return; /* config_load accepted it: cannot happen, and the old RD stays */
	rtf_import_set(e->cfg, v->vni, &imp);
	rd_changed = memcmp(&rd, &v->rd, sizeof rd) != 0;
	exp_changed = !same_set(rt, nrt, v->rt, v->nrt);
	imp_changed = !rtf_import_same(&imp, &v->imp);
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
	v->imp = imp;
	if (v->active && (rd_changed || exp_changed)) {
		adv_type3(&e->adv, v);
		macs_vni_readvertise(e->macs, v); /* MAC+IP routes too */
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
	want = r.type == EVPN_RT_IMET ||
	       (w->c->tenants && (r.type == EVPN_RT_PREFIX || (r.type == EVPN_RT_MACIP && r.ip.af)));
	if (r.type == EVPN_RT_MACIP && evpn_route_vni(rr->nlri, rr->len, rr->a, &vni) == 0)
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

/* A routed tenant's export set changed: its L2 VNIs' MAC+IP routes carry it. */
static void tenant_exp_cb(void *ctx, struct vni *v)
{
	struct vnis_ctx *c = ctx;

	for (unsigned i = 0; i < c->e->cfg->nvrf && i < 32; i++)
		if ((c->tenant_exp & (1u << i)) && v->l3vni == c->e->cfg->vrf[i].l3vni && v->active)
			macs_vni_readvertise(c->e->macs, v);
}

int reload_vnis(struct engine *e, struct reload_old_rd **old, size_t *nold)
{
	struct vnis_ctx c = { .e = e, .old = old, .nold = nold };
	struct redo_ctx w = { .c = &c };

	vt_walk(&e->vt, vni_cb, &c);
	if (e->cfg->nvrf) {
		unsigned timp = tr_reload(&e->tr, &c.tenant_exp);
		c.tenants = timp > 0;
		c.changed += (int)timp + __builtin_popcount(c.tenant_exp);
		if (c.tenant_exp)
			vt_walk(&e->vt, tenant_exp_cb, &c);
		tp_update(&e->tp); /* type-5 routes with the new RD and route targets */
	}
	if (c.changed && e->bgp) {
		/* the same entry point as a route change: each decision writes only what differs */
		rib_walk(bgp_rib(e->bgp), FAM_EVPN, redo_cb, &w);
		for (size_t i = 0; i < w.n; i++) {
			engine_best_changed(e, FAM_EVPN, w.r[i].nlri, w.r[i].len, w.r[i].a, &w.r[i].src);
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
	struct engine *e;
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
	    evpn_decode(rr->nlri, rr->len, &r) < 0 || evpn_route_vni(rr->nlri, rr->len, rr->a, &vni) < 0)
		return;
	for (size_t i = 0; i < s->nold && !match; i++)
		match = s->old[i].vni == vni && !memcmp(&s->old[i].rd, &r.rd, sizeof r.rd);
	if (!match)
		return;
	struct rd cur;
	uint64_t rt[CFG_MAX_RT];
	uint8_t nrt;
	if (reload_vni_rd_rt(s->e->cfg, vni, &cur, rt, &nrt) == 0 && !memcmp(&cur, &r.rd, sizeof cur))
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

size_t reload_sweep_rds(struct engine *e, const struct reload_old_rd *old, size_t n)
{
	struct sweep_ctx s = { e, old, n, NULL, 0, 0 };
	size_t done = 0;

	if (!e->bgp || !n)
		return 0;
	rib_walk(bgp_rib(e->bgp), FAM_EVPN, sweep_cb, &s);
	for (size_t i = 0; i < s.n; i++)
		done += bgp_local_del(e->bgp, FAM_EVPN, s.r[i].nlri, s.r[i].len) == 0;
	free(s.r);
	return done;
}
