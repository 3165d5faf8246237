/* SPDX-License-Identifier: Apache-2.0 */
/* Adj-RIB-Out: turn changed routes into per-peer announcements and withdraws, packed into UPDATEs. */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "bgp_log.h"
#include "rib_int.h"

static int item_push(struct rib *rib, const struct attrs *a, struct rib_entry *e,
		     const uint8_t *nlri, uint16_t len, uint8_t fam)
{
	if (rib->nitems == rib->items_cap) {
		size_t n = rib->items_cap ? rib->items_cap * 2 : 256;
		struct out_item *v = realloc(rib->items, n * sizeof *v);
		if (!v)
			return -1;
		rib->items = v;
		rib->items_cap = n;
	}
	struct out_item *it = &rib->items[rib->nitems];
	it->a = a;
	it->e = e;
	it->nlri = nlri;
	it->len = len;
	it->fam = fam;
	rib->nitems++;
	return 0;
}

/* Decide what p should hold for e now and queue it: an announcement whenever it is exported (the
 * route changed, or the table is being resent), a withdraw when it no longer is. */
static void consider(struct rib *rib, struct rib_peer *p, struct rib_entry *e)
{
	struct rib_path *b = e->paths;
	bool had = rib_bit_test(rib, e, p->slot);
	bool fam_ok = (p->fam_mask & FAM_BIT(e->fam)) != 0;
	enum exp_mode m = b && fam_ok ? rib_export_mode(path_src(rib, b), p) : EXP_NONE;

	if (m != EXP_NONE) {
		const struct attrs *ea = rib_export_attrs(rib, b->a, e->fam, path_src(rib, b), p, m);
		if (ea && (had || rib_bit_set(rib, e, p->slot) == 0)) {
			if (item_push(rib, ea, NULL, path_nlri(b), path_len(b), e->fam) == 0) {
				if (!had)
					p->advertised[e->fam]++;
				return;
			}
			if (!had)
				rib_bit_clear(rib, e, p->slot);
		}
		/* could not queue the new path: withdraw what the peer holds rather than leave it stale */
		had = rib_bit_test(rib, e, p->slot);
	}
	if (!had)
		return;
	if (!fam_ok) {
		rib_bit_clear(rib, e, p->slot);
		p->advertised[e->fam]--;
		return;
	}
	/* the bit stays until the withdraw is out (pack): one not sent is still owed, and a pass
	 * finds it by the bit */
	(void)item_push(rib, NULL, e, e->nlri, e->len, e->fam); /* failed: the next change retries */
}

/* Withdraws first, then by family and attribute set. */
static int key_cmp(const struct out_item *a, const struct out_item *b)
{
	if ((a->a == NULL) != (b->a == NULL))
		return a->a == NULL ? -1 : 1;
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	if (a->a != b->a)
		return (uintptr_t)a->a < (uintptr_t)b->a ? -1 : 1;
	return 0;
}

/* A run of queued items with one key; the runs of equal keys keep their queue order (`at`). */
struct item_run {
	size_t at, n;
};

static int run_cmp(const void *x, const void *y, void *ctx)
{
	const struct item_run *a = x, *b = y;
	const struct out_item *items = ctx;
	int c = key_cmp(&items[a->at], &items[b->at]);
	return c ? c : a->at < b->at ? -1 : 1;
}

/*
 * Group the queue by key, keeping the queue order within a key. Items come in runs of one key (a
 * source's routes share their attributes, a pass walks a source at a time), so the runs are sorted,
 * not the items: a flush toward a thousand peers sorted each one's items and spent a third of its
 * time there (scripts/bench.sh --rr). -1 on allocation failure (the queue is left as it was).
 */
static int group_items(struct rib *rib)
{
	size_t n = rib->nitems, nruns = 1, i;
	struct out_item *items = rib->items;

	for (i = 1; i < n && key_cmp(&items[i - 1], &items[i]) <= 0; i++)
		;
	if (i >= n)
		return 0; /* already in order: the usual pass */
	for (i = 1; i < n; i++)
		nruns += key_cmp(&items[i - 1], &items[i]) != 0;
	if (rib->alt_cap < rib->items_cap) {
		struct out_item *v = realloc(rib->items_alt, rib->items_cap * sizeof *v);
		if (!v)
			return -1;
		rib->items_alt = v;
		rib->alt_cap = rib->items_cap;
	}
	struct item_run *runs = malloc(nruns * sizeof *runs);
	if (!runs)
		return -1;
	size_t r = 0;
	runs[0].at = 0;
	for (i = 1; i < n; i++) {
		if (key_cmp(&items[i - 1], &items[i]) != 0) {
			runs[r].n = i - runs[r].at;
			runs[++r].at = i;
		}
	}
	runs[r].n = n - runs[r].at;
	qsort_r(runs, nruns, sizeof *runs, run_cmp, items);
	struct out_item *v = rib->items_alt;
	size_t o = 0;
	for (r = 0; r < nruns; r++) {
		memcpy(&v[o], &items[runs[r].at], runs[r].n * sizeof *v);
		o += runs[r].n;
	}
	free(runs);
	/* swap: the grouped queue becomes the queue, the old one the scratch */
	rib->items_alt = items;
	rib->items = v;
	size_t cap = rib->alt_cap;
	rib->alt_cap = rib->items_cap;
	rib->items_cap = cap;
	return 0;
}

