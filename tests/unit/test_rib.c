/* SPDX-License-Identifier: Apache-2.0 */
/* RIB: best path selection, bookkeeping, memory and the NLRI bytes routes and paths share, with
 * real NLRIs and interned attribute sets (export and output: test_rib_out.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rib_fixture.h"

/* ---- best path selection ---- */

static int cmp(const struct aset *dx, const struct rib_peer *px, const struct aset *dy,
	       const struct rib_peer *py)
{
	struct attrs *ax = mk(dx), *ay = mk(dy);
	struct rib_cand x = { ax, px, FAM_EVPN }, y = { ay, py, FAM_EVPN };
	int r = rib_best_cmp(&x, &y);
	/* the order is antisymmetric */
	assert_int_equal(rib_best_cmp(&y, &x), -r);
	attrs_unref(ax);
	attrs_unref(ay);
	return r;
}

static void test_best_mobility(void **state)
{
	struct rib_peer a, b;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);

	/* higher sequence wins even against a much higher LOCAL_PREF and a lower router id */
	struct aset lo = { .has_lp = true, .lp = 500, .mm = true, .seq = 1 };
	struct aset hi = { .has_lp = true, .lp = 100, .mm = true, .seq = 2 };
	assert_true(cmp(&hi, &b, &lo, &a) < 0);
	/* sticky beats any sequence */
	struct aset st = { .mm = true, .sticky = true, .seq = 0 };
	struct aset big = { .mm = true, .seq = 1000 };
	assert_true(cmp(&st, &b, &big, &a) < 0);
	/* no community counts as sequence 0: seq 1 wins, seq 0 ties and the ladder decides */
	struct aset none = { .has_lp = true, .lp = 200 };
	struct aset one = { .mm = true, .seq = 1 };
	struct aset zero = { .mm = true, .seq = 0 };
	assert_true(cmp(&one, &b, &none, &a) < 0);
	assert_true(cmp(&none, &b, &zero, &a) < 0); /* LOCAL_PREF 200 > 100 */
	/* the opaque family ignores MAC mobility */
	struct attrs *x = mk(&one), *y = mk(&none);
	struct rib_cand cx = { x, &b, FAM_OPAQUE }, cy = { y, &a, FAM_OPAQUE };
	assert_true(rib_best_cmp(&cy, &cx) < 0);
	attrs_unref(x);
	attrs_unref(y);
}

static void test_best_ladder(void **state)
{
	struct rib_peer loc, i1, i2, e1;
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&i1, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&i2, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	peer_init(&e1, SRC_EBGP, 0x0a000004, "10.0.0.4", NULL);

	/* local first, even against a higher LOCAL_PREF */
	struct aset base = { 0 };
	struct aset lp300 = { .has_lp = true, .lp = 300 };
	assert_true(cmp(&base, &loc, &lp300, &i1) < 0);
	/* LOCAL_PREF: absent counts as 100 */
	struct aset lp99 = { .has_lp = true, .lp = 99 };
	struct aset lp101 = { .has_lp = true, .lp = 101 };
	assert_true(cmp(&base, &i2, &lp99, &i1) < 0);
	assert_true(cmp(&lp101, &i2, &base, &i1) < 0);
	/* shorter AS_PATH */
	struct aset as1 = { .nas = 1, .as = { 65001 } };
	struct aset as2 = { .nas = 2, .as = { 65001, 65002 } };
	assert_true(cmp(&as1, &i2, &as2, &i1) < 0);
	/* lower ORIGIN */
	struct aset igp = { .origin = ORIGIN_IGP };
	struct aset inc = { .origin = ORIGIN_INCOMPLETE };
	assert_true(cmp(&igp, &i2, &inc, &i1) < 0);
	/* lower MED from the same neighbor AS; ignored between different neighbor ASes */
	struct aset m10 = { .nas = 1, .as = { 65001 }, .has_med = true, .med = 10 };
	struct aset m20 = { .nas = 1, .as = { 65001 }, .has_med = true, .med = 20 };
	struct aset m20o = { .nas = 1, .as = { 65009 }, .has_med = true, .med = 20 };
	assert_true(cmp(&m10, &i2, &m20, &i1) < 0);
	assert_true(cmp(&m20o, &i1, &m10, &i2) < 0); /* falls to router id: i1 is lower */
	/* eBGP over iBGP */
	assert_true(cmp(&base, &e1, &base, &i1) < 0);
	/* lower router id, ORIGINATOR_ID standing in for it */
	assert_true(cmp(&base, &i1, &base, &i2) < 0);
	struct aset orig9 = { .has_orig = true, .orig = 0x09000000 };
	assert_true(cmp(&orig9, &i2, &base, &i1) < 0);
	/* shorter CLUSTER_LIST at equal originator */
	struct aset cl1 = { .has_orig = true, .orig = 7, .ncl = 1, .cl = { 1 } };
	struct aset cl2 = { .has_orig = true, .orig = 7, .ncl = 2, .cl = { 1, 2 } };
	assert_true(cmp(&cl1, &i2, &cl2, &i1) < 0);
	/* finally the lower peer address (same router id 10.0.0.2 on i1 and e2, both eBGP-less) */
	struct rib_peer i3;
	peer_init(&i3, SRC_IBGP, 0x0a000002, "10.0.0.9", NULL);
	assert_true(cmp(&base, &i1, &base, &i3) < 0);
	/* equal sources compare equal */
	assert_int_equal(cmp(&base, &i1, &base, &i1), 0);
}

