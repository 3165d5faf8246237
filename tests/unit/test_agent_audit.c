/* SPDX-License-Identifier: Apache-2.0 */
/* audit.c: the pure comparison of evpnd's tables with a kernel snapshot (each kind of drift, both
 * ways, VTEPs interned separately on each side), and the filing of dumped entries into the
 * snapshot for both kernel models (bridge per VNI; VLAN-aware bridge with one external VXLAN
 * device). No netlink: entries are handed to audit_kernel_entry as a dump would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "agent_fixture.h"
#include "audit.h"
#include "engine.h"

#define BR 3
#define VX 4
#define PORT 5
#define PORT2 6

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa }, MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb },
		     MAC_C[6] = { 0x02, 0, 0, 0, 0, 0xc }, MAC_D[6] = { 0x02, 0, 0, 0, 0, 0xd };

/* What the comparison reported: counts per kind, and the last drift of each kind. */
struct seen {
	size_t n[AUDIT_KINDS];
	struct audit_drift last[AUDIT_KINDS];
	struct nl_addr want[AUDIT_KINDS], have[AUDIT_KINDS];
};

static void seen_cb(void *ctx, const struct audit_drift *d)
{
	struct seen *s = ctx;
	assert_true(d->kind < AUDIT_KINDS);
	s->n[d->kind]++;
	s->last[d->kind] = *d;
	memset(&s->want[d->kind], 0, sizeof s->want[d->kind]);
	memset(&s->have[d->kind], 0, sizeof s->have[d->kind]);
	if (d->want)
		s->want[d->kind] = *d->want;
	if (d->have)
		s->have[d->kind] = *d->have;
}

/* evpnd's side: owned remote MAC (okey VX) toward VTEP last. */
static void own_mac(struct audit_view *fo, const uint8_t mac[6], uint8_t last, bool sticky)
{
	struct nl_addr a = fx_vtep_addr(last);
	bool created;
	struct mac_ent *e = mac_tab_put(&fo->remote, VX, mac, &created);
	assert_non_null(e);
	e->vtep = vtep_index(&fo->vteps, &a);
	e->flags = sticky ? MENT_STICKY : 0;
}

static void own_flood(struct audit_view *fo, uint8_t last)
{
	struct nl_addr a = fx_vtep_addr(last);
	bool created;
	struct fl_ent *f = flood_set_put(&fo->flood, VX, vtep_index(&fo->vteps, &a), &created);
	assert_non_null(f);
	f->refs = 1;
}

static void own_local(struct mac_tab *t, const uint8_t mac[6], uint32_t port, bool sticky)
{
	bool created;
	struct mac_ent *e = mac_tab_put(t, BR, mac, &created);
	assert_non_null(e);
	e->aux = port;
	e->flags = (uint8_t)(MENT_ADV | (sticky ? MENT_STICKY : 0));
}

/* audit_compare with evpnd's side built by hand: remote MACs and flood entries in fo, local MACs. */
static size_t compare(struct audit_view *fo, struct mac_tab *local, struct audit_view *k,
		      void (*cb)(void *ctx, const struct audit_drift *d), void *ctx)
{
	struct audit_side want = { &fo->remote, &fo->vteps, &fo->flood, local };
	struct audit_side have = audit_view_side(k);
	return audit_compare(&want, &have, cb, ctx);
}

/* The kernel has both halves of mac toward last. */
static void kern_mac(struct audit_view *k, const uint8_t mac[6], uint8_t last, bool sticky)
{
	struct nl_addr a = fx_vtep_addr(last);
	assert_int_equal(audit_put_remote(k, VX, mac, true, &a, sticky), 0);
	assert_int_equal(audit_put_remote(k, VX, mac, false, NULL, false), 0);
}

static size_t total(const struct seen *s)
{
	size_t n = 0;
	for (int i = 0; i < AUDIT_KINDS; i++)
		n += s->n[i];
	return n;
}

