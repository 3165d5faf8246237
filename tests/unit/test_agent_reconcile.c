/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile.c with macs_sync.c, flood.c and vni.c: the desired-vs-kernel comparison, start-up adoption of
 * evpnd's own entries, the sweep at convergence, ENOBUFS re-dumps and withdrawals. No netlink:
 * requests are counted (kq.queued) and the owned tables inspected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include "agent_fixture.h"
#include "engine.h"
#include "reconcile.h"
#include "testutil.h"
#include "wire.h"

#define BR 3
#define VX 4
#define PORT 5

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa }, MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb },
		     MAC_C[6] = { 0x02, 0, 0, 0, 0, 0xc }, MAC_D[6] = { 0x02, 0, 0, 0, 0, 0xd },
		     MAC_E[6] = { 0x02, 0, 0, 0, 0, 0xe }, ZERO[6];

static struct nl_fdb kent(const uint8_t mac[6], uint8_t vtep, uint8_t flags, uint16_t st)
{
	struct nl_fdb f;
	memset(&f, 0, sizeof f);
	f.ifindex = VX;
	memcpy(f.mac, mac, 6);
	f.flags = flags;
	f.state = st;
	f.dst = fx_vtep_addr(vtep);
	return f;
}

static void dump(struct engine *g, const struct nl_fdb *ents, size_t n)
{
	engine_dump_begin(g);
	for (size_t i = 0; i < n; i++)
		engine_fdb_dumped(g, &ents[i]);
	engine_dump_end(g);
}

/* A remote type-2 route for mac in VNI 100 from VTEP 10.88.0.last (RD 10.88.0.last:100). */
static void mac_route(struct engine *g, const uint8_t mac[6], uint8_t last, uint8_t rd_last,
		      bool withdraw)
{
	fixture_mac_route(g, mac, 0, last, rd_last, NULL, 0, withdraw);
}

static void imet_route(struct engine *g, uint8_t last, bool withdraw)
{
	struct evpn_route r;
	struct attrs a;
	struct ipaddr src;
	uint8_t buf[64];
	struct wbuf w;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_IMET;
	rd_make_ip(&r.rd, 0x0a580000u | last, 100);
	ipaddr_from_v4(&r.orig, 0x0a580000u | last);
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(evpn_encode(&r, &w), 0);
	memset(&a, 0, sizeof a);
	a.flags = AF_HAS_NEXT_HOP | AF_HAS_PMSI;
	a.pmsi_type = PMSI_INGRESS_REPL;
	a.pmsi_label = 100;
	a.pmsi_ep = r.orig;
	a.nexthop = r.orig;
	src = r.orig;
	engine_best_changed(g, FAM_EVPN, buf, w.len, withdraw ? NULL : &a, &src);
}

static struct config cfg;

static void init(struct engine *g)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.g.asn = 64512;
	cfg.g.router_id = 0x0a580002;
	cfg.converge_timeout = 10;
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
	fixture_vni(g, BR, VX, 0, 100);
	struct vni *v = vt_by_vni(&g->vt, 100);
	assert_non_null(v);
	assert_true(v->attached);
	assert_true(v->active);
	assert_ptr_equal(vt_by_bridge(&g->vt, BR), v);
	assert_ptr_equal(vt_by_vxlan(&g->vt, VX), v);
}

static void test_classify(void **state)
{
	(void)state;
	struct nl_fdb f = kent(MAC_A, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE);
	assert_int_equal(rc_classify(&f), RC_MAC);
	f.flags = NTF_SELF; /* an operator's static entry */
	assert_int_equal(rc_classify(&f), RC_OTHER);
	f = kent(ZERO, 1, NTF_SELF, NUD_NOARP | NUD_PERMANENT);
	assert_int_equal(rc_classify(&f), RC_FLOOD);
	f.state = NUD_REACHABLE;
	assert_int_equal(rc_classify(&f), RC_OTHER);
	f = kent(MAC_A, 1, NTF_EXT_LEARNED, NUD_REACHABLE); /* the bridge's half: no NTF_SELF */
	assert_int_equal(rc_classify(&f), RC_OTHER);
	f = kent(MAC_A, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE);
	f.dst.af = 0;
	assert_int_equal(rc_classify(&f), RC_OTHER);
}

