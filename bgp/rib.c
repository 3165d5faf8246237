/* SPDX-License-Identifier: Apache-2.0 */
/* The RIB's tables: routes by key, paths per source, best path upkeep and peer bookkeeping. */
#include "rib.h"

#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp_log.h"
#include "rib_int.h"

static uint32_t now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

/* Entries of fam moved: walks of fam past slot lo go back to it (0 after a growth). A route sent
 * twice is harmless; one skipped would be missing at the peer. */
static void walks_rewind(struct rib *rib, int fam, size_t lo)
{
	for (size_t s = 0; s < rib->slot_hi; s++) {
		struct rib_slot *sl = &rib->slots[s];
		if (sl->p && sl->passing && sl->walk_tables && sl->walk_fam == fam && sl->walk_idx > lo)
			sl->walk_idx = lo;
	}
	for (struct rib_cursor *c = rib->cursors; c; c = c->next)
		if (c->fam == fam && c->pos > lo)
			c->pos = lo;
}

/* A growth of fam's table ended (rib_table_migrate returned old_cap): the old array's positions
 * are gone, the new one's moved down. A walk still in the old array goes to the start of the new
 * one, where everything it had not seen now is. */
static void walks_migrated(struct rib *rib, int fam, size_t old_cap)
{
	if (!old_cap)
		return;
	for (size_t s = 0; s < rib->slot_hi; s++) {
		struct rib_slot *sl = &rib->slots[s];
		if (sl->p && sl->passing && sl->walk_tables && sl->walk_fam == fam)
			sl->walk_idx = sl->walk_idx < old_cap ? 0 : sl->walk_idx - old_cap;
	}
	for (struct rib_cursor *c = rib->cursors; c; c = c->next)
		if (c->fam == fam)
			c->pos = c->pos < old_cap ? 0 : c->pos - old_cap;
}

/* A step of fam's growth under way, if any (budget old slots). */
static void table_migrate(struct rib *rib, int fam, size_t budget)
{
	walks_migrated(rib, fam, rib_table_migrate(&rib->t[fam], budget));
}

/* A slot's output state for a peer that is not up (or comes up): nothing owed. */
static void out_reset(struct rib_slot *sl, uint32_t seq)
{
	sl->full_mask = sl->eor_mask = sl->eor_ready = 0;
	sl->since = seq;
	sl->behind = sl->passing = false;
	sl->pass_full = sl->pass_left = 0;
	sl->walk_tables = sl->walk_started = sl->walk_journal = false;
	sl->walk_src = 0;
	sl->walk_path = NULL;
	sl->walk_idx = 0;
}

bool rib_peer_congested(const struct rib_peer *p)
{
	if (!p->backlog || p->backlog(p->ctx) < RIB_OUT_HIGH)
		return false;
	if (p->push)
		p->push(p->ctx); /* the kernel's socket buffer takes what it can */
	return p->backlog(p->ctx) >= RIB_OUT_HIGH;
}

/* ---- entries ---- */

static uint16_t round_cap(size_t len)
{
	size_t c = (len + 7) & ~(size_t)7;
	return (uint16_t)(c > UINT16_MAX ? UINT16_MAX : c);
}

void rib_entry_dirty(struct rib *rib, struct rib_entry *e)
{
	e->mod = ++rib->seq;
	rib_entry_reap(rib, e);
}

void rib_entry_reap(struct rib *rib, struct rib_entry *e)
{
	if (e->dirty)
		return;
	if (rib->ndirty == rib->dirty_cap) {
		size_t cap = rib->dirty_cap ? rib->dirty_cap * 2 : 256;
		struct rib_entry **v = realloc(rib->dirty, cap * sizeof *v);
		if (!v) {
			if (!rib->dirty_lost)
				bgp_log(LOG_ERR, "rib: out of memory queueing a change; every peer is sent "
					"what changed by a table walk instead");
			rib->dirty_lost = true;
			return;
		}
		rib->dirty = v;
		rib->dirty_cap = cap;
	}
	e->dirty = 1;
	rib->dirty[rib->ndirty++] = e;
}

