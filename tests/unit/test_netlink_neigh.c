/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/neigh.c: IP neighbour and neigh_suppress requests byte for byte (what `ip neigh replace
 * ... nud noarp extern_learn` and `bridge link set dev X neigh_suppress on` send), and neighbour
 * events parsed, malformed ones rejected. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"
#include "testutil.h"

static uint8_t buf[4096] __attribute__((aligned(4)));
static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x01 };

static void check_bytes(int n, const char *hex)
{
	uint8_t want[256];
	long len = hex_decode(hex, want, sizeof(want));

	assert_true(len > 0);
	assert_int_equal(n, len);
	assert_memory_equal(buf, want, (size_t)len);
}

static void test_encode_v4(void **state)
{
	struct nl_neigh n = { 0 };
	(void)state;

	n.ifindex = 5;
	n.ip.af = AF_INET;
	inet_pton(AF_INET, "192.168.100.2", n.ip.a);
	memcpy(n.mac, mac, 6);
	n.has_mac = true;
	n.state = NUD_NOARP;
	n.flags = NTF_EXT_LEARNED;
	memset(buf, 0xee, sizeof(buf));
	check_bytes(nl_neigh_encode(buf, sizeof(buf), NL_NEIGH_REPLACE, &n, 7),
		    "30000000" "1c00" "0505" "07000000" "00000000"  /* NEWNEIGH, req|ack|replace|create */
		    "02000000" "05000000" "4000" "10" "00"         /* AF_INET, br, NOARP, extern_learn */
		    "08000100" "c0a86402"                          /* NDA_DST */
		    "0a000200" "020000000201" "0000");             /* NDA_LLADDR */
	/* a delete names the entry by device and IP alone */
	check_bytes(nl_neigh_encode(buf, sizeof(buf), NL_NEIGH_DEL, &n, 8),
		    "24000000" "1d00" "0500" "08000000" "00000000"
		    "02000000" "05000000" "4000" "10" "00"
		    "08000100" "c0a86402");
}

static void test_encode_v6_roundtrip(void **state)
{
	struct nl_neigh n = { 0 }, out;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int len;
	(void)state;

	n.ifindex = 3;
	n.ip.af = AF_INET6;
	inet_pton(AF_INET6, "fd00:100::2", n.ip.a);
	memcpy(n.mac, mac, 6);
	n.has_mac = true;
	n.state = NUD_NOARP;
	n.flags = NTF_EXT_LEARNED;
	len = nl_neigh_encode(buf, sizeof(buf), NL_NEIGH_REPLACE, &n, 9);
	assert_int_equal(len, 16 + 12 + 20 + 12);
	assert_true(len <= NL_FDB_REQ_MAX);
	assert_int_equal(nl_neigh_parse(nlh, &out), 0);
	assert_memory_equal(&n, &out, sizeof(n));
	/* not a neighbour op, no family, too small a buffer */
	assert_int_equal(nl_neigh_encode(buf, sizeof(buf), NL_FDB_REPLACE, &n, 9), -1);
	assert_int_equal(nl_neigh_encode(buf, 64, NL_NEIGH_REPLACE, &n, 9), -1);
	n.ip.af = 0;
	assert_int_equal(nl_neigh_encode(buf, sizeof(buf), NL_NEIGH_DEL, &n, 9), -1);
}

static void test_encode_suppress(void **state)
{
	struct nl_neigh n = { 0 };
	(void)state;

	n.ifindex = 4;
	n.state = 1;
	check_bytes(nl_neigh_encode(buf, sizeof(buf), NL_PORT_SUPPRESS, &n, 10),
		    "2c000000" "1300" "0500" "0a000000" "00000000"  /* SETLINK, req|ack */
		    "07000000" "04000000" "00000000" "00000000"    /* AF_BRIDGE, vx100 */
		    "0c000c80"                                     /* IFLA_PROTINFO | NLA_F_NESTED */
		    "05002000" "01000000");                        /* IFLA_BRPORT_NEIGH_SUPPRESS = 1 */
	n.state = 0;
	nl_neigh_encode(buf, sizeof(buf), NL_PORT_SUPPRESS, &n, 11);
	assert_int_equal(buf[40], 0);
}

static struct nlmsghdr *msg(uint8_t family, int ifindex, uint16_t state)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	return nlh;
}

static void test_parse(void **state)
{
	static const uint8_t ip4[4] = { 192, 168, 100, 1 }, ip6[16] = { 0xfd };
	struct nl_neigh n;
	struct nlmsghdr *nlh;
	(void)state;

	nlh = msg(AF_INET, 6, NUD_REACHABLE);
	mnl_attr_put(nlh, NDA_DST, 4, ip4);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	assert_int_equal(nl_neigh_parse(nlh, &n), 0);
	assert_int_equal(n.ifindex, 6);
	assert_int_equal(n.ip.af, AF_INET);
	assert_memory_equal(n.ip.a, ip4, 4);
	assert_true(n.has_mac);
	assert_memory_equal(n.mac, mac, 6);
	assert_int_equal(n.state, NUD_REACHABLE);

	/* incomplete: no lladdr, still an entry */
	nlh = msg(AF_INET6, 6, NUD_INCOMPLETE);
	mnl_attr_put(nlh, NDA_DST, 16, ip6);
	assert_int_equal(nl_neigh_parse(nlh, &n), 0);
	assert_false(n.has_mac);
	assert_int_equal(n.ip.af, AF_INET6);

	/* AF_BRIDGE is the FDB's */
	nlh = msg(AF_BRIDGE, 6, NUD_REACHABLE);
	assert_int_equal(nl_neigh_parse(nlh, &n), 1);
	/* a v4 entry with a 16-byte address, no address at all, ifindex 0, a truncated ndmsg */
	nlh = msg(AF_INET, 6, NUD_REACHABLE);
	mnl_attr_put(nlh, NDA_DST, 16, ip6);
	assert_int_equal(nl_neigh_parse(nlh, &n), -1);
	nlh = msg(AF_INET, 6, NUD_REACHABLE);
	assert_int_equal(nl_neigh_parse(nlh, &n), -1);
	nlh = msg(AF_INET, 0, NUD_REACHABLE);
	mnl_attr_put(nlh, NDA_DST, 4, ip4);
	assert_int_equal(nl_neigh_parse(nlh, &n), -1);
	nlh = msg(AF_INET, 6, NUD_REACHABLE);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(nl_neigh_parse(nlh, &n), -1);
	/* an attribute that claims more than the message holds */
	nlh = msg(AF_INET, 6, NUD_REACHABLE);
	mnl_attr_put(nlh, NDA_DST, 4, ip4);
	nlh->nlmsg_len -= 4;
	assert_int_equal(nl_neigh_parse(nlh, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_v4),
		cmocka_unit_test(test_encode_v6_roundtrip),
		cmocka_unit_test(test_encode_suppress),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
