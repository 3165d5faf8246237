/* SPDX-License-Identifier: Apache-2.0 */
/* `show vnis` (macs_show.h): the VNI table as JSON objects, ordered by VNI. */
#include <json-c/json.h>
#include <stdlib.h>

#include "attr.h"
#include "engine.h"
#include "macs_show.h"

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