static void test_kind_names(void **state)
{
	(void)state;
	for (int i = 0; i < AUDIT_KINDS; i++) {
		assert_non_null(audit_kind_name((enum audit_kind)i));
		assert_string_not_equal(audit_kind_name((enum audit_kind)i), "?");
	}
	assert_string_equal(audit_kind_name(AUDIT_REMOTE_MISSING), "remote-missing");
	assert_string_equal(audit_kind_name(AUDIT_KINDS), "?");
}

/* The same content on both sides, VTEPs interned in another order: no drift. */
static void test_clean(void **state)
{
	struct audit_view fo;
	struct mac_tab local;
	struct audit_view k;
	struct seen s;

	(void)state;
	audit_view_init(&fo);
	mac_tab_init(&local);
	audit_view_init(&k);
	memset(&s, 0, sizeof s);
	own_mac(&fo, MAC_A, 1, false);
	own_mac(&fo, MAC_B, 2, true);
	own_flood(&fo, 1);
	own_flood(&fo, 2);
	own_local(&local, MAC_C, PORT, false);
	/* the kernel's side interns 10.88.0.2 first: index 0 there is index 1 here */
	kern_mac(&k, MAC_B, 2, true);
	kern_mac(&k, MAC_A, 1, false);
	struct nl_addr a1 = fx_vtep_addr(1), a2 = fx_vtep_addr(2);
	assert_int_equal(audit_put_flood(&k, VX, &a2), 0);
	assert_int_equal(audit_put_flood(&k, VX, &a1), 0);
	assert_int_equal(audit_put_flood(&k, VX, &a1), 0); /* a restarted dump reports it again */
	assert_int_equal(audit_put_local(&k, BR, MAC_C, PORT, false), 0);
	assert_int_equal(compare(&fo, &local, &k, seen_cb, &s), 0);
	assert_int_equal(total(&s), 0);
	/* neither side changed */
	assert_int_equal(fo.remote.n, 2);
	assert_int_equal(k.remote.n, 2);
	assert_int_equal(fo.flood.n, 2);
	assert_int_equal(k.flood.n, 2);
	audit_view_free(&fo);
	mac_tab_free(&local);
	audit_view_free(&k);
}

static void test_remote_drift(void **state)
{
	struct audit_view fo;
	struct mac_tab local;
	struct audit_view k;
	struct seen s;
	static const uint8_t MAC_E[6] = { 0x02, 0, 0, 0, 0, 0xe }, MAC_F[6] = { 2, 0, 0, 0, 0, 0xf };
	struct nl_addr a1 = fx_vtep_addr(1);

	(void)state;
	audit_view_init(&fo);
	mac_tab_init(&local);
	audit_view_init(&k);
	memset(&s, 0, sizeof s);
	own_mac(&fo, MAC_A, 1, false);  /* missing */
	own_mac(&fo, MAC_B, 1, false);  /* elsewhere in the kernel */
	own_mac(&fo, MAC_C, 1, true);   /* not sticky in the kernel */
	own_mac(&fo, MAC_D, 1, false);  /* the self half only */
	own_mac(&fo, MAC_F, 1, false);  /* the master half only: missing */
	kern_mac(&k, MAC_B, 2, false);
	kern_mac(&k, MAC_C, 1, false);
	assert_int_equal(audit_put_remote(&k, VX, MAC_D, true, &a1, false), 0);
	assert_int_equal(audit_put_remote(&k, VX, MAC_F, false, NULL, false), 0);
	kern_mac(&k, MAC_E, 3, true);   /* not evpnd's */

	assert_int_equal(compare(&fo, &local, &k, seen_cb, &s), 6);
	assert_int_equal(s.n[AUDIT_REMOTE_MISSING], 2);
	assert_int_equal(s.n[AUDIT_REMOTE_VTEP], 1);
	assert_memory_equal(s.last[AUDIT_REMOTE_VTEP].mac, MAC_B, 6);
	struct nl_addr a2 = fx_vtep_addr(2);
	assert_memory_equal(&s.want[AUDIT_REMOTE_VTEP], &a1, sizeof a1);
	assert_memory_equal(&s.have[AUDIT_REMOTE_VTEP], &a2, sizeof a2);
	assert_int_equal(s.n[AUDIT_REMOTE_STICKY], 1);
	assert_memory_equal(s.last[AUDIT_REMOTE_STICKY].mac, MAC_C, 6);
	assert_true(s.last[AUDIT_REMOTE_STICKY].want_sticky);
	assert_false(s.last[AUDIT_REMOTE_STICKY].have_sticky);
	assert_int_equal(s.n[AUDIT_REMOTE_MASTER], 1);
	assert_memory_equal(s.last[AUDIT_REMOTE_MASTER].mac, MAC_D, 6);
	assert_int_equal(s.n[AUDIT_REMOTE_UNOWNED], 1);
	assert_memory_equal(s.last[AUDIT_REMOTE_UNOWNED].mac, MAC_E, 6);
	assert_int_equal(s.last[AUDIT_REMOTE_UNOWNED].key, VX);
	assert_true(s.last[AUDIT_REMOTE_UNOWNED].have_sticky);
	assert_int_equal(s.want[AUDIT_REMOTE_UNOWNED].af, 0); /* no VTEP on evpnd's side */
	audit_view_free(&fo);
	mac_tab_free(&local);
	audit_view_free(&k);
}

