/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/route.c: a tenant's route requests byte for byte (what `ip route replace 10.2.0.12/32 via
 * 10.93.0.2 dev br-l3 onlink table 1000 proto bgp metric 20` sends), the IPv6-gateway form
 * (RTA_VIA), deletes, and what is refused before it reaches the kernel. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"
#include "testutil.h"

static uint8_t buf[4096] __attribute__((aligned(4)));

static void check_bytes(int n, const char *hex)
{
	uint8_t want[256];
	long len = hex_decode(hex, want, sizeof(want));

	assert_true(len > 0);
	assert_int_equal(n, len);
	assert_memory_equal(buf, want, (size_t)len);
}

static struct nl_route route(const char *dst, uint8_t plen, const char *gw)
{
	struct nl_route r;

	memset(&r, 0, sizeof r);
	r.table = 1000;
	r.dst.af = strchr(dst, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(r.dst.af, dst, r.dst.a), 1);
	r.plen = plen;
	if (gw) {
		r.gw.af = strchr(gw, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(r.gw.af, gw, r.gw.a), 1);
	}
	r.oif = 3;
	return r;
}

static void test_host_route_v4(void **state)
{
	struct nl_route r = route("10.2.0.12", 32, "10.93.0.2");
	(void)state;

	memset(buf, 0xee, sizeof(buf));
	check_bytes(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 7),
		    "44000000" "1800" "0505" "07000000" "00000000" /* NEWROUTE, req|ack|replace|create */
		    "02" "20" "00" "00" "00" "ba" "00" "01"       /* AF_INET /32, table 0, bgp, universe, unicast */
		    "04000000"                                     /* RTNH_F_ONLINK */
		    "08000f00" "e8030000"                          /* RTA_TABLE 1000 */
		    "08000100" "0a02000c"                          /* RTA_DST */
		    "08000600" "14000000"                          /* RTA_PRIORITY 20 */
		    "08000400" "03000000"                          /* RTA_OIF */
		    "08000500" "0a5d0002");                        /* RTA_GATEWAY */
	/* a delete names the route by table, prefix and metric alone */
	check_bytes(nl_route_encode(buf, sizeof(buf), NL_ROUTE_DEL, &r, 8),
		    "34000000" "1900" "0500" "08000000" "00000000"
		    "02" "20" "00" "00" "00" "ba" "00" "01" "00000000"
		    "08000f00" "e8030000" "08000100" "0a02000c" "08000600" "14000000");
}

static void test_other_forms(void **state)
{
	struct nl_route r = route("192.0.2.0", 24, "fd99::2");
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	(void)state;

	/* an IPv4 prefix over an IPv6 VTEP: RTA_VIA (family, address), padded */
	check_bytes(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 9),
		    "54000000" "1800" "0505" "09000000" "00000000"
		    "02" "18" "00" "00" "00" "ba" "00" "01" "04000000"
		    "08000f00" "e8030000" "08000100" "c0000200" "08000600" "14000000" "08000400" "03000000"
		    "16001200" "0a00" "fd990000000000000000000000000002" "0000");
	/* IPv6 over the mapped IPv4 VTEP: RTA_GATEWAY of 16 bytes */
	r = route("2001:db8:2::", 48, "::ffff:10.93.0.2");
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 10), 16 + 12 + 8 + 20 + 8 + 8 + 20);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	/* a default route has no RTA_DST */
	r = route("0.0.0.0", 0, "10.93.0.2");
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 11), 16 + 12 + 8 * 4);
	/* refused: a prefix longer than its family, no gateway or device in a replace, not a route op,
	 * a buffer too small */
	r = route("10.2.0.0", 33, "10.93.0.2");
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 12), -1);
	r = route("10.2.0.0", 24, NULL);
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 12), -1);
	assert_true(nl_route_encode(buf, sizeof(buf), NL_ROUTE_DEL, &r, 12) > 0);
	r = route("10.2.0.0", 24, "10.93.0.2");
	r.oif = 0;
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 12), -1);
	assert_int_equal(nl_route_encode(buf, sizeof(buf), NL_FDB_REPLACE, &r, 12), -1);
	assert_int_equal(nl_route_encode(buf, 64, NL_ROUTE_DEL, &r, 12), -1);
}

/* What a dump reports: the request's own bytes parse back (an RTM_NEWROUTE is both). */
static void test_parse(void **state)
{
	struct nl_route r = route("10.2.0.12", 32, "10.93.0.2"), out;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtmsg *rtm;
	(void)state;

	assert_true(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 7) > 0);
	assert_int_equal(nl_route_parse(nlh, &out), 0);
	assert_int_equal(out.table, 1000);
	assert_int_equal(out.plen, 32);
	assert_memory_equal(out.dst.a, r.dst.a, 4);
	assert_int_equal(out.gw.af, AF_INET);
	assert_memory_equal(out.gw.a, r.gw.a, 4);
	assert_int_equal(out.oif, 3);
	assert_int_equal(out.protocol, NL_ROUTE_PROTO);
	assert_int_equal(out.metric, NL_ROUTE_METRIC);
	/* RTA_VIA */
	r = route("192.0.2.0", 24, "fd99::2");
	assert_true(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 8) > 0);
	assert_int_equal(nl_route_parse(nlh, &out), 0);
	assert_int_equal(out.gw.af, AF_INET6);
	assert_int_equal(out.gw.a[15], 2);
	/* not unicast: skipped; a prefix length past the family, a short RTA_DST: malformed */
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_type = RTN_LOCAL;
	assert_int_equal(nl_route_parse(nlh, &out), 1);
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_dst_len = 33;
	assert_int_equal(nl_route_parse(nlh, &out), -1);
	r = route("10.2.0.12", 32, "10.93.0.2");
	assert_true(nl_route_encode(buf, sizeof(buf), NL_ROUTE_REPLACE, &r, 9) > 0);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = AF_INET6; /* its 4-byte RTA_DST is now too short */
	rtm->rtm_dst_len = 32;
	assert_int_equal(nl_route_parse(nlh, &out), -1);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4; /* no room for the rtmsg */
	assert_int_equal(nl_route_parse(nlh, &out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_route_v4),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
