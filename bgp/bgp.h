/* SPDX-License-Identifier: Apache-2.0 */
/* The BGP speaker as the agent sees it: configure, start, originate local routes, inspect. */
#ifndef EVPND_BGP_BGP_H
#define EVPND_BGP_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attr.h"
#include "family.h"
#include "rib.h"
#include "types.h"

struct ev_loop;
struct bgp;

#define BGP_PASSWORD_MAX 80 /* TCP_MD5SIG_MAXKEYLEN */

struct bgp_global {
	uint32_t asn;
	uint32_t router_id;       /* host order */
	uint32_t cluster_id;      /* host order; 0: router_id */
	struct ipaddr listen_addr; /* af 0: all addresses (IPv6 socket accepting IPv4 too) */
	uint16_t listen_port;     /* 0: do not listen */
	uint16_t hold_time;       /* default for neighbors: 90 */
	uint16_t connect_retry;   /* first retry interval in seconds (0: 3; backoff doubles up to 30) */
	/* RFC 9687: a session whose neighbor reads nothing of what waits for it this long is reset
	 * (0: the larger of 8 minutes and twice the negotiated hold time) */
	uint16_t send_hold_time;
	bool graceful_restart;    /* RFC 4724: restarting speaker and helper */
	uint16_t restart_time;    /* advertised; also how long a returning neighbor gets for its EoR */
	uint32_t gr_forwarding;   /* families whose forwarding state survives our restart (F bits) */
	struct ipaddr nexthop;    /* next hop of local routes; af 0: the router id */
};

struct bgp_neighbor {
	struct ipaddr addr;
	uint16_t port;            /* 0: 179 */
	uint32_t remote_as;
	bool passive;
	uint16_t hold_time;       /* as resolved by the caller; 0: no keepalives (RFC 4271 4.2) */
	uint32_t fam_mask;
	bool rr_client;
	struct ipaddr local_addr; /* af 0: chosen by the kernel */
	char password[BGP_PASSWORD_MAX + 1]; /* TCP MD5 key (RFC 2385); "": none */
	bool ttl_security;        /* GTSM (RFC 5082): send TTL 255, accept only TTL 255 */
	uint32_t max_routes;      /* paths accepted per family before Cease/1; 0: no limit */
	uint32_t max_routes_restart; /* seconds down after Cease/1; 0: down until evpnd restarts */
	/* eBGP fabrics (RFC 7938): */
	bool next_hop_self;       /* our address as next hop even for a family that keeps it (EVPN) */
	uint8_t allowas_in;       /* paths with our AS up to this many times are no loop */
	uint8_t ebgp_multihop;    /* eBGP TTL; 0: 1, the neighbor is directly connected */
	uint32_t local_as;        /* the AS this (eBGP) neighbor sees us as; 0: [global] asn */
};

struct bgp_hooks {
	/* A route's best path changed (a NULL attrs: no path left). src is NULL for local routes. */
	void (*best_changed)(void *ctx, int fam, const uint8_t *nlri, size_t len,
			     const struct attrs *a, const struct ipaddr *src);
	/* A neighbor entered or left Established. */
	void (*peer_state)(void *ctx, const struct ipaddr *peer, bool up);
	void *ctx;
};

/* What `show neighbors` prints for one neighbor. */
struct bgp_neighbor_info {
	struct ipaddr addr;
	uint32_t remote_as;
	const char *state;        /* fsm_state_name */
	time_t uptime;            /* seconds in Established, or since last state change */
	bool established;
	uint32_t fam_mask;        /* negotiated */
	uint16_t hold_time;       /* negotiated */
	uint16_t keepalive;
	uint32_t remote_id;
	uint64_t msgs_in, msgs_out, updates_in, updates_out;
	uint32_t rcvd[FAM_COUNT];      /* paths in Adj-RIB-In */
	uint32_t accepted[FAM_COUNT];  /* of those, best */
	uint32_t advertised[FAM_COUNT];
	uint32_t flaps;
	bool eor_rcvd[FAM_COUNT];      /* End-of-RIB received this session (RFC 4724) */
	uint32_t stale;           /* its paths kept stale through its graceful restart */
	bool restarting;          /* down, its routes kept until it returns or its restart time ends */
	char last_error[96];      /* last NOTIFICATION sent or received, or socket error */
};

/* Create the speaker on loop. Returns NULL on allocation failure. */
struct bgp *bgp_new(struct ev_loop *loop, const struct bgp_global *g, const struct bgp_hooks *h);
/* Add a configured neighbor (before or after bgp_start). -1 on duplicate address. */
int bgp_neighbor_add(struct bgp *b, const struct bgp_neighbor *n);
/* Open the listening socket and start every non-passive neighbor. -1 with errno set. */
int bgp_start(struct bgp *b);
/* Send Cease to every established neighbor and close every connection. */
void bgp_stop(struct bgp *b);
/* Free everything (calls bgp_stop first when needed). */
void bgp_free(struct bgp *b);

/* Originate or replace a local route. origin and AS_PATH are set by the speaker; tmpl's next hop
 * (af 0: the global next hop), extended communities and PMSI are used as given. */
int bgp_local_add(struct bgp *b, int fam, const uint8_t *nlri, size_t len, const struct attrs *tmpl);
/* Withdraw a local route by key. 0 removed, 1 not present. */
int bgp_local_del(struct bgp *b, int fam, const uint8_t *nlri, size_t len);

/* Hold End-of-RIB to every neighbor while the local routes are still being learned (rib_hold_eor). */
void bgp_hold_eor(struct bgp *b, bool hold);
/* Make room for n routes of family fam at once (a restart that knows how many to expect), so
 * their arrival does not grow the table, rehashing it whole, in the middle. -1: out of memory. */
int bgp_reserve(struct bgp *b, int fam, size_t n);
/* Call cb for every configured neighbor, in configuration order. */
void bgp_neighbors(struct bgp *b, void (*cb)(void *ctx, const struct bgp_neighbor_info *n), void *ctx);
/* The RIB, for walking routes. */
struct rib *bgp_rib(struct bgp *b);
/* Format a route's source for display/JSON: "local" or the peer's address. Returns buf. */
const char *bgp_src_str(const struct rib_peer *src, char *buf);

#endif