static void test_flood_drift(void **state)
{
	struct audit_view fo;
	struct mac_tab local;
	struct audit_view k;
	struct seen s;
	struct nl_addr a2 = fx_vtep_addr(2), a3 = fx_vtep_addr(3);

	(void)state;
	audit_view_init(&fo);
	mac_tab_init(&local);
	audit_view_init(&k);
	memset(&s, 0, sizeof s);
	own_flood(&fo, 1);
	own_flood(&fo, 2);
	assert_int_equal(audit_put_flood(&k, VX, &a2), 0);
	assert_int_equal(audit_put_flood(&k, VX, &a3), 0);
	assert_int_equal(audit_put_flood(&k, VX + 10, &a2), 0); /* the same VTEP, another device */
	assert_int_equal(compare(&fo, &local, &k, seen_cb, &s), 3);
	assert_int_equal(s.n[AUDIT_FLOOD_MISSING], 1);
	struct nl_addr a1 = fx_vtep_addr(1);
	assert_memory_equal(&s.want[AUDIT_FLOOD_MISSING], &a1, sizeof a1);
	assert_int_equal(s.n[AUDIT_FLOOD_EXTRA], 2);
	audit_view_free(&fo);
	mac_tab_free(&local);
	audit_view_free(&k);
}

static void test_local_drift(void **state)
{
	struct audit_view fo;
	struct mac_tab local;
	struct audit_view k;
	struct seen s;

	(void)state;
	audit_view_init(&fo);
	mac_tab_init(&local);
	audit_view_init(&k);
	memset(&s, 0, sizeof s);
	own_local(&local, MAC_A, PORT, false);  /* gone from the bridge */
	own_local(&local, MAC_B, PORT, false);  /* moved to PORT2 */
	own_local(&local, MAC_C, PORT, false);  /* made static */
	assert_int_equal(audit_put_local(&k, BR, MAC_B, PORT2, false), 0);
	assert_int_equal(audit_put_local(&k, BR, MAC_C, PORT, true), 0);
	assert_int_equal(audit_put_local(&k, BR, MAC_D, PORT, false), 0); /* unknown to evpnd */
	assert_int_equal(compare(&fo, &local, &k, seen_cb, &s), 4);
	assert_int_equal(s.n[AUDIT_LOCAL_GONE], 1);
	assert_memory_equal(s.last[AUDIT_LOCAL_GONE].mac, MAC_A, 6);
	assert_int_equal(s.n[AUDIT_LOCAL_UNKNOWN], 1);
	assert_memory_equal(s.last[AUDIT_LOCAL_UNKNOWN].mac, MAC_D, 6);
	assert_int_equal(s.last[AUDIT_LOCAL_UNKNOWN].have_port, PORT);
	assert_int_equal(s.n[AUDIT_LOCAL_DIFFERS], 2);
	audit_view_free(&fo);
	mac_tab_free(&local);
	audit_view_free(&k);
}

