/* SPDX-License-Identifier: Apache-2.0 */
/* Counters of the BGP speaker for metrics (agent/metrics.c): per neighbor, read-only snapshots. */
#ifndef EVPND_BGP_BGP_STATS_H
#define EVPND_BGP_BGP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "family.h"
#include "types.h"

struct bgp;

/* Message type slots: 0 counts types outside RFC 4271/2918's 1..5. */
#define BGP_STATS_TYPES 6

/* One neighbor's counters since evpnd started (they survive session resets). */
struct bgp_peer_stats {
	struct ipaddr addr;
	const char *state;                  /* fsm_state_name: "idle" .. "established" */
	bool established;
	uint64_t msgs_in[BGP_STATS_TYPES];  /* by message type */
	uint64_t msgs_out[BGP_STATS_TYPES];
	uint32_t rcvd[FAM_COUNT];           /* paths in its Adj-RIB-In now */
	uint32_t accepted[FAM_COUNT];       /* of those, best */
	uint32_t advertised[FAM_COUNT];     /* paths advertised to it now */
	uint32_t flaps;                     /* times it left Established */
};

/* The lower-case name of message type slot t ("open", ... "route_refresh", "unknown"). */
const char *bgp_stats_type_name(int t);
/* Call cb for every configured neighbor, in configuration order. */
void bgp_stats_peers(struct bgp *b, void (*cb)(void *ctx, const struct bgp_peer_stats *s), void *ctx);

#endif
