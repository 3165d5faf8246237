/* SPDX-License-Identifier: Apache-2.0 */
/* Best path selection: RFC 7432 section 15 (MAC mobility) ahead of RFC 4271 section 9.1.2.2. */
#include "rib.h"

#include "attr.h"
#include "family.h"
#include "types.h"

#define DEFAULT_LOCAL_PREF 100

/* Returns <0 when x's value should win for "higher is better" fields. */
static int prefer_high(uint32_t x, uint32_t y)
{
	return x > y ? -1 : x < y ? 1 : 0;
}

static int prefer_low(uint32_t x, uint32_t y)
{
	return x < y ? -1 : x > y ? 1 : 0;
}

static uint32_t local_pref(const struct attrs *a)
{
	return (a->flags & AF_HAS_LOCAL_PREF) ? a->local_pref : DEFAULT_LOCAL_PREF;
}

static uint32_t med(const struct attrs *a)
{
	return (a->flags & AF_HAS_MED) ? a->med : 0;
}

/* The ORIGINATOR_ID stands in for the router id of a reflected route (RFC 4456 section 9). */
static uint32_t router_id(const struct rib_cand *c)
{
	if (c->a->flags & AF_HAS_ORIGINATOR)
		return c->a->originator_id;
	return c->src->router_id;
}

/* RFC 7432 section 15: a sticky MAC wins, then the higher sequence number; no community = 0. */
static int mobility_cmp(const struct rib_cand *x, const struct rib_cand *y)
{
	uint32_t sx = 0, sy = 0;
	bool kx = false, ky = false;
	int hx = attrs_mac_mobility(x->a, &sx, &kx) == 1;
	int hy = attrs_mac_mobility(y->a, &sy, &ky) == 1;
	int r;

	if (!hx && !hy)
		return 0;
	if (!hx)
		sx = 0, kx = false;
	if (!hy)
		sy = 0, ky = false;
	if ((r = prefer_high(kx, ky)) != 0)
		return r;
	return prefer_high(sx, sy);
}

int rib_best_cmp(const struct rib_cand *x, const struct rib_cand *y)
{
	int r;
	bool lx = x->src->kind == SRC_LOCAL, ly = y->src->kind == SRC_LOCAL;

	if (x->fam == FAM_EVPN && (r = mobility_cmp(x, y)) != 0)
		return r;
	if ((r = prefer_high(lx, ly)) != 0)
		return r;
	if ((r = prefer_high(local_pref(x->a), local_pref(y->a))) != 0)
		return r;
	if ((r = prefer_low(attrs_aspath_count(x->a), attrs_aspath_count(y->a))) != 0)
		return r;
	if ((r = prefer_low(x->a->origin, y->a->origin)) != 0)
		return r;
	/* MED compares only routes from the same neighbor AS (no always-compare-med) */
	if (attrs_aspath_first(x->a) == attrs_aspath_first(y->a) &&
	    (r = prefer_low(med(x->a), med(y->a))) != 0)
		return r;
	if ((r = prefer_high(x->src->kind == SRC_EBGP, y->src->kind == SRC_EBGP)) != 0)
		return r;
	if ((r = prefer_low(router_id(x), router_id(y))) != 0)
		return r;
	if ((r = prefer_low(x->a->ncluster, y->a->ncluster)) != 0)
		return r;
	r = ipaddr_cmp(&x->src->addr, &y->src->addr);
	return r < 0 ? -1 : r > 0 ? 1 : 0;
}