/* Entries and paths come from rib->mem, each sized by its length (entry_fits, round_cap). */
static void entry_put(struct rib *rib, struct rib_entry *e)
{
	rib_mem_put(&rib->mem, e, ENTRY_SIZE(e->len));
}

/* The hash of e's key (the table keeps it; a removal finds the slot by it). */
static uint32_t entry_hash(const struct rib_entry *e)
{
	uint8_t key[NLRI_KEY_MAX];
	return rib_key_hash(key, family_table[e->fam].key(e->nlri, e->len, key));
}

static size_t path_size(const struct rib_path *p)
{
	return sizeof *p + (p->shared ? 0 : round_cap(p->len));
}

void rib_entry_free(struct rib *rib, struct rib_entry *e)
{
	if (rib_journal_holds(rib, e))
		return;
	int fam = e->fam;
	size_t lo = rib_table_remove(&rib->t[fam], e, entry_hash(e));
	if (lo != SIZE_MAX)
		walks_rewind(rib, fam, lo);
	rib_id_give(&rib->ids, e->id);
	entry_put(rib, e);
	table_migrate(rib, fam, RIB_MIGRATE_STEP);
}

int rib_reserve(struct rib *rib, int fam, size_t n)
{
	size_t cap;

	table_migrate(rib, fam, SIZE_MAX);
	cap = rib->t[fam].cap;
	if (rib_table_reserve(&rib->t[fam], n) < 0)
		return -1;
	if (rib->t[fam].cap != cap)
		walks_rewind(rib, fam, 0); /* every entry may have moved */
	return 0;
}

static struct rib_entry *entry_new(struct rib *rib, int fam, uint32_t h, const uint8_t *nlri,
				   size_t len)
{
	struct rib_table *t = &rib->t[fam];
	table_migrate(rib, fam, RIB_MIGRATE_STEP);
	if ((t->n + 1) * 4 > t->cap * 3) {
		table_migrate(rib, fam, SIZE_MAX); /* the last growth's end (not reached in practice) */
		int r = rib_table_grow(t);
		if (r < 0)
			return NULL;
		if (r == 1)
			walks_rewind(rib, fam, 0); /* done at once: every entry may have moved */
	}
	uint32_t id;
	if (rib_id_take(&rib->ids, &id) < 0)
		return NULL;
	size_t size = rib_mem_size(ENTRY_SIZE(len));
	struct rib_entry *e = rib_mem_get(&rib->mem, size);
	if (!e) {
		rib_id_give(&rib->ids, id);
		return NULL;
	}
	memset(e, 0, offsetof(struct rib_entry, nlri));
	e->id = id;
	e->fam = (uint8_t)fam & 3;
	e->len = (uint16_t)len;
	memcpy(e->nlri, nlri, len);
	rib_table_insert(t, e, h);
	return e;
}

/* Whether e's allocation takes len bytes as its own: the same size of object (its size is known
 * from its length alone), or from malloc both and within what malloc gave. */
static bool entry_fits(const struct rib_entry *e, size_t len)
{
	size_t have = rib_mem_size(ENTRY_SIZE(e->len)), want = rib_mem_size(ENTRY_SIZE(len));
	if (have <= RIB_MEM_MAX || want <= RIB_MEM_MAX)
		return have == want;
	return ENTRY_SIZE(len) <= malloc_usable_size((void *)e);
}

/* Replace e's bytes (when they fit): nothing else reads them then, or only p, which reads these. */
static void entry_bytes(struct rib_entry *e, const uint8_t *nlri, size_t len)
{
	if (nlri != e->nlri && entry_fits(e, len)) {
		memmove(e->nlri, nlri, len);
		e->len = (uint16_t)len;
	}
}

static bool same_bytes(const struct rib_entry *e, const uint8_t *nlri, size_t len)
{
	return e->len == len && memcmp(e->nlri, nlri, len) == 0;
}

/* ---- paths and selection ---- */

