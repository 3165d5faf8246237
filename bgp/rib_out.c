/* Adj-RIB-Out: turn changed routes into per-peer announcements and withdraws, packed into UPDATEs. */
#include <stdlib.h>
#include <string.h>

#include "bgp_log.h"
#include "rib_int.h"

static int item_push(struct rib *rib, const struct attrs *a, const uint8_t *nlri, uint16_t len,
		     uint8_t fam)
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
	it->nlri = nlri;
	it->len = len;
	it->fam = fam;
	it->seq = (uint32_t)rib->nitems++;
	return 0;
}

/* Decide what p should hold for e now and queue it: an announcement whenever it is exported (the
 * route changed, or the table is being resent), a withdraw when it no longer is. */
static void consider(struct rib *rib, struct rib_peer *p, struct rib_entry *e)
{
	struct rib_path *b = e->paths;
	bool had = rib_bit_test(e, p->slot);
	bool fam_ok = (p->fam_mask & FAM_BIT(e->fam)) != 0;
	enum exp_mode m = b && fam_ok ? rib_export_mode(b->src, p) : EXP_NONE;

	if (m != EXP_NONE) {
		const struct attrs *ea = rib_export_attrs(rib, b->a, b->src, p, m);
		if (ea && (had || rib_bit_set(e, p->slot) == 0)) {
			if (item_push(rib, ea, b->nlri, b->len, e->fam) == 0) {
				if (!had)
					p->advertised[e->fam]++;
				return;
			}
			if (!had)
				rib_bit_clear(e, p->slot);
		}
		/* could not queue the new path: withdraw what the peer holds rather than leave it stale */
		had = rib_bit_test(e, p->slot);
	}
	if (!had)
		return;
	if (fam_ok && item_push(rib, NULL, e->nlri, e->len, e->fam) < 0)
		return; /* keep the bit: the next change of the route retries */
	rib_bit_clear(e, p->slot);
	p->advertised[e->fam]--;
}

/* Withdraws first, then by family and attribute set; seq keeps the queue order within a group. */
static int item_cmp(const void *x, const void *y)
{
	const struct out_item *a = x, *b = y;
	if ((a->a == NULL) != (b->a == NULL))
		return a->a == NULL ? -1 : 1;
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	if (a->a != b->a)
		return (uintptr_t)a->a < (uintptr_t)b->a ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
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

static bool pack(struct rib *rib, struct rib_peer *p)
{
	struct update_writer *uw = rib->uw;
	size_t i = 0;

	if (!rib->nitems)
		return true;
	qsort(rib->items, rib->nitems, sizeof *rib->items, item_cmp);
	while (i < rib->nitems) {
		const struct out_item *first = &rib->items[i];
		unsigned max = family_table[first->fam].max_per_update;
		if (first->a)
			update_begin_reach(uw, first->fam, first->a);
		else
			update_begin_unreach(uw, first->fam);
		for (; i < rib->nitems; i++) {
			const struct out_item *it = &rib->items[i];
			if (it->a != first->a || it->fam != first->fam)
				break;
			if (max && uw->count >= max && !emit(rib, p))
				return false;
			int r = update_add(uw, it->nlri, it->len);
			if (r == 0) {
				if (!emit(rib, p))
					return false;
				r = update_add(uw, it->nlri, it->len);
			}
			if (r != 1)
				bgp_log(LOG_ERR, "rib: a %u-byte NLRI does not fit an UPDATE; not sent",
					(unsigned)it->len);
		}
		if (!emit(rib, p))
			return false;
	}
	return true;
}

/* Entries a walk considers before it packs and looks at the peer's backlog again. */
#define WALK_STEP 512

/* One step of sl's table walk: up to WALK_STEP entries of its family; false when the peer went
 * down while they were packed. */
static bool walk_step(struct rib *rib, struct rib_slot *sl)
{
	struct rib_peer *p = sl->p;
	uint32_t full = sl->full_mask & p->fam_mask;
	size_t n = 0;

	if (!(full & FAM_BIT(sl->walk_fam))) {
		sl->walk_fam = (uint8_t)__builtin_ctz(full);
		sl->walk_idx = 0;
	}
	const struct rib_table *t = &rib->t[sl->walk_fam];
	while (sl->walk_idx < t->cap && n < WALK_STEP) {
		struct rib_entry *e = t->slots[sl->walk_idx++];
		if (e) {
			consider(rib, p, e);
			n++;
		}
	}
	if (sl->walk_idx >= t->cap) {
		sl->full_mask &= ~FAM_BIT(sl->walk_fam);
		sl->walk_idx = 0;
	}
	bool alive = pack(rib, p);
	rib->nitems = 0;
	return alive;
}

/* Whether sl's walk has yet to start on fam: it will visit every entry of fam. (A family's walk
 * that is not under way has walk_idx 0.) */
static bool walk_ahead(const struct rib_slot *sl, int fam)
{
	return (sl->full_mask & FAM_BIT(fam)) && (sl->walk_fam != fam || sl->walk_idx == 0);
}

static void flush_peer(struct rib *rib, struct rib_slot *sl)
{
	struct rib_peer *p = sl->p;

	/* every change, unless the walk has yet to start on its family; once under way the walk may
	 * be past it (a change ahead of it goes twice: harmless) */
	rib->nitems = 0;
	sl->full_mask &= p->fam_mask;
	for (struct rib_entry *e = rib->dirty_head; e; e = e->dirty_next)
		if (!walk_ahead(sl, e->fam))
			consider(rib, p, e);
	bool alive = pack(rib, p);
	rib->nitems = 0;
	if (!alive)
		return;
	/* a new session or a route refresh: the whole table of those families, a step at a time while
	 * the peer keeps up; the rest when its socket drains (so a slow peer costs RIB_OUT_HIGH) */
	while (sl->full_mask && !rib_peer_congested(p))
		if (!walk_step(rib, sl))
			return;
	if (sl->full_mask)
		return;
	p->need_full = false;
	if (rib->hold_eor)
		return;
	/* RFC 4724: End-of-RIB per family once the initial table is out */
	for (int f = 0; f < FAM_COUNT; f++) {
		if (!(sl->eor_mask & p->fam_mask & FAM_BIT(f)))
			continue;
		uint8_t buf[64];
		size_t n = update_eor(buf, sizeof buf, f);
		if (n) {
			p->send(p->ctx, buf, n);
			p->updates_out++;
			if (!p->up)
				return;
		}
	}
	sl->eor_mask = 0;
}

void rib_flush(struct rib *rib)
{
	/*
	 * Peer by peer, so only one peer's queue exists at a time. p->send() must only queue bytes: a
	 * session that drops inside it is noticed (p->up) and its packing stops.
	 */
	for (size_t s = 0; s < rib->slot_hi; s++) {
		struct rib_slot *sl = &rib->slots[s];
		struct rib_peer *p = sl->p;
		if (!p || !p->up || p->kind == SRC_LOCAL || !p->send)
			continue;
		flush_peer(rib, sl);
	}
	rib_export_memo_clear(rib);

	struct rib_entry *e = rib->dirty_head;
	rib->dirty_head = rib->dirty_tail = NULL;
	while (e) {
		struct rib_entry *next = e->dirty_next;
		e->dirty = 0;
		e->dirty_next = NULL;
		if (!e->paths && !rib_bits_any(e))
			rib_entry_free(rib, e);
		e = next;
	}
}