/* ---- bookkeeping ---- */

static void test_update_withdraw(void **state)
{
	struct best_log log;
	struct rib *rib = new_rib(&log);
	struct rib_peer a, b;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	assert_int_equal(rib_peer_add(rib, &b), 0);
	assert_int_not_equal(a.slot, b.slot);

	struct nlri n = macip(1, 10);
	struct attrs *x = mk_plain();
	struct aset d100 = { .has_lp = true, .lp = 50 };
	struct attrs *y = mk(&d100);

	/* first path: best, one callback, one route */
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
	assert_int_equal(log.calls, 1);
	assert_ptr_equal(log.src, &a);
	assert_ptr_equal(log.a, x);
	assert_int_equal(rib_count(rib, FAM_EVPN), 1);
	assert_int_equal(a.rcvd[FAM_EVPN], 1);
	assert_int_equal(a.accepted[FAM_EVPN], 1);
	assert_true(rib_pending(rib));
	/* identical re-announcement: nothing */
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
	assert_int_equal(log.calls, 1);
	/* a worse second path: no best change */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, n.b, n.len, y), 0);
	assert_int_equal(log.calls, 1);
	assert_int_equal(rib_count(rib, FAM_EVPN), 1);
	assert_int_equal(rib_lookup(rib, FAM_EVPN, n.b, n.len, NULL, NULL), 2);
	assert_int_equal(a.accepted[FAM_EVPN], 1);
	assert_int_equal(b.accepted[FAM_EVPN], 0);
	/* a's path replaced by a worse one: b now wins */
	struct aset d10 = { .has_lp = true, .lp = 10 };
	struct attrs *z = mk(&d10);
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, z), 0);
	assert_int_equal(log.calls, 2);
	assert_ptr_equal(log.src, &b);
	assert_int_equal(a.rcvd[FAM_EVPN], 1);
	assert_int_equal(a.accepted[FAM_EVPN], 0); /* the best passed from a to b */
	assert_int_equal(b.accepted[FAM_EVPN], 1);
	/* same source, same attributes, a different label: a change of the best */
	struct nlri n2 = macip(1, 20);
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, n2.b, n2.len, y), 0);
	assert_int_equal(log.calls, 3);
	assert_memory_equal(log.nlri.b, n2.b, n2.len);
	/* withdraw the non-best: no callback */
	assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, n.b, n.len), 0);
	assert_int_equal(log.calls, 3);
	assert_int_equal(a.rcvd[FAM_EVPN], 0);
	assert_int_equal(b.accepted[FAM_EVPN], 1);
	assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, n.b, n.len), 1);
	/* withdraw the last (by key: the label does not matter): gone */
	assert_int_equal(rib_withdraw(rib, &b, FAM_EVPN, n.b, n.len), 0);
	assert_int_equal(log.calls, 4);
	assert_int_equal(log.gone, 1);
	assert_null(log.a);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	assert_int_equal(b.accepted[FAM_EVPN], 0);
	assert_int_equal(rib_lookup(rib, FAM_EVPN, n.b, n.len, NULL, NULL), 0);
	rib_flush(rib);
	assert_false(rib_pending(rib));
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
	attrs_unref(z);
}

