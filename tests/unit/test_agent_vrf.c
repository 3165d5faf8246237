/* SPDX-License-Identifier: Apache-2.0 */
/* Routed tenants as the kernel has them (vni.c, vrf_view.c): the L3 VNI's VXLAN device of a [vrf]
 * section is never an L2 VNI (no type-3 route, no flood entry, no MAC routes: FRR sends none for
 * it and ignores ours), and the tenant is discovered from the links as FRR and Proxmox build it:
 * a VRF device, the L3 VNI's VXLAN device in a bridge (the router MAC) enslaved to it, and the L2
 * VNIs whose bridges are enslaved to it. Links are handed to the engine as netlink reports them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "agent_fixture.h"
#include "engine.h"
#include "vrf_view.h"

enum { VRF = 2, BRL3 = 3, VXL3 = 4, BR100 = 5, VX100 = 6, PORT = 7, BR200 = 8, VX200 = 9 };

static struct config cfg;
static struct cfg_vrf vrf;

static void init(struct engine *g)
{
	fx_tenant_config(&cfg, &vrf);
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
}

static void link_ev(struct engine *g, int ifindex, uint8_t kind, int master, const char *name,
		    uint32_t vni, bool up)
{
	fx_link(g, ifindex, kind, master, name, vni, up, false);
}

/* The model of docs/wire.md ("Symmetric IRB") on one hypervisor: vrf-t (table 1000), br-l3 in it holding
 * vx-l3 (VNI 4000), and br100 (the anycast gateway's SVI) in it holding vx100 and a VM port. */
static void tenant(struct engine *g)
{
	link_ev(g, VRF, NL_LINK_VRF, 0, "vrf-t", 0, true);
	link_ev(g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, true);
	link_ev(g, VXL3, NL_LINK_VXLAN, BRL3, "vx-l3", 4000, true);
	link_ev(g, BR100, NL_LINK_BRIDGE, VRF, "br100", 0, true);
	link_ev(g, VX100, NL_LINK_VXLAN, BR100, "vx100", 100, true);
	link_ev(g, PORT, NL_LINK_OTHER, BR100, "vm1", 0, true);
}

static void test_l3vni_is_not_l2(void **state)
{
	struct engine g;
	struct vrf_view w;
	uint32_t l2[4];

	(void)state;
	init(&g);
	tenant(&g);
	/* VNI 100 is an L2 VNI, up; 4000 is no VNI at all: nothing of L2 is ever done with it */
	assert_non_null(vt_by_vni(&g.vt, 100));
	assert_true(vt_by_vni(&g.vt, 100)->active);
	assert_null(vt_by_vni(&g.vt, 4000));
	assert_int_equal(g.vt.count, 1);
	vrf_view(&g.vt, &vrf, &w);
	assert_true(w.up);
	assert_int_equal(w.vrf, VRF);
	assert_int_equal(w.table, 1000);
	assert_int_equal(w.vxlan, VXL3);
	assert_int_equal(w.bridge, BRL3);
	assert_true(w.bridge_in_vrf);
	assert_memory_equal(w.router_mac, "\x02\x00\x00\x00\x30\x01", 6);
	assert_int_equal(vrf_l2_vnis(&g.vt, w.vrf, l2, 4), 1);
	assert_int_equal(l2[0], 100);
	/* VNI 100's MAC+IP routes now carry the L3 VNI and the router MAC (advertise.c) */
	assert_int_equal(vt_by_vni(&g.vt, 100)->l3vni, 4000);
	assert_memory_equal(vt_by_vni(&g.vt, 100)->rmac, "\x02\x00\x00\x00\x30\x01", 6);
	/* a second L2 VNI outside the VRF is not the tenant's */
	link_ev(&g, BR200, NL_LINK_BRIDGE, 0, "br200", 0, true);
	link_ev(&g, VX200, NL_LINK_VXLAN, BR200, "vx200", 200, true);
	assert_int_equal(vrf_l2_vnis(&g.vt, w.vrf, l2, 4), 1);
	assert_int_equal(vt_by_vni(&g.vt, 200)->l3vni, 0);
	/* ... until its bridge joins it: L2 VNIs belong to a tenant by the kernel, not by config */
	link_ev(&g, BR200, NL_LINK_BRIDGE, VRF, "br200", 0, true);
	assert_int_equal(vrf_l2_vnis(&g.vt, w.vrf, l2, 4), 2);
	assert_int_equal(l2[0], 100);
	assert_int_equal(l2[1], 200);
	assert_int_equal(vt_by_vni(&g.vt, 200)->l3vni, 4000);
	/* the tenant down (its L3 bridge down): no L3 part in any route of it */
	link_ev(&g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, false);
	assert_int_equal(vt_by_vni(&g.vt, 100)->l3vni, 0);
	assert_int_equal(vt_by_vni(&g.vt, 200)->l3vni, 0);
	link_ev(&g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, true);
	assert_int_equal(vt_by_vni(&g.vt, 100)->l3vni, 4000);
	engine_stop(&g);
}

