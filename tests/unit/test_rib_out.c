/* SPDX-License-Identifier: Apache-2.0 */
/* RIB output: export rules, UPDATE packing, and sending to peers as their sockets drain (flushes,
 * passes, table walks under change); every message sent is parsed back with update_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rib_fixture.h"
#include "rib_int.h" /* test_dirty_lost plays an allocation failure */

/* ---- export rules ---- */

struct topo {
	struct rib *rib;
	struct rib_peer loc, i1, i2, c1, c2, e1;
	struct sink si1, si2, sc1, sc2, se1;
};

static void topo_init(struct topo *t)
{
	memset(t, 0, sizeof *t);
	t->rib = new_rib(NULL);
	peer_init(&t->loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&t->i1, SRC_IBGP, 0x0a000002, "10.0.0.2", &t->si1);
	peer_init(&t->i2, SRC_IBGP, 0x0a000003, "10.0.0.3", &t->si2);
	peer_init(&t->c1, SRC_IBGP, 0x0a000004, "10.0.0.4", &t->sc1);
	peer_init(&t->c2, SRC_IBGP, 0x0a000005, "10.0.0.5", &t->sc2);
	peer_init(&t->e1, SRC_EBGP, 0x0a000006, "10.0.0.6", &t->se1);
	t->c1.rr_client = t->c2.rr_client = true;
	struct rib_peer *all[] = { &t->loc, &t->i1, &t->i2, &t->c1, &t->c2, &t->e1 };
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(rib_peer_add(t->rib, all[i]), 0);
		if (i)
			rib_peer_up(t->rib, all[i]);
	}
	rib_flush(t->rib); /* empty tables: just End-of-RIB */
	struct sink *sinks[] = { &t->si1, &t->si2, &t->sc1, &t->sc2, &t->se1 };
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(sinks[i]->eors, FAM_COUNT);
		sink_reset(sinks[i]);
	}
}

static unsigned got(const struct sink *s)
{
	return s->reach_nlri[FAM_EVPN];
}

static void test_export_local(void **state)
{
	struct topo t;
	(void)state;
	topo_init(&t);
	struct aset d = { .has_med = true, .med = 7, .nh = 0x0a4d0009 };
	struct attrs *x = mk(&d);
	struct nlri n = macip(1, 10);
	assert_int_equal(rib_update(t.rib, &t.loc, FAM_EVPN, n.b, n.len, x), 0);
	rib_flush(t.rib);
	assert_int_equal(got(&t.si1), 1);
	assert_int_equal(got(&t.si2), 1);
	assert_int_equal(got(&t.sc1), 1);
	assert_int_equal(got(&t.sc2), 1);
	assert_int_equal(got(&t.se1), 1);
	/* iBGP: LOCAL_PREF 100 added, next hop kept, no reflection attributes */
	assert_true(t.si1.flags & AF_HAS_LOCAL_PREF);
	assert_int_equal(t.si1.lp, 100);
	assert_int_equal(t.si1.nh4, 0x0a4d0009);
	assert_false(t.si1.flags & AF_HAS_ORIGINATOR);
	assert_int_equal(t.si1.ncl, 0);
	assert_int_equal(t.si1.aslen, 0);
	/* eBGP: our AS prepended, the VTEP kept as next hop (EVPN), no LOCAL_PREF, a local MED kept */
	assert_int_equal(t.se1.aslen, 1);
	assert_int_equal(t.se1.first_as, LOCAL_AS);
	assert_int_equal(t.se1.nh4, 0x0a4d0009);
	assert_false(t.se1.flags & AF_HAS_LOCAL_PREF);
	assert_true(t.se1.flags & AF_HAS_MED);
	assert_int_equal(t.se1.med, 7);
	assert_int_equal(t.e1.advertised[FAM_EVPN], 1);
	assert_int_equal(t.e1.updates_out, FAM_COUNT + 1); /* End-of-RIB counts as an UPDATE */

	/* the local route goes away: withdraws to all, same NLRI */
	assert_int_equal(rib_withdraw(t.rib, &t.loc, FAM_EVPN, n.b, n.len), 0);
	rib_flush(t.rib);
	assert_int_equal(t.si1.unreach_nlri[FAM_EVPN], 1);
	assert_int_equal(t.se1.unreach_nlri[FAM_EVPN], 1);
	assert_int_equal(t.se1.last.len, n.len);
	assert_memory_equal(t.se1.last.b, n.b, n.len);
	assert_int_equal(t.e1.advertised[FAM_EVPN], 0);
	assert_int_equal(t.i1.advertised[FAM_EVPN], 0);
	assert_false(rib_pending(t.rib));
	rib_free(t.rib);
	attrs_unref(x);
}

