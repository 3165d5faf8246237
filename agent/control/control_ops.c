/* SPDX-License-Identifier: Apache-2.0 */
/* Control commands for operations: "metrics" (Prometheus text), "show-fdb" (the kernel's FDB of
 * the managed devices) and "audit" (that FDB against evpnd's tables), both from a dump that the
 * live tables never see (engine_dump_fdb). */
#include <errno.h>
#include <json-c/json.h>
#include <linux/neighbour.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "control.h"
#include "control_int.h"
#include "engine.h"
#include "metrics.h"
#include "originate.h"
#include "reconcile.h"
#include "req_field.h"

void cmd_metrics(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct metrics_src src = { d->bgp, d->engine };
	size_t len;
	char *s;

	(void)req;
	s = metrics_text(&src, &len);
	if (!s) {
		ctl_reply_err(cl, "out of memory building the metrics");
		return;
	}
	ctl_reply_ok(cl, json_object_new_string_len(s, (int)len));
	free(s);
}

/* ---- show-fdb ---- */

struct fdb_walk {
	const struct engine *g;
	uint32_t vni;            /* 0: every managed VNI */
	struct json_object *arr;
};

static void add_name(struct json_object *o, const char *key, const struct engine *g, int ifindex)
{
	const struct vt_link *l = ifindex > 0 ? vt_link(&g->vt, ifindex) : NULL;
	json_object_object_add(o, key, l && l->name[0] ? json_object_new_string(l->name)
			       : ifindex > 0 ? json_object_new_int(ifindex) : NULL);
}

static const char *kind(const struct engine *g, const struct nl_fdb *f, bool on_vxlan)
{
	if (on_vxlan && (f->flags & NTF_SELF)) {
		switch (rc_classify(f)) {
		case RC_MAC:
			return "remote";
		case RC_FLOOD:
			return "flood";
		default:
			return "other";
		}
	}
	if (on_vxlan && (f->flags & NTF_EXT_LEARNED))
		return "remote"; /* the bridge's half of a remote MAC */
	return macs_local_key(g->macs, f) ? "local" : "other";
}

static void fdb_tap(void *ctx, const struct nl_fdb *f)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ NTF_SELF, "self" }, { NTF_MASTER, "master" }, { NTF_EXT_LEARNED, "extern_learn" },
		{ NTF_STICKY, "sticky" }, { NTF_ROUTER, "router" },
	}, states[] = {
		{ NUD_PERMANENT, "permanent" }, { NUD_NOARP, "noarp" }, { NUD_REACHABLE, "reachable" },
		{ NUD_STALE, "stale" },
	};
	struct fdb_walk *w = ctx;
	const struct engine *g = w->g;
	struct vni *v = vt_by_fdb(&g->vt, f);
	bool on_vxlan = v != NULL;
	struct json_object *o, *fl;
	char m[MAC_STRLEN], a[IPADDR_STRLEN];

	if (!v)
		v = vt_by_bridge(&g->vt, f->master ? f->master : f->ifindex);
	if (!v || (w->vni && v->vni != w->vni))
		return; /* not a managed device */
	o = json_object_new_object();
	json_object_object_add(o, "vni", json_object_new_int64(v->vni));
	json_object_object_add(o, "mac", json_object_new_string(mac_str((const struct mac *)f->mac, m)));
	add_name(o, "device", g, f->ifindex);
	add_name(o, "master", g, f->master);
	json_object_object_add(o, "vlan", f->vlan ? json_object_new_int(f->vlan) : NULL);
	if (f->dst.af) {
		struct ipaddr ip;
		memset(&ip, 0, sizeof ip);
		ip.af = f->dst.af;
		memcpy(ip.a, f->dst.a, sizeof ip.a);
		json_object_object_add(o, "dst", json_object_new_string(ipaddr_str(&ip, a)));
	} else {
		json_object_object_add(o, "dst", NULL);
	}
	fl = json_object_new_array();
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (f->flags & flags[i].bit)
			json_object_array_add(fl, json_object_new_string(flags[i].name));
	json_object_object_add(o, "flags", fl);
	fl = json_object_new_array();
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (f->state & states[i].bit)
			json_object_array_add(fl, json_object_new_string(states[i].name));
	json_object_object_add(o, "state", fl);
	json_object_object_add(o, "kind", json_object_new_string(kind(g, f, on_vxlan)));
	json_object_array_add(w->arr, o);
}

/* Past fdb-dump-limit a whole dump holds the loop for minutes (docs/kernel-costs.md): keepalives
 * wait, and neighbors may drop the sessions. The operator asks for it knowingly ("force"). */
