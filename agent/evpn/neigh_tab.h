/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hash table of IP neighbours keyed by (ifindex, IP), open addressing with linear probing in one
 * flat array (no per-entry allocation): the remote MAC+IP entries evpnd installed on a bridge (so a
 * withdrawal removes only the entry it installed) and the local ones it advertises.
 */
#ifndef EVPND_EVPN_NEIGH_TAB_H
#define EVPND_EVPN_NEIGH_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

/* One entry: 28 bytes. ifindex 0 marks a free slot. */
struct nb_ent {
	int32_t ifindex;
	struct ipaddr ip;
	uint8_t mac[6];
	uint8_t flags;       /* NB_* */
};

enum {
	NB_ADV = 1 << 0,     /* local: advertised as a MAC+IP route */
	NB_STALE = 1 << 1,   /* remote: found in the kernel at start, not yet wanted by a route */
	NB_SNOOP = 1 << 2,   /* local: learned by arp-snoop, not the kernel (no event will delete it) */
	NB_FRESH = 1 << 3,   /* local, snooped: seen again since the last ageing sweep */
};

struct nb_tab {
	struct nb_ent *e;
	size_t cap;          /* power of two, or 0 */
	size_t n;
};

/* An empty table (no allocation until the first insert). */
void nb_tab_init(struct nb_tab *t);
/* Free the slots. */
void nb_tab_free(struct nb_tab *t);
/* The entry for (ifindex, ip), or NULL. */
struct nb_ent *nb_tab_get(const struct nb_tab *t, int ifindex, const struct ipaddr *ip);
/* The entry for (ifindex, ip), created zeroed but for its key (*created true) if absent; NULL when
 * memory runs out. Pointers into the table are invalidated by puts and deletes. */
struct nb_ent *nb_tab_put(struct nb_tab *t, int ifindex, const struct ipaddr *ip, bool *created);
/* Remove an entry returned by get or put. */
void nb_tab_del(struct nb_tab *t, struct nb_ent *e);

#endif
