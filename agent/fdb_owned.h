/*
 * What evpnd has installed in (or found in and adopted from) the kernel FDB: remote MACs keyed by
 * (VXLAN ifindex, MAC) -> VTEP, and the flood set of (VXLAN ifindex, VTEP) with a reference count
 * per entry (the type-3 routes that want it). VTEP addresses are interned to a 16-bit index, so a
 * remote MAC costs one 20-byte slot (at most half the slots are used).
 */
#ifndef EVPND_AGENT_FDB_OWNED_H
#define EVPND_AGENT_FDB_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mac_tab.h"
#include "mobility.h"
#include "nl.h"

#define FO_VTEP_NONE 0xffffu

struct fo_flood {
	int ifindex;
	uint16_t vtep;
	uint16_t flags;     /* MENT_STALE, MENT_SEEN */
	uint32_t refs;      /* routes that want it; 0 with MENT_STALE: adopted from the kernel */
};

struct fdb_owned {
	struct mac_tab macs;
	struct nl_addr *vteps;     /* index -> address */
	uint16_t *vtep_slot;       /* open-addressed index of vteps: slot -> index + 1, 0 free */
	size_t nvtep, vtep_cap;    /* vtep_slot has 2 * vtep_cap slots */
	struct fo_flood *flood;    /* small: VNIs x remote VTEPs */
	size_t nflood, flood_cap;
	struct mob_tab mob;        /* MAC mobility: moved or contested (VNI, MAC)s (mobility.h) */
};

/* An empty set. */
void fo_init(struct fdb_owned *fo);
/* Free everything. */
void fo_free(struct fdb_owned *fo);
/* The index of a VTEP address, interning it; FO_VTEP_NONE when out of memory or indexes. */
uint16_t fo_vtep(struct fdb_owned *fo, const struct nl_addr *a);
/* The address of an interned index. */
const struct nl_addr *fo_vtep_addr(const struct fdb_owned *fo, uint16_t idx);
/* The flood entry (ifindex, vtep), or NULL. */
struct fo_flood *fo_flood_get(struct fdb_owned *fo, int ifindex, uint16_t vtep);
/* The flood entry (ifindex, vtep), created with refs 0 when absent; NULL when out of memory. */
struct fo_flood *fo_flood_put(struct fdb_owned *fo, int ifindex, uint16_t vtep, bool *created);
/* Remove a flood entry returned by get/put. */
void fo_flood_del(struct fdb_owned *fo, struct fo_flood *f);
/* Number of flood entries on ifindex. */
size_t fo_flood_count(const struct fdb_owned *fo, int ifindex);
/* A 32-bit hash of a route distinguisher (8 bytes), never 0: who installed a MAC entry. */
uint32_t fo_rd_hash(const uint8_t rd[8]);

#endif
