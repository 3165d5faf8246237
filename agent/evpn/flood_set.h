/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A set of flood entries (VXLAN device key, VTEP index) with a reference count each: the list of
 * head-end replication destinations of flood.c, and the kernel snapshot of an audit. Small (VNIs x
 * remote VTEPs), so a flat array scanned linearly.
 */
#ifndef EVPND_EVPN_FLOOD_SET_H
#define EVPND_EVPN_FLOOD_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fl_ent {
	int okey;           /* the VNI's owned-table key (vni.h) */
	uint16_t vtep;      /* vteps.h index */
	uint16_t flags;     /* FL_* */
	uint32_t refs;      /* routes that want it; 0 with FL_STALE: adopted from the kernel */
};

enum {
	FL_STALE = 1 << 1,  /* found in the kernel, not yet justified by a route */
	FL_SEEN = 1 << 3,   /* seen in the current reconcile dump */
};

struct flood_set {
	struct fl_ent *e;
	size_t n, cap;
};

/* An empty set. */
void flood_set_init(struct flood_set *s);
/* Free it. */
void flood_set_free(struct flood_set *s);
/* The entry (okey, vtep), or NULL. */
struct fl_ent *flood_set_get(struct flood_set *s, int okey, uint16_t vtep);
/* The entry (okey, vtep), created with refs 0 when absent (*created); NULL when out of memory. */
struct fl_ent *flood_set_put(struct flood_set *s, int okey, uint16_t vtep, bool *created);
/* Remove an entry returned by get/put (the last one moves into its place). */
void flood_set_del(struct flood_set *s, struct fl_ent *e);
/* Entries of okey. */
size_t flood_set_count(const struct flood_set *s, int okey);

#endif
