/* SPDX-License-Identifier: Apache-2.0 */
/* `show vnis` and `show vrfs` (macs_show.h): the VNI table and the routed tenants as JSON
 * objects, ordered by VNI and by section. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "evpn.h"
#include "engine.h"
#include "macs_show.h"
#include "originate.h"
#include "vrf_view.h"

struct collect {
	struct vni **v;
	size_t n, cap;
};

static void collect_cb(void *ctx, struct vni *v)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct vni **nv = realloc(c->v, ncap * sizeof *nv);
		if (!nv)
			return;
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = v;
}

static int by_vni(const void *x, const void *y)
{
	const struct vni *a = *(struct vni *const *)x, *b = *(struct vni *const *)y;
	return a->vni < b->vni ? -1 : a->vni > b->vni;
}

static const char *state(const struct vni *v)
{
	if (v->active)
		return "up";
	if (v->attached)
		return "down";
	return "detached";
}

static struct json_object *rt_array(const uint64_t *rt, unsigned n)
{
	struct json_object *a = json_object_new_array();
	char buf[RD_STRLEN + IPADDR_STRLEN];

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(extc_rt_str(rt[i], buf, sizeof buf)));
	return a;
}

static struct json_object *import_array(const struct rt_import *s)
{
	struct json_object *a = json_object_new_array();
	char buf[RD_STRLEN + IPADDR_STRLEN];

	for (unsigned i = 0; i < s->n; i++)
		json_object_array_add(a, json_object_new_string(rtf_entry_str(s, i, buf, sizeof buf)));
	return a;
}

static struct json_object *vni_json(const struct engine *g, const struct vni *v)
{
	struct json_object *o = json_object_new_object(), *rts = json_object_new_array();
	struct json_object *flood = json_object_new_array();
	const struct vt_link *br = vt_link(&g->vt, v->bridge);
	char buf[IPADDR_STRLEN > RD_STRLEN ? IPADDR_STRLEN : RD_STRLEN];
	struct ipaddr ip;

	json_object_object_add(o, "vni", json_object_new_int64(v->vni));
	json_object_object_add(o, "vxlan", json_object_new_string(v->name));
	json_object_object_add(o, "bridge", br ? json_object_new_string(br->name) : NULL);
	json_object_object_add(o, "vlan", v->vlan ? json_object_new_int(v->vlan) : NULL);
	json_object_object_add(o, "vtep_ip", v->vtep.af
			       ? json_object_new_string(ipaddr_str(&v->vtep, buf)) : NULL);
	json_object_object_add(o, "dstport", json_object_new_int(v->dstport));
	json_object_object_add(o, "rd", v->nrt ? json_object_new_string(rd_str(&v->rd, buf)) : NULL);
	for (unsigned i = 0; i < v->nrt; i++)
		json_object_array_add(rts, json_object_new_string(extc_rt_str(v->rt[i], buf, sizeof buf)));
	json_object_object_add(o, "rt", rts); /* the export set, as before import-rt existed */
	json_object_object_add(o, "import_rt", import_array(&v->imp));
	json_object_object_add(o, "export_rt", rt_array(v->rt, v->nrt));
	json_object_object_add(o, "state", json_object_new_string(state(v)));
	json_object_object_add(o, "local_macs", json_object_new_int64(v->nlocal));
	json_object_object_add(o, "remote_macs", json_object_new_int64(v->nremote));
	json_object_object_add(o, "kernel_refusals", json_object_new_int64((int64_t)v->nrefused));
	size_t n = flood_vteps(&g->flood, v->okey, NULL, 0);
	uint16_t *vteps = n ? malloc(n * sizeof *vteps) : NULL;
	n = vteps ? flood_vteps(&g->flood, v->okey, vteps, n) : 0;
	for (size_t i = 0; i < n; i++) {
		vt_addr_to_ip(vtep_addr(&g->vteps, vteps[i]), &ip);
		json_object_array_add(flood, json_object_new_string(ipaddr_str(&ip, buf)));
	}
	free(vteps);
	json_object_object_add(o, "flood", flood);
	return o;
}

struct json_object *show_vnis(const struct engine *g)
{
	struct json_object *arr = json_object_new_array();
	struct collect c = { NULL, 0, 0 };

	vt_walk(&g->vt, collect_cb, &c);
	if (c.n)
		qsort(c.v, c.n, sizeof *c.v, by_vni);
	for (size_t i = 0; i < c.n; i++)
		json_object_array_add(arr, vni_json(g, c.v[i]));
	free(c.v);
	return arr;
}

static struct json_object *link_name(const struct engine *g, int ifindex)
{
	const struct vt_link *l = vt_link(&g->vt, ifindex);
	return l ? json_object_new_string(l->name) : NULL;
}

static struct json_object *vrf_json(const struct engine *g, const struct cfg_vrf *c, unsigned idx)
{
	struct json_object *o = json_object_new_object(), *l2 = json_object_new_array();
	char buf[IPADDR_STRLEN > RD_STRLEN ? IPADDR_STRLEN : RD_STRLEN], err[160];
	uint64_t rt[CFG_MAX_RT];
	struct rt_import imp;
	struct vrf_view w;
	struct rd rd;
	uint32_t vnis[256];
	size_t n;

