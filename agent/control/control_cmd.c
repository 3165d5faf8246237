/* SPDX-License-Identifier: Apache-2.0 */
/* The control protocol's commands (docs/control-protocol.md): one handler per "cmd". */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_admin.h"
#include "control.h"
#include "control_int.h"
#include "engine.h"
#include "evpn.h"
#include "family.h"
#include "macs_show.h"
#include "req_field.h"
#include "route_json.h"
#include "route_req.h"

#define ERRLEN 320

/* ---- show-neighbors ---- */

static struct json_object *route_counts(uint32_t rcvd, uint32_t acc, uint32_t adv)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "received", json_object_new_int64(rcvd));
	json_object_object_add(o, "accepted", json_object_new_int64(acc));
	json_object_object_add(o, "advertised", json_object_new_int64(adv));
	return o;
}

static struct json_object *in_out(uint64_t in, uint64_t out)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "received", json_object_new_int64((int64_t)in));
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)out));
	return o;
}

static void neighbor_cb(void *ctx, const struct bgp_neighbor_info *n)
{
	struct json_object *arr = ctx, *o = json_object_new_object();
	struct json_object *fams = json_object_new_array(), *eor = json_object_new_array(), *routes;
	char addr[IPADDR_STRLEN], rid[INET_ADDRSTRLEN];
	uint32_t rcvd = 0, acc = 0, adv = 0, id = htonl(n->remote_id);

	for (int f = 0; f < FAM_COUNT; f++) {
		if (n->fam_mask & FAM_BIT(f))
			json_object_array_add(fams, json_object_new_string(family_table[f].name));
		if (n->eor_rcvd[f])
			json_object_array_add(eor, json_object_new_string(family_table[f].name));
		rcvd += n->rcvd[f];
		acc += n->accepted[f];
		adv += n->advertised[f];
	}
	routes = route_counts(rcvd, acc, adv);
	for (int f = 0; f < FAM_COUNT; f++)
		json_object_object_add(routes, family_table[f].name,
				       route_counts(n->rcvd[f], n->accepted[f], n->advertised[f]));
	json_object_object_add(o, "address", json_object_new_string(ipaddr_str(&n->addr, addr)));
	json_object_object_add(o, "remote_as", json_object_new_int64(n->remote_as));
	json_object_object_add(o, "state", json_object_new_string(n->state ? n->state : "idle"));
	json_object_object_add(o, "uptime", json_object_new_int64((int64_t)n->uptime));
	json_object_object_add(o, "router_id", n->remote_id
			       ? json_object_new_string(inet_ntop(AF_INET, &id, rid, sizeof rid)) : NULL);
	json_object_object_add(o, "families", fams);
	json_object_object_add(o, "hold_time", json_object_new_int(n->hold_time));
	json_object_object_add(o, "keepalive", json_object_new_int(n->keepalive));
	json_object_object_add(o, "messages", in_out(n->msgs_in, n->msgs_out));
	json_object_object_add(o, "updates", in_out(n->updates_in, n->updates_out));
	json_object_object_add(o, "routes", routes);
	json_object_object_add(o, "flaps", json_object_new_int64(n->flaps));
	/* graceful restart: its routes kept stale, and whether it is away (restart time running) */
	json_object_object_add(o, "stale_routes", json_object_new_int64(n->stale));
	json_object_object_add(o, "restarting", json_object_new_boolean(n->restarting));
	json_object_object_add(o, "last_error", n->last_error[0]
			       ? json_object_new_string_len(n->last_error,
							    (int)strnlen(n->last_error, sizeof n->last_error))
			       : NULL);
	json_object_object_add(o, "eor_received", eor);
	json_object_array_add(arr, o);
}

static void cmd_show_neighbors(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct json_object *arr = json_object_new_array();

	bgp_neighbors(d->bgp, neighbor_cb, arr);
	ctl_reply_ok(cl, arr);
}

/* ---- show-routes: streamed route by route, so no JSON tree of the whole table is built ---- */

struct walk {
	struct ctl_client *cl;
	const struct control_env *env;
	bool filter_vni, first, failed;
	uint32_t vni;
	time_t now;
	uint32_t mask;                 /* families still to walk */
	int fam;                       /* the family being walked */
	size_t pos;                    /* where in its table (rib_walk_next) */
};

