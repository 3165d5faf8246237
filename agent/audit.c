/*
 * `evpnctl audit` (audit.h): a fresh FDB dump filed into a snapshot shaped like the glue's tables,
 * then one walk of each table looking the entry up on the other side. O(entries) per audit; the
 * snapshot is freed before the reply, the live tables and the reconcile state are never touched
 * (the dump has its own socket and the hook files entries into the snapshot while g->audit is set).
 */
#include <errno.h>
#include <json-c/json.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"
#include "glue.h"

static const char *const kind_names[AUDIT_KINDS] = {
	[AUDIT_REMOTE_MISSING] = "remote-missing",
	[AUDIT_REMOTE_VTEP] = "remote-vtep",
	[AUDIT_REMOTE_STICKY] = "remote-sticky",
	[AUDIT_REMOTE_MASTER] = "remote-no-master",
	[AUDIT_REMOTE_UNOWNED] = "remote-unowned",
	[AUDIT_FLOOD_MISSING] = "flood-missing",
	[AUDIT_FLOOD_EXTRA] = "flood-extra",
	[AUDIT_LOCAL_UNKNOWN] = "local-unknown",
	[AUDIT_LOCAL_GONE] = "local-gone",
	[AUDIT_LOCAL_DIFFERS] = "local-differs",
};

const char *audit_kind_name(enum audit_kind k)
{
	return (unsigned)k < AUDIT_KINDS ? kind_names[k] : "?";
}

void audit_view_init(struct audit_view *v)
{
	memset(v, 0, sizeof *v);
	fo_init(&v->fo);
	mac_tab_init(&v->local);
}

void audit_view_free(struct audit_view *v)
{
	fo_free(&v->fo);
	mac_tab_free(&v->local);
}

int audit_put_remote(struct audit_view *k, int okey, const uint8_t mac[6], bool self,
		     const struct nl_addr *dst, bool sticky)
{
	uint16_t vt = FO_VTEP_NONE;
	struct mac_ent *e;
	bool created;

	if (self && (vt = fo_vtep(&k->fo, dst)) == FO_VTEP_NONE)
		return -1;
	e = mac_tab_put(&k->fo.macs, okey, mac, &created);
	if (!e)
		return -1;
	if (created)
		e->vtep = FO_VTEP_NONE;
	if (self) {
		e->vtep = vt;
		e->flags = (uint8_t)((e->flags & ~MENT_STICKY) | AUDIT_SELF | (sticky ? MENT_STICKY : 0));
	} else {
		e->flags |= AUDIT_MASTER;
	}
	return 0;
}

int audit_put_flood(struct audit_view *k, int okey, const struct nl_addr *dst)
{
	uint16_t vt = fo_vtep(&k->fo, dst);
	bool created;

	if (vt == FO_VTEP_NONE || !fo_flood_put(&k->fo, okey, vt, &created))
		return -1;
	return 0;
}

int audit_put_local(struct audit_view *k, int lkey, const uint8_t mac[6], uint32_t port, bool sticky)
{
	bool created;
	struct mac_ent *e = mac_tab_put(&k->local, lkey, mac, &created);

	if (!e)
		return -1;
	e->aux = port;
	e->flags = sticky ? MENT_STICKY : 0;
	return 0;
}

/* ---- the comparison ---- */

struct cmp {
	struct fdb_owned *wfo;
	struct mac_tab *wlocal;
	struct audit_view *have;
	void (*cb)(void *ctx, const struct audit_drift *d);
	void *ctx;
	size_t n;
};

static void report(struct cmp *c, enum audit_kind kind, int key, const uint8_t *mac)
{
	struct audit_drift d;

	memset(&d, 0, sizeof d);
	d.kind = kind;
	d.key = key;
	if (mac)
		memcpy(d.mac, mac, 6);
	c->cb(c->ctx, &d);
	c->n++;
}

static void report_d(struct cmp *c, struct audit_drift *d)
{
	c->cb(c->ctx, d);
	c->n++;
}

static const struct nl_addr *vtep_of(const struct fdb_owned *fo, uint16_t idx)
{
	return idx == FO_VTEP_NONE ? NULL : fo_vtep_addr(fo, idx);
}

static bool addr_same(const struct nl_addr *x, const struct nl_addr *y)
{
	size_t n = x->af == AF_INET6 ? 16 : 4;
	return x->af == y->af && !memcmp(x->a, y->a, n);
}

