/* SPDX-License-Identifier: Apache-2.0 */
/* Operator actions on sessions (bgp_admin.h), on the peer internals of peer.h. */
#include "bgp_admin.h"

#include <errno.h>
#include <string.h>

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

int bgp_neighbor_remove(struct bgp *b, const struct ipaddr *a)
{
	static const struct bgp_err unconf = { .code = ERR_CEASE, .subcode = ERR_CEASE_PEER_UNCONF };
	struct peer *p = bgp_peer_find(b, a), **pp;

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	bgp_log(LOG_NOTICE, "peer %s: removed from the configuration", p->name);
	p->admin_down = true;
	p->limit_down = false;
	ev_timer_stop(b->loop, &p->retry);
	for (int d = 0; d < 2; d++) {
		if (p->conn[d]) {
			p->conn[d]->notify = unconf;
			conn_event(p->conn[d], EV_STOP);
		}
	}
	/* the listener must stop answering its signed SYNs (RFC 2385 keys are per address) */
	if (b->lfd >= 0 && p->cfg.password[0] && (p->cfg.addr.af != AF_INET6 || b->lfd_v6))
		sock_md5(b->lfd, &p->cfg.addr, "", b->lfd_v6);
	for (pp = &b->peers; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	if (b->peers_tail == &p->next)
		b->peers_tail = pp;
	peer_free(p); /* its paths leave the RIB: best paths are decided again, FDB entries follow */
	return 0;
}

/* Whether the session needs no reset to go from x to y: every field but the max-routes pair
 * (field by field: padding is not compared; a field added to bgp_neighbor must be added here). */
static bool session_same(const struct bgp_neighbor *x, const struct bgp_neighbor *y)
{
	return !ipaddr_cmp(&x->addr, &y->addr) && (x->port ? x->port : BGP_PORT) ==
	       (y->port ? y->port : BGP_PORT) && x->remote_as == y->remote_as &&
	       x->passive == y->passive && x->hold_time == y->hold_time &&
	       x->fam_mask == y->fam_mask && x->rr_client == y->rr_client &&
	       x->local_addr.af == y->local_addr.af &&
	       (!x->local_addr.af || !ipaddr_cmp(&x->local_addr, &y->local_addr)) &&
	       !strcmp(x->password, y->password) && x->ttl_security == y->ttl_security &&
	       x->next_hop_self == y->next_hop_self && x->allowas_in == y->allowas_in &&
	       x->ebgp_multihop == y->ebgp_multihop && x->local_as == y->local_as;
}

int bgp_neighbor_change(struct bgp *b, const struct bgp_neighbor *n)
{
	struct peer *p = bgp_peer_find(b, &n->addr);
	const struct bgp_neighbor want = *n;

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	if (session_same(&p->cfg, &want)) {
		if (p->cfg.max_routes == want.max_routes &&
		    p->cfg.max_routes_restart == want.max_routes_restart)
			return 2;
		/* read at every UPDATE and at the next limit hit: nothing else to do */
		p->cfg.max_routes = want.max_routes;
		p->cfg.max_routes_restart = want.max_routes_restart;
		bgp_log(LOG_NOTICE, "peer %s: max-routes %u, max-routes-restart %u (session kept)",
			p->name, want.max_routes, want.max_routes_restart);
		return 0;
	}
	if (bgp_neighbor_remove(b, &n->addr) < 0 || bgp_neighbor_add(b, n) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 1;
}
