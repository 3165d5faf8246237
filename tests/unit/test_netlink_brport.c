/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/brport.c: a bridge port's VLAN tunnel map from AF_BRIDGE link messages, built here the
 * way the bridge lays them out (br_fill_vlan_tunnel_info: single entries, and ranges of
 * consecutive VLANs on consecutive VNIs as a RANGE_BEGIN + RANGE_END pair). This kernel has no
 * VLAN-aware bridges; the real messages are exercised by svd_lab.sh inside scripts/vm.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

static uint8_t buf[8192] __attribute__((aligned(4)));
static struct nl_vlan_tunnel map[NL_VLAN_MAX];

static struct nlmsghdr *link_msg(uint8_t family, int ifindex, uint16_t type)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = family;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	return nlh;
}

static void tunnel(struct nlmsghdr *nlh, uint32_t vni, uint16_t vid, uint16_t flags)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, IFLA_BRIDGE_VLAN_TUNNEL_INFO);
	mnl_attr_put_u32(nlh, IFLA_BRIDGE_VLAN_TUNNEL_ID, vni);
	mnl_attr_put_u16(nlh, IFLA_BRIDGE_VLAN_TUNNEL_VID, vid);
	mnl_attr_put_u16(nlh, IFLA_BRIDGE_VLAN_TUNNEL_FLAGS, flags);
	mnl_attr_nest_end(nlh, t);
}

static void vlan_info(struct nlmsghdr *nlh, uint16_t vid)
{
	struct bridge_vlan_info vi = { .flags = 0, .vid = vid };
	mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
}

static int parse(struct nlmsghdr *nlh, int *ifindex, size_t *n)
{
	return nl_brport_parse(nlh, ifindex, map, NL_VLAN_MAX, n);
}

static void test_single_and_range(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	int ifindex = 0;
	size_t n = 99;

	vlan_info(nlh, 10);
	tunnel(nlh, 1010, 10, 0);
	tunnel(nlh, 2000, 20, BRIDGE_VLAN_INFO_RANGE_BEGIN);
	tunnel(nlh, 2003, 23, BRIDGE_VLAN_INFO_RANGE_END);
	mnl_attr_nest_end(nlh, spec);
	assert_int_equal(parse(nlh, &ifindex, &n), 0);
	assert_int_equal(ifindex, 9);
	assert_int_equal(n, 5);
	assert_int_equal(map[0].vlan, 10);
	assert_int_equal(map[0].vni, 1010);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(map[1 + i].vlan, 20 + i);
		assert_int_equal(map[1 + i].vni, 2000u + (unsigned)i);
	}
}

static void test_no_spec_is_not_a_map(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	int ifindex;
	size_t n;

	/* rtnl_bridge_notify's messages carry no VLAN information: they must not empty a map */
	assert_int_equal(parse(nlh, &ifindex, &n), 1);
	/* a spec with VLANs but no tunnel entries is an empty map (vlan_tunnel off, or none) */
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	vlan_info(nlh, 10);
	mnl_attr_nest_end(nlh, spec);
	assert_int_equal(parse(nlh, &ifindex, &n), 0);
	assert_int_equal(n, 0);
}

static void test_dellink_empties(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_DELLINK);
	int ifindex = 0;
	size_t n = 5;

	assert_int_equal(parse(nlh, &ifindex, &n), 0);
	assert_int_equal(ifindex, 9);
	assert_int_equal(n, 0);
}

static void test_other_family(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_UNSPEC, 9, RTM_NEWLINK);
	int ifindex;
	size_t n;

	assert_int_equal(parse(nlh, &ifindex, &n), 1);
}

