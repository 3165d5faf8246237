/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine (engine.h): netlink hooks and the speaker's best-path hook come in here and are handed
 * down to the MAC owner and the flood list; the life cycle around them: open netlink, dump links
 * and FDB through the same reconcile path ENOBUFS uses, flush requests once per loop iteration,
 * retry what the kernel refused through that same path, and decide initial convergence.
 */
#include "engine.h"
#include "engine_tenant.h"
#include "engine_kread.h"
#include "engine_read.h"

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
	case VT_TENANT:
		macs_vni_readvertise(e->macs, v); /* the MAC+IP routes, with or without the L3 VNI */
		break;
	}
}

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	struct engine *e = ctx;
	vt_link_event(&e->vt, l, deleted);
	if (e->cfg->nvrf) {
		tr_links(&e->tr);
		tp_update(&e->tp);
	}
}

static void on_ifaddr(void *ctx, const struct nl_ifaddr *a, bool deleted)
{
	struct engine *e = ctx;
	tp_addr_event(&e->tp, a, deleted, e->addr_dump);
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
	struct vni *v = vt_by_fdb(&e->vt, f);

	engine_read_event(e, f, deleted);
	if (v && (f->flags & NTF_SELF)) {
		/* a VXLAN device's own entry: ours (someone deleted it: put it back), or someone else's */
		if (deleted && !e->stopping && v->attached) {
			enum rc_kind k = rc_classify(f);
			if (k == RC_MAC)
				macs_kernel_deleted(e->macs, v, f);
			else if (k == RC_FLOOD)
				flood_kernel_deleted(&e->flood, v, f);
		}
		return;
	}
	macs_local_fdb(e->macs, f, deleted);
}

void engine_fdb_dumped(struct engine *e, const struct nl_fdb *f)
{
	struct vni *v;

	if (engine_tenant_fdb_dumped(e, f))
		return; /* the tenants' audit's read */
	if (engine_read_dumped(e, f))
		return; /* `show fdb`'s or an audit's read: never applied */
	if (!e->dumping)
		return;
	v = vt_by_fdb(&e->vt, f);
	if (v && (f->flags & NTF_SELF)) {
		enum rc_kind k = rc_classify(f);
		if (k == RC_MAC)
			macs_dump_entry(e->macs, v, f);
		else if (k == RC_FLOOD)
			flood_dump_entry(&e->flood, v, f);
		return;
	}
	macs_local_dumped(e->macs, f);
}

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	engine_fdb(ctx, f, deleted);
}

static void on_fdb_dumped(void *ctx, const struct nl_fdb *f)
{
	engine_fdb_dumped(ctx, f);
}

/* Requests are leaving: what they install must be in the record first (krecord.h). */
static void on_sending(void *ctx)
{
	struct engine *e = ctx;
	(void)krec_flush(&e->rec);
}

static void on_neigh(void *ctx, const struct nl_neigh *n, bool deleted)
{
	struct engine *e = ctx;
	if (engine_tenant_neigh_dumped(e, n))
		return; /* the tenants' sweep's or audit's read */
	macs_neigh_event(e->macs, n, deleted);
}

static void on_route(void *ctx, const struct nl_route *r)
{
	engine_tenant_route_dumped(ctx, r);
}

static void on_route_deleted(void *ctx, const struct nl_route *r)
{
	struct engine *e = ctx;
	if (!e->stopping)
		(void)tr_route_deleted(&e->tr, r);
}

void engine_resync(struct engine *e)
{
	if (!e->resync)
		e->resync_at = e->loop ? ev_now(e->loop) : 0;
	e->resync = true;
}

