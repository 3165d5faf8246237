/*
 * The engine (engine.h): netlink hooks and the speaker's best-path hook come in here and are handed
 * down to the MAC owner and the flood list; the life cycle around them: open netlink, dump links
 * and FDB through the same reconcile path ENOBUFS uses, flush requests once per loop iteration,
 * retry what the kernel refused through that same path, and decide initial convergence.
 */
#include "engine.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include "log.h"
#include "reconcile.h"
#include "rt_filter.h"
#include "snooper.h"

static const char *op_name(enum nl_op op)
{
	return op == NL_FDB_REPLACE ? "replace" : op == NL_FDB_APPEND ? "append" : "delete";
}

static void vni_event(void *ctx, struct vni *v, enum vt_event ev)
{
	struct engine *e = ctx;

	switch (ev) {
	case VT_ATTACH:
		macs_vni_attach(e->macs, v);
		flood_vni_attach(&e->flood, v);
		break;
	case VT_DETACH:
		/* a deleted device took its entries with it; one that left its bridge keeps them */
		flood_vni_detach(&e->flood, v, vt_link(&e->vt, v->vxlan) != NULL && !e->stopping);
		macs_vni_detach(e->macs, v);
		break;
	case VT_ACTIVATE:
		adv_type3(&e->adv, v);
		macs_vni_activate(e->macs, v);
		break;
	case VT_DEACTIVATE:
		macs_vni_deactivate(e->macs, v);
		adv_type3_withdraw(&e->adv, v);
		break;
	}
}

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	struct engine *e = ctx;
	vt_link_event(&e->vt, l, deleted);
}

static void on_vlan_map(void *ctx, int ifindex, const struct nl_vlan_tunnel *m, size_t n)
{
	struct engine *e = ctx;
	vt_vlan_map(&e->vt, ifindex, m, n);
}

static void on_acked(void *ctx, uint64_t done)
{
	struct engine *e = ctx;
	if (e->lat.n)
		lat_track_done(&e->lat, done, lat_now());
}

void engine_fdb(struct engine *e, const struct nl_fdb *f, bool deleted)
{
	struct vni *v;

	if (e->fdb_tap) {
		e->fdb_tap(e->fdb_tap_ctx, f); /* `show fdb`'s or an audit's dump: never applied */
		return;
	}
	v = vt_by_fdb(&e->vt, f);
	if (v && (f->flags & NTF_SELF)) {
		/* a VXLAN device's own entry: one of evpnd's kinds, or someone else's */
		enum rc_kind k = rc_classify(f);
		if (e->dumping) {
			if (k == RC_MAC)
				macs_dump_entry(e->macs, v, f);
			else if (k == RC_FLOOD)
				flood_dump_entry(&e->flood, v, f);
		} else if (deleted && !e->stopping && v->attached) {
			/* someone else deleted one of ours (device down, `bridge fdb del`): put it back */
			if (k == RC_MAC)
				macs_kernel_deleted(e->macs, v, f);
			else if (k == RC_FLOOD)
				flood_kernel_deleted(&e->flood, v, f);
		}
		return;
	}
	macs_local_fdb(e->macs, f, deleted);
}

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	engine_fdb(ctx, f, deleted);
}

static void on_neigh(void *ctx, const struct nl_neigh *n, bool deleted)
{
	struct engine *e = ctx;
	macs_neigh_event(e->macs, n, deleted);
}

static void on_overflow(void *ctx)
{
	struct engine *e = ctx;
	e->overflows++;
	e->resync = true;
	log_msg(LOG_WARNING, "netlink events lost (ENOBUFS): dumping and reconciling");
}

/* Requests whose refusal means the kernel already is as asked: a delete of what is gone, a flood
 * destination already there, a device being deleted (its FDB is flushed before the deletion is
 * reported). Not worth a warning or a retry. */
static bool refusal_benign(enum nl_op op, int err)
{
	return err == ENODEV || (op == NL_FDB_DEL && err == ENOENT) ||
	       (op == NL_FDB_APPEND && err == EEXIST);
}

/* The owners' tables keep what was refused (they are the desired state); the retry is a dump and
 * reconcile, which re-requests exactly what the kernel lacks (and deletes what it should not have),
 * so nothing refused is forgotten, whatever the cause was. */
