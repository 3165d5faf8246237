/* SPDX-License-Identifier: Apache-2.0 */
/* The speaker facade (bgp.h): neighbors, local routes, and the once-per-loop RIB flush. */
#include "peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_log.h"
#include "update.h"

double bgp_mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct peer *bgp_peer_find(struct bgp *b, const struct ipaddr *a)
{
	for (struct peer *p = b->peers; p; p = p->next)
		if (!ipaddr_cmp(&p->cfg.addr, a))
			return p;
	return NULL;
}

static void best_cb(void *ctx, int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
		    const struct rib_peer *src)
{
	struct bgp *b = ctx;

	if (b->h.best_changed)
		b->h.best_changed(b->h.ctx, fam, nlri, len, a,
				  !src || src->kind == SRC_LOCAL ? NULL : &src->addr);
}

/*
 * The batching point (design.md): changes made while the loop handled events are packed into
 * UPDATEs once, just before it polls again. Under a burst that is thousands of NLRIs per message;
 * alone, one route leaves within the same iteration. No timer sits on the route path.
 */
static void flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct bgp *b = w->data;

	if (rib_pending(b->rib))
		rib_flush(b->rib);
	/* a flush does a bounded part of the table passes: while more can go now, the loop must not
	 * sleep in its poll (the idle watcher), and takes the next part at its next turn */
	if (rib_pending(b->rib))
		ev_idle_start(loop, &b->more);
	else
		ev_idle_stop(loop, &b->more);
}

static void more_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

void bgp_hold_eor(struct bgp *b, bool hold)
{
	rib_hold_eor(b->rib, hold);
}

int bgp_reserve(struct bgp *b, int fam, size_t n)
{
	return rib_reserve(b->rib, fam, n);
}

struct bgp *bgp_new(struct ev_loop *loop, const struct bgp_global *g, const struct bgp_hooks *h)
{
	struct bgp *b = calloc(1, sizeof *b);
	struct rib_config rc;

	if (!b)
		return NULL;
	b->loop = loop;
	b->g = *g;
	if (h)
		b->h = *h;
	b->lfd = -1;
	b->peers_tail = &b->peers;
	rc = (struct rib_config){ .local_as = g->asn, .router_id = g->router_id,
				  .cluster_id = g->cluster_id };
	b->upd = malloc(sizeof *b->upd);
	b->rbuf = malloc(CONN_INBUF);
	b->rib = rib_new(&rc, best_cb, b);
	b->local.kind = SRC_LOCAL;
	b->local.remote_as = g->asn;
	if (!b->upd || !b->rbuf || !b->rib || rib_peer_add(b->rib, &b->local) < 0) {
		if (b->rib)
			rib_free(b->rib);
		free(b->upd);
		free(b->rbuf);
		free(b);
		return NULL;
	}
	ev_prepare_init(&b->flush, flush_cb);
	b->flush.data = b;
	ev_prepare_start(loop, &b->flush);
	ev_idle_init(&b->more, more_cb);
	return b;
}

int bgp_neighbor_add(struct bgp *b, const struct bgp_neighbor *n)
{
	struct peer *p;

	if (bgp_peer_find(b, &n->addr))
		return -1;
	p = peer_new(b, n);
	if (!p)
		return -1;
	*b->peers_tail = p;
	b->peers_tail = &p->next;
	if (b->started) {
		listen_peer_auth(b, p);
		peer_start(p);
	}
	return 0;
}

int bgp_start(struct bgp *b)
{
	if (b->started)
		return 0;
	if (listen_open(b) < 0)
		return -1;
	b->started = true;
	b->started_at = bgp_mono_now();
	/* passive neighbors go to Active: they wait for the connection */
	for (struct peer *p = b->peers; p; p = p->next)
		peer_start(p);
	return 0;
}

