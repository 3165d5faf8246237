/* SPDX-License-Identifier: Apache-2.0 */
/* Routes into a routed tenant's VRF (tenant_routes.h). */
#include "tenant_routes.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>

#include "attr.h"
#include "config.h"
#include "evpn.h"
#include "kreq.h"
#include "log.h"
#include "vni.h"
#include "vrf_view.h"
#include "vteps.h"
#include "tenant_int.h"

#define TR_HASH_MIN 1024
#define TR_CAND_MAX 64         /* routes for one prefix of one tenant: more are not kept */

static int vtep_cmp(const struct vteps *vteps, uint16_t x, uint16_t y)
{
	const struct nl_addr *a = vtep_addr(vteps, x), *b = vtep_addr(vteps, y);

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->a, b->a, tri_alen(a->af));
}

/* Whether candidate x is preferred to candidate y (tenant_routes.h, tr_pick). */
static bool better(const struct tr_cand *x, const struct tr_cand *y, const struct vteps *vteps)
{
	if (x->type != y->type)
		return x->type == EVPN_RT_MACIP;
	if (x->type == EVPN_RT_MACIP && x->seq != y->seq)
		return x->seq > y->seq;
	if (x->local != y->local)
		return x->local;
	return vtep_cmp(vteps, x->vtep, y->vtep) < 0;
}

int tr_pick(const struct tr_cand *c, size_t n, const struct vteps *vteps)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (best < 0 || better(&c[i], &c[best], vteps))
			best = (int)i;
	return best >= 0 && c[best].local ? -1 : best;
}

/* ---- the table ---- */

static size_t bucket(const struct tenant_routes *t, unsigned vrf, uint8_t af, uint8_t plen,
		     const uint8_t *ip)
{
	uint32_t h = 2166136261u;

	h = (h ^ vrf) * 16777619u;
	h = (h ^ af) * 16777619u;
	h = (h ^ plen) * 16777619u;
	for (size_t i = 0; i < tri_alen(af); i++)
		h = (h ^ ip[i]) * 16777619u;
	return h & (t->nhash - 1);
}

struct tr_ent *tri_find(const struct tenant_routes *t, unsigned vrf, uint8_t af, uint8_t plen,
			   const uint8_t *ip)
{
	for (struct tr_ent *e = t->hash[bucket(t, vrf, af, plen, ip)]; e; e = e->next)
		if (e->vrf == vrf && e->af == af && e->plen == plen && !memcmp(e->ip, ip, tri_alen(af)))
			return e;
	return NULL;
}

static void grow(struct tenant_routes *t)
{
	size_t old = t->nhash;
	struct tr_ent **h = calloc(old * 2, sizeof *h), **was = t->hash;

	if (!h)
		return; /* longer chains, still correct */
	t->hash = h;
	t->nhash = old * 2;
	for (size_t b = 0; b < old; b++)
		for (struct tr_ent *e = was[b], *n; e; e = n) {
			n = e->next;
			size_t k = bucket(t, e->vrf, e->af, e->plen, e->ip);
			e->next = h[k];
			h[k] = e;
		}
	free(was);
}

static struct tr_ent *get(struct tenant_routes *t, unsigned vrf, uint8_t af, uint8_t plen,
			  const uint8_t *ip)
{
	struct tr_ent *e = tri_find(t, vrf, af, plen, ip);

	if (e)
		return e;
	if (t->count >= t->nhash)
		grow(t);
	if (!(e = calloc(1, sizeof *e)))
		return NULL;
	e->vrf = (uint8_t)vrf;
	e->af = af;
	e->plen = plen;
	memcpy(e->ip, ip, tri_alen(af));
	size_t k = bucket(t, vrf, af, plen, ip);
	e->next = t->hash[k];
	t->hash[k] = e;
	t->count++;
	return e;
}

