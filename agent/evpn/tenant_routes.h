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
	uint8_t seen;              /* an audit's marks: TR_SEEN_* */
};

struct tr_vrf {
	struct tr_kernel k;
	struct rt_import imp;
	uint64_t exp[CFG_MAX_RT];  /* the export set (tr_reload compares) */
	unsigned nexp;
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
/* The configuration was reloaded (same sections, same order): each tenant's import and export
 * sets from it. Returns how many import sets changed (their routes must then be decided again:
 * tr_route for each); bit i of *exp_changed says tenant i's export set changed (its MAC+IP routes
 * go out again). */
unsigned tr_reload(struct tenant_routes *t, uint32_t *exp_changed);
/* Links changed: a tenant whose kernel side came up gets its routes, one that went down forgets
 * them (the kernel removed them with the devices), one whose devices changed moves them. */
void tr_links(struct tenant_routes *t);
/* After initial convergence, a route a dump reported (nl_dump_routes): one of evpnd's
 * (NL_ROUTE_PROTO, NL_ROUTE_METRIC) in an up tenant's table through its bridge that evpnd does not
 * hold now is a previous run's: deleted. Its prefix goes into out (NULL: not needed). 1 when
 * deleted, else 0. */
int tr_sweep_route(struct tenant_routes *t, const struct nl_route *r);
/* The same for an extern_learn neighbour on an up tenant's bridge: a previous run's router-MAC
 * pair (the neighbour and the FDB entry on the L3 VXLAN device) goes unless a VTEP's current
 * pair is it. 1 when deleted, else 0. */
struct nl_neigh;
int tr_sweep_neigh(struct tenant_routes *t, const struct nl_neigh *n);
/* A route was deleted from the kernel: one evpnd holds installed (in an up tenant's table, its
 * prefix) is asked for again, as a deleted FDB entry is put back. 1 when it was. */
int tr_route_deleted(struct tenant_routes *t, const struct nl_route *r);
/* `evpnctl audit` of the tenants: what evpnd installed against what the kernel has. Begin, hand
 * it every route (nl_dump_routes), neighbour (nl_dump_neigh) and FDB entry of the tenants' L3
 * VXLAN devices, then end: each difference is reported once through cb. Pure but for the marks. */
enum tr_drift_kind {
	TR_ROUTE_MISSING,          /* installed by evpnd, absent from the VRF's table */
	TR_ROUTE_WRONG,            /* present, via another next hop or device */
	TR_ROUTE_EXTRA,            /* evpnd's (proto and metric) in a tenant's table, not held */
	TR_RMAC_MISSING,           /* a router-MAC neighbour or FDB entry (fdb) absent */
	TR_RMAC_WRONG,             /* present with another MAC (neighbour) or VTEP (FDB entry) */
	TR_RMAC_EXTRA,             /* an extern_learn one on a tenant's bridge / L3 device, not held */
	TR_DRIFT_KINDS
};
struct tr_drift {
	enum tr_drift_kind kind;
	unsigned vrf;              /* index in cfg->vrf */
	struct nl_addr prefix;     /* routes: the prefix; router MACs: the VTEP */
	uint8_t plen;
	struct nl_addr via;        /* routes: the next hop evpnd wants (af 0: none) */
	uint8_t mac[6];            /* router MACs: the MAC evpnd wants (or the kernel's, EXTRA) */
	bool fdb;                  /* router MACs: the FDB entry, not the neighbour */
};
typedef void (*tr_drift_cb)(void *ctx, const struct tr_drift *d);
struct nl_fdb;
void tr_audit_begin(struct tenant_routes *t);
void tr_audit_route(struct tenant_routes *t, const struct nl_route *r, tr_drift_cb cb, void *ctx);
void tr_audit_neigh(struct tenant_routes *t, const struct nl_neigh *n, tr_drift_cb cb, void *ctx);
void tr_audit_fdb(struct tenant_routes *t, const struct nl_fdb *f, tr_drift_cb cb, void *ctx);
void tr_audit_end(struct tenant_routes *t, tr_drift_cb cb, void *ctx);
/* Its name in the audit's JSON ("tenant-route-missing", ...). */
const char *tr_drift_name(enum tr_drift_kind k);
/* Ask again for everything installed (after refusals: replaces are idempotent). */
void tr_resync(struct tenant_routes *t);
/* What tenant i (index in cfg->vrf) has installed, for show and metrics. */
struct tr_counts {
	size_t hosts, prefixes;    /* routes in its table */
	size_t vteps;              /* router-MAC pairs (VTEPs its routes go through) */
	size_t candidates;         /* prefixes it has routes for, installed or not */
};
void tr_vrf_counts(const struct tenant_routes *t, unsigned i, struct tr_counts *out);
/* One prefix of a tenant, as `show routes vrf NAME` lists it. */
struct tr_row {
	struct nl_addr prefix;
	uint8_t plen;
	uint8_t type;              /* the winner's: EVPN_RT_MACIP (host) or EVPN_RT_PREFIX */
	bool installed;            /* in the VRF's table (asked for) */
	bool local;                /* our own route wins: the prefix is here */
	struct nl_addr via;        /* installed: the VTEP */
	uint8_t rmac[6];           /* installed: its router MAC */
	uint32_t seq;              /* the winner's MAC mobility sequence */
	unsigned routes;           /* candidate routes for the prefix */
};
/* Every prefix tenant i has routes for, in no order, through cb. */
void tr_rows(const struct tenant_routes *t, unsigned i, void (*cb)(void *ctx, const struct tr_row *r),
	     void *ctx);
/* Exiting: leave the kernel as it is. */
void tr_stop(struct tenant_routes *t);

#endif
