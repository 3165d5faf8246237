/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Type-3 (inclusive multicast) routes -> head-end replication: one flood entry (VNI, VTEP) on the
 * VNI's VXLAN device per remote VTEP, reference-counted by the routes that want it. The owner of
 * the flood entries and of the type-3 wants: the wants are kept here (not re-read from the RIB)
 * because a withdrawal no longer carries the PMSI endpoint.
 */
#ifndef EVPND_EVPN_FLOOD_H
#define EVPND_EVPN_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flood_set.h"
#include "nl.h"

struct attrs;
struct config;
struct evpn_route;
struct kreq;
struct vni;
struct vni_tab;
struct vteps;

/* What one type-3 route wants: a flood entry to vtep on the VXLAN device of vni. */
struct t3_want {
	uint8_t key[40];           /* the route's NLRI (type 3 is at most 2 + 29 bytes) */
	uint8_t klen;
	uint16_t vtep;             /* vteps.h index */
	uint32_t vni;
};

struct flood {
	const struct config *cfg;
	const struct vni_tab *vt;
	struct vteps *vteps;
	struct kreq *kq;
	struct flood_set set;      /* the entries installed (or adopted) */
	struct t3_want *t3;
	size_t nt3, t3cap;
	struct fl_ent *lost;       /* deleted behind evpnd's back: put back at the iteration's end */
	size_t nlost, lostcap;
	bool lost_oom;             /* a deletion could not be recorded: the engine dumps */
	bool converged;
	/* while a reconcile dump runs: entries removed since it began (a reply the kernel built
	 * before the removal must not bring them back); with SEEN, set by every request and event */
	bool dumping;
	struct fl_ent *gone;
	size_t ngone, gonecap;
};

/* An empty list working with the engine's tables. */
void flood_init(struct flood *fl, const struct config *cfg, const struct vni_tab *vt,
		struct vteps *vteps, struct kreq *kq);
/* Free it (no requests). */
void flood_free(struct flood *fl);
/* A type-3 route's best path changed (a NULL: gone, or our own); its flood entry follows. */
void flood_route(struct flood *fl, const struct evpn_route *r, const uint8_t *nlri, size_t len,
		 const struct attrs *a);
/* v attached: the flood entries its type-3 routes want. */
void flood_vni_attach(struct flood *fl, struct vni *v);
/* v detached: forget its entries (and remove them while its device exists: exists). */
void flood_vni_detach(struct flood *fl, struct vni *v, bool exists);
/* Reconcile: a dump starts; a dumped flood entry of v's device (ignored when a request or an
 * event settled it since the dump began); the dump ended; the dump failed (nothing changes). */
void flood_dump_begin(struct flood *fl);
void flood_dump_entry(struct flood *fl, struct vni *v, const struct nl_fdb *f);
void flood_dump_end(struct flood *fl);
void flood_dump_abort(struct flood *fl);
/* A flood entry of v's device was deleted outside a dump: put it back if wanted. */
void flood_kernel_deleted(struct flood *fl, struct vni *v, const struct nl_fdb *f);
/* Put back what was deleted and is still wanted (once per loop iteration). */
void flood_put_back(struct flood *fl);
/* Initial convergence: remove adopted entries no route wants; returns how many. */
size_t flood_converged(struct flood *fl);
/* Whether the flood entry (okey, vtep) is installed or adopted. */
bool flood_has(struct flood *fl, int okey, uint16_t vtep);
/* Flood entries installed or adopted. */
size_t flood_count(const struct flood *fl);
/* Call cb for every flood entry installed or adopted. */
void flood_walk(const struct flood *fl, void (*cb)(void *ctx, int okey, uint16_t vtep), void *ctx);
/* The VTEP indexes flooded to on okey, into out (at most max); returns how many there are. */
size_t flood_vteps(const struct flood *fl, int okey, uint16_t *out, size_t max);

#endif
