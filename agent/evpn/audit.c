/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `evpnctl audit` (audit.h): the kernel's entries, as a read and the events during it report them,
 * filed into a snapshot shaped like the owners' tables, then a walk of each table looking the
 * entry up on the other side, a bounded step at a time. O(entries) per audit; the live tables and
 * the reconcile state are never touched (the read is the operator's, engine_read.h).
 */
#include <linux/neighbour.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"
#include "macs.h"
#include "reconcile.h"
#include "vni.h"

/* Hash seeds of the snapshot's and the comparison's tables: unlike the owned tables' (0) and each
 * other's. */
#define AUDIT_SEED_VIEW 0xa5d17u
#define AUDIT_SEED_SEEN 0x5ee11u

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
	/* filled in the owned tables' order (an owned read's probes): hashed otherwise (mac_tab.h) */
	mac_tab_seed(&v->remote, AUDIT_SEED_VIEW);
	mac_tab_seed(&v->local, AUDIT_SEED_VIEW);
}

void audit_view_free(struct audit_view *v)
{
	vteps_free(&v->vteps);
	mac_tab_free(&v->remote);
	flood_set_free(&v->flood);
	mac_tab_free(&v->local);
}

bool audit_view_lacks(const struct audit_view *k, int okey, const uint8_t mac[6], bool master)
{
	const struct mac_ent *e = mac_tab_get(&k->remote, okey, mac);
	uint8_t has = master ? AUDIT_MASTER : AUDIT_SELF, ev = master ? AUDIT_EV_MASTER : AUDIT_EV_SELF;

	return !e || !(e->flags & (has | ev));
}

struct audit_side audit_view_side(const struct audit_view *v)
{
	struct audit_side s = { &v->remote, &v->vteps, &v->flood, &v->local };
	return s;
}

/* File one half of a remote MAC. An event has the last word over what a read reports after it. */
static int remote_half(struct audit_view *k, int okey, const uint8_t mac[6], bool self,
		       const struct nl_addr *dst, bool sticky, bool event, bool deleted)
{
	uint8_t has = self ? AUDIT_SELF : AUDIT_MASTER, ev = self ? AUDIT_EV_SELF : AUDIT_EV_MASTER;
	uint16_t vt = VTEP_NONE;
	struct mac_ent *e;
	bool created;

	if (self && !deleted && (vt = vtep_index(&k->vteps, dst)) == VTEP_NONE)
		return -1;
	e = mac_tab_put(&k->remote, okey, mac, &created);
	if (!e)
		return -1;
	if (created)
		e->vtep = VTEP_NONE;
	if (!event && (e->flags & ev))
		return 0;
	if (event)
		e->flags |= ev;
	if (deleted) {
		e->flags &= (uint8_t)~has;
		if (self)
			e->vtep = VTEP_NONE;
	} else if (self) {
		e->vtep = vt;
		e->flags = (uint8_t)((e->flags & ~MENT_STICKY) | AUDIT_SELF | (sticky ? MENT_STICKY : 0));
	} else {
		e->flags |= AUDIT_MASTER;
	}
	return 0;
}

static int flood_one(struct audit_view *k, int okey, const struct nl_addr *dst, bool event,
		     bool deleted)
{
	uint16_t vt = vtep_index(&k->vteps, dst);
	struct fl_ent *f;
	bool created;

	if (vt == VTEP_NONE || !(f = flood_set_put(&k->flood, okey, vt, &created)))
		return -1;
	if (!event && (f->flags & AUDIT_FL_EV))
		return 0;
	f->flags = (uint16_t)((event ? AUDIT_FL_EV : 0) | (deleted ? AUDIT_FL_GONE : 0));
	return 0;
}

static int local_one(struct audit_view *k, int lkey, const uint8_t mac[6], uint32_t port,
		     bool sticky, bool event, bool deleted)
{
	bool created;
	struct mac_ent *e = mac_tab_put(&k->local, lkey, mac, &created);

	if (!e)
		return -1;
	if (!event && !created && (e->flags & AUDIT_EV))
		return 0;
	e->aux = port;
	e->flags = (uint8_t)((sticky ? MENT_STICKY : 0) | (event ? AUDIT_EV : 0) |
			     (deleted ? AUDIT_ABSENT : 0));
	return 0;
}

int audit_put_remote(struct audit_view *k, int okey, const uint8_t mac[6], bool self,
		     const struct nl_addr *dst, bool sticky)
{
	return remote_half(k, okey, mac, self, dst, sticky, false, false);
}

int audit_put_flood(struct audit_view *k, int okey, const struct nl_addr *dst)
{
	return flood_one(k, okey, dst, false, false);
}

int audit_put_local(struct audit_view *k, int lkey, const uint8_t mac[6], uint32_t port, bool sticky)
{
	return local_one(k, lkey, mac, port, sticky, false, false);
}

