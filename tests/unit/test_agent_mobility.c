/* SPDX-License-Identifier: Apache-2.0 */
/* mobility.c and the MAC owner's mobility (macs.c): the (VNI, MAC) side table, the
 * RFC 7432 section 15 decision, and what a move does to the installed entries and our sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include <json-c/json.h>

#include "agent_fixture.h"
#include "engine.h"
#include "macs_show.h"
#include "mobility.h"
#include "testutil.h"
#include "wire.h"

#define BR 3
#define VX 4
#define PORT 5

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa }, MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb };

static struct mob_ent cand(uint16_t vtep, uint32_t seq, bool has, bool sticky)
{
	struct mob_ent e;
	memset(&e, 0, sizeof e);
	e.vtep = vtep;
	e.rdh = 100u + vtep;
	e.seq = seq;
	e.flags = (uint8_t)((has ? MOB_HASSEQ : 0) | (sticky ? MOB_STICKY : 0));
	return e;
}

/* ---- the side table ---- */


static void test_table_multi(void **state)
{
	struct mob_tab t;
	struct mob_ent in[3], out[8];
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };
	(void)state;

	mob_init(&t);
	assert_int_equal(mob_get(&t, 100, mac, out, 8), 0);
	/* many keys with several entries each: every key gets back exactly its own */
	for (uint32_t i = 0; i < 3000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		for (int k = 0; k < 3; k++)
			in[k] = cand((uint16_t)(i % 7 + (uint32_t)k), i + (uint32_t)k, true, false);
		assert_int_equal(mob_set(&t, 100 + i % 2, mac, in, 1 + i % 3), 0);
	}
	assert_int_equal(t.n, 1000 * (1 + 2 + 3));
	for (uint32_t i = 0; i < 3000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		size_t n = mob_get(&t, 100 + i % 2, mac, out, 8);
		assert_int_equal(n, 1 + i % 3);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(out[k].vni, 100 + i % 2);
			assert_memory_equal(out[k].mac, mac, 6);
			assert_true(out[k].flags & MOB_USED);
			assert_true(out[k].seq >= i && out[k].seq < i + 3);
		}
		assert_int_equal(mob_get(&t, 102, mac, out, 8), 0); /* another VNI: nothing */
	}
	/* replace shrinks and grows a key; deletes keep every other key reachable */
	for (uint32_t i = 0; i < 3000; i += 2) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(mob_set(&t, 100 + i % 2, mac, NULL, 0), 0);
	}
	for (uint32_t i = 0; i < 3000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(mob_get(&t, 100 + i % 2, mac, out, 8), i % 2 ? 1 + i % 3 : 0);
	}
	/* VNI 101 holds the odd ones: drop it, keeping local records */
	in[0] = cand(0, 9, false, false);
	in[0].flags = MOB_LOCAL;
	mac[4] = 0xff;
	mac[5] = 0xff;
	assert_int_equal(mob_set(&t, 101, mac, in, 1), 0);
	mob_drop_vni(&t, 101, true);
	assert_int_equal(t.n, 1);
	assert_int_equal(mob_get(&t, 101, mac, out, 8), 1);
	assert_int_equal(out[0].seq, 9);
	mob_drop_vni(&t, 101, false);
	assert_int_equal(t.n, 0);
	mob_free(&t);
}

/* ---- the decision ---- */

static void view(struct mob_view *w, const struct mob_ent *c, const struct nl_addr *addrs, size_t n)
{
	memset(w, 0, sizeof *w);
	for (size_t i = 0; i < n; i++) {
		w->c[i] = c[i];
		w->addr[i] = &addrs[i];
	}
	w->n = n;
}

