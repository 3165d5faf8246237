/*
 * The glue's life cycle and netlink hooks: open netlink, dump links and FDB through the same
 * reconcile path ENOBUFS uses, flush requests once per loop iteration, retry what the kernel
 * refused through that same path, and decide when initial convergence is reached (End-of-RIB for
 * EVPN from every configured neighbor, or the timeout).
 */
#include <errno.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arp_suppress.h"
#include "audit.h"
#include "glue.h"
#include "log.h"
#include "snoop_glue.h"

static const char *op_name(enum nl_op op)
{
	return op == NL_FDB_REPLACE ? "replace" : op == NL_FDB_APPEND ? "append" : "delete";
}

static void vt_event(void *ctx, struct vni *v, enum vt_event ev)
{
	struct glue *g = ctx;

	switch (ev) {
	case VT_ATTACH:
		arps_vni_attach(g, v);
		remote_vni_attach(g, v);
		break;
	case VT_DETACH:
		remote_vni_detach(g, v);
		arps_vni_detach(g, v);
		break;
	case VT_ACTIVATE:
		local_vni_activate(g, v);
		arps_vni_activate(g, v);
		break;
	case VT_DEACTIVATE:
		arps_vni_deactivate(g, v);
		local_vni_deactivate(g, v);
		break;
	}
}

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	struct glue *g = ctx;
	vt_link_event(&g->vt, l, deleted);
}

static void on_vlan_map(void *ctx, int ifindex, const struct nl_vlan_tunnel *m, size_t n)
{
	struct glue *g = ctx;
	vt_vlan_map(&g->vt, ifindex, m, n);
}

static void on_acked(void *ctx, uint64_t done)
{
	struct glue *g = ctx;
	if (g->lat.n)
		lat_track_done(&g->lat, done, lat_now());
}

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	struct glue *g = ctx;
	struct vni *v;

	if (g->audit) {
		audit_kernel_entry(g, f); /* an audit's dump: compared, never applied */
		return;
	}
	if (g->fdb_tap) {
		g->fdb_tap(g->fdb_tap_ctx, f); /* `show fdb`'s dump: shown, never applied */
		return;
	}
	v = vt_by_fdb(&g->vt, f);
	if (v && (f->flags & NTF_SELF)) {
		if (g->dumping)
			reconcile_kernel_entry(g, v, f);
		else
			remote_kernel_event(g, v, f, deleted);
		return;
	}
	local_fdb(g, f, deleted);
}

static void on_neigh(void *ctx, const struct nl_neigh *n, bool deleted)
{
	arps_neigh_event(ctx, n, deleted);
}