/* A remote route with a higher MAC mobility sequence takes over from the local one, and back. */
static void test_mobility_in_rib(void **state)
{
	struct best_log log;
	struct rib *rib = new_rib(&log);
	struct rib_peer loc, a;
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	struct nlri n = macip(7, 10);
	struct aset l0 = { .nh = 0x0a4d0009 }; /* first local route: no community (sequence 0) */
	struct aset r1 = { .mm = true, .seq = 1 };
	struct aset l2 = { .mm = true, .seq = 2, .nh = 0x0a4d0009 };
	struct attrs *xl0 = mk(&l0), *xr1 = mk(&r1), *xl2 = mk(&l2);
	assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, xl0), 0);
	assert_ptr_equal(log.src, &loc);
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, xr1), 0);
	assert_int_equal(log.calls, 2);
	assert_ptr_equal(log.src, &a); /* the MAC moved: local preference does not save it */
	assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, xl2), 0);
	assert_int_equal(log.calls, 3);
	assert_ptr_equal(log.src, &loc);
	assert_ptr_equal(log.a, xl2);
	rib_free(rib);
	attrs_unref(xl0);
	attrs_unref(xr1);
	attrs_unref(xl2);
}

static void count_cb(void *ctx, const struct rib_route *r)
{
	unsigned *n = ctx;
	n[0]++;
	if (r->best)
		n[1]++;
}

static void test_peer_down_fallback(void **state)
{
	struct best_log log;
	struct rib *rib = new_rib(&log);
	struct rib_peer a, b;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	assert_int_equal(rib_peer_add(rib, &b), 0);
	struct attrs *x = mk_plain();
	for (unsigned i = 0; i < 100; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
		if (i % 2 == 0)
			assert_int_equal(rib_update(rib, &b, FAM_EVPN, n.b, n.len, x), 0);
	}
	unsigned cnt[2] = { 0, 0 };
	rib_walk(rib, FAM_EVPN, count_cb, cnt);
	assert_int_equal(cnt[0], 150);
	assert_int_equal(cnt[1], 100);
	assert_int_equal(log.calls, 100); /* a (lower router id) wins where both exist */

	log.calls = log.gone = 0;
	rib_peer_down(rib, &a);
	assert_int_equal(a.rcvd[FAM_EVPN], 0);
	assert_int_equal(log.calls, 100);
	assert_int_equal(log.gone, 50);
	assert_int_equal(rib_count(rib, FAM_EVPN), 50);
	struct nlri n0 = macip(0, 10);
	cnt[0] = cnt[1] = 0;
	assert_int_equal(rib_lookup(rib, FAM_EVPN, n0.b, n0.len, count_cb, cnt), 1);
	assert_int_equal(cnt[1], 1);
	rib_peer_remove(rib, &b);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	rib_flush(rib);
	rib_free(rib);
	attrs_unref(x);
}

/* Graceful restart (RFC 4724): a restarting peer's paths stay, stale, with no best-path change;
 * what it sends again is current; End-of-RIB sweeps the rest; families it did not preserve go. */
