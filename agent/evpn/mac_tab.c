/* SPDX-License-Identifier: Apache-2.0 */
/* (ifindex, MAC) -> small entry: linear probing with backward-shift deletion (no tombstones, so a
 * table that churns through millions of MACs never degrades). Load factor at most 3/4; the
 * capacity goes 64, 96, 128, 192, ... (x1.5, x4/3) and a hash maps to its home slot by
 * multiplication (h * cap >> 32), so a million MACs fill 1.5 M slots, not 2 M (docs/memory.md).
 *
 * A growth does not rehash every entry at once (a million of them held the loop for a tenth of a
 * second and more): the old array stays beside the new one and each insert or delete moves a few
 * of its entries over, a whole probe cluster at a time, so the clusters left behind keep their
 * probe runs intact and lookups look in both arrays until the old one is empty. */
#include "mac_tab.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CAP 64
/* old slots moved per insert or delete: a growth by 4/3 leaves room for old_cap / 4 inserts
 * before the next one, so 8 a step empties the old array twice as fast as it must */
#define MIGRATE_STEP 8

static size_t home(size_t cap, uint32_t seed, int ifindex, const uint8_t mac[6])
{
	return (size_t)((mac_hash_seed((uint32_t)ifindex, mac, seed) >> 32) * cap >> 32);
}

static size_t next(size_t cap, size_t i)
{
	return i + 1 == cap ? 0 : i + 1;
}

static bool key_eq(const struct mac_ent *e, int ifindex, const uint8_t mac[6])
{
	return e->ifindex == ifindex && memcmp(e->mac, mac, 6) == 0;
}

void mac_tab_init(struct mac_tab *t)
{
	memset(t, 0, sizeof *t);
}

void mac_tab_seed(struct mac_tab *t, uint32_t seed)
{
	t->seed = seed;
}

void mac_tab_free(struct mac_tab *t)
{
	uint32_t seed = t->seed;

	free(t->e);
	free(t->old);
	mac_tab_init(t);
	t->seed = seed;
}

static struct mac_ent *find(struct mac_ent *v, size_t cap, uint32_t seed, int ifindex,
			    const uint8_t mac[6])
{
	if (!cap)
		return NULL;
	for (size_t i = home(cap, seed, ifindex, mac);; i = next(cap, i)) {
		struct mac_ent *e = &v[i];
		if (!e->ifindex)
			return NULL;
		if (key_eq(e, ifindex, mac))
			return e;
	}
}

struct mac_ent *mac_tab_get(const struct mac_tab *t, int ifindex, const uint8_t mac[6])
{
	if (ifindex == 0)
		return NULL;
	struct mac_ent *e = find(t->e, t->cap, t->seed, ifindex, mac);
	return e || !t->old ? e : find(t->old, t->old_cap, t->seed, ifindex, mac);
}

/* Place o (not present) in the array v of cap slots. */
static void place(struct mac_ent *v, size_t cap, uint32_t seed, const struct mac_ent *o)
{
	size_t i = home(cap, seed, o->ifindex, o->mac);
	while (v[i].ifindex)
		i = next(cap, i);
	v[i] = *o;
}

/* Move old slots to the new array: at least `budget` of them, then on to the end of the cluster
 * under way (an empty slot); frees the old array once every slot is moved. */
static void migrate(struct mac_tab *t, size_t budget)
{
	while (t->old && t->mig_done < t->old_cap) {
		size_t i = t->mig_at;
		if (budget == 0 && !t->old[i].ifindex)
			return; /* a cluster boundary: the slots left hold whole clusters */
		if (t->old[i].ifindex) {
			place(t->e, t->cap, t->seed, &t->old[i]);
			memset(&t->old[i], 0, sizeof t->old[i]);
		}
		t->mig_at = next(t->old_cap, i);
		t->mig_done++;
		if (budget)
			budget--;
	}
	if (t->old) {
		free(t->old);
		t->old = NULL;
		t->old_cap = 0;
		t->layout++;
	}
}

/* The table's next size: a power of two grows by half, one and a half times one to the next power
 * of two. */
static size_t cap_next(size_t cap)
{
	return !cap ? MIN_CAP : (cap & (cap - 1)) ? cap / 3 * 4 : cap + cap / 2;
}

