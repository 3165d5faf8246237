/* SPDX-License-Identifier: Apache-2.0 */
/* The RIB's private structures, shared by its files (bgp/rib*.c) only. */
#ifndef EVPND_BGP_RIB_INT_H
#define EVPND_BGP_RIB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rib.h"
#include "rib_mem.h"
#include "update.h"

/* Slots are uint16_t in struct rib_peer and 12 bits in struct rib_path; bitmaps grow with the
 * highest slot in use. */
#define RIB_MAX_SLOTS 4096

struct rib_entry;

/*
 * One source's path for a route. Its NLRI is usually byte for byte its route's (one path per
 * route, or several sources sending the same labels): then it is `shared`, holds no copy and is
 * 48 bytes from rib->mem (its source a slot number, its room known from its length: 56 before,
 * and a malloc chunk of 64 before that; docs/memory.md). A path whose bytes differ (other labels)
 * holds its own. Read them with path_nlri() / path_len().
 */
struct rib_path {
	struct rib_entry *entry;
	struct rib_path *next;      /* in the entry's list, best first */
	struct attrs *a;            /* interned; the path holds one reference */
	struct rib_path *src_next;  /* in the source's list */
	struct rib_path **src_pprev;
	uint32_t since;             /* CLOCK_MONOTONIC seconds */
	uint16_t len : 15;          /* its own bytes (RIB_NLRI_MAX fits), round_cap(len) of room */
	uint16_t shared : 1;        /* its NLRI is its entry's bytes (then len is 0) */
	uint16_t src : 12;          /* its source's slot: path_src() */
	uint16_t stale : 1;         /* kept from a gracefully restarting peer, not yet re-sent */
	uint8_t nlri[];
};

/* The longest NLRI a path holds (a BGP message is at most 4096 bytes). */
#define RIB_NLRI_MAX 32000

/*
 * A route (one key). The NLRI bytes are those its shared paths read; with none shared, those of
 * the best path when they fit the allocation (else of an earlier one): any has the key, which is
 * all a withdraw needs. Which peers hold it is bit `id` of each peer slot's Adj-RIB-Out bitmap
 * (struct rib_slot, out): a route costs a bit per peer there and nothing here but its id and a
 * count, where a bitmap per route cost a 32-byte allocation at 100 peers. Queued for the next
 * flush, it is in rib->dirty (no link of its own: 8 bytes a route, where a flush's vector holds
 * only the changed ones). Its hash is in its table slot (and its key in its bytes); its
 * allocation's size is rib_mem_size(ENTRY_SIZE(len)), so its bytes change only for others that
 * need as much room (entry_fits). The bytes start at offset 21, inside the struct's tail
 * padding: a type-2 route takes 56 bytes (64 with a hash and a size of its own, 72 with a link
 * for the dirty list, 80 as a malloc chunk before).
 */
struct rib_entry {
	struct rib_path *paths;     /* best first; NULL once every path is gone */
	uint32_t id;                /* its bit in the slots' Adj-RIB-Out bitmaps (rib->ids) */
	uint32_t mod;               /* rib->seq of its last change */
	uint16_t len;
	uint16_t nout;              /* peers whose bit is set (at most RIB_MAX_SLOTS) */
	uint8_t fam : 2;
	uint8_t dirty : 1;
	uint8_t nshare : 5;         /* paths that read these bytes (at most RIB_SHARE_MAX) */
	uint8_t nlri[];
};
#define ENTRY_SIZE(len) (offsetof(struct rib_entry, nlri) + (len))
#define RIB_SHARE_MAX 31
_Static_assert(FAM_COUNT <= 4, "struct rib_entry keeps the family in 2 bits");

static inline const uint8_t *path_nlri(const struct rib_path *p)
{
	return p->shared ? p->entry->nlri : p->nlri;
}

static inline uint16_t path_len(const struct rib_path *p)
{
	return p->shared ? p->entry->len : p->len;
}

/* Open-addressing table (linear probing, backward-shift deletion) of one family's entries. */
struct rib_table {
	struct rib_entry **slots;
	/* each slot's entry's hash, beside it: a probe or a growth reads these in order instead of
	 * following every pointer (a million cache misses, a tenth of a second or more) */
	uint32_t *hashes;
	size_t cap;                 /* 64, 96, 128, 192, ... (2^k or 1.5 * 2^k) */
	size_t n;                   /* entries, with or without paths, in both arrays */
	size_t routes;              /* entries with at least one path */
	/* While a growth is under way, the previous arrays, emptied a few clusters per insert or
	 * removal from slot mig_at on (mig_done of them so far); NULL otherwise. Positions (walks)
	 * number the old array's slots first, then the new one's: rib_table_at, rib_table_span. */
	struct rib_entry **old_slots;
	uint32_t *old_hashes;
	size_t old_cap, mig_at, mig_done;
};