static void test_graceful_restart_stale(void **state)
{
	struct best_log log;
	struct rib *rib = new_rib(&log);
	struct rib_peer a;
	uint8_t ob[64];
	struct wbuf w;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	struct attrs *x = mk_plain();
	for (unsigned i = 0; i < 100; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
	}
	wbuf_init(&w, ob, sizeof ob);
	assert_int_equal(opaque_encode(&w, "k", 1, "v", 1), 0);
	assert_int_equal(rib_update(rib, &a, FAM_OPAQUE, ob, w.len, x), 0);
	assert_int_equal(rib_count(rib, FAM_OPAQUE), 1);

	log.calls = log.gone = 0;
	rib_peer_stale(rib, &a, FAM_BIT(FAM_EVPN)); /* its GR capability listed EVPN only */
	assert_int_equal(a.stale, 100);
	assert_int_equal(a.rcvd[FAM_EVPN], 100);
	assert_int_equal(rib_count(rib, FAM_EVPN), 100);
	assert_int_equal(rib_count(rib, FAM_OPAQUE), 0);
	assert_int_equal(log.calls, 1); /* the opaque route only: the kernel keeps every MAC */
	assert_int_equal(log.gone, 1);
	assert_false(a.up);

	/* back up: 60 routes sent again, identical: current again, no best-path change */
	log.calls = log.gone = 0;
	a.fam_mask = FAM_BIT(FAM_EVPN);
	rib_peer_up(rib, &a);
	for (unsigned i = 0; i < 60; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
	}
	assert_int_equal(a.stale, 40);
	assert_int_equal(log.calls, 0);
	/* one withdrawn outright while stale */
	struct nlri w99 = macip(99, 10);
	assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, w99.b, w99.len), 0);
	assert_int_equal(a.stale, 39);

	/* End-of-RIB: only the 39 still stale go */
	log.calls = log.gone = 0;
	assert_int_equal(rib_peer_sweep(rib, &a, FAM_BIT(FAM_EVPN), true), 39);
	assert_int_equal(log.gone, 39);
	assert_int_equal(a.stale, 0);
	assert_int_equal(rib_count(rib, FAM_EVPN), 60);
	assert_int_equal(rib_peer_sweep(rib, &a, FAM_BIT(FAM_EVPN), true), 0);

	/* stale again, then down for good: everything goes, the count too */
	rib_peer_stale(rib, &a, FAM_BIT(FAM_EVPN));
	assert_int_equal(a.stale, 60);
	rib_peer_down(rib, &a);
	assert_int_equal(a.stale, 0);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	rib_peer_remove(rib, &a);
	rib_flush(rib);
	rib_free(rib);
	attrs_unref(x);
}

/* The hash table under churn: deletions must keep every probe chain intact. */
static void test_table_churn(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer a;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	struct attrs *x = mk_plain();
	static bool present[20000];
	memset(present, 0, sizeof present);
	unsigned seed = 12345, live = 0;
	for (unsigned round = 0; round < 6; round++) {
		for (unsigned k = 0; k < 20000; k++) {
			seed = seed * 1103515245u + 12345u;
			unsigned i = (seed >> 8) % 20000;
			struct nlri n = macip(i, 10 + round);
			if (present[i] && (seed & 1)) {
				assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, n.b, n.len), 0);
				present[i] = false;
				live--;
			} else if (!present[i]) {
				assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
				present[i] = true;
				live++;
			}
		}
		rib_flush(rib); /* frees the entries left without paths */
		assert_int_equal(rib_count(rib, FAM_EVPN), live);
		assert_int_equal(a.rcvd[FAM_EVPN], live);
		for (unsigned i = 0; i < 20000; i++) {
			struct nlri n = macip(i, 99); /* another label: the key ignores it */
			assert_int_equal(rib_lookup(rib, FAM_EVPN, n.b, n.len, NULL, NULL), present[i]);
		}
	}
	rib_free(rib);
	attrs_unref(x);
}

/* The per-VNI path counts the metrics read (rib_path_counts) stay equal to a walk's through
 * announcements, label changes (a path moving to another VNI), withdraws and a peer going down. */
