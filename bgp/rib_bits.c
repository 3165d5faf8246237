/* SPDX-License-Identifier: Apache-2.0 */
/* Adj-RIB-Out: which neighbors hold each route, as a bitmap per neighbor over dense route ids. */
#include <stdlib.h>
#include <string.h>

#include "rib_int.h"

bool rib_bit_test(const struct rib *rib, const struct rib_entry *e, unsigned slot)
{
	const struct rib_slot *sl = &rib->slots[slot];
	size_t w = e->id / 64;
	return w < sl->out_words && ((sl->out[w] >> (e->id % 64)) & 1);
}

int rib_bit_set(struct rib *rib, struct rib_entry *e, unsigned slot)
{
	struct rib_slot *sl = &rib->slots[slot];
	size_t w = e->id / 64;
	uint64_t bit = 1ull << (e->id % 64);
	if (w >= sl->out_words) {
		/* to the ids handed out so far and an eighth more: doubling left a thousand peers'
		 * bitmaps up to half empty (scripts/bench.sh --rr), a growth per route would copy each
		 * one N times */
		size_t need = ((size_t)rib->ids.next + 63) / 64;
		if (need <= w)
			need = w + 1;
		size_t n = need + need / 8 + 4;
		uint64_t *v = realloc(sl->out, n * sizeof *v);
		if (!v)
			return -1;
		memset(v + sl->out_words, 0, (n - sl->out_words) * sizeof *v);
		sl->out = v;
		sl->out_words = n;
	}
	if (!(sl->out[w] & bit)) {
		sl->out[w] |= bit;
		e->nout++;
	}
	return 0;
}

void rib_bit_clear(struct rib *rib, struct rib_entry *e, unsigned slot)
{
	struct rib_slot *sl = &rib->slots[slot];
	size_t w = e->id / 64;
	uint64_t bit = 1ull << (e->id % 64);
	if (w < sl->out_words && (sl->out[w] & bit)) {
		sl->out[w] &= ~bit;
		e->nout--;
	}
}

int rib_id_take(struct rib_ids *ids, uint32_t *id)
{
	if (ids->nfree) {
		*id = ids->free[--ids->nfree];
		return 0;
	}
	if (ids->next == UINT32_MAX)
		return -1;
	*id = ids->next++;
	return 0;
}

void rib_id_give(struct rib_ids *ids, uint32_t id)
{
	if (ids->nfree == ids->cap) {
		size_t n = ids->cap ? ids->cap * 2 : 1024;
		uint32_t *v = realloc(ids->free, n * sizeof *v);
		if (!v)
			return;
		ids->free = v;
		ids->cap = n;
	}
	ids->free[ids->nfree++] = id;
}
