/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `evpnctl audit` (audit.h): a fresh FDB dump filed into a snapshot shaped like the owners' tables,
 * then one walk of each table looking the entry up on the other side. O(entries) per audit; the
 * live tables and the reconcile state are never touched (the dump goes to a tap, engine.h).
 */
#include <linux/neighbour.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"
#include "macs.h"
#include "reconcile.h"
#include "vni.h"

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
	vteps_init(&v->vteps);
	mac_tab_init(&v->remote);
	flood_set_init(&v->flood);
	mac_tab_init(&v->local);
}

void audit_view_free(struct audit_view *v)
{
	vteps_free(&v->vteps);
	mac_tab_free(&v->remote);
	flood_set_free(&v->flood);
	mac_tab_free(&v->local);
}

struct audit_side audit_view_side(const struct audit_view *v)
{
	struct audit_side s = { &v->remote, &v->vteps, &v->flood, &v->local };
	return s;
}

int audit_put_remote(struct audit_view *k, int okey, const uint8_t mac[6], bool self,
		     const struct nl_addr *dst, bool sticky)
{
	uint16_t vt = VTEP_NONE;
	struct mac_ent *e;
	bool created;

	if (self && (vt = vtep_index(&k->vteps, dst)) == VTEP_NONE)
		return -1;
	e = mac_tab_put(&k->remote, okey, mac, &created);
	if (!e)
		return -1;
	if (created)
		e->vtep = VTEP_NONE;
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
	uint16_t vt = vtep_index(&k->vteps, dst);
	bool created;

	if (vt == VTEP_NONE || !flood_set_put(&k->flood, okey, vt, &created))
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
	const struct audit_side *want;
	const struct audit_side *have;
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

static const struct nl_addr *vtep_of(const struct vteps *t, uint16_t idx)
{
	return idx == VTEP_NONE ? NULL : vtep_addr(t, idx);
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
	struct mac_ent *k = mac_tab_get(c->have->remote, w->ifindex, w->mac);
	struct audit_drift d;

	memset(&d, 0, sizeof d);
	d.key = w->ifindex;
	memcpy(d.mac, w->mac, 6);
	d.want = vtep_of(c->want->vteps, w->vtep);
	d.want_sticky = (w->flags & MENT_STICKY) != 0;
	if (!k || !(k->flags & AUDIT_SELF)) {
		d.kind = AUDIT_REMOTE_MISSING;
		report_d(c, &d);
		return false;
	}
	d.have = vtep_of(c->have->vteps, k->vtep);
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

	if (mac_tab_get(c->want->remote, k->ifindex, k->mac))
		return false;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_REMOTE_UNOWNED;
	d.key = k->ifindex;
	memcpy(d.mac, k->mac, 6);
	d.have = vtep_of(c->have->vteps, k->vtep);
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
	return false;
}

/* The flood entry (okey, address) of side s, or NULL: the two sides intern VTEPs separately. */
static const struct fl_ent *flood_find(const struct audit_side *s, int okey, const struct nl_addr *a)
{
	for (size_t i = 0; i < s->flood->n; i++)
		if (s->flood->e[i].okey == okey && addr_same(vtep_addr(s->vteps, s->flood->e[i].vtep), a))
			return &s->flood->e[i];
	return NULL;
}

/* Flood lists are VNIs x remote VTEPs (small): a scan per entry is fine. */
static void compare_flood(struct cmp *c)
{
	const struct audit_side *h = c->have, *wn = c->want;
	struct audit_drift d;

	for (size_t i = 0; i < wn->flood->n; i++) {
		const struct fl_ent *w = &wn->flood->e[i];
		const struct nl_addr *a = vtep_addr(wn->vteps, w->vtep);
		if (flood_find(h, w->okey, a))
			continue;
		memset(&d, 0, sizeof d);
		d.kind = AUDIT_FLOOD_MISSING;
		d.key = w->okey;
		d.want = a;
		report_d(c, &d);
	}
	for (size_t i = 0; i < h->flood->n; i++) {
		const struct fl_ent *k = &h->flood->e[i];
		const struct nl_addr *a = vtep_addr(h->vteps, k->vtep);
		if (flood_find(wn, k->okey, a))
			continue;
		memset(&d, 0, sizeof d);
		d.kind = AUDIT_FLOOD_EXTRA;
		d.key = k->okey;
		d.have = a;
		report_d(c, &d);
	}
}

static bool want_local_cb(void *ctx, struct mac_ent *w)
{
	struct cmp *c = ctx;
	struct mac_ent *k = mac_tab_get(c->have->local, w->ifindex, w->mac);
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

	if (mac_tab_get(c->want->local, k->ifindex, k->mac))
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

size_t audit_compare(const struct audit_side *want, const struct audit_side *have,
		     void (*cb)(void *ctx, const struct audit_drift *d), void *ctx)
{
	struct cmp c = { want, have, cb, ctx, 0 };

	/* the walks change nothing: their callbacks never ask for a deletion */
	mac_tab_walk((struct mac_tab *)want->remote, want_remote_cb, &c);
	mac_tab_walk((struct mac_tab *)have->remote, have_remote_cb, &c);
	compare_flood(&c);
	mac_tab_walk((struct mac_tab *)want->local, want_local_cb, &c);
	mac_tab_walk((struct mac_tab *)have->local, have_local_cb, &c);
	return c.n;
}

/* ---- filing a dump ---- */

void audit_kernel_entry(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
			const struct nl_fdb *f)
{
	static const uint8_t zero[6];
	struct vni *v = vt_by_fdb(vt, f);
	int rc = 0, key;

	if (k->entries == SIZE_MAX)
		return;
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
	} else if (!(f->state & NUD_PERMANENT) && (key = macs_local_key(m, f)) != 0) {
		rc = audit_put_local(k, key, f->mac, (uint32_t)f->ifindex,
				     (f->state & NUD_NOARP) != 0);
	}
	if (rc < 0)
		k->entries = SIZE_MAX; /* out of memory: the audit fails rather than report drift */
}