/* Per-slot state the RIB keeps beside the caller's struct rib_peer. */
struct rib_slot {
	struct rib_peer *p;         /* NULL: free */
	struct rib_path *paths;     /* its Adj-RIB-In */
	/* Its Adj-RIB-Out: bit e->id set while the peer holds route e (announced, no withdraw sent
	 * yet). Grown as ids are; freed when the session ends. */
	uint64_t *out;
	size_t out_words;
	/*
	 * Output as the peer's socket drains (rib_out.c). While its backlog stays under RIB_OUT_HIGH a
	 * flush sends it the flush's changes (the dirty list) and `since` follows rib->seq. Otherwise
	 * it is `behind`: what changed after `since` reaches it by a pass, a walk over the tables a
	 * step at a time as the socket drains, considering each entry changed after `since` (every
	 * entry of the pass_full families: a new session, a ROUTE-REFRESH). A pass ends with since =
	 * the rib->seq it began at; changes during it take another. Memory per peer is bounded by
	 * RIB_OUT_HIGH, whatever the number of routes and changes.
	 */
	uint32_t full_mask;         /* families to send whole at the next pass */
	uint32_t eor_mask;          /* families owed End-of-RIB ... */
	uint32_t eor_ready;         /* ... once a pass sent them whole */
	uint32_t since;             /* every change up to this rib->seq has been sent */
	bool behind;                /* changes after `since` wait for a pass */
	bool passing;               /* a pass is under way */
	uint32_t pass_full;         /* families this pass sends whole */
	uint32_t pass_left;         /* families this pass has yet to walk */
	uint32_t pass_target;       /* rib->seq when it began */
	/* A pass walks first every source's Adj-RIB-In (routes of one source mostly share their
	 * attributes: they pack many to an UPDATE), visiting each route whose best path is that
	 * source's, then the tables for routes with no path left (withdraws). Cursors: source slot
	 * walk_src and its path walk_path (NULL before its first); table slot walk_idx of walk_fam.
	 * A path unlinked or replaced moves a cursor on it (rib.c, walk_path_gone), a deletion's
	 * backward shift or a table's growth rewinds walk_idx (walks_rewind): none is missed. */
	bool walk_tables;           /* the second part */
	/* A pass of changes only (no family sent whole) reads the change journal instead when it
	 * holds every change after `since` (rib_journal.c): items jpos to jend, absolute positions. */
	bool walk_journal;
	size_t jpos, jend;
	bool walk_started;          /* walk_path is inside walk_src's list */
	uint16_t walk_src;
	struct rib_path *walk_path;
	uint8_t walk_fam;
	size_t walk_idx;
};

/* Serial number order of rib->seq values (RFC 1982): a wrap costs a resend, never a miss. */
static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Memo of export attribute sets for one flush: (source set, export class) -> interned set. */
struct exp_key {
	const struct attrs *a;
	uint8_t mode;               /* enum exp_mode */
	uint8_t local;              /* source is the local pseudo-peer (eBGP keeps MED) */
	uint32_t orig;              /* reflection: ORIGINATOR_ID to add when absent */
	uint32_t asn;               /* eBGP: the AS to prepend (ours, or the peer's local-as) */
	struct ipaddr nh;           /* the next hop to set toward that peer; af 0: keep the path's */
};
struct exp_memo_ent {
	struct exp_key k;
	uint32_t hash;
	struct attrs *out;          /* NULL: empty slot */
};
struct exp_memo {
	struct exp_memo_ent *v;
	size_t cap, n;
	struct exp_memo_ent *last;  /* the last one found or made (reset by a growth and a clear) */
};

/* An item to pack for one peer. */
struct out_item {
	const struct attrs *a;      /* export set; NULL for a withdraw */
	struct rib_entry *e;        /* a withdraw's route: its bit is cleared once the message is out */
	const uint8_t *nlri;
	uint16_t len;
	uint8_t fam;
};

/* Paths of one family by count key (family_ops.count_key), for the metrics: rib_count.c. */
struct rib_vcount {
	uint32_t key;               /* 0: free */
	uint64_t n;
};
struct rib_counts {
	struct rib_vcount *t;       /* open addressing, 2^k slots, at most half used */
	size_t cap, used;
	uint64_t nokey;             /* paths without a key (EVPN types 1 and 4) */
	uint64_t total;
};

/* A change to a route: e's mod was seq then (stale once e changed again: e->mod != seq). */
struct rib_jitem {
	struct rib_entry *e;
	uint32_t seq;
};
/* Every change with a seq in (lo, hi], flush by flush; v[head..n) live, v[i] at position base + i.
 * An entry it names is not freed before its last item leaves (rib_journal_holds). */
