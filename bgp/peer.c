/* SPDX-License-Identifier: Apache-2.0 */
/* The FSM driver: runs fsm_step's actions on a peer and its connections, timers and restarts. */
#include "peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_log.h"

static double retry_base(const struct bgp *b)
{
	return b->g.connect_retry ? b->g.connect_retry : 3.0;
}

/* The RIB's send(): only an Established connection carries UPDATEs. */
static void peer_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct peer *p = ctx;

	if (p->est)
		conn_queue(p->est, msg, len);
}

static size_t peer_backlog(void *ctx)
{
	struct peer *p = ctx;
	return p->est ? conn_backlog(p->est) : 0;
}

static void peer_push(void *ctx)
{
	struct peer *p = ctx;
	if (p->est)
		conn_push(p->est);
}

static void retry_start(struct peer *p)
{
	ev_timer_stop(p->bgp->loop, &p->retry);
	ev_timer_set(&p->retry, p->backoff, 0.);
	ev_timer_start(p->bgp->loop, &p->retry);
}

static void peer_fsm_as(struct peer *p, enum fsm_event e, bool passive)
{
	struct fsm_step s = fsm_step(p->st, e, passive);

	bgp_log(LOG_DEBUG, "peer %s: %s in %s -> %s", p->name, fsm_event_name(e),
		fsm_state_name(p->st), fsm_state_name(s.next));
	if (s.actions & A_RETRY_STOP)
		ev_timer_stop(p->bgp->loop, &p->retry);
	if ((s.actions & A_CLOSE) && p->conn[CONN_OUT] && p->conn[CONN_OUT]->st == ST_CONNECT)
		conn_free(p->conn[CONN_OUT]);
	if (s.actions & A_BACKOFF)
		p->backoff = p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : p->backoff * 2;
	if (s.next != p->st)
		p->since = bgp_mono_now();
	p->st = s.next;
	if (s.actions & A_RETRY_TIMER)
		retry_start(p);
	if ((s.actions & A_CONNECT) && !p->conn[CONN_OUT] && conn_connect(p) < 0)
		p->st = ST_ACTIVE; /* the retry timer tries again */
}

static void peer_fsm(struct peer *p, enum fsm_event e)
{
	peer_fsm_as(p, e, p->cfg.passive);
}

/* Our SYN went unanswered. With MD5 or GTSM that is what a mismatch looks like: the peer's kernel
 * drops the segments without a word. Say so, with this namespace's MD5 drop counters. */
static void log_unanswered(struct peer *p)
{
	uint64_t v[3];
	uint32_t held;
	char md5[128] = "";

	if (!ratelim_ok(&p->errlog, bgp_mono_now(), REMOTE_ERR_LOG_INTERVAL, &held))
		return;
	if (p->cfg.password[0] && tcp_md5_counters(v) == 0)
		snprintf(md5, sizeof md5, "; this host's TCP MD5 drops so far: %llu unsigned, %llu "
			 "unexpectedly signed, %llu failed", (unsigned long long)v[0],
			 (unsigned long long)v[1], (unsigned long long)v[2]);
	bgp_log(LOG_WARNING, "peer %s: connection not answered; %s%s%s%s", p->name,
		p->cfg.password[0] ? "a TCP MD5 password missing or different on either side drops "
				     "every segment" : "",
		p->cfg.password[0] && p->cfg.ttl_security ? ", and " : "",
		p->cfg.ttl_security ? "ttl-security drops a peer further than one hop or not sending "
				      "TTL 255" : "", held ? " (and earlier attempts)" : "");
	if (md5[0])
		bgp_log(LOG_INFO, "peer %s: %s", p->name, md5 + 2);
}

/* ConnectRetryTimer, or in Idle the automatic restart after the backoff interval. */
static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer *p = w->data;

	if (p->limit_down) {
		/* max-routes-restart elapsed */
		p->limit_down = false;
		bgp_log(LOG_NOTICE, "peer %s: max-routes restart delay over, starting", p->name);
		peer_start(p);
		return;
	}
	if (p->admin_down)
		return;
	if (p->st == ST_IDLE) {
		peer_fsm(p, EV_START);
		return;
	}
	/* A connection past Active is already negotiating: no second attempt. */
	for (int d = 0; d < 2; d++)
		if (p->conn[d] && p->conn[d]->st >= ST_OPENSENT)
			return;
	if (p->conn[CONN_OUT] && p->conn[CONN_OUT]->st == ST_CONNECT &&
	    (p->cfg.password[0] || p->cfg.ttl_security))
		log_unanswered(p);
	peer_fsm(p, EV_CONNECT_RETRY);
}