static void on_overflow(void *ctx)
{
	struct glue *g = ctx;
	g->overflows++;
	g->resync = true;
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

/* The owned tables keep what was refused (they are the desired state); the retry is a dump and
 * reconcile, which re-requests exactly what the kernel lacks (and deletes what it should not have),
 * so nothing refused is forgotten, whatever the cause was. */
static void on_refused(void *ctx, enum nl_op op, const struct nl_fdb *f, int err)
{
	struct glue *g = ctx;
	char m[MAC_STRLEN], d[IPADDR_STRLEN];
	struct vni *v = vt_by_fdb(&g->vt, f);
	bool benign = refusal_benign(op, err), first;
	struct ipaddr ip;

	vt_addr_to_ip(&f->dst, &ip);
	if (op >= NL_NEIGH_REPLACE) {
		/* arp-suppress: not the FDB's reconcile to retry; a later route change re-requests */
		const struct vni *bv = op == NL_PORT_SUPPRESS ? vt_by_vxlan(&g->vt, f->ifindex)
							       : vt_by_bridge(&g->vt, f->ifindex);
		if (!(op == NL_NEIGH_DEL && err == ENOENT) && err != ENODEV)
			log_msg(LOG_WARNING, "VNI %u: kernel refused %s ifindex %d %s %s: %s", bv ? bv->vni : 0,
				op == NL_PORT_SUPPRESS ? "neigh_suppress on" :
				op == NL_NEIGH_DEL ? "neighbour delete" : "neighbour replace", f->ifindex,
				ip.af ? ipaddr_str(&ip, d) : "", op == NL_PORT_SUPPRESS ? "" :
				mac_str((const struct mac *)f->mac, m), strerror(err));
		return;
	}
	if (!benign) {
		g->refused++;
		if (!g->refused_round++)
			snprintf(g->retry_first, sizeof g->retry_first, "%s %s dev %s dst %s: %s",
				 op_name(op), mac_str((const struct mac *)f->mac, m), v ? v->name : "?",
				 ip.af ? ipaddr_str(&ip, d) : "-", strerror(err));
		if (v)
			v->nrefused++;
		if (!ev_is_active(&g->retry_w) && g->loop && !g->stopping) {
			/* a cause that went away long ago: start again at the shortest delay */
			if (ev_now(g->loop) - g->retry_last > 2 * GLUE_RETRY_MAX)
				g->retry_delay = GLUE_RETRY_MIN;
			ev_timer_set(&g->retry_w, g->retry_delay, 0.);
			ev_timer_start(g->loop, &g->retry_w);
		}
	}
	/* each entry once: the first refusal warns, those of retry rounds are summed per round */
	first = g->retry_delay <= GLUE_RETRY_MIN;
	log_msg(benign || !first ? LOG_DEBUG : LOG_WARNING,
		"kernel refused FDB %s %s dev %s (ifindex %d) dst %s master %d: %s%s", op_name(op),
		mac_str((const struct mac *)f->mac, m), v ? v->name : "?", f->ifindex,
		ip.af ? ipaddr_str(&ip, d) : "-", f->master, strerror(err),
		benign ? "" : "; will retry");
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct glue *g = w->data;
	(void)loop;
	(void)revents;

	if (g->retry_delay > GLUE_RETRY_MIN)
		log_msg(LOG_WARNING, "kernel refused %llu FDB request%s since the last retry (first: %s): "
			"dumping and reconciling again (next retry in %.0f s if still refused)",
			(unsigned long long)g->refused_round, g->refused_round == 1 ? "" : "s",
			g->retry_first,
			g->retry_delay * 2 > GLUE_RETRY_MAX ? GLUE_RETRY_MAX : g->retry_delay * 2);
	else
		log_msg(LOG_INFO, "retrying %llu refused FDB request%s: dumping and reconciling",
			(unsigned long long)g->refused_round, g->refused_round == 1 ? "" : "s");
	g->retry_last = ev_now(g->loop);
	g->refused_round = 0;
	g->retry_delay = g->retry_delay * 2 > GLUE_RETRY_MAX ? GLUE_RETRY_MAX : g->retry_delay * 2;
	g->resync = true;
}

/* Dump links then the FDB and compare with what evpnd owns. */
static int dump_reconcile(struct glue *g)
{
	int rc;

	/* What evpnd asked for must be in the kernel before the dump, or the dump would miss requests
	 * still queued and the comparison would queue them again (or delete twice): under a burst of
	 * overflows that repeats the whole backlog at every resync. */
	if (g->nl && nl_drain(g->nl, 5000) < 0)
		log_msg(LOG_WARNING, "netlink: %zu requests still unacknowledged before the dump",
			nl_pending(g->nl));
	vt_mark(&g->vt);
	rc = nl_dump_links(g->nl);
	if (rc == 0) {
		vt_sweep(&g->vt);
		reconcile_begin(g);
		rc = nl_dump_fdb(g->nl);
	}
	if (rc < 0) {
		int e = errno;
		g->dumping = false; /* an incomplete dump must not re-add or forget anything */
		errno = e;
		return -1;
	}
	reconcile_end(g);
	return 0;
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

static void converged(struct glue *g, const char *why)
{
	ev_timer_stop(g->loop, &g->converge_w);
	log_msg(LOG_INFO, "initial convergence: %s", why);
	reconcile_converged(g);
	arps_converged(g);
}

static void on_converge_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct glue *g = w->data;
	(void)loop;
	(void)revents;
	if (!g->converged)
		converged(g, "timeout");
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct glue *g = w->data;
	(void)loop;
	(void)revents;

	if (g->stopping)
		return;
	if (!g->converged && g->bgp) {
		struct conv_ctx c = { true };
		bgp_neighbors(g->bgp, conv_cb, &c);
		if (c.all)
			converged(g, "End-of-RIB from every neighbor");
	}
	if (g->resync) {
		g->resync = false;
		g->resyncs++;
		if (dump_reconcile(g) < 0) {
			log_msg(LOG_ERR, "netlink dump after ENOBUFS failed: %s; retrying", strerror(errno));
			g->resync = true;
		}
	}
	if (g->nlost)
		remote_put_back(g);
	nl_flush(g->nl);
}

int glue_init(struct glue *g, const struct config *cfg, struct ev_loop *loop, struct bgp *bgp)
{
	memset(g, 0, sizeof *g);
	g->cfg = cfg;
	g->loop = loop;
	g->bgp = bgp;
	fo_init(&g->fo);
	mac_tab_init(&g->local);
	g->retry_delay = GLUE_RETRY_MIN;
	g->retry_last = -2 * GLUE_RETRY_MAX;
	ev_timer_init(&g->retry_w, on_retry, GLUE_RETRY_MIN, 0.);
	g->retry_w.data = g;
	return vt_init(&g->vt, cfg, vt_event, g);
}

int glue_start(struct glue *g, size_t rcvbuf)
{
	struct nl_hooks h = { on_link, on_fdb, on_overflow, on_refused, g, on_neigh, on_vlan_map };

	/* [global] netlink-buffer wins: it is how a test forces the ENOBUFS path */
	g->nl = nl_open(g->loop, &h, g->cfg->netlink_buffer ? g->cfg->netlink_buffer : rcvbuf);
	if (!g->nl)
		return -1;
	nl_set_acked(g->nl, on_acked);
	if (dump_reconcile(g) < 0)
		return -1;
	/* arp-suppress: local neighbours to advertise, and a previous run's entries to adopt */
	if (nl_dump_neigh(g->nl) < 0)
		log_msg(LOG_WARNING, "netlink: neighbour dump failed: %s", strerror(errno));
	snoop_glue_start(g); /* arp-snoop: after the dumps, so ports and local MACs are known */
	log_msg(LOG_INFO, "kernel: %zu VNI%s, %zu remote MAC entr%s and %zu flood entr%s adopted, "
		"%zu local MAC%s", g->vt.count, g->vt.count == 1 ? "" : "s", g->fo.macs.n,
		g->fo.macs.n == 1 ? "y" : "ies", g->fo.nflood, g->fo.nflood == 1 ? "y" : "ies",
		g->local.n, g->local.n == 1 ? "" : "s");
	ev_timer_init(&g->converge_w, on_converge_timeout, (double)g->cfg->converge_timeout, 0.);
	g->converge_w.data = g;
	ev_timer_start(g->loop, &g->converge_w);
	ev_prepare_init(&g->prepare_w, on_prepare);
	g->prepare_w.data = g;
	ev_prepare_start(g->loop, &g->prepare_w);
	return 0;
}

void glue_stop(struct glue *g)
{
	g->stopping = true;
	snoop_glue_stop(g);
	if (g->loop) {
		ev_timer_stop(g->loop, &g->converge_w);
		ev_timer_stop(g->loop, &g->retry_w);
		ev_timer_stop(g->loop, &g->dad_w);
		ev_prepare_stop(g->loop, &g->prepare_w);
	}
	if (g->nl) {
		/* what was decided before the stop reaches the kernel; nothing after it */
		nl_flush(g->nl);
		nl_drain(g->nl, 2000);
		nl_close(g->nl);
		g->nl = NULL;
	}
	vt_free(&g->vt);
	fo_free(&g->fo);
	mac_tab_free(&g->local);
	arps_free(g);
	free(g->t3);
	free(g->lost);
	lat_track_free(&g->lat);
	g->lost = NULL;
	g->nlost = g->lostcap = 0;
	g->t3 = NULL;
	g->nt3 = g->t3cap = 0;
}