/* Send the writer's current message if it holds anything. false when the peer went down. */
static bool emit(struct rib *rib, struct rib_peer *p)
{
	const uint8_t *msg;
	size_t n = update_finish(rib->uw, &msg);
	if (n) {
		p->send(p->ctx, msg, n);
		p->updates_out++;
	}
	return p->up;
}

enum pack_rc { PACK_DONE, PACK_DOWN, PACK_STOPPED };

/* The message holding items [from, to) went out: their withdraws are done. */
static void sent(struct rib *rib, struct rib_peer *p, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		struct rib_entry *e = rib->items[k].e;
		if (e && rib_bit_test(rib, e, p->slot)) {
			rib_bit_clear(rib, e, p->slot);
			p->advertised[e->fam]--;
			if (!e->paths && !rib_bits_any(e))
				rib_entry_reap(rib, e); /* gone from its last peer: freed at the flush's end */
		}
	}
}

/* Pack the queued items into UPDATEs for p. may_stop: stop (PACK_STOPPED) at a message boundary
 * once p's backlog has reached RIB_OUT_HIGH; what was not sent is owed still (an announcement's
 * bit is set, a withdraw's not yet cleared) and the caller sends it by a pass. */
static enum pack_rc pack_some(struct rib *rib, struct rib_peer *p, bool may_stop)
{
	struct update_writer *uw = rib->uw;
	size_t i = 0, first_in_msg = 0;

	if (!rib->nitems)
		return PACK_DONE;
	if (group_items(rib) < 0) {
		bgp_log(LOG_ERR, "rib: out of memory grouping %zu routes for a peer; sent ungrouped",
			rib->nitems);
	}
	while (i < rib->nitems) {
		const struct out_item *first = &rib->items[i];
		unsigned max = family_table[first->fam].max_per_update;
		if (may_stop && rib_peer_congested(p))
			return PACK_STOPPED;
		if (first->a)
			update_begin_reach(uw, first->fam, first->a);
		else
			update_begin_unreach(uw, first->fam);
		first_in_msg = i;
		for (; i < rib->nitems; i++) {
			const struct out_item *it = &rib->items[i];
			if (it->a != first->a || it->fam != first->fam)
				break;
			int r = max && uw->count >= max ? 0 : update_add(uw, it->nlri, it->len);
			if (r == 0) {
				/* the message is full: out with it, then maybe stop before the next */
				if (!emit(rib, p))
					return PACK_DOWN;
				sent(rib, p, first_in_msg, i);
				first_in_msg = i;
				if (may_stop && rib_peer_congested(p)) {
					const uint8_t *unsent;
					(void)update_finish(uw, &unsent); /* the begun message, empty */
					return PACK_STOPPED;
				}
				r = update_add(uw, it->nlri, it->len);
			}
			if (r != 1)
				bgp_log(LOG_ERR, "rib: a %u-byte NLRI does not fit an UPDATE; not sent",
					(unsigned)it->len);
		}
		if (!emit(rib, p))
			return PACK_DOWN;
		sent(rib, p, first_in_msg, i);
	}
	return PACK_DONE;
}

static bool pack(struct rib *rib, struct rib_peer *p)
{
	return pack_some(rib, p, false) != PACK_DOWN;
}

#define STEP RIB_PASS_STEP
#define PASS_STEPS RIB_PASS_STEPS

/* Whether sl's pass is to consider e: everything of a family it sends whole, else a change since
 * what the peer has. */
static bool pass_wants(const struct rib_slot *sl, const struct rib_entry *e)
{
	return (sl->pass_full & FAM_BIT(e->fam)) || seq_after(e->mod, sl->since);
}

/* One step of sl's pass: up to STEP paths of the sources, or STEP table entries and at most
 * *slots table slots in all, into the item queue; *est grows by the NLRI bytes queued (what the
 * packing will at least write), *slots falls by the slots looked at. */