static struct config cfg;

static void init(struct engine *g)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.g.asn = 64512;
	cfg.g.router_id = 0x0a580002;
	cfg.converge_timeout = 10;
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
}

static struct nl_fdb fdb(int ifindex, int master, const uint8_t mac[6], uint8_t flags, uint16_t st,
			 uint8_t dst_last, uint16_t vlan, uint32_t src_vni)
{
	struct nl_fdb f;
	memset(&f, 0, sizeof f);
	f.ifindex = ifindex;
	f.master = master;
	memcpy(f.mac, mac, 6);
	f.flags = flags;
	f.state = st;
	if (dst_last)
		f.dst = fx_vtep_addr(dst_last);
	f.vlan = vlan;
	f.src_vni = src_vni;
	return f;
}

/* File a dump's entries (as the audit's tap does) and return the snapshot. */
static void collect(struct engine *g, struct audit_view *k, const struct nl_fdb *ents, size_t n)
{
	audit_view_init(k);
	for (size_t i = 0; i < n; i++)
		audit_kernel_entry(k, &g->vt, g->macs, &ents[i]);
	assert_int_equal(k->entries, n);
}

static void test_collect_bridge_per_vni(void **state)
{
	static const uint8_t ZERO[6], BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct engine g;
	struct audit_view k;
	struct vni *v;

	(void)state;
	init(&g);
	fixture_vni(&g, BR, VX, PORT, 100);
	v = vt_by_vni(&g.vt, 100);
	assert_non_null(v);
	struct nl_fdb ents[] = {
		/* a remote MAC: both halves */
		fdb(VX, 0, MAC_A, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE, 1, 0, 0),
		fdb(VX, BR, MAC_A, NTF_MASTER | NTF_EXT_LEARNED, NUD_REACHABLE, 0, 0, 0),
		/* sticky */
		fdb(VX, 0, MAC_B, NTF_SELF | NTF_EXT_LEARNED | NTF_STICKY, NUD_REACHABLE, 2, 0, 0),
		/* flood entries */
		fdb(VX, 0, ZERO, NTF_SELF, NUD_PERMANENT | NUD_NOARP, 1, 0, 0),
		fdb(VX, 0, ZERO, NTF_SELF, NUD_PERMANENT | NUD_NOARP, 2, 0, 0),
		/* the VXLAN port's own address and a static self entry without extern_learn: not ours */
		fdb(VX, BR, MAC_D, NTF_MASTER, NUD_PERMANENT, 0, 0, 0),
		fdb(VX, 0, MAC_D, NTF_SELF, NUD_PERMANENT, 7, 0, 0),
		/* local MACs: learned, static; the port's own (permanent) and a broadcast are not */
		fdb(PORT, BR, MAC_C, NTF_MASTER, NUD_REACHABLE, 0, 0, 0),
		fdb(PORT, BR, MAC_D, NTF_MASTER, NUD_NOARP, 0, 0, 0),
		fdb(PORT, BR, MAC_B, NTF_MASTER, NUD_PERMANENT, 0, 0, 0),
		fdb(PORT, BR, BCAST, NTF_MASTER, NUD_REACHABLE, 0, 0, 0),
		/* a device evpnd does not manage */
		fdb(99, 0, MAC_A, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE, 1, 0, 0),
	};
	collect(&g, &k, ents, sizeof ents / sizeof ents[0]);
	assert_int_equal(k.remote.n, 2);
	struct mac_ent *e = mac_tab_get(&k.remote, v->okey, MAC_A);
	assert_non_null(e);
	assert_int_equal(e->flags & (AUDIT_SELF | AUDIT_MASTER | MENT_STICKY), AUDIT_SELF | AUDIT_MASTER);
	struct nl_addr a1 = fx_vtep_addr(1);
	assert_memory_equal(vtep_addr(&k.vteps, e->vtep), &a1, sizeof a1);
	e = mac_tab_get(&k.remote, v->okey, MAC_B);
	assert_non_null(e);
	assert_int_equal(e->flags & (AUDIT_SELF | AUDIT_MASTER | MENT_STICKY), AUDIT_SELF | MENT_STICKY);
	assert_int_equal(k.flood.n, 2);
	assert_int_equal(flood_set_count(&k.flood, v->okey), 2);
	assert_int_equal(k.local.n, 2);
	e = mac_tab_get(&k.local, v->lkey, MAC_C);
	assert_non_null(e);
	assert_int_equal(e->aux, PORT);
	assert_int_equal(e->flags & MENT_STICKY, 0);
	e = mac_tab_get(&k.local, v->lkey, MAC_D);
	assert_non_null(e);
	assert_int_equal(e->flags & MENT_STICKY, MENT_STICKY);
	/* the live tables were not touched */
	assert_int_equal(fx_counts(&g).remote, 0);
	assert_int_equal(g.flood.set.n, 0);
	assert_int_equal(fx_counts(&g).local, 0);
	assert_int_equal(g.kq.queued, 0);
	audit_view_free(&k);
	engine_stop(&g);
}

