/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MAC mobility (RFC 7432 section 15) and duplicate address detection: the pure decisions between a
 * local MAC and the remote routes that claim it. No state of their own: the MAC owner (macs.c)
 * loads a (VNI, MAC) into a struct mob_view, asks, and stores what they decided.
 *
 * Sequence numbers: a route without the community counts as 0 for the sequence we advertise
 * (RFC 7432: the first move gets 1), but as lower than an explicit 0 when a remote route is compared
 * with our local one: GoBGP gives its first move 0, and must win over our community-less route.
 */
#ifndef EVPND_EVPN_MOBILITY_H
#define EVPND_EVPN_MOBILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mob_tab.h"
#include "nl.h"

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

#endif
