/* SPDX-License-Identifier: Apache-2.0 */
/* The RIB's per-family open-addressing tables of routes (rib_int.h): linear probing, backward-shift
 * deletion, home slot by multiplication so the capacity can be 2^k or 1.5 * 2^k. A growth moves
 * the entries over a few clusters per insert or removal instead of all at once (at a million routes
 * a rehash held the loop for a tenth of a second and more). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "family.h"
#include "rib_int.h"

#define TABLE_MIN 64

/* FNV-1a, folded to 32 bits: keys are short and mostly differ in their last bytes (MACs). */
uint32_t rib_key_hash(const uint8_t *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

int rib_table_init(struct rib_table *t)
{
	t->slots = calloc(TABLE_MIN, sizeof *t->slots);
	t->hashes = calloc(TABLE_MIN, sizeof *t->hashes);
	t->cap = TABLE_MIN;
	t->n = t->routes = 0;
	return t->slots && t->hashes ? 0 : -1;
}

/* A hash's home slot in a table of cap slots: by multiplication, so cap need not be a power of two
 * (it goes 64, 96, 128, 192, ...: a million routes take 1.5 M slots, not 2 M; docs/memory.md). */
static size_t home_of(uint32_t h, size_t cap)
{
	return (size_t)((uint64_t)h * cap >> 32);
}

static size_t slot_next(size_t cap, size_t i)
{
	return i + 1 == cap ? 0 : i + 1;
}

/* The table's next size: a power of two grows by half, one and a half times one to the next power
 * of two. */
static size_t cap_next(size_t cap)
{
	return (cap & (cap - 1)) ? cap / 3 * 4 : cap + cap / 2;
}

/* Place entry x with hash h (not present) in the arrays sl/hs of cap slots. */
static void place(struct rib_entry **sl, uint32_t *hs, size_t cap, struct rib_entry *x, uint32_t h)
{
	size_t j = home_of(h, cap);
	while (sl[j])
		j = slot_next(cap, j);
	sl[j] = x;
	hs[j] = h;
}

/* At once: every entry into new arrays of cap slots (no migration under way). */
static int resize(struct rib_table *t, size_t cap)
{
	struct rib_entry **sl = calloc(cap, sizeof *sl);
	uint32_t *hs = calloc(cap, sizeof *hs);
	if (!sl || !hs) {
		free(sl);
		free(hs);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			place(sl, hs, cap, t->slots[i], t->hashes[i]);
	free(t->slots);
	free(t->hashes);
	t->slots = sl;
	t->hashes = hs;
	t->cap = cap;
	return 0;
}

size_t rib_table_migrate(struct rib_table *t, size_t budget)
{
	while (t->old_slots && t->mig_done < t->old_cap) {
		size_t i = t->mig_at;
		if (budget == 0 && !t->old_slots[i])
			return 0; /* a cluster boundary: the slots left hold whole clusters */
		if (t->old_slots[i]) {
			place(t->slots, t->hashes, t->cap, t->old_slots[i], t->old_hashes[i]);
			t->old_slots[i] = NULL;
		}
		t->mig_at = slot_next(t->old_cap, i);
		t->mig_done++;
		if (budget)
			budget--;
	}
	if (!t->old_slots)
		return 0;
	size_t was = t->old_cap;
	free(t->old_slots);
	free(t->old_hashes);
	t->old_slots = NULL;
	t->old_hashes = NULL;
	t->old_cap = 0;
	return was;
}

int rib_table_grow(struct rib_table *t)
{
	size_t cap = cap_next(t->cap);

	if (t->old_slots)
		return -1; /* the caller ends a migration first */
	if (t->cap < TABLE_MIN * 16)
		return resize(t, cap) < 0 ? -1 : 1; /* small: at once is cheaper */
	struct rib_entry **sl = calloc(cap, sizeof *sl);
	uint32_t *hs = calloc(cap, sizeof *hs);
	if (!sl || !hs) {
		free(sl);
		free(hs);
		return -1;
	}
	/* start just after an empty slot (load is at most 3/4), so no cluster is split there */
	size_t s = 0;
	while (t->slots[s])
		s++;
	t->old_slots = t->slots;
	t->old_hashes = t->hashes;
	t->old_cap = t->cap;
	t->mig_at = slot_next(t->cap, s);
	t->mig_done = 0;
	t->slots = sl;
	t->hashes = hs;
	t->cap = cap;
	return 0;
}

int rib_table_reserve(struct rib_table *t, size_t n)
{
	size_t cap = t->cap;

	while (n * 4 > cap * 3)
		cap = cap_next(cap);
	return cap == t->cap ? 0 : resize(t, cap);
}

static struct rib_entry *find_in(struct rib_entry *const *sl, const uint32_t *hs, size_t cap,
				 int fam, uint32_t h, const uint8_t *key, size_t klen)
{
	uint8_t ek[NLRI_KEY_MAX];
	for (size_t i = home_of(h, cap);; i = slot_next(cap, i)) {
		struct rib_entry *e = sl[i];
		if (!e)
			return NULL;
		if (hs[i] != h)
			continue;
		size_t elen = family_table[fam].key(e->nlri, e->len, ek);
		if (elen == klen && memcmp(ek, key, klen) == 0)
			return e;
	}
}

struct rib_entry *rib_table_find(const struct rib_table *t, int fam, uint32_t h,
				    const uint8_t *key, size_t klen)
{
	struct rib_entry *e = find_in(t->slots, t->hashes, t->cap, fam, h, key, klen);
	if (e || !t->old_slots)
		return e;
	return find_in(t->old_slots, t->old_hashes, t->old_cap, fam, h, key, klen);
}

void rib_table_insert(struct rib_table *t, struct rib_entry *e, uint32_t h)
{
	size_t i = home_of(h, t->cap);
	while (t->slots[i])
		i = slot_next(t->cap, i);
	t->slots[i] = e;
	t->hashes[i] = h;
	t->n++;
}

/* Backward-shift deletion keeps probe chains unbroken without tombstones; it stays inside the
 * entry's cluster, so a migration's unmoved clusters stay whole. Returns the lowest slot an entry
 * moved into (SIZE_MAX: none moved), for the walks that must not skip it; -1 when e is not there. */
static ssize_t remove_in(struct rib_entry **sl, uint32_t *hs, size_t cap, struct rib_entry *e,
			 uint32_t h, size_t *lo)
{
	size_t i = home_of(h, cap);
	while (sl[i] != e) {
		if (!sl[i])
			return -1;
		i = slot_next(cap, i);
	}
	for (size_t j = slot_next(cap, i); sl[j]; j = slot_next(cap, j)) {
		size_t home = home_of(hs[j], cap);
		/* move j back into the hole at i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			sl[i] = sl[j];
			hs[i] = hs[j];
			if (i < *lo)
				*lo = i;
			i = j;
		}
	}
	sl[i] = NULL;
	return 0;
}

size_t rib_table_remove(struct rib_table *t, struct rib_entry *e, uint32_t h)
{
	size_t lo = SIZE_MAX;
	if (remove_in(t->slots, t->hashes, t->cap, e, h, &lo) == 0) {
		t->n--;
		return lo == SIZE_MAX ? lo : lo + t->old_cap; /* positions: the old array's first */
	}
	if (t->old_slots && remove_in(t->old_slots, t->old_hashes, t->old_cap, e, h, &lo) == 0)
		t->n--;
	return lo;
}

struct rib_entry *rib_table_at(const struct rib_table *t, size_t pos)
{
	return pos < t->old_cap ? t->old_slots[pos] : t->slots[pos - t->old_cap];
}

size_t rib_table_span(const struct rib_table *t)
{
	return t->old_cap + t->cap;
}

void rib_table_free(struct rib_table *t)
{
	free(t->slots);
	free(t->hashes);
	free(t->old_slots);
	free(t->old_hashes);
	memset(t, 0, sizeof *t);
}
