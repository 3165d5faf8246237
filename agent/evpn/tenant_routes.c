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

/* A prefix of one tenant and the routes that name it. */
struct tr_ent {
	struct tr_ent *next;
	struct tr_cand *c;
	uint8_t n, cap;
	uint8_t vrf;               /* index in cfg->vrf */
	uint8_t plen;
	uint8_t af;
	bool installed;            /* the route is in the kernel (asked for) ... */
	bool seen;                 /* an audit found it in the kernel */
	uint8_t itype;             /* ... from a candidate of this type ... */
	uint16_t vtep;             /* ... via this VTEP */
	uint8_t ip[16];
};

#define TR_HASH_MIN 1024
#define TR_CAND_MAX 64         /* routes for one prefix of one tenant: more are not kept */

static size_t alen(uint8_t af)
{
	return af == AF_INET ? 4 : 16;
}

static int vtep_cmp(const struct vteps *vteps, uint16_t x, uint16_t y)
{
	const struct nl_addr *a = vtep_addr(vteps, x), *b = vtep_addr(vteps, y);

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->a, b->a, alen(a->af));
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
	for (size_t i = 0; i < alen(af); i++)
		h = (h ^ ip[i]) * 16777619u;
	return h & (t->nhash - 1);
}

static struct tr_ent *find(const struct tenant_routes *t, unsigned vrf, uint8_t af, uint8_t plen,
			   const uint8_t *ip)
{
	for (struct tr_ent *e = t->hash[bucket(t, vrf, af, plen, ip)]; e; e = e->next)
		if (e->vrf == vrf && e->af == af && e->plen == plen && !memcmp(e->ip, ip, alen(af)))
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
	struct tr_ent *e = find(t, vrf, af, plen, ip);

	if (e)
		return e;
	if (t->count >= t->nhash)
		grow(t);
	if (!(e = calloc(1, sizeof *e)))
		return NULL;
	e->vrf = (uint8_t)vrf;
	e->af = af;
	e->plen = plen;
	memcpy(e->ip, ip, alen(af));
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

static bool mapped(const struct tr_ent *e, const struct nl_addr *vtep)
{
	return e->af == AF_INET6 && vtep->af == AF_INET;
}

static void mapped_addr(const struct nl_addr *v4, struct nl_addr *out)
{
	memset(out, 0, sizeof *out);
	out->af = AF_INET6;
	out->a[10] = out->a[11] = 0xff;
	memcpy(out->a + 12, v4->a, 4);
}

static void nh_request(struct tenant_routes *t, struct tr_vrf *v, uint16_t vtep, bool install)
{
	const struct nl_addr *a = vtep_addr(t->vteps, vtep);
	struct tr_nh *nh = &v->nh[vtep];
	struct nl_addr m;

	if (!a)
		return;
	kreq_rmac_fdb(t->kq, install ? NL_FDB_REPLACE : NL_FDB_DEL, v->k.vxlan, v->k.bridge, nh->rmac, a);
	kreq_rmac_neigh(t->kq, install ? NL_NEIGH_REPLACE : NL_NEIGH_DEL, v->k.bridge, a, nh->rmac);
	if (nh->mapped && a->af == AF_INET) {
		mapped_addr(a, &m);
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
		mapped_addr(vtep_addr(t->vteps, vtep), &m);
		kreq_rmac_neigh(t->kq, NL_NEIGH_REPLACE, v->k.bridge, &m, nh->rmac);
	}
	if (!nh->installed) {
		memcpy(nh->rmac, rmac, 6);
		nh_request(t, v, vtep, true);
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
		mapped_addr(vtep_addr(t->vteps, vtep), &m);
		kreq_rmac_neigh(t->kq, NL_NEIGH_DEL, v->k.bridge, &m, nh->rmac);
	}
	if (--nh->refs == 0) {
		if (map)
			nh->mapped = 1; /* its neighbour goes with the rest */
		nh_request(t, v, vtep, false);
		nh->mapped = 0;
		nh->installed = false;
	}
}

static void route_request(struct tenant_routes *t, const struct tr_ent *e, bool install)
{
	const struct tr_vrf *v = &t->vrf[e->vrf];
	const struct nl_addr *a = vtep_addr(t->vteps, e->vtep);
	struct nl_addr dst, gw;

	memset(&dst, 0, sizeof dst);
	dst.af = e->af;
	memcpy(dst.a, e->ip, alen(e->af));
	if (!install) {
		kreq_route(t->kq, NL_ROUTE_DEL, v->k.table, &dst, e->plen, NULL, v->k.bridge);
		return;
	}
	if (!a)
		return;
	if (mapped(e, a))
		mapped_addr(a, &gw);
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
			(void)nh_ref(t, v, c->vtep, c->rmac, mapped(e, a));
			nh_unref(t, v, e->vtep, mapped(e, a));
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
	if (c && nh_ref(t, v, c->vtep, c->rmac, mapped(e, a)) == 0) {
		e->vtep = c->vtep;
		e->itype = c->type;
		e->installed = true;
		route_request(t, e, true); /* a replace: the old next hop goes with it */
		count(v, e, 1);
	} else {
		if (c)
			t->ignored++;
		e->installed = false;
		if (was)
			route_request(t, e, false);
	}
	if (was)
		nh_unref(t, v, old, oa && mapped(e, oa));
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
	memcpy(ip, r->ip.a, alen(r->ip.af));
	for (unsigned b = plen; b < alen(r->ip.af) * 8; b++)
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
		struct tr_ent *e = (int)i == vi ? NULL : find(t, i, r->ip.af, plen, ip);
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
	route_request(t, e, false);
	e->installed = false;
	nh_unref(t, v, e->vtep, a && mapped(e, a));
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

/* The tenant whose up kernel side has this table (bridge: and this bridge), or -1. */
static int tenant_by_table(const struct tenant_routes *t, uint32_t table, int bridge)
{
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		if (t->vrf[i].k.up && t->vrf[i].k.table == table && t->vrf[i].k.bridge == bridge)
			return (int)i;
	return -1;
}

int tr_sweep_route(struct tenant_routes *t, const struct nl_route *r)
{
	int i;
	struct tr_ent *e;

	if (!t->cfg->nvrf || t->stopping || r->protocol != NL_ROUTE_PROTO || r->metric != NL_ROUTE_METRIC)
		return 0;
	if ((i = tenant_by_table(t, r->table, r->oif)) < 0)
		return 0;
	e = find(t, (unsigned)i, r->dst.af, r->plen, r->dst.a);
	if (e && e->installed)
		return 0;
	kreq_route(t->kq, NL_ROUTE_DEL, r->table, &r->dst, r->plen, NULL, r->oif);
	return 1;
}

int tr_sweep_neigh(struct tenant_routes *t, const struct nl_neigh *n)
{
	const struct nl_addr *vtep = NULL;
	struct nl_addr v4;
	struct tr_vrf *v = NULL;
	uint16_t idx = VTEP_NONE;

	if (!t->cfg->nvrf || t->stopping || !(n->flags & NTF_EXT_LEARNED) || !n->has_mac)
		return 0;
	for (unsigned i = 0; i < t->cfg->nvrf && !v; i++)
		if (t->vrf[i].k.up && t->vrf[i].k.bridge == n->ifindex)
			v = &t->vrf[i];
	if (!v)
		return 0;
	/* the VTEP this neighbour names: its address, or the IPv4 one inside ::ffff:a.b.c.d */
	vtep = &n->ip;
	memset(&v4, 0, sizeof v4);
	if (n->ip.af == AF_INET6 && !memcmp(n->ip.a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		v4.af = AF_INET;
		memcpy(v4.a, n->ip.a + 12, 4);
		vtep = &v4;
	}
	for (size_t k = 0; k < v->nnh && idx == VTEP_NONE; k++) {
		const struct nl_addr *a = vtep_addr(t->vteps, (uint16_t)k);
		if (a && a->af == vtep->af && !memcmp(a->a, vtep->a, alen(a->af)))
			idx = (uint16_t)k;
	}
	bool current = idx != VTEP_NONE && v->nh[idx].installed;
	if (current && (vtep == &n->ip || v->nh[idx].mapped)) {
		if (!memcmp(v->nh[idx].rmac, n->mac, 6))
			return 0;
		/* the pair a route uses, with a previous run's router MAC: ours back, the old FDB entry out */
		kreq_rmac_neigh(t->kq, NL_NEIGH_REPLACE, v->k.bridge, &n->ip, v->nh[idx].rmac);
		kreq_rmac_fdb(t->kq, NL_FDB_DEL, v->k.vxlan, v->k.bridge, n->mac, vtep);
		return 1;
	}
	kreq_rmac_neigh(t->kq, NL_NEIGH_DEL, v->k.bridge, &n->ip, n->mac);
	if (vtep == &n->ip) /* a VTEP no route goes through: its FDB entry too */
		kreq_rmac_fdb(t->kq, NL_FDB_DEL, v->k.vxlan, v->k.bridge, n->mac, vtep);
	return 1;
}

int tr_route_deleted(struct tenant_routes *t, const struct nl_route *r)
{
	int i;
	struct tr_ent *e;

	if (!t->cfg->nvrf || t->stopping || r->protocol != NL_ROUTE_PROTO || r->metric != NL_ROUTE_METRIC)
		return 0;
	if ((i = tenant_by_table(t, r->table, r->oif)) < 0)
		return 0;
	e = find(t, (unsigned)i, r->dst.af, r->plen, r->dst.a);
	if (!e || !e->installed)
		return 0; /* ours going as asked, or a previous run's */
	log_msg(LOG_NOTICE, "[vrf %s]: a route evpnd installed was deleted (table %u): putting it back",
		t->cfg->vrf[i].name, r->table);
	route_request(t, e, true);
	return 1;
}

/* ---- audit ---- */

enum { TR_SEEN_NEIGH = 1, TR_SEEN_FDB = 2 };

const char *tr_drift_name(enum tr_drift_kind k)
{
	static const char *const n[TR_DRIFT_KINDS] = {
		[TR_ROUTE_MISSING] = "tenant-route-missing", [TR_ROUTE_WRONG] = "tenant-route-wrong",
		[TR_ROUTE_EXTRA] = "tenant-route-extra", [TR_RMAC_MISSING] = "router-mac-missing",
		[TR_RMAC_WRONG] = "router-mac-wrong", [TR_RMAC_EXTRA] = "router-mac-extra",
	};
	return (unsigned)k < TR_DRIFT_KINDS ? n[k] : "?";
}

void tr_audit_begin(struct tenant_routes *t)
{
	for (size_t b = 0; b < t->nhash; b++)
		for (struct tr_ent *e = t->hash[b]; e; e = e->next)
			e->seen = false;
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		for (size_t n = 0; n < t->vrf[i].nnh; n++)
			t->vrf[i].nh[n].seen = 0;
}

/* The next hop evpnd gives e's route (its VTEP, or ::ffff:VTEP). */
static void want_gw(const struct tenant_routes *t, const struct tr_ent *e, struct nl_addr *gw)
{
	const struct nl_addr *a = vtep_addr(t->vteps, e->vtep);

	memset(gw, 0, sizeof *gw);
	if (a && mapped(e, a))
		mapped_addr(a, gw);
	else if (a)
		*gw = *a;
}

static void drift(tr_drift_cb cb, void *ctx, enum tr_drift_kind k, unsigned vrf,
		  const struct nl_addr *p, uint8_t plen, const struct nl_addr *via, const uint8_t *mac,
		  bool fdb)
{
	struct tr_drift d;

	memset(&d, 0, sizeof d);
	d.kind = k;
	d.vrf = vrf;
	if (p)
		d.prefix = *p;
	d.plen = plen;
	if (via)
		d.via = *via;
	if (mac)
		memcpy(d.mac, mac, 6);
	d.fdb = fdb;
	cb(ctx, &d);
}

static int tenant_by_table_only(const struct tenant_routes *t, uint32_t table)
{
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		if (t->vrf[i].k.up && t->vrf[i].k.table == table)
			return (int)i;
	return -1;
}

void tr_audit_route(struct tenant_routes *t, const struct nl_route *r, tr_drift_cb cb, void *ctx)
{
	int i = tenant_by_table_only(t, r->table);
	struct tr_ent *e;
	struct nl_addr gw;

	if (i < 0 || r->metric != NL_ROUTE_METRIC)
		return; /* not a tenant's, or another metric: not the route evpnd would put there */
	e = find(t, (unsigned)i, r->dst.af, r->plen, r->dst.a);
	if (!e || !e->installed) {
		if (r->protocol == NL_ROUTE_PROTO)
			drift(cb, ctx, TR_ROUTE_EXTRA, (unsigned)i, &r->dst, r->plen, &r->gw, NULL, false);
		return;
	}
	e->seen = true;
	want_gw(t, e, &gw);
	if (r->oif != t->vrf[i].k.bridge || r->gw.af != gw.af || memcmp(r->gw.a, gw.a, alen(gw.af ? gw.af : AF_INET6)))
		drift(cb, ctx, TR_ROUTE_WRONG, (unsigned)i, &r->dst, r->plen, &gw, NULL, false);
}

/* The VTEP index and tenant of an address on tenant bridge/device ifindex (bridge: by the bridge,
 * else by the L3 VXLAN device); -1 when ifindex is no up tenant's. */
static int tenant_dev(const struct tenant_routes *t, int ifindex, bool bridge)
{
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		if (t->vrf[i].k.up && (bridge ? t->vrf[i].k.bridge : t->vrf[i].k.vxlan) == ifindex)
			return (int)i;
	return -1;
}

static uint16_t nh_of(const struct tenant_routes *t, const struct tr_vrf *v, const struct nl_addr *a)
{
	for (size_t k = 0; k < v->nnh; k++) {
		const struct nl_addr *x = vtep_addr(t->vteps, (uint16_t)k);
		if (x && x->af == a->af && !memcmp(x->a, a->a, alen(a->af)))
			return (uint16_t)k;
	}
	return VTEP_NONE;
}

void tr_audit_neigh(struct tenant_routes *t, const struct nl_neigh *n, tr_drift_cb cb, void *ctx)
{
	int i = tenant_dev(t, n->ifindex, true);
	struct tr_vrf *v;
	uint16_t k;

	if (i < 0 || n->ip.af == AF_INET6) /* the ::ffff: ones follow their VTEP's */
		return;
	v = &t->vrf[i];
	k = nh_of(t, v, &n->ip);
	if (k == VTEP_NONE || !v->nh[k].installed) {
		if (n->flags & NTF_EXT_LEARNED)
			drift(cb, ctx, TR_RMAC_EXTRA, (unsigned)i, &n->ip, 0, NULL, n->mac, false);
		return;
	}
	v->nh[k].seen |= TR_SEEN_NEIGH;
	if (!n->has_mac || memcmp(n->mac, v->nh[k].rmac, 6))
		drift(cb, ctx, TR_RMAC_WRONG, (unsigned)i, &n->ip, 0, NULL, v->nh[k].rmac, false);
}

void tr_audit_fdb(struct tenant_routes *t, const struct nl_fdb *f, tr_drift_cb cb, void *ctx)
{
	int i = tenant_dev(t, f->ifindex, false);
	struct tr_vrf *v;

	if (i < 0 || !(f->flags & NTF_SELF) || !f->dst.af)
		return; /* the bridge's halves and the device's own address: not compared */
	v = &t->vrf[i];
	for (size_t k = 0; k < v->nnh; k++)
		if (v->nh[k].installed && !memcmp(v->nh[k].rmac, f->mac, 6)) {
			const struct nl_addr *a = vtep_addr(t->vteps, (uint16_t)k);
			if (!a || a->af != f->dst.af || memcmp(a->a, f->dst.a, alen(a->af)))
				continue; /* another VTEP with the same router MAC may be the one */
			v->nh[k].seen |= TR_SEEN_FDB;
			return;
		}
	if (f->flags & NTF_EXT_LEARNED)
		drift(cb, ctx, TR_RMAC_EXTRA, (unsigned)i, &f->dst, 0, NULL, f->mac, true);
}

void tr_audit_end(struct tenant_routes *t, tr_drift_cb cb, void *ctx)
{
	struct nl_addr gw;

	for (size_t b = 0; b < t->nhash; b++)
		for (struct tr_ent *e = t->hash[b]; e; e = e->next) {
			struct nl_addr p;
			if (!e->installed || e->seen || !t->vrf[e->vrf].k.up)
				continue;
			memset(&p, 0, sizeof p);
			p.af = e->af;
			memcpy(p.a, e->ip, alen(e->af));
			want_gw(t, e, &gw);
			drift(cb, ctx, TR_ROUTE_MISSING, e->vrf, &p, e->plen, &gw, NULL, false);
		}
	for (unsigned i = 0; i < t->cfg->nvrf; i++) {
		const struct tr_vrf *v = &t->vrf[i];
		if (!v->k.up)
			continue;
		for (size_t k = 0; k < v->nnh; k++) {
			const struct nl_addr *a = vtep_addr(t->vteps, (uint16_t)k);
			if (!v->nh[k].installed || !a)
				continue;
			if (!(v->nh[k].seen & TR_SEEN_NEIGH))
				drift(cb, ctx, TR_RMAC_MISSING, i, a, 0, NULL, v->nh[k].rmac, false);
			if (!(v->nh[k].seen & TR_SEEN_FDB))
				drift(cb, ctx, TR_RMAC_MISSING, i, a, 0, NULL, v->nh[k].rmac, true);
		}
	}
}

static void reinstall(struct tenant_routes *t, struct tr_ent *e)
{
	if (e->installed)
		route_request(t, e, true);
}

void tr_resync(struct tenant_routes *t)
{
	for (unsigned i = 0; i < t->cfg->nvrf && !t->stopping; i++) {
		struct tr_vrf *v = &t->vrf[i];
		if (!v->k.up)
			continue;
		for (size_t n = 0; n < v->nnh; n++)
			if (v->nh[n].installed)
				nh_request(t, v, (uint16_t)n, true);
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
	for (unsigned i = 0; i < cfg->nvrf; i++)
		rtf_import_set(cfg, cfg->vrf[i].l3vni, &t->vrf[i].imp);
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