/* VLAN-aware bridge BR with one external VXLAN device VX mapping VLAN 10 to VNI 1010. */
static void test_collect_vlan_aware(void **state)
{
	struct engine g;
	struct audit_view k;
	struct nl_link l;
	struct vni *v;

	(void)state;
	init(&g);
	memset(&l, 0, sizeof l);
	l.ifindex = BR;
	l.kind = NL_LINK_BRIDGE;
	l.up = true;
	l.vlan_filtering = true;
	strcpy(l.name, "br0");
	vt_link_event(&g.vt, &l, false);
	memset(&l, 0, sizeof l);
	l.ifindex = VX;
	l.kind = NL_LINK_VXLAN;
	l.master = BR;
	l.up = true;
	l.external = true;
	l.local = fx_vtep_addr(2);
	l.dstport = 4789;
	strcpy(l.name, "vxs");
	vt_link_event(&g.vt, &l, false);
	memset(&l, 0, sizeof l);
	l.ifindex = PORT;
	l.master = BR;
	l.up = true;
	strcpy(l.name, "vm1");
	vt_link_event(&g.vt, &l, false);
	struct nl_vlan_tunnel m = { 10, 1010 };
	vt_vlan_map(&g.vt, VX, &m, 1);
	v = vt_by_vni(&g.vt, 1010);
	assert_non_null(v);
	assert_int_equal(v->vlan, 10);
	assert_true(v->okey < 0);
	assert_true(v->lkey < 0);

	struct nl_fdb ents[] = {
		fdb(VX, 0, MAC_A, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE, 1, 0, 1010),
		fdb(VX, BR, MAC_A, NTF_MASTER | NTF_EXT_LEARNED, NUD_REACHABLE, 0, 10, 0),
		/* another VNI's entry on the shared device: not managed */
		fdb(VX, 0, MAC_B, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE, 1, 0, 2020),
		fdb(PORT, BR, MAC_C, NTF_MASTER, NUD_REACHABLE, 0, 10, 0),
		/* the bridge's entry without a VLAN */
		fdb(PORT, BR, MAC_D, NTF_MASTER, NUD_REACHABLE, 0, 0, 0),
	};
	collect(&g, &k, ents, sizeof ents / sizeof ents[0]);
	assert_int_equal(k.remote.n, 1);
	struct mac_ent *e = mac_tab_get(&k.remote, v->okey, MAC_A);
	assert_non_null(e);
	assert_int_equal(e->flags & (AUDIT_SELF | AUDIT_MASTER), AUDIT_SELF | AUDIT_MASTER);
	assert_int_equal(k.local.n, 1);
	assert_non_null(mac_tab_get(&k.local, v->lkey, MAC_C));
	assert_ptr_equal(vt_by_lkey(&g.vt, v->lkey), v);
	audit_view_free(&k);
	engine_stop(&g);
}