static void test_remote_order(void **state)
{
	struct nl_addr a[4] = { fx_vtep_addr(3), fx_vtep_addr(1), fx_vtep_addr(2), fx_vtep_addr(4) };
	struct mob_ent c[4];
	struct mob_view w;
	(void)state;

	/* equal sequence from different VTEPs: the lowest VTEP address (section 15.1) */
	c[0] = cand(0, 1, true, false);
	c[1] = cand(1, 1, true, false);
	c[2] = cand(2, 1, true, false);
	view(&w, c, a, 3);
	assert_int_equal(mob_best(&w), 1);
	/* the higher sequence beats the lower address */
	c[0].seq = 2;
	view(&w, c, a, 3);
	assert_int_equal(mob_best(&w), 0);
	/* sticky beats any sequence */
	c[2] = cand(2, 0, true, true);
	view(&w, c, a, 3);
	assert_int_equal(mob_best(&w), 2);
	/* an explicit 0 beats no community; two without it: the lower address */
	c[0] = cand(0, 0, true, false);
	c[1] = cand(1, 0, false, false);
	view(&w, c, a, 2);
	assert_int_equal(mob_best(&w), 0);
	c[0] = cand(0, 0, false, false);
	view(&w, c, a, 2);
	assert_int_equal(mob_best(&w), 1);
	view(&w, c, a, 0);
	assert_int_equal(mob_best(&w), -1);
	/* IPv4 before IPv6 */
	struct nl_addr six;
	memset(&six, 0, sizeof six);
	six.af = AF_INET6;
	assert_true(mob_addr_cmp(&a[0], &six) < 0);
	assert_true(mob_addr_cmp(&six, &a[0]) > 0);
	assert_int_equal(mob_addr_cmp(&a[1], &a[1]), 0);
}

static void test_local_vs_remote(void **state)
{
	struct nl_addr a[2] = { fx_vtep_addr(3), fx_vtep_addr(1) }, l2 = fx_vtep_addr(2);
	struct mob_ent c[2];
	struct mob_view w;
	(void)state;

	/* a move to us: the new sequence is the highest known + 1; no community counts as 0 */
	c[0] = cand(0, 0, false, false);
	view(&w, c, a, 1);
	assert_int_equal(mob_next_seq(&w), 1);
	c[1] = cand(1, 4, true, false);
	view(&w, c, a, 2);
	assert_int_equal(mob_next_seq(&w), 5);
	view(&w, c, a, 0);
	assert_int_equal(mob_next_seq(&w), 0); /* nobody else: never moved */
	c[0] = cand(0, UINT32_MAX, true, false);
	view(&w, c, a, 1);
	assert_int_equal(mob_next_seq(&w), UINT32_MAX); /* saturates */

	/* our seq 5 against remote 4: ours; remote 6: theirs */
	c[0] = cand(0, 4, true, false);
	view(&w, c, a, 1);
	w.local = true;
	w.lseq = 5;
	assert_true(mob_local_wins(&w, 0, &l2));
	w.c[0].seq = 6;
	assert_false(mob_local_wins(&w, 0, &l2));
	/* equal: the lower VTEP: 10.88.0.2 (ours) against .3 wins, against .1 loses */
	w.c[0].seq = 5;
	assert_true(mob_local_wins(&w, 0, &l2));
	view(&w, c, a + 1, 1);
	w.local = true;
	w.lseq = 4;
	assert_false(mob_local_wins(&w, 0, &l2));
	/* GoBGP's first move (explicit 0) beats our community-less route */
	c[0] = cand(0, 0, true, false);
	view(&w, c, a, 1);
	w.local = true;
	w.lseq = 0;
	assert_false(mob_local_wins(&w, 0, &l2));
	/* ...and two community-less routes: the lower address (ours, .2 < .3) */
	w.c[0].flags = 0;
	assert_true(mob_local_wins(&w, 0, &l2));
	/* a sticky remote beats a learned local MAC, not a static one */
	c[0] = cand(0, 0, false, true);
	view(&w, c, a, 1);
	w.local = true;
	w.lseq = 9;
	assert_false(mob_local_wins(&w, 0, &l2));
	w.lsticky = true;
	assert_true(mob_local_wins(&w, 0, &l2));
	/* static local against a higher sequence: still ours */
	w.c[0] = cand(0, 100, true, false);
	assert_true(mob_local_wins(&w, 0, &l2));
	/* no local MAC never wins; a local one without remotes always does */
	w.local = false;
	assert_false(mob_local_wins(&w, 0, &l2));
	w.local = true;
	w.lsticky = false;
	assert_true(mob_local_wins(&w, -1, &l2));
}

/* ---- the engine: remote routes, local learning and the kernel requests they make ---- */

static struct config cfg;

static void setup(struct engine *g)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.g.asn = 64512;
	cfg.g.router_id = 0x0a580002;
	cfg.converge_timeout = 10;
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
	fixture_vni(g, BR, VX, PORT, 100);
	assert_true(vt_by_vni(&g->vt, 100)->active);
}

/* A remote type-2 route for mac from VTEP 10.88.0.last (RD 10.88.0.last:100); seq < 0: no
 * community. */