static void timer_set(struct ev_loop *loop, ev_timer *t, double after)
{
	ev_timer_stop(loop, t);
	if (after > 0) {
		ev_timer_set(t, after, 0.);
		ev_timer_start(loop, t);
	}
}

/* Graceful restart, helper side: the neighbor did not come back within its restart time, or did
 * not send End-of-RIB within ours once back: what is still stale goes. */
static void gr_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer *p = w->data;
	uint32_t n = p->rp.stale;
	(void)loop;
	(void)revents;

	if (!n)
		return;
	if (p->est)
		bgp_log(LOG_WARNING, "peer %s: no End-of-RIB within %u s of its return: removing its %u "
			"stale route%s", p->name, p->bgp->g.restart_time, n, n == 1 ? "" : "s");
	else
		bgp_log(LOG_NOTICE, "peer %s: not back within its restart time (%u s): removing its %u "
			"route%s", p->name, p->gr_time, n, n == 1 ? "" : "s");
	rib_peer_sweep(p->bgp->rib, &p->rp, FAM_ALL, true);
}

void peer_gr_eor(struct peer *p, int fam)
{
	if (!p->rp.stale || fam < 0 || fam >= FAM_COUNT)
		return;
	size_t n = rib_peer_sweep(p->bgp->rib, &p->rp, FAM_BIT(fam), true);
	bgp_log(LOG_INFO, "peer %s: End-of-RIB for %s after its restart: %zu stale route%s removed",
		p->name, family_table[fam].name, n, n == 1 ? "" : "s");
	if (!p->rp.stale)
		ev_timer_stop(p->bgp->loop, &p->gr_timer);
}

int peer_ttl(const struct peer *p)
{
	if (p->rp.kind != SRC_EBGP)
		return 0;
	return p->cfg.ebgp_multihop ? p->cfg.ebgp_multihop : 1;
}

