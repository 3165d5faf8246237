/*
 * The glue's life cycle and netlink hooks: open netlink, dump links and FDB through the same
 * reconcile path ENOBUFS uses, flush requests once per loop iteration, and decide when initial
 * convergence is reached (End-of-RIB for EVPN from every configured neighbor, or the timeout).
 */
#include <errno.h>
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "glue.h"
#include "log.h"

static const char *op_name(enum nl_op op)
{
	return op == NL_FDB_REPLACE ? "replace" : op == NL_FDB_APPEND ? "append" : "delete";
}

static void vt_event(void *ctx, struct vni *v, enum vt_event ev)
{
	struct glue *g = ctx;

	switch (ev) {
	case VT_ATTACH:
		remote_vni_attach(g, v);
		break;
	case VT_DETACH:
		remote_vni_detach(g, v);
		break;
	case VT_ACTIVATE:
		local_vni_activate(g, v);
		break;
	case VT_DEACTIVATE:
		local_vni_deactivate(g, v);
		break;
	}
}

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	struct glue *g = ctx;
	vt_link_event(&g->vt, l, deleted);
}

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	struct glue *g = ctx;
	struct vni *v = vt_by_vxlan(&g->vt, f->ifindex);

	if (v && (f->flags & NTF_SELF)) {
		if (g->dumping)
			reconcile_kernel_entry(g, v, f);
		else
			remote_kernel_event(g, v, f, deleted);
		return;
	}
	local_fdb(g, f, deleted);
}

static void on_overflow(void *ctx)
{
	struct glue *g = ctx;
	g->overflows++;
	g->resync = true;
	log_msg(LOG_WARNING, "netlink events lost (ENOBUFS): dumping and reconciling");
}

static bool addr_same(const struct nl_addr *x, const struct nl_addr *y)
{
	return x && x->af == y->af && !memcmp(x->a, y->a, x->af == AF_INET ? 4 : 16);
}

static void on_refused(void *ctx, enum nl_op op, const struct nl_fdb *f, int err)
{
	struct glue *g = ctx;
	char m[MAC_STRLEN], d[IPADDR_STRLEN];
	struct ipaddr ip;

	g->refused++;
	if (op == NL_FDB_REPLACE) {
		/* not installed after all: forget it, so the next change of its route tries again */
		struct vni *v = vt_by_vxlan(&g->vt, f->ifindex);
		struct mac_ent *e = v ? mac_tab_get(&g->fo.macs, v->vxlan, f->mac) : NULL;
		if (e && !(e->flags & MENT_STALE) && addr_same(fo_vtep_addr(&g->fo, e->vtep), &f->dst)) {
			mac_tab_del(&g->fo.macs, e);
			v->nremote--;
		}
	}
	vt_addr_to_ip(&f->dst, &ip);
	/* ENODEV: the device is being deleted (its FDB is flushed before the deletion is reported) */
	log_msg(err == ENODEV ? LOG_DEBUG : LOG_WARNING,
		"kernel refused FDB %s %s dst %s ifindex %d master %d: %s", op_name(op),
		mac_str((const struct mac *)f->mac, m), ip.af ? ipaddr_str(&ip, d) : "-", f->ifindex,
		f->master, strerror(err));
}

/* Dump links then the FDB and compare with what evpnd owns. */
static int dump_reconcile(struct glue *g)
{
	int rc;

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
	return vt_init(&g->vt, cfg, vt_event, g);
}

int glue_start(struct glue *g, size_t rcvbuf)
{
	struct nl_hooks h = { on_link, on_fdb, on_overflow, on_refused, g };

	g->nl = nl_open(g->loop, &h, rcvbuf);
	if (!g->nl)
		return -1;
	if (dump_reconcile(g) < 0)
		return -1;
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
	if (g->loop) {
		ev_timer_stop(g->loop, &g->converge_w);
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
	free(g->t3);
	free(g->lost);
	g->lost = NULL;
	g->nlost = g->lostcap = 0;
	g->t3 = NULL;
	g->nt3 = g->t3cap = 0;
}