static void drop(struct tenant_routes *t, struct tr_ent *e)
{
	struct tr_ent **pp = &t->hash[bucket(t, e->vrf, e->af, e->plen, e->ip)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	free(e->c);
	free(e);
	t->count--;
}

/* ---- the kernel ---- */

bool tri_mapped(const struct tr_ent *e, const struct nl_addr *vtep)
{
	return e->af == AF_INET6 && vtep->af == AF_INET;
}

void tri_mapped_addr(const struct nl_addr *v4, struct nl_addr *out)
{
	memset(out, 0, sizeof *out);
	out->af = AF_INET6;
	out->a[10] = out->a[11] = 0xff;
	memcpy(out->a + 12, v4->a, 4);
}

void tri_nh_request(struct tenant_routes *t, struct tr_vrf *v, uint16_t vtep, bool install)
{
	const struct nl_addr *a = vtep_addr(t->vteps, vtep);
	struct tr_nh *nh = &v->nh[vtep];
	struct nl_addr m;

	if (!a)
		return;
	kreq_rmac_fdb(t->kq, install ? NL_FDB_REPLACE : NL_FDB_DEL, v->k.vxlan, v->k.bridge, nh->rmac, a);
	kreq_rmac_neigh(t->kq, install ? NL_NEIGH_REPLACE : NL_NEIGH_DEL, v->k.bridge, a, nh->rmac);
	if (nh->mapped && a->af == AF_INET) {
		tri_mapped_addr(a, &m);
		kreq_rmac_neigh(t->kq, install ? NL_NEIGH_REPLACE : NL_NEIGH_DEL, v->k.bridge, &m, nh->rmac);
	}
}

static int nh_ref(struct tenant_routes *t, struct tr_vrf *v, uint16_t vtep, const uint8_t rmac[6],
		  bool map)
{
	struct tr_nh *nh;

	if (vtep >= v->nnh) {
		size_t n = (size_t)vtep + 16;
		struct tr_nh *p = realloc(v->nh, n * sizeof *p);
		if (!p)
			return -1;
		memset(p + v->nnh, 0, (n - v->nnh) * sizeof *p);
		v->nh = p;
		v->nnh = n;
	}
	nh = &v->nh[vtep];
	if (nh->installed && memcmp(nh->rmac, rmac, 6)) {
		/* the VTEP's router MAC changed: the old FDB entry goes, the neighbours are replaced */
		kreq_rmac_fdb(t->kq, NL_FDB_DEL, v->k.vxlan, v->k.bridge, nh->rmac, vtep_addr(t->vteps, vtep));
		nh->installed = false;
	}
	if (map && nh->mapped++ == 0 && nh->installed) {
		struct nl_addr m;
		tri_mapped_addr(vtep_addr(t->vteps, vtep), &m);
		kreq_rmac_neigh(t->kq, NL_NEIGH_REPLACE, v->k.bridge, &m, nh->rmac);
	}
	if (!nh->installed) {
		memcpy(nh->rmac, rmac, 6);
		tri_nh_request(t, v, vtep, true);
		nh->installed = true;
	}
	nh->refs++;
	return 0;
}

static void nh_unref(struct tenant_routes *t, struct tr_vrf *v, uint16_t vtep, bool map)
{
	struct tr_nh *nh = &v->nh[vtep];

	if (map && --nh->mapped == 0 && nh->refs > 1) {
		struct nl_addr m;
		tri_mapped_addr(vtep_addr(t->vteps, vtep), &m);
		kreq_rmac_neigh(t->kq, NL_NEIGH_DEL, v->k.bridge, &m, nh->rmac);
	}
	if (--nh->refs == 0) {
		if (map)
			nh->mapped = 1; /* its neighbour goes with the rest */
		tri_nh_request(t, v, vtep, false);
		nh->mapped = 0;
		nh->installed = false;
	}
}

void tri_route_request(struct tenant_routes *t, const struct tr_ent *e, bool install)
{
	const struct tr_vrf *v = &t->vrf[e->vrf];
	const struct nl_addr *a = vtep_addr(t->vteps, e->vtep);
	struct nl_addr dst, gw;

	memset(&dst, 0, sizeof dst);
	dst.af = e->af;
	memcpy(dst.a, e->ip, tri_alen(e->af));
	if (!install) {
		kreq_route(t->kq, NL_ROUTE_DEL, v->k.table, &dst, e->plen, NULL, v->k.bridge);
		return;
	}
	if (!a)
		return;
	if (tri_mapped(e, a))
		tri_mapped_addr(a, &gw);
	else
		gw = *a;
	kreq_route(t->kq, NL_ROUTE_REPLACE, v->k.table, &dst, e->plen, &gw, v->k.bridge);
}

static void count(struct tr_vrf *v, const struct tr_ent *e, int d)
{
	if (e->itype == EVPN_RT_MACIP)
		v->hosts += (size_t)d;
	else
		v->prefixes += (size_t)d;
}

/* Install what tr_pick says for e, moving or removing what was there; e may be freed. */
static void decide(struct tenant_routes *t, struct tr_ent *e)
{
	struct tr_vrf *v = &t->vrf[e->vrf];
	int p = v->k.up ? tr_pick(e->c, e->n, t->vteps) : -1;
	const struct tr_cand *c = p >= 0 ? &e->c[p] : NULL;
	const struct nl_addr *a = c ? vtep_addr(t->vteps, c->vtep) : NULL;

	if (c && !a)
		c = NULL;
	if (e->installed && c && c->vtep == e->vtep) {
		if (memcmp(v->nh[e->vtep].rmac, c->rmac, 6)) {
			/* the same VTEP with a new router MAC: ref again (it moves), drop the old ref */
			(void)nh_ref(t, v, c->vtep, c->rmac, tri_mapped(e, a));
			nh_unref(t, v, e->vtep, tri_mapped(e, a));
		}
		count(v, e, -1);
		e->itype = c->type;
		count(v, e, 1);
		return;
	}
	uint16_t old = e->vtep;
	bool was = e->installed;
	const struct nl_addr *oa = was ? vtep_addr(t->vteps, old) : NULL;
	if (was)
		count(v, e, -1);
	if (c && nh_ref(t, v, c->vtep, c->rmac, tri_mapped(e, a)) == 0) {
		e->vtep = c->vtep;
		e->itype = c->type;
		e->installed = true;
		tri_route_request(t, e, true); /* a replace: the old next hop goes with it */
		count(v, e, 1);
	} else {
		if (c)
			t->ignored++;
		e->installed = false;
		if (was)
			tri_route_request(t, e, false);
	}
	if (was)
		nh_unref(t, v, old, oa && tri_mapped(e, oa));
	if (!e->n)
		drop(t, e);
}

/* ---- routes in ---- */

static uint32_t route_id(const struct evpn_route *r)
{
	uint32_t h = 2166136261u;

	h = (h ^ r->type) * 16777619u;
	for (int i = 0; i < 8; i++)
		h = (h ^ r->rd.b[i]) * 16777619u;
	if (r->type == EVPN_RT_MACIP)
		for (int i = 0; i < 6; i++)
			h = (h ^ r->mac.b[i]) * 16777619u;
	return h ? h : 1;
}

/* Remove candidate id from e (then decide); true when it was there. */
static bool cand_del(struct tenant_routes *t, struct tr_ent *e, uint32_t id)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->c[i].id == id) {
			e->c[i] = e->c[--e->n];
			decide(t, e);
			return true;
		}
	return false;
}