static void route(struct engine *g, const uint8_t mac[6], uint8_t last, int64_t seq, bool sticky,
		  bool withdraw)
{
	uint64_t ext = extc_mac_mobility(seq >= 0 ? (uint32_t)seq : 0, sticky);
	bool mm = seq >= 0 || sticky;
	fixture_mac_route(g, mac, 0, last, last, mm ? &ext : NULL, mm ? 1 : 0, withdraw);
}

static void learn(struct engine *g, const uint8_t mac[6], bool stat, bool deleted)
{
	struct nl_fdb f;
	memset(&f, 0, sizeof f);
	f.ifindex = PORT;
	f.master = BR;
	memcpy(f.mac, mac, 6);
	f.state = stat ? NUD_NOARP : NUD_REACHABLE;
	macs_local_fdb(g->macs, &f, deleted);
}

/* The installed remote entry's VTEP (last octet), 0 when none. */
static int installed(struct engine *g, const uint8_t mac[6])
{
	const struct mac_ent *e = fx_remote(g, VX, mac);
	if (!e)
		return 0;
	return vtep_addr(&g->vteps, e->vtep)->a[3];
}

static void test_known_gap(void **state)
{
	struct engine g;
	struct mob_ent out[8];
	(void)state;

	setup(&g);
	/* two VTEPs, two RDs, no sequence: the lower VTEP; withdrawing it installs the other */
	route(&g, MAC_A, 5, -1, false, false);
	assert_int_equal(installed(&g, MAC_A), 5);
	assert_int_equal(fx_counts(&g).side, 0); /* the common case costs no side entry */
	route(&g, MAC_A, 3, -1, false, false);
	assert_int_equal(installed(&g, MAC_A), 3);
	assert_int_equal(macs_side_get(g.macs, 100, MAC_A, out, 8), 2);
	route(&g, MAC_A, 3, -1, false, true);
	assert_int_equal(installed(&g, MAC_A), 5);
	assert_int_equal(fx_counts(&g).side, 0); /* back to the common case */
	route(&g, MAC_A, 5, -1, false, true);
	assert_int_equal(installed(&g, MAC_A), 0);
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 0);
	/* a withdrawal of a route that never installed anything changes nothing */
	route(&g, MAC_B, 7, -1, false, false);
	route(&g, MAC_A, 7, -1, false, true);
	assert_int_equal(installed(&g, MAC_B), 7);
	engine_stop(&g);
}

static void test_remote_sequence(void **state)
{
	struct engine g;
	(void)state;

	setup(&g);
	/* a move between two remotes: the higher sequence wins even from the higher address */
	route(&g, MAC_A, 3, -1, false, false);
	route(&g, MAC_A, 7, 1, false, false);
	assert_int_equal(installed(&g, MAC_A), 7);
	route(&g, MAC_A, 3, -1, false, true); /* the old VTEP withdraws */
	assert_int_equal(installed(&g, MAC_A), 7);
	assert_int_equal(fx_counts(&g).side, 1); /* seq 1 needs the side entry */
	/* a sticky route beats the higher sequence */
	route(&g, MAC_A, 9, -1, true, false);
	assert_int_equal(installed(&g, MAC_A), 9);
	assert_true(fx_remote(&g, VX, MAC_A)->flags & MENT_STICKY);
	route(&g, MAC_A, 9, -1, true, true);
	assert_int_equal(installed(&g, MAC_A), 7);
	route(&g, MAC_A, 7, 1, false, true);
	assert_int_equal(installed(&g, MAC_A), 0);
	assert_int_equal(fx_counts(&g).side, 0);
	engine_stop(&g);
}