static void on_refused(void *ctx, enum nl_op op, const struct nl_fdb *f, int err)
{
	struct engine *e = ctx;
	char m[MAC_STRLEN], d[IPADDR_STRLEN];
	struct vni *v = vt_by_fdb(&e->vt, f);
	bool benign = refusal_benign(op, err), first;
	struct ipaddr ip;

	vt_addr_to_ip(&f->dst, &ip);
	if (op >= NL_NEIGH_REPLACE) {
		/* arp-suppress: not the FDB's reconcile to retry; a later route change re-requests */
		const struct vni *bv = op == NL_PORT_SUPPRESS ? vt_by_vxlan(&e->vt, f->ifindex)
							       : vt_by_bridge(&e->vt, f->ifindex);
		if (!(op == NL_NEIGH_DEL && err == ENOENT) && err != ENODEV)
			log_msg(LOG_WARNING, "VNI %u: kernel refused %s ifindex %d %s %s: %s", bv ? bv->vni : 0,
				op == NL_PORT_SUPPRESS ? "neigh_suppress on" :
				op == NL_NEIGH_DEL ? "neighbour delete" : "neighbour replace", f->ifindex,
				ip.af ? ipaddr_str(&ip, d) : "", op == NL_PORT_SUPPRESS ? "" :
				mac_str((const struct mac *)f->mac, m), strerror(err));
		return;
	}
	if (!benign) {
		e->refused++;
		if (!e->refused_round++)
			snprintf(e->retry_first, sizeof e->retry_first, "%s %s dev %s dst %s: %s",
				 op_name(op), mac_str((const struct mac *)f->mac, m), v ? v->name : "?",
				 ip.af ? ipaddr_str(&ip, d) : "-", strerror(err));
		if (v)
			v->nrefused++;
		if (!ev_is_active(&e->retry_w) && e->loop && !e->stopping) {
			/* a cause that went away long ago: start again at the shortest delay */
			if (ev_now(e->loop) - e->retry_last > 2 * ENGINE_RETRY_MAX)
				e->retry_delay = ENGINE_RETRY_MIN;
			ev_timer_set(&e->retry_w, e->retry_delay, 0.);
			ev_timer_start(e->loop, &e->retry_w);
		}
	}
	/* each entry once: the first refusal warns, those of retry rounds are summed per round */
	first = e->retry_delay <= ENGINE_RETRY_MIN;
	log_msg(benign || !first ? LOG_DEBUG : LOG_WARNING,
		"kernel refused FDB %s %s dev %s (ifindex %d) dst %s master %d: %s%s", op_name(op),
		mac_str((const struct mac *)f->mac, m), v ? v->name : "?", f->ifindex,
		ip.af ? ipaddr_str(&ip, d) : "-", f->master, strerror(err),
		benign ? "" : "; will retry");
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;

	if (e->retry_delay > ENGINE_RETRY_MIN)
		log_msg(LOG_WARNING, "kernel refused %llu FDB request%s since the last retry (first: %s): "
			"dumping and reconciling again (next retry in %.0f s if still refused)",
			(unsigned long long)e->refused_round, e->refused_round == 1 ? "" : "s",
			e->retry_first,
			e->retry_delay * 2 > ENGINE_RETRY_MAX ? ENGINE_RETRY_MAX : e->retry_delay * 2);
	else
		log_msg(LOG_INFO, "retrying %llu refused FDB request%s: dumping and reconciling",
			(unsigned long long)e->refused_round, e->refused_round == 1 ? "" : "s");
	e->retry_last = ev_now(e->loop);
	e->refused_round = 0;
	e->retry_delay = e->retry_delay * 2 > ENGINE_RETRY_MAX ? ENGINE_RETRY_MAX : e->retry_delay * 2;
	e->resync = true;
}

/* Dump links then the FDB and compare with what the owners have. */
static int dump_reconcile(struct engine *e)
{
	int rc;

	/* What evpnd asked for must be in the kernel before the dump, or the dump would miss requests
	 * still queued and the comparison would queue them again (or delete twice): under a burst of
	 * overflows that repeats the whole backlog at every resync. */
	if (e->nl && nl_drain(e->nl, 5000) < 0)
		log_msg(LOG_WARNING, "netlink: %zu requests still unacknowledged before the dump",
			nl_pending(e->nl));
	vt_mark(&e->vt);
	rc = nl_dump_links(e->nl);
	if (rc == 0) {
		vt_sweep(&e->vt);
		engine_dump_begin(e);
		rc = nl_dump_fdb(e->nl);
	}
	if (rc < 0) {
		e->dumping = false; /* an incomplete dump must not re-add or forget anything */
		return -1;
	}
	engine_dump_end(e);
	return 0;
}