static void on_overflow(void *ctx)
{
	struct engine *e = ctx;
	e->overflows++;
	engine_resync(e);
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

/* A retry round after retry_delay, unless one is armed (on_retry). */
static void retry_arm(struct engine *e)
{
	if (!ev_is_active(&e->retry_w) && e->loop && !e->stopping) {
		/* a cause that went away long ago: start again at the shortest delay */
		if (ev_now(e->loop) - e->retry_last > 2 * ENGINE_RETRY_MAX)
			e->retry_delay = ENGINE_RETRY_MIN;
		ev_timer_set(&e->retry_w, e->retry_delay, 0.);
		ev_timer_start(e->loop, &e->retry_w);
	}
}

/* A tenant's route refused: the tenants' routes are asked again at the next retry round. */
static void on_route_refused(void *ctx, enum nl_op op, const struct nl_route *r, int err)
{
	struct engine *e = ctx;
	char d[IPADDR_STRLEN];
	struct ipaddr ip;

	vt_addr_to_ip(&r->dst, &ip);
	if (op == NL_ROUTE_DEL && (err == ESRCH || err == ENOENT || err == ENODEV))
		return; /* gone already: with its device, or by someone's hand */
	e->tr.refused++;
	e->refused++;
	if (!e->refused_round++)
		snprintf(e->retry_first, sizeof e->retry_first, "route %s %s/%u table %u: %s",
			 op == NL_ROUTE_DEL ? "delete" : "replace", ipaddr_str(&ip, d), r->plen, r->table,
			 strerror(err));
	log_msg(e->retry_delay <= ENGINE_RETRY_MIN ? LOG_WARNING : LOG_DEBUG,
		"kernel refused route %s %s/%u table %u dev ifindex %d: %s; will retry",
		op == NL_ROUTE_DEL ? "delete" : "replace", ipaddr_str(&ip, d), r->plen, r->table, r->oif,
		strerror(err));
	retry_arm(e);
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
		if (op == NL_NEIGH_REPLACE && !bv && e->tr.count && err != ENODEV) {
			/* a tenant's router-MAC neighbour (L2 VNIs' bridges are VNI bridges) */
			e->refused++;
			if (!e->refused_round++)
				snprintf(e->retry_first, sizeof e->retry_first, "router-MAC neighbour on "
					 "ifindex %d: %s", f->ifindex, strerror(err));
			retry_arm(e);
		}
		if (!(op == NL_NEIGH_DEL && err == ENOENT) && err != ENODEV)
			log_msg(LOG_WARNING, "VNI %u: kernel refused %s ifindex %d %s %s: %s", bv ? bv->vni : 0,
				op == NL_PORT_SUPPRESS ? "neigh_suppress on" :
				op == NL_NEIGH_DEL ? "neighbour delete" : "neighbour replace", f->ifindex,
				ip.af ? ipaddr_str(&ip, d) : "", op == NL_PORT_SUPPRESS ? "" :
				mac_str((const struct mac *)f->mac, m), strerror(err));
		return;
	}
	/* rtnl_fdb_del stops at the bridge's half: an entry whose bridge half went (someone deleted
	 * it, or it was never there) would otherwise keep its VXLAN half for ever */
	if (op == NL_FDB_DEL && err == ENOENT && (f->flags & NTF_MASTER) && (f->flags & NTF_SELF))
		kreq_mac_self_del_again(&e->kq, f);
	if (!benign) {
		e->refused++;
		if (!e->refused_round++)
			snprintf(e->retry_first, sizeof e->retry_first, "%s %s dev %s dst %s: %s",
				 op_name(op), mac_str((const struct mac *)f->mac, m), v ? v->name : "?",
				 ip.af ? ipaddr_str(&ip, d) : "-", strerror(err));
		if (v)
			v->nrefused++;
		retry_arm(e);
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
	tr_resync(&e->tr); /* few, and replaces are idempotent: all of them again */
	engine_resync(e);
}

static void adopted(struct engine *e)
{
	struct macs_counts c;

	e->adopted = true;
	/* arp-suppress: local neighbours to advertise, and a previous run's entries to adopt */
	if (nl_dump_neigh(e->nl) < 0)
		log_msg(LOG_WARNING, "netlink: neighbour dump failed: %s", strerror(errno));
	if (e->bgp)
		bgp_hold_eor(e->bgp, false); /* the local routes are complete: End-of-RIB can go */
	macs_counts(e->macs, &c);
	if (e->by_record) {
		log_msg(LOG_INFO, "kernel: %zu VNI%s, %zu local MAC%s (bridge ports read in %.2f s; "
			"remote entries by the record)", e->vt.count, e->vt.count == 1 ? "" : "s",
			c.local, c.local == 1 ? "" : "s", e->dump_last);
		return;
	}
	log_msg(LOG_INFO, "kernel: %zu VNI%s, %zu remote MAC entr%s and %zu flood entr%s adopted, "
		"%zu local MAC%s (FDB dump: %.2f s)", e->vt.count, e->vt.count == 1 ? "" : "s", c.remote,
		c.remote == 1 ? "y" : "ies", e->flood.set.n, e->flood.set.n == 1 ? "y" : "ies",
		c.local, c.local == 1 ? "" : "s", e->dump_last);
}

/* An incomplete dump must not re-add or forget anything: the tables stay as they are. */
static void dump_abort(struct engine *e)
{
	e->dumping = false;
	macs_dump_abort(e->macs);
	if (e->dump_remote)
		flood_dump_abort(&e->flood);
}

static void on_dump_done(void *ctx, int err)
{
	struct engine *e = ctx;

	e->dump_last = e->loop ? ev_time() - e->dump_t0 : 0;
	if (err) {
		dump_abort(e);
		log_msg(LOG_ERR, "netlink FDB dump failed after %.1f s: %s; dumping again", e->dump_last,
			strerror(err));
		engine_resync(e);
		return;
	}
	engine_dump_end(e);
	if (!e->adopted)
		adopted(e);
}

static void dump_begin(struct engine *e, bool remote);

/* Dump links (few, synchronously), then start the FDB dump in the background: the owners compare
 * each entry as it comes, and what the kernel did not report is put back when it ends. A start-up
 * with a large record reads only the bridge ports' local MACs (engine_kread.h). */
static int reconcile_start(struct engine *e, bool startup)
{
	int rc;

	vt_mark(&e->vt);
	if (nl_dump_links(e->nl) < 0)
		return -1;
	vt_sweep(&e->vt);
	if (e->cfg->nvrf) {
		/* the tenants' addresses (few): events may have been lost, so all of them again */
		tp_addrs_reset(&e->tp);
		e->addr_dump = true;
		rc = nl_dump_addrs(e->nl);
		e->addr_dump = false;
		if (rc < 0)
			log_msg(LOG_WARNING, "netlink: address dump failed: %s", strerror(errno));
		tp_update(&e->tp);
		if (!startup)
			tr_resync(&e->tr); /* events or acks were lost: every tenant route again */
	}
	e->dump_t0 = e->loop ? ev_time() : 0;
	if (startup && engine_record_restart(e)) {
		/* the ports' local MACs only: the remote entries stand by the record, nothing of theirs
		 * is read, so nothing of theirs can be found missing at the end */
		dump_begin(e, false);
		rc = engine_record_dump_ports(e, on_dump_done);
	} else if (!startup && engine_probe_resync(e)) {
		engine_dump_begin(e);
		rc = engine_probe_start(e, on_dump_done);
	} else {
		engine_dump_begin(e);
		if (startup)
			krec_prev_free(&e->rec); /* the dump adopts what the kernel has */
		rc = nl_dump_fdb_async(e->nl, on_dump_done);
	}
	if (rc < 0) {
		dump_abort(e);
		return -1;
	}
	return 0;
}

static void dump_begin(struct engine *e, bool remote)
{
	e->dump_remote = remote;
	macs_dump_begin(e->macs, remote);
	if (remote)
		flood_dump_begin(&e->flood);
	e->dumping = true;
}

void engine_dump_begin(struct engine *e)
{
	dump_begin(e, true);
}

void engine_dump_end(struct engine *e)
{
	e->dumping = false;
	macs_dump_end(e->macs);
	if (e->dump_remote)
		flood_dump_end(&e->flood);
}

struct conv_ctx {
	unsigned down;     /* neighbors not established */
	unsigned sending;  /* established, End-of-RIB for EVPN not yet received */
};

static void conv_cb(void *ctx, const struct bgp_neighbor_info *n)
{
	struct conv_ctx *c = ctx;
	if (!n->established)
		c->down++;
	else if ((n->fam_mask & FAM_BIT(FAM_EVPN)) && !n->eor_rcvd[FAM_EVPN])
		c->sending++;
}

void engine_converged(struct engine *e, const char *why)
{
	size_t nmac, nflood;

	if (e->loop) {
		ev_timer_stop(e->loop, &e->converge_w);
		ev_timer_stop(e->loop, &e->defer_w);
	}
	log_msg(LOG_INFO, "initial convergence: %s", why);
	e->converged = true;
	nmac = macs_converged(e->macs);
	nflood = flood_converged(&e->flood);
	log_msg(LOG_INFO, "initial convergence: %zu stale MAC entr%s and %zu flood entr%s removed",
		nmac, nmac == 1 ? "y" : "ies", nflood, nflood == 1 ? "y" : "ies");
	engine_tenant_sweep(e);
	engine_record_sweep_start(e);
}

static void on_converge_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;
	e->converge_expired = true; /* judged at the end of the iteration, once the kernel is known */
}

