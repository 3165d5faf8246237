/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The watch command (docs/control-protocol.md, "Watching"): a snapshot of the best paths, then the
 * changes from the replay window (watch_log.h), with no gap: the snapshot walks the RIB with a
 * cursor that misses no route present throughout, and the changes from the snapshot's start on are
 * replayed after it, before "synced". A route changed during the walk may appear in its new state
 * and then again as an update: applied in order, the client's view is the RIB's as of synced.
 * Each watcher is a streamed reply (ctl_stream) reading the shared window at its own pace.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bgp.h"
#include "config.h"
#include "control.h"
#include "control_int.h"
#include "evpn.h"
#include "family.h"
#include "opaque.h"
#include "req_field.h"
#include "route_json.h"
#include "route_req.h"
#include "watch_log.h"

#define SNAP_STEP 64     /* routes per step of a snapshot */
#define LOG_STEP 256     /* events per step of the replay */

struct watch_hub {
	struct wlog *log;              /* NULL until the first watch: nobody can resume before it */
	char epoch[17];
	unsigned nwatchers;
	uint64_t lagged;               /* watchers sent a fresh snapshot after falling behind */
	uint8_t key[NLRI_KEY_MAX];     /* scratch for route ids */
	char id[2 * NLRI_KEY_MAX + 1];
};

enum src_filter { SRC_ANY, SRC_ONLY_LOCAL, SRC_ONLY_PEER };

struct watcher {
	struct watch_hub *hub;
	const struct control_env *env;
	struct ctl_client *cl;
	/* filters */
	uint32_t fams;
	bool has_vni;
	uint32_t vni;
	uint8_t prefix[ORIG_OPAQUE_MAX];
	size_t prefix_len;
	bool has_prefix;
	enum src_filter src;
	/* where it is */
	bool snapshot;                 /* walking the RIB */
	bool resync;                   /* the snapshot replaces a view (lagged, or not resumed) */
	bool synced_owed;              /* say "synced" once caught up */
	uint64_t snap_seq;             /* the last sequence number before the snapshot began */
	uint64_t next;                 /* the next sequence number to hand over */
	uint32_t walk_left;            /* families the snapshot has yet to walk */
	struct rib_cursor cur;
	bool cur_open, failed;
	time_t now;
};

struct watch_hub *watch_hub_new(void)
{
	struct watch_hub *h = calloc(1, sizeof *h);
	uint8_t r[8];

	if (!h)
		return NULL;
	/* a restart must not be taken for the same stream: a random epoch, the clock if no entropy */
	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 40;
		memcpy(r, &x, sizeof r);
	}
	for (int i = 0; i < 8; i++)
		snprintf(h->epoch + 2 * i, 3, "%02x", r[i]);
	return h;
}

void watch_hub_free(struct watch_hub *h)
{
	if (!h)
		return;
	wlog_free(h->log);
	free(h);
}

void watch_hub_status(const struct watch_hub *h, struct watch_status *st)
{
	memset(st, 0, sizeof *st);
	st->watchers = h->nwatchers;
	st->lagged = h->lagged;
	if (h->log) {
		st->window_bytes = wlog_bytes(h->log);
		st->first_seq = wlog_first_seq(h->log);
		st->next_seq = wlog_next_seq(h->log);
	}
}

/* The route's id: lowercase hex of the family's key (in h->id). */
static const char *route_id(struct watch_hub *h, int fam, const uint8_t *nlri, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = family_table[fam].key(nlri, len, h->key);

	for (size_t i = 0; i < n; i++) {
		h->id[2 * i] = hex[h->key[i] >> 4];
		h->id[2 * i + 1] = hex[h->key[i] & 15];
	}
	h->id[2 * n] = '\0';
	return h->id;
}