void engine_dump_begin(struct engine *e)
{
	macs_dump_begin(e->macs);
	flood_dump_begin(&e->flood);
	e->dumping = true;
}

void engine_dump_end(struct engine *e)
{
	e->dumping = false;
	macs_dump_end(e->macs);
	flood_dump_end(&e->flood);
}

struct conv_ctx {
	bool all;
};

static void conv_cb(void *ctx, const struct bgp_neighbor_info *n)
{
	struct conv_ctx *c = ctx;
	if (!n->established || ((n->fam_mask & FAM_BIT(FAM_EVPN)) && !n->eor_rcvd[FAM_EVPN]))
		c->all = false;
}

void engine_converged(struct engine *e, const char *why)
{
	size_t nmac, nflood;

	if (e->loop)
		ev_timer_stop(e->loop, &e->converge_w);
	log_msg(LOG_INFO, "initial convergence: %s", why);
	e->converged = true;
	nmac = macs_converged(e->macs);
	nflood = flood_converged(&e->flood);
	log_msg(LOG_INFO, "initial convergence: %zu stale MAC entr%s and %zu flood entr%s removed",
		nmac, nmac == 1 ? "y" : "ies", nflood, nflood == 1 ? "y" : "ies");
}

static void on_converge_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;
	if (!e->converged)
		engine_converged(e, "timeout");
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;

	if (e->stopping)
		return;
	if (!e->converged && e->bgp) {
		struct conv_ctx c = { true };
		bgp_neighbors(e->bgp, conv_cb, &c);
		if (c.all)
			engine_converged(e, "End-of-RIB from every neighbor");
	}
	if (macs_take_lost_oom(e->macs) || e->flood.lost_oom) {
		e->flood.lost_oom = false;
		e->resync = true; /* the re-dump finds what is missing */
	}
	if (e->resync) {
		e->resync = false;
		e->resyncs++;
		if (dump_reconcile(e) < 0) {
			log_msg(LOG_ERR, "netlink dump after ENOBUFS failed: %s; retrying", strerror(errno));
			e->resync = true;
		}
	}
	if (macs_lost_pending(e->macs))
		macs_put_back(e->macs);
	if (e->flood.nlost)
		flood_put_back(&e->flood);
	nl_flush(e->nl);
}

int engine_init(struct engine *e, const struct config *cfg, struct ev_loop *loop, struct bgp *bgp)
{
	memset(e, 0, sizeof *e);
	e->cfg = cfg;
	e->loop = loop;
	e->bgp = bgp;
	vteps_init(&e->vteps);
	e->kq.vt = &e->vt;
	e->kq.vteps = &e->vteps;
	e->adv.bgp = bgp;
	e->adv.cfg = cfg;
	e->retry_delay = ENGINE_RETRY_MIN;
	e->retry_last = -2 * ENGINE_RETRY_MAX;
	ev_timer_init(&e->retry_w, on_retry, ENGINE_RETRY_MIN, 0.);
	e->retry_w.data = e;
	flood_init(&e->flood, cfg, &e->vt, &e->vteps, &e->kq);
	struct macs_env env = { cfg, loop, bgp, &e->vt, &e->vteps, &e->kq, &e->adv };
	e->macs = macs_new(&env);
	if (!e->macs || vt_init(&e->vt, cfg, vni_event, e) < 0) {
		macs_free(e->macs);
		e->macs = NULL;
		return -1;
	}
	return 0;
}