static bool dump_refused(struct ctl_client *cl, const struct engine *e, struct json_object *req,
			 const char *what)
{
	char err[400];
	bool force = false;
	size_t n;

	if (req_bool(req, "force", &force, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return true;
	}
	n = engine_fdb_too_large(e);
	if (force || !n)
		return false;
	snprintf(err, sizeof err, "%s needs a dump of the whole kernel FDB: with %zu entries installed "
		 "(fdb-dump-limit %u) it would hold evpnd for minutes and neighbors may drop their "
		 "sessions; add \"force\" to dump anyway", what, n, e->cfg->fdb_dump_limit);
	ctl_reply_err(cl, err);
	return true;
}

void cmd_show_fdb(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct fdb_walk w = { .g = d->engine };
	char err[320];
	int rc;

	if (req_u32(req, "vni", false, 1, VNI_MAX, &w.vni, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (!d->engine || !d->engine->nl) {
		ctl_reply_err(cl, "no kernel side to show (evpnd runs without netlink)");
		return;
	}
	if (dump_refused(cl, d->engine, req, "show fdb"))
		return;
	w.arr = json_object_new_array();
	rc = engine_dump_fdb(d->engine, fdb_tap, &w);
	if (rc < 0) {
		snprintf(err, sizeof err, "kernel FDB dump failed: %s", strerror(errno));
		json_object_put(w.arr);
		ctl_reply_err(cl, err);
		return;
	}
	ctl_reply_ok(cl, w.arr);
}

/* ---- audit ---- */

struct audit_run {
	const struct engine *e;
	struct audit_view k;
	struct json_object *arr;
	size_t count[AUDIT_KINDS];
};

static void audit_tap(void *ctx, const struct nl_fdb *f)
{
	struct audit_run *r = ctx;
	audit_kernel_entry(&r->k, &r->e->vt, r->e->macs, f); /* compared, never applied */
}

static void add_vtep(struct json_object *o, const char *name, const struct nl_addr *a)
{
	struct ipaddr ip;
	char buf[IPADDR_STRLEN];

	if (!a) {
		json_object_object_add(o, name, NULL);
		return;
	}
	vt_addr_to_ip(a, &ip);
	json_object_object_add(o, name, json_object_new_string(ipaddr_str(&ip, buf)));
}

static void add_port(struct json_object *o, const struct engine *e, const char *name, uint32_t port)
{
	const struct vt_link *l = port ? vt_link(&e->vt, (int)port) : NULL;

	json_object_object_add(o, name, l && l->name[0] ? json_object_new_string(l->name)
			       : port ? json_object_new_int64(port) : NULL);
}

static void drift_cb(void *ctx, const struct audit_drift *d)
{
	struct audit_run *r = ctx;
	const struct engine *e = r->e;
	bool local = d->kind >= AUDIT_LOCAL_UNKNOWN, flood = d->kind == AUDIT_FLOOD_MISSING ||
							       d->kind == AUDIT_FLOOD_EXTRA;
	struct vni *v = local ? vt_by_lkey(&e->vt, d->key) : vt_by_okey(&e->vt, d->key);
	struct json_object *o = json_object_new_object();
	const struct vt_link *dev;
	char m[MAC_STRLEN];

	r->count[d->kind]++;
	json_object_object_add(o, "kind", json_object_new_string(audit_kind_name(d->kind)));
	json_object_object_add(o, "vni", v ? json_object_new_int64(v->vni) : NULL);
	dev = local ? vt_link(&e->vt, v ? v->bridge : d->key) : NULL;
	json_object_object_add(o, "device", local ? (dev ? json_object_new_string(dev->name) : NULL)
			       : v ? json_object_new_string(v->name) : NULL);
	json_object_object_add(o, "mac", flood ? NULL :
			       json_object_new_string(mac_str((const struct mac *)d->mac, m)));
	if (local) {
		add_port(o, e, "port", d->want_port);
		add_port(o, e, "kernel_port", d->have_port);
	} else {
		add_vtep(o, "vtep", d->want);
		add_vtep(o, "kernel_vtep", d->have);
	}
	if (!flood) {
		json_object_object_add(o, "sticky", json_object_new_boolean(d->want_sticky));
		json_object_object_add(o, "kernel_sticky", json_object_new_boolean(d->have_sticky));
	}
	json_object_array_add(r->arr, o);
}

/* The reply: {"drift": [...], "checked": {...}, "converged", "pending_requests",
 * "resync_pending", "netlink_overflows", "by_kind"}. */
static struct json_object *audit_json(struct audit_run *r)
{
	const struct engine *e = r->e;
	struct audit_side want = { macs_remote_tab(e->macs), &e->vteps, &e->flood.set,
				   macs_local_tab(e->macs) };
	struct audit_side have = audit_view_side(&r->k);
	struct json_object *o, *checked;
	struct macs_counts mc;

	r->arr = json_object_new_array();
	audit_compare(&want, &have, drift_cb, r);
	macs_counts(e->macs, &mc);
	o = json_object_new_object();
	json_object_object_add(o, "drift", r->arr);
	checked = json_object_new_object();
	json_object_object_add(checked, "kernel_entries", json_object_new_int64((int64_t)r->k.entries));
	json_object_object_add(checked, "remote_macs", json_object_new_int64((int64_t)mc.remote));
	json_object_object_add(checked, "flood_entries", json_object_new_int64((int64_t)e->flood.set.n));
	json_object_object_add(checked, "local_macs", json_object_new_int64((int64_t)mc.local));
	json_object_object_add(o, "checked", checked);
	json_object_object_add(o, "converged", json_object_new_boolean(e->converged));
	json_object_object_add(o, "pending_requests", json_object_new_int64((int64_t)nl_pending(e->nl)));
	json_object_object_add(o, "resync_pending", json_object_new_boolean(
				       e->resync || e->dumping || macs_lost_pending(e->macs) || e->flood.nlost));
	json_object_object_add(o, "netlink_overflows", json_object_new_int64((int64_t)e->overflows));
	checked = json_object_new_object();
	for (int i = 0; i < AUDIT_KINDS; i++)
		if (r->count[i])
			json_object_object_add(checked, audit_kind_name((enum audit_kind)i),
					       json_object_new_int64((int64_t)r->count[i]));
	json_object_object_add(o, "by_kind", checked);
	return o;
}

void cmd_audit(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct audit_run r;
	char err[320];
	int rc;

	if (!d->engine) {
		ctl_reply_err(cl, "no kernel side to audit (evpnd runs without netlink)");
		return;
	}
	if (dump_refused(cl, d->engine, req, "audit"))
		return;
	memset(&r, 0, sizeof r);
	r.e = d->engine;
	audit_view_init(&r.k);
	rc = engine_dump_fdb(d->engine, audit_tap, &r);
	if (rc < 0 || r.k.entries == SIZE_MAX) {
		snprintf(err, sizeof err, "kernel FDB dump failed: %s", strerror(rc < 0 ? errno : ENOMEM));
		audit_view_free(&r.k);
		ctl_reply_err(cl, err);
		return;
	}
	ctl_reply_ok(cl, audit_json(&r));
	audit_view_free(&r.k);
}

/* ---- show-status ---- */

static struct json_object *num(double v)
{
	return json_object_new_double(v);
}

void cmd_show_status(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct json_object *o = json_object_new_object(), *lo;
	struct engine_status st;
	uint64_t slow = 0;

	(void)req;
	if (!d->engine) {
		ctl_reply_err(cl, "no kernel side (evpnd runs without netlink)");
		json_object_put(o);
		return;
	}
	engine_status(d->engine, &st);
	json_object_object_add(o, "adopted", json_object_new_boolean(st.adopted));
	json_object_object_add(o, "converged", json_object_new_boolean(st.converged));
	json_object_object_add(o, "dump_running", json_object_new_boolean(st.dumping));
	json_object_object_add(o, "dump_running_seconds", num(st.dump_running));
	json_object_object_add(o, "dump_last_seconds", num(st.dump_last));
	json_object_object_add(o, "resyncs", json_object_new_int64((int64_t)st.resyncs));
	json_object_object_add(o, "netlink_overflows", json_object_new_int64((int64_t)st.overflows));
	json_object_object_add(o, "kernel_refusals", json_object_new_int64((int64_t)st.refused));
	json_object_object_add(o, "pending_requests", json_object_new_int64((int64_t)st.pending));
	lo = json_object_new_object();
	for (int i = 1; i <= LOOP_STAT_BUCKETS; i++) /* the buckets above 50 ms */
		if (loop_stat_bounds[i - 1] >= 0.05)
			slow += st.loop->bucket[i];
	json_object_object_add(lo, "iterations", json_object_new_int64((int64_t)st.loop->n));
	json_object_object_add(lo, "max_seconds", num(st.loop->max));
	json_object_object_add(lo, "mean_seconds", num(st.loop->n ? st.loop->sum / (double)st.loop->n : 0));
	json_object_object_add(lo, "over_50ms", json_object_new_int64((int64_t)slow));
	json_object_object_add(o, "loop", lo);
	ctl_reply_ok(cl, o);
}
