/*
 * MAC mobility (RFC 7432 section 15): the per (VNI, MAC) state beyond the common case, and the
 * decision between a local MAC and the remote routes that claim it.
 *
 * Memory: the common case -- one remote route, no sequence number, installed -- is only its
 * fdb_owned entry (VTEP, RD hash, sticky). Anything else (a sequence number, several candidates, a
 * local MAC that also has remote claims) lives in this side table: 24-byte slots, open addressing
 * with linear probing on (VNI, MAC), where all entries of one key sit in that key's probe run, so
 * loading or replacing a key's entries is one short scan. Moved MACs only: no per-MAC malloc.
 *
 * Sequence numbers: a route without the community counts as 0 for the sequence we advertise
 * (RFC 7432: the first move gets 1), but as lower than an explicit 0 when a remote route is compared
 * with our local one: GoBGP gives its first move 0, and must win over our community-less route.
 */
#ifndef EVPND_AGENT_MOBILITY_H
#define EVPND_AGENT_MOBILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/* One remote candidate, or (MOB_LOCAL) the local MAC's record. 24 bytes. */
struct mob_ent {
	uint32_t vni;
	uint8_t mac[6];
	uint16_t vtep;      /* remote: fdb_owned VTEP index */
	uint32_t rdh;       /* remote: fo_rd_hash of the route's RD (never 0) */
	uint32_t seq;       /* remote: the route's sequence; local: the sequence we advertise */
	uint8_t flags;      /* MOB_* */
	uint8_t moves;      /* MOB_DAD: moves counted in the current window (in what was padding) */
	uint16_t prev;      /* MOB_DAD: the location before the last one (MOB_LOC_*, VTEP index) */
};

enum {
	MOB_USED = 1 << 0,    /* slot in use */
	MOB_LOCAL = 1 << 1,   /* the local MAC's record (seq, warned) */
	MOB_STICKY = 1 << 2,  /* remote: the route has the static flag */
	MOB_HASSEQ = 1 << 3,  /* remote: the route has the MAC mobility community */
	MOB_WARNED = 1 << 4,  /* local: a remote claim on this static MAC was logged */
	/* duplicate address detection: one record per MAC that moved (or just went away) recently;
	 * vtep = last known location, rdh = window start (since MOB_DUP: detection time), seq = time of
	 * the last location change, all in seconds */
	MOB_DAD = 1 << 5,
	MOB_DUP = 1 << 6,     /* MOB_DAD: marked duplicate */
};

/* Locations in a MOB_DAD record besides VTEP indexes. */
#define MOB_LOC_LOCAL 0xfffeu
#define MOB_LOC_NONE 0xffffu

struct mob_tab {
	struct mob_ent *e;
	size_t cap;         /* power of two, or 0 */
	size_t n;
};

/* Most remote candidates kept per (VNI, MAC): a move has two, a misconfiguration a few more. */
#define MOB_MAX 8
/* Most entries of one key: the candidates, the local record and the DAD record. */
#define MOB_KEY_MAX (MOB_MAX + 2)

/* An empty table (no allocation until the first insert). */
void mob_init(struct mob_tab *t);
/* Free the slots. */
void mob_free(struct mob_tab *t);
/* Copy the entries of (vni, mac) to out (at most max); returns how many there are. */
size_t mob_get(const struct mob_tab *t, uint32_t vni, const uint8_t mac[6], struct mob_ent *out,
	       size_t max);
/* Replace the entries of (vni, mac) with in[0..n) (their keys and MOB_USED are set here);
 * -1 when memory runs out (the key then has no entries). */
int mob_set(struct mob_tab *t, uint32_t vni, const uint8_t mac[6], const struct mob_ent *in, size_t n);
/* Drop every entry of vni; keep_local keeps the local and DAD records. */
void mob_drop_vni(struct mob_tab *t, uint32_t vni, bool keep_local);

/* ---- the decision, pure ---- */

/* What is known of one (VNI, MAC). */
struct mob_view {
	bool local;                 /* on a local bridge port */
	bool lsticky;               /* ...as a static entry */
	uint32_t lseq;              /* the sequence we advertise for it */
	bool warned;
	size_t n;
	struct mob_ent c[MOB_MAX];  /* remote candidates */
	const struct nl_addr *addr[MOB_MAX]; /* their VTEP addresses (compare for section 15.1) */
	bool has_dad;
	struct mob_ent dad;         /* the MOB_DAD record when has_dad */
};

