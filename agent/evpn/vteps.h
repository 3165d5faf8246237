/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VTEP addresses interned to a 16-bit index, so an installed remote MAC names its VTEP in two bytes
 * (the 20-byte slot of mac_tab.h). Append-only: an index stays valid for the daemon's life. The
 * engine owns one table and lends it to the MAC owner (macs.h) and the flood list (flood.h).
 */
#ifndef EVPND_EVPN_VTEPS_H
#define EVPND_EVPN_VTEPS_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"

#define VTEP_NONE 0xffffu

struct vteps {
	struct nl_addr *addr;      /* index -> address */
	uint16_t *slot;            /* open-addressed index of addr: slot -> index + 1, 0 free */
	size_t n, cap;             /* slot has 2 * cap entries */
};

/* An empty table. */
void vteps_init(struct vteps *t);
/* Free it. */
void vteps_free(struct vteps *t);
/* The index of address a, interning it; VTEP_NONE when out of memory or indexes. */
uint16_t vtep_index(struct vteps *t, const struct nl_addr *a);
/* The address of an interned index, NULL for any other. */
const struct nl_addr *vtep_addr(const struct vteps *t, uint16_t idx);

#endif