static void test_export_ibgp_rules(void **state)
{
	struct topo t;
	(void)state;
	topo_init(&t);
	struct aset d = { .nas = 0, .has_lp = true, .lp = 100 };
	struct attrs *x = mk(&d);

	/* from a non-client: to clients (reflected) and eBGP; never to the other non-client */
	struct nlri n1 = macip(1, 10);
	assert_int_equal(rib_update(t.rib, &t.i1, FAM_EVPN, n1.b, n1.len, x), 0);
	rib_flush(t.rib);
	assert_int_equal(got(&t.si1), 0); /* never back to its source */
	assert_int_equal(got(&t.si2), 0);
	assert_int_equal(got(&t.sc1), 1);
	assert_int_equal(got(&t.sc2), 1);
	assert_int_equal(got(&t.se1), 1);
	assert_true(t.sc1.flags & AF_HAS_ORIGINATOR);
	assert_int_equal(t.sc1.orig, 0x0a000002);
	assert_int_equal(t.sc1.ncl, 1);
	assert_int_equal(t.sc1.cl0, CLUSTER_ID);
	assert_int_equal(t.sc1.nh4, 0x0a4d0001); /* next hop unchanged when reflecting */
	/* eBGP: no reflection attributes, AS prepended, the VTEP kept as next hop (EVPN) */
	assert_false(t.se1.flags & AF_HAS_ORIGINATOR);
	assert_int_equal(t.se1.ncl, 0);
	assert_int_equal(t.se1.first_as, LOCAL_AS);
	assert_int_equal(t.se1.nh4, 0x0a4d0001);

	/* from a client: to every iBGP peer but itself, and eBGP */
	struct aset dc = { .has_orig = true, .orig = 0x01020304, .ncl = 1, .cl = { 0x05060708 },
			   .has_med = true, .med = 3 };
	struct attrs *y = mk(&dc);
	struct nlri n2 = macip(2, 10);
	assert_int_equal(rib_update(t.rib, &t.c1, FAM_EVPN, n2.b, n2.len, y), 0);
	rib_flush(t.rib);
	assert_int_equal(got(&t.si1), 1);
	assert_int_equal(got(&t.si2), 1);
	assert_int_equal(got(&t.sc1), 1); /* unchanged: not its own route back */
	assert_int_equal(got(&t.sc2), 2);
	assert_int_equal(got(&t.se1), 2);
	/* an existing ORIGINATOR_ID is kept, our cluster id goes in front */
	assert_int_equal(t.si2.orig, 0x01020304);
	assert_int_equal(t.si2.ncl, 2);
	assert_int_equal(t.si2.cl0, CLUSTER_ID);
	/* eBGP gets no received MED */
	assert_false(t.se1.flags & AF_HAS_MED);

	/* a client's route that becomes best over a route we had sent it: withdrawn from it */
	struct aset better = { .has_lp = true, .lp = 200 };
	struct attrs *z = mk(&better);
	assert_int_equal(rib_update(t.rib, &t.c2, FAM_EVPN, n1.b, n1.len, z), 0);
	rib_flush(t.rib);
	assert_int_equal(t.sc2.unreach_nlri[FAM_EVPN], 1);
	assert_int_equal(t.c2.advertised[FAM_EVPN], 1); /* n2 only */
	assert_int_equal(got(&t.si1), 2);                /* reflected to the old source i1 */
	assert_int_equal(got(&t.sc1), 2);
	assert_int_equal(t.si1.unreach_nlri[FAM_EVPN], 0);

	/* peer down: its routes fall back and it forgets what it was sent */
	rib_peer_down(t.rib, &t.c2);
	assert_int_equal(t.c2.advertised[FAM_EVPN], 0);
	rib_flush(t.rib);
	assert_int_equal(t.si1.unreach_nlri[FAM_EVPN], 1); /* n1 is i1's own again */
	assert_int_equal(got(&t.sc1), 3);                  /* i1's n1 back to the client */
	/* it comes back: whole table then End-of-RIB, never its own route */
	unsigned before = t.sc2.msgs;
	rib_peer_up(t.rib, &t.c2);
	assert_true(rib_pending(t.rib));
	rib_flush(t.rib);
	/* n1 (i1's, ORIGINATOR_ID added) and n2 (c1's, its own kept) export different sets */
	assert_int_equal(t.sc2.msgs - before, 2 + FAM_COUNT);
	assert_int_equal(t.sc2.eors, FAM_COUNT);
	assert_false(t.sc2.after_eor);
	assert_int_equal(t.c2.advertised[FAM_EVPN], 2);
	assert_false(rib_pending(t.rib));
	rib_free(t.rib);
	attrs_unref(x);
	attrs_unref(y);
	attrs_unref(z);
}

