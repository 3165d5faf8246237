/* SPDX-License-Identifier: Apache-2.0 */
/* Route objects: the family's own fields (family_table[f].to_json) plus the common ones. */
#include <json-c/json.h>
#include <string.h>

#include "bgp.h"
#include "evpn.h"
#include "family.h"
#include "route_json.h"

time_t route_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct json_object *id_json(uint32_t id)
{
	struct ipaddr x;
	char b[IPADDR_STRLEN];

	ipaddr_from_v4(&x, id);
	return json_object_new_string(ipaddr_str(&x, b));
}

/* RFC 4456 attributes: "originator_id" (null when absent) and "cluster_list" (dotted quads). */
static void add_reflection(struct json_object *o, const struct attrs *a)
{
	struct json_object *cl = json_object_new_array();

	json_object_object_add(o, "originator_id", a && (a->flags & AF_HAS_ORIGINATOR)
				   ? id_json(a->originator_id) : NULL);
	for (unsigned i = 0; a && cl && i < a->ncluster; i++)
		json_object_array_add(cl, id_json(a->cluster[i]));
	json_object_object_add(o, "cluster_list", cl);
}

/* RFC 4271 attributes: "as_path" ("65100 65003", "" when empty), "med" and "local_pref" (null
 * when absent). */
static void add_path_attrs(struct json_object *o, const struct attrs *a)
{
	char path[256];

	json_object_object_add(o, "as_path", a ? json_object_new_string(attrs_aspath_str(a, path, sizeof path))
					       : NULL);
	json_object_object_add(o, "med", a && (a->flags & AF_HAS_MED) ? json_object_new_int64(a->med) : NULL);
	json_object_object_add(o, "local_pref", a && (a->flags & AF_HAS_LOCAL_PREF)
				   ? json_object_new_int64(a->local_pref) : NULL);
}

static struct json_object *route_obj(int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
				     const char *source, bool best, int64_t age, int installed)
{
	struct json_object *o = json_object_new_object();
	char nh[IPADDR_STRLEN];

	if (!o)
		return NULL;
	json_object_object_add(o, "family", json_object_new_string(family_table[fam].name));
	family_table[fam].to_json(nlri, len, a, o);
	json_object_object_add(o, "nexthop", a && (a->flags & AF_HAS_NEXT_HOP) && a->nexthop.af
				   ? json_object_new_string(ipaddr_str(&a->nexthop, nh)) : NULL);
	add_reflection(o, a);
	add_path_attrs(o, a);
	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "best", json_object_new_boolean(best));
	json_object_object_add(o, "age", json_object_new_int64(age));
	if (installed >= 0)
		json_object_object_add(o, "installed", json_object_new_boolean(installed));
	return o;
}

struct json_object *route_json(const struct rib_route *r, time_t now, int installed)
{
	char src[IPADDR_STRLEN + 16];
	int64_t age = now >= r->since ? (int64_t)(now - r->since) : 0;

	return route_obj(r->fam, r->nlri, r->len, r->a, bgp_src_str(r->src, src), r->best, age,
			 installed);
}

struct json_object *route_json_change(int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
				      const struct ipaddr *src, int installed)
{
	char s[IPADDR_STRLEN];

	return route_obj(fam, nlri, len, a, src && src->af ? ipaddr_str(src, s) : "local", a != NULL, 0,
			 installed);
}