static int cand_put(struct tr_ent *e, const struct tr_cand *c)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->c[i].id == c->id) {
			e->c[i] = *c;
			return 0;
		}
	if (e->n == e->cap) {
		if (e->cap >= TR_CAND_MAX)
			return -1;
		unsigned cap = e->cap ? e->cap * 2u : 1u;
		struct tr_cand *p = realloc(e->c, cap * sizeof *p);
		if (!p)
			return -1;
		e->c = p;
		e->cap = (uint8_t)cap;
	}
	e->c[e->n++] = *c;
	return 0;
}

static bool has_rt(const struct attrs *a)
{
	for (unsigned i = 0; i < a->nextcomm; i++)
		if (extc_is_rt(a->extcomm[i]))
			return true;
	return false;
}

/* The tenant a route belongs to: the first [vrf] that imports one of its route targets, or, when
 * it carries none, whose L3 VNI its label names. -1 when none. */
static int tenant_of(const struct tenant_routes *t, const struct attrs *a, uint32_t l3)
{
	bool rt = has_rt(a);

	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		if (rt ? rtf_match(&t->vrf[i].imp, a) : l3 && l3 == t->cfg->vrf[i].l3vni)
			return (int)i;
	return -1;
}

void tr_route(struct tenant_routes *t, const struct evpn_route *r, const struct attrs *a,
	      bool local, uint16_t vtep)
{
	uint8_t ip[16], plen;
	uint32_t l3, id;
	struct tr_cand c;
	struct mac rmac;
	int vi = -1;

	if (!t->cfg->nvrf || t->stopping || !r->ip.af)
		return;
	if (r->type == EVPN_RT_MACIP) {
		plen = r->ip.af == AF_INET ? 32 : 128;
		l3 = r->nlabels == 2 ? r->label[1] : 0;
	} else if (r->type == EVPN_RT_PREFIX) {
		plen = r->prefix_len;
		l3 = r->label[0];
	} else {
		return;
	}
	memset(ip, 0, sizeof ip);
	memcpy(ip, r->ip.a, tri_alen(r->ip.af));
	for (unsigned b = plen; b < tri_alen(r->ip.af) * 8; b++)
		ip[b / 8] &= (uint8_t)~(0x80u >> (b % 8)); /* the prefix's host bits are not its key */
	id = route_id(r);
	memset(&c, 0, sizeof c);
	if (a && (r->type != EVPN_RT_MACIP || l3))
		vi = tenant_of(t, a, l3);
	if (vi >= 0) {
		bool usable = local || attrs_router_mac(a, &rmac);
		if (r->type == EVPN_RT_PREFIX && r->gw.af && memcmp(r->gw.a, (uint8_t[16]){ 0 }, 16))
			usable = false; /* a gateway IP (an overlay index, RFC 9136 4.3): not supported */
		if (!usable || (!local && vtep == VTEP_NONE)) {
			t->ignored++;
			vi = -1;
		}
	}
	/* a route leaves every tenant but the one that imports it now */
	for (unsigned i = 0; i < t->cfg->nvrf; i++) {
		struct tr_ent *e = (int)i == vi ? NULL : tri_find(t, i, r->ip.af, plen, ip);
		if (e)
			(void)cand_del(t, e, id);
	}
	if (vi < 0)
		return;
	c.id = id;
	c.type = r->type;
	c.local = local;
	c.vtep = local ? VTEP_NONE : vtep;
	if (!local)
		memcpy(c.rmac, rmac.b, 6);
	if (r->type == EVPN_RT_MACIP) {
		bool sticky;
		(void)attrs_mac_mobility(a, &c.seq, &sticky);
	}
	struct tr_ent *e = get(t, (unsigned)vi, r->ip.af, plen, ip);
	if (!e || cand_put(e, &c) < 0) {
		t->ignored++;
		log_msg(LOG_ERR, "[vrf %s]: out of memory for its routes", t->cfg->vrf[vi].name);
		if (e && !e->n)
			drop(t, e);
		return;
	}
	decide(t, e);
}

