/* Control commands for operations: "metrics" (Prometheus text) and "show-fdb" (the kernel's FDB
 * of the managed devices, from a dump that the live tables never see). */
#include <errno.h>
#include <json-c/json.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"
#include "daemon.h"
#include "glue.h"
#include "metrics.h"
#include "originate.h"
#include "req_field.h"

void cmd_metrics(struct ctl_client *cl, struct daemon *d, struct json_object *req)
{
	size_t len;
	char *s;

	(void)req;
	s = metrics_text(d, &len);
	if (!s) {
		ctl_reply_err(cl, "out of memory building the metrics");
		return;
	}
	ctl_reply_ok(cl, json_object_new_string_len(s, (int)len));
	free(s);
}

/* ---- show-fdb ---- */

struct fdb_walk {
	struct glue *g;
	uint32_t vni;            /* 0: every managed VNI */
	struct json_object *arr;
};

static void add_name(struct json_object *o, const char *key, struct glue *g, int ifindex)
{
	const struct vt_link *l = ifindex > 0 ? vt_link(&g->vt, ifindex) : NULL;
	json_object_object_add(o, key, l && l->name[0] ? json_object_new_string(l->name)
			       : ifindex > 0 ? json_object_new_int(ifindex) : NULL);
}

static const char *kind(struct glue *g, const struct nl_fdb *f, bool on_vxlan)
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
	return local_key(g, f) ? "local" : "other";
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
	struct glue *g = w->g;
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

void cmd_show_fdb(struct ctl_client *cl, struct daemon *d, struct json_object *req)
{
	struct fdb_walk w = { .g = d->glue };
	char err[320];
	int rc;

	if (req_u32(req, "vni", false, 1, VNI_MAX, &w.vni, err, sizeof err) < 0) {
		ctl_reply_err(cl, err);
		return;
	}
	if (!d->glue || !d->glue->nl) {
		ctl_reply_err(cl, "no kernel side to show (evpnd runs without netlink)");
		return;
	}
	/* what was asked of the kernel is shown once it is there */
	nl_flush(d->glue->nl);
	(void)nl_drain(d->glue->nl, 2000);
	w.arr = json_object_new_array();
	d->glue->fdb_tap = fdb_tap;
	d->glue->fdb_tap_ctx = &w;
	rc = nl_dump_fdb(d->glue->nl);
	d->glue->fdb_tap = NULL;
	d->glue->fdb_tap_ctx = NULL;
	if (rc < 0) {
		snprintf(err, sizeof err, "kernel FDB dump failed: %s", strerror(errno));
		json_object_put(w.arr);
		ctl_reply_err(cl, err);
		return;
	}
	ctl_reply_ok(cl, w.arr);
}
