/* SPDX-License-Identifier: Apache-2.0 */
/* macs_ip.c: remote MAC+IP routes -> the neighbour entries evpnd wants on the bridge (and only
 * with arp-suppress on for the VNI), an IP moving between MACs, withdrawals that remove only their
 * own entry, entries deleted behind evpnd's back put back, and a previous run's entries adopted
 * until convergence. The kernel is absent (g->nl NULL): requests are counted in g->kq.queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>

#include "macs.h"
#include "evpn.h"
#include "agent_fixture.h"
#include "engine.h"
#include "wire.h"

#define BR 3
#define VX 4
#define PORT 5

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa }, MAC_B[6] = { 0x02, 0, 0, 0, 0, 0xb };
static struct config cfg;
static struct cfg_vni cv;

static struct nl_addr v4(uint8_t a, uint8_t b, uint8_t last)
{
	struct nl_addr x;
	memset(&x, 0, sizeof x);
	x.af = AF_INET;
	x.a[0] = 10;
	x.a[1] = a;
	x.a[2] = b;
	x.a[3] = last;
	return x;
}

static void setup_glue(struct engine *g, bool global_on)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.g.asn = 64512;
	cfg.g.router_id = 0x0a580002;
	cfg.arp_suppress = global_on;
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
	fixture_vni(g, BR, VX, 0, 100);
	assert_true(vt_by_vni(&g->vt, 100)->attached);
}

/* A remote MAC+IP route for (mac, 10.1.0.ip) from VTEP 10.88.0.last, or its withdrawal. */
static void route(struct engine *g, const uint8_t mac[6], uint8_t ip, uint8_t last, bool withdraw)
{
	fixture_mac_route(g, mac, 0x0a010000u | ip, last, last, NULL, 0, withdraw);
}

/* The MAC evpnd has installed for 10.1.0.ip on the bridge: 0 none, else its last byte. */
static int neigh(struct engine *g, uint8_t ip)
{
	struct ipaddr a;
	ipaddr_from_v4(&a, 0x0a010000u | ip);
	struct macs_neigh e;
	return macs_neigh_remote_get(g->macs, BR, &a, &e) ? e.mac[5] : 0;
}

static void test_remote_install(void **state)
{
	struct engine g;
	uint64_t q;
	(void)state;

	setup_glue(&g, true);
	route(&g, MAC_A, 7, 3, false);
	assert_int_equal(neigh(&g, 7), 0xa);
	q = g.kq.queued;
	route(&g, MAC_A, 7, 3, false); /* the same again (an attribute change): nothing to write */
	assert_int_equal(g.kq.queued, q);
	/* the IP moves to another MAC (a new VM) before the old route is withdrawn */
	route(&g, MAC_B, 7, 5, false);
	assert_int_equal(neigh(&g, 7), 0xb);
	route(&g, MAC_A, 7, 3, true);  /* not the installed entry's route: left alone */
	assert_int_equal(neigh(&g, 7), 0xb);
	route(&g, MAC_B, 7, 5, true);
	assert_int_equal(neigh(&g, 7), 0);
	assert_int_equal(fx_counts(&g).neigh_remote, 0);
	/* a route from our own VTEP is not installed */
	route(&g, MAC_A, 8, 2, false);
	assert_int_equal(neigh(&g, 8), 0);
	engine_stop(&g);
}

static void test_off_and_override(void **state)
{
	struct engine g;
	(void)state;

	setup_glue(&g, false);
	route(&g, MAC_A, 7, 3, false);
	assert_int_equal(neigh(&g, 7), 0); /* off by default */
	engine_stop(&g);

	/* [vni 100] arp-suppress = yes overrides [global]'s no */
	memset(&cv, 0, sizeof cv);
	cv.vni = 100;
	cv.arp_suppress_set = true;
	cv.arp_suppress = true;
	setup_glue(&g, false);
	cfg.vni = &cv;
	cfg.nvni = 1;
	route(&g, MAC_A, 7, 3, false);
	assert_int_equal(neigh(&g, 7), 0xa);
	engine_stop(&g);
	/* and the other way */
	cv.arp_suppress = false;
	setup_glue(&g, true);
	cfg.vni = &cv;
	cfg.nvni = 1;
	route(&g, MAC_A, 7, 3, false);
	assert_int_equal(neigh(&g, 7), 0);
	engine_stop(&g);
}

static struct nl_neigh kernel_entry(uint8_t ip, const uint8_t mac[6], uint16_t state, uint8_t flags)
{
	struct nl_neigh n;
	memset(&n, 0, sizeof n);
	n.ifindex = BR;
	n.ip = v4(1, 0, ip);
	memcpy(n.mac, mac, 6);
	n.has_mac = true;
	n.state = state;
	n.flags = flags;
	return n;
}

static void test_kernel_events(void **state)
{
	struct engine g;
	struct nl_neigh n;
	uint64_t q;
	(void)state;

	setup_glue(&g, true);
	/* at start: a previous run's entry is adopted as stale, a route claims it without a write */
	n = kernel_entry(7, MAC_A, NUD_NOARP, NTF_EXT_LEARNED);
	macs_neigh_event(g.macs, &n, false);
	n = kernel_entry(9, MAC_B, NUD_NOARP, NTF_EXT_LEARNED);
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(neigh(&g, 7), 0xa);
	q = g.kq.queued;
	route(&g, MAC_A, 7, 3, false);
	assert_int_equal(g.kq.queued, q + 1); /* the MAC's FDB entry; no neighbour request */
	q = g.kq.queued;
	/* convergence removes the unclaimed one */
	macs_converged(g.macs);
	assert_int_equal(g.kq.queued, q + 1);
	assert_int_equal(neigh(&g, 9), 0);
	assert_int_equal(neigh(&g, 7), 0xa);
	/* ours deleted behind our back: put back */
	n = kernel_entry(7, MAC_A, NUD_NOARP, NTF_EXT_LEARNED);
	macs_neigh_event(g.macs, &n, true);
	assert_int_equal(g.kq.queued, q + 2);
	assert_int_equal(neigh(&g, 7), 0xa);
	/* `ip neigh del` first reports it FAILED, without extern_learn: ours all the same */
	n = kernel_entry(7, MAC_A, NUD_FAILED, 0);
	n.has_mac = false;
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(g.kq.queued, q + 3);
	assert_int_equal(fx_counts(&g).neigh_local, 0);
	/* the echo of our own request changes nothing */
	n = kernel_entry(7, MAC_A, NUD_NOARP, NTF_EXT_LEARNED);
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(g.kq.queued, q + 3);
	/* a locally learned neighbour is tracked, not installed; it goes when it fails */
	n = kernel_entry(20, MAC_B, NUD_REACHABLE, 0);
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(fx_counts(&g).neigh_local, 1);
	assert_int_equal(neigh(&g, 20), 0);
	n = kernel_entry(20, MAC_B, NUD_FAILED, 0);
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(fx_counts(&g).neigh_local, 0);
	/* not a managed bridge: ignored */
	n = kernel_entry(21, MAC_B, NUD_REACHABLE, 0);
	n.ifindex = 99;
	macs_neigh_event(g.macs, &n, false);
	assert_int_equal(fx_counts(&g).neigh_local, 0);
	engine_stop(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_install),
		cmocka_unit_test(test_off_and_override),
		cmocka_unit_test(test_kernel_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
