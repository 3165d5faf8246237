/* SPDX-License-Identifier: Apache-2.0 */
/* Paths per family and count key (EVPN: VNI), kept as paths come and go: the metrics read them in
 * O(keys) instead of walking a million paths (a scrape held the loop for 0.36 s at 1M). */
#include <stdlib.h>
#include <string.h>

#include "rib_int.h"

static struct rib_vcount *vslot(struct rib_vcount *t, size_t cap, uint32_t key)
{
	size_t i = (key * 2654435761u) & (cap - 1);
	while (t[i].key && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int vgrow(struct rib_counts *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 16;
	struct rib_vcount *nt = calloc(ncap, sizeof *nt);
	if (!nt)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->t[i].key)
			*vslot(nt, ncap, c->t[i].key) = c->t[i];
	free(c->t);
	c->t = nt;
	c->cap = ncap;
	return 0;
}

void rib_count_path(struct rib *rib, int fam, const uint8_t *nlri, size_t len,
		    const struct attrs *a, int delta)
{
	struct rib_counts *c = &rib->cnt[fam];
	uint32_t key = 0;

	c->total += (uint64_t)(int64_t)delta;
	if (!family_table[fam].count_key || family_table[fam].count_key(nlri, len, a, &key) < 0)
		key = 0;
	if (key) {
		struct rib_vcount *v = c->cap ? vslot(c->t, c->cap, key) : NULL;
		if (delta > 0 && (!v || !v->key) && (c->used + 1) * 2 > c->cap) {
			if (vgrow(c) == 0)
				v = vslot(c->t, c->cap, key);
			else
				v = NULL; /* out of memory: counted without its key */
		}
		if (v && (v->key || delta > 0) && (delta > 0 || v->n > 0)) {
			if (!v->key) {
				v->key = key;
				c->used++;
			}
			v->n += (uint64_t)(int64_t)delta;
			return;
		}
	}
	c->nokey += (uint64_t)(int64_t)delta;
}

void rib_path_counts(const struct rib *rib, int fam,
		     void (*cb)(void *ctx, bool has_key, uint32_t key, uint64_t n), void *ctx)
{
	const struct rib_counts *c;

	if (fam < 0 || fam >= FAM_COUNT)
		return;
	c = &rib->cnt[fam];
	for (size_t i = 0; i < c->cap; i++)
		if (c->t[i].key && c->t[i].n)
			cb(ctx, true, c->t[i].key, c->t[i].n);
	if (c->nokey)
		cb(ctx, false, 0, c->nokey);
}

uint64_t rib_path_total(const struct rib *rib, int fam)
{
	return fam >= 0 && fam < FAM_COUNT ? rib->cnt[fam].total : 0;
}

void rib_counts_free(struct rib *rib)
{
	for (int f = 0; f < FAM_COUNT; f++) {
		free(rib->cnt[f].t);
		memset(&rib->cnt[f], 0, sizeof rib->cnt[f]);
	}
}
