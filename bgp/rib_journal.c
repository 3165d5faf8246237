/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change journal: every flush's changed routes, in order, kept while a peer that fell behind
 * still has to read them. A behind peer's pass then visits what changed after its `since` and
 * nothing else, where a table pass walks every source's paths and every table slot: a reflector's
 * thousand clients falling behind during a burst each walked the whole table, pass after pass
 * (scripts/bench.sh --rr).
 */
#include <stdlib.h>
#include <string.h>

#include "rib_int.h"

/* The journal keeps up to this many items, or as many as the tables hold routes if that is more:
 * past that a table pass (two walks of the routes: sources and table) costs less than reading it. */
#define JOURNAL_MIN 65536

static size_t live(const struct rib_journal *j)
{
	return j->n - j->head;
}

/* Hand e over to be freed if nothing wants it any more: the last item naming it left. */
static void item_gone(struct rib *rib, const struct rib_jitem *it, rib_gone_fn gone)
{
	struct rib_entry *e = it->e;
	if (it->seq == e->mod && !e->dirty && !e->paths && !rib_bits_any(e))
		gone(rib, e);
}

/* Drop the items before position k of the array: those of the changes up to seq lo (a flush's
 * boundary, where k is). */
static void drop_to(struct rib *rib, size_t k, uint32_t lo, rib_gone_fn gone)
{
	struct rib_journal *j = &rib->journal;
	size_t from = j->head;

	/* first out of the journal, then freed: the freeing asks rib_journal_holds */
	j->head = k;
	j->lo = lo;
	for (size_t i = from; i < k; i++)
		item_gone(rib, &j->v[i], gone);
	if (j->head == j->n) {
		j->base += j->n;
		j->head = j->n = 0;
		if (j->cap > JOURNAL_MIN) {
			/* a bulk change's items are not kept for the next few */
			free(j->v);
			j->v = NULL;
			j->cap = 0;
		}
	} else if (j->head > j->n / 2 && j->head >= 1024) {
		memmove(j->v, j->v + j->head, live(j) * sizeof *j->v);
		j->base += j->head;
		j->n -= j->head;
		j->head = 0;
	}
}

static void drop_all(struct rib *rib, rib_gone_fn gone)
{
	rib->journal.hi = rib->seq;
	drop_to(rib, rib->journal.n, rib->seq, gone);
}

static size_t limit(const struct rib *rib)
{
	size_t n = 0;
	for (int f = 0; f < FAM_COUNT; f++)
		n += rib->t[f].n;
	return n > JOURNAL_MIN ? n : JOURNAL_MIN;
}

void rib_journal_append(struct rib *rib, rib_gone_fn gone)
{
	struct rib_journal *j = &rib->journal;

	if (rib->dirty_lost || live(j) + rib->ndirty > limit(rib)) {
		drop_all(rib, gone); /* what is missing or too much goes by table passes */
		return;
	}
	if (j->n + rib->ndirty > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->n + rib->ndirty)
			cap *= 2;
		struct rib_jitem *v = realloc(j->v, cap * sizeof *v);
		if (!v) {
			drop_all(rib, gone);
			return;
		}
		j->v = v;
		j->cap = cap;
	}
	for (size_t i = 0; i < rib->ndirty; i++) {
		struct rib_entry *e = rib->dirty[i];
		/* changes only: a reap queued an entry without one */
		if (seq_after(e->mod, j->hi))
			j->v[j->n++] = (struct rib_jitem){ e, e->mod };
	}
	j->hi = rib->seq;
}

bool rib_journal_covers(const struct rib *rib, uint32_t since)
{
	return !seq_after(rib->journal.lo, since);
}

size_t rib_journal_find(const struct rib *rib, uint32_t since)
{
	const struct rib_journal *j = &rib->journal;
	size_t lo = j->head, hi = j->n;

	/* items are in flush order and a flush's seqs all follow the last one's: "after since" is
	 * true from some position on */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (seq_after(j->v[mid].seq, since))
			hi = mid;
		else
			lo = mid + 1;
	}
	return j->base + lo;
}

size_t rib_journal_first(const struct rib *rib)
{
	return rib->journal.base + rib->journal.head;
}

size_t rib_journal_end(const struct rib *rib)
{
	return rib->journal.base + rib->journal.n;
}

struct rib_entry *rib_journal_at(const struct rib *rib, size_t pos)
{
	const struct rib_jitem *it = &rib->journal.v[pos - rib->journal.base];
	/* an entry changed again has a later item: this one is stale */
	return it->seq == it->e->mod ? it->e : NULL;
}

bool rib_journal_holds(const struct rib *rib, const struct rib_entry *e)
{
	const struct rib_journal *j = &rib->journal;
	return live(j) && seq_after(e->mod, j->lo) && !seq_after(e->mod, j->hi);
}

void rib_journal_trim(struct rib *rib, uint32_t need, rib_gone_fn gone)
{
	const struct rib_journal *j = &rib->journal;
	if (!live(j))
		return;
	if (!seq_after(need, j->lo))
		return;
	drop_to(rib, rib_journal_find(rib, need) - j->base, need, gone);
}

void rib_journal_free(struct rib *rib)
{
	free(rib->journal.v);
	memset(&rib->journal, 0, sizeof rib->journal);
}