static void pass_step(struct rib *rib, struct rib_slot *sl, size_t *est, size_t *slots)
{
	struct rib_peer *p = sl->p;
	size_t n = 0, before = rib->nitems;

	if (sl->walk_journal && sl->jpos < rib_journal_first(rib)) {
		/* the journal was emptied under it (too big, or changes lost): the tables have them all */
		sl->walk_journal = false;
		sl->walk_src = 0;
	}
	while (sl->walk_journal && sl->jpos < sl->jend && n < STEP && *slots) {
		struct rib_entry *e = rib_journal_at(rib, sl->jpos++);
		--*slots;
		if (!e)
			continue; /* changed again: a later item has it */
		n++;
		if (p->fam_mask & FAM_BIT(e->fam))
			consider(rib, p, e);
	}
	if (sl->walk_journal && sl->jpos == sl->jend)
		sl->pass_left = 0;
	while (!sl->walk_journal && !sl->walk_tables && n < STEP) {
		struct rib_path *x;
		if (!sl->walk_started) {
			sl->walk_path = sl->walk_src < rib->slot_hi ? rib->slots[sl->walk_src].paths : NULL;
			sl->walk_started = true;
		}
		x = sl->walk_path;
		if (!x) {
			sl->walk_started = false;
			if (++sl->walk_src >= rib->slot_hi) {
				sl->walk_tables = true;
				sl->walk_idx = 0;
				if (sl->pass_left)
					sl->walk_fam = (uint8_t)__builtin_ctz(sl->pass_left);
			}
			continue;
		}
		sl->walk_path = x->src_next;
		n++;
		/* a route once: from the source of its best path */
		if (x->entry->paths == x && (p->fam_mask & FAM_BIT(x->entry->fam)) &&
		    pass_wants(sl, x->entry))
			consider(rib, p, x->entry);
	}
	while (sl->walk_tables && sl->pass_left && n < STEP && *slots) {
		const struct rib_table *t = &rib->t[sl->walk_fam];
		while (sl->walk_idx < rib_table_span(t) && n < STEP && *slots) {
			struct rib_entry *e = rib_table_at(t, sl->walk_idx++);
			--*slots;
			if (!e || e->paths)
				continue; /* routes with a path: the sources' part had them */
			n++;
			if (pass_wants(sl, e))
				consider(rib, p, e);
		}
		if (sl->walk_idx >= rib_table_span(t)) {
			sl->pass_left &= ~FAM_BIT(sl->walk_fam);
			sl->walk_idx = 0;
			if (sl->pass_left)
				sl->walk_fam = (uint8_t)__builtin_ctz(sl->pass_left);
		}
	}
	for (size_t k = before; k < rib->nitems; k++)
		*est += rib->items[k].len;
}

/* The queued items of a pass go out; the pass ends if it walked its last family. false when the
 * peer went down. */
static bool pass_pack(struct rib *rib, struct rib_slot *sl)
{
	bool alive = pack(rib, sl->p);
	rib->nitems = 0;
	if (alive && sl->passing && !sl->pass_left) {
		/* every change up to the pass's start is out; End-of-RIB may follow a whole family */
		sl->passing = false;
		sl->since = sl->pass_target;
		sl->eor_ready |= sl->pass_full;
		sl->behind = seq_after(rib->seq, sl->since);
	}
	return alive;
}

static void pass_start(struct rib *rib, struct rib_slot *sl)
{
	sl->passing = true;
	sl->pass_full = sl->full_mask & sl->p->fam_mask;
	sl->full_mask = 0;
	sl->pass_left = sl->p->fam_mask & FAM_ALL;
	sl->pass_target = rib->seq;
	sl->walk_tables = sl->walk_started = false;
	sl->walk_src = 0;
	sl->walk_path = NULL;
	sl->walk_idx = 0;
	/* changes only, and the journal has them all: read them there */
	sl->walk_journal = !sl->pass_full && rib_journal_covers(rib, sl->since);
	if (sl->walk_journal) {
		sl->jpos = rib_journal_find(rib, sl->since);
		sl->jend = rib_journal_end(rib);
	}
}

/* This flush's changes to p while it keeps up: false when it fell behind (the rest, and what
 * follows, go by a pass: `since` stays) or went down (sl->p->up). */