static double engine_defer(const struct engine *e)
{
	double t = (double)e->cfg->converge_timeout;
	return t > ENGINE_DEFER_MAX ? t : ENGINE_DEFER_MAX;
}

static void on_defer_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;
	e->defer_expired = true;
}

/* A wake-up for a reconcile dump waiting for the kernel to acknowledge what was asked. */
static void on_dump_wait(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* Start the reconcile dump that lost events or refusals asked for, once the requests in flight
 * are acknowledged (a dump that overtakes them would see them missing and ask again) or after
 * ENGINE_DUMP_WAIT seconds: never while one runs (a second follows it, as the loss may have
 * happened behind it). */
static void resync_maybe(struct engine *e)
{
	if (!e->resync || e->dumping)
		return;
	if (nl_pending(e->nl) && ev_now(e->loop) - e->resync_at < ENGINE_DUMP_WAIT) {
		if (!ev_is_active(&e->dump_wait_w)) {
			ev_timer_set(&e->dump_wait_w, ENGINE_DUMP_WAIT, 0.);
			ev_timer_start(e->loop, &e->dump_wait_w);
		}
		return;
	}
	ev_timer_stop(e->loop, &e->dump_wait_w);
	e->resync = false;
	e->resyncs++;
	engine_read_yield(e); /* the socket is the reconcile's first */
	if (reconcile_start(e, false) < 0) {
		log_msg(LOG_ERR, "netlink dump failed: %s; retrying", strerror(errno));
		engine_resync(e);
	}
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct engine *e = w->data;
	(void)loop;
	(void)revents;

	if (e->stopping)
		return;
	/* never before the kernel's entries are adopted: their sweep would remove what is not yet
	 * known to be wanted or not */
	if (!e->converged && e->bgp && e->adopted) {
		/* converge-timeout gives up on neighbors that did not come up; one that is up and still
		 * sending its table is waited for (a large table may take longer than the timeout, and
		 * sweeping before its End-of-RIB would delete what it is about to confirm), up to
		 * ENGINE_DEFER_MAX: RFC 4724's selection deferral */
		struct conv_ctx c = { 0, 0 };
		char why[96];
		bgp_neighbors(e->bgp, conv_cb, &c);
		if (!c.down && !c.sending) {
			engine_converged(e, "End-of-RIB from every neighbor");
		} else if (e->converge_expired && !c.sending) {
			snprintf(why, sizeof why, "timeout (%u neighbor%s not up)", c.down,
				 c.down == 1 ? "" : "s");
			engine_converged(e, why);
		} else if (e->defer_expired) {
			snprintf(why, sizeof why, "timeout (no End-of-RIB from %u established neighbor%s "
				 "within %.0f s)", c.sending, c.sending == 1 ? "" : "s", engine_defer(e));
			engine_converged(e, why);
		}
	}
	if (macs_take_lost_oom(e->macs) || e->flood.lost_oom) {
		e->flood.lost_oom = false;
		engine_resync(e); /* the re-dump finds what is missing */
	}
	resync_maybe(e);
	engine_read_kick(e);
	if (macs_lost_pending(e->macs))
		macs_put_back(e->macs);
	if (e->flood.nlost)
		flood_put_back(&e->flood);
	engine_record_tick(e);
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
	ev_timer_init(&e->dump_wait_w, on_dump_wait, ENGINE_DUMP_WAIT, 0.);
	flood_init(&e->flood, cfg, &e->vt, &e->vteps, &e->kq);
	tp_init(&e->tp, cfg, &e->vt, &e->adv);
	struct macs_env env = { cfg, loop, bgp, &e->vt, &e->vteps, &e->kq, &e->adv };
	e->macs = macs_new(&env);
	if (!e->macs || vt_init(&e->vt, cfg, vni_event, e) < 0 ||
	    tr_init(&e->tr, cfg, &e->vt, &e->vteps, &e->kq) < 0) {
		macs_free(e->macs);
		e->macs = NULL;
		return -1;
	}
	return 0;
}

int engine_start(struct engine *e, size_t rcvbuf)
{
	struct nl_hooks h = { on_link, on_fdb, on_overflow, on_refused, e, on_neigh, on_vlan_map,
			      on_fdb_dumped, on_sending, on_route_refused,
			      e->cfg->nvrf ? on_ifaddr : NULL, on_route,
			      e->cfg->nvrf ? on_route_deleted : NULL };

	loop_stat_start(&e->ls, e->loop); /* from here: the start-up counts as the first iteration */
	/* [global] netlink-buffer wins: it is how a test forces the ENOBUFS path */
	e->nl = nl_open(e->loop, &h, e->cfg->netlink_buffer ? e->cfg->netlink_buffer : rcvbuf);
	if (!e->nl)
		return -1;
	e->kq.nl = e->nl;
	nl_set_acked(e->nl, on_acked);
	ev_timer_init(&e->converge_w, on_converge_timeout, (double)e->cfg->converge_timeout, 0.);
	e->converge_w.data = e;
	ev_timer_init(&e->defer_w, on_defer_timeout, engine_defer(e), 0.);
	e->defer_w.data = e;
	ev_prepare_init(&e->prepare_w, on_prepare);
	e->prepare_w.data = e;
	ev_prepare_start(e->loop, &e->prepare_w);
	/* the local routes are incomplete until the dump ends: End-of-RIB waits for it (adopted) */
	if (e->bgp)
		bgp_hold_eor(e->bgp, true);
	/* in the background: with a large FDB the kernel needs seconds to minutes for it, and the
	 * listener, the control socket and the sessions must not wait */
	engine_record_open(e);
	if (reconcile_start(e, true) < 0)
		return -1;
	/* arp-snoop: the packet socket needs CAP_NET_RAW, which goes once the sockets are open; the
	 * ports are known (the links were dumped), and a binding whose MAC the FDB dump has not yet
	 * reported waits for it */
	e->snoop = snooper_start(e->loop, e->cfg, e->macs);
	return 0;
}

void engine_peers_ready(struct engine *e)
{
	/* the loop's clock stood still while the start-up dump ran: a timer started on it would
	 * count the dump's time against converge-timeout, and fire before any neighbor could connect */
	ev_now_update(e->loop);
	ev_timer_start(e->loop, &e->converge_w);
	ev_timer_start(e->loop, &e->defer_w);
}

void engine_stopping(struct engine *e)
{
	e->stopping = true;
	if (e->macs)
		macs_stop(e->macs);
	tr_stop(&e->tr);
	tp_stop(&e->tp);
}

void engine_stop(struct engine *e)
{
	engine_stopping(e);
	if (e->reader)
		engine_read_cancel(e, e->reader);
	snooper_stop(e->snoop);
	e->snoop = NULL;
	if (e->loop) {
		ev_timer_stop(e->loop, &e->converge_w);
		ev_timer_stop(e->loop, &e->defer_w);
		ev_timer_stop(e->loop, &e->retry_w);
		ev_timer_stop(e->loop, &e->dump_wait_w);
		ev_prepare_stop(e->loop, &e->prepare_w);
		loop_stat_stop(&e->ls);
	}
	if (e->nl) {
		/* what was decided before the stop reaches the kernel; nothing after it */
		nl_flush(e->nl);
		nl_drain(e->nl, 2000);
		nl_close(e->nl);
		e->nl = NULL;
		e->kq.nl = NULL;
	}
	engine_record_close(e);
	vt_free(&e->vt);
	macs_free(e->macs);
	e->macs = NULL;
	flood_free(&e->flood);
	tr_free(&e->tr);
	tp_free(&e->tp);
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
	if (e->cfg->nvrf && (r.type == EVPN_RT_PREFIX || (r.type == EVPN_RT_MACIP && r.ip.af))) {
		uint16_t vtep = VTEP_NONE;
		if (src && a && a->nexthop.af) {
			struct nl_addr nh;
			vt_ip_to_addr(&a->nexthop, &nh);
			vtep = vtep_index(&e->vteps, &nh);
		}
		tr_route(&e->tr, &r, a, src == NULL, vtep);
	}
}

size_t engine_fdb_too_large(const struct engine *e)
{
	size_t n = macs_remote_count(e->macs) + flood_count(&e->flood);
	return n > e->cfg->fdb_dump_limit ? n : 0;
}

bool engine_route_installed(const struct engine *e, const uint8_t *nlri, size_t len,
			    const struct attrs *a)
{
	uint32_t vni;

	if (!e->vt.hash || evpn_route_vni(nlri, len, a, &vni) < 0)
		return false;
	const struct vni *v = vt_by_vni(&e->vt, vni);
	return v && v->attached && rtf_accepts(&v->imp, a);
}

void engine_status(const struct engine *e, struct engine_status *st)
{
	st->adopted = e->adopted;
	st->converged = e->converged;
	st->dumping = e->dumping;
	st->dump_running = e->dumping && e->loop ? ev_time() - e->dump_t0 : 0;
	st->dump_last = e->dump_last;
	st->resyncs = e->resyncs;
	st->overflows = e->overflows;
	st->refused = e->refused;
	st->pending = e->nl ? nl_pending(e->nl) : 0;
	st->loop = &e->ls;
}