/* evpnd's remote MACs: each must be in the kernel as it was asked for, both halves. */
static bool want_remote_cb(void *ctx, struct mac_ent *w)
{
	struct cmp *c = ctx;
	struct mac_ent *k = mac_tab_get(&c->have->fo.macs, w->ifindex, w->mac);
	struct audit_drift d;

	memset(&d, 0, sizeof d);
	d.key = w->ifindex;
	memcpy(d.mac, w->mac, 6);
	d.want = vtep_of(c->wfo, w->vtep);
	d.want_sticky = (w->flags & MENT_STICKY) != 0;
	if (!k || !(k->flags & AUDIT_SELF)) {
		d.kind = AUDIT_REMOTE_MISSING;
		report_d(c, &d);
		return false;
	}
	d.have = vtep_of(&c->have->fo, k->vtep);
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	if (!d.want || !d.have || !addr_same(d.want, d.have)) {
		d.kind = AUDIT_REMOTE_VTEP;
		report_d(c, &d);
	} else if (d.want_sticky != d.have_sticky) {
		d.kind = AUDIT_REMOTE_STICKY;
		report_d(c, &d);
	} else if (!(k->flags & AUDIT_MASTER)) {
		d.kind = AUDIT_REMOTE_MASTER;
		report_d(c, &d);
	}
	return false;
}

/* The kernel's extern_learn entries: each must be one of evpnd's. */
static bool have_remote_cb(void *ctx, struct mac_ent *k)
{
	struct cmp *c = ctx;
	struct audit_drift d;

	if (mac_tab_get(&c->wfo->macs, k->ifindex, k->mac))
		return false;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_REMOTE_UNOWNED;
	d.key = k->ifindex;
	memcpy(d.mac, k->mac, 6);
	d.have = vtep_of(&c->have->fo, k->vtep);
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
	return false;
}

/* The flood entry (okey, address) of fo, or NULL: the two sides intern VTEPs separately. */
static const struct fo_flood *flood_find(struct fdb_owned *fo, int okey, const struct nl_addr *a)
{
	for (size_t i = 0; i < fo->nflood; i++)
		if (fo->flood[i].ifindex == okey && addr_same(fo_vtep_addr(fo, fo->flood[i].vtep), a))
			return &fo->flood[i];
	return NULL;
}

/* Flood lists are VNIs x remote VTEPs (small): a scan per entry is fine. */
static void compare_flood(struct cmp *c)
{
	struct fdb_owned *h = &c->have->fo;
	struct audit_drift d;

	for (size_t i = 0; i < c->wfo->nflood; i++) {
		const struct fo_flood *w = &c->wfo->flood[i];
		const struct nl_addr *a = fo_vtep_addr(c->wfo, w->vtep);
		if (flood_find(h, w->ifindex, a))
			continue;
		memset(&d, 0, sizeof d);
		d.kind = AUDIT_FLOOD_MISSING;
		d.key = w->ifindex;
		d.want = a;
		report_d(c, &d);
	}
	for (size_t i = 0; i < h->nflood; i++) {
		const struct fo_flood *k = &h->flood[i];
		const struct nl_addr *a = fo_vtep_addr(h, k->vtep);
		if (flood_find(c->wfo, k->ifindex, a))
			continue;
		memset(&d, 0, sizeof d);
		d.kind = AUDIT_FLOOD_EXTRA;
		d.key = k->ifindex;
		d.have = a;
		report_d(c, &d);
	}
}

static bool want_local_cb(void *ctx, struct mac_ent *w)
{
	struct cmp *c = ctx;
	struct mac_ent *k = mac_tab_get(&c->have->local, w->ifindex, w->mac);
	struct audit_drift d;

	if (!k) {
		report(c, AUDIT_LOCAL_GONE, w->ifindex, w->mac);
		return false;
	}
	if (k->aux == w->aux && !!(k->flags & MENT_STICKY) == !!(w->flags & MENT_STICKY))
		return false;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_LOCAL_DIFFERS;
	d.key = w->ifindex;
	memcpy(d.mac, w->mac, 6);
	d.want_port = w->aux;
	d.have_port = k->aux;
	d.want_sticky = (w->flags & MENT_STICKY) != 0;
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
	return false;
}

static bool have_local_cb(void *ctx, struct mac_ent *k)
{
	struct cmp *c = ctx;
	struct audit_drift d;

	if (mac_tab_get(c->wlocal, k->ifindex, k->mac))
		return false;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_LOCAL_UNKNOWN;
	d.key = k->ifindex;
	memcpy(d.mac, k->mac, 6);
	d.have_port = k->aux;
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
	return false;
}

size_t audit_compare(struct fdb_owned *want_fo, struct mac_tab *want_local, struct audit_view *have,
		     void (*cb)(void *ctx, const struct audit_drift *d), void *ctx)
{
	struct cmp c = { want_fo, want_local, have, cb, ctx, 0 };

	mac_tab_walk(&want_fo->macs, want_remote_cb, &c);
	mac_tab_walk(&have->fo.macs, have_remote_cb, &c);
	compare_flood(&c);
	mac_tab_walk(want_local, want_local_cb, &c);
	mac_tab_walk(&have->local, have_local_cb, &c);
	return c.n;
}

/* ---- the glue side: the dump and the reply ---- */

