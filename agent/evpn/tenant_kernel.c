/* SPDX-License-Identifier: Apache-2.0 */
/* The routed tenants' entries and the kernel's copy (tenant_routes.h): the sweep of a previous
 * run's leftovers after initial convergence, routes deleted behind evpnd's back, the audit. */
#include <string.h>

#include <linux/neighbour.h>

#include "kreq.h"
#include "log.h"
#include "config.h"
#include "tenant_int.h"
#include "vteps.h"

/* The tenant whose up kernel side has this table (bridge: and this bridge), or -1. */
static int tenant_by_table(const struct tenant_routes *t, uint32_t table, int bridge)
{
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		if (t->vrf[i].k.up && t->vrf[i].k.table == table && t->vrf[i].k.bridge == bridge)
			return (int)i;
	return -1;
}

/* Whether r looks like one of evpnd's routes in an up tenant's table through its bridge; then *e
 * is the tenant's entry for its prefix (NULL: none) and *vrf the tenant. */
static bool ours(const struct tenant_routes *t, const struct nl_route *r, struct tr_ent **e, int *vrf)
{
	if (!t->cfg->nvrf || t->stopping || r->protocol != NL_ROUTE_PROTO || r->metric != NL_ROUTE_METRIC)
		return false;
	if ((*vrf = tenant_by_table(t, r->table, r->oif)) < 0)
		return false;
	*e = tri_find(t, (unsigned)*vrf, r->dst.af, r->plen, r->dst.a);
	return true;
}

int tr_sweep_route(struct tenant_routes *t, const struct nl_route *r)
{
	struct tr_ent *e;
	int i;

	if (!ours(t, r, &e, &i) || (e && e->installed))
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
		if (a && a->af == vtep->af && !memcmp(a->a, vtep->a, tri_alen(a->af)))
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
	struct tr_ent *e;
	int i;

	if (!ours(t, r, &e, &i) || !e || !e->installed)
		return 0; /* ours going as asked, or a previous run's */
	log_msg(LOG_NOTICE, "[vrf %s]: a route evpnd installed was deleted (table %u): putting it back",
		t->cfg->vrf[i].name, r->table);
	tri_route_request(t, e, true);
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
	if (a && tri_mapped(e, a))
		tri_mapped_addr(a, gw);
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
	e = tri_find(t, (unsigned)i, r->dst.af, r->plen, r->dst.a);
	if (!e || !e->installed) {
		if (r->protocol == NL_ROUTE_PROTO)
			drift(cb, ctx, TR_ROUTE_EXTRA, (unsigned)i, &r->dst, r->plen, &r->gw, NULL, false);
		return;
	}
	e->seen = true;
	want_gw(t, e, &gw);
	if (r->oif != t->vrf[i].k.bridge || r->gw.af != gw.af || memcmp(r->gw.a, gw.a, tri_alen(gw.af ? gw.af : AF_INET6)))
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
		if (x && x->af == a->af && !memcmp(x->a, a->a, tri_alen(a->af)))
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
			if (!a || a->af != f->dst.af || memcmp(a->a, f->dst.a, tri_alen(a->af)))
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
			memcpy(p.a, e->ip, tri_alen(e->af));
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