void bgp_stop(struct bgp *b)
{
	listen_close(b);
	/* With graceful restart the sessions just close, so the neighbors keep our routes (and their
	 * FDB entries toward us) until we are back; else Cease/Administrative Shutdown is queued and
	 * written before each close (best effort). */
	for (struct peer *p = b->peers; p; p = p->next) {
		if (b->g.graceful_restart && p->est && p->est->open.gr)
			peer_stop_silent(p);
		else
			peer_stop(p);
	}
	b->started = false;
}

void bgp_free(struct bgp *b)
{
	struct peer *p, *next;

	if (!b)
		return;
	bgp_stop(b);
	for (p = b->peers; p; p = next) {
		next = p->next;
		peer_free(p);
	}
	ev_prepare_stop(b->loop, &b->flush);
	ev_idle_stop(b->loop, &b->more);
	rib_peer_remove(b->rib, &b->local);
	rib_free(b->rib);
	free(b->upd);
	free(b->rbuf);
	free(b);
}

int bgp_local_add(struct bgp *b, int fam, const uint8_t *nlri, size_t len, const struct attrs *tmpl)
{
	struct attrs a = *tmpl;
	struct attrs *ai;
	int rc;

	if (fam < 0 || fam >= FAM_COUNT || family_table[fam].check(nlri, len) != 0) {
		errno = EINVAL;
		return -1;
	}
	a.refcnt = 0;
	a.hash = 0;
	a.origin = ORIGIN_IGP;
	a.aspath = NULL;
	a.aspath_len = 0;
	if (!a.nexthop.af) {
		if (b->g.nexthop.af)
			a.nexthop = b->g.nexthop;
		else
			ipaddr_from_v4(&a.nexthop, b->g.router_id);
	}
	a.flags |= AF_HAS_NEXT_HOP;
	ai = attrs_intern(&a);
	if (!ai)
		return -1;
	rc = rib_update(b->rib, &b->local, fam, nlri, len, ai);
	attrs_unref(ai);
	return rc < 0 ? -1 : 0;
}

int bgp_local_del(struct bgp *b, int fam, const uint8_t *nlri, size_t len)
{
	if (fam < 0 || fam >= FAM_COUNT)
		return 1;
	return rib_withdraw(b->rib, &b->local, fam, nlri, len);
}

void bgp_neighbors(struct bgp *b, void (*cb)(void *ctx, const struct bgp_neighbor_info *n), void *ctx)
{
	double now = bgp_mono_now();

	for (struct peer *p = b->peers; p; p = p->next) {
		struct bgp_neighbor_info n;
		memset(&n, 0, sizeof n);
		n.addr = p->cfg.addr;
		n.remote_as = p->cfg.remote_as;
		n.state = fsm_state_name(peer_state(p));
		n.uptime = (time_t)(now - p->since);
		n.established = p->est != NULL;
		if (p->est) {
			n.fam_mask = p->rp.fam_mask;
			n.hold_time = p->est->hold_time;
			n.keepalive = p->est->keepalive;
			n.remote_id = p->est->open.bgp_id;
		}
		n.msgs_in = p->msgs_in;
		n.msgs_out = p->msgs_out;
		n.updates_in = p->updates_in;
		n.updates_out = p->rp.updates_out;
		memcpy(n.rcvd, p->rp.rcvd, sizeof n.rcvd);
		memcpy(n.accepted, p->rp.accepted, sizeof n.accepted);
		memcpy(n.advertised, p->rp.advertised, sizeof n.advertised);
		memcpy(n.eor_rcvd, p->eor_rcvd, sizeof n.eor_rcvd);
		n.stale = p->rp.stale;
		n.restarting = !p->est && ev_is_active(&p->gr_timer);
		n.flaps = p->flaps;
		memcpy(n.last_error, p->last_error, sizeof n.last_error);
		cb(ctx, &n);
	}
}

struct rib *bgp_rib(struct bgp *b)
{
	return b->rib;
}

const char *bgp_src_str(const struct rib_peer *src, char *buf)
{
	if (!src || src->kind == SRC_LOCAL) {
		strcpy(buf, "local");
		return buf;
	}
	return ipaddr_str(&src->addr, buf);
}