static void test_export_ebgp_learned(void **state)
{
	struct topo t;
	(void)state;
	topo_init(&t);
	struct aset d = { .nas = 2, .as = { 65001, 65100 }, .has_med = true, .med = 5 };
	struct attrs *x = mk(&d);
	struct nlri n = macip(9, 10);
	assert_int_equal(rib_update(t.rib, &t.e1, FAM_EVPN, n.b, n.len, x), 0);
	rib_flush(t.rib);
	assert_int_equal(got(&t.se1), 0);
	assert_int_equal(got(&t.si1), 1);
	assert_int_equal(got(&t.si2), 1);
	assert_int_equal(got(&t.sc1), 1);
	assert_int_equal(t.si1.lp, 100);
	assert_false(t.si1.flags & AF_HAS_ORIGINATOR);
	assert_int_equal(t.si1.aslen, 2);
	assert_true(t.si1.flags & AF_HAS_MED); /* MED stays inside the AS */
	rib_free(t.rib);
	attrs_unref(x);
}

/* EVPN over eBGP (RFC 7938 fabrics): the next hop (the VTEP) is kept toward eBGP neighbors unless
 * next-hop-self; opaque routes get ours; local-as is what is prepended; next-hop-self applies to
 * iBGP too. */
static void test_export_ebgp_fabric(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, e1, e2, i1;
	struct sink s1, s2, si;
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&e1, SRC_EBGP, 0x0a000006, "10.0.0.6", &s1);
	peer_init(&e2, SRC_EBGP, 0x0a000007, "10.0.0.7", &s2);
	peer_init(&i1, SRC_IBGP, 0x0a000002, "10.0.0.2", &si);
	e2.next_hop_self = true;
	e2.local_as = 65055;
	i1.next_hop_self = true;
	struct rib_peer *all[] = { &loc, &e1, &e2, &i1 };
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rib_peer_add(rib, all[i]), 0);
		if (i)
			rib_peer_up(rib, all[i]);
	}
	rib_flush(rib);
	sink_reset(&s1);
	sink_reset(&s2);
	sink_reset(&si);

	/* a local EVPN route: e1 gets the VTEP and our AS, e2 ours and its local-as */
	struct aset d = { .nh = 0x0a4d0009 };
	struct attrs *x = mk(&d);
	struct nlri n = macip(1, 10);
	assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	rib_flush(rib);
	assert_int_equal(s1.nh4, 0x0a4d0009);
	assert_int_equal(s1.first_as, LOCAL_AS);
	assert_int_equal(s2.nh4, 0x0a630001);
	assert_int_equal(s2.first_as, 65055);
	assert_int_equal(s2.aslen, 1);
	assert_int_equal(si.nh4, 0x0a630001);
	/* learned from e1 (a VTEP in AS 65001 behind it): to e2 with both ASes, to i1 next-hop-self */
	struct aset de = { .nas = 1, .as = { 65001 }, .nh = 0x0a4e0001 };
	struct attrs *y = mk(&de);
	struct nlri n2 = macip(2, 10);
	assert_int_equal(rib_update(rib, &e1, FAM_EVPN, n2.b, n2.len, y), 0);
	rib_flush(rib);
	assert_int_equal(s2.aslen, 2);
	assert_int_equal(s2.first_as, 65055);
	assert_int_equal(si.nh4, 0x0a630001);
	/* an opaque route to an eBGP neighbor: our next hop (the family does not keep it) */
	uint8_t b[64];
	struct wbuf w;
	wbuf_init(&w, b, sizeof b);
	assert_int_equal(opaque_encode(&w, "k", 1, "v", 1), 0);
	assert_int_equal(rib_update(rib, &loc, FAM_OPAQUE, b, w.len, x), 0);
	rib_flush(rib);
	assert_int_equal(s1.reach_nlri[FAM_OPAQUE], 1);
	assert_int_equal(s1.nh4, 0x0a630001);
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
}

/* ---- packing ---- */

/* How many copies of n the writer puts in one message (a NULL a: withdraws). */
static unsigned fit_count(const struct attrs *a, const struct nlri *n)
{
	struct update_writer *uw = malloc(sizeof *uw);
	unsigned k = 0;
	assert_non_null(uw);
	if (a)
		update_begin_reach(uw, FAM_EVPN, a);
	else
		update_begin_unreach(uw, FAM_EVPN);
	while (update_add(uw, n->b, n->len) == 1)
		k++;
	free(uw);
	return k;
}

/* mk_plain() as exported to an iBGP peer: LOCAL_PREF 100 added. */
static struct attrs *mk_plain_ibgp(void)
{
	struct aset d = { .has_lp = true, .lp = 100 };
	return mk(&d);
}