/* One event line, newline included (a malloc'd string, its length in *n), or NULL. */
static char *event_line(struct watch_hub *h, const char *kind, uint64_t seq, int fam,
			const uint8_t *nlri, size_t len, struct json_object *route, int resync, size_t *n)
{
	struct json_object *o = json_object_new_object();
	const char *s;
	char *line;

	json_object_object_add(o, "event", json_object_new_string(kind));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)seq));
	json_object_object_add(o, "family", json_object_new_string(family_table[fam].name));
	json_object_object_add(o, "id", json_object_new_string(route_id(h, fam, nlri, len)));
	json_object_object_add(o, "route", route);
	if (resync >= 0)
		json_object_object_add(o, "resync", json_object_new_boolean(resync));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	*n = strlen(s);
	line = malloc(*n + 1);
	if (line) {
		memcpy(line, s, *n);
		line[(*n)++] = '\n';
	}
	json_object_put(o);
	return line;
}

void watch_hub_notify(struct watch_hub *h, const struct control_env *env, int fam,
		      const uint8_t *nlri, size_t len, const struct attrs *a, const struct ipaddr *src)
{
	struct wlog_rec r = { .fam = (uint8_t)fam, .nlri = nlri, .nlri_len = len };
	uint32_t vni;
	char *line;

	if (!h->log)
		return; /* nobody has watched yet */
	if (env->cfg)
		wlog_set_max(h->log, env->cfg->watch_window);
	if (src && src->af)
		r.flags |= WREC_PEER;
	if (!a)
		r.flags |= WREC_WITHDRAW;
	if (fam == FAM_EVPN && evpn_route_vni(nlri, len, a, &vni) == 0) {
		r.flags |= WREC_HAS_VNI;
		r.vni = vni;
	}
	/* no "installed": at this moment the kernel's install of the route has not happened yet */
	line = event_line(h, a ? "update" : "withdraw", wlog_next_seq(h->log), fam, nlri, len,
			  route_json_change(fam, nlri, len, a, src, -1), -1, &r.line_len);
	r.line = line;
	if (!line) {
		static const char lost[] = "\n"; /* appended as a hole: watchers behind it resync */
		r.line = lost;
		r.line_len = 0;
	}
	wlog_append(h->log, &r);
	free(line);
}

/* ---- the filters ---- */

static bool prefix_ok(const struct watcher *w, const uint8_t *nlri, size_t len)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	if (!w->has_prefix)
		return true;
	return opaque_decode(nlri, len, &k, &kl, &v, &vl) == 0 && kl >= w->prefix_len &&
	       memcmp(k, w->prefix, w->prefix_len) == 0;
}

/* Whether a change of the window concerns w: 0 no, 1 as it is, 2 as a withdraw (its new best path
 * is of a source w does not take). */
static int rec_wanted(const struct watcher *w, const struct wlog_rec *r)
{
	bool withdraw = r->flags & WREC_WITHDRAW;

	if (!(w->fams & FAM_BIT(r->fam)) || !r->line_len)
		return 0;
	/* a withdrawal whose VNI is not known passes: removing a route one lacks is a no-op */
	if (w->has_vni && (r->flags & WREC_HAS_VNI ? r->vni != w->vni : !withdraw))
		return 0;
	if (!prefix_ok(w, r->nlri, r->nlri_len))
		return 0;
	if (withdraw || w->src == SRC_ANY)
		return 1;
	return (w->src == SRC_ONLY_PEER) == !!(r->flags & WREC_PEER) ? 1 : 2;
}

static bool route_wanted(const struct watcher *w, const struct rib_route *r)
{
	uint32_t vni;
	bool peer = r->src && r->src->kind != SRC_LOCAL;

	if (!r->best)
		return false;
	if (w->has_vni && (r->fam != FAM_EVPN || evpn_route_vni(r->nlri, r->len, r->a, &vni) < 0 ||
			   vni != w->vni))
		return false;
	if (!prefix_ok(w, r->nlri, r->len))
		return false;
	return w->src == SRC_ANY || (w->src == SRC_ONLY_PEER) == peer;
}

/* ---- the stream ---- */