struct rib_journal {
	struct rib_jitem *v;
	size_t head, n, cap;
	size_t base;
	uint32_t lo, hi;
};

/* Route ids: dense, so the slots' bitmaps stay as small as the table; freed ids are reused first. */
struct rib_ids {
	uint32_t next;              /* never handed out yet: next and above */
	uint32_t *free;             /* freed, reused last-in first-out */
	size_t nfree, cap;
};

struct rib {
	struct rib_config cfg;
	rib_best_fn best;
	void *best_ctx;
	struct rib_table t[FAM_COUNT];
	struct rib_slot *slots;
	size_t nslots;              /* allocated */
	size_t slot_hi;             /* one past the highest slot in use */
	struct rib_cursor *cursors; /* open rib_cursor walks, moved as the tables' entries move */
	/* Entries changed (or to reap) since the last flush, in order, each once (entry.dirty). When
	 * the vector could not grow, dirty_lost: the next flush sends every peer what changed by a
	 * pass (entry.mod says what), so nothing is lost but the order. */
	struct rib_entry **dirty;
	size_t ndirty, dirty_cap;
	bool dirty_lost;
	uint32_t seq;               /* changes so far: each dirtying takes the next (entry.mod) */
	struct exp_memo memo;
	uint8_t *aspath_buf;        /* scratch for building export sets */
	size_t aspath_cap;
	uint32_t *cluster_buf;
	size_t cluster_cap;
	struct out_item *items;     /* scratch for one peer's flush */
	size_t nitems, items_cap;
	struct out_item *items_alt; /* the same size: where the queue is grouped (rib_out.c) */
	size_t alt_cap;
	struct update_writer *uw;
	bool hold_eor;              /* rib_hold_eor: tables go out, End-of-RIB waits */
	struct rib_counts cnt[FAM_COUNT];
	struct rib_ids ids;
	struct rib_journal journal;
	struct rib_mem mem;         /* routes and paths */
};

/* The source of path p. */
static inline struct rib_peer *path_src(const struct rib *rib, const struct rib_path *p)
{
	return rib->slots[p->src].p;
}
_Static_assert(RIB_MAX_SLOTS <= 1 << 12, "struct rib_path keeps its source's slot in 12 bits");

enum exp_mode { EXP_NONE = 0, EXP_EBGP, EXP_IBGP, EXP_REFLECT };

/* rib_table.c */
/* FNV-1a of a route key, folded to 32 bits. */
uint32_t rib_key_hash(const uint8_t *k, size_t n);
/* An empty table; -1 on allocation failure. */
int rib_table_init(struct rib_table *t);
/* Old slots moved per insert or removal while a growth is under way: a growth by 4/3 leaves room
 * for old_cap / 4 inserts before the next one, so 8 empties the old array twice as fast as it must. */
#define RIB_MIGRATE_STEP 8

/* A pass's work between two looks at the peer's backlog: RIB_PASS_STEP entries considered (a step
 * is never cut short: it bounds how far past RIB_OUT_HIGH the output goes); a flush gives one
 * peer's pass RIB_PASS_STEPS steps and RIB_PASS_SLOTS table slots looked at, considered or
 * passed over (empty, or a route the sources' part sent), the rest waits for the loop's next
 * turns. A table made room for a million routes (a restart) held the loop 45 ms in one step when
 * only considered entries counted; 262,144 slots take a few milliseconds. (Counting passed-over
 * slots as part of a step instead cost a reflector's thousand clients 20% more memory at the
 * peak: scripts/bench.sh --rr.) */
#define RIB_PASS_STEP 64
#define RIB_PASS_STEPS 32
#define RIB_PASS_SLOTS 262144
/* Grow x1.5 or x4/3, no migration being under way: 1 when done at once (a small table: every
 * entry moved), 0 when a migration started (positions unchanged: the old array's slots are the
 * first ones), -1 on allocation failure. */
int rib_table_grow(struct rib_table *t);
/* Move at least budget of the old array's slots over (then to the end of the cluster under way).
 * Returns the old array's size when this emptied and freed it (positions past it move down by
 * it, positions below it are gone), else 0. */
size_t rib_table_migrate(struct rib_table *t, size_t budget);
/* Grow at once to hold n entries below the load limit (no-op when it does), no migration being
 * under way; -1 on allocation failure. Every entry may move. */
int rib_table_reserve(struct rib_table *t, size_t n);
/* The entry at position pos (< rib_table_span), or NULL. */
struct rib_entry *rib_table_at(const struct rib_table *t, size_t pos);
/* Positions in the table: slots of both arrays while a growth is under way. */
size_t rib_table_span(const struct rib_table *t);
/* Free the arrays (not the entries). */
void rib_table_free(struct rib_table *t);
/* The entry of fam with hash h and key[0..klen), or NULL. */
struct rib_entry *rib_table_find(const struct rib_table *t, int fam, uint32_t h,
				 const uint8_t *key, size_t klen);