static void test_flush_packing(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	rib_flush(rib);
	assert_int_equal(s.eors, FAM_COUNT);
	sink_reset(&s);

	struct attrs *x = mk_plain();
	struct nlri n0 = macip(0, 10);
	for (unsigned i = 0; i < 1000; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	struct attrs *xe = mk_plain_ibgp();
	unsigned fit = fit_count(xe, &n0);
	attrs_unref(xe);
	assert_true(fit > 50);
	unsigned want = (unsigned)((1000 + fit - 1) / fit);
	assert_int_equal(s.reach_nlri[FAM_EVPN], 1000);
	assert_int_equal(s.msgs, want);
	assert_true(s.max_len <= BGP_MAX_MSG);
	assert_int_equal(s.max_per_msg, fit);
	assert_int_equal(p.updates_out, FAM_COUNT + want);
	assert_int_equal(p.advertised[FAM_EVPN], 1000);

	/* withdraws pack the same way (no attributes: more fit) */
	sink_reset(&s);
	for (unsigned i = 0; i < 1000; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
	}
	rib_flush(rib);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 1000);
	unsigned wfit = fit_count(NULL, &n0);
	assert_true(wfit > fit);
	assert_int_equal(s.msgs, (1000 + wfit - 1) / wfit);
	assert_int_equal(s.max_per_msg, wfit);
	assert_int_equal(p.updates_out, FAM_COUNT + want + s.msgs);
	assert_int_equal(p.advertised[FAM_EVPN], 0);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	assert_false(rib_pending(rib));
	rib_free(rib);
	attrs_unref(x);
}

/* Adj-RIB-Out bits live in each peer's bitmap at the route's id, and a freed route's id is reused:
 * a new route on a reused id is new to every peer (announced and counted once), a session that
 * ended holds nothing when it returns, and no withdraw goes where nothing was announced. */
static void test_adj_out_reused_ids(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p, q;
	struct sink s, sq;
	(void)state;
	local_and_two(rib, &loc, &p, &s, &q, &sq);
	rib_peer_up(rib, &p);
	rib_peer_up(rib, &q);
	rib_flush(rib);
	sink_reset(&s);
	sink_reset(&sq);
	struct attrs *x = mk_plain();
	for (unsigned i = 0; i < 300; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	for (unsigned i = 0; i < 300; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
	}
	rib_flush(rib);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 300);
	assert_int_equal(sq.unreach_nlri[FAM_EVPN], 300);
	assert_int_equal(p.advertised[FAM_EVPN], 0);
	rib_peer_down(rib, &q);
	sink_reset(&s);
	sink_reset(&sq);
	/* other routes, on the 300 freed ids */
	for (unsigned i = 0; i < 300; i++) {
		struct nlri n = macip(1000 + i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	assert_int_equal(s.reach_nlri[FAM_EVPN], 300);
	assert_int_equal(p.advertised[FAM_EVPN], 300);
	for (unsigned i = 0; i < 100; i++) {
		struct nlri n = macip(1000 + i, 10);
		assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
	}
	rib_flush(rib);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 100);
	assert_int_equal(p.advertised[FAM_EVPN], 200);
	assert_int_equal(sq.msgs, 0);
	/* q returns: the 200 routes, no withdraw, counted once */
	rib_peer_up(rib, &q);
	rib_flush(rib);
	assert_int_equal(sq.reach_nlri[FAM_EVPN], 200);
	assert_int_equal(sq.unreach_nlri[FAM_EVPN], 0);
	assert_int_equal(q.advertised[FAM_EVPN], 200);
	/* and ids beyond the freed ones: bitmaps grow for both */
	for (unsigned i = 0; i < 500; i++) {
		struct nlri n = macip(5000 + i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	assert_int_equal(p.advertised[FAM_EVPN], 700);
	assert_int_equal(q.advertised[FAM_EVPN], 700);
	rib_peer_remove(rib, &q);
	rib_free(rib);
	attrs_unref(x);
}

/* A flush whose changes interleave two attribute sets and withdraws: one UPDATE per set, the
 * withdraws first, nothing lost or sent twice (the queue is grouped by runs, not sorted). */
static void test_flush_grouping(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	uint8_t seen[200] = { 0 };
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	rib_flush(rib);
	struct aset dy = { .has_med = true, .med = 7 };
	struct attrs *x = mk_plain(), *y = mk(&dy);
	for (unsigned i = 100; i < 140; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	sink_reset(&s);
	s.seen = seen;
	s.nseen = sizeof seen;

	for (unsigned i = 0; i < 40; i++) {
		struct nlri n = macip(i, 10), w = macip(100 + i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, i % 2 ? y : x), 0);
		if (i % 4 == 0)
			assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, w.b, w.len), 0);
	}
	rib_flush(rib);
	assert_int_equal(s.reach_msgs, 2);
	assert_int_equal(s.unreach_msgs, 1);
	assert_false(s.unreach_after_reach);
	assert_int_equal(s.reach_nlri[FAM_EVPN], 40);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], 10);
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(p.advertised[FAM_EVPN], 40 + 30);
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
}