static void test_compare(void **state)
{
	(void)state;
	struct mac_ent e;
	memset(&e, 0, sizeof e);
	e.vtep = 3;
	assert_int_equal(rc_mac_present(NULL, 3, false, false), RC_ADOPT);
	assert_int_equal(rc_mac_present(NULL, 3, false, true), RC_DELETE);
	assert_int_equal(rc_mac_present(&e, 3, false, true), RC_KEEP);
	assert_int_equal(rc_mac_present(&e, 4, false, true), RC_REPLACE);
	assert_int_equal(rc_mac_present(&e, 3, true, true), RC_REPLACE); /* sticky differs */
	e.flags = MENT_STALE;
	assert_int_equal(rc_mac_present(&e, 3, false, false), RC_KEEP);
	assert_int_equal(rc_mac_present(&e, 4, false, false), RC_ADOPT);
	assert_int_equal(rc_missing(0, 0), RC_REPLACE);
	assert_int_equal(rc_missing(MENT_STALE, 0), RC_FORGET);
	assert_int_equal(rc_missing(MENT_STALE, 1), RC_REPLACE);
	struct fl_ent fl = { VX, 3, 0, 1 };
	assert_int_equal(rc_flood_present(NULL, false), RC_ADOPT);
	assert_int_equal(rc_flood_present(NULL, true), RC_DELETE);
	assert_int_equal(rc_flood_present(&fl, true), RC_KEEP);
}

static void test_restart_then_converge(void **state)
{
	(void)state;
	struct engine g;
	init(&g);
	const struct nl_fdb k[] = {
		kent(MAC_A, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),  /* right */
		kent(MAC_B, 9, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),  /* no route will want it */
		kent(MAC_C, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),  /* wanted elsewhere */
		kent(MAC_D, 1, NTF_SELF, NUD_NOARP),                        /* not ours */
		kent(ZERO, 1, NTF_SELF, NUD_NOARP | NUD_PERMANENT),         /* right */
		kent(ZERO, 7, NTF_SELF, NUD_NOARP | NUD_PERMANENT),         /* stale */
	};
	dump(&g, k, 6);
	assert_int_equal(g.kq.queued, 0); /* nothing touched before convergence */
	assert_int_equal(fx_counts(&g).remote, 3);
	assert_int_equal(g.flood.set.n, 2);
	assert_null(fx_remote(&g, VX, MAC_D));
	assert_true(fx_remote(&g, VX, MAC_A)->flags & MENT_STALE);
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 3);

	mac_route(&g, MAC_A, 1, 1, false);
	assert_int_equal(g.kq.queued, 0); /* right as it is: left alone */
	assert_false(fx_remote(&g, VX, MAC_A)->flags & MENT_STALE);
	mac_route(&g, MAC_C, 3, 3, false);
	assert_int_equal(g.kq.queued, 1); /* replaced, not deleted and re-added */
	imet_route(&g, 1, false);
	assert_int_equal(g.kq.queued, 1);
	imet_route(&g, 2, false); /* our own VTEP: never a flood entry to ourselves */
	assert_int_equal(g.flood.set.n, 2);

	engine_converged(&g, "test");
	assert_true(g.converged);
	assert_int_equal(g.kq.queued, 3); /* B and the flood entry to .7 */
	assert_null(fx_remote(&g, VX, MAC_B));
	assert_int_equal(fx_counts(&g).remote, 2);
	assert_int_equal(g.flood.set.n, 1);
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 2);

	/* ENOBUFS: the kernel lost C and the flood entry, and has an extern_learn E nobody wants */
	const struct nl_fdb k2[] = {
		kent(MAC_A, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),
		kent(MAC_E, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),
	};
	dump(&g, k2, 2);
	assert_int_equal(g.kq.queued, 6); /* delete E, re-add C, re-append the flood entry */
	assert_null(fx_remote(&g, VX, MAC_E));
	assert_int_equal(fx_counts(&g).remote, 2);

	/* a withdrawal from another RD (the MAC moved there first) leaves the entry */
	mac_route(&g, MAC_C, 1, 1, true);
	assert_int_equal(g.kq.queued, 6);
	assert_non_null(fx_remote(&g, VX, MAC_C));
	mac_route(&g, MAC_C, 3, 3, true);
	assert_int_equal(g.kq.queued, 7);
	assert_null(fx_remote(&g, VX, MAC_C));
	imet_route(&g, 1, true);
	assert_int_equal(g.kq.queued, 8);
	assert_int_equal(g.flood.set.n, 0);

	/* the VXLAN device deleted: its entries went with it, no requests */
	struct nl_link l;
	memset(&l, 0, sizeof l);
	l.ifindex = VX;
	l.kind = NL_LINK_VXLAN;
	l.vni = 100;
	vt_link_event(&g.vt, &l, true);
	assert_null(vt_by_vni(&g.vt, 100));
	assert_int_equal(fx_counts(&g).remote, 0);
	assert_int_equal(g.kq.queued, 8);

	/* a route for a VNI that is not (yet) local is not installed; it is when the VNI appears */
	mac_route(&g, MAC_E, 5, 5, false);
	imet_route(&g, 5, false);
	assert_int_equal(g.kq.queued, 8);
	fixture_vni(&g, BR, VX, 0, 100);
	assert_int_equal(g.flood.set.n, 1); /* the type-3 want was kept */
	assert_int_equal(g.kq.queued, 9);
	engine_stop(&g);
}

