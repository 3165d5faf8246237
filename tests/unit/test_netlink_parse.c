/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/ parsing and encoding on hand-built messages: every field, and malformed attributes
 * (wrong sizes, truncation, missing NULs) rejected without reading past them. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "nl_int.h"

static uint8_t buf[4096] __attribute__((aligned(4)));

static struct nlmsghdr *neigh_msg(uint8_t family, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_REACHABLE;
	ndm->ndm_flags = NTF_SELF | NTF_EXT_LEARNED;
	return nlh;
}

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t dst4[4] = { 10, 0, 0, 2 };

static void test_fdb_fields(void **state)
{
	struct nlmsghdr *nlh = neigh_msg(AF_BRIDGE, 7);
	struct nl_fdb f;

	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put(nlh, NDA_DST, 4, dst4);
	mnl_attr_put_u32(nlh, NDA_MASTER, 3);
	mnl_attr_put_u16(nlh, NDA_VLAN, 10);
	mnl_attr_put_u32(nlh, NDA_VNI, 100);
	mnl_attr_put_u8(nlh, NDA_PROTOCOL, 186);
	mnl_attr_put_u16(nlh, NDA_PORT, htons(4789)); /* not read, must not disturb */
	assert_int_equal(nl_fdb_parse(nlh, &f), 0);
	assert_int_equal(f.ifindex, 7);
	assert_int_equal(f.master, 3);
	assert_memory_equal(f.mac, mac, 6);
	assert_int_equal(f.vlan, 10);
	assert_int_equal(f.state, NUD_REACHABLE);
	assert_int_equal(f.flags, NTF_SELF | NTF_EXT_LEARNED);
	assert_int_equal(f.protocol, 186);
	assert_int_equal(f.dst.af, AF_INET);
	assert_memory_equal(f.dst.a, dst4, 4);
	assert_int_equal(f.vni, 100);
}

static void test_fdb_not_bridge(void **state)
{
	struct nlmsghdr *nlh = neigh_msg(AF_INET, 7);
	struct nl_fdb f;

	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	assert_int_equal(nl_fdb_parse(nlh, &f), 1);
}

static void test_fdb_malformed(void **state)
{
	uint8_t big[20] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_fdb f;

	/* short NDA_LLADDR */
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 5, mac);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* oversized NDA_DST, and one between the two legal sizes */
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put(nlh, NDA_DST, 20, big);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put(nlh, NDA_DST, 8, big);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* a 2-byte NDA_MASTER, a 4-byte NDA_VLAN, a 2-byte NDA_VNI */
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put_u16(nlh, NDA_MASTER, 3);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put_u32(nlh, NDA_VLAN, 3);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put_u16(nlh, NDA_VNI, 3);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* no MAC at all */
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_DST, 4, dst4);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* an NDA_LLADDR whose nla_len runs past the message: never read */
	nlh = neigh_msg(AF_BRIDGE, 7);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	nlh->nlmsg_len -= 4;
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* a payload shorter than struct ndmsg */
	nlh = neigh_msg(AF_BRIDGE, 7);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
	/* no ifindex */
	nlh = neigh_msg(AF_BRIDGE, 0);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	assert_int_equal(nl_fdb_parse(nlh, &f), -1);
}

/* What goes out is what FRR sends (docs/wire.md), and reads back as the same entry. */
static void test_fdb_encode(void **state)
{
	struct nl_fdb in = { 0 }, out;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int n;

	in.ifindex = 4;
	in.master = 2;
	memcpy(in.mac, mac, 6);
	in.state = NUD_REACHABLE;
	in.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED;
	in.protocol = 11;
	in.dst.af = AF_INET6;
	inet_pton(AF_INET6, "fd00::2", in.dst.a);
	memset(buf, 0xee, sizeof(buf));
	n = nl_fdb_encode(buf, sizeof(buf), NL_FDB_REPLACE, &in, 77);
	assert_true(n > 0 && n <= NL_FDB_REQ_MAX);
	assert_int_equal(nlh->nlmsg_len, n);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWNEIGH);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(nlh->nlmsg_seq, 77);
	assert_int_equal(nl_fdb_parse(nlh, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));

	n = nl_fdb_encode(buf, sizeof(buf), NL_FDB_APPEND, &in, 78);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND);
	n = nl_fdb_encode(buf, sizeof(buf), NL_FDB_DEL, &in, 79);
	assert_int_equal(nlh->nlmsg_type, RTM_DELNEIGH);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	/* absent fields send no attribute: ndmsg + NDA_LLADDR only */
	memset(&in, 0, sizeof(in));
	in.ifindex = 4;
	n = nl_fdb_encode(buf, sizeof(buf), NL_FDB_DEL, &in, 80);
	assert_int_equal(n, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ndmsg)) + 12);
	assert_int_equal(nl_fdb_encode(buf, 64, NL_FDB_DEL, &in, 80), -1);
	assert_int_equal(nl_fdb_encode(buf, sizeof(buf), (enum nl_op)9, &in, 80), -1);
}

static struct nlmsghdr *link_msg(const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 9;
	ifi->ifi_flags = IFF_UP;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static void put_vxlan(struct nlmsghdr *nlh, size_t local_len)
{
	uint8_t local[16] = { 10, 0, 0, 1 };
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	struct nlattr *data;

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, 100);
	mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, local_len, local);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(4789));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