/* A path of e with nlri: sharing e's bytes when they are the same (and e can count one more). */
static struct rib_path *path_new(struct rib *rib, struct rib_entry *e, const uint8_t *nlri,
				 size_t len)
{
	bool share = same_bytes(e, nlri, len) && e->nshare < RIB_SHARE_MAX;
	uint16_t cap = share ? 0 : round_cap(len);
	struct rib_path *p = rib_mem_get(&rib->mem, sizeof *p + cap);
	if (!p)
		return NULL;
	memset(p, 0, sizeof *p);
	p->entry = e;
	if (share) {
		p->shared = 1;
		e->nshare++;
	} else {
		p->len = (uint16_t)len & 0x7fff;
		memcpy(p->nlri, nlri, len);
	}
	return p;
}

static void path_free(struct rib *rib, struct rib_path *p)
{
	if (p->shared)
		p->entry->nshare--;
	rib_mem_put(&rib->mem, p, path_size(p));
}

static void src_link(struct rib_slot *s, struct rib_path *p)
{
	p->src_next = s->paths;
	if (s->paths)
		s->paths->src_pprev = &p->src_next;
	s->paths = p;
	p->src_pprev = &s->paths;
}

/* Path p leaves its source's list (for next, or for good when next is p->src_next): a pass
 * whose cursor is on it goes on from next. */
static void walk_path_gone(struct rib *rib, struct rib_path *p, struct rib_path *next)
{
	for (size_t s = 0; s < rib->slot_hi; s++) {
		struct rib_slot *sl = &rib->slots[s];
		if (sl->passing && !sl->walk_tables && sl->walk_started && sl->walk_path == p)
			sl->walk_path = next;
	}
}

static void src_unlink(struct rib *rib, struct rib_path *p)
{
	walk_path_gone(rib, p, p->src_next);
	*p->src_pprev = p->src_next;
	if (p->src_next)
		p->src_next->src_pprev = p->src_pprev;
}

/* Move the best path to the head of the entry's list: linear in the route's few paths. */
static void select_best(const struct rib *rib, struct rib_entry *e)
{
	struct rib_path **bestp = &e->paths;
	if (!e->paths)
		return;
	for (struct rib_path **pp = &e->paths->next; *pp; pp = &(*pp)->next) {
		struct rib_cand x = { (*pp)->a, path_src(rib, *pp), e->fam };
		struct rib_cand y = { (*bestp)->a, path_src(rib, *bestp), e->fam };
		if (rib_best_cmp(&x, &y) < 0)
			bestp = pp;
	}
	if (bestp != &e->paths) {
		struct rib_path *b = *bestp;
		*bestp = b->next;
		b->next = e->paths;
		e->paths = b;
	}
}

/* After a change to e: if the best path is no longer old with old_a and its NLRI bytes, mark e
 * dirty and tell the callback. Nothing touches e after the callback, which may call back into the
 * RIB. */
static void best_after(struct rib *rib, struct rib_entry *e, const struct rib_path *old,
		       const struct attrs *old_a, bool old_nlri_changed)
{
	struct rib_path *b = e->paths;
	if (b && b == old && b->a == old_a && !old_nlri_changed)
		return;
	if (b && !e->nshare)
		entry_bytes(e, b->nlri, b->len);
	rib_entry_dirty(rib, e);
	if (rib->best && b)
		rib->best(rib->best_ctx, e->fam, path_nlri(b), path_len(b), b->a, path_src(rib, b));
}

/* Keep each source's count of best paths as the head of a route passes from one to another. */
static void accepted_move(int fam, struct rib_peer *from, struct rib_peer *to)
{
	if (from == to)
		return;
	if (from)
		from->accepted[fam]--;
	if (to)
		to->accepted[fam]++;
}

static bool slot_valid(const struct rib *rib, const struct rib_peer *p)
{
	return p && p->slot < rib->nslots && rib->slots[p->slot].p == p;
}

int rib_update(struct rib *rib, struct rib_peer *src, int fam, const uint8_t *nlri, size_t len,
	       struct attrs *a)
{
	uint8_t key[NLRI_KEY_MAX];
	if (fam < 0 || fam >= FAM_COUNT || !a || !slot_valid(rib, src) || len == 0 ||
	    len > RIB_NLRI_MAX)
		return -1;
	size_t klen = family_table[fam].key(nlri, len, key);
	/* no key and not valid: an EVPN route type we do not know, discarded (RFC 7606 5.4) */
	if (klen == 0 && family_table[fam].check(nlri, len) != 0)
		return -1;
	uint32_t h = rib_key_hash(key, klen);
	struct rib_table *t = &rib->t[fam];
	struct rib_entry *e = rib_table_find(t, fam, h, key, klen);
	if (!e && !(e = entry_new(rib, fam, h, nlri, len)))
		return -1;