static void out_line(struct watcher *w, char *line, size_t n)
{
	if (!line || ctl_out(w->cl, line, n) < 0)
		w->failed = true;
	free(line);
}

/* A marker event: {"event":kind,"seq":seq[,"epoch":..][,"resync":..]}. */
static void out_marker(struct watcher *w, const char *kind, uint64_t seq, bool with_epoch)
{
	char buf[160];
	int n = snprintf(buf, sizeof buf, "{\"event\":\"%s\",\"seq\":%llu", kind, (unsigned long long)seq);

	if (with_epoch)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ",\"epoch\":\"%s\",\"resync\":%s",
			      w->hub->epoch, w->resync ? "true" : "false");
	n += snprintf(buf + n, sizeof buf - (size_t)n, "}\n");
	if (ctl_out(w->cl, buf, (size_t)n) < 0)
		w->failed = true;
}

static void snapshot_start(struct watcher *w, bool resync)
{
	w->snapshot = true;
	w->resync = resync;
	w->synced_owed = true;
	w->snap_seq = wlog_next_seq(w->hub->log) - 1;
	w->next = w->snap_seq + 1;
	w->walk_left = w->fams;
	w->now = route_now();
}

static void snap_cb(void *ctx, const struct rib_route *r)
{
	struct watcher *w = ctx;
	size_t n = 0;
	char *line;

	if (w->failed || !route_wanted(w, r))
		return;
	line = event_line(w->hub, "snapshot", w->snap_seq, r->fam, r->nlri, r->len,
			  route_json(r, w->now, -1), w->resync, &n);
	out_line(w, line, n);
}

static void snapshot_step(struct watcher *w)
{
	struct rib *rib = bgp_rib(w->env->bgp);

	if (!w->cur_open) {
		if (!w->walk_left) {
			w->snapshot = false;
			return;
		}
		rib_cursor_open(rib, &w->cur, __builtin_ctz(w->walk_left));
		w->cur_open = true;
	}
	if (rib_cursor_next(rib, &w->cur, SNAP_STEP, snap_cb, w)) {
		w->walk_left &= ~FAM_BIT(w->cur.fam);
		rib_cursor_close(rib, &w->cur);
		w->cur_open = false;
	}
}

/* Hand over what the window holds from w->next on; false when w has fallen out of it. */
static bool replay_step(struct watcher *w)
{
	for (int i = 0; i < LOG_STEP && !w->failed; i++) {
		struct wlog_rec r;
		int got = wlog_get(w->hub->log, w->next, &r), want;
		size_t n = 0;

		if (got < 0)
			return false;
		if (got > 0) {
			if (w->synced_owed) {
				w->synced_owed = false;
				out_marker(w, "synced", w->next - 1, true);
			}
			ctl_stream_pause(w->cl); /* until the next change (watch_resume) */
			return true;
		}
		want = rec_wanted(w, &r);
		if (want == 1 && ctl_out(w->cl, r.line, r.line_len) < 0)
			w->failed = true;
		if (want == 2) {
			char *line = event_line(w->hub, "withdraw", r.seq, r.fam, r.nlri, r.nlri_len,
						route_json_change(r.fam, r.nlri, r.nlri_len, NULL, NULL, -1), -1, &n);
			out_line(w, line, n);
		}
		w->next++;
	}
	return true;
}

static bool watch_more(struct ctl_client *cl, void *state)
{
	struct watcher *w = state;

	if (w->snapshot)
		snapshot_step(w);
	else if (!replay_step(w)) {
		/* the window moved past it: say so, then a fresh snapshot */
		w->hub->lagged++;
		out_marker(w, "lagged", w->next - 1, false);
		snapshot_start(w, true);
	}
	return w->failed; /* a watch ends only with its client */
}

static void watch_done(void *state)
{
	struct watcher *w = state;

	if (w->cur_open)
		rib_cursor_close(bgp_rib(w->env->bgp), &w->cur);
	w->hub->nwatchers--;
	free(w);
}