int engine_start(struct engine *e, size_t rcvbuf)
{
	struct nl_hooks h = { on_link, on_fdb, on_overflow, on_refused, e, on_neigh, on_vlan_map };
	struct macs_counts c;

	/* [global] netlink-buffer wins: it is how a test forces the ENOBUFS path */
	e->nl = nl_open(e->loop, &h, e->cfg->netlink_buffer ? e->cfg->netlink_buffer : rcvbuf);
	if (!e->nl)
		return -1;
	e->kq.nl = e->nl;
	nl_set_acked(e->nl, on_acked);
	if (dump_reconcile(e) < 0)
		return -1;
	/* arp-suppress: local neighbours to advertise, and a previous run's entries to adopt */
	if (nl_dump_neigh(e->nl) < 0)
		log_msg(LOG_WARNING, "netlink: neighbour dump failed: %s", strerror(errno));
	/* arp-snoop: after the dumps, so ports and local MACs are known */
	e->snoop = snooper_start(e->loop, e->cfg, e->macs);
	macs_counts(e->macs, &c);
	log_msg(LOG_INFO, "kernel: %zu VNI%s, %zu remote MAC entr%s and %zu flood entr%s adopted, "
		"%zu local MAC%s", e->vt.count, e->vt.count == 1 ? "" : "s", c.remote,
		c.remote == 1 ? "y" : "ies", e->flood.set.n, e->flood.set.n == 1 ? "y" : "ies",
		c.local, c.local == 1 ? "" : "s");
	ev_timer_init(&e->converge_w, on_converge_timeout, (double)e->cfg->converge_timeout, 0.);
	e->converge_w.data = e;
	ev_prepare_init(&e->prepare_w, on_prepare);
	e->prepare_w.data = e;
	ev_prepare_start(e->loop, &e->prepare_w);
	return 0;
}

void engine_peers_ready(struct engine *e)
{
	/* the loop's clock stood still while the start-up dump ran: a timer started on it would
	 * count the dump's time against converge-timeout, and fire before any neighbor could connect */
	ev_now_update(e->loop);
	ev_timer_start(e->loop, &e->converge_w);
}

void engine_stopping(struct engine *e)
{
	e->stopping = true;
	if (e->macs)
		macs_stop(e->macs);
}

void engine_stop(struct engine *e)
{
	engine_stopping(e);
	snooper_stop(e->snoop);
	e->snoop = NULL;
	if (e->loop) {
		ev_timer_stop(e->loop, &e->converge_w);
		ev_timer_stop(e->loop, &e->retry_w);
		ev_prepare_stop(e->loop, &e->prepare_w);
	}
	if (e->nl) {
		/* what was decided before the stop reaches the kernel; nothing after it */
		nl_flush(e->nl);
		nl_drain(e->nl, 2000);
		nl_close(e->nl);
		e->nl = NULL;
		e->kq.nl = NULL;
	}
	vt_free(&e->vt);
	macs_free(e->macs);
	e->macs = NULL;
	flood_free(&e->flood);
	vteps_free(&e->vteps);
	lat_track_free(&e->lat);
}

void engine_best_changed(struct engine *e, int fam, const uint8_t *nlri, size_t len,
			 const struct attrs *a, const struct ipaddr *src)
{
	struct evpn_route r;

	if (fam != FAM_EVPN || e->stopping || evpn_decode(nlri, len, &r) < 0)
		return;
	if (r.type == EVPN_RT_MACIP) {
		/* learn-to-install latency: a remote route's change until the kernel acks what it queued */
		double t0 = src && a && e->nl ? lat_now() : 0;
		uint64_t p0 = t0 ? nl_next_pos(e->nl) : 0;
		macs_route(e->macs, &r, a, src != NULL);
		if (t0 && nl_next_pos(e->nl) != p0)
			lat_track_start(&e->lat, t0, nl_next_pos(e->nl));
	} else if (r.type == EVPN_RT_IMET) {
		flood_route(&e->flood, &r, nlri, len, src ? a : NULL);
	}
}

int engine_dump_fdb(struct engine *e, void (*tap)(void *ctx, const struct nl_fdb *f), void *ctx)
{
	int rc;

	if (!e->nl) {
		errno = ENOTCONN;
		return -1;
	}
	/* what was asked of the kernel is shown once it is there */
	nl_flush(e->nl);
	(void)nl_drain(e->nl, 2000); /* what is still in flight shows as pending requests */
	e->fdb_tap = tap;
	e->fdb_tap_ctx = ctx;
	rc = nl_dump_fdb(e->nl);
	e->fdb_tap = NULL;
	e->fdb_tap_ctx = NULL;
	return rc;
}

bool engine_route_installed(const struct engine *e, const uint8_t *nlri, size_t len,
			    const struct attrs *a)
{
	uint32_t vni;

	if (!e->vt.hash || evpn_route_vni(nlri, len, a, &vni) < 0)
		return false;
	const struct vni *v = vt_by_vni(&e->vt, vni);
	return v && v->attached && rtf_accepts(v->imp, v->nimp, a);
}
