/* SPDX-License-Identifier: Apache-2.0 */
/* Received BGP messages (OPEN checks, UPDATE import, NOTIFICATION, ROUTE-REFRESH) and our own. */
#include "peer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp_log.h"
#include "update.h"


static const struct bgp_err cease_collision = { .code = ERR_CEASE, .subcode = ERR_CEASE_COLLISION };

static void put_be(struct bgp_err *e, uint32_t v, unsigned bytes)
{
	e->data_len = (uint8_t)bytes;
	for (unsigned i = 0; i < bytes; i++)
		e->data[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* Remote errors are logged at most once per REMOTE_ERR_LOG_INTERVAL per peer, with the number of
 * lines held back since the previous one. */
static void remote_err_log(struct peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void remote_err_log(struct peer *p, const char *fmt, ...)
{
	char line[256];
	uint32_t held;
	va_list ap;

	if (!ratelim_ok(&p->errlog, bgp_mono_now(), REMOTE_ERR_LOG_INTERVAL, &held))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (held)
		bgp_log(LOG_WARNING, "peer %s: %s (%u similar messages suppressed in the last %.0f s)",
			p->name, line, held, REMOTE_ERR_LOG_INTERVAL);
	else
		bgp_log(LOG_WARNING, "peer %s: %s", p->name, line);
}

static bool open_bad(struct conn *c, const struct bgp_err *e, const char *why)
{
	struct peer *p = c->peer;

	remote_err_log(p, "%s, sending NOTIFICATION %s/%s", why, msg_err_code_name(e->code),
		       msg_err_subcode_name(e->code, e->subcode));
	c->notify = *e;
	return conn_event(c, EV_OPEN_BAD);
}

static bool handle_open(struct conn *c, const uint8_t *body, size_t len)
{
	struct peer *p = c->peer;
	const struct bgp_global *g = &p->bgp->g;
	struct bgp_open o;
	struct bgp_err err = { 0 };
	char why[96];

	if (c->st != ST_OPENSENT) {
		c->notify = (struct bgp_err){ 0 }; /* the FSM makes it an FSM error */
		return conn_event(c, EV_OPEN_OK);
	}
	if (msg_open_decode(body, len, &o, &err) < 0)
		return open_bad(c, &err, "malformed OPEN");
	if (o.asn != p->cfg.remote_as) {
		err = (struct bgp_err){ .code = ERR_OPEN, .subcode = ERR_OPEN_AS };
		put_be(&err, o.asn, o.asn > 0xffff ? 4 : 2);
		snprintf(why, sizeof why, "OPEN from AS %u, expected %u", o.asn, p->cfg.remote_as);
		return open_bad(c, &err, why);
	}
	if (!o.as4) {
		/* we only speak 4-octet AS_PATH (RFC 6793): name the capability we need */
		err = (struct bgp_err){ .code = ERR_OPEN, .subcode = ERR_OPEN_CAPA };
		put_be(&err, g->asn, 4);
		memmove(err.data + 2, err.data, 4);
		err.data[0] = CAPA_AS4;
		err.data[1] = 4;
		err.data_len = 6;
		return open_bad(c, &err, "OPEN without the 4-octet AS capability");
	}
	if (p->rp.kind == SRC_IBGP && o.bgp_id == g->router_id) {
		err = (struct bgp_err){ .code = ERR_OPEN, .subcode = ERR_OPEN_BGPID };
		put_be(&err, o.bgp_id, 4);
		return open_bad(c, &err, "OPEN with our own BGP identifier");
	}
	c->open = o;
	c->open_rcvd = true;

	struct conn *other = p->conn[!c->dir];
	if (other) {
		int loser = peer_collision(c->dir, other->st, other->open_rcvd, g->router_id, o.bgp_id);
		if (loser >= 0) {
			struct conn *l = p->conn[loser];
			bgp_log(LOG_INFO, "peer %s: connection collision, closing the %s one", p->name,
				loser == CONN_OUT ? "outgoing" : "incoming");
			l->notify = cease_collision;
			if (l == c)
				return conn_event(c, EV_COLLISION);
			conn_event(l, EV_COLLISION);
		}
	}
	c->hold_time = o.hold_time < p->cfg.hold_time ? o.hold_time : p->cfg.hold_time;
	c->keepalive = c->hold_time / 3;
	return conn_event(c, EV_OPEN_OK);
}

/* Loop prevention on import: our AS (or local-as) on an eBGP path more often than allowas-in
 * permits (RFC 4271 section 9.1.2; 0 by default: once is a loop), our router id as
 * ORIGINATOR_ID or our cluster id in CLUSTER_LIST on an iBGP path (RFC 4456 section 8). */
static bool import_loop(const struct peer *p, const struct attrs *a)
{
	const struct bgp_global *g = &p->bgp->g;

	if (p->rp.kind == SRC_EBGP)
		return attrs_aspath_occurs(a, g->asn) +
		       (p->cfg.local_as ? attrs_aspath_occurs(a, p->cfg.local_as) : 0) > p->cfg.allowas_in;
	return rr_loop(a, g->router_id, g->cluster_id ? g->cluster_id : g->router_id);
}

static bool fam_ok(const struct peer *p, int fam)
{
	return fam >= 0 && (p->rp.fam_mask & FAM_BIT(fam));
}

/* Withdraw (a NULL a) or update every NLRI of one MP attribute's NLRI field. */
static void apply_nlri(struct peer *p, int fam, struct rbuf r, struct attrs *a)
{
	struct rib *rib = p->bgp->rib;
	struct rbuf one;

	while (rbuf_left(&r)) {
		if (family_table[fam].next(&r, &one) < 0)
			break; /* update_parse framed it already */
		if (a)
			rib_update(rib, &p->rp, fam, rbuf_ptr(&one), rbuf_left(&one), a);
		else
			rib_withdraw(rib, &p->rp, fam, rbuf_ptr(&one), rbuf_left(&one));
	}
}

static void update_apply(struct peer *p, struct update *u, enum attr_verdict v)
{
	bool wd = v == ATTR_WITHDRAW;

	if (u->eor) {
		if (u->eor_fam >= 0 && u->eor_fam < FAM_COUNT) {
			p->eor_rcvd[u->eor_fam] = true;
			bgp_log(LOG_DEBUG, "peer %s: End-of-RIB for %s", p->name,
				family_table[u->eor_fam].name);
			peer_gr_eor(p, u->eor_fam);
		}
		return;
	}
	if (wd) {
		remote_err_log(p, "malformed UPDATE (%s), treating as withdraw", u->ap.why);
	} else if (import_loop(p, &u->ap.a)) {
		bgp_log(LOG_DEBUG, "peer %s: routing loop in UPDATE, treating as withdraw", p->name);
		wd = true;
	} else if (p->rp.kind == SRC_EBGP && (u->ap.a.flags & AF_HAS_LOCAL_PREF)) {
		/* RFC 4271 section 5.1.5: a LOCAL_PREF from an external peer is ignored */
		u->ap.a.flags &= (uint16_t)~AF_HAS_LOCAL_PREF;
		u->ap.a.local_pref = 0;
	}
	if (u->ap.has_reach && fam_ok(p, u->reach_fam)) {
		struct attrs *a = wd ? NULL : attrs_intern(&u->ap.a);
		if (!wd && !a)
			bgp_log(LOG_ERR, "peer %s: out of memory interning attributes", p->name);
		apply_nlri(p, u->reach_fam, u->ap.reach_nlri, a);
		attrs_unref(a);
	}
	if (u->ap.has_unreach && fam_ok(p, u->unreach_fam))
		apply_nlri(p, u->unreach_fam, u->ap.unreach_nlri, NULL);
}

/* max-routes after an UPDATE added paths of fam: warn once at 90%, past the limit send Cease/1
 * with the family and the limit (RFC 4486 section 4) and stay down. Returns false when the
 * connection was closed. */
static bool max_routes_ok(struct peer *p, int fam)
{
	uint32_t n = p->rp.rcvd[fam], lim = p->cfg.max_routes;
	struct bgp_err e = { .code = ERR_CEASE, .subcode = ERR_CEASE_MAX_PREFIX, .data_len = 7 };

	switch (maxr_check(n, lim, &p->maxr_warned)) {
	case MAXR_OK:
		return true;
	case MAXR_WARN:
		bgp_log(LOG_WARNING, "peer %s: %u %s routes received, 90%% of max-routes %u", p->name,
			n, family_table[fam].name, lim);
		return true;
	case MAXR_EXCEED:
		break;
	}
	e.data[0] = (uint8_t)(family_table[fam].afi >> 8);
	e.data[1] = (uint8_t)family_table[fam].afi;
	e.data[2] = family_table[fam].safi;
	e.data[3] = (uint8_t)(lim >> 24);
	e.data[4] = (uint8_t)(lim >> 16);
	e.data[5] = (uint8_t)(lim >> 8);
	e.data[6] = (uint8_t)lim;
	if (p->cfg.max_routes_restart)
		bgp_log(LOG_ERR, "peer %s: more than max-routes %u %s routes, sending Cease/Maximum "
			"Number of Prefixes Reached; restart in %u s", p->name, lim,
			family_table[fam].name, p->cfg.max_routes_restart);
	else
		bgp_log(LOG_ERR, "peer %s: more than max-routes %u %s routes, sending Cease/Maximum "
			"Number of Prefixes Reached; down until evpnd restarts (max-routes-restart = 0)",
			p->name, lim, family_table[fam].name);
	peer_stop_limit(p, &e, p->cfg.max_routes_restart);
	return false;
}

static bool handle_update(struct conn *c, const uint8_t *body, size_t len)
{
	struct peer *p = c->peer;
	struct update *u = p->bgp->upd;
	struct attr_ctx ctx = { .ebgp = p->rp.kind == SRC_EBGP, .as4 = true };
	struct bgp_err err = { 0 };
	enum attr_verdict v;

	if (c->st != ST_ESTABLISHED) {
		c->notify = (struct bgp_err){ 0 };
		return conn_event(c, EV_UPDATE); /* FSM error */
	}
	p->updates_in++;
	v = update_parse(body, len, &ctx, u, &err);
	if (v == ATTR_RESET) {
		remote_err_log(p, "malformed UPDATE (%s), sending NOTIFICATION %s/%s",
			       u->ap.why[0] ? u->ap.why : "framing", msg_err_code_name(err.code),
			       msg_err_subcode_name(err.code, err.subcode));
		c->notify = err;
		return conn_event(c, EV_MSG_BAD);
	}
	if (!conn_event(c, EV_UPDATE))
		return false;
	update_apply(p, u, v);
	if (p->cfg.max_routes && u->ap.has_reach && fam_ok(p, u->reach_fam))
		return max_routes_ok(p, u->reach_fam);
	return true;
}

static bool handle_notification(struct conn *c, const uint8_t *body, size_t len)
{
	struct peer *p = c->peer;
	struct bgp_err e = { 0 };

	if (msg_notification_decode(body, len, &e) < 0)
		e.code = e.subcode = 0;
	snprintf(p->last_error, sizeof p->last_error, "received %s/%s", msg_err_code_name(e.code),
		 msg_err_subcode_name(e.code, e.subcode));
	if (c == p->est)
		p->gr_hard = true; /* a NOTIFICATION ends a session for good (RFC 4724) */
	remote_err_log(p, "received NOTIFICATION %s/%s", msg_err_code_name(e.code),
		       msg_err_subcode_name(e.code, e.subcode));
	return conn_event(c, EV_NOTIFICATION);
}

static bool handle_refresh(struct conn *c, const uint8_t *body, size_t len)
{
	struct peer *p = c->peer;
	uint16_t afi;
	uint8_t safi;
	int fam;

	if (c->st != ST_ESTABLISHED) {
		c->notify = (struct bgp_err){ 0 };
		return conn_event(c, EV_UPDATE); /* any message but KEEPALIVE is an FSM error here */
	}
	if (msg_refresh_decode(body, len, &afi, &safi) < 0) {
		c->notify = (struct bgp_err){ .code = ERR_RREFRESH, .subcode = 1 }; /* RFC 7313 */
		return conn_event(c, EV_MSG_BAD);
	}
	fam = family_find(afi, safi);
	if (fam_ok(p, fam))
		rib_peer_refresh(p->bgp->rib, &p->rp, fam);
	else
		bgp_log(LOG_DEBUG, "peer %s: ROUTE-REFRESH for AFI %u SAFI %u not negotiated, ignored",
			p->name, afi, safi);
	/* it proves the neighbor alive as a KEEPALIVE would (restart the hold timer) */
	return conn_event(c, EV_KEEPALIVE);
}

bool conn_handle(struct conn *c, const uint8_t *msg, uint16_t len, uint8_t type)
{
	const uint8_t *body = msg + BGP_HDR_LEN;
	size_t blen = len - BGP_HDR_LEN;

	switch (type) {
	case BGP_OPEN:
		return handle_open(c, body, blen);
	case BGP_UPDATE:
		return handle_update(c, body, blen);
	case BGP_NOTIFICATION:
		return handle_notification(c, body, blen);
	case BGP_KEEPALIVE:
		return conn_event(c, EV_KEEPALIVE);
	case BGP_ROUTE_REFRESH:
		return handle_refresh(c, body, blen);
	}
	/* msg_check_header lets no other type through */
	c->notify = (struct bgp_err){ .code = ERR_HEADER, .subcode = ERR_HDR_TYPE, .data = { type },
				      .data_len = 1 };
	return conn_event(c, EV_MSG_BAD);
}

void conn_send_open(struct conn *c)
{
	struct peer *p = c->peer;
	const struct bgp_global *g = &p->bgp->g;
	struct bgp_open o = {
		.version = 4,
		.asn = p->cfg.local_as ? p->cfg.local_as : g->asn,
		.hold_time = p->cfg.hold_time,
		.bgp_id = g->router_id,
		.fam_mask = p->cfg.fam_mask,
		.as4 = true,
		.route_refresh = true,
	};
	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;

	if (g->graceful_restart) {
		/* RFC 4724: the families whose forwarding state survives our restart (the kernel FDB
		 * for EVPN) have the F bit; R says we restarted: the neighbor must not wait for our
		 * End-of-RIB before sending its routes */
		o.gr = true;
		o.gr_time = g->restart_time;
		o.gr_fam_mask = p->cfg.fam_mask;
		o.gr_fwd_mask = p->cfg.fam_mask & g->gr_forwarding;
		if (bgp_mono_now() - p->bgp->started_at < g->restart_time)
			o.gr_flags = 0x8;
	}
	wbuf_init(&w, buf, sizeof buf);
	if (msg_open_encode(&w, &o) < 0 || w.err) {
		bgp_log(LOG_ERR, "peer %s: cannot encode our OPEN", p->name);
		return;
	}
	conn_queue(c, buf, w.len);
}

void conn_send_keepalive(struct conn *c)
{
	uint8_t buf[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof buf);
	if (msg_keepalive_encode(&w) == 0 && !w.err)
		conn_queue(c, buf, w.len);
}

void conn_send_notify(struct conn *c)
{
	struct peer *p = c->peer;
	struct bgp_err e = c->notify;
	uint8_t buf[64];
	struct wbuf w;

	if (!e.code) {
		/* RFC 6608: the FSM error subcode names the state the message was unexpected in */
		e.code = ERR_FSM;
		e.subcode = c->st == ST_OPENSENT ? 1 : c->st == ST_OPENCONFIRM ? 2 :
			    c->st == ST_ESTABLISHED ? 3 : 0;
	}
	wbuf_init(&w, buf, sizeof buf);
	if (msg_notification_encode(&w, &e) < 0 || w.err)
		return;
	conn_queue(c, buf, w.len);
	if (c == p->est)
		p->gr_hard = true;
	if (e.code != ERR_CEASE || e.subcode != ERR_CEASE_COLLISION)
		snprintf(p->last_error, sizeof p->last_error, "sent %s/%s", msg_err_code_name(e.code),
			 msg_err_subcode_name(e.code, e.subcode));
	bgp_log(LOG_DEBUG, "peer %s: sending NOTIFICATION %s/%s", p->name, msg_err_code_name(e.code),
		msg_err_subcode_name(e.code, e.subcode));
}