static void test_new_peer_full_table(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p, q;
	struct sink s, sq;
	(void)state;
	local_and_two(rib, &loc, &p, &s, &q, &sq);
	rib_peer_up(rib, &q);
	struct attrs *x = mk_plain();
	struct aset d = { .has_lp = true, .lp = 300 };
	struct attrs *y = mk(&d);
	for (unsigned i = 0; i < 500; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, i % 2 ? x : y), 0);
	}
	/* a peer that is not up gets nothing */
	rib_flush(rib);
	assert_int_equal(s.msgs, 0);
	assert_int_equal(sq.reach_nlri[FAM_EVPN], 500);
	assert_int_equal(sq.eors, FAM_COUNT);
	assert_false(sq.after_eor);
	/* up: the whole table, two attribute sets = two groups, then End-of-RIB per family */
	rib_peer_up(rib, &p);
	assert_true(p.need_full);
	rib_flush(rib);
	assert_false(p.need_full);
	assert_int_equal(s.reach_nlri[FAM_EVPN], 500);
	struct nlri n0 = macip(0, 10);
	struct attrs *xe = mk_plain_ibgp();
	unsigned fx = fit_count(xe, &n0), fy = fit_count(y, &n0);
	attrs_unref(xe);
	/* packed per step of the pass (RIB_OUT_HIGH of routes): close to the fewest messages */
	unsigned fewest = (250 + fx - 1) / fx + (250 + fy - 1) / fy;
	assert_true(s.reach_msgs >= fewest && s.reach_msgs <= fewest + 2);
	assert_int_equal(p.updates_out, s.reach_msgs + FAM_COUNT);
	assert_int_equal(s.eors, FAM_COUNT);
	assert_false(s.after_eor);
	assert_int_equal(p.advertised[FAM_EVPN], 500);
	assert_int_equal(sq.reach_nlri[FAM_EVPN], 500); /* q got nothing new */
	/* route refresh: everything again, no End-of-RIB */
	sink_reset(&s);
	rib_peer_refresh(rib, &p, FAM_EVPN);
	rib_flush(rib);
	assert_int_equal(s.reach_nlri[FAM_EVPN], 500);
	assert_int_equal(s.eors, 0);
	assert_int_equal(p.advertised[FAM_EVPN], 500);
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
}

/* A peer behind on withdraws (the pass's table part finds them by its bit) while the table grows:
 * a growth moves the entries a few per insert, so the pass walks both arrays, and every withdraw
 * still reaches the peer exactly once. New routes start after `wait` flushes, `chunk` a flush, so
 * that over the runs the growth ends at every point of the pass. */
static void walk_during_growth(unsigned wait, unsigned chunk)
{
	enum { N = 6000, MORE = 3000 };
	static uint8_t seen[N + MORE];
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	struct attrs *x = mk_plain();
	unsigned rounds = 0, added = N, withdrawn = 0;

	memset(seen, 0, sizeof seen);
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	p.backlog = sink_backlog;
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	for (unsigned i = 0; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	for (s.bytes = 0; rib_pending(rib); s.bytes = 0) /* the socket drains between flushes */
		rib_flush(rib);
	assert_int_equal(p.advertised[FAM_EVPN], N);
	sink_reset(&s);
	s.seen = seen;
	s.nseen = N + MORE;

	/* the peer's socket is full: what follows waits for passes */
	s.bytes = RIB_OUT_HIGH;
	for (unsigned i = 0; i < N; i += 5) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
		withdrawn++;
	}
	rib_flush(rib);
	s.bytes = 0;
	while (rib_pending(rib) || added < N + MORE) {
		for (unsigned k = 0; rounds >= wait && k < chunk && added < N + MORE; k++, added++) {
			struct nlri n = macip(added, 10);
			assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
		}
		rib_flush(rib);
		s.bytes = 0;
		assert_true(++rounds < 5000);
	}
	assert_int_equal(s.unreach_nlri[FAM_EVPN], withdrawn);
	for (unsigned i = N; i < N + MORE; i++)
		assert_true(seen[i] > 0);
	assert_int_equal(p.advertised[FAM_EVPN], N - withdrawn + MORE);
	assert_int_equal(rib_count(rib, FAM_EVPN), N - withdrawn + MORE);
	for (unsigned i = 0; i < N + MORE; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_lookup(rib, FAM_EVPN, n.b, n.len, NULL, NULL),
				 i < N && i % 5 == 0 ? 0 : 1);
	}
	rib_free(rib);
	attrs_unref(x);
}

static void test_walk_during_growth(void **state)
{
	(void)state;
	for (unsigned wait = 0; wait < 24; wait += 4)
		for (unsigned chunk = 20; chunk <= 80; chunk *= 4)
			walk_during_growth(wait, chunk);
}

/* Neighbors added while sources hold routes (a reload adding the 17th, the 33rd...): the slot
 * array moves, and the sources' lists must still be theirs (this was a use-after-free). */
