/* The RIB's per-family open-addressing tables of routes (rib_int.h): linear probing, backward-shift
 * deletion, home slot by multiplication so the capacity can be 2^k or 1.5 * 2^k. */
#include <stdlib.h>
#include <string.h>

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

static size_t slot_next(const struct rib_table *t, size_t i)
{
	return i + 1 == t->cap ? 0 : i + 1;
}

/* The table's next size: a power of two grows by half, one and a half times one to the next power
 * of two. */
static size_t cap_next(size_t cap)
{
	return (cap & (cap - 1)) ? cap / 3 * 4 : cap + cap / 2;
}

static int resize(struct rib_table *t, size_t cap)
{
	struct rib_table n = { .cap = cap, .n = t->n, .routes = t->routes };
	n.slots = calloc(n.cap, sizeof *n.slots);
	n.hashes = calloc(n.cap, sizeof *n.hashes);
	if (!n.slots || !n.hashes) {
		free(n.slots);
		free(n.hashes);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i])
			continue;
		size_t j = home_of(t->hashes[i], n.cap);
		while (n.slots[j])
			j = slot_next(&n, j);
		n.slots[j] = t->slots[i];
		n.hashes[j] = t->hashes[i];
	}
	free(t->slots);
	free(t->hashes);
	*t = n;
	return 0;
}

int rib_table_grow(struct rib_table *t)
{
	return resize(t, cap_next(t->cap));
}

int rib_table_reserve(struct rib_table *t, size_t n)
{
	size_t cap = t->cap;

	while (n * 4 > cap * 3)
		cap = cap_next(cap);
	return cap == t->cap ? 0 : resize(t, cap);
}

struct rib_entry *rib_table_find(const struct rib_table *t, int fam, uint32_t h,
				    const uint8_t *key, size_t klen)
{
	uint8_t ek[NLRI_KEY_MAX];
	for (size_t i = home_of(h, t->cap);; i = slot_next(t, i)) {
		struct rib_entry *e = t->slots[i];
		if (!e)
			return NULL;
		if (t->hashes[i] != h)
			continue;
		size_t elen = family_table[fam].key(e->nlri, e->len, ek);
		if (elen == klen && memcmp(ek, key, klen) == 0)
			return e;
	}
}

void rib_table_insert(struct rib_table *t, struct rib_entry *e)
{
	size_t i = home_of(e->hash, t->cap);
	while (t->slots[i])
		i = slot_next(t, i);
	t->slots[i] = e;
	t->hashes[i] = e->hash;
	t->n++;
}

/* Backward-shift deletion keeps probe chains unbroken without tombstones. Returns the lowest slot
 * an entry moved into (SIZE_MAX: none moved), for the walks that must not skip it. */
size_t rib_table_remove(struct rib_table *t, struct rib_entry *e)
{
	size_t i = home_of(e->hash, t->cap), lo = SIZE_MAX;
	while (t->slots[i] != e) {
		if (!t->slots[i])
			return lo; /* not in the table: nothing to do */
		i = slot_next(t, i);
	}
	for (size_t j = slot_next(t, i); t->slots[j]; j = slot_next(t, j)) {
		size_t home = home_of(t->hashes[j], t->cap);
		/* move j back into the hole at i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			t->slots[i] = t->slots[j];
			t->hashes[i] = t->hashes[j];
			if (i < lo)
				lo = i;
			i = j;
		}
	}
	t->slots[i] = NULL;
	t->n--;
	return lo;
}