/* Events during the read settle an entry over any later report of it (the report is older): a
 * remote MAC deleted and a local MAC moved while the read ran, then reported by it as before. */
static void test_events_settle(void **state)
{
	static const uint8_t ZERO[6];
	struct engine g;
	struct audit_view k;
	struct vni *v;

	(void)state;
	init(&g);
	fixture_vni(&g, BR, VX, PORT, 100);
	v = vt_by_vni(&g.vt, 100);
	assert_non_null(v);
	audit_view_init(&k);
	struct nl_fdb self_a = fdb(VX, 0, MAC_A, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE, 1, 0, 0),
		      master_a = fdb(VX, BR, MAC_A, NTF_MASTER | NTF_EXT_LEARNED, NUD_REACHABLE, 0, 0, 0),
		      local_c = fdb(PORT, BR, MAC_C, NTF_MASTER, NUD_REACHABLE, 0, 0, 0),
		      local_c2 = fdb(PORT, BR, MAC_C, NTF_MASTER, NUD_NOARP, 0, 0, 0), /* made static */
		      flood1 = fdb(VX, 0, ZERO, NTF_SELF, NUD_PERMANENT | NUD_NOARP, 1, 0, 0);
	/* the events come first, the read's older reports after them */
	audit_kernel_event(&k, &g.vt, g.macs, &self_a, true);
	audit_kernel_event(&k, &g.vt, g.macs, &local_c2, false);
	audit_kernel_event(&k, &g.vt, g.macs, &flood1, true);
	audit_kernel_entry(&k, &g.vt, g.macs, &self_a);
	audit_kernel_entry(&k, &g.vt, g.macs, &master_a);
	audit_kernel_entry(&k, &g.vt, g.macs, &local_c);
	audit_kernel_entry(&k, &g.vt, g.macs, &flood1);
	assert_int_equal(k.entries, 4); /* what the read reported; events are not entries read */
	struct mac_ent *e = mac_tab_get(&k.remote, v->okey, MAC_A);
	assert_non_null(e);
	/* the self half went (the event), the master half stands (no event for it) */
	assert_int_equal(e->flags & (AUDIT_SELF | AUDIT_MASTER), AUDIT_MASTER);
	e = mac_tab_get(&k.local, v->lkey, MAC_C);
	assert_non_null(e);
	assert_int_equal(e->flags & MENT_STICKY, MENT_STICKY);
	assert_int_equal(k.flood.n, 1);
	assert_true(k.flood.e[0].flags & AUDIT_FL_GONE);
	/* a later event overrides an earlier one */
	audit_kernel_event(&k, &g.vt, g.macs, &self_a, false);
	e = mac_tab_get(&k.remote, v->okey, MAC_A);
	assert_int_equal(e->flags & (AUDIT_SELF | AUDIT_MASTER), AUDIT_SELF | AUDIT_MASTER);

	/* compared: the gone flood entry is missing; nothing of what went is reported as extra */
	struct audit_view fo;
	struct mac_tab local;
	struct seen sn;
	audit_view_init(&fo);
	mac_tab_init(&local);
	memset(&sn, 0, sizeof sn);
	struct nl_addr a1 = fx_vtep_addr(1);
	bool created;
	struct fl_ent *fl = flood_set_put(&fo.flood, v->okey, vtep_index(&fo.vteps, &a1), &created);
	fl->refs = 1;
	struct audit_side want = { &fo.remote, &fo.vteps, &fo.flood, &local };
	struct audit_side have = audit_view_side(&k);
	assert_int_equal(audit_compare(&want, &have, seen_cb, &sn), 3);
	assert_int_equal(sn.n[AUDIT_FLOOD_MISSING], 1);
	assert_int_equal(sn.n[AUDIT_FLOOD_EXTRA], 0);
	assert_int_equal(sn.n[AUDIT_REMOTE_UNOWNED], 1); /* MAC_A is not evpnd's here */
	assert_int_equal(sn.n[AUDIT_LOCAL_UNKNOWN], 1);
	/* a local MAC an event said went is gone, not unknown */
	audit_kernel_event(&k, &g.vt, g.macs, &local_c2, true);
	bool c2;
	struct mac_ent *w = mac_tab_put(&local, v->lkey, MAC_C, &c2);
	w->aux = PORT;
	memset(&sn, 0, sizeof sn);
	have = audit_view_side(&k);
	audit_compare(&want, &have, seen_cb, &sn);
	assert_int_equal(sn.n[AUDIT_LOCAL_GONE], 1);
	assert_int_equal(sn.n[AUDIT_LOCAL_UNKNOWN], 0);
	audit_view_free(&fo);
	mac_tab_free(&local);
	audit_view_free(&k);
	engine_stop(&g);
}

