/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pure per-neighbor checks used on import, kept apart from the sockets so they are unit-tested:
 * the RFC 4456 reflection loop check, max-routes accounting, and the log rate limit for remote
 * errors (a misbehaving peer must not flood the log).
 */
#ifndef EVPND_BGP_PEER_POLICY_H
#define EVPND_BGP_PEER_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "attr.h"

#define REMOTE_ERR_LOG_INTERVAL 10.0 /* seconds: at most one remote-error line per peer */

/* RFC 4456 section 8: true when a's ORIGINATOR_ID is router_id or its CLUSTER_LIST holds
 * cluster_id (both host order): the route has looped and is discarded. */
bool rr_loop(const struct attrs *a, uint32_t router_id, uint32_t cluster_id);

enum maxr_verdict {
	MAXR_OK = 0,     /* nothing to do */
	MAXR_WARN = 1,   /* first time at or above 90% of the limit: log a warning */
	MAXR_EXCEED = 2, /* more than limit paths: close the session with Cease/1 */
};

/* max-routes accounting: count paths received against limit (0: no limit). *warned remembers the
 * 90% warning so it is given once per session (the caller clears it when the session comes up). */
enum maxr_verdict maxr_check(uint32_t count, uint32_t limit, bool *warned);

/* A log rate limit: at most one line per interval; the lines held back are counted. */
struct ratelim {
	double last;          /* time of the last line let through; 0: none yet */
	uint32_t suppressed;  /* lines held back since */
};

/* Whether a line may be logged at now (seconds, monotonic). When true, *suppressed gets the number
 * of lines held back since the previous one (to be logged with it) and the count restarts. */
bool ratelim_ok(struct ratelim *r, double now, double interval, uint32_t *suppressed);

#endif