static void test_move_to_us_and_away(void **state)
{
	struct engine g;
	(void)state;

	setup(&g);
	/* no remote: a learned MAC never moved, sequence 0 */
	learn(&g, MAC_B, false, false);
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_B), 0);
	assert_int_equal(fx_counts(&g).side, 0);

	/* h3 has A (no community); the VM shows up here: seq 1, h3's entry goes (self only) */
	route(&g, MAC_A, 3, -1, false, false);
	assert_int_equal(installed(&g, MAC_A), 3);
	uint64_t q = g.kq.queued;
	learn(&g, MAC_A, false, false);
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_A), 1);
	assert_int_equal(installed(&g, MAC_A), 0);
	assert_int_equal(g.kq.queued, q + 1);
	assert_non_null(fx_local(&g, BR, MAC_A));
	/* a refresh (STALE -> REACHABLE) is no new move */
	learn(&g, MAC_A, false, false);
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_A), 1);
	/* h3 withdraws after seeing ours; a late seq 1 from h1 (lower address, equal seq) wins */
	route(&g, MAC_A, 3, -1, false, true);
	assert_int_equal(installed(&g, MAC_A), 0);
	q = g.kq.queued;
	route(&g, MAC_A, 1, 1, false, false);
	assert_int_equal(installed(&g, MAC_A), 1);
	assert_null(fx_local(&g, BR, MAC_A)); /* given way: the learned entry deleted */
	assert_int_equal(g.kq.queued, q + 2);            /* the bridge delete, then the install */
	/* it comes back here: seq 2 */
	learn(&g, MAC_A, false, false);
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_A), 2);
	assert_int_equal(installed(&g, MAC_A), 0);
	/* h1's lower sequence does not take it back; when ours ages out, h1's goes in */
	route(&g, MAC_A, 1, 1, false, false);
	assert_int_equal(installed(&g, MAC_A), 0);
	learn(&g, MAC_A, false, true);
	assert_int_equal(installed(&g, MAC_A), 1);
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_A), 0);
	engine_stop(&g);
}

static void test_static_never_moves(void **state)
{
	struct engine g;
	(void)state;

	setup(&g);
	learn(&g, MAC_A, true, false);
	uint64_t q = g.kq.queued;
	route(&g, MAC_A, 1, 50, false, false);
	assert_non_null(fx_local(&g, BR, MAC_A));
	assert_int_equal(installed(&g, MAC_A), 0);
	assert_int_equal(g.kq.queued, q); /* nothing deleted, nothing installed */
	/* logged once: the record remembers it */
	struct mob_ent out[8];
	size_t n = macs_side_get(g.macs, 100, MAC_A, out, 8);
	bool warned = false;
	for (size_t i = 0; i < n; i++)
		warned |= (out[i].flags & (MOB_LOCAL | MOB_WARNED)) == (MOB_LOCAL | MOB_WARNED);
	assert_true(warned);
	route(&g, MAC_A, 1, 51, true, false); /* even a sticky claim */
	assert_int_equal(installed(&g, MAC_A), 0);
	/* the operator removes it: the claim is installed */
	learn(&g, MAC_A, true, true);
	assert_int_equal(installed(&g, MAC_A), 1);

	/* a learned MAC against a sticky remote gives way at once */
	route(&g, MAC_B, 3, -1, true, false);
	learn(&g, MAC_B, false, false);
	assert_null(fx_local(&g, BR, MAC_B));
	assert_int_equal(installed(&g, MAC_B), 3);
	engine_stop(&g);
}


/* ---- duplicate address detection ---- */

static const uint8_t MAC_C[6] = { 0x02, 0, 0, 0, 0, 0xc };

static void test_dad_count(void **state)
{
	struct mob_ent d;
	(void)state;

	mob_dad_init(&d, MOB_LOC_LOCAL, 1000);
	assert_int_equal(d.flags, MOB_DAD);
	/* going away is no move; showing up elsewhere is, compared with the last place */
	assert_false(mob_dad_move(&d, MOB_LOC_NONE, 1001, 180, 3));
	assert_int_equal(d.moves, 0);
	assert_false(mob_dad_move(&d, 7, 1002, 180, 3));
	assert_int_equal(d.moves, 1);
	assert_int_equal(d.prev, MOB_LOC_LOCAL);
	assert_int_equal(d.vtep, 7);
	assert_false(mob_dad_move(&d, 7, 1003, 180, 3)); /* same place: nothing */
	assert_int_equal(d.moves, 1);
	assert_false(mob_dad_move(&d, MOB_LOC_LOCAL, 1010, 180, 3));
	assert_int_equal(d.moves, 2);
	/* the third within 180 s of the first: duplicate, once */
	assert_true(mob_dad_move(&d, 9, 1100, 180, 3));
	assert_true(d.flags & MOB_DUP);
	assert_int_equal(d.prev, MOB_LOC_LOCAL);
	assert_int_equal(d.vtep, 9);
	assert_false(mob_dad_move(&d, 7, 1101, 180, 3));
	assert_int_equal(d.vtep, 7); /* still followed */
	/* recovery: never with 0, else after that long from detection */
	assert_false(mob_dad_due(&d, 999999, 0));
	assert_false(mob_dad_due(&d, 1109, 10));
	assert_true(mob_dad_due(&d, 1110, 10));
	assert_false(mob_dad_idle(&d, 999999, 180)); /* a duplicate is never forgotten */
	mob_dad_clear(&d, 1110);
	assert_false(d.flags & MOB_DUP);
	assert_int_equal(d.moves, 0);
	/* moves further apart than the window start it again */
	assert_false(mob_dad_move(&d, 9, 1200, 180, 3));
	assert_false(mob_dad_move(&d, 7, 1300, 180, 3));
	assert_false(mob_dad_move(&d, 9, 1381, 180, 3)); /* 181 s after the window began */
	assert_int_equal(d.moves, 1);
	assert_false(mob_dad_move(&d, 7, 1382, 180, 3));
	assert_true(mob_dad_move(&d, 9, 1383, 180, 3));
	/* max 0: counting off */
	mob_dad_init(&d, 1, 0);
	for (uint16_t i = 2; i < 10; i++)
		assert_false(mob_dad_move(&d, i, i, 180, 0));
	/* idle once nothing happened within the window */
	mob_dad_init(&d, 1, 0);
	assert_false(mob_dad_move(&d, 2, 10, 180, 5));
	assert_false(mob_dad_idle(&d, 190, 180));
	assert_true(mob_dad_idle(&d, 191, 180));
}