/* What is missing is said, in the order an operator builds it. */
static void test_incomplete(void **state)
{
	struct engine g;
	struct vrf_view w;

	(void)state;
	init(&g);
	vrf_view(&g.vt, &vrf, &w);
	assert_false(w.up);
	assert_string_equal(w.why, "no VRF device vrf-t");
	link_ev(&g, VRF, NL_LINK_VRF, 0, "vrf-t", 0, true);
	vrf_view(&g.vt, &vrf, &w);
	assert_string_equal(w.why, "no VXLAN device with VNI 4000");
	link_ev(&g, VXL3, NL_LINK_VXLAN, 0, "vx-l3", 4000, true);
	vrf_view(&g.vt, &vrf, &w);
	assert_string_equal(w.why, "VXLAN device vx-l3 is not in a bridge");
	assert_null(vt_by_vni(&g.vt, 4000)); /* not an L2 VNI even before it is complete */
	link_ev(&g, BRL3, NL_LINK_BRIDGE, 0, "br-l3", 0, true);
	link_ev(&g, VXL3, NL_LINK_VXLAN, BRL3, "vx-l3", 4000, true);
	vrf_view(&g.vt, &vrf, &w);
	assert_string_equal(w.why, "bridge br-l3 is not in VRF vrf-t");
	link_ev(&g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, false);
	vrf_view(&g.vt, &vrf, &w);
	assert_string_equal(w.why, "br-l3 is down");
	link_ev(&g, BRL3, NL_LINK_BRIDGE, VRF, "br-l3", 0, true);
	vrf_view(&g.vt, &vrf, &w);
	assert_true(w.up);
	assert_null(vt_by_vni(&g.vt, 4000));
	/* the device given another VNI becomes an L2 VNI like any other */
	link_ev(&g, VXL3, NL_LINK_VXLAN, BRL3, "vx-l3", 300, true);
	assert_non_null(vt_by_vni(&g.vt, 300));
	vrf_view(&g.vt, &vrf, &w);
	assert_string_equal(w.why, "no VXLAN device with VNI 4000");
	/* and back: the L2 VNI goes */
	link_ev(&g, VXL3, NL_LINK_VXLAN, BRL3, "vx-l3", 4000, true);
	assert_null(vt_by_vni(&g.vt, 300));
	assert_null(vt_by_vni(&g.vt, 4000));
	engine_stop(&g);
}

/* A VLAN-aware bridge's VLAN mapped to the L3 VNI carries no L2 segment either. */
static void test_vlan_map_skips_l3vni(void **state)
{
	struct engine g;
	struct nl_link l;
	struct nl_vlan_tunnel m[2] = { { 10, 1010 }, { 40, 4000 } };

	(void)state;
	init(&g);
	memset(&l, 0, sizeof l);
	l.ifindex = 20;
	l.kind = NL_LINK_BRIDGE;
	l.up = true;
	l.vlan_filtering = true;
	strcpy(l.name, "br0");
	vt_link_event(&g.vt, &l, false);
	memset(&l, 0, sizeof l);
	l.ifindex = 21;
	l.kind = NL_LINK_VXLAN;
	l.master = 20;
	l.up = true;
	l.external = true;
	l.local.af = AF_INET;
	memcpy(l.local.a, "\x0a\x58\x00\x02", 4);
	l.dstport = 4789;
	strcpy(l.name, "vxs");
	vt_link_event(&g.vt, &l, false);
	vt_vlan_map(&g.vt, 21, m, 2);
	assert_non_null(vt_by_vni(&g.vt, 1010));
	assert_null(vt_by_vni(&g.vt, 4000));
	engine_stop(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l3vni_is_not_l2),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_vlan_map_skips_l3vni),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