/* ---- the comparison ---- */

enum { PH_WANT_REMOTE, PH_HAVE_REMOTE, PH_FLOOD, PH_WANT_LOCAL, PH_HAVE_LOCAL, PH_DONE };

/* Whether (key, mac) was reported in this walk already (a walk that starts again over a table
 * whose entries moved finds it again); remembered if not. Out of memory: reported twice. */
static bool seen_before(struct audit_cmp *c, int key, const uint8_t *mac)
{
	struct mac_tab *t = c->phase < PH_FLOOD ? &c->seen_remote : &c->seen_local;
	bool created = false;

	if (c->phase == PH_FLOOD || !mac)
		return false;
	return mac_tab_put(t, key, mac, &created) && !created;
}

static void report(struct audit_cmp *c, enum audit_kind kind, int key, const uint8_t *mac)
{
	struct audit_drift d;

	if (seen_before(c, key, mac))
		return;
	memset(&d, 0, sizeof d);
	d.kind = kind;
	d.key = key;
	if (mac)
		memcpy(d.mac, mac, 6);
	c->cb(c->ctx, &d);
	c->n++;
}

static void report_d(struct audit_cmp *c, struct audit_drift *d)
{
	if (seen_before(c, d->key, d->mac))
		return;
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
static void want_remote(struct audit_cmp *c, const struct mac_ent *w)
{
	struct mac_ent *k = mac_tab_get(c->have.remote, w->ifindex, w->mac);
	struct audit_drift d;

	memset(&d, 0, sizeof d);
	d.key = w->ifindex;
	memcpy(d.mac, w->mac, 6);
	d.want = vtep_of(c->want.vteps, w->vtep);
	d.want_sticky = (w->flags & MENT_STICKY) != 0;
	if (!k || !(k->flags & AUDIT_SELF)) {
		d.kind = AUDIT_REMOTE_MISSING;
		report_d(c, &d);
		return;
	}
	d.have = vtep_of(c->have.vteps, k->vtep);
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
}

/* The kernel's extern_learn entries: each must be one of evpnd's. */
static void have_remote(struct audit_cmp *c, const struct mac_ent *k)
{
	struct audit_drift d;

	if (!(k->flags & (AUDIT_SELF | AUDIT_MASTER)) || mac_tab_get(c->want.remote, k->ifindex, k->mac))
		return; /* gone (an event said so), or evpnd's */
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_REMOTE_UNOWNED;
	d.key = k->ifindex;
	memcpy(d.mac, k->mac, 6);
	d.have = vtep_of(c->have.vteps, k->vtep);
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
}

/* The flood entry (okey, address) of side s, or NULL: the two sides intern VTEPs separately. */
static const struct fl_ent *flood_find(const struct audit_side *s, int okey, const struct nl_addr *a)
{
	for (size_t i = 0; i < s->flood->n; i++)
		if (s->flood->e[i].okey == okey && !(s->flood->e[i].flags & AUDIT_FL_GONE) &&
		    addr_same(vtep_addr(s->vteps, s->flood->e[i].vtep), a))
			return &s->flood->e[i];
	return NULL;
}

/* Flood lists are VNIs x remote VTEPs (small): a scan per entry is fine. */
static void compare_flood(struct audit_cmp *c)
{
	const struct audit_side *h = &c->have, *wn = &c->want;
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
		if ((k->flags & AUDIT_FL_GONE) || flood_find(wn, k->okey, a))
			continue;
		memset(&d, 0, sizeof d);
		d.kind = AUDIT_FLOOD_EXTRA;
		d.key = k->okey;
		d.have = a;
		report_d(c, &d);
	}
}

static void want_local(struct audit_cmp *c, const struct mac_ent *w)
{
	struct mac_ent *k = mac_tab_get(c->have.local, w->ifindex, w->mac);
	struct audit_drift d;

	if (!k || (k->flags & AUDIT_ABSENT)) {
		report(c, AUDIT_LOCAL_GONE, w->ifindex, w->mac);
		return;
	}
	if (k->aux == w->aux && !!(k->flags & MENT_STICKY) == !!(w->flags & MENT_STICKY))
		return;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_LOCAL_DIFFERS;
	d.key = w->ifindex;
	memcpy(d.mac, w->mac, 6);
	d.want_port = w->aux;
	d.have_port = k->aux;
	d.want_sticky = (w->flags & MENT_STICKY) != 0;
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
}

static void have_local(struct audit_cmp *c, const struct mac_ent *k)
{
	struct audit_drift d;

	if ((k->flags & AUDIT_ABSENT) || mac_tab_get(c->want.local, k->ifindex, k->mac))
		return;
	memset(&d, 0, sizeof d);
	d.kind = AUDIT_LOCAL_UNKNOWN;
	d.key = k->ifindex;
	memcpy(d.mac, k->mac, 6);
	d.have_port = k->aux;
	d.have_sticky = (k->flags & MENT_STICKY) != 0;
	report_d(c, &d);
}

