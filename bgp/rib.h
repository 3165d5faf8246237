/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RIB: per-peer Adj-RIB-In (paths tagged with their source), the Loc-RIB per family with best
 * path selection, and Adj-RIB-Out as one bit per (route, peer) plus a queue of changed routes that
 * rib_flush() packs into UPDATEs. Every operation is a hash lookup: nothing grows with the table
 * except a new peer's initial dump.
 */
#ifndef EVPND_BGP_RIB_H
#define EVPND_BGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attr.h"
#include "family.h"
#include "types.h"

enum rib_src_kind { SRC_LOCAL = 0, SRC_IBGP = 1, SRC_EBGP = 2 };

/* A table walk toward a peer pauses while this many bytes wait in its output (rib_peer.backlog). */
#define RIB_OUT_HIGH (16 * 1024)

struct rib;

/* A source and destination of routes: the local pseudo-peer or a BGP neighbor. Owned by the caller,
 * registered with rib_peer_add; the fields above the line are set by the caller. */
struct rib_peer {
	uint8_t kind;               /* enum rib_src_kind */
	bool rr_client;             /* route-reflector client (iBGP only) */
	uint32_t remote_as;
	uint32_t router_id;         /* the peer's BGP identifier, host order (0 for local) */
	struct ipaddr addr;         /* the peer's address (af 0 for local) */
	struct ipaddr nexthop_self; /* next hop to set toward this peer when next-hop-self applies */
	uint32_t local_as;          /* the AS it sees us as (prepended toward it); 0: rib_config's */
	bool next_hop_self;         /* nexthop_self even for a family that keeps next hops (EVPN) */
	uint32_t fam_mask;          /* families negotiated (export only these) */
	void (*send)(void *ctx, const uint8_t *msg, size_t len); /* queue one message to the peer */
	void *ctx;
	/* Bytes queued to the peer and not yet written (NULL: never congested). A whole table goes
	 * out in steps while this stays under RIB_OUT_HIGH: the rest waits for the socket to drain. */
	size_t (*backlog)(void *ctx);
	/* Write what is queued to the peer's socket now, as far as it takes it without blocking
	 * (NULL: nothing to do); the RIB calls it before it calls the peer congested. Must not close
	 * the session (an error is for the socket's own writer to find). */
	void (*push)(void *ctx);
	/* ---- maintained by the RIB ---- */
	uint16_t slot;
	bool up;                    /* exporting */
	bool need_full;             /* initial table + End-of-RIB pending */
	uint32_t rcvd[FAM_COUNT];   /* paths in its Adj-RIB-In */
	uint32_t accepted[FAM_COUNT]; /* of those, how many are the best path of their route */
	uint32_t advertised[FAM_COUNT]; /* routes currently advertised to it */
	uint64_t updates_out;       /* UPDATE messages sent */
	uint32_t stale;             /* paths kept stale through its graceful restart (RFC 4724) */
};

struct rib_config {
	uint32_t local_as;
	uint32_t router_id;         /* host order */
	uint32_t cluster_id;        /* host order; router_id when 0 */
};

/* Called on every change of the best path of a route; a NULL attrs means the route is gone. */
typedef void (*rib_best_fn)(void *ctx, int fam, const uint8_t *nlri, size_t len,
			    const struct attrs *a, const struct rib_peer *src);

/* Create an empty RIB. */
struct rib *rib_new(const struct rib_config *cfg, rib_best_fn best, void *ctx);
/* Free the RIB and every route in it (peers stay the caller's). */
void rib_free(struct rib *rib);

/* Register a peer (assigns its slot). -1 when out of slots. */
int rib_peer_add(struct rib *rib, struct rib_peer *p);
/* Unregister a peer; drops its paths first if it still has any. */
void rib_peer_remove(struct rib *rib, struct rib_peer *p);
/* The session is up with p->fam_mask set: the flushes send the whole table as the peer's socket
 * drains, then End-of-RIB. */
void rib_peer_up(struct rib *rib, struct rib_peer *p);
/* While hold is set, new sessions get the table as it grows but no End-of-RIB: what the RIB
 * holds is not yet all the local source has (a restart still learning its kernel state), and a
 * peer helping a graceful restart would delete what End-of-RIB says is gone. Releasing it sends
 * every End-of-RIB owed at the next flush. */
void rib_hold_eor(struct rib *rib, bool hold);
/* Make room for n routes of fam at once: a table that grows while routes arrive rehashes every
 * entry in one loop iteration (a tenth of a second at a million). -1 on allocation failure. */