static bool send_changes(struct rib *rib, struct rib_slot *sl)
{
	struct rib_peer *p = sl->p;
	enum pack_rc rc;

	rib->nitems = 0;
	for (size_t i = 0; i < rib->ndirty; i++)
		consider(rib, p, rib->dirty[i]);
	rc = pack_some(rib, p, true);
	rib->nitems = 0;
	if (rc == PACK_DONE)
		sl->since = rib->seq;
	else if (rc == PACK_STOPPED)
		sl->behind = true;
	return rc == PACK_DONE;
}

static void flush_peer(struct rib *rib, struct rib_slot *sl)
{
	struct rib_peer *p = sl->p;

	sl->full_mask &= p->fam_mask;
	if (!sl->passing) {
		/* a peer that keeps up gets the changes now; one owed a whole family or behind gets
		 * them by the pass (a change it would get twice otherwise) */
		if (sl->full_mask)
			sl->behind = true;
		if (!sl->behind && rib->ndirty && !send_changes(rib, sl) && !p->up)
			return;
		if ((sl->behind || sl->full_mask) && !rib_peer_congested(p))
			pass_start(rib, sl);
	}
	/* steps are packed together until they hold about RIB_OUT_HIGH of routes (packing many of
	 * one attribute set into each UPDATE), then the backlog is looked at again */
	size_t est = 0, slots = RIB_PASS_SLOTS;
	rib->nitems = 0;
	for (int i = 0; i < PASS_STEPS && slots && sl->pass_left && (i || !rib_peer_congested(p));
	     i++) {
		pass_step(rib, sl, &est, &slots);
		if (est >= RIB_OUT_HIGH || !sl->pass_left || i == PASS_STEPS - 1 || !slots) {
			if (!pass_pack(rib, sl))
				return;
			est = 0;
			if (rib_peer_congested(p))
				break;
		}
	}
	if (sl->passing && !sl->pass_left && !pass_pack(rib, sl))
		return;
	if (!sl->passing && !sl->behind && !sl->full_mask)
		p->need_full = false;
	if (rib->hold_eor || !(sl->eor_mask & sl->eor_ready))
		return;
	/* RFC 4724: End-of-RIB per family once the initial table is out */
	for (int f = 0; f < FAM_COUNT; f++) {
		if (!(sl->eor_mask & sl->eor_ready & p->fam_mask & FAM_BIT(f)))
			continue;
		uint8_t buf[64];
		size_t n = update_eor(buf, sizeof buf, f);
		if (n) {
			p->send(p->ctx, buf, n);
			p->updates_out++;
			if (!p->up)
				return;
		}
		sl->eor_mask &= ~FAM_BIT(f);
	}
}

/* The oldest change a peer still needs from the journal: the earliest `since` of those that can
 * read it there (one behind further goes by a table pass). rib->seq when none does. */
static uint32_t journal_need(const struct rib *rib)
{
	uint32_t need = rib->seq;
	for (size_t s = 0; s < rib->slot_hi; s++) {
		const struct rib_slot *sl = &rib->slots[s];
		const struct rib_peer *p = sl->p;
		if (!p || !p->up || p->kind == SRC_LOCAL || !p->send)
			continue;
		uint32_t x = sl->passing && !sl->walk_journal ? sl->pass_target : sl->since;
		if (rib_journal_covers(rib, x) && seq_after(need, x))
			need = x;
	}
	return need;
}

void rib_flush(struct rib *rib)
{
	rib_journal_append(rib, rib_entry_free);
	/*
	 * Peer by peer, so only one peer's queue exists at a time. p->send() must only queue bytes: a
	 * session that drops inside it is noticed (p->up) and its packing stops.
	 */
	for (size_t s = 0; s < rib->slot_hi; s++) {
		struct rib_slot *sl = &rib->slots[s];
		struct rib_peer *p = sl->p;
		if (!p || !p->up || p->kind == SRC_LOCAL || !p->send)
			continue;
		if (rib->dirty_lost)
			sl->behind = true; /* some changes are not in rib->dirty: a pass finds them */
		flush_peer(rib, sl);
	}
	rib_export_memo_clear(rib);
	rib->dirty_lost = false;

	/* before the dirty list's frees: the trim leaves those queued there to it */
	rib_journal_trim(rib, journal_need(rib), rib_entry_free);
	for (size_t i = 0; i < rib->ndirty; i++) {
		struct rib_entry *e = rib->dirty[i];
		e->dirty = 0;
		if (!e->paths && !rib_bits_any(e))
			rib_entry_free(rib, e);
	}
	rib->ndirty = 0;
	if (rib->dirty_cap > 65536) {
		/* a bulk change's vector is not kept for the next few */
		free(rib->dirty);
		rib->dirty = NULL;
		rib->dirty_cap = 0;
	}
}