static void test_link_vxlan(void **state)
{
	struct nlmsghdr *nlh = link_msg("vx0");
	uint8_t lladdr[6] = { 2, 0, 0, 0, 0, 9 };
	uint8_t local[4] = { 10, 0, 0, 1 };
	struct nl_link l;

	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, lladdr);
	put_vxlan(nlh, 4);
	assert_int_equal(nl_link_parse(nlh, &l), 0);
	assert_int_equal(l.ifindex, 9);
	assert_string_equal(l.name, "vx0");
	assert_int_equal(l.kind, NL_LINK_VXLAN);
	assert_int_equal(l.master, 3);
	assert_true(l.up);
	assert_memory_equal(l.mac, lladdr, 6);
	assert_int_equal(l.vni, 100);
	assert_int_equal(l.local.af, AF_INET);
	assert_memory_equal(l.local.a, local, 4);
	assert_int_equal(l.dstport, 4789);
	assert_false(l.learning);
	assert_true(l.external);
}

static void test_link_bridge_and_odd_address(void **state)
{
	struct nlmsghdr *nlh = link_msg("br0");
	uint8_t tun[4] = { 1, 2, 3, 4 };
	struct nlattr *info;
	struct nl_link l;

	mnl_attr_put(nlh, IFLA_ADDRESS, 4, tun); /* a tunnel's address is not a MAC: left zero */
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	assert_int_equal(nl_link_parse(nlh, &l), 0);
	assert_int_equal(l.kind, NL_LINK_BRIDGE);
	assert_int_equal(l.mac[0] | l.mac[1] | l.mac[2] | l.mac[3], 0);
}

/* A VRF device (a routed tenant's, docs/wire.md): its kind and routing table; a table
 * attribute too short is malformed. */
static void test_link_vrf(void **state)
{
	struct nlmsghdr *nlh = link_msg("vrf-t");
	struct nlattr *info, *data;
	struct nl_link l;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vrf");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VRF_TABLE, 1000);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	assert_int_equal(nl_link_parse(nlh, &l), 0);
	assert_int_equal(l.kind, NL_LINK_VRF);
	assert_int_equal(l.vrf_table, 1000);
	assert_string_equal(l.name, "vrf-t");

	nlh = link_msg("vrf-u");
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vrf");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_VRF_TABLE, 1000);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	assert_int_equal(nl_link_parse(nlh, &l), -1);
}

/* The bridge's per-port view (ifi_family AF_BRIDGE) says nothing evpnd needs: it is skipped. */
static void test_link_bridge_port_view(void **state)
{
	struct nlmsghdr *nlh = link_msg("vx0");
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nl_link l;

	ifi->ifi_family = AF_BRIDGE;
	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	assert_int_equal(nl_link_parse(nlh, &l), 1);
}

static void test_link_malformed(void **state)
{
	char name[20];
	struct nlmsghdr *nlh;
	struct nl_link l;

	/* IFLA_VXLAN_LOCAL of 5 bytes */
	nlh = link_msg("vx0");
	put_vxlan(nlh, 5);
	assert_int_equal(nl_link_parse(nlh, &l), -1);
	/* a name too long for IFNAMSIZ */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	nlh = link_msg(name);
	assert_int_equal(nl_link_parse(nlh, &l), -1);
	/* a name without its NUL */
	nlh = link_msg(NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 3, "vx0");
	assert_int_equal(nl_link_parse(nlh, &l), -1);
	/* a 2-byte IFLA_MASTER */
	nlh = link_msg("vp0");
	mnl_attr_put_u16(nlh, IFLA_MASTER, 3);
	assert_int_equal(nl_link_parse(nlh, &l), -1);
	/* short ifinfomsg */
	nlh = link_msg(NULL);
	nlh->nlmsg_len = NLMSG_HDRLEN + 8;
	assert_int_equal(nl_link_parse(nlh, &l), -1);
}

/* A sendmsg's size follows what the last one cost: about NL_SENDMSG_MS, within bounds. */
static void test_batch_next(void **state)
{
	(void)state;
	/* cheap (small tables): the most */
	assert_int_equal(nl_batch_next(0, 256, 0.3, 256), 256);
	assert_int_equal(nl_batch_next(32, 32, 0.05, 256), 256);
	/* 256 took 50 ms (a million MACs): about 5 ms' worth next */
	assert_int_equal(nl_batch_next(256, 256, 50.0, 256), 25);
	/* slower still: never under NL_BATCH_MIN, so it still moves */
	assert_int_equal(nl_batch_next(25, 25, 500.0, 256), NL_BATCH_MIN);
	/* cheaper again: grows back */
	assert_int_equal(nl_batch_next(25, 25, 1.0, 256), 125);
	/* a few quick ones tell nothing: unchanged (and the most before any) */
	assert_int_equal(nl_batch_next(40, 3, 0.1, 256), 40);
	assert_int_equal(nl_batch_next(0, 3, 0.1, 256), 256);
	assert_int_equal(nl_batch_next(40, 0, 0.0, 256), 40);
	/* a few slow ones do */
	assert_int_equal(nl_batch_next(40, 4, 40.0, 256), NL_BATCH_MIN);
	/* within the caller's own maximum */
	assert_int_equal(nl_batch_next(0, 100, 0.1, 64), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdb_fields),
		cmocka_unit_test(test_fdb_not_bridge),
		cmocka_unit_test(test_fdb_malformed),
		cmocka_unit_test(test_fdb_encode),
		cmocka_unit_test(test_link_vxlan),
		cmocka_unit_test(test_link_bridge_and_odd_address),
		cmocka_unit_test(test_link_vrf),
		cmocka_unit_test(test_link_bridge_port_view),
		cmocka_unit_test(test_link_malformed),
		cmocka_unit_test(test_batch_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
