/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes into a routed tenant's VRF (RFC 9135 symmetric IRB, RFC 9136 type-5), the owner of what
 * evpnd installs for them: host and prefix routes in the VRF's table `via VTEP dev <L3 VNI bridge>
 * onlink`, and per (tenant, VTEP) the router-MAC pair they resolve through (the neighbour VTEP ->
 * router MAC on that bridge, the FDB entry router MAC -> VTEP on the L3 VNI's VXLAN device),
 * counted by the routes that use it and removed with the last one (docs/wire.md, "Symmetric IRB").
 *
 * A received route is a candidate for one prefix of one tenant: a type-2 MAC+IP route with a
 * second label (its IP as a /32 or /128), or a type-5 route with a zero gateway IP (its prefix),
 * whose route targets the tenant's [vrf] imports (or, with none at all, whose L3 label is the
 * tenant's L3 VNI) and which carries the Router's MAC community. Our own MAC+IP routes are
 * candidates too: a VM that moved here wins by its sequence number, and its host route goes.
 * Which candidate is installed is tr_pick's decision (pure).
 */
#ifndef EVPND_EVPN_TENANT_ROUTES_H
#define EVPND_EVPN_TENANT_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "rt_filter.h"

struct attrs;
struct config;
struct evpn_route;
struct kreq;
struct vni_tab;
struct vteps;

/* One route that names a prefix. */
struct tr_cand {
	uint32_t id;               /* the route's identity among the prefix's: a hash of its RD (and
				    * MAC), never 0 */
	uint8_t type;              /* EVPN_RT_MACIP or EVPN_RT_PREFIX */
	bool local;                /* our own: the prefix lives here, nothing to install */
	uint16_t vtep;             /* vteps.h index (VTEP_NONE when local) */
	uint8_t rmac[6];
	uint32_t seq;              /* MAC mobility sequence number (type 2) */
};

/* Which candidate is installed, or -1 for none (our own wins, or there are none): a host route
 * (type 2) before a prefix route (type 5) of the same prefix; among host routes the highest
 * sequence number (RFC 7432 section 15), ours on a tie; then ours; then the lowest VTEP address
 * (vteps resolves indexes; the same answer on every hypervisor). Pure. */
int tr_pick(const struct tr_cand *c, size_t n, const struct vteps *vteps);

/* The kernel's side of one tenant, as tr_links last saw it. */
struct tr_kernel {
	bool up;                   /* vrf_view.h: VRF, L3 VXLAN device and bridge present and up */
	uint32_t table;
	int bridge, vxlan;
};

/* A (tenant, VTEP)'s router-MAC pair. */
struct tr_nh {
	uint32_t refs;             /* installed routes via this VTEP */
	uint32_t mapped;           /* ... of which IPv6 routes over an IPv4 VTEP (::ffff:VTEP) */
	uint8_t rmac[6];
	bool installed;
};

struct tr_vrf {
	struct tr_kernel k;
	struct rt_import imp;
	struct tr_nh *nh;          /* indexed by VTEP index */
	size_t nnh;
	size_t hosts, prefixes;    /* routes installed */
};

struct tr_ent;

struct tenant_routes {
	const struct config *cfg;
	const struct vni_tab *vt;
	const struct vteps *vteps;
	struct kreq *kq;
	struct tr_vrf *vrf;        /* cfg->nvrf of them */
	struct tr_ent **hash;
	size_t nhash, count;       /* buckets, prefixes with candidates */
	uint64_t ignored;          /* routes a tenant imports but cannot use (no router MAC, a
				    * gateway IP, out of memory) */
	uint64_t refused;          /* route requests the kernel refused */
	bool stopping;
};

/* Empty, for cfg's [vrf] sections (none: every call is a no-op). 0, or -1 out of memory. */
int tr_init(struct tenant_routes *t, const struct config *cfg, const struct vni_tab *vt,
	    const struct vteps *vteps, struct kreq *kq);
/* Free it (no requests). */
void tr_free(struct tenant_routes *t);
/* A type-2 or type-5 route's best path changed: a the new best path's attributes (NULL: gone),
 * local whether it is our own; vtep its next hop's index (VTEP_NONE when local). Others are
 * ignored. */
void tr_route(struct tenant_routes *t, const struct evpn_route *r, const struct attrs *a,
	      bool local, uint16_t vtep);
/* Links changed: a tenant whose kernel side came up gets its routes, one that went down forgets
 * them (the kernel removed them with the devices), one whose devices changed moves them. */
void tr_links(struct tenant_routes *t);
/* Ask again for everything installed (after refusals: replaces are idempotent). */
void tr_resync(struct tenant_routes *t);
/* What tenant i (index in cfg->vrf) has installed, for show and metrics. */
struct tr_counts {
	size_t hosts, prefixes;    /* routes in its table */
	size_t vteps;              /* router-MAC pairs (VTEPs its routes go through) */
	size_t candidates;         /* prefixes it has routes for, installed or not */
};
void tr_vrf_counts(const struct tenant_routes *t, unsigned i, struct tr_counts *out);
/* Exiting: leave the kernel as it is. */
void tr_stop(struct tenant_routes *t);

#endif