/* Insert e, whose key hashes to h (not present; the caller grew the table). */
void rib_table_insert(struct rib_table *t, struct rib_entry *e, uint32_t h);
/* Remove e, whose key hashes to h; returns the lowest position an entry moved into (SIZE_MAX:
 * none), for walks. */
size_t rib_table_remove(struct rib_table *t, struct rib_entry *e, uint32_t h);

/* rib_bits.c */
/* An id for a new route, a freed one first (ids stay below the most routes ever held); -1 when
 * 2^32 - 1 are in use. */
int rib_id_take(struct rib_ids *ids, uint32_t *id);
/* Give back a freed route's id (no peer's bit is set for it). When the free list cannot grow the
 * id is not reused: a little more of each bitmap, nothing lost. */
void rib_id_give(struct rib_ids *ids, uint32_t id);
/* Whether the peer in slot holds e. */
bool rib_bit_test(const struct rib *rib, const struct rib_entry *e, unsigned slot);
/* The peer in slot holds e (growing its bitmap); -1 on allocation failure. */
int rib_bit_set(struct rib *rib, struct rib_entry *e, unsigned slot);
/* The peer in slot no longer holds e. */
void rib_bit_clear(struct rib *rib, struct rib_entry *e, unsigned slot);
/* Whether any peer holds e. */
static inline bool rib_bits_any(const struct rib_entry *e)
{
	return e->nout != 0;
}

/* rib.c */
/* Unlink e from its table and free it (it has no paths), unless the change journal names it: its
 * trim frees it then. */
void rib_entry_free(struct rib *rib, struct rib_entry *e);
/* Queue e for the next flush: a change (a new mod). */
void rib_entry_dirty(struct rib *rib, struct rib_entry *e);
/* Queue e for the end of the flush without calling it a change: a pass withdrew it from its last
 * peer, and an entry with no paths and no peers is freed there. */
void rib_entry_reap(struct rib *rib, struct rib_entry *e);
/* Whether p has RIB_OUT_HIGH bytes or more waiting to be written. */
bool rib_peer_congested(const struct rib_peer *p);

/* rib_journal.c */
/* Called with a route left with nothing once no item names it (rib_entry_free). */
typedef void (*rib_gone_fn)(struct rib *rib, struct rib_entry *e);
/* At a flush's start: the changes queued since the last one join the journal (or, when it would
 * grow past what a table pass costs, or changes were lost, it is emptied: lo = hi = rib->seq). */
void rib_journal_append(struct rib *rib, rib_gone_fn gone);
/* Whether the journal holds every change after since (a value of rib->seq at a flush). */
bool rib_journal_covers(const struct rib *rib, uint32_t since);
/* The position of the first item of a change after since (covered). */
size_t rib_journal_find(const struct rib *rib, uint32_t since);
/* Positions of the first live item and one past the last. */
size_t rib_journal_first(const struct rib *rib);
size_t rib_journal_end(const struct rib *rib);
/* The route changed by the item at pos (first <= pos < end); NULL when it changed again later. */
struct rib_entry *rib_journal_at(const struct rib *rib, size_t pos);
/* Whether an item names e: it is not freed until the item leaves (the trim frees it then). */
bool rib_journal_holds(const struct rib *rib, const struct rib_entry *e);
/* At a flush's end: drop the changes up to need (the oldest `since` a reader has), freeing the
 * routes they leave with nothing. */
void rib_journal_trim(struct rib *rib, uint32_t need, rib_gone_fn gone);
/* Free the journal's array (rib_free; the entries are the tables'). */
void rib_journal_free(struct rib *rib);

/* rib_count.c */
/* A path of fam with these bytes and attributes came (delta 1) or went (-1). */
void rib_count_path(struct rib *rib, int fam, const uint8_t *nlri, size_t len,
		    const struct attrs *a, int delta);
/* Free the counts (rib_free). */
void rib_counts_free(struct rib *rib);

/* rib_export.c */
/* How the best path of a route from src goes to peer p: EXP_NONE when it must not. */
enum exp_mode rib_export_mode(const struct rib_peer *src, const struct rib_peer *p);
/* The interned export set of a (a path of family fam) for p (memoised for this flush); NULL on
 * allocation failure. */
const struct attrs *rib_export_attrs(struct rib *rib, const struct attrs *a, int fam,
				     const struct rib_peer *src, const struct rib_peer *p,
				     enum exp_mode mode);
/* Drop the memo's references (end of a flush, and rib_free). */
void rib_export_memo_clear(struct rib *rib);

#endif