struct vtally {
	uint64_t n[64];
	uint64_t none, total;
};

static void tally_walk_cb(void *ctx, const struct rib_route *r)
{
	struct vtally *t = ctx;
	uint32_t vni;
	t->total++;
	if (evpn_route_vni(r->nlri, r->len, r->a, &vni) == 0 && vni && vni < 64)
		t->n[vni]++;
	else
		t->none++;
}

static void tally_count_cb(void *ctx, bool has_key, uint32_t key, uint64_t n)
{
	struct vtally *t = ctx;
	t->total += n;
	if (has_key) {
		assert_true(key < 64);
		assert_int_equal(t->n[key], 0); /* once per key */
		t->n[key] = n;
	} else {
		t->none += n;
	}
}

static void check_counts(struct rib *rib)
{
	struct vtally w, c;
	memset(&w, 0, sizeof w);
	memset(&c, 0, sizeof c);
	rib_walk(rib, FAM_EVPN, tally_walk_cb, &w);
	rib_path_counts(rib, FAM_EVPN, tally_count_cb, &c);
	assert_memory_equal(&w, &c, sizeof w);
	assert_int_equal(rib_path_total(rib, FAM_EVPN), w.total);
}

static void test_path_counts(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer a, b;
	struct attrs *x = mk_plain();
	unsigned seed = 7;
	(void)state;

	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	assert_int_equal(rib_peer_add(rib, &b), 0);
	check_counts(rib);
	for (unsigned k = 0; k < 20000; k++) {
		seed = seed * 1103515245u + 12345u;
		unsigned i = (seed >> 8) % 500, vni = 1 + (seed >> 20) % 40;
		struct rib_peer *src = (seed >> 3) & 1 ? &a : &b;
		struct nlri n = macip(i, vni); /* the same key in another VNI: the path moves */
		if ((seed >> 5) % 4 == 0)
			(void)rib_withdraw(rib, src, FAM_EVPN, n.b, n.len);
		else
			assert_int_equal(rib_update(rib, src, FAM_EVPN, n.b, n.len, x), 0);
		if (k % 2000 == 0) {
			rib_flush(rib);
			check_counts(rib);
		}
	}
	check_counts(rib);
	assert_true(rib_path_total(rib, FAM_EVPN) > 100);
	rib_peer_down(rib, &a);
	rib_flush(rib);
	check_counts(rib);
	rib_peer_down(rib, &b);
	rib_flush(rib);
	check_counts(rib);
	assert_int_equal(rib_path_total(rib, FAM_EVPN), 0);
	rib_free(rib);
	attrs_unref(x);
}

/* ---- memory ---- */

static void test_memory_sharing(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer a, p;
	struct sink s;
	(void)state;
	size_t base = attrs_interned_count();
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&p, SRC_EBGP, 0x0a000003, "10.0.0.3", &s);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	for (unsigned i = 0; i < 100000; i++) {
		struct nlri n = macip(i, 10);
		struct attrs *x = mk_plain(); /* as a session would: intern per UPDATE */
		assert_int_equal(rib_update(rib, &a, FAM_EVPN, n.b, n.len, x), 0);
		attrs_unref(x);
	}
	assert_int_equal(rib_count(rib, FAM_EVPN), 100000);
	assert_int_equal(a.rcvd[FAM_EVPN], 100000);
	assert_true(attrs_interned_count() <= base + 1);
	do /* a bounded part per flush, as the loop's turns would */
		rib_flush(rib);
	while (rib_pending(rib));
	assert_int_equal(s.reach_nlri[FAM_EVPN], 100000);
	assert_int_equal(p.advertised[FAM_EVPN], 100000);
	/* one export set was made and released again */
	assert_true(attrs_interned_count() <= base + 1);
	rib_peer_down(rib, &a);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	rib_flush(rib);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 100000);
	assert_int_equal(p.advertised[FAM_EVPN], 0);
	assert_int_equal(attrs_interned_count(), base);
	rib_free(rib);
}

