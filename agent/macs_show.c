/*
 * `show macs`: one walk of the local table and one of the owned table (O(MACs), fine for a show
 * command), with what the mobility side table knows of the few MACs that moved. A MAC that never
 * moved has no timestamp anywhere (no per-MAC memory for the quiet million), so its age is null.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "glue.h"
#include "macs_show.h"
#include "mobility.h"

struct show {
	struct glue *g;
	struct json_object *arr;
	uint32_t vni;
	const uint8_t *mac;
	uint32_t now;
};

/* The DAD record and the sequence of one MAC (remote: of candidate (vtep, rdh); local: ours). */
static bool lookup(struct glue *g, uint32_t vni, const uint8_t mac[6], bool local, uint16_t vtep,
		   uint32_t rdh, struct mob_ent *dad, uint32_t *seq)
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&g->fo.mob, vni, mac, tmp, MOB_KEY_MAX);
	bool has = false;

	*seq = 0;
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++) {
		if (tmp[i].flags & MOB_DAD) {
			*dad = tmp[i];
			has = true;
		} else if (local ? (tmp[i].flags & MOB_LOCAL) != 0
				 : !(tmp[i].flags & MOB_LOCAL) && tmp[i].vtep == vtep && tmp[i].rdh == rdh) {
			*seq = tmp[i].seq;
		}
	}
	return has;
}

static void add_row(struct show *s, const struct vni *v, const uint8_t mac[6], const char *loc,
		    const char *vtep, const char *port, uint32_t seq, bool sticky, const struct mob_ent *dad)
{
	const struct config *c = s->g->cfg;
	struct json_object *o = json_object_new_object();
	char m[MAC_STRLEN];
	bool dup = dad && (dad->flags & MOB_DUP);
	uint32_t moves = dad && (dup || s->now - dad->rdh <= c->dad_window) ? dad->moves : 0;

	json_object_object_add(o, "vni", json_object_new_int64(v->vni));
	json_object_object_add(o, "mac", json_object_new_string(mac_str((const struct mac *)mac, m)));
	json_object_object_add(o, "location", loc ? json_object_new_string(loc) : NULL);
	json_object_object_add(o, "vtep", vtep ? json_object_new_string(vtep) : NULL);
	json_object_object_add(o, "port", port ? json_object_new_string(port) : NULL);
	json_object_object_add(o, "seq", json_object_new_int64(seq));
	json_object_object_add(o, "sticky", json_object_new_boolean(sticky));
	json_object_object_add(o, "duplicate", json_object_new_boolean(dup));
	json_object_object_add(o, "frozen", json_object_new_boolean(dup && c->dad_freeze));
	json_object_object_add(o, "moves", json_object_new_int64(moves));
	json_object_object_add(o, "age", dad ? json_object_new_int64(s->now - dad->seq) : NULL);
	json_object_array_add(s->arr, o);
}

static bool wanted(const struct show *s, const struct vni *v, const uint8_t mac[6])
{
	return v && (!s->vni || v->vni == s->vni) && (!s->mac || !memcmp(s->mac, mac, 6));
}

static bool local_cb(void *ctx, struct mac_ent *e)
{
	struct show *s = ctx;
	struct vni *v = vt_by_lkey(&s->g->vt, e->ifindex);
	const struct vt_link *port = vt_link(&s->g->vt, (int)e->aux);
	struct mob_ent dad;
	uint32_t seq;

	if (!wanted(s, v, e->mac))
		return false;
	bool has = lookup(s->g, v->vni, e->mac, true, 0, 0, &dad, &seq);
	add_row(s, v, e->mac, "local", NULL, port ? port->name : NULL, seq, e->flags & MENT_STICKY,
		has ? &dad : NULL);
	return false;
}

static bool remote_cb(void *ctx, struct mac_ent *e)
{
	struct show *s = ctx;
	struct vni *v = vt_by_okey(&s->g->vt, e->ifindex);
	struct mob_ent dad;
	uint32_t seq;
	char a[64];

	if ((e->flags & MENT_STALE) || !wanted(s, v, e->mac))
		return false;
	bool has = lookup(s->g, v->vni, e->mac, false, e->vtep, e->aux, &dad, &seq);
	/* a MAC both local and installed (a frozen duplicate) shows twice: both are in the kernel */
	mob_loc_str(s->g, v, e->vtep, a, sizeof a);
	add_row(s, v, e->mac, "remote", a, NULL, seq, e->flags & MENT_STICKY, has ? &dad : NULL);
	return false;
}

/* Duplicates that are neither local nor installed any more still need to be seen (and cleared). */
static void orphans(struct show *s)
{
	const struct mob_tab *t = &s->g->fo.mob;

	for (size_t i = 0; i < t->cap; i++) {
		const struct mob_ent *e = &t->e[i];
		if ((e->flags & (MOB_USED | MOB_DAD | MOB_DUP)) != (MOB_USED | MOB_DAD | MOB_DUP))
			continue;
		struct vni *v = vt_by_vni(&s->g->vt, e->vni);
		if (!wanted(s, v, e->mac) || (v->lkey && mac_tab_get(&s->g->local, v->lkey, e->mac)) ||
		    mac_tab_get(&s->g->fo.macs, v->okey, e->mac))
			continue;
		add_row(s, v, e->mac, NULL, NULL, NULL, 0, false, e);
	}
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

struct json_object *glue_show_macs(struct glue *g, uint32_t vni, const uint8_t *mac)
{
	struct show s = { .g = g, .arr = json_object_new_array(), .vni = vni, .mac = mac,
			  .now = mob_now(g) };

	mac_tab_walk(&g->local, local_cb, &s);
	mac_tab_walk(&g->fo.macs, remote_cb, &s);
	orphans(&s);
	json_object_array_sort(s.arr, row_cmp);
	return s.arr;
}
