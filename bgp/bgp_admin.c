/* Operator actions on sessions (bgp_admin.h), on the peer internals of peer.h. */
#include "bgp_admin.h"

#include <errno.h>

#include "bgp_log.h"
#include "peer.h"

#define RESET_DELAY 0.1 /* seconds from the NOTIFICATION to the new connection */

int bgp_neighbor_reset(struct bgp *b, const struct ipaddr *a)
{
	static const struct bgp_err reset = { .code = ERR_CEASE, .subcode = ERR_CEASE_ADMIN_RESET };
	struct peer *p = bgp_peer_find(b, a);

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	bgp_log(LOG_NOTICE, "peer %s: session reset by the operator", p->name);
	/* admin_down while the connections close: no automatic restart is scheduled behind ours */
	p->admin_down = true;
	p->limit_down = false;
	ev_timer_stop(b->loop, &p->retry);
	for (int d = 0; d < 2; d++) {
		if (p->conn[d]) {
			p->conn[d]->notify = reset;
			conn_event(p->conn[d], EV_STOP);
		}
	}
	p->st = ST_IDLE;
	p->backoff = b->g.connect_retry ? b->g.connect_retry : 3.0;
	if (!b->started)
		return 0;
	/* Not at once: a SYN that reaches the neighbor in the same instant as our NOTIFICATION is
	 * accepted before the NOTIFICATION is read, finds the old session still established and is
	 * closed as a collision, and both sides then wait out their backoff. The retry timer in Idle
	 * is the automatic start; an incoming connection meanwhile is taken at once. */
	p->admin_down = false;
	ev_timer_set(&p->retry, RESET_DELAY, 0.);
	ev_timer_start(b->loop, &p->retry);
	return 0;
}