/* ---- the tenants' kernel side ---- */

static void each_of(struct tenant_routes *t, unsigned vrf, void (*fn)(struct tenant_routes *, struct tr_ent *))
{
	for (size_t b = 0; b < t->nhash; b++)
		for (struct tr_ent *e = t->hash[b], *n; e; e = n) {
			n = e->next;
			if (e->vrf == vrf)
				fn(t, e);
		}
}

static void uninstall(struct tenant_routes *t, struct tr_ent *e)
{
	struct tr_vrf *v = &t->vrf[e->vrf];

	if (!e->installed)
		return;
	const struct nl_addr *a = vtep_addr(t->vteps, e->vtep);
	count(v, e, -1);
	tri_route_request(t, e, false);
	e->installed = false;
	nh_unref(t, v, e->vtep, a && tri_mapped(e, a));
}

void tr_links(struct tenant_routes *t)
{
	for (unsigned i = 0; i < t->cfg->nvrf && !t->stopping; i++) {
		struct tr_vrf *v = &t->vrf[i];
		struct vrf_view w;
		struct tr_kernel k;

		vrf_view(t->vt, &t->cfg->vrf[i], &w);
		memset(&k, 0, sizeof k);
		k.up = w.up;
		if (w.up) {
			k.table = w.table;
			k.bridge = w.bridge;
			k.vxlan = w.vxlan;
		}
		if (!memcmp(&k, &v->k, sizeof k))
			continue;
		/* the old kernel side goes first (what is gone already is refused as such, benignly) */
		if (v->k.up)
			each_of(t, i, uninstall);
		v->k = k;
		if (k.up) {
			log_msg(LOG_INFO, "[vrf %s]: up (table %u): installing its routes", t->cfg->vrf[i].name,
				k.table);
			each_of(t, i, decide);
		} else {
			log_msg(LOG_INFO, "[vrf %s]: down (%s): its routes wait", t->cfg->vrf[i].name, w.why);
		}
	}
}

static void reinstall(struct tenant_routes *t, struct tr_ent *e)
{
	if (e->installed)
		tri_route_request(t, e, true);
}

void tr_resync(struct tenant_routes *t)
{
	for (unsigned i = 0; i < t->cfg->nvrf && !t->stopping; i++) {
		struct tr_vrf *v = &t->vrf[i];
		if (!v->k.up)
			continue;
		for (size_t n = 0; n < v->nnh; n++)
			if (v->nh[n].installed)
				tri_nh_request(t, v, (uint16_t)n, true);
		each_of(t, i, reinstall);
	}
}