/* ---- one NLRI copy shared by a route and its paths ---- */

struct seen_labels {
	const struct rib_peer *src[4];
	uint32_t label[4];
	bool best[4];
	unsigned n;
};

static void label_cb(void *ctx, const struct rib_route *r)
{
	struct seen_labels *s = ctx;
	assert_true(s->n < 4);
	s->src[s->n] = r->src;
	s->label[s->n] = (uint32_t)r->nlri[r->len - 3] << 16 | (uint32_t)r->nlri[r->len - 2] << 8 |
			 r->nlri[r->len - 1];
	s->best[s->n++] = r->best;
}

/* The label each source's path of route n carries now (UINT32_MAX: no path from it). */
static uint32_t label_from(struct rib *rib, unsigned n, const struct rib_peer *src)
{
	struct seen_labels s = { .n = 0 };
	struct nlri k = macip(n, 0);
	rib_lookup(rib, FAM_EVPN, k.b, k.len, label_cb, &s);
	for (unsigned i = 0; i < s.n; i++)
		if (s.src[i] == src)
			return s.label[i];
	return UINT32_MAX;
}

/* A path holding its own bytes whose length changes (a second label: 39 -> 42 bytes, another
 * size of room) is replaced by one of the right size; the same size is rewritten in place. Either
 * way every path reads its own bytes, and the pools get back what they gave (ASan). */
static void test_path_own_bytes_resize(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer a, b, p;
	struct sink s;
	struct attrs *x = mk_plain();
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	peer_init(&p, SRC_EBGP, 0x0a000006, "10.0.0.6", &s);
	assert_int_equal(rib_peer_add(rib, &a), 0);
	assert_int_equal(rib_peer_add(rib, &b), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	const char *ip = "10.100.0.5";
	struct nlri one = macip_with(7, ip, 1, 10), two = macip_with(7, ip, 2, 20);
	struct nlri one30 = macip_with(7, ip, 1, 30);
	assert_int_equal(one.len + 3, two.len);

	assert_int_equal(rib_update(rib, &a, FAM_EVPN, one.b, one.len, x), 0); /* the route's bytes */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, one30.b, one30.len, x), 0); /* b's own */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, two.b, two.len, x), 0); /* longer */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, one30.b, one30.len, x), 0); /* shorter again */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, two.b, two.len, x), 0);
	struct nlri two40 = macip_with(7, ip, 2, 40);
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, two40.b, two40.len, x), 0); /* same size */
	struct seen_labels l = { .n = 0 };
	rib_lookup(rib, FAM_EVPN, one.b, one.len, label_cb, &l);
	assert_int_equal(l.n, 2);
	for (unsigned i = 0; i < l.n; i++)
		assert_int_equal(l.label[i], l.src[i] == &a ? 10 : 1040); /* the last label */
	rib_flush(rib);
	assert_int_equal(p.advertised[FAM_EVPN], 1);
	assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, one.b, one.len), 0);
	assert_int_equal(rib_withdraw(rib, &b, FAM_EVPN, two40.b, two40.len), 0);
	rib_flush(rib);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	assert_int_equal(p.advertised[FAM_EVPN], 0);
	rib_free(rib);
	attrs_unref(x);
}

/* Paths whose bytes equal their route's share them; whatever the order of announcements, label
 * changes and withdrawals, every path reads its own source's bytes and the peer gets the best's. */