int rib_reserve(struct rib *rib, int fam, size_t n);
/* The session went down: drop all its paths (re-running selection) and forget what it was sent. */
void rib_peer_down(struct rib *rib, struct rib_peer *p);
/* The session went down and p restarts gracefully (RFC 4724): keep its paths of the families in
 * fam_mask as they are but marked stale, drop the others, and forget what p was sent. A path p
 * sends again is current again. */
void rib_peer_stale(struct rib *rib, struct rib_peer *p, uint32_t fam_mask);
/* Drop p's paths of the families in fam_mask (only the stale ones with stale_only: after p's
 * End-of-RIB, or when its restart time is over); returns how many. */
size_t rib_peer_sweep(struct rib *rib, struct rib_peer *p, uint32_t fam_mask, bool stale_only);
/* Route refresh (RFC 2918): resend every route of fam to p at the next flush. */
void rib_peer_refresh(struct rib *rib, struct rib_peer *p, int fam);

/* Add or replace src's path for the NLRI; the RIB takes its own reference on a (interned). */
int rib_update(struct rib *rib, struct rib_peer *src, int fam, const uint8_t *nlri, size_t len,
	       struct attrs *a);
/* Remove src's path for the NLRI (matched by key). 0 removed, 1 not present. */
int rib_withdraw(struct rib *rib, struct rib_peer *src, int fam, const uint8_t *nlri, size_t len);

/* Send all pending changes to every up peer, packed into as few UPDATEs as possible. */
void rib_flush(struct rib *rib);
/* Whether rib_flush has work to do. */
bool rib_pending(const struct rib *rib);

/* One path as seen by rib_walk and rib_lookup. */
struct rib_route {
	int fam;
	const uint8_t *nlri;
	size_t len;
	const struct attrs *a;
	const struct rib_peer *src;
	bool best;
	time_t since;               /* CLOCK_MONOTONIC seconds when the path was last changed */
};

/* Call cb for every path of fam (best first within a route). */
void rib_walk(struct rib *rib, int fam, void (*cb)(void *ctx, const struct rib_route *r), void *ctx);
/* Call cb for every path of the route with the NLRI's key; returns the number of paths. */
/* Resume a walk of fam at table position *pos: cb for every path of up to max routes, *pos
 * advanced past them. true when the table's end is reached. Between calls the RIB may change: a
 * route added or removed meanwhile may be missed or visited twice (a display, not a snapshot). */
bool rib_walk_next(struct rib *rib, int fam, size_t *pos, size_t max,
		   void (*cb)(void *ctx, const struct rib_route *r), void *ctx);
/* A walk of fam's routes over many turns of the loop that misses none present from its open to
 * its end: a deletion's shift or a table's growth moves it back, so a route may come twice. */
struct rib_cursor {
	int fam;
	size_t pos;
	struct rib_cursor *next;    /* the RIB's list of open cursors */
};
/* Start c at fam's first route; c stays registered (moved by the table) until rib_cursor_close. */
void rib_cursor_open(struct rib *rib, struct rib_cursor *c, int fam);
/* Unregister c (harmless when not open). */
void rib_cursor_close(struct rib *rib, struct rib_cursor *c);
/* cb for every path of up to max routes from c on; true when the table's end is reached. */
bool rib_cursor_next(struct rib *rib, struct rib_cursor *c, size_t max,
		     void (*cb)(void *ctx, const struct rib_route *r), void *ctx);
size_t rib_lookup(struct rib *rib, int fam, const uint8_t *nlri, size_t len,
		  void (*cb)(void *ctx, const struct rib_route *r), void *ctx);
/* Number of routes (keys) in fam's Loc-RIB. */
size_t rib_count(const struct rib *rib, int fam);
/* Paths of fam by count key (family_ops.count_key: EVPN's VNI): cb once per key with paths, in no
 * order, then once with has_key false for the paths without one (if any). O(keys): kept as paths
 * come and go. */
void rib_path_counts(const struct rib *rib, int fam,
		     void (*cb)(void *ctx, bool has_key, uint32_t key, uint64_t n), void *ctx);
/* Paths of fam, all sources. */
uint64_t rib_path_total(const struct rib *rib, int fam);

/* A candidate in best path selection. */
struct rib_cand {
	const struct attrs *a;
	const struct rib_peer *src;
	int fam;
};
/* Decision process: <0 when x is better than y, >0 when y is better, 0 only for equal sources.
 * EVPN type 2: sticky first, then higher MAC mobility sequence (RFC 7432 section 15); then local,
 * LOCAL_PREF, AS_PATH length, ORIGIN, MED (same neighbor AS), eBGP over iBGP, lowest
 * router id (ORIGINATOR_ID when present), shortest CLUSTER_LIST, lowest peer address. */
int rib_best_cmp(const struct rib_cand *x, const struct rib_cand *y);

#endif