void tr_vrf_counts(const struct tenant_routes *t, unsigned i, struct tr_counts *out)
{
	memset(out, 0, sizeof *out);
	if (i >= t->cfg->nvrf || !t->vrf)
		return;
	const struct tr_vrf *v = &t->vrf[i];
	out->hosts = v->hosts;
	out->prefixes = v->prefixes;
	for (size_t n = 0; n < v->nnh; n++)
		out->vteps += v->nh[n].installed;
	for (size_t b = 0; b < t->nhash; b++)
		for (const struct tr_ent *e = t->hash[b]; e; e = e->next)
			out->candidates += e->vrf == i;
}

unsigned tr_reload(struct tenant_routes *t, uint32_t *exp_changed)
{
	unsigned n = 0;

	*exp_changed = 0;
	for (unsigned i = 0; i < t->cfg->nvrf; i++) {
		struct tr_vrf *v = &t->vrf[i];
		struct rt_import imp;
		uint64_t exp[CFG_MAX_RT];
		unsigned nexp = rtf_export_set(t->cfg, t->cfg->vrf[i].l3vni, exp);

		if (i < 32 && (nexp != v->nexp || memcmp(exp, v->exp, nexp * sizeof *exp))) {
			memcpy(v->exp, exp, sizeof exp);
			v->nexp = nexp;
			*exp_changed |= 1u << i;
			log_msg(LOG_NOTICE, "[vrf %s]: reload: new export route targets", t->cfg->vrf[i].name);
		}
		rtf_import_set(t->cfg, t->cfg->vrf[i].l3vni, &imp);
		if (rtf_import_same(&imp, &v->imp))
			continue;
		v->imp = imp;
		log_msg(LOG_NOTICE, "[vrf %s]: reload: new import route targets", t->cfg->vrf[i].name);
		n++;
	}
	return n;
}

void tr_rows(const struct tenant_routes *t, unsigned i, void (*cb)(void *ctx, const struct tr_row *r),
	     void *ctx)
{
	if (i >= t->cfg->nvrf)
		return;
	for (size_t b = 0; b < t->nhash; b++)
		for (const struct tr_ent *e = t->hash[b]; e; e = e->next) {
			struct tr_row r;
			int p = tr_pick(e->c, e->n, t->vteps);
			if (e->vrf != i)
				continue;
			memset(&r, 0, sizeof r);
			r.prefix.af = e->af;
			memcpy(r.prefix.a, e->ip, tri_alen(e->af));
			r.plen = e->plen;
			r.routes = e->n;
			r.installed = e->installed;
			for (unsigned k = 0; k < e->n; k++)
				r.local |= e->c[k].local && p < 0;
			if (p >= 0) {
				r.type = e->c[p].type;
				r.seq = e->c[p].seq;
			} else if (e->n) {
				r.type = e->c[0].type;
			}
			if (e->installed) {
				const struct nl_addr *a = vtep_addr(t->vteps, e->vtep);
				if (a)
					r.via = *a;
				if (e->vtep < t->vrf[i].nnh)
					memcpy(r.rmac, t->vrf[i].nh[e->vtep].rmac, 6);
			}
			cb(ctx, &r);
		}
}

void tr_stop(struct tenant_routes *t)
{
	t->stopping = true;
}

int tr_init(struct tenant_routes *t, const struct config *cfg, const struct vni_tab *vt,
	    const struct vteps *vteps, struct kreq *kq)
{
	memset(t, 0, sizeof *t);
	t->cfg = cfg;
	t->vt = vt;
	t->vteps = vteps;
	t->kq = kq;
	t->nhash = TR_HASH_MIN;
	t->hash = calloc(t->nhash, sizeof *t->hash);
	t->vrf = calloc(cfg->nvrf ? cfg->nvrf : 1, sizeof *t->vrf);
	if (!t->hash || !t->vrf) {
		tr_free(t);
		return -1;
	}
	for (unsigned i = 0; i < cfg->nvrf; i++) {
		rtf_import_set(cfg, cfg->vrf[i].l3vni, &t->vrf[i].imp);
		t->vrf[i].nexp = rtf_export_set(cfg, cfg->vrf[i].l3vni, t->vrf[i].exp);
	}
	return 0;
}

void tr_free(struct tenant_routes *t)
{
	for (size_t b = 0; t->hash && b < t->nhash; b++)
		for (struct tr_ent *e = t->hash[b], *n; e; e = n) {
			n = e->next;
			free(e->c);
			free(e);
		}
	for (unsigned i = 0; t->vrf && i < t->cfg->nvrf; i++)
		free(t->vrf[i].nh);
	free(t->hash);
	free(t->vrf);
	t->hash = NULL;
	t->vrf = NULL;
}
