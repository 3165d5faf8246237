/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hash table of small fixed-size entries keyed by (ifindex, MAC), open addressing with linear
 * probing: one flat array, no per-entry allocation (the 1M-MAC path). Used for the FDB entries
 * evpnd owns (keyed by VXLAN device) and for local MACs (keyed by bridge).
 */
#ifndef EVPND_EVPN_MAC_TAB_H
#define EVPND_EVPN_MAC_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hash of a MAC within a 32-bit space (an ifindex, a VNI) for the open-addressing tables. The
 * splitmix64 finaliser spreads it: MACs of one vendor share their top bytes. */
static inline uint64_t mac_hash_seed(uint32_t space, const uint8_t mac[6], uint32_t seed)
{
	uint64_t k = (uint64_t)space << 48 ^ (uint64_t)space >> 16 ^ (uint64_t)seed * 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 6; i++)
		k ^= (uint64_t)mac[i] << (8 * i);
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	k ^= k >> 31;
	return k;
}

static inline uint64_t mac_hash(uint32_t space, const uint8_t mac[6])
{
	return mac_hash_seed(space, mac, 0);
}

/* One entry: 20 bytes. ifindex 0 marks a free slot (the kernel never uses ifindex 0). */
struct mac_ent {
	int32_t ifindex;
	uint8_t mac[6];
	uint16_t vtep;      /* owned: interned VTEP index */
	uint32_t aux;       /* owned: hash of the installing route's RD; local: the bridge port */
	uint8_t flags;      /* MENT_* */
};
/* the per-remote-MAC memory budget counts on it: 20 bytes a slot, 4/3 to 2 slots per entry */
_Static_assert(sizeof(struct mac_ent) <= 20, "struct mac_ent outgrew its 20-byte slot");

enum {
	MENT_STICKY = 1 << 0,   /* owned: installed sticky; local: static entry (sticky route) */
	MENT_STALE = 1 << 1,    /* owned: found in the kernel, not yet justified by a route */
	MENT_ADV = 1 << 2,      /* local: advertised as a route */
	MENT_SEEN = 1 << 3,     /* owned: seen in the current reconcile dump */
};

struct mac_tab {
	struct mac_ent *e;
	size_t cap;         /* 0, 64, 96, 128, 192, ... (2^k or 1.5 * 2^k) */
	size_t n;           /* entries, in both arrays */
	/* while a growth is under way: the previous array, emptied a few clusters per insert or
	 * delete from slot mig_at on (mig_done of its slots so far); NULL otherwise */
	struct mac_ent *old;
	size_t old_cap, mig_at, mig_done;
	unsigned layout;    /* changes whenever entries may have moved between positions */
	uint32_t seed;      /* of its hash (mac_tab_seed) */
};

/* An empty table (no allocation until the first insert), hash seed 0. */
void mac_tab_init(struct mac_tab *t);
/* Give an empty table its own hash seed. A table filled in the walk order of another (an audit's
 * snapshot from probes of the owned table) needs one the other does not have: keys that come in
 * the order of their own home slots would pile into a few clusters, and each insert would walk
 * them (quadratic). */
void mac_tab_seed(struct mac_tab *t, uint32_t seed);
/* Free the slots. */
void mac_tab_free(struct mac_tab *t);
/* The entry for (ifindex, mac), or NULL. */
struct mac_ent *mac_tab_get(const struct mac_tab *t, int ifindex, const uint8_t mac[6]);
/* The entry for (ifindex, mac), created zeroed but for its key when absent (*created set);
 * NULL when memory runs out. Pointers into the table are invalid after the next insert/delete. */
struct mac_ent *mac_tab_put(struct mac_tab *t, int ifindex, const uint8_t mac[6], bool *created);
/* Grow at once to hold n entries below the load limit (no-op when it does): the growths inserts
 * would otherwise start, each moving the entries over a few at a time. -1 when memory runs out.
 * Pointers into it become invalid. */
int mac_tab_reserve(struct mac_tab *t, size_t n);
/* Remove an entry returned by get/put. */
void mac_tab_del(struct mac_tab *t, struct mac_ent *e);
/* The first entry at position *pos or after (*pos then points past it), or NULL at the end: a walk
 * the loop may pause between calls. Deletes meanwhile may make it skip an entry (a backward shift
 * into a visited slot), inserts repeat one; a changed mac_tab_layout() means entries moved: start
 * again from 0 where a skip matters. */
const struct mac_ent *mac_tab_next(const struct mac_tab *t, size_t *pos);
/* A number that changes whenever a growth starts or ends (positions for mac_tab_next moved). */
unsigned mac_tab_layout(const struct mac_tab *t);
/* Call cb for every entry; cb returns true to delete the entry it was given. */
void mac_tab_walk(struct mac_tab *t, bool (*cb)(void *ctx, struct mac_ent *e), void *ctx);

#endif