static void test_peer_add_moves_slots(void **state)
{
	enum { K = 40, N = 50 };
	static struct rib_peer p[K];
	static struct sink s[K];
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc;
	struct attrs *x = mk_plain();
	(void)state;

	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	for (unsigned k = 0; k < K; k++) {
		char a[32];
		snprintf(a, sizeof a, "10.1.0.%u", 1 + k);
		peer_init(&p[k], SRC_IBGP, 0x0a010000 + k, a, &s[k]);
		assert_int_equal(rib_peer_add(rib, &p[k]), 0);
		rib_peer_up(rib, &p[k]);
		/* each source adds a route before the next neighbor comes */
		struct nlri n = macip(k, 10);
		assert_int_equal(rib_update(rib, k ? &p[k - 1] : &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	for (unsigned i = K; i < K + N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	assert_int_equal(rib_count(rib, FAM_EVPN), K + N);
	/* unlinking each source's paths walks and edits its list from the head */
	rib_peer_remove(rib, &loc);
	assert_int_equal(rib_count(rib, FAM_EVPN), K - 1);
	for (unsigned k = 0; k < K; k++)
		rib_peer_remove(rib, &p[k]);
	assert_int_equal(rib_count(rib, FAM_EVPN), 0);
	rib_flush(rib);
	rib_free(rib);
	attrs_unref(x);
}

/* The change vector could not grow (out of memory): the changes it missed still reach every
 * peer, by a pass over what changed since the peer's last flush. */
static void test_dirty_lost(void **state)
{
	enum { N = 300, UPD = 10, DEL = 5 };
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	struct attrs *x = mk_plain();
	struct aset d = { .has_med = true, .med = 7 };
	struct attrs *y = mk(&d);
	(void)state;

	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	for (unsigned i = 0; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	while (rib_pending(rib))
		rib_flush(rib);
	assert_int_equal(p.advertised[FAM_EVPN], N);
	sink_reset(&s);

	for (unsigned i = 0; i < UPD; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, y), 0);
	}
	for (unsigned i = N - DEL; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
	}
	/* as rib_entry_reap leaves it when realloc fails: the changes are in no vector */
	assert_int_equal(rib->ndirty, UPD + DEL);
	for (size_t i = 0; i < rib->ndirty; i++)
		rib->dirty[i]->dirty = 0;
	rib->ndirty = 0;
	rib->dirty_lost = true;
	assert_true(rib_pending(rib));
	for (unsigned r = 0; rib_pending(rib); r++) {
		rib_flush(rib);
		assert_true(r < 100);
	}
	assert_false(rib->dirty_lost);
	assert_int_equal(s.reach_nlri[FAM_EVPN], UPD);
	assert_int_equal(s.unreach_nlri[FAM_EVPN], DEL);
	assert_int_equal(s.med, 7);
	assert_int_equal(p.advertised[FAM_EVPN], N - DEL);
	assert_int_equal(rib_count(rib, FAM_EVPN), N - DEL);
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
}

/* A table walk toward a peer whose socket does not keep up: sent a step at a time while its
 * backlog is under RIB_OUT_HIGH, resumed when it drains, and still complete when routes are
 * deleted (entries shift back in the table) and added (the table grows) in the middle of it. */
static void test_walk_paced(void **state)
{
	enum { N = 6000, MORE = 3000, DEL = 600 };
	static uint8_t seen[N + MORE];
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	struct attrs *x = mk_plain();
	unsigned rounds = 0, eor_round = 0;
	(void)state;

	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	p.backlog = sink_backlog;
	s.seen = seen;
	s.nseen = N + MORE;
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	for (unsigned i = 0; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	rib_peer_up(rib, &p);
	while (rib_pending(rib)) {
		rib_flush(rib);
		rounds++;
		/* one step past the mark at most: STEP entries packed */
		assert_true(s.bytes < RIB_OUT_HIGH + 64 * 1024);
		if (s.eors && !eor_round) {
			/* End-of-RIB once the whole table went: every route that stayed was sent */
			eor_round = rounds;
			for (unsigned i = 0; i < N; i++)
				if (!(i < DEL * 10 && i % 10 == 0))
					assert_true(seen[i] > 0);
		}
		if (rounds == 2) {
			/* mid-walk: every 10th route goes, MORE new ones come (the table grows) */
			for (unsigned i = 0; i < DEL * 10; i += 10) {
				struct nlri n = macip(i, 10);
				assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
			}
			for (unsigned i = N; i < N + MORE; i++) {
				struct nlri n = macip(i, 10);
				assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
			}
		}
		s.bytes = 0; /* the socket drained */
		assert_true(rounds < 1000);
	}
	assert_true(rounds > 3); /* paced, not the whole table in one flush */
	assert_true(eor_round > 3);
	assert_int_equal(s.eors, FAM_COUNT); /* once */
	for (unsigned i = 0; i < N + MORE; i++)
		if (!(i < DEL * 10 && i % 10 == 0))
			assert_true(seen[i] > 0); /* every route that stayed was sent */
	assert_int_equal(p.advertised[FAM_EVPN], N + MORE - DEL);

	/* refreshes in the middle of a walk start it over, once: never more than one walk queued */
	memset(seen, 0, sizeof seen);
	sink_reset(&s);
	rib_peer_refresh(rib, &p, FAM_EVPN);
	rib_flush(rib);
	for (int i = 0; i < 100; i++)
		rib_peer_refresh(rib, &p, FAM_EVPN);
	rounds = 0;
	do {
		s.bytes = 0;
		rib_flush(rib);
		rounds++;
	} while (rib_pending(rib) || s.bytes);
	for (unsigned i = 0; i < N + MORE; i++)
		if (!(i < DEL * 10 && i % 10 == 0))
			assert_true(seen[i] >= 1 && seen[i] <= 2);
	assert_int_equal(s.eors, 0); /* a refresh gets no End-of-RIB */
	rib_free(rib);
	attrs_unref(x);
}

/* A pass over a table made room for many more routes than it holds (a restart reserves the previous
 * run's size): the empty slots count toward the flush's work too, so the walk is spread over
 * flushes instead of crossing a million slots in one (45 ms of one loop turn, scripts/bench.sh). */
static void test_walk_paced_empty_slots(void **state)
{
	enum { N = 10, ROOM = 1000000 };
	static uint8_t seen[N];
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	struct attrs *x = mk_plain();
	unsigned rounds = 0;
	(void)state;

	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	p.backlog = sink_backlog;
	s.seen = seen;
	s.nseen = N;
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	assert_int_equal(rib_reserve(rib, FAM_EVPN, ROOM), 0);
	size_t span = rib_table_span(&rib->t[FAM_EVPN]);
	assert_true(span >= ROOM);
	for (unsigned i = 0; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	rib_flush(rib);
	rib_peer_up(rib, &p);
	while (rib_pending(rib)) {
		rib_flush(rib);
		s.bytes = 0;
		assert_true(++rounds < 10000);
	}
	/* at most RIB_PASS_SLOTS slots a flush */
	assert_true(span / RIB_PASS_SLOTS >= 4);
	assert_true(rounds >= span / RIB_PASS_SLOTS);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(s.eors, FAM_COUNT);
	assert_int_equal(p.advertised[FAM_EVPN], N);
	rib_free(rib);
	attrs_unref(x);
}

/* A peer that falls behind reads what changed from the change journal, not the tables: it ends
 * with every change (updates, withdraws, a route withdrawn and announced again, one gone and back
 * and gone), a peer that keeps up is unaffected, routes left with nothing are freed once the
 * journal lets go of them, and a journal emptied under a pass (changes lost) hands it to the
 * tables without a miss. */
static void test_journal_behind(void **state)
{
	enum { N = 3000, UPD = 500, DEL = 400 };
	static uint8_t seen[N];
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, fast, slow;
	struct sink sf, ss;
	struct attrs *x = mk_plain();
	struct aset d = { .has_med = true, .med = 9 };
	struct attrs *y = mk(&d);
	unsigned rounds = 0, journal_rounds = 0;
	(void)state;

	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&fast, SRC_IBGP, 0x0a000002, "10.0.0.2", &sf);
	peer_init(&slow, SRC_IBGP, 0x0a000003, "10.0.0.3", &ss);
	slow.backlog = sink_backlog;
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &fast), 0);
	assert_int_equal(rib_peer_add(rib, &slow), 0);
	rib_peer_up(rib, &fast);
	rib_peer_up(rib, &slow);
	for (unsigned i = 0; i < N; i++) {
		struct nlri n = macip(i, 10);
		assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, x), 0);
	}
	while (rib_pending(rib)) {
		rib_flush(rib);
		ss.bytes = 0;
	}
	assert_int_equal(slow.advertised[FAM_EVPN], N);
	sink_reset(&sf);
	sink_reset(&ss);
	ss.seen = seen;
	ss.nseen = N;

	/* changes over several flushes while the slow peer's socket stays full */
	ss.bytes = RIB_OUT_HIGH;
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = round; i < UPD; i += 4) {
			struct nlri n = macip(i, 10);
			assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, y), 0);
		}
		for (unsigned i = N - DEL + round; i < N; i += 4) {
			struct nlri n = macip(i, 10);
			assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, n.b, n.len), 0);
		}
		rib_flush(rib);
	}
	/* back again, and back and gone again */
	struct nlri back = macip(N - 1, 10), again = macip(N - 2, 10);
	assert_int_equal(rib_update(rib, &loc, FAM_EVPN, back.b, back.len, x), 0);
	rib_flush(rib);
	assert_int_equal(rib_update(rib, &loc, FAM_EVPN, again.b, again.len, x), 0);
	rib_flush(rib);
	assert_int_equal(rib_withdraw(rib, &loc, FAM_EVPN, again.b, again.len), 0);
	rib_flush(rib);
	assert_int_equal(sf.reach_nlri[FAM_EVPN], UPD + 2);
	assert_int_equal(sf.unreach_nlri[FAM_EVPN], DEL + 1);
	assert_int_equal(ss.reach_nlri[FAM_EVPN], 0);

	/* it drains a little at a time: a pass of the journal, a step at a time */
	bool lost = false;
	while (rib_pending(rib) || ss.bytes) {
		ss.bytes = 0;
		rib_flush(rib);
		if (rib->slots[slow.slot].walk_journal)
			journal_rounds++;
		if (++rounds == 2) {
			/* changes lost mid-pass (rib_entry_reap's allocation failure): the journal is
			 * emptied under the pass, which goes on by the tables */
			struct nlri n = macip(UPD, 10);
			assert_int_equal(rib_update(rib, &loc, FAM_EVPN, n.b, n.len, y), 0);
			rib->dirty[0]->dirty = 0;
			rib->ndirty = 0;
			rib->dirty_lost = true;
			lost = true;
		}
		assert_true(rounds < 1000);
	}
	assert_true(lost);
	assert_true(journal_rounds >= 1);
	for (unsigned i = 0; i <= UPD; i++)
		assert_true(seen[i] >= 1);
	assert_int_equal(seen[N - 1], 1);
	assert_int_equal(seen[N - 2], 0);
	assert_true(ss.unreach_nlri[FAM_EVPN] >= DEL - 1);
	assert_int_equal(ss.med, 9);
	assert_int_equal(slow.advertised[FAM_EVPN], N - DEL + 1);
	assert_int_equal(fast.advertised[FAM_EVPN], N - DEL + 1);
	/* nothing holds the withdrawn routes now: freed */
	rib_flush(rib);
	assert_int_equal(rib->t[FAM_EVPN].n, N - DEL + 1);
	assert_int_equal(rib->journal.n - rib->journal.head, 0);
	rib_free(rib);
	attrs_unref(x);
	attrs_unref(y);
}