static bool dad_rec(struct engine *g, const uint8_t mac[6], struct mob_ent *d)
{
	struct mob_ent out[MOB_KEY_MAX];
	size_t n = macs_side_get(g->macs, 100, mac, out, MOB_KEY_MAX);
	for (size_t i = 0; i < n; i++)
		if (out[i].flags & MOB_DAD) {
			*d = out[i];
			return true;
		}
	return false;
}

/* Back and forth between this hypervisor and 10.88.0.3: the moves each side sees. */
static void bounce(struct engine *g, const uint8_t mac[6], int times, int64_t *seq)
{
	for (int i = 0; i < times; i++) {
		if (i % 2 == 0) {
			learn(g, mac, false, false); /* here, above the remote's sequence */
			*seq = macs_local_seq(g->macs, vt_by_vni(&g->vt, 100), mac);
		} else {
			route(g, mac, 3, ++*seq, false, false); /* there again: ours gives way */
		}
	}
}

static void count_row(void *ctx, const struct macs_row *r)
{
	(void)r;
	(*(unsigned *)ctx)++;
}

static void test_dad_glue(void **state)
{
	struct engine g;
	struct mob_ent d;
	int64_t seq = 0;
	(void)state;

	setup(&g);
	cfg.dad_max_moves = 3;
	cfg.dad_window = 180;
	macs_test_now = 5000;
	/* quiet MACs cost nothing: learned, remote */
	learn(&g, MAC_B, false, false);
	route(&g, MAC_C, 5, -1, false, false);
	assert_int_equal(fx_counts(&g).side, 0);
	/* one that goes away is remembered for the window (its VM may show up elsewhere next) */
	route(&g, MAC_C, 5, -1, false, true);
	assert_int_equal(fx_counts(&g).side, 1);
	macs_test_now += 181;
	macs_dad_tick(g.macs);
	assert_int_equal(fx_counts(&g).side, 0);

	route(&g, MAC_A, 3, seq, false, false);
	bounce(&g, MAC_A, 2, &seq); /* remote -> local -> remote: 2 moves */
	assert_true(dad_rec(&g, MAC_A, &d));
	assert_int_equal(d.moves, 2);
	assert_false(d.flags & MOB_DUP);
	assert_int_equal(installed(&g, MAC_A), 3);
	/* the third: duplicate; not frozen, so the kernel still follows, but nothing is advertised */
	learn(&g, MAC_A, false, false);
	assert_true(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	assert_int_equal(installed(&g, MAC_A), 0);
	assert_non_null(fx_local(&g, BR, MAC_A));
	assert_false(fx_local(&g, BR, MAC_A)->flags & MENT_ADV);

	/* show macs: the duplicate with its moves and age, the quiet one without */
	macs_test_now += 7;
	struct json_object *arr = show_macs(&g, 100, NULL), *o, *f;
	assert_int_equal(json_object_array_length(arr), 2);
	o = json_object_array_get_idx(arr, 0); /* MAC_A sorts first */
	assert_true(json_object_object_get_ex(o, "mac", &f));
	assert_string_equal(json_object_get_string(f), "02:00:00:00:00:0a");
	assert_true(json_object_object_get_ex(o, "duplicate", &f) && json_object_get_boolean(f));
	assert_true(json_object_object_get_ex(o, "frozen", &f) && !json_object_get_boolean(f));
	assert_true(json_object_object_get_ex(o, "moves", &f) && json_object_get_int(f) == 3);
	assert_true(json_object_object_get_ex(o, "age", &f) && json_object_get_int(f) == 7);
	assert_true(json_object_object_get_ex(o, "location", &f));
	assert_string_equal(json_object_get_string(f), "local");
	assert_true(json_object_object_get_ex(o, "port", &f));
	assert_string_equal(json_object_get_string(f), "vm1");
	assert_true(json_object_object_get_ex(o, "seq", &f) && json_object_get_int(f) == (int)seq + 1);
	o = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(o, "duplicate", &f) && !json_object_get_boolean(f));
	assert_true(json_object_object_get_ex(o, "age", &f) && f == NULL);
	json_object_put(arr);
	/* the control socket's walk, one entry a step: the same rows as the whole walk */
	struct macs_rows_pos at = { 0 };
	unsigned steps = 0, rows = 0;
	while (!macs_rows_next(g.macs, &at, 100, NULL, 1, count_row, &rows))
		assert_true(++steps < 10000);
	assert_int_equal(rows, 2);
	rows = 0;
	macs_rows(g.macs, 0, MAC_A, count_row, &rows);
	assert_int_equal(rows, 1);

	/* dad-recovery 0: the periodic check never clears it; the operator does */
	macs_test_now = 99999;
	macs_dad_tick(g.macs);
	assert_true(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	assert_int_equal(macs_dad_recover(g.macs, 100, MAC_B), 0);
	assert_int_equal(macs_dad_recover(g.macs, 100, MAC_A), 1);
	assert_false(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	assert_true(dad_rec(&g, MAC_A, &d));
	assert_int_equal(d.moves, 0);
	/* ...and forgotten once quiet for the window; the local record stays */
	macs_test_now += 181;
	macs_dad_tick(g.macs);
	assert_false(dad_rec(&g, MAC_A, &d));
	assert_int_equal(macs_local_seq(g.macs, vt_by_vni(&g.vt, 100), MAC_A), (uint32_t)seq + 1);
	engine_stop(&g);
}

static void test_dad_freeze_recovery(void **state)
{
	struct engine g;
	int64_t seq = 0;
	(void)state;

	setup(&g);
	cfg.dad_max_moves = 3;
	cfg.dad_window = 180;
	cfg.dad_freeze = true;
	cfg.dad_recovery = 30;
	macs_test_now = 100;
	route(&g, MAC_A, 3, seq, false, false);
	bounce(&g, MAC_A, 3, &seq); /* remote -> local -> remote -> local */
	assert_true(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	assert_non_null(fx_local(&g, BR, MAC_A));
	/* frozen: a higher claim changes nothing in the kernel */
	uint64_t q = g.kq.queued;
	route(&g, MAC_A, 3, seq + 5, false, false);
	assert_int_equal(g.kq.queued, q);
	assert_non_null(fx_local(&g, BR, MAC_A));
	assert_int_equal(installed(&g, MAC_A), 0);
	struct json_object *arr = show_macs(&g, 0, MAC_A), *f;
	assert_int_equal(json_object_array_length(arr), 1);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(arr, 0), "frozen", &f) &&
		    json_object_get_boolean(f));
	json_object_put(arr);
	/* recovery after 30 s: decided again from the routes, the higher claim wins */
	macs_test_now = 129;
	macs_dad_tick(g.macs);
	assert_true(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	macs_test_now = 130;
	macs_dad_tick(g.macs);
	assert_false(macs_is_dup(g.macs, vt_by_vni(&g.vt, 100), MAC_A));
	assert_null(fx_local(&g, BR, MAC_A));
	assert_int_equal(installed(&g, MAC_A), 3);
	engine_stop(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_multi),
		cmocka_unit_test(test_remote_order),
		cmocka_unit_test(test_local_vs_remote),
		cmocka_unit_test(test_known_gap),
		cmocka_unit_test(test_remote_sequence),
		cmocka_unit_test(test_move_to_us_and_away),
		cmocka_unit_test(test_static_never_moves),
		cmocka_unit_test(test_dad_count),
		cmocka_unit_test(test_dad_glue),
		cmocka_unit_test(test_dad_freeze_recovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
