/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses, MACs, RDs and config value parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "testutil.h"
#include "types.h"

static void test_ipaddr(void **state)
{
	struct ipaddr a, b;
	char buf[IPADDR_STRLEN];

	assert_int_equal(ipaddr_parse("10.77.0.1", &a), 0);
	assert_int_equal(a.af, AF_INET);
	assert_int_equal(ipaddr_len(&a), 4);
	assert_memory_equal(a.a, "\x0a\x4d\x00\x01", 4);
	assert_string_equal(ipaddr_str(&a, buf), "10.77.0.1");
	ipaddr_from_v4(&b, 0x0a4d0001);
	assert_int_equal(ipaddr_cmp(&a, &b), 0);
	ipaddr_from_v4(&b, 0x0a4d0002);
	assert_true(ipaddr_cmp(&a, &b) < 0);

	assert_int_equal(ipaddr_parse("2001:db8::1", &b), 0);
	assert_int_equal(b.af, AF_INET6);
	assert_int_equal(ipaddr_len(&b), 16);
	assert_string_equal(ipaddr_str(&b, buf), "2001:db8::1");
	assert_true(ipaddr_cmp(&a, &b) < 0); /* IPv4 family sorts first */

	assert_int_equal(ipaddr_parse("10.77.0", &a), -1);
	assert_int_equal(ipaddr_parse("10.77.0.256", &a), -1);
	assert_int_equal(ipaddr_parse("", &a), -1);
	assert_int_equal(ipaddr_from_bytes(&a, (const uint8_t *)"\x01\x02\x03", 3), -1);
	assert_int_equal(ipaddr_from_bytes(&a, (const uint8_t *)"\xc0\xa8\x0a\x05", 4), 0);
	assert_string_equal(ipaddr_str(&a, buf), "192.168.10.5");
	a.af = 0;
	assert_string_equal(ipaddr_str(&a, buf), "");
	assert_int_equal(ipaddr_len(&a), 0);
}

static void test_mac(void **state)
{
	struct mac m;
	char buf[MAC_STRLEN];

	assert_int_equal(mac_parse("aa:bb:cc:dd:ee:04", &m), 0);
	assert_memory_equal(m.b, "\xaa\xbb\xcc\xdd\xee\x04", 6);
	assert_int_equal(mac_parse("AA:BB:cc:Dd:EE:04", &m), 0);
	assert_string_equal(mac_str(&m, buf), "aa:bb:cc:dd:ee:04");
	assert_int_equal(mac_parse("aa:bb:cc:dd:ee", &m), -1);
	assert_int_equal(mac_parse("aa:bb:cc:dd:ee:04:05", &m), -1);
	assert_int_equal(mac_parse("a:bb:cc:dd:ee:04", &m), -1);
	assert_int_equal(mac_parse("aa-bb-cc-dd-ee-04", &m), -1);
	assert_int_equal(mac_parse("aa:bb:cc:dd:ee:0g", &m), -1);
	assert_int_equal(mac_parse("aa:bb:cc:dd:ee:04 ", &m), -1);
}

/* Each RD text form against its wire bytes (wire.md: type 0 `0000 fc00 0000000a`, type 1
 * `0001 0a4d0002 000a`). */
static void test_rd(void **state)
{
	struct rd rd;
	uint8_t want[8];
	char buf[RD_STRLEN];

	assert_int_equal(rd_parse("64512:10", &rd), 0);
	hex_decode("0000 fc00 0000000a", want, 8);
	assert_memory_equal(rd.b, want, 8);
	assert_string_equal(rd_str(&rd, buf), "64512:10");

	assert_int_equal(rd_parse("10.77.0.2:10", &rd), 0);
	hex_decode("0001 0a4d0002 000a", want, 8);
	assert_memory_equal(rd.b, want, 8);
	assert_string_equal(rd_str(&rd, buf), "10.77.0.2:10");

	assert_int_equal(rd_parse("4200000000:10", &rd), 0);
	hex_decode("0002 fa56ea00 000a", want, 8);
	assert_memory_equal(rd.b, want, 8);
	assert_string_equal(rd_str(&rd, buf), "4200000000:10");

	assert_int_equal(rd_parse("65535:4294967295", &rd), 0);
	assert_string_equal(rd_str(&rd, buf), "65535:4294967295");
	assert_int_equal(rd_parse("65535:4294967296", &rd), -1);
	assert_int_equal(rd_parse("10.0.0.1:65536", &rd), -1);   /* type 1 value is 16 bits */
	assert_int_equal(rd_parse("4200000000:65536", &rd), -1); /* type 2 value is 16 bits */
	assert_int_equal(rd_parse("4294967296:1", &rd), -1);
	assert_int_equal(rd_parse("64512", &rd), -1);
	assert_int_equal(rd_parse("64512:", &rd), -1);
	assert_int_equal(rd_parse(":10", &rd), -1);
	assert_int_equal(rd_parse("-1:10", &rd), -1);
	assert_int_equal(rd_parse("10.0.0:1", &rd), -1);

	rd_make_ip(&rd, 0x0a4d0002, 10);
	hex_decode("0001 0a4d0002 000a", want, 8);
	assert_memory_equal(rd.b, want, 8);

	hex_decode("0007 010203040506", rd.b, 8);
	assert_string_equal(rd_str(&rd, buf), "7:010203040506");
}

static void test_parse_values(void **state)
{
	bool b = false;
	uint32_t v;

	assert_int_equal(parse_bool("yes", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("Off", &b), 0);
	assert_false(b);
	assert_int_equal(parse_bool("1", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("false", &b), 0);
	assert_false(b);
	assert_int_equal(parse_bool("maybe", &b), -1);
	assert_int_equal(parse_bool("", &b), -1);

	assert_int_equal(parse_u32("90", 3, 65535, &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_u32("4294967296", 0, UINT32_MAX, &v), -1);
	assert_int_equal(parse_u32("2", 3, 65535, &v), -1);
	assert_int_equal(parse_u32("65536", 3, 65535, &v), -1);
	assert_int_equal(parse_u32("-1", 0, 10, &v), -1);
	assert_int_equal(parse_u32("1x", 0, 10, &v), -1);
	assert_int_equal(parse_u32("", 0, 10, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipaddr),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_rd),
		cmocka_unit_test(test_parse_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