static void test_opaque_one_per_message(void **state)
{
	struct rib *rib = new_rib(NULL);
	struct rib_peer loc, p;
	struct sink s;
	(void)state;
	peer_init(&loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(&p, SRC_IBGP, 0x0a000002, "10.0.0.2", &s);
	assert_int_equal(rib_peer_add(rib, &loc), 0);
	assert_int_equal(rib_peer_add(rib, &p), 0);
	rib_peer_up(rib, &p);
	rib_flush(rib);
	sink_reset(&s);
	struct attrs *x = mk_plain();
	for (unsigned i = 0; i < 5; i++) {
		uint8_t b[64];
		struct wbuf w;
		char key[8];
		snprintf(key, sizeof key, "key%u", i);
		wbuf_init(&w, b, sizeof b);
		assert_int_equal(opaque_encode(&w, key, strlen(key), "value", 5), 0);
		assert_int_equal(rib_update(rib, &loc, FAM_OPAQUE, b, w.len, x), 0);
		/* a new value for the same key replaces the route */
		wbuf_init(&w, b, sizeof b);
		assert_int_equal(opaque_encode(&w, key, strlen(key), "value2", 6), 0);
		assert_int_equal(rib_update(rib, &loc, FAM_OPAQUE, b, w.len, x), 0);
	}
	assert_int_equal(rib_count(rib, FAM_OPAQUE), 5);
	rib_flush(rib);
	assert_int_equal(s.msgs, 5);
	assert_int_equal(s.reach_nlri[FAM_OPAQUE], 5);
	assert_int_equal(s.max_per_msg, 1);
	assert_int_equal(s.last.len, 2 + 4 + 6);
	rib_free(rib);
	attrs_unref(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_local),
		cmocka_unit_test(test_export_ibgp_rules),
		cmocka_unit_test(test_export_ebgp_learned),
		cmocka_unit_test(test_export_ebgp_fabric),
		cmocka_unit_test(test_flush_packing),
		cmocka_unit_test(test_flush_grouping),
		cmocka_unit_test(test_adj_out_reused_ids),
		cmocka_unit_test(test_new_peer_full_table),
		cmocka_unit_test(test_walk_paced),
		cmocka_unit_test(test_walk_paced_empty_slots),
		cmocka_unit_test(test_dirty_lost),
		cmocka_unit_test(test_journal_behind),
		cmocka_unit_test(test_peer_add_moves_slots),
		cmocka_unit_test(test_walk_during_growth),
		cmocka_unit_test(test_opaque_one_per_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