static void test_path_nlri_sharing(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer a, b, c, p;
	struct sink s;
	(void)state;
	peer_init(&a, SRC_IBGP, 0x0a000002, "10.0.0.2", NULL);
	peer_init(&b, SRC_IBGP, 0x0a000003, "10.0.0.3", NULL);
	peer_init(&c, SRC_IBGP, 0x0a000004, "10.0.0.4", NULL);
	peer_init(&p, SRC_EBGP, 0x0a000006, "10.0.0.6", &s);
	struct rib_peer *all[] = { &a, &b, &c, &p };
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(rib_peer_add(rib, all[i]), 0);
	rib_peer_up(rib, &p);
	rib_flush(rib);
	struct attrs *x = mk_plain();
	struct nlri n10 = macip(1, 10), n20 = macip(1, 20), n30 = macip(1, 30);

	/* a and b the same bytes (shared), c other labels (its own copy) */
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n10.b, n10.len, x), 0);
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, n10.b, n10.len, x), 0);
	assert_int_equal(rib_update(rib, &c, FAM_EVPN, n20.b, n20.len, x), 0);
	assert_int_equal(label_from(rib, 1, &a), 10);
	assert_int_equal(label_from(rib, 1, &b), 10);
	assert_int_equal(label_from(rib, 1, &c), 20);
	/* a moves to 30 while b still shares 10: a gets its own copy, b keeps 10 */
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n30.b, n30.len, x), 0);
	assert_int_equal(label_from(rib, 1, &a), 30);
	assert_int_equal(label_from(rib, 1, &b), 10);
	/* b, the last sharer, moves to 20: the route's bytes change in place */
	assert_int_equal(rib_update(rib, &b, FAM_EVPN, n20.b, n20.len, x), 0);
	assert_int_equal(label_from(rib, 1, &b), 20);
	assert_int_equal(label_from(rib, 1, &a), 30);
	assert_int_equal(label_from(rib, 1, &c), 20);
	/* a comes back to the route's bytes, then every path goes in turn */
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, n20.b, n20.len, x), 0);
	assert_int_equal(label_from(rib, 1, &a), 20);
	assert_int_equal(rib_withdraw(rib, &b, FAM_EVPN, n20.b, n20.len), 0);
	assert_int_equal(label_from(rib, 1, &b), UINT32_MAX);
	assert_int_equal(label_from(rib, 1, &a), 20);
	assert_int_equal(label_from(rib, 1, &c), 20);
	assert_int_equal(rib_update(rib, &c, FAM_EVPN, n30.b, n30.len, x), 0);
	assert_int_equal(label_from(rib, 1, &c), 30);
	assert_int_equal(label_from(rib, 1, &a), 20);
	rib_flush(rib);
	assert_int_equal(s.reach_nlri[FAM_EVPN] >= 1, 1);
	uint32_t best = label_from(rib, 1, &a); /* a (10.0.0.2, lowest router id) wins the tie */
	assert_int_equal(s.last.b[s.last.len - 1], (uint8_t)best);
	assert_int_equal(rib_withdraw(rib, &a, FAM_EVPN, n20.b, n20.len), 0);
	assert_int_equal(rib_withdraw(rib, &c, FAM_EVPN, n30.b, n30.len), 0);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	rib_flush(rib);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 1);
	assert_int_equal(p.advertised[FAM_EVPN], 0);

	/* a sole source changing its labels: in place, exported with the new ones */
	struct nlri m10 = macip(2, 10), m40 = macip(2, 40);
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, m10.b, m10.len, x), 0);
	rib_flush(rib);
	assert_int_equal(rib_update(rib, &a, FAM_EVPN, m40.b, m40.len, x), 0);
	rib_flush(rib);
	assert_int_equal(label_from(rib, 2, &a), 40);
	assert_int_equal(s.last.b[s.last.len - 1], 40);
	rib_free(rib);
	attrs_unref(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best_mobility),
		cmocka_unit_test(test_best_ladder),
		cmocka_unit_test(test_update_withdraw),
		cmocka_unit_test(test_mobility_in_rib),
		cmocka_unit_test(test_peer_down_fallback),
		cmocka_unit_test(test_table_churn),
		cmocka_unit_test(test_path_counts),
		cmocka_unit_test(test_graceful_restart_stale),
		cmocka_unit_test(test_memory_sharing),
		cmocka_unit_test(test_path_nlri_sharing),
		cmocka_unit_test(test_path_own_bytes_resize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
