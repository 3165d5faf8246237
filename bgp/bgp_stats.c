/* SPDX-License-Identifier: Apache-2.0 */
/* Counters of the BGP speaker for metrics (see bgp_stats.h). */
#include "bgp_stats.h"

#include <string.h>

#include "fsm.h"
#include "peer.h"

const char *bgp_stats_type_name(int t)
{
	static const char *const names[BGP_STATS_TYPES] = {
		"unknown", "open", "update", "notification", "keepalive", "route_refresh",
	};
	return t > 0 && t < BGP_STATS_TYPES ? names[t] : names[0];
}

void bgp_stats_peers(struct bgp *b, void (*cb)(void *ctx, const struct bgp_peer_stats *s), void *ctx)
{
	for (struct peer *p = b->peers; p; p = p->next) {
		struct bgp_peer_stats s;

		memset(&s, 0, sizeof s);
		s.addr = p->cfg.addr;
		s.state = fsm_state_name(peer_state(p));
		s.established = p->est != NULL;
		memcpy(s.msgs_in, p->msgs_in_type, sizeof s.msgs_in);
		memcpy(s.msgs_out, p->msgs_out_type, sizeof s.msgs_out);
		memcpy(s.rcvd, p->rp.rcvd, sizeof s.rcvd);
		memcpy(s.accepted, p->rp.accepted, sizeof s.accepted);
		memcpy(s.advertised, p->rp.advertised, sizeof s.advertised);
		s.flaps = p->flaps;
		cb(ctx, &s);
	}
}