static void route_cb(void *ctx, const struct rib_route *r)
{
	struct walk *w = ctx;
	struct json_object *o;
	const char *s;
	uint32_t vni;

	if (w->failed)
		return;
	if (w->filter_vni && (r->fam != FAM_EVPN || evpn_route_vni(r->nlri, r->len, r->a, &vni) < 0 ||
			      vni != w->vni))
		return;
	o = route_json(r, w->now, ctl_installed(w->env, r->fam, r->nlri, r->len, r->a,
					       r->src && r->src->kind != SRC_LOCAL, r->best));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if ((!w->first && ctl_out(w->cl, ",", 1) < 0) || ctl_out(w->cl, s, strlen(s)) < 0)
		w->failed = true;
	w->first = false;
	json_object_put(o);
}

/* show-routes streamed: ROUTES_STEP routes per call, family after family (ctl_stream). */
#define ROUTES_STEP 64
static bool routes_more(struct ctl_client *cl, void *state)
{
	struct walk *w = state;

	if (w->fam < 0 || !(w->mask & FAM_BIT(w->fam))) {
		if (!w->mask) {
			if (!w->failed)
				ctl_out(cl, "]}\n", 3);
			return true;
		}
		w->fam = __builtin_ctz(w->mask);
		w->pos = 0;
	}
	if (rib_walk_next(bgp_rib(w->env->bgp), w->fam, &w->pos, ROUTES_STEP, route_cb, w))
		w->mask &= ~FAM_BIT(w->fam);
	if (w->failed)
		return true;
	return false;
}

static int get_family(struct json_object *req, uint32_t *mask, char *err, size_t errlen)
{
	char q[REQ_QUOTE_LEN];
	const char *s;
	size_t n;
	int f, r = req_str(req, "family", false, &s, &n, err, errlen);

	*mask = FAM_ALL;
	if (r <= 0)
		return r;
	f = strlen(s) == n ? family_by_name(s) : -1;
	if (f < 0) {
		snprintf(err, errlen, "unknown family \"%s\" (evpn or opaque)", req_quote(s, n, q));
		return -1;
	}
	*mask = FAM_BIT(f);
	return 1;
}

