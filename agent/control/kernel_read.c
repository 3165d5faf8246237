/* SPDX-License-Identifier: Apache-2.0 */
/* Control commands that read the kernel's FDB: "show-fdb" (its entries on the managed devices) and
 * "audit" (them against evpnd's tables). The read runs in the background (engine_read.h) while the
 * reply waits (a paused ctl_stream: the client's later requests wait too, everyone else is
 * served), and the reply is written a bounded step at a time as the client reads it. */
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
#include "engine_tenant.h"
#include "macs_show.h"
#include "engine_read.h"
#include "originate.h"
#include "reconcile.h"
#include "req_field.h"

/* Entries (show-fdb) or table entries compared (audit) per step of a reply. */
#define READ_STEP 256
#define AUDIT_STEP 2048

/* Append o (consumed) to a streamed JSON array. */
static void put_item(struct ctl_client *cl, bool *first, bool *failed, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!*failed && ((!*first && ctl_out(cl, ",", 1) < 0) || ctl_out(cl, s, strlen(s)) < 0))
		*failed = true;
	*first = false;
	json_object_put(o);
}

/* Past fdb-dump-limit a whole dump costs the kernel minutes (docs/kernel-costs.md): the operator
 * asks for it knowingly ("force"). *force says whether it was asked for; false when the request
 * is bad (the reply is sent). */
static bool get_force(struct ctl_client *cl, struct json_object *req, bool *force)
{
	char err[400];

	*force = false;
	if (req_bool(req, "force", force, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return false;
	}
	return true;
}

/* The start of every step of a reply that waits for a read: paused while the read runs (0), the
 * error sent once it failed (-1), else 1: go on. */
static int read_wait(struct ctl_client *cl, int state, int err)
{
	char msg[160];

	if (state == 0) {
		ctl_stream_pause(cl);
		return 0;
	}
	if (state == 1 && err) {
		snprintf(msg, sizeof msg, "kernel FDB read failed: %s", strerror(err));
		ctl_reply_err(cl, msg);
		return -1;
	}
	return 1;
}

/* Start the read rd for a reply; false after replying why it could not start. */
static bool read_start(struct ctl_client *cl, struct engine *e, struct engine_read *rd)
{
	if (engine_read_start(e, rd) == 0)
		return true;
	ctl_reply_err(cl, errno == EBUSY ?
		      "another audit or show fdb is reading the kernel; ask again when it is done" :
		      strerror(errno));
	return false;
}

/* ---- show-fdb ---- */

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

/* The managed VNI an entry belongs to (its VXLAN device's, else its bridge's), or NULL (or not
 * vni, when vni is not 0). */
static const struct vni *fdb_vni(const struct engine *g, uint32_t vni, const struct nl_fdb *f,
				 bool *on_vxlan)
{
	const struct vni *v = vt_by_fdb(&g->vt, f);

	*on_vxlan = v != NULL;
	if (!v)
		v = vt_by_bridge(&g->vt, f->master ? f->master : f->ifindex);
	return v && (!vni || v->vni == vni) ? v : NULL;
}

/* An entry as show-fdb lists it, or NULL when it is not on a managed device (or vni's). */
static struct json_object *fdb_json(const struct engine *g, uint32_t vni, const struct nl_fdb *f)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ NTF_SELF, "self" }, { NTF_MASTER, "master" }, { NTF_EXT_LEARNED, "extern_learn" },
		{ NTF_STICKY, "sticky" }, { NTF_ROUTER, "router" },
	}, states[] = {
		{ NUD_PERMANENT, "permanent" }, { NUD_NOARP, "noarp" }, { NUD_REACHABLE, "reachable" },
		{ NUD_STALE, "stale" },
	};
	bool on_vxlan;
	const struct vni *v = fdb_vni(g, vni, f, &on_vxlan);
	struct json_object *o, *fl;
	char m[MAC_STRLEN], a[IPADDR_STRLEN];

	if (!v)
		return NULL; /* not a managed device */
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
	return o;
}

struct fdb_read {
	struct engine_read rd;
	struct engine *e;
	struct ctl_client *cl;
	uint32_t vni;                /* 0: every managed VNI */
	struct nl_fdb *v;            /* the entries on managed devices, as the read reported them */
	size_t n, cap, at;
	int state;                   /* 0 reading, 1 read, 2 writing */
	int err;
	bool first, failed;
};