/* At once: every entry into a new array of cap slots (no migration under way). */
static int resize(struct mac_tab *t, size_t cap)
{
	struct mac_ent *v = calloc(cap, sizeof *v);

	if (!v)
		return -1;
	for (size_t j = 0; j < t->cap; j++)
		if (t->e[j].ifindex)
			place(v, cap, t->seed, &t->e[j]);
	free(t->e);
	t->e = v;
	t->cap = cap;
	t->layout++;
	return 0;
}

/* Start a migration into a new array one size up (the last one finished first). */
static int grow(struct mac_tab *t)
{
	migrate(t, SIZE_MAX);
	if (t->cap < MIN_CAP * 16)
		return resize(t, cap_next(t->cap)); /* small: at once is cheaper */
	size_t cap = cap_next(t->cap);
	struct mac_ent *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	/* start just after an empty slot, so no cluster is split at the start (one exists: load is
	 * at most 3/4) */
	size_t s = 0;
	while (t->e[s].ifindex)
		s++;
	t->old = t->e;
	t->old_cap = t->cap;
	t->mig_at = next(t->old_cap, s);
	t->mig_done = 0;
	t->e = v;
	t->cap = cap;
	t->layout++;
	return 0;
}

int mac_tab_reserve(struct mac_tab *t, size_t n)
{
	size_t cap = t->cap;

	migrate(t, SIZE_MAX);
	while (n * 4 > cap * 3)
		cap = cap_next(cap);
	return cap == t->cap ? 0 : resize(t, cap);
}

struct mac_ent *mac_tab_put(struct mac_tab *t, int ifindex, const uint8_t mac[6], bool *created)
{
	struct mac_ent *e = mac_tab_get(t, ifindex, mac);
	*created = false;
	if (e)
		return e;
	if (ifindex == 0)
		return NULL;
	migrate(t, MIGRATE_STEP);
	if ((t->n + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return NULL;
	size_t i = home(t->cap, t->seed, ifindex, mac);
	while (t->e[i].ifindex)
		i = next(t->cap, i);
	e = &t->e[i];
	memset(e, 0, sizeof *e);
	e->ifindex = ifindex;
	memcpy(e->mac, mac, 6);
	t->n++;
	*created = true;
	return e;
}

/* Backward shift: move later members of the probe run into the hole when their home slot is not
 * cyclically between the hole and their position. Stays inside the entry's cluster, so a
 * migration's unmoved clusters stay whole. */
static void remove_at(struct mac_ent *v, size_t cap, uint32_t seed, size_t i)
{
	size_t j = i;

	for (;;) {
		j = next(cap, j);
		if (!v[j].ifindex)
			break;
		size_t h = home(cap, seed, v[j].ifindex, v[j].mac);
		bool stay = i <= j ? (i < h && h <= j) : (i < h || h <= j);
		if (stay)
			continue;
		v[i] = v[j];
		i = j;
	}
	memset(&v[i], 0, sizeof v[i]);
}

void mac_tab_del(struct mac_tab *t, struct mac_ent *e)
{
	if (t->old && e >= t->old && e < t->old + t->old_cap)
		remove_at(t->old, t->old_cap, t->seed, (size_t)(e - t->old));
	else
		remove_at(t->e, t->cap, t->seed, (size_t)(e - t->e));
	t->n--;
	migrate(t, MIGRATE_STEP);
}

const struct mac_ent *mac_tab_next(const struct mac_tab *t, size_t *pos)
{
	/* positions: the old array's slots first, then the new one's */
	for (; *pos < t->old_cap; (*pos)++)
		if (t->old[*pos].ifindex)
			return &t->old[(*pos)++];
	for (; *pos < t->old_cap + t->cap; (*pos)++)
		if (t->e[*pos - t->old_cap].ifindex)
			return &t->e[(*pos)++ - t->old_cap];
	return NULL;
}

unsigned mac_tab_layout(const struct mac_tab *t)
{
	return t->layout;
}

void mac_tab_walk(struct mac_tab *t, bool (*cb)(void *ctx, struct mac_ent *e), void *ctx)
{
	/* a whole walk costs as much as the rest of the migration: finish it, then walk one array.
	 * Deleting shifts later entries backward, possibly into the slot just visited: revisit it.
	 * An entry wrapped from the table's start to its end could be seen twice; callers'
	 * callbacks are idempotent for that reason. */
	migrate(t, SIZE_MAX);
	for (size_t i = 0; i < t->cap; i++) {
		while (t->e[i].ifindex && cb(ctx, &t->e[i])) {
			remove_at(t->e, t->cap, t->seed, i);
			t->n--;
		}
	}
}