/* ---- the request ---- */

static int parse_filters(struct watcher *w, struct json_object *req, char *err, size_t errlen)
{
	const char *s;
	size_t n;
	int r;

	w->fams = FAM_ALL;
	r = req_str(req, "family", false, &s, &n, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		int f = strlen(s) == n ? family_by_name(s) : -1;
		if (f < 0) {
			snprintf(err, errlen, "unknown family (evpn or opaque)");
			return -1;
		}
		w->fams = FAM_BIT(f);
	}
	r = req_u32(req, "vni", false, 1, VNI_MAX, &w->vni, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!(w->fams & FAM_BIT(FAM_EVPN))) {
			snprintf(err, errlen, "vni applies to the evpn family only");
			return -1;
		}
		w->has_vni = true;
		w->fams = FAM_BIT(FAM_EVPN);
	}
	r = req_bytes(req, "key_prefix", false, w->prefix, sizeof w->prefix, &w->prefix_len, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!(w->fams & FAM_BIT(FAM_OPAQUE))) {
			snprintf(err, errlen, "key_prefix applies to the opaque family only");
			return -1;
		}
		w->has_prefix = true;
		w->fams = FAM_BIT(FAM_OPAQUE);
	}
	r = req_str(req, "source", false, &s, &n, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (n == 5 && memcmp(s, "local", 5) == 0)
			w->src = SRC_ONLY_LOCAL;
		else if (n == 4 && memcmp(s, "peer", 4) == 0)
			w->src = SRC_ONLY_PEER;
		else {
			snprintf(err, errlen, "source must be \"local\" or \"peer\"");
			return -1;
		}
	}
	return 0;
}

void cmd_watch(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct watch_hub *h = ctl_hub(cl);
	struct watcher *w;
	struct json_object *o;
	char err[320];
	const char *epoch = NULL;
	size_t elen = 0;
	uint64_t since = 0;
	int r_since, r_epoch;
	bool resumed = false;

	if (h->nwatchers >= (d->cfg ? d->cfg->watch_max : 64)) {
		snprintf(err, sizeof err, "too many watchers (watch-max %u)", d->cfg ? d->cfg->watch_max : 64);
		ctl_reply_err(cl, err);
		return;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		ctl_reply_err(cl, "out of memory");
		return;
	}
	w->hub = h;
	w->env = d;
	w->cl = cl;
	if (parse_filters(w, req, err, sizeof err) < 0 ||
	    (r_since = req_u64(req, "since", false, &since, err, sizeof err)) < 0 ||
	    (r_epoch = req_str(req, "epoch", false, &epoch, &elen, err, sizeof err)) < 0) {
		free(w);
		ctl_reply_err(cl, err);
		return;
	}
	if (r_since != r_epoch) {
		free(w);
		ctl_reply_err(cl, "since and epoch go together");
		return;
	}
	if (!h->log) {
		h->log = wlog_new(d->cfg ? d->cfg->watch_window : 32u << 20);
		if (!h->log) {
			free(w);
			ctl_reply_err(cl, "out of memory");
			return;
		}
	}
	/* a resume: this run's epoch, and the window still holds what came after since */
	if (r_since > 0 && elen == strlen(h->epoch) && memcmp(epoch, h->epoch, elen) == 0 &&
	    since < wlog_next_seq(h->log) && since + 1 >= wlog_first_seq(h->log)) {
		resumed = true;
		w->next = since + 1;
		w->synced_owed = true;
	} else {
		snapshot_start(w, r_since > 0);
	}
	h->nwatchers++;
	o = json_object_new_object();
	json_object_object_add(o, "epoch", json_object_new_string(h->epoch));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)(wlog_next_seq(h->log) - 1)));
	json_object_object_add(o, "resumed", json_object_new_boolean(resumed));
	ctl_reply_ok(cl, o);
	ctl_watching(cl, w->fams);
	ctl_stream(cl, watch_more, watch_done, w);
}