static void fdb_entry(void *ctx, const struct nl_fdb *f, bool event, bool deleted)
{
	struct fdb_read *r = ctx;
	bool on_vxlan;
	(void)deleted;

	if (event || r->err || !fdb_vni(r->e, r->vni, f, &on_vxlan))
		return; /* a listing of what the read found on the managed devices */
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct nl_fdb *v = realloc(r->v, cap * sizeof *v);
		if (!v) {
			r->err = ENOMEM;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *f;
}

static void fdb_restart(void *ctx)
{
	struct fdb_read *r = ctx;
	r->n = 0;
}

static void fdb_done(void *ctx, int err)
{
	struct fdb_read *r = ctx;

	if (!r->err)
		r->err = err;
	r->state = 1;
	ctl_stream_resume(r->cl);
}

static bool fdb_more(struct ctl_client *cl, void *state)
{
	struct fdb_read *r = state;
	int w = read_wait(cl, r->state, r->err);

	if (w <= 0)
		return w < 0;
	if (r->state == 1) {
		if (ctl_out(cl, "{\"ok\":true,\"data\":[", 19) < 0)
			return true;
		r->state = 2;
	}
	for (size_t k = 0; k < READ_STEP && r->at < r->n; k++) {
		struct json_object *o = fdb_json(r->e, r->vni, &r->v[r->at++]);
		if (o)
			put_item(cl, &r->first, &r->failed, o);
	}
	if (r->failed)
		return true;
	if (r->at < r->n)
		return false;
	ctl_out(cl, "]}\n", 3);
	return true;
}

static void fdb_free(void *state)
{
	struct fdb_read *r = state;

	engine_read_cancel(r->e, &r->rd);
	free(r->v);
	free(r);
}

void cmd_show_fdb(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct fdb_read *r;
	char err[400];
	uint32_t vni = 0;
	bool force;
	size_t n;

	if (req_u32(req, "vni", false, 1, VNI_MAX, &vni, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (!d->engine || !d->engine->nl) {
		ctl_reply_err(cl, "no kernel side to show (evpnd runs without netlink)");
		return;
	}
	if (!get_force(cl, req, &force))
		return;
	if (!force && (n = engine_fdb_too_large(d->engine))) {
		snprintf(err, sizeof err, "show fdb lists the whole kernel FDB: with %zu entries "
			 "installed (fdb-dump-limit %u) its dump costs the kernel minutes and the reply "
			 "is hundreds of megabytes; add \"force\" to list it anyway", n,
			 d->engine->cfg->fdb_dump_limit);
		ctl_reply_err(cl, err);
		return;
	}
	if (!(r = calloc(1, sizeof *r))) {
		ctl_reply_err(cl, "out of memory");
		return;
	}
	r->e = d->engine;
	r->cl = cl;
	r->vni = vni;
	r->first = true;
	r->rd = (struct engine_read){ .scope = ENGINE_READ_ALL, .entry = fdb_entry,
				      .restart = fdb_restart, .done = fdb_done, .ctx = r };
	if (!read_start(cl, r->e, &r->rd)) {
		free(r);
		return;
	}
	ctl_stream(cl, fdb_more, fdb_free, r);
}

/* ---- audit ---- */

struct audit_run {
	struct engine_read rd;
	struct engine *e;
	struct ctl_client *cl;
	struct audit_view k;
	struct audit_cmp cmp;
	bool owned;
	int state;                   /* 0 reading, 1 read, 2 comparing */
	int err;
	double t0, read_s;
	size_t count[AUDIT_KINDS];
	size_t tcount[TR_DRIFT_KINDS]; /* the routed tenants' (engine_tenant_audit) */
	bool first, failed;
};

static void audit_entry(void *ctx, const struct nl_fdb *f, bool event, bool deleted)
{
	struct audit_run *r = ctx;

	if (event)
		audit_kernel_event(&r->k, &r->e->vt, r->e->macs, f, deleted);
	else
		audit_kernel_entry(&r->k, &r->e->vt, r->e->macs, f); /* compared, never applied */
}

static bool audit_missing(void *ctx, int okey, const uint8_t mac[6], bool master)
{
	struct audit_run *r = ctx;

	return audit_view_lacks(&r->k, okey, mac, master);
}

static void audit_restart(void *ctx)
{
	struct audit_run *r = ctx;

	audit_view_free(&r->k);
	audit_view_init(&r->k);
}

static void audit_done(void *ctx, int err)
{
	struct audit_run *r = ctx;

	r->err = err ? err : r->k.entries == SIZE_MAX ? ENOMEM : 0;
	r->read_s = r->e->loop ? ev_time() - r->t0 : 0;
	r->state = 1;
	ctl_stream_resume(r->cl);
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
		json_object_object_add(o, "vtep", addr_json(d->want));
		json_object_object_add(o, "kernel_vtep", addr_json(d->have));
	}
	if (!flood) {
		json_object_object_add(o, "sticky", json_object_new_boolean(d->want_sticky));
		json_object_object_add(o, "kernel_sticky", json_object_new_boolean(d->have_sticky));
	}
	put_item(r->cl, &r->first, &r->failed, o);
}

/* A routed tenant's difference: {"kind", "vrf", and "prefix"+"via" for routes, "vtep"+"mac"+
 * "entry" (neighbour or fdb) for router MACs} */
static void tenant_drift_cb(void *ctx, const struct tr_drift *d)
{
	struct audit_run *r = ctx;
	struct json_object *o = json_object_new_object();
	char buf[IPADDR_STRLEN + 8], m[MAC_STRLEN];
	struct ipaddr ip;

	r->tcount[d->kind]++;
	json_object_object_add(o, "kind", json_object_new_string(tr_drift_name(d->kind)));
	json_object_object_add(o, "vrf", json_object_new_string(r->e->cfg->vrf[d->vrf].name));
	if (d->kind <= TR_ROUTE_EXTRA) {
		vt_addr_to_ip(&d->prefix, &ip);
		ipaddr_str(&ip, buf);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "/%u", d->plen);
		json_object_object_add(o, "prefix", json_object_new_string(buf));
		json_object_object_add(o, "via", addr_json(&d->via));
	} else {
		json_object_object_add(o, "vtep", addr_json(&d->prefix));
		json_object_object_add(o, "mac", json_object_new_string(mac_str((const struct mac *)d->mac, m)));
		json_object_object_add(o, "entry", json_object_new_string(d->fdb ? "fdb" : "neighbour"));
	}
	put_item(r->cl, &r->first, &r->failed, o);
}

/* The reply's fields after the drift list: "scope", "checked", "converged", "pending_requests",
 * "resync_pending", "netlink_overflows", "by_kind", "read_seconds". */
static struct json_object *audit_tail(struct audit_run *r)
{
	const struct engine *e = r->e;
	struct json_object *o, *checked;
	struct macs_counts mc;

	macs_counts(e->macs, &mc);
	o = json_object_new_object();
	json_object_object_add(o, "scope", json_object_new_string(r->owned ? "owned" : "all"));
	checked = json_object_new_object();
	json_object_object_add(checked, "kernel_entries", json_object_new_int64((int64_t)r->k.entries));
	json_object_object_add(checked, "remote_macs", json_object_new_int64((int64_t)mc.remote));
	json_object_object_add(checked, "flood_entries", r->owned ? NULL :
			       json_object_new_int64((int64_t)e->flood.set.n));
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
	for (int i = 0; i < TR_DRIFT_KINDS; i++)
		if (r->tcount[i])
			json_object_object_add(checked, tr_drift_name((enum tr_drift_kind)i),
					       json_object_new_int64((int64_t)r->tcount[i]));
	json_object_object_add(o, "by_kind", checked);
	json_object_object_add(o, "read_seconds", json_object_new_double(r->read_s));
	return o;
}

static bool audit_more(struct ctl_client *cl, void *state)
{
	struct audit_run *r = state;
	int w = read_wait(cl, r->state, r->err);

	if (w <= 0)
		return w < 0;
	if (r->state == 1) {
		struct audit_side want = { macs_remote_tab(r->e->macs), &r->e->vteps,
					   &r->e->flood.set, macs_local_tab(r->e->macs) };
		struct audit_side have = audit_view_side(&r->k);
		if (ctl_out(cl, "{\"ok\":true,\"data\":{\"drift\":[", 28) < 0)
			return true;
		audit_cmp_init(&r->cmp, &want, &have, r->owned, drift_cb, r);
		r->state = 2;
	}
	if (!audit_cmp_step(&r->cmp, AUDIT_STEP) && !r->failed)
		return false;
	if (!r->failed)
		engine_tenant_audit(r->e, tenant_drift_cb, r);
	if (!r->failed) {
		struct json_object *t = audit_tail(r);
		const char *s = json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
		/* the tail object's members continue the reply's object: drop its opening brace */
		if (ctl_out(cl, "],", 2) == 0 && ctl_out(cl, s + 1, strlen(s + 1)) == 0)
			ctl_out(cl, "}\n", 2);
		json_object_put(t);
	}
	return true;
}

static void audit_free(void *state)
{
	struct audit_run *r = state;

	engine_read_cancel(r->e, &r->rd);
	if (r->state == 2)
		audit_cmp_free(&r->cmp);
	audit_view_free(&r->k);
	free(r);
}

void cmd_audit(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct audit_run *r;
	bool force;

	if (!d->engine || !d->engine->nl) {
		ctl_reply_err(cl, "no kernel side to audit (evpnd runs without netlink)");
		return;
	}
	if (!get_force(cl, req, &force))
		return;
	if (!(r = calloc(1, sizeof *r))) {
		ctl_reply_err(cl, "out of memory");
		return;
	}
	r->e = d->engine;
	r->cl = cl;
	r->first = true;
	/* past fdb-dump-limit, what evpnd owns is asked for entry by entry (seconds at a million
	 * MACs); "force" dumps everything, which also finds flood lists and others' entries */
	r->owned = !force && engine_fdb_too_large(d->engine);
	r->t0 = d->engine->loop ? ev_time() : 0;
	audit_view_init(&r->k);
	r->rd = (struct engine_read){ .scope = r->owned ? ENGINE_READ_OWNED : ENGINE_READ_ALL,
				      .entry = audit_entry, .missing = audit_missing,
				      .restart = audit_restart,
				      .done = audit_done, .ctx = r };
	if (!read_start(cl, r->e, &r->rd)) {
		audit_view_free(&r->k);
		free(r);
		return;
	}
	ctl_stream(cl, audit_more, audit_free, r);
}