/* Remote x against y: <0 when x is better: sticky, then higher sequence (no community lowest),
 * then the lower VTEP address (RFC 7432 section 15.1); 0 for equals. */
int mob_cmp(const struct mob_ent *x, const struct nl_addr *xa, const struct mob_ent *y,
	    const struct nl_addr *ya);
/* The best remote candidate's index, or -1 when there is none. */
int mob_best(const struct mob_view *w);
/* Does the local MAC (w->local) win over remote candidate best (-1: none)? A static local MAC
 * always does; a sticky remote beats a learned one; then the higher sequence (ours counts as
 * absent when 0 and not sticky); on a tie the lower VTEP address (lvtep: ours). */
bool mob_local_wins(const struct mob_view *w, int best, const struct nl_addr *lvtep);
/* The sequence for a MAC just learned locally: highest remote sequence + 1 (no community counts
 * as 0, saturating), 0 without remote candidates. */
uint32_t mob_next_seq(const struct mob_view *w);
/* Compare VTEP addresses: IPv4 before IPv6, then bytewise. */
int mob_addr_cmp(const struct nl_addr *x, const struct nl_addr *y);

/* ---- duplicate address detection, pure (times in seconds) ---- */

/* A fresh DAD record: last seen at loc at now, no moves counted. */
void mob_dad_init(struct mob_ent *d, uint16_t loc, uint32_t now);
/* The MAC is now at loc (MOB_LOC_NONE: nowhere, remembered as not a location): a change from the
 * last known location is a move, counted in a window of window seconds that starts again at the
 * first move after it passed (as FRR counts); true when this move made it duplicate (max_moves). */
bool mob_dad_move(struct mob_ent *d, uint16_t loc, uint32_t now, uint32_t window, uint32_t max_moves);
/* Is duplicate record d due to recover at now (recovery 0: never)? */
bool mob_dad_due(const struct mob_ent *d, uint32_t now, uint32_t recovery);
/* Clear the duplicate state; moves are counted from now on. */
void mob_dad_clear(struct mob_ent *d, uint32_t now);
/* May record d be forgotten at now: not duplicate, and nothing in it within window? */
bool mob_dad_idle(const struct mob_ent *d, uint32_t now, uint32_t window);

/* ---- between local.c and remote.c (struct glue: glue.h) ---- */

struct glue;
struct vni;
struct mac_ent;

/* remote.c: a MAC was learned on a local port of v's bridge (new: first seen, so a remote claim
 * makes it a move), or changed between learned and static: decide, advertise or give way. */
void mob_local_learned(struct glue *g, struct vni *v, const uint8_t mac[6], bool fresh);
/* remote.c: the local MAC left the bridge (already withdrawn and removed): install the best
 * remote claim if any, and forget the local record. */
void mob_local_gone(struct glue *g, struct vni *v, const uint8_t mac[6]);
/* remote.c: the sequence we advertise for a local MAC (0 when it never moved). */
uint32_t mob_local_seq(struct glue *g, const struct vni *v, const uint8_t mac[6]);
/* remote.c: is (v, mac) marked duplicate (never advertised until recovered)? */
bool mob_is_dup(struct glue *g, const struct vni *v, const uint8_t mac[6]);
/* remote.c: recover duplicate MACs (vni 0: every VNI; mac NULL: every MAC) and decide them again
 * from the current routes and local state; returns how many recovered. */
size_t mob_dad_recover(struct glue *g, uint32_t vni, const uint8_t *mac);
/* remote.c: recover those whose dad-recovery time has come, forget idle records, and keep the
 * periodic check running while there are records. */
void mob_dad_tick(struct glue *g);
/* remote.c: now in seconds (the loop's time; mob_test_now without a loop). */
uint32_t mob_now(struct glue *g);
/* remote.c: a location as text: "local (BRIDGE)", the VTEP address, or "-". Returns buf. */
const char *mob_loc_str(struct glue *g, const struct vni *v, uint16_t loc, char *buf, size_t cap);
/* remote.c: the clock used when the glue has no event loop (unit tests), seconds. */
extern uint32_t mob_test_now;

/* local.c: (re-)advertise local MAC e of v with sequence seq. */
void local_advertise(struct glue *g, struct vni *v, struct mac_ent *e, uint32_t seq);
/* local.c: a remote route won over local MAC e of v: withdraw it, delete the bridge's entry
 * when it was learned (never a static one), and forget it. e is invalid afterwards. */
void local_give_way(struct glue *g, struct vni *v, struct mac_ent *e);

#endif