	vrf_view(&g->vt, c, &w);
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "l3vni", json_object_new_int64(c->l3vni));
	json_object_object_add(o, "state", json_object_new_string(w.up ? "up" : "incomplete"));
	json_object_object_add(o, "why", w.up ? NULL : json_object_new_string(w.why));
	json_object_object_add(o, "table", w.vrf ? json_object_new_int64(w.table) : NULL);
	json_object_object_add(o, "vxlan", link_name(g, w.vxlan));
	json_object_object_add(o, "bridge", link_name(g, w.bridge));
	json_object_object_add(o, "router_mac", w.bridge ?
			       json_object_new_string(mac_str((const struct mac *)w.router_mac, buf)) : NULL);
	json_object_object_add(o, "rd", originate_rd(g->cfg, c->l3vni, &rd, err, sizeof err) == 0 ?
			       json_object_new_string(rd_str(&rd, buf)) : NULL);
	rtf_import_set(g->cfg, c->l3vni, &imp);
	json_object_object_add(o, "import_rt", import_array(&imp));
	json_object_object_add(o, "export_rt", rt_array(rt, rtf_export_set(g->cfg, c->l3vni, rt)));
	json_object_object_add(o, "advertise", json_object_new_string(c->advertise_connected ?
								      "connected" : "none"));
	n = vrf_l2_vnis(&g->vt, w.vrf, vnis, sizeof vnis / sizeof vnis[0]);
	for (size_t i = 0; i < n && i < sizeof vnis / sizeof vnis[0]; i++)
		json_object_array_add(l2, json_object_new_int64(vnis[i]));
	json_object_object_add(o, "l2vnis", l2);
	struct tr_counts tc;
	tr_vrf_counts(&g->tr, idx, &tc);
	json_object_object_add(o, "host_routes", json_object_new_int64((int64_t)tc.hosts));
	json_object_object_add(o, "prefix_routes", json_object_new_int64((int64_t)tc.prefixes));
	json_object_object_add(o, "remote_vteps", json_object_new_int64((int64_t)tc.vteps));
	json_object_object_add(o, "prefixes_known", json_object_new_int64((int64_t)tc.candidates));
	json_object_object_add(o, "prefixes_advertised", json_object_new_int64((int64_t)tp_count(&g->tp, idx)));
	return o;
}

struct json_object *show_vrfs(const struct engine *g)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < g->cfg->nvrf; i++)
		json_object_array_add(arr, vrf_json(g, &g->cfg->vrf[i], i));
	return arr;
}

struct vrf_rows {
	struct tr_row *r;
	size_t n, cap;
	bool oom;
};

static void row_cb(void *ctx, const struct tr_row *r)
{
	struct vrf_rows *w = ctx;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct tr_row *p = realloc(w->r, cap * sizeof *p);
		if (!p) {
			w->oom = true;
			return;
		}
		w->r = p;
		w->cap = cap;
	}
	w->r[w->n++] = *r;
}

static int row_cmp(const void *x, const void *y)
{
	const struct tr_row *a = x, *b = y;
	int c;

	if (a->prefix.af != b->prefix.af)
		return a->prefix.af < b->prefix.af ? -1 : 1;
	if ((c = memcmp(a->prefix.a, b->prefix.a, sizeof a->prefix.a)))
		return c;
	return (int)a->plen - (int)b->plen;
}

struct json_object *addr_json(const struct nl_addr *a)
{
	char buf[IPADDR_STRLEN];
	struct ipaddr ip;

	if (!a || !a->af)
		return NULL;
	vt_addr_to_ip(a, &ip);
	return json_object_new_string(ipaddr_str(&ip, buf));
}

struct json_object *show_vrf_routes(const struct engine *g, const char *name, char *err, size_t errlen)
{
	struct vrf_rows w = { 0 };
	struct json_object *arr;
	unsigned i;

	for (i = 0; i < g->cfg->nvrf && strcmp(g->cfg->vrf[i].name, name); i++)
		;
	if (i == g->cfg->nvrf) {
		snprintf(err, errlen, "no [vrf %s] section", name);
		return NULL;
	}
	tr_rows(&g->tr, i, row_cb, &w);
	if (w.oom) {
		free(w.r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (w.n) /* qsort(NULL, 0) is undefined */
		qsort(w.r, w.n, sizeof *w.r, row_cmp);
	arr = json_object_new_array();
	for (size_t k = 0; k < w.n; k++) {
		const struct tr_row *r = &w.r[k];
		struct json_object *o = json_object_new_object();
		char buf[IPADDR_STRLEN + 8], m[MAC_STRLEN];
		struct ipaddr ip;

		vt_addr_to_ip(&r->prefix, &ip);
		ipaddr_str(&ip, buf);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "/%u", r->plen);
		json_object_object_add(o, "prefix", json_object_new_string(buf));
		json_object_object_add(o, "kind", json_object_new_string(r->type == EVPN_RT_MACIP ? "host" : "prefix"));
		json_object_object_add(o, "installed", json_object_new_boolean(r->installed));
		json_object_object_add(o, "local", json_object_new_boolean(r->local));
		json_object_object_add(o, "via", r->installed ? addr_json(&r->via) : NULL);
		json_object_object_add(o, "router_mac", r->installed ?
				       json_object_new_string(mac_str((const struct mac *)r->rmac, m)) : NULL);
		json_object_object_add(o, "seq", json_object_new_int64(r->seq));
		json_object_object_add(o, "routes", json_object_new_int64(r->routes));
		json_object_array_add(arr, o);
	}
	free(w.r);
	return arr;
}