struct peer *peer_new(struct bgp *b, const struct bgp_neighbor *n)
{
	struct peer *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->bgp = b;
	p->cfg = *n;
	if (!p->cfg.port)
		p->cfg.port = BGP_PORT;
	p->rp.kind = n->remote_as == b->g.asn ? SRC_IBGP : SRC_EBGP;
	p->rp.rr_client = n->rr_client;
	p->rp.remote_as = n->remote_as;
	p->rp.local_as = n->local_as;
	p->rp.next_hop_self = n->next_hop_self;
	p->rp.addr = n->addr;
	if (b->g.nexthop.af)
		p->rp.nexthop_self = b->g.nexthop;
	else
		ipaddr_from_v4(&p->rp.nexthop_self, b->g.router_id);
	p->rp.send = peer_send;
	p->rp.backlog = peer_backlog;
	p->rp.push = peer_push;
	p->rp.ctx = p;
	ipaddr_str(&n->addr, p->name);
	p->backoff = retry_base(b);
	p->st = ST_IDLE;
	p->admin_down = true;
	p->since = bgp_mono_now();
	ev_init(&p->retry, retry_cb);
	p->retry.data = p;
	ev_init(&p->gr_timer, gr_cb);
	p->gr_timer.data = p;
	if (rib_peer_add(b->rib, &p->rp) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

void peer_free(struct peer *p)
{
	peer_stop(p);
	ev_timer_stop(p->bgp->loop, &p->gr_timer);
	rib_peer_remove(p->bgp->rib, &p->rp);
	free(p);
}

void peer_start(struct peer *p)
{
	p->admin_down = false;
	if (p->st == ST_IDLE && !p->conn[CONN_OUT] && !p->conn[CONN_IN]) {
		ev_timer_stop(p->bgp->loop, &p->retry);
		peer_fsm(p, EV_START);
	}
}

static void stop_with(struct peer *p, const struct bgp_err *e)
{
	p->admin_down = true;
	p->limit_down = false;
	ev_timer_stop(p->bgp->loop, &p->retry);
	for (int d = 0; d < 2; d++) {
		if (p->conn[d]) {
			p->conn[d]->notify = *e;
			conn_event(p->conn[d], EV_STOP);
		}
	}
	p->st = ST_IDLE;
	p->backoff = retry_base(p->bgp);
}

void peer_stop_silent(struct peer *p)
{
	p->admin_down = true;
	p->limit_down = false;
	ev_timer_stop(p->bgp->loop, &p->retry);
	if (p->est)
		p->est = NULL; /* no peer_down: the RIB goes with the speaker */
	for (int d = 0; d < 2; d++)
		if (p->conn[d])
			conn_free(p->conn[d]);
}

void peer_stop(struct peer *p)
{
	static const struct bgp_err admin = { .code = ERR_CEASE, .subcode = ERR_CEASE_ADMIN_DOWN };

	stop_with(p, &admin);
}

void peer_stop_limit(struct peer *p, const struct bgp_err *e, uint32_t restart)
{
	stop_with(p, e);
	if (!restart)
		return; /* as FRR's maximum-prefix without restart: down until an operator acts */
	/* admin_down keeps incoming connections out until the delay is over */
	p->limit_down = true;
	ev_timer_set(&p->retry, (double)restart, 0.);
	ev_timer_start(p->bgp->loop, &p->retry);
}

enum fsm_state peer_state(const struct peer *p)
{
	enum fsm_state s = p->st;

	for (int d = 0; d < 2; d++)
		if (p->conn[d] && p->conn[d]->st > s)
			s = p->conn[d]->st;
	return s;
}

int peer_collision(enum conn_dir dir, enum fsm_state other_st, bool other_open, uint32_t local_id,
		   uint32_t remote_id)
{
	if (other_st == ST_ESTABLISHED)
		return dir; /* an established session always wins */
	if (other_st != ST_OPENCONFIRM && !(other_st == ST_OPENSENT && other_open))
		return -1;  /* the other has no OPEN yet: decided when it gets one */
	/* The side with the higher BGP identifier keeps the connection it initiated. */
	return local_id < remote_id ? CONN_OUT : CONN_IN;
}

static void peer_up(struct peer *p, struct conn *c)
{
	static const struct bgp_err collision = { .code = ERR_CEASE, .subcode = ERR_CEASE_COLLISION };
	struct bgp *b = p->bgp;
	struct conn *other = p->conn[!c->dir];

	p->est = c;
	if (other) {
		other->notify = collision;
		conn_event(other, EV_COLLISION);
	}
	ev_timer_stop(b->loop, &p->retry);
	p->backoff = retry_base(b);
	p->since = bgp_mono_now();
	p->last_error[0] = '\0';
	memset(p->eor_rcvd, 0, sizeof p->eor_rcvd);
	p->maxr_warned = false;
	p->gr_hard = false;
	p->rp.router_id = c->open.bgp_id;
	p->rp.fam_mask = p->cfg.fam_mask & c->open.fam_mask;
	p->gr_fams = c->open.gr && c->open.gr_time ? c->open.gr_fam_mask & p->rp.fam_mask : 0;
	p->gr_time = c->open.gr_time;
	if (p->rp.stale) {
		/* back from a graceful restart (RFC 4724 section 4.2): what it did not keep forwarding
		 * goes now, the rest when its End-of-RIB comes (or after our restart time) */
		uint32_t keep = c->open.gr ? c->open.gr_fwd_mask & p->rp.fam_mask : 0;
		size_t n = rib_peer_sweep(b->rib, &p->rp, ~keep & FAM_ALL, true);
		if (n)
			bgp_log(LOG_NOTICE, "peer %s: back from a graceful restart without forwarding "
				"state for some families: %zu of its stale routes removed", p->name, n);
		bgp_log(LOG_NOTICE, "peer %s: back from a graceful restart: %u stale route%s kept until "
			"its End-of-RIB", p->name, p->rp.stale, p->rp.stale == 1 ? "" : "s");
		if (p->rp.stale)
			timer_set(b->loop, &p->gr_timer, b->g.restart_time ? b->g.restart_time : 120);
		else
			ev_timer_stop(b->loop, &p->gr_timer);
	}
	bgp_log(LOG_NOTICE, "peer %s: session established (%s, hold time %u)", p->name,
		c->dir == CONN_OUT ? "outgoing" : "incoming", c->hold_time);
	if (!p->rp.fam_mask)
		bgp_log(LOG_WARNING, "peer %s: no address family in common, exchanging no routes",
			p->name);
	rib_peer_up(b->rib, &p->rp);
	if (b->h.peer_state)
		b->h.peer_state(b->h.ctx, &p->cfg.addr, true);
}

static void peer_down(struct peer *p)
{
	struct bgp *b = p->bgp;

	p->est = NULL;
	p->flaps++;
	p->since = bgp_mono_now();
	bgp_log(LOG_NOTICE, "peer %s: session down%s%s", p->name, p->last_error[0] ? ": " : "",
		p->last_error);
	if (b->g.graceful_restart && p->gr_fams && !p->gr_hard && !p->admin_down) {
		/* RFC 4724 section 4.2: the TCP session ended without a NOTIFICATION from a neighbor
		 * that restarts gracefully: keep its routes (and so the kernel's entries) as they are */
		rib_peer_stale(b->rib, &p->rp, p->gr_fams);
		timer_set(b->loop, &p->gr_timer, p->gr_time);
		bgp_log(LOG_NOTICE, "peer %s: graceful restart: keeping its %u route%s for up to %u s",
			p->name, p->rp.stale, p->rp.stale == 1 ? "" : "s", p->gr_time);
	} else {
		ev_timer_stop(b->loop, &p->gr_timer);
		rib_peer_down(b->rib, &p->rp);
	}
	p->rp.fam_mask = 0;
	if (b->h.peer_state)
		b->h.peer_state(b->h.ctx, &p->cfg.addr, false);
}

/* A connection closed; decide the peer's state from what is left. */
static void peer_conn_gone(struct peer *p, enum fsm_state next)
{
	struct conn *left = p->conn[CONN_OUT] ? p->conn[CONN_OUT] : p->conn[CONN_IN];

	if (p->admin_down)
		return;
	if (left) {
		/* only our connect attempt is left: make sure something retries it */
		if (left->st == ST_CONNECT && !ev_is_active(&p->retry))
			retry_start(p);
		return;
	}
	p->since = bgp_mono_now();
	if (next == ST_ACTIVE) {
		p->st = ST_ACTIVE;
		if (!p->cfg.passive)
			retry_start(p);
		return;
	}
	p->st = ST_IDLE;
	bgp_log(LOG_DEBUG, "peer %s: restart in %.0f s", p->name, p->backoff);
	retry_start(p);
}


bool conn_event(struct conn *c, enum fsm_event e)
{
	struct peer *p = c->peer;
	struct ev_loop *loop = p->bgp->loop;
	struct fsm_step s = fsm_step(c->st, e, p->cfg.passive);
	uint32_t a = s.actions;

	bgp_log(LOG_DEBUG, "peer %s: %s connection: %s in %s -> %s", p->name,
		c->dir == CONN_OUT ? "outgoing" : "incoming", fsm_event_name(e),
		fsm_state_name(c->st), fsm_state_name(s.next));
	/* NOTIFICATION first: A_CLOSE flushes it before the socket goes. */
	if (a & A_SEND_NOTIFY)
		conn_send_notify(c);
	if (a & A_SEND_OPEN)
		conn_send_open(c);
	if (a & A_SEND_KEEPALIVE)
		conn_send_keepalive(c);
	if (a & A_RETRY_STOP)
		ev_timer_stop(loop, &p->retry);
	if (a & A_TIMERS_STOP) {
		ev_timer_stop(loop, &c->hold);
		ev_timer_stop(loop, &c->ka);
	}
	if (a & A_HOLD_LARGE)
		timer_set(loop, &c->hold, HOLD_LARGE);
	if (a & A_HOLD_NEG)
		timer_set(loop, &c->hold, c->hold_time);
	if (a & A_KEEPALIVE_START)
		timer_set(loop, &c->ka, c->keepalive);
	if (a & A_BACKOFF)
		p->backoff = p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : p->backoff * 2;
	c->st = s.next;
	if (a & A_ESTABLISHED)
		peer_up(p, c);
	if (a & A_DOWN)
		peer_down(p);
	if (a & A_CLOSE) {
		conn_free(c);
		peer_conn_gone(p, s.next);
		return false;
	}
	return true;
}

void peer_accept(struct peer *p, int fd)
{
	static const struct bgp_err collision = { .code = ERR_CEASE, .subcode = ERR_CEASE_COLLISION };
	struct conn *c;

	if (p->admin_down) {
		bgp_log(LOG_DEBUG, "peer %s: connection refused: administratively down", p->name);
		conn_reject(fd, NULL);
		return;
	}
	if (p->st == ST_IDLE) {
		/* The neighbor is ready now: refusing it until our backoff ends makes two restarted
		 * speakers with the same backoff knock in turn for many seconds. Start at once, but
		 * passively: a connection of ours now would collide with this one, and a neighbor with
		 * the lower identifier would close the very session we are about to establish (it
		 * keeps the one we initiate). If this one fails, the retry timer connects. */
		ev_timer_stop(p->bgp->loop, &p->retry);
		peer_fsm_as(p, EV_START, true);
	}
	if (p->est) {
		bgp_log(LOG_INFO, "peer %s: incoming connection while established, closing", p->name);
		conn_reject(fd, &collision);
		return;
	}
	if (p->conn[CONN_IN]) {
		/* a newer incoming connection replaces one the neighbor has evidently given up */
		p->conn[CONN_IN]->notify = collision;
		conn_send_notify(p->conn[CONN_IN]);
		conn_free(p->conn[CONN_IN]);
	}
	c = conn_new(p, fd, CONN_IN, false);
	if (c)
		conn_event(c, EV_TCP_ACCEPTED);
}
