/* SPDX-License-Identifier: Apache-2.0 */
/* `show macs` (macs_show.h): the MAC owner's rows (macs_rows) as JSON, sorted. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "macs_show.h"

struct show {
	const struct engine *e;
	struct json_object *arr;
};

struct json_object *mac_row_json(const struct engine *e, const struct macs_row *r)
{
	struct json_object *o = json_object_new_object();
	char m[MAC_STRLEN], a[IPADDR_STRLEN];
	const char *loc = r->where == MACS_LOCAL ? "local" : r->where == MACS_REMOTE ? "remote" : NULL;
	const struct vt_link *port = r->where == MACS_LOCAL ? vt_link(&e->vt, (int)r->port) : NULL;
	const struct nl_addr *na = r->where == MACS_REMOTE ? vtep_addr(&e->vteps, r->vtep) : NULL;
	struct ipaddr ip;

	json_object_object_add(o, "vni", json_object_new_int64(r->vni));
	json_object_object_add(o, "mac", json_object_new_string(mac_str((const struct mac *)r->mac, m)));
	json_object_object_add(o, "location", loc ? json_object_new_string(loc) : NULL);
	if (na)
		vt_addr_to_ip(na, &ip);
	json_object_object_add(o, "vtep", r->where != MACS_REMOTE ? NULL
			       : json_object_new_string(na ? ipaddr_str(&ip, a) : "-"));
	json_object_object_add(o, "port", port ? json_object_new_string(port->name) : NULL);
	json_object_object_add(o, "seq", json_object_new_int64(r->seq));
	json_object_object_add(o, "sticky", json_object_new_boolean(r->sticky));
	json_object_object_add(o, "duplicate", json_object_new_boolean(r->duplicate));
	json_object_object_add(o, "frozen", json_object_new_boolean(r->frozen));
	json_object_object_add(o, "moves", json_object_new_int64(r->moves));
	json_object_object_add(o, "age", r->has_age ? json_object_new_int64(r->age) : NULL);
	return o;
}

static void row_cb(void *ctx, const struct macs_row *r)
{
	struct show *s = ctx;
	json_object_array_add(s->arr, mac_row_json(s->e, r));
}

static int row_cmp(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
	struct json_object *vx, *vy, *mx, *my;

	json_object_object_get_ex(x, "vni", &vx);
	json_object_object_get_ex(y, "vni", &vy);
	int64_t d = json_object_get_int64(vx) - json_object_get_int64(vy);
	if (d)
		return d < 0 ? -1 : 1;
	json_object_object_get_ex(x, "mac", &mx);
	json_object_object_get_ex(y, "mac", &my);
	int c = strcmp(json_object_get_string(mx), json_object_get_string(my));
	if (c)
		return c;
	json_object_object_get_ex(x, "location", &mx);
	json_object_object_get_ex(y, "location", &my);
	return strcmp(mx ? json_object_get_string(mx) : "", my ? json_object_get_string(my) : "");
}

struct json_object *show_macs(const struct engine *e, uint32_t vni, const uint8_t *mac)
{
	struct show s = { e, json_object_new_array() };

	macs_rows(e->macs, vni, mac, row_cb, &s);
	json_object_array_sort(s.arr, row_cmp);
	return s.arr;
}