	struct rib_path *old = e->paths, *p = NULL, **pp;
	const struct attrs *old_a = old ? old->a : NULL;
	struct rib_peer *old_src = old ? path_src(rib, old) : NULL;
	for (pp = &e->paths; *pp; pp = &(*pp)->next)
		if ((*pp)->src == src->slot) {
			p = *pp;
			break;
		}
	if (p && p->stale) {
		p->stale = 0; /* re-sent after a graceful restart: current again */
		src->stale--;
	}
	bool nlri_changed = p && (path_len(p) != len || memcmp(path_nlri(p), nlri, len) != 0);
	if (p && p->a == a && !nlri_changed)
		return 0; /* an identical re-announcement changes nothing */
	if (p)
		rib_count_path(rib, fam, path_nlri(p), path_len(p), p->a, -1); /* counted again below */

	if (p && nlri_changed && p->shared && e->nshare == 1 && entry_fits(e, len)) {
		entry_bytes(e, nlri, len); /* its bytes are p's alone: new labels in place */
	} else if (p && nlri_changed && (p->shared || round_cap(len) != round_cap(p->len))) {
		/* the new NLRI is not the shared one, or needs room of another size (a path's room is
		 * known from its length): swap in a path at the same places (sharing again if the new
		 * bytes are the route's) */
		struct rib_path *np = path_new(rib, e, nlri, len);
		if (!np) {
			rib_count_path(rib, fam, path_nlri(p), path_len(p), p->a, 1); /* p stays */
			return -1;
		}
		np->src = src->slot & 0xfff;
		np->a = p->a;
		np->next = p->next;
		*pp = np;
		np->src_next = p->src_next;
		np->src_pprev = p->src_pprev;
		*np->src_pprev = np;
		walk_path_gone(rib, p, np);
		if (np->src_next)
			np->src_next->src_pprev = &np->src_next;
		if (old == p)
			old = np; /* the same source's path, not a different best */
		np->since = p->since;
		np->stale = p->stale;
		path_free(rib, p);
		p = np;
	} else if (p && nlri_changed) {
		memcpy(p->nlri, nlri, len);
		p->len = (uint16_t)len & 0x7fff;
	} else if (!p) {
		if (!(p = path_new(rib, e, nlri, len))) {
			if (!e->paths && !e->dirty && !rib_bits_any(e))
				rib_entry_free(rib, e);
			return -1;
		}
		p->src = src->slot & 0xfff;
		*pp = p; /* tail: selection moves it up if it wins */
		src_link(&rib->slots[src->slot], p);
		src->rcvd[fam]++;
		if (!old)
			t->routes++;
	}
	struct attrs *prev = p->a;
	p->a = attrs_ref(a);
	attrs_unref(prev);
	rib_count_path(rib, fam, path_nlri(p), path_len(p), p->a, 1);
	p->since = now_sec();
	select_best(rib, e);
	accepted_move(fam, old_src, path_src(rib, e->paths));
	best_after(rib, e, old, old_a, old == p && nlri_changed);
	return 0;
}