void audit_cmp_init(struct audit_cmp *c, const struct audit_side *want,
		    const struct audit_side *have, bool owned,
		    void (*cb)(void *ctx, const struct audit_drift *d), void *ctx)
{
	memset(c, 0, sizeof *c);
	c->want = *want;
	c->have = *have;
	c->owned = owned;
	c->cb = cb;
	c->ctx = ctx;
	mac_tab_init(&c->seen_remote);
	mac_tab_init(&c->seen_local);
	/* filled in the walked tables' order */
	mac_tab_seed(&c->seen_remote, AUDIT_SEED_SEEN);
	mac_tab_seed(&c->seen_local, AUDIT_SEED_SEEN);
	c->layout = mac_tab_layout(want->remote);
}

void audit_cmp_free(struct audit_cmp *c)
{
	mac_tab_free(&c->seen_remote);
	mac_tab_free(&c->seen_local);
}

/* The table a phase walks. */
static const struct mac_tab *phase_tab(const struct audit_cmp *c)
{
	switch (c->phase) {
	case PH_WANT_REMOTE: return c->want.remote;
	case PH_HAVE_REMOTE: return c->have.remote;
	case PH_WANT_LOCAL: return c->want.local;
	case PH_HAVE_LOCAL: return c->have.local;
	default: return NULL;
	}
}

static void next_phase(struct audit_cmp *c)
{
	c->phase++;
	if (c->phase == PH_FLOOD) {
		if (!c->owned) /* an owned read did not look at flood lists */
			compare_flood(c);
		c->phase++;
	}
	c->pos = 0;
	if (phase_tab(c))
		c->layout = mac_tab_layout(phase_tab(c));
}

bool audit_cmp_step(struct audit_cmp *c, size_t budget)
{
	while (c->phase < PH_DONE && budget) {
		const struct mac_tab *t = phase_tab(c);
		const struct mac_ent *e;

		if (mac_tab_layout(t) != c->layout) {
			c->layout = mac_tab_layout(t); /* entries moved: walk again, reporting nothing twice */
			c->pos = 0;
		}
		if (!(e = mac_tab_next(t, &c->pos))) {
			next_phase(c);
			continue;
		}
		budget--;
		switch (c->phase) {
		case PH_WANT_REMOTE: want_remote(c, e); break;
		case PH_HAVE_REMOTE: have_remote(c, e); break;
		case PH_WANT_LOCAL: want_local(c, e); break;
		default: have_local(c, e); break;
		}
	}
	return c->phase == PH_DONE;
}

size_t audit_compare(const struct audit_side *want, const struct audit_side *have,
		     void (*cb)(void *ctx, const struct audit_drift *d), void *ctx)
{
	struct audit_cmp c;
	size_t n;

	audit_cmp_init(&c, want, have, false, cb, ctx);
	(void)audit_cmp_step(&c, SIZE_MAX);
	n = c.n;
	audit_cmp_free(&c);
	return n;
}

/* ---- filing a dump ---- */

/* File what the read or an event says of f. */
static void file(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
		 const struct nl_fdb *f, bool event, bool deleted)
{
	static const uint8_t zero[6];
	struct vni *v = vt_by_fdb(vt, f);
	int rc = 0, key;

	if (k->entries == SIZE_MAX)
		return;
	if (!event)
		k->entries++;
	if (v && (f->flags & NTF_SELF)) {
		/* the classification reconcile uses: what evpnd installs or would adopt */
		switch (rc_classify(f)) {
		case RC_MAC:
			rc = remote_half(k, v->okey, f->mac, true, &f->dst,
					 (f->flags & NTF_STICKY) != 0, event, deleted);
			break;
		case RC_FLOOD:
			rc = flood_one(k, v->okey, &f->dst, event, deleted);
			break;
		default:
			break;
		}
	} else if (v && f->ifindex == v->vxlan && (f->flags & NTF_EXT_LEARNED) &&
		   !(f->mac[0] & 1) && memcmp(f->mac, zero, 6) != 0) {
		rc = remote_half(k, v->okey, f->mac, false, NULL, false, event, deleted);
	} else if (!(f->state & NUD_PERMANENT) && (key = macs_local_key(m, f)) != 0) {
		rc = local_one(k, key, f->mac, (uint32_t)f->ifindex, (f->state & NUD_NOARP) != 0,
			       event, deleted);
	}
	if (rc < 0)
		k->entries = SIZE_MAX; /* out of memory: the audit fails rather than report drift */
}

void audit_kernel_entry(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
			const struct nl_fdb *f)
{
	file(k, vt, m, f, false, false);
}

void audit_kernel_event(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
			const struct nl_fdb *f, bool deleted)
{
	file(k, vt, m, f, true, deleted);
}