/* show-routes with key: the paths of one opaque key, from every source, best first. */
static void show_key(struct ctl_client *cl, const struct control_env *d, struct json_object *req,
		     uint32_t mask)
{
	uint8_t nlri[ORIG_OPAQUE_MAX + 2];
	struct walk w = { .cl = cl, .env = d, .first = true, .now = route_now() };
	char err[ERRLEN];
	int len;

	if (!(mask & FAM_BIT(FAM_OPAQUE)) || json_object_object_get_ex(req, "vni", NULL)) {
		ctl_reply_err(cl, "key applies to the opaque family only");
		return;
	}
	len = originate_opaque(req, false, ORIG_OPAQUE_MAX, 0, nlri, sizeof nlri, err, sizeof err);
	if (len < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (ctl_out(cl, "{\"ok\":true,\"data\":[", 19) < 0)
		return;
	rib_lookup(bgp_rib(d->bgp), FAM_OPAQUE, nlri, (size_t)len, route_cb, &w);
	ctl_out(cl, "]}\n", 3);
}

static void cmd_show_routes(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct walk w = { .cl = cl, .env = d, .first = true, .now = route_now() };
	char err[ERRLEN];
	uint32_t mask;
	int r;

	if (get_family(req, &mask, err, sizeof err) < 0)
		goto fail;
	if (json_object_object_get_ex(req, "key", NULL) || json_object_object_get_ex(req, "key_hex", NULL)) {
		show_key(cl, d, req, mask);
		return;
	}
	r = req_u32(req, "vni", false, 1, VNI_MAX, &w.vni, err, sizeof err);
	if (r < 0)
		goto fail;
	if (r > 0) {
		if (!(mask & FAM_BIT(FAM_EVPN))) {
			snprintf(err, sizeof err, "vni applies to the evpn family only");
			goto fail;
		}
		w.filter_vni = true;
		mask = FAM_BIT(FAM_EVPN);
	}
	if (ctl_out(cl, "{\"ok\":true,\"data\":[", 19) < 0)
		return;
	w.mask = mask;
	w.fam = -1;
	struct walk *ws = malloc(sizeof *ws);
	if (!ws) {
		ctl_out(cl, "]}\n", 3); /* an empty list rather than none */
		return;
	}
	*ws = w;
	ctl_stream(cl, routes_more, free, ws);
	return;
fail:
	ctl_reply_err(cl, err);
}

/* ---- local EVPN routes ---- */

static void evpn_add(struct ctl_client *cl, const struct control_env *d, struct json_object *req, uint8_t type)
{
	struct orig_req rq;
	struct orig_route rt;
	char err[ERRLEN];

	if (originate_parse(req, type, true, &rq, err, sizeof err) < 0 ||
	    originate_build(d->cfg, &rq, &rt, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (bgp_local_add(d->bgp, FAM_EVPN, rt.nlri, rt.len, &rt.a) < 0) {
		ctl_reply_err(cl, "the BGP speaker refused the route");
		return;
	}
	ctl_reply_ok(cl, NULL);
}

static void evpn_del(struct ctl_client *cl, const struct control_env *d, struct json_object *req, uint8_t type)
{
	struct orig_req rq;
	struct orig_route rt;
	char err[ERRLEN], text[256];
	int r;

	if (originate_parse(req, type, false, &rq, err, sizeof err) < 0 ||
	    originate_build(d->cfg, &rq, &rt, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	r = bgp_local_del(d->bgp, FAM_EVPN, rt.nlri, rt.len);
	if (r == 0) {
		ctl_reply_ok(cl, NULL);
		return;
	}
	family_table[FAM_EVPN].print(rt.nlri, rt.len, text, sizeof text);
	snprintf(err, sizeof err, r > 0 ? "no such local route: %s" : "cannot withdraw %s", text);
	ctl_reply_err(cl, err);
}

static void cmd_add_macadv(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	evpn_add(cl, d, req, EVPN_RT_MACIP);
}

static void cmd_del_macadv(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	evpn_del(cl, d, req, EVPN_RT_MACIP);
}

static void cmd_add_multicast(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	evpn_add(cl, d, req, EVPN_RT_IMET);
}

static void cmd_del_multicast(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	evpn_del(cl, d, req, EVPN_RT_IMET);
}

/* ---- opaque keys ---- */

static size_t max_key(const struct control_env *d)
{
	return d->cfg ? d->cfg->opaque_max_key : 1024;
}

static size_t max_value(const struct control_env *d)
{
	return d->cfg ? d->cfg->opaque_max_value : 3072;
}

static void cmd_add_key(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	uint8_t nlri[ORIG_OPAQUE_MAX + 2];
	struct attrs tmpl;
	char err[ERRLEN];
	bool eph = false;
	int len = originate_opaque(req, true, max_key(d), max_value(d), nlri, sizeof nlri, err, sizeof err);
	size_t kl = len > 2 ? (size_t)(nlri[0] << 8 | nlri[1]) : 0;

	if (len < 0 || req_bool(req, "ephemeral", &eph, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	/* the owner first: a key that cannot be tied to its connection is not published */
	if (ctl_key_owner(cl, nlri + 2, kl, eph) < 0) {
		ctl_reply_err(cl, "out of memory");
		return;
	}
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.origin = ORIGIN_IGP; /* next hop af 0: the speaker's global next hop */
	if (bgp_local_add(d->bgp, FAM_OPAQUE, nlri, (size_t)len, &tmpl) < 0) {
		ctl_key_owner(cl, nlri + 2, kl, false);
		ctl_reply_err(cl, "the BGP speaker refused the key");
	} else {
		ctl_reply_ok(cl, NULL);
	}
}

static void cmd_del_key(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	uint8_t nlri[ORIG_OPAQUE_MAX + 2];
	char err[ERRLEN], q[REQ_QUOTE_LEN];
	int r, len = originate_opaque(req, false, ORIG_OPAQUE_MAX, 0, nlri, sizeof nlri, err, sizeof err);

	if (len < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	r = bgp_local_del(d->bgp, FAM_OPAQUE, nlri, (size_t)len);
	if (r == 0) {
		ctl_key_owner(cl, nlri + 2, (size_t)len - 2, false);
		ctl_reply_ok(cl, NULL);
		return;
	}
	snprintf(err, sizeof err, r > 0 ? "no such local key \"%s\"" : "cannot withdraw key \"%s\"",
		 req_quote((const char *)nlri + 2, (size_t)len - 2, q));
	ctl_reply_err(cl, err);
}

/* ---- show-vnis ---- */

static void cmd_show_vnis(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	(void)req;
	ctl_reply_ok(cl, d->engine ? show_vnis(d->engine) : json_object_new_array());
}

static void cmd_show_vrfs(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	(void)req;
	ctl_reply_ok(cl, d->engine ? show_vrfs(d->engine) : json_object_new_array());
}

static void cmd_show_vrf_routes(struct ctl_client *cl, const struct control_env *d,
				struct json_object *req)
{
	char err[256], name[32];
	const char *s;
	size_t n;
	struct json_object *o;

	if (req_str(req, "vrf", true, &s, &n, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
	if (!d->engine) {
		ctl_reply_err(cl, "no routed tenants here");
		return;
	}
	if (!(o = show_vrf_routes(d->engine, name, err, sizeof err)))
		ctl_reply_err(cl, err);
	else
		ctl_reply_ok(cl, o);
}

/* ---- show-macs, clear-duplicate: optional vni and mac select ---- */

static int get_vni_mac(struct json_object *req, uint32_t *vni, struct mac *mac, bool *has_mac,
		       char *err, size_t errlen)
{
	char q[REQ_QUOTE_LEN], buf[32];
	const char *s;
	size_t n;
	int r;

	*vni = 0;
	*has_mac = false;
	if (req_u32(req, "vni", false, 1, VNI_MAX, vni, err, errlen) < 0)
		return -1;
	r = req_str(req, "mac", false, &s, &n, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (n >= sizeof buf || strlen(s) != n || (memcpy(buf, s, n), buf[n] = '\0', mac_parse(buf, mac) < 0)) {
			snprintf(err, errlen, "bad MAC \"%s\"", req_quote(s, n, q));
			return -1;
		}
		*has_mac = true;
	}
	return 0;
}

/* show-macs streamed as the client reads (ctl_stream): MACS_STEP table entries per call, in table
 * order (evpnctl sorts what it prints). At a million MACs the whole array took one 16 s turn of
 * the loop and the BGP sessions' hold timers expired. */
#define MACS_STEP 256
struct macs_walk {
	struct ctl_client *cl;
	const struct engine *e;
	uint32_t vni;
	struct mac mac;
	bool has_mac, first, failed;
	struct macs_rows_pos at;
};

static void mac_row_cb(void *ctx, const struct macs_row *r)
{
	struct macs_walk *w = ctx;
	struct json_object *o;
	const char *s;

	if (w->failed)
		return;
	o = mac_row_json(w->e, r);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if ((!w->first && ctl_out(w->cl, ",", 1) < 0) || ctl_out(w->cl, s, strlen(s)) < 0)
		w->failed = true;
	w->first = false;
	json_object_put(o);
}

static bool macs_more(struct ctl_client *cl, void *state)
{
	struct macs_walk *w = state;
	bool end = macs_rows_next(w->e->macs, &w->at, w->vni, w->has_mac ? w->mac.b : NULL,
				  MACS_STEP, mac_row_cb, w);

	if (w->failed)
		return true;
	if (end)
		ctl_out(cl, "]}\n", 3);
	return end;
}

static void cmd_show_macs(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	char err[ERRLEN];
	struct macs_walk w = { .cl = cl, .e = d->engine, .first = true };

	if (get_vni_mac(req, &w.vni, &w.mac, &w.has_mac, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (!d->engine) {
		ctl_reply_ok(cl, json_object_new_array());
		return;
	}
	if (ctl_out(cl, "{\"ok\":true,\"data\":[", 19) < 0)
		return;
	struct macs_walk *ws = malloc(sizeof *ws);
	if (!ws) {
		ctl_out(cl, "]}\n", 3); /* an empty list rather than none */
		return;
	}
	*ws = w;
	ctl_stream(cl, macs_more, free, ws);
}

static void cmd_clear_duplicate(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	char err[ERRLEN];
	uint32_t vni;
	struct mac mac;
	bool has_mac;
	size_t n = 0;

	if (get_vni_mac(req, &vni, &mac, &has_mac, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (d->engine)
		n = macs_dad_recover(d->engine->macs, vni, has_mac ? mac.b : NULL);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "cleared", json_object_new_int64((int64_t)n));
	ctl_reply_ok(cl, o);
}

/* ---- clear-neighbor, reload ---- */

static void cmd_clear_neighbor(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	char err[ERRLEN], q[REQ_QUOTE_LEN], buf[64];
	struct ipaddr a;
	const char *s;
	size_t n;

	if (req_str(req, "address", true, &s, &n, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (n >= sizeof buf || strlen(s) != n || (memcpy(buf, s, n), buf[n] = '\0', ipaddr_parse(buf, &a) < 0)) {
		snprintf(err, sizeof err, "bad address \"%s\"", req_quote(s, n, q));
		ctl_reply_err(cl, err);
		return;
	}
	if (bgp_neighbor_reset(d->bgp, &a) < 0) {
		snprintf(err, sizeof err, "no neighbor %s", ipaddr_str(&a, buf));
		ctl_reply_err(cl, err);
		return;
	}
	ctl_reply_ok(cl, NULL);
}

/* As SIGHUP: read the file again; the reply says what was applied, or why nothing was. */
static void cmd_reload(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	char msg[1024];
	struct json_object *o;
	(void)req;

	if (!d->reload) {
		ctl_reply_err(cl, "reload is not available here");
		return;
	}
	if (d->reload(d->ctx, msg, sizeof msg) < 0) {
		ctl_reply_err(cl, msg);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "applied", json_object_new_string(msg));
	ctl_reply_ok(cl, o);
}

/* ---- dispatch ---- */

struct ctl_cmd {
	const char *name;
	void (*run)(struct ctl_client *cl, const struct control_env *env, struct json_object *req);
	const char *const fields[12]; /* accepted besides "cmd", so a misspelt field is an error */
};

static const struct ctl_cmd cmds[] = {
	{ "show-neighbors", cmd_show_neighbors, { NULL } },
	{ "show-routes", cmd_show_routes, { "family", "vni", "key", "key_hex", NULL } },
	{ "show-vnis", cmd_show_vnis, { NULL } },
	{ "show-vrfs", cmd_show_vrfs, { NULL } },
	{ "show-vrf-routes", cmd_show_vrf_routes, { "vrf", NULL } },
	{ "show-status", cmd_show_status, { NULL } },
	{ "show-macs", cmd_show_macs, { "vni", "mac", NULL } },
	{ "clear-duplicate", cmd_clear_duplicate, { "vni", "mac", NULL } },
	{ "add-macadv", cmd_add_macadv,
	  { "mac", "ip", "vni", "rd", "rt", "nexthop", "etag", "seq", "sticky", NULL } },
	{ "del-macadv", cmd_del_macadv, { "mac", "ip", "vni", "rd", "etag", NULL } },
	{ "add-multicast", cmd_add_multicast, { "ip", "vni", "rd", "rt", "nexthop", "etag", NULL } },
	{ "del-multicast", cmd_del_multicast, { "ip", "vni", "rd", "etag", NULL } },
	{ "add-key", cmd_add_key, { "key", "key_hex", "value", "value_hex", "ephemeral", NULL } },
	{ "del-key", cmd_del_key, { "key", "key_hex", NULL } },
	{ "watch", cmd_watch,
	  { "family", "vni", "key_prefix", "key_prefix_hex", "source", "since", "epoch", NULL } },
	{ "audit", cmd_audit, { "force", NULL } },
	{ "clear-neighbor", cmd_clear_neighbor, { "address", NULL } },
	{ "reload", cmd_reload, { NULL } },
	{ "metrics", cmd_metrics, { NULL } },
	{ "show-fdb", cmd_show_fdb, { "vni", "force", NULL } },
};

static bool field_known(const struct ctl_cmd *c, const char *name)
{
	if (strcmp(name, "cmd") == 0)
		return true;
	for (const char *const *f = c->fields; *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

void ctl_dispatch(struct ctl_client *cl, struct json_object *req)
{
	char err[ERRLEN], q[REQ_QUOTE_LEN];
	const char *name;
	size_t n;

	if (req_str(req, "cmd", true, &name, &n, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strlen(cmds[i].name) != n || memcmp(cmds[i].name, name, n) != 0)
			continue;
		json_object_object_foreach(req, key, val) {
			(void)val;
			if (!field_known(&cmds[i], key)) {
				snprintf(err, sizeof err, "unknown field \"%s\" for %s",
					 req_quote(key, strlen(key), q), cmds[i].name);
				ctl_reply_err(cl, err);
				return;
			}
		}
		cmds[i].run(cl, ctl_env(cl), req);
		return;
	}
	snprintf(err, sizeof err, "unknown command \"%s\"", req_quote(name, n, q));
	ctl_reply_err(cl, err);
}