void audit_kernel_entry(struct glue *g, const struct nl_fdb *f)
{
	static const uint8_t zero[6];
	struct audit_view *k = g->audit;
	struct vni *v = vt_by_fdb(&g->vt, f);
	int rc = 0, key;

	k->entries++;
	if (v && (f->flags & NTF_SELF)) {
		/* the classification reconcile uses: what evpnd installs or would adopt */
		switch (rc_classify(f)) {
		case RC_MAC:
			rc = audit_put_remote(k, v->okey, f->mac, true, &f->dst,
					      (f->flags & NTF_STICKY) != 0);
			break;
		case RC_FLOOD:
			rc = audit_put_flood(k, v->okey, &f->dst);
			break;
		default:
			break;
		}
	} else if (v && f->ifindex == v->vxlan && (f->flags & NTF_EXT_LEARNED) &&
		   !(f->mac[0] & 1) && memcmp(f->mac, zero, 6) != 0) {
		rc = audit_put_remote(k, v->okey, f->mac, false, NULL, false);
	} else if (!(f->state & NUD_PERMANENT) && (key = local_key(g, f)) != 0) {
		rc = audit_put_local(k, key, f->mac, (uint32_t)f->ifindex,
				     (f->state & NUD_NOARP) != 0);
	}
	if (rc < 0)
		k->entries = SIZE_MAX; /* out of memory: glue_audit fails rather than report drift */
}

struct reply {
	struct glue *g;
	struct json_object *arr;
	size_t count[AUDIT_KINDS];
};

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

static void add_port(struct json_object *o, struct glue *g, const char *name, uint32_t port)
{
	const struct vt_link *l = port ? vt_link(&g->vt, (int)port) : NULL;

	json_object_object_add(o, name, l && l->name[0] ? json_object_new_string(l->name)
			       : port ? json_object_new_int64(port) : NULL);
}

static void drift_cb(void *ctx, const struct audit_drift *d)
{
	struct reply *r = ctx;
	struct glue *g = r->g;
	bool local = d->kind >= AUDIT_LOCAL_UNKNOWN, flood = d->kind == AUDIT_FLOOD_MISSING ||
							       d->kind == AUDIT_FLOOD_EXTRA;
	struct vni *v = local ? vt_by_lkey(&g->vt, d->key) : vt_by_okey(&g->vt, d->key);
	struct json_object *o = json_object_new_object();
	const struct vt_link *dev;
	char m[MAC_STRLEN];

	r->count[d->kind]++;
	json_object_object_add(o, "kind", json_object_new_string(audit_kind_name(d->kind)));
	json_object_object_add(o, "vni", v ? json_object_new_int64(v->vni) : NULL);
	dev = local ? vt_link(&g->vt, v ? v->bridge : d->key) : NULL;
	json_object_object_add(o, "device", local ? (dev ? json_object_new_string(dev->name) : NULL)
			       : v ? json_object_new_string(v->name) : NULL);
	json_object_object_add(o, "mac", flood ? NULL :
			       json_object_new_string(mac_str((const struct mac *)d->mac, m)));
	if (local) {
		add_port(o, g, "port", d->want_port);
		add_port(o, g, "kernel_port", d->have_port);
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

struct json_object *glue_audit(struct glue *g)
{
	struct reply r = { .g = g };
	struct audit_view k;
	struct json_object *o, *checked;
	int rc;

	if (!g->nl) {
		errno = ENOTCONN;
		return NULL;
	}
	/* what was asked of the kernel is compared once it is there, as a reconcile dump does */
	nl_flush(g->nl);
	(void)nl_drain(g->nl, 2000); /* what is still in flight shows as pending_requests */
	audit_view_init(&k);
	g->audit = &k;
	rc = nl_dump_fdb(g->nl);
	g->audit = NULL;
	if (rc < 0 || k.entries == SIZE_MAX) {
		int e = rc < 0 ? errno : ENOMEM;
		audit_view_free(&k);
		errno = e;
		return NULL;
	}
	r.arr = json_object_new_array();
	audit_compare(&g->fo, &g->local, &k, drift_cb, &r);
	o = json_object_new_object();
	json_object_object_add(o, "drift", r.arr);
	checked = json_object_new_object();
	json_object_object_add(checked, "kernel_entries", json_object_new_int64((int64_t)k.entries));
	json_object_object_add(checked, "remote_macs", json_object_new_int64((int64_t)g->fo.macs.n));
	json_object_object_add(checked, "flood_entries", json_object_new_int64((int64_t)g->fo.nflood));
	json_object_object_add(checked, "local_macs", json_object_new_int64((int64_t)g->local.n));
	json_object_object_add(o, "checked", checked);
	json_object_object_add(o, "converged", json_object_new_boolean(g->converged));
	json_object_object_add(o, "pending_requests", json_object_new_int64((int64_t)nl_pending(g->nl)));
	json_object_object_add(o, "resync_pending", json_object_new_boolean(g->resync || g->nlost));
	json_object_object_add(o, "netlink_overflows", json_object_new_int64((int64_t)g->overflows));
	checked = json_object_new_object();
	for (int i = 0; i < AUDIT_KINDS; i++)
		if (r.count[i])
			json_object_object_add(checked, audit_kind_name((enum audit_kind)i),
					       json_object_new_int64((int64_t)r.count[i]));
	json_object_object_add(o, "by_kind", checked);
	audit_view_free(&k);
	return o;
}