/* Unlink p from its entry and source, re-select, report, then free p. */
static void path_remove(struct rib *rib, struct rib_path *p)
{
	struct rib_entry *e = p->entry;
	struct rib_path *old = e->paths, **pp;
	const struct attrs *old_a = old->a;

	rib_count_path(rib, e->fam, path_nlri(p), path_len(p), p->a, -1);
	for (pp = &e->paths; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	src_unlink(rib, p);
	path_src(rib, p)->rcvd[e->fam]--;
	if (p->stale)
		path_src(rib, p)->stale--;
	if (p->shared)
		e->nshare--; /* now: nothing touches e after the callbacks below (p still reads e's bytes) */
	if (old == p)
		select_best(rib, e);
	accepted_move(e->fam, path_src(rib, old), e->paths ? path_src(rib, e->paths) : NULL);
	if (!e->paths) {
		rib->t[e->fam].routes--;
		/* keep the withdrawn NLRI so withdraws carry the last best's labels */
		if (!p->shared)
			entry_bytes(e, p->nlri, p->len);
		rib_entry_dirty(rib, e);
		if (rib->best)
			rib->best(rib->best_ctx, e->fam, path_nlri(p), path_len(p), NULL, path_src(rib, p));
	} else {
		best_after(rib, e, old == p ? NULL : old, old_a, false);
	}
	attrs_unref(p->a);
	rib_mem_put(&rib->mem, p, path_size(p));
}

int rib_withdraw(struct rib *rib, struct rib_peer *src, int fam, const uint8_t *nlri, size_t len)
{
	uint8_t key[NLRI_KEY_MAX];
	if (fam < 0 || fam >= FAM_COUNT || !slot_valid(rib, src) || len == 0)
		return -1;
	size_t klen = family_table[fam].key(nlri, len, key);
	struct rib_entry *e = rib_table_find(&rib->t[fam], fam, rib_key_hash(key, klen), key, klen);
	if (!e)
		return 1;
	for (struct rib_path *p = e->paths; p; p = p->next)
		if (p->src == src->slot) {
			path_remove(rib, p);
			return 0;
		}
	return 1;
}

/* ---- peers ---- */

int rib_peer_add(struct rib *rib, struct rib_peer *p)
{
	size_t s;
	for (s = 0; s < rib->nslots && rib->slots[s].p; s++)
		;
	if (s == rib->nslots) {
		if (s >= RIB_MAX_SLOTS)
			return -1;
		size_t n = rib->nslots ? rib->nslots * 2 : 16;
		struct rib_slot *v = realloc(rib->slots, n * sizeof *v);
		if (!v)
			return -1;
		memset(v + rib->nslots, 0, (n - rib->nslots) * sizeof *v);
		/* each source's first path points back at its list head, which just moved */
		for (size_t k = 0; k < rib->nslots; k++)
			if (v[k].paths)
				v[k].paths->src_pprev = &v[k].paths;
		rib->slots = v;
		rib->nslots = n;
	}
	memset(&rib->slots[s], 0, sizeof rib->slots[s]);
	rib->slots[s].p = p;
	if (s + 1 > rib->slot_hi)
		rib->slot_hi = s + 1;
	p->slot = (uint16_t)s;
	p->up = false;
	p->need_full = false;
	memset(p->rcvd, 0, sizeof p->rcvd);
	memset(p->advertised, 0, sizeof p->advertised);
	p->updates_out = 0;
	return 0;
}

/* Forget everything sent to p: one walk of the tables, paid only when a session goes down. A
 * per-slot generation would make this O(1) but costs every entry a counter per slot. */
static void forget_sent(struct rib *rib, struct rib_peer *p)
{
	bool any = false;
	for (int f = 0; f < FAM_COUNT; f++)
		any |= p->advertised[f] != 0;
	if (any) {
		for (int f = 0; f < FAM_COUNT; f++) {
			struct rib_table *t = &rib->t[f];
			for (size_t i = 0, span = rib_table_span(t); i < span; i++) {
				struct rib_entry *e = rib_table_at(t, i);
				if (!e || !rib_bit_test(rib, e, p->slot))
					continue;
				rib_bit_clear(rib, e, p->slot);
				/* the flush frees entries left with nothing */
				if (!e->paths && !rib_bits_any(e))
					rib_entry_dirty(rib, e);
			}
		}
	}
	memset(p->advertised, 0, sizeof p->advertised);
	struct rib_slot *sl = &rib->slots[p->slot];
	free(sl->out); /* every bit is clear: the next session starts from nothing */
	sl->out = NULL;
	sl->out_words = 0;
}

void rib_peer_down(struct rib *rib, struct rib_peer *p)
{
	if (!slot_valid(rib, p))
		return;
	p->up = false;
	p->need_full = false;
	out_reset(&rib->slots[p->slot], rib->seq);
	/* re-read the head (and the slot array) each time: the best callback may change the RIB */
	while (rib->slots[p->slot].paths)
		path_remove(rib, rib->slots[p->slot].paths);
	forget_sent(rib, p);
}

void rib_peer_stale(struct rib *rib, struct rib_peer *p, uint32_t fam_mask)
{
	if (!slot_valid(rib, p))
		return;
	p->up = false;
	p->need_full = false;
	out_reset(&rib->slots[p->slot], rib->seq);
	for (struct rib_path *x = rib->slots[p->slot].paths; x; x = x->src_next)
		if ((fam_mask & FAM_BIT(x->entry->fam)) && !x->stale) {
			x->stale = 1;
			p->stale++;
		}
	rib_peer_sweep(rib, p, ~fam_mask & FAM_ALL, false); /* families it keeps nothing of */
	forget_sent(rib, p);
}

size_t rib_peer_sweep(struct rib *rib, struct rib_peer *p, uint32_t fam_mask, bool stale_only)
{
	size_t n = 0;

	if (!slot_valid(rib, p))
		return 0;
	/* the best callback adds and removes only the local source's paths, never p's: the next
	 * path of p's list stays valid across a removal */
	for (struct rib_path *x = rib->slots[p->slot].paths, *next; x; x = next) {
		next = x->src_next;
		if ((fam_mask & FAM_BIT(x->entry->fam)) && (x->stale || !stale_only)) {
			path_remove(rib, x);
			n++;
		}
	}
	return n;
}

void rib_peer_remove(struct rib *rib, struct rib_peer *p)
{
	if (!slot_valid(rib, p))
		return;
	rib_peer_down(rib, p);
	rib->slots[p->slot].p = NULL;
	while (rib->slot_hi && !rib->slots[rib->slot_hi - 1].p)
		rib->slot_hi--;
}

void rib_peer_up(struct rib *rib, struct rib_peer *p)
{
	if (!slot_valid(rib, p))
		return;
	struct rib_slot *s = &rib->slots[p->slot];
	p->up = true;
	p->need_full = p->fam_mask != 0;
	out_reset(s, rib->seq);
	s->full_mask = p->fam_mask & FAM_ALL;
	s->eor_mask = p->fam_mask & FAM_ALL;
}

void rib_peer_refresh(struct rib *rib, struct rib_peer *p, int fam)
{
	if (!slot_valid(rib, p) || !p->up || fam < 0 || fam >= FAM_COUNT ||
	    !(p->fam_mask & FAM_BIT(fam)))
		return;
	/* refreshes coalesce: one more whole pass of fam, after the one under way */
	rib->slots[p->slot].full_mask |= FAM_BIT(fam);
	p->need_full = true;
}

void rib_hold_eor(struct rib *rib, bool hold)
{
	rib->hold_eor = hold;
}

/* ---- inspection ---- */

static void route_of(const struct rib *rib, const struct rib_entry *e, const struct rib_path *p,
		     struct rib_route *r)
{
	r->fam = e->fam;
	r->nlri = path_nlri(p);
	r->len = path_len(p);
	r->a = p->a;
	r->src = path_src(rib, p);
	r->best = p == e->paths;
	r->since = (time_t)p->since;
}

void rib_walk(struct rib *rib, int fam, void (*cb)(void *ctx, const struct rib_route *r), void *ctx)
{
	if (fam < 0 || fam >= FAM_COUNT)
		return;
	struct rib_table *t = &rib->t[fam];
	for (size_t i = 0, span = rib_table_span(t); i < span; i++) {
		struct rib_entry *e = rib_table_at(t, i);
		if (!e)
			continue;
		for (struct rib_path *p = e->paths; p; p = p->next) {
			struct rib_route r;
			route_of(rib, e, p, &r);
			cb(ctx, &r);
		}
	}
}

bool rib_walk_next(struct rib *rib, int fam, size_t *pos, size_t max,
		   void (*cb)(void *ctx, const struct rib_route *r), void *ctx)
{
	size_t n = 0;

	if (fam < 0 || fam >= FAM_COUNT)
		return true;
	struct rib_table *t = &rib->t[fam];
	for (; *pos < rib_table_span(t) && n < max; (*pos)++) {
		struct rib_entry *e = rib_table_at(t, *pos);
		if (!e || !e->paths)
			continue;
		n++;
		for (struct rib_path *p = e->paths; p; p = p->next) {
			struct rib_route r;
			route_of(rib, e, p, &r);
			cb(ctx, &r);
		}
	}
	return *pos >= rib_table_span(t);
}

size_t rib_lookup(struct rib *rib, int fam, const uint8_t *nlri, size_t len,
		  void (*cb)(void *ctx, const struct rib_route *r), void *ctx)
{
	uint8_t key[NLRI_KEY_MAX];
	size_t n = 0;
	if (fam < 0 || fam >= FAM_COUNT || len == 0)
		return 0;
	size_t klen = family_table[fam].key(nlri, len, key);
	struct rib_entry *e = rib_table_find(&rib->t[fam], fam, rib_key_hash(key, klen), key, klen);
	if (!e)
		return 0;
	for (struct rib_path *p = e->paths; p; p = p->next, n++) {
		struct rib_route r;
		route_of(rib, e, p, &r);
		if (cb)
			cb(ctx, &r);
	}
	return n;
}

size_t rib_count(const struct rib *rib, int fam)
{
	if (fam < 0 || fam >= FAM_COUNT)
		return 0;
	return rib->t[fam].routes;
}

bool rib_pending(const struct rib *rib)
{
	if (rib->ndirty || rib->dirty_lost)
		return true;
	for (size_t s = 0; s < rib->slot_hi; s++) {
		const struct rib_slot *sl = &rib->slots[s];
		if (!sl->p || !sl->p->up)
			continue;
		/* a pass waits for its peer's socket to drain; End-of-RIB for the pass's end */
		if ((sl->passing || sl->behind || sl->full_mask) && !rib_peer_congested(sl->p))
			return true;
		if ((sl->eor_mask & sl->eor_ready) && !rib->hold_eor)
			return true;
	}
	return false;
}

/* ---- life cycle ---- */

struct rib *rib_new(const struct rib_config *cfg, rib_best_fn best, void *ctx)
{
	struct rib *rib = calloc(1, sizeof *rib);
	if (!rib)
		return NULL;
	rib->cfg = *cfg;
	if (!rib->cfg.cluster_id)
		rib->cfg.cluster_id = rib->cfg.router_id;
	rib->best = best;
	rib->best_ctx = ctx;
	rib->uw = malloc(sizeof *rib->uw);
	if (!rib->uw)
		goto fail;
	for (int f = 0; f < FAM_COUNT; f++)
		if (rib_table_init(&rib->t[f]) < 0)
			goto fail;
	return rib;
fail:
	rib_free(rib);
	return NULL;
}

void rib_free(struct rib *rib)
{
	if (!rib)
		return;
	for (int f = 0; f < FAM_COUNT; f++) {
		struct rib_table *t = &rib->t[f];
		for (size_t i = 0, span = t->slots ? rib_table_span(t) : 0; i < span; i++) {
			struct rib_entry *e = rib_table_at(t, i);
			if (!e)
				continue;
			for (struct rib_path *p = e->paths, *n; p; p = n) {
				n = p->next;
				attrs_unref(p->a);
				rib_mem_put(&rib->mem, p, path_size(p)); /* those from malloc */
			}
			entry_put(rib, e);
		}
		rib_table_free(t);
	}
	free(rib->ids.free);
	free(rib->dirty);
	rib_journal_free(rib);
	rib_mem_release(&rib->mem);
	rib_counts_free(rib);
	for (size_t s = 0; s < rib->nslots; s++) {
		if (rib->slots[s].p)
			rib->slots[s].p->up = false;
		free(rib->slots[s].out);
	}
	rib_export_memo_clear(rib);
	free(rib->memo.v);
	free(rib->slots);
	free(rib->aspath_buf);
	free(rib->cluster_buf);
	free(rib->items);
	free(rib->items_alt);
	free(rib->uw);
	free(rib);
}