/* Each malformed layout: rejected whole (-1), never a partial map. */
static void test_malformed(void **state)
{
	static const struct { uint32_t vni[2]; uint16_t vid[2], flags[2]; int count; } bad[] = {
		{ { 100, 0 }, { 0, 0 }, { 0, 0 }, 1 },                  /* VLAN 0 */
		{ { 100, 0 }, { 4095, 0 }, { 0, 0 }, 1 },               /* VLAN 4095 */
		{ { 0, 0 }, { 10, 0 }, { 0, 0 }, 1 },                   /* VNI 0 */
		{ { 1u << 24, 0 }, { 10, 0 }, { 0, 0 }, 1 },            /* VNI past 24 bits */
		{ { 100, 0 }, { 10, 0 }, { BRIDGE_VLAN_INFO_RANGE_BEGIN, 0 }, 1 }, /* open range */
		{ { 100, 105 }, { 10, 12 }, { BRIDGE_VLAN_INFO_RANGE_BEGIN, BRIDGE_VLAN_INFO_RANGE_END }, 2 },
		{ { 100, 102 }, { 12, 10 }, { BRIDGE_VLAN_INFO_RANGE_BEGIN, BRIDGE_VLAN_INFO_RANGE_END }, 2 },
		{ { 100, 102 }, { 10, 12 }, { BRIDGE_VLAN_INFO_RANGE_END, 0 }, 2 },   /* end first */
		{ { 100, 102 }, { 10, 12 }, { BRIDGE_VLAN_INFO_RANGE_BEGIN, BRIDGE_VLAN_INFO_RANGE_BEGIN }, 2 },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
		struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
		int ifindex;
		size_t n;
		for (int i = 0; i < bad[k].count; i++)
			tunnel(nlh, bad[k].vni[i], bad[k].vid[i], bad[k].flags[i]);
		mnl_attr_nest_end(nlh, spec);
		assert_int_equal(parse(nlh, &ifindex, &n), -1);
	}
}

static void test_wrong_sizes(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *t = mnl_attr_nest_start(nlh, IFLA_BRIDGE_VLAN_TUNNEL_INFO);
	int ifindex;
	size_t n;

	mnl_attr_put_u16(nlh, IFLA_BRIDGE_VLAN_TUNNEL_ID, 100); /* a u32 as a u16 */
	mnl_attr_put_u16(nlh, IFLA_BRIDGE_VLAN_TUNNEL_VID, 10);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, spec);
	assert_int_equal(parse(nlh, &ifindex, &n), -1);

	/* a tunnel entry without its VID */
	nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	t = mnl_attr_nest_start(nlh, IFLA_BRIDGE_VLAN_TUNNEL_INFO);
	mnl_attr_put_u32(nlh, IFLA_BRIDGE_VLAN_TUNNEL_ID, 100);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, spec);
	assert_int_equal(parse(nlh, &ifindex, &n), -1);

	/* a nest whose length runs past the message: no map from it, and nothing read past it */
	nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	tunnel(nlh, 1010, 10, 0);
	mnl_attr_nest_end(nlh, spec);
	nlh->nlmsg_len -= 8;
	assert_int_not_equal(parse(nlh, &ifindex, &n), 0);
}

/* The most a port can have: 4094 VLANs, as one range. */
static void test_full_range(void **state)
{
	struct nlmsghdr *nlh = link_msg(AF_BRIDGE, 9, RTM_NEWLINK);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	int ifindex;
	size_t n;

	tunnel(nlh, 10001, 1, BRIDGE_VLAN_INFO_RANGE_BEGIN);
	tunnel(nlh, 14094, 4094, BRIDGE_VLAN_INFO_RANGE_END);
	mnl_attr_nest_end(nlh, spec);
	assert_int_equal(parse(nlh, &ifindex, &n), 0);
	assert_int_equal(n, 4094);
	assert_int_equal(map[4093].vlan, 4094);
	assert_int_equal(map[4093].vni, 14094);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_and_range),
		cmocka_unit_test(test_no_spec_is_not_a_map),
		cmocka_unit_test(test_dellink_empties),
		cmocka_unit_test(test_other_family),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_wrong_sizes),
		cmocka_unit_test(test_full_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