/* A VM port (PORT) in the VNI's bridge. */
static void add_port(struct engine *g)
{
	struct nl_link l;
	memset(&l, 0, sizeof l);
	l.ifindex = PORT;
	l.master = BR;
	l.up = true;
	strcpy(l.name, "vmp");
	vt_link_event(&g->vt, &l, false);
}

/* A learned entry of mac on the VM port. */
static struct nl_fdb local_ent(const uint8_t mac[6])
{
	struct nl_fdb f;
	memset(&f, 0, sizeof f);
	f.ifindex = PORT;
	f.master = BR;
	memcpy(f.mac, mac, 6);
	f.state = NUD_REACHABLE;
	return f;
}

static void test_local_learning(void **state)
{
	(void)state;
	struct engine g;
	init(&g);
	add_port(&g);

	struct nl_fdb f = local_ent(MAC_A);
	macs_local_fdb(g.macs, &f, false);
	f.state = NUD_PERMANENT; /* the port's own address */
	memcpy(f.mac, MAC_B, 6);
	macs_local_fdb(g.macs, &f, false);
	f.state = NUD_NOARP; /* static */
	memcpy(f.mac, MAC_C, 6);
	macs_local_fdb(g.macs, &f, false);
	f.ifindex = VX; /* the VXLAN port: never local */
	memcpy(f.mac, MAC_D, 6);
	f.state = NUD_REACHABLE;
	macs_local_fdb(g.macs, &f, false);
	assert_int_equal(fx_counts(&g).local, 2);
	assert_false(fx_local(&g, BR, MAC_A)->flags & MENT_STICKY);
	assert_true(fx_local(&g, BR, MAC_C)->flags & MENT_STICKY);
	f.ifindex = PORT;
	memcpy(f.mac, MAC_A, 6);
	macs_local_fdb(g.macs, &f, true); /* aged out */
	assert_int_equal(fx_counts(&g).local, 1);
	engine_stop(&g);
}

/* A dump runs in slices while events and routes keep coming: each reply the kernel built may be
 * older than what evpnd learned meanwhile. News since the dump began must win over every reply. */
static void test_dump_meets_news(void **state)
{
	(void)state;
	struct engine g;
	init(&g);
	add_port(&g);
	engine_converged(&g, "test");

	/* before the dump: local A and B, remote C toward .1, flood entry toward .1 */
	struct nl_fdb la = local_ent(MAC_A), lb = local_ent(MAC_B);
	engine_fdb(&g, &la, false);
	engine_fdb(&g, &lb, false);
	mac_route(&g, MAC_C, 1, 1, false);
	imet_route(&g, 1, false);
	uint64_t q0 = g.kq.queued;
	assert_int_equal(q0, 2);

	engine_dump_begin(&g);
	/* news: A aged out, C moved to .3, D arrived, the flood entry's route withdrawn, E learned */
	engine_fdb(&g, &la, true);
	mac_route(&g, MAC_C, 3, 3, false);
	mac_route(&g, MAC_C, 1, 1, true);
	mac_route(&g, MAC_D, 1, 1, false);
	imet_route(&g, 1, true);
	struct nl_fdb le = local_ent(MAC_E);
	engine_fdb(&g, &le, false);
	uint64_t q1 = g.kq.queued;
	assert_int_equal(q1, q0 + 3); /* C replaced, D added, the flood entry deleted */

	/* replies built before the news: A and B local, C at .1, D absent, the flood entry there */
	const struct nl_fdb old[] = {
		la, lb,
		kent(MAC_C, 1, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE),
		kent(ZERO, 1, NTF_SELF, NUD_NOARP | NUD_PERMANENT),
	};
	for (size_t i = 0; i < 4; i++)
		engine_fdb_dumped(&g, &old[i]);
	engine_dump_end(&g);

	assert_null(fx_local(&g, BR, MAC_A));    /* not brought back by an older reply */
	assert_non_null(fx_local(&g, BR, MAC_B));
	assert_non_null(fx_local(&g, BR, MAC_E)); /* learned meanwhile, not in any reply: kept */
	struct nl_addr v3 = fx_vtep_addr(3);
	assert_int_equal(fx_remote(&g, VX, MAC_C)->vtep, vtep_index(&g.vteps, &v3)); /* not back to .1 */
	assert_false(fx_remote(&g, VX, MAC_C)->flags & MENT_STALE);
	assert_int_equal(g.flood.set.n, 0);      /* not adopted again */
	/* no request for the older replies, none for C and D at the end (the requests settled them) */
	assert_int_equal(g.kq.queued, q1);

	/* a reply for a MAC nobody touched and the kernel lacks is still put back at the end */
	engine_dump_begin(&g);
	engine_fdb_dumped(&g, &lb);
	engine_dump_end(&g);
	assert_int_equal(g.kq.queued, q1 + 2); /* C and D: the kernel did not report them */
	engine_stop(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_restart_then_converge),
		cmocka_unit_test(test_local_learning),
		cmocka_unit_test(test_dump_meets_news),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