static void count_cb(void *ctx, const struct audit_drift *d)
{
	size_t *n = ctx;
	(void)d;
	(*n)++;
}

/* The comparison a step at a time: the same result as in one go, and when evpnd's table grows
 * (its entries move) between steps, every difference is still reported exactly once. */
static void test_steps(void **state)
{
	struct audit_view fo, k;
	struct mac_tab local;
	struct audit_cmp c;
	struct seen whole;
	size_t n = 0, steps = 0;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	(void)state;
	audit_view_init(&fo);
	audit_view_init(&k);
	mac_tab_init(&local);
	memset(&whole, 0, sizeof whole);
	/* 300 owned MACs; the kernel has the even ones: 150 missing */
	for (int i = 0; i < 300; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		own_mac(&fo, mac, 1, false);
		if (!(i & 1))
			kern_mac(&k, mac, 1, false);
	}
	assert_int_equal(compare(&fo, &local, &k, seen_cb, &whole), 150);
	assert_int_equal(whole.n[AUDIT_REMOTE_MISSING], 150);

	struct audit_side want = { &fo.remote, &fo.vteps, &fo.flood, &local };
	struct audit_side have = audit_view_side(&k);
	audit_cmp_init(&c, &want, &have, false, count_cb, &n);
	unsigned layout0 = mac_tab_layout(&fo.remote);
	while (!audit_cmp_step(&c, 7)) {
		if (++steps == 10) {
			/* the table grows under the walk: 3000 more, all present in the kernel */
			for (int i = 300; i < 3300; i++) {
				mac[4] = (uint8_t)(i >> 8);
				mac[5] = (uint8_t)i;
				own_mac(&fo, mac, 1, false);
				kern_mac(&k, mac, 1, false);
			}
		}
		assert_true(steps < 100000);
	}
	assert_int_not_equal(mac_tab_layout(&fo.remote), layout0); /* it did move */
	assert_int_equal(n, 150);
	assert_int_equal(c.n, 150);
	audit_cmp_free(&c);

	/* owned: flood lists are not compared (the read did not look at them) */
	own_flood(&fo, 2);
	n = 0;
	audit_cmp_init(&c, &want, &have, true, count_cb, &n);
	while (!audit_cmp_step(&c, 1000))
		;
	assert_int_equal(n, 150);
	audit_cmp_free(&c);
	audit_view_free(&fo);
	audit_view_free(&k);
	mac_tab_free(&local);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_remote_drift),
		cmocka_unit_test(test_flood_drift),
		cmocka_unit_test(test_local_drift),
		cmocka_unit_test(test_collect_bridge_per_vni),
		cmocka_unit_test(test_collect_vlan_aware),
		cmocka_unit_test(test_events_settle),
		cmocka_unit_test(test_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
