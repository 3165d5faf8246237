/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner's state (macs.h tells what the owner is): its life cycle, its clock, and the
 * read-only answers everyone may ask of it (entries, sequences, duplicate state, counts, the rows
 * of `show macs`). Reads only: every change goes through the events of macs.h, macs_ip.h and
 * macs_sync.h.
 */
#ifndef EVPND_EVPN_MACS_STATE_H
#define EVPND_EVPN_MACS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "types.h"

struct adv;
struct attrs;
struct bgp;
struct config;
struct evpn_route;
struct kreq;
struct macs;
struct mob_ent;
struct vni;
struct vni_tab;
struct vteps;
struct ev_loop;

/* What the owner works with, lent by the engine for the owner's life. */
struct macs_env {
	const struct config *cfg;
	struct ev_loop *loop;       /* NULL in unit tests (then the clock is macs_test_now) */
	struct bgp *bgp;            /* the RIB, for a peer's MAC-only route beside a MAC+IP one */
	struct vni_tab *vt;         /* read, and asked for bridge VLAN keys (vt_lkey) */
	struct vteps *vteps;
	struct kreq *kq;
	const struct adv *adv;
};

/* A new owner with empty tables; NULL when out of memory. */
struct macs *macs_new(const struct macs_env *env);
/* Free every table (no requests). */
void macs_free(struct macs *m);
/* From now on change nothing in the kernel (the daemon is stopping). */
void macs_stop(struct macs *m);
/* The clock when there is no event loop (unit tests), seconds. */
extern uint32_t macs_test_now;

/* Now in seconds (the loop's time; macs_test_now without a loop). */
uint32_t macs_now(const struct macs *m);

/* The sequence we advertise for v's local MAC mac (0 when it never moved). */
uint32_t macs_local_seq(const struct macs *m, const struct vni *v, const uint8_t mac[6]);
/* Whether (v, mac) is marked duplicate (not advertised until recovered). */
bool macs_is_dup(const struct macs *m, const struct vni *v, const uint8_t mac[6]);
/* The mobility side entries of (vni, mac) into out (at most max); returns how many there are. */
size_t macs_side_get(const struct macs *m, uint32_t vni, const uint8_t mac[6], struct mob_ent *out,
		     size_t max);
/* Table sizes: installed remote MACs, local MACs, mobility side entries, remote and local
 * MAC+IP bindings. */
struct macs_counts {
	size_t remote, local, side, neigh_remote, neigh_local;
	uint64_t moves;             /* MAC location changes seen by duplicate detection */
	uint64_t duplicates;        /* MACs marked duplicate */
};
void macs_counts(const struct macs *m, struct macs_counts *out);
/* The remote MAC+IP binding of (bridge, ip), installed as an ARP/ND entry: true and *out. */
struct macs_neigh {
	uint8_t mac[6];
	bool stale;                 /* adopted at start-up, no route wants it yet */
};
bool macs_neigh_remote_get(const struct macs *m, int bridge, const struct ipaddr *ip,
			   struct macs_neigh *out);

/* One row of `show macs`: a local or an installed MAC, or a duplicate that is neither. */
struct macs_row {
	uint32_t vni;
	uint8_t mac[6];
	enum { MACS_LOCAL, MACS_REMOTE, MACS_NOWHERE } where;
	const struct vni *v;
	uint32_t port;              /* local: the bridge port */
	uint16_t vtep;              /* remote: vteps.h index */
	uint32_t seq;
	bool sticky, duplicate, frozen;
	uint32_t moves;             /* in the current window (or since it became duplicate) */
	bool has_age;
	uint32_t age;               /* seconds since its last move (MACs that never moved: none) */
};
/* Rows for VNI vni (0: all) and mac (NULL: all), unordered. O(MACs): for a reply, macs_rows_next. */
void macs_rows(const struct macs *m, uint32_t vni, const uint8_t *mac,
	       void (*cb)(void *ctx, const struct macs_row *r), void *ctx);
/* Where a paused walk of the rows is (zeroed: the start). */
struct macs_rows_pos {
	unsigned phase;             /* local MACs, remote MACs, duplicates seen nowhere, done */
	size_t pos;
};
/* The same rows, a step at a time: cb for the rows among the next max entries from *at on, *at
 * advanced past them; true once the end is reached. Between calls the tables may change: a MAC
 * added or removed meanwhile may be missed or shown twice (a display, not a snapshot). */
bool macs_rows_next(const struct macs *m, struct macs_rows_pos *at, uint32_t vni,
		    const uint8_t *mac, size_t max, void (*cb)(void *ctx, const struct macs_row *r),
		    void *ctx);

/* The tables an audit compares with the kernel (audit.h), lent read-only for the call. */
struct mac_tab;
const struct mac_tab *macs_remote_tab(const struct macs *m);
const struct mac_tab *macs_local_tab(const struct macs *m);

#endif
