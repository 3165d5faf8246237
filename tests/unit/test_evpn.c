/* SPDX-License-Identifier: Apache-2.0 */
/* EVPN NLRI codec: round trips, wire vectors (docs/wire.md, the GoBGP capture), malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include "family.h"
#include "testutil.h"

/* wire.md: type 2, MAC only, RD 64512:10, VNI 10 */
#define V_MAC "02 21 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a"
/* type 2 with IPv4 192.168.10.5 */
#define V_MACIP4 "02 25 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee05 20 c0a80a05 00000a"
/* frame 31: two labels 100000 and 5000, RD 64512:100 */
#define V_2LBL "02 28 0000fc0000000064 00000000000000000000 00000000 30 aabbccddee06 20 c0a80a06 0186a0 001388"
/* type 3, originator 10.77.0.1 */
#define V_IMET "03 11 0000fc000000000a 00000000 20 0a4d0001"
/* frame 55: RD type 1 10.77.0.2:10 */
#define V_RD1 "02 21 00010a4d0002000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a"

static size_t hex(const char *h, uint8_t *out)
{
	long n = hex_decode(h, out, 4096);
	assert_true(n >= 0);
	return (size_t)n;
}

static void roundtrip(const struct evpn_route *in, const char *expect_hex)
{
	uint8_t buf[256], want[256];
	struct wbuf w;
	struct evpn_route out;

	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(evpn_encode(in, &w), 0);
	assert_int_equal(w.err, 0);
	if (expect_hex) {
		size_t n = hex(expect_hex, want);
		assert_int_equal(w.len, n);
		assert_memory_equal(buf, want, n);
	}
	assert_int_equal(evpn_decode(buf, w.len, &out), 0);
	assert_int_equal(out.type, in->type);
	assert_memory_equal(out.rd.b, in->rd.b, 8);
	assert_int_equal(out.etag, in->etag);
	if (in->type == EVPN_RT_MACIP) {
		unsigned nl = in->nlabels ? in->nlabels : 1;
		assert_memory_equal(out.esi, in->esi, 10);
		assert_memory_equal(out.mac.b, in->mac.b, 6);
		assert_int_equal(out.ip.af, in->ip.af);
		assert_memory_equal(out.ip.a, in->ip.a, ipaddr_len(&in->ip));
		assert_int_equal(out.nlabels, nl);
		for (unsigned i = 0; i < nl; i++)
			assert_int_equal(out.label[i], in->label[i]);
	} else {
		assert_int_equal(out.orig.af, in->orig.af);
		assert_memory_equal(out.orig.a, in->orig.a, ipaddr_len(&in->orig));
	}
}

static void mkmac(struct evpn_route *r, const char *rd, const char *mac, const char *ip, uint32_t vni)
{
	memset(r, 0, sizeof *r);
	r->type = EVPN_RT_MACIP;
	assert_int_equal(rd_parse(rd, &r->rd), 0);
	assert_int_equal(mac_parse(mac, &r->mac), 0);
	if (ip)
		assert_int_equal(ipaddr_parse(ip, &r->ip), 0);
	r->nlabels = 1;
	r->label[0] = vni;
}

static void test_roundtrip_macip(void **state)
{
	struct evpn_route r;

	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10);
	roundtrip(&r, V_MAC);
	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:05", "192.168.10.5", 10);
	roundtrip(&r, V_MACIP4);
	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:07", "2001:db8::7", 16777215);
	roundtrip(&r, "02 31 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee07"
		      " 80 20010db8000000000000000000000007 ffffff");
	mkmac(&r, "64512:100", "aa:bb:cc:dd:ee:06", "192.168.10.6", 100000);
	r.nlabels = 2;
	r.label[1] = 5000;
	roundtrip(&r, V_2LBL);
	/* a zeroed nlabels still carries the VNI */
	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10);
	r.nlabels = 0;
	roundtrip(&r, V_MAC);
	/* ESI and Ethernet tag survive */
	mkmac(&r, "64512:10", "00:00:00:00:00:01", NULL, 1);
	memcpy(r.esi, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99", 10);
	r.etag = 0xdeadbeef;
	roundtrip(&r, NULL);
}

static void test_roundtrip_rd_types(void **state)
{
	struct evpn_route r;

	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10);
	roundtrip(&r, V_MAC);
	mkmac(&r, "10.77.0.2:10", "aa:bb:cc:dd:ee:04", NULL, 10);
	roundtrip(&r, V_RD1);
	mkmac(&r, "4200000000:7", "aa:bb:cc:dd:ee:04", NULL, 10);
	roundtrip(&r, "02 21 0002fa56ea000007 00000000000000000000 00000000 30 aabbccddee04 00 00000a");
}

static void test_roundtrip_imet(void **state)
{
	struct evpn_route r;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_IMET;
	assert_int_equal(rd_parse("64512:10", &r.rd), 0);
	assert_int_equal(ipaddr_parse("10.77.0.1", &r.orig), 0);
	roundtrip(&r, V_IMET);
	assert_int_equal(ipaddr_parse("fd00::1", &r.orig), 0);
	r.etag = 5;
	roundtrip(&r, "03 1d 0000fc000000000a 00000005 80 fd000000000000000000000000000001");
	/* no originator: nothing to encode */
	memset(&r.orig, 0, sizeof r.orig);
	uint8_t buf[64];
	struct wbuf w;
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(evpn_encode(&r, &w), -1);
}

static void test_encode_refuses(void **state)
{
	struct evpn_route r;
	uint8_t buf[64];
	struct wbuf w;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_AD;
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(evpn_encode(&r, &w), -1);
	mkmac(&r, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10);
	r.nlabels = 3;
	assert_int_equal(evpn_encode(&r, &w), -1);
	/* overflow of the writer */
	r.nlabels = 1;
	wbuf_init(&w, buf, 20);
	assert_int_equal(evpn_encode(&r, &w), -1);
}

static void test_vectors(void **state)
{
	uint8_t b[256];
	size_t n;
	struct evpn_route r;
	char s[64];

	n = hex(V_MAC, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.type, 2);
	assert_string_equal(rd_str(&r.rd, s), "64512:10");
	assert_string_equal(mac_str(&r.mac, s), "aa:bb:cc:dd:ee:04");
	assert_int_equal(r.ip.af, 0);
	assert_int_equal(r.nlabels, 1);
	assert_int_equal(r.label[0], 10);

	n = hex(V_MACIP4, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_string_equal(ipaddr_str(&r.ip, s), "192.168.10.5");

	n = hex(V_2LBL, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.nlabels, 2);
	assert_int_equal(r.label[0], 100000);
	assert_int_equal(r.label[1], 5000);
	assert_string_equal(rd_str(&r.rd, s), "64512:100");

	n = hex(V_IMET, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.type, 3);
	assert_string_equal(ipaddr_str(&r.orig, s), "10.77.0.1");
	assert_int_equal(r.orig.af, AF_INET);

	n = hex(V_RD1, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_string_equal(rd_str(&r.rd, s), "10.77.0.2:10");
}

/* wire.md trap: the label is the VNI as is, never shifted */
static void test_vni_no_shift(void **state)
{
	uint8_t b[256];
	size_t n;
	struct evpn_route r;
	struct wbuf w;

	mkmac(&r, "64512:44", "aa:bb:cc:00:00:41", NULL, 100);
	wbuf_init(&w, b, sizeof b);
	assert_int_equal(evpn_encode(&r, &w), 0);
	assert_memory_equal(b + w.len - 3, "\x00\x00\x64", 3);

	/* frame 114: an MPLS-style label 000641 is VNI 1601 */
	n = hex("02 21 0000fc000000002c 00000000000000000000 00000000 30 aabbcc000042 00 000641", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.label[0], 1601);
}

static void test_other_types(void **state)
{
	uint8_t b[256];
	size_t n;
	struct evpn_route r;
	char s[64];

	/* type 1: RD ESI etag label = 25 */
	n = hex("01 19 0000fc000000000a 00112233445566778899 ffffffff 000000", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.type, 1);
	assert_int_equal(r.etag, 0xffffffff);
	assert_int_equal(r.esi[9], 0x99);
	n = hex("01 18 0000fc000000000a 00112233445566778899 ffffffff 0000", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);
	/* type 4: RD ESI IP len IP */
	n = hex("04 17 0000fc000000000a 00112233445566778899 20 0a4d0001", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_string_equal(ipaddr_str(&r.orig, s), "10.77.0.1");
	n = hex("04 17 0000fc000000000a 00112233445566778899 18 0a4d0001", b);
	assert_int_equal(evpn_decode(b, n, &r), -1); /* IP length 24 */
	n = hex("04 23 0000fc000000000a 00112233445566778899 80 fd000000000000000000000000000001", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	/* type 5, IPv4: 34 bytes */
	n = hex("05 22 0000fc000000000a 00000000000000000000 00000000 18 c0a80a00 00000000 00000a", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.prefix_len, 24);
	assert_string_equal(ipaddr_str(&r.ip, s), "192.168.10.0");
	/* prefix length 33 does not fit IPv4 */
	n = hex("05 22 0000fc000000000a 00000000000000000000 00000000 21 c0a80a00 00000000 00000a", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);
	/* type 5, IPv6: 58 bytes */
	n = hex("05 3a 0000fc000000000a 00000000000000000000 00000000 40 20010db8000000010000000000000000"
		" 00000000000000000000000000000000 00000a", b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_string_equal(ipaddr_str(&r.ip, s), "2001:db8:0:1::");
	/* type 5 with a length between the two */
	n = hex("05 23 0000fc000000000a 00000000000000000000 00000000 18 c0a80a00 00000000 00000a00", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);
	/* unknown types */
	n = hex("06 08 0000fc000000000a", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);
	n = hex("00 00", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);
	n = hex("ff 00", b);
	assert_int_equal(evpn_decode(b, n, &r), -1);

	assert_string_equal(evpn_type_name(1), "a-d");
	assert_string_equal(evpn_type_name(2), "macadv");
	assert_string_equal(evpn_type_name(3), "multicast");
	assert_string_equal(evpn_type_name(4), "esi");
	assert_string_equal(evpn_type_name(5), "prefix");
	assert_string_equal(evpn_type_name(9), "unknown");
}

/* Each one breaks exactly one field of an otherwise valid NLRI. */
static void test_malformed(void **state)
{
	static const char *const bad[] = {
		/* MAC length 47 */
		"02 21 0000fc000000000a 00000000000000000000 00000000 2f aabbccddee04 00 00000a",
		/* MAC length 0 */
		"02 1b 0000fc000000000a 00000000000000000000 00000000 00 00 00000a",
		/* IP length 31 */
		"02 25 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee05 1f c0a80a05 00000a",
		/* IP length 32 with only 3 address bytes and a label */
		"02 24 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee05 20 c0a80a 00000a",
		/* IP length 64 */
		"02 29 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee05 40 c0a80a05c0a80a05 00000a",
		/* labels: 4 bytes */
		"02 22 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 0000000a",
		/* labels: 2 bytes */
		"02 20 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 000a",
		/* labels: none */
		"02 1e 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00",
		/* labels: 9 bytes (three labels) */
		"02 27 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a00000b00000c",
		/* trailing byte after the NLRI (length byte right, one byte more in the field) */
		"02 21 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a 00",
		/* the gobgpd crasher: a length byte (0x10) shorter than the fields that follow */
		"02 10 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a",
		/* length byte 0x10 and only its 16 bytes: fields run past the value */
		"02 10 0000fc000000000a 00000000000000000000",
		/* length byte longer than the bytes present */
		"02 40 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a",
		/* type 3: IP length 0 */
		"03 0d 0000fc000000000a 00000000 00",
		/* type 3: IP length 31 */
		"03 11 0000fc000000000a 00000000 1f 0a4d0001",
		/* type 3: trailing byte inside the value */
		"03 12 0000fc000000000a 00000000 20 0a4d0001 00",
		/* type 3: IPv6 length with an IPv4 address */
		"03 11 0000fc000000000a 00000000 80 0a4d0001",
		/* only a type byte */
		"02",
		/* nothing */
		"",
	};
	uint8_t b[256];
	struct evpn_route r;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = hex(bad[i], b);
		if (evpn_decode(b, n, &r) != -1)
			fail_msg("vector %zu decoded: %s", i, bad[i]);
		assert_int_equal(family_table[FAM_EVPN].check(b, n), -1);
	}
}

/* RFC 7606 section 5.4: a route type we do not know, framed exactly by its length byte, is to be
 * discarded (check 1, no key), not taken as malformed; a broken frame still is. */
static void test_unknown_type_discarded(void **state)
{
	static const char *const unknown[] = {
		"06 02 abcd",                                 /* SMET (RFC 9251) stand-in */
		"00 00",                                      /* type 0 */
		"ff 03 000000",
	};
	static const char *const broken[] = {
		"06 05 abcd",                                 /* length byte past the bytes */
		"06 01 abcd",                                 /* trailing byte */
		"06",
	};
	uint8_t b[64], key[NLRI_KEY_MAX];
	struct evpn_route r;

	(void)state;
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		size_t n = hex(unknown[i], b);
		assert_int_equal(evpn_decode(b, n, &r), -1);
		assert_int_equal(family_table[FAM_EVPN].check(b, n), 1);
		assert_int_equal(family_table[FAM_EVPN].key(b, n, key), 0);
	}
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		size_t n = hex(broken[i], b);
		assert_int_equal(family_table[FAM_EVPN].check(b, n), -1);
	}
	for (uint8_t t = 1; t <= 5; t++)
		assert_true(evpn_type_known(t));
	assert_false(evpn_type_known(0));
	assert_false(evpn_type_known(6));
}

/* Every truncation of every valid vector is refused, whether the length byte is kept (fields run
 * past the end) or fixed up (fields run past the value). */
static void test_truncations(void **state)
{
	static const char *const good[] = { V_MAC, V_MACIP4, V_2LBL, V_IMET, V_RD1,
		"01 19 0000fc000000000a 00112233445566778899 ffffffff 000000",
		"04 17 0000fc000000000a 00112233445566778899 20 0a4d0001",
		"05 22 0000fc000000000a 00000000000000000000 00000000 18 c0a80a00 00000000 00000a" };
	uint8_t b[256], t[256];
	struct evpn_route r;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t n = hex(good[i], b);
		assert_int_equal(evpn_decode(b, n, &r), 0);
		for (size_t cut = 0; cut < n; cut++) {
			memcpy(t, b, cut);
			assert_int_equal(evpn_decode(t, cut, &r), -1);
			if (cut >= 2) {
				t[1] = (uint8_t)(cut - 2);
				/* two labels less the second is a valid one-label route */
				if (i == 2 && cut == n - 3) {
					assert_int_equal(evpn_decode(t, cut, &r), 0);
					assert_int_equal(r.nlabels, 1);
					continue;
				}
				assert_int_equal(evpn_decode(t, cut, &r), -1);
			}
		}
	}
}

/* RFC 7432: the key of a type 2 is RD, Ethernet tag, MAC and IP; ESI and labels are not key. */
static void test_key(void **state)
{
	uint8_t a[256], b[256], ka[NLRI_KEY_MAX], kb[NLRI_KEY_MAX];
	size_t na, nb, la, lb;
	const struct family_ops *f = &family_table[FAM_EVPN];

	na = hex(V_MAC, a);
	nb = hex("02 21 0000fc000000000a 11111111111111111111 00000000 30 aabbccddee04 00 0000ff", b);
	la = f->key(a, na, ka);
	lb = f->key(b, nb, kb);
	assert_int_equal(la, 1 + 8 + 4 + 6 + 1);
	assert_int_equal(la, lb);
	assert_memory_equal(ka, kb, la);
	assert_int_equal(ka[0], 2);

	nb = hex(V_MACIP4, b); /* another MAC and an IP */
	lb = f->key(b, nb, kb);
	assert_int_equal(lb, 1 + 8 + 4 + 6 + 1 + 4);
	assert_memory_not_equal(ka, kb, la);

	/* a different RD, same MAC */
	nb = hex(V_RD1, b);
	lb = f->key(b, nb, kb);
	assert_int_equal(lb, la);
	assert_memory_not_equal(ka, kb, la);

	na = hex(V_IMET, a);
	la = f->key(a, na, ka);
	assert_int_equal(la, 1 + 8 + 4 + 1 + 4);
	uint8_t want[] = { 3, 0, 0, 0xfc, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 32, 10, 77, 0, 1 };
	assert_memory_equal(ka, want, sizeof want);

	/* a malformed NLRI has no key */
	nb = hex("02 10 0000fc000000000a 00000000000000000000", b);
	assert_int_equal(f->key(b, nb, kb), 0);
}

/* FRR 8.4's type-5 route (docs/wire.md, "Symmetric IRB"): 192.0.2.0/24, RD 10.93.0.2:2, GW IP
 * zero, label 4000 (the L3 VNI); and its withdrawal, the same NLRI with label 0. */
#define V_T5_FRR "05 22 00010a5d00020002 00000000000000000000 00000000 18 c0000200 00000000 000fa0"
#define V_T5_FRR_WD "05 22 00010a5d00020002 00000000000000000000 00000000 18 c0000200 00000000 000000"

static void test_prefix_route(void **state)
{
	uint8_t b[128], out[128], ka[NLRI_KEY_MAX], kb[NLRI_KEY_MAX];
	const struct family_ops *f = &family_table[FAM_EVPN];
	struct evpn_route r, r2;
	struct wbuf w;
	char s[64];
	size_t n, la, lb;

	(void)state;
	n = hex(V_T5_FRR, b);
	assert_int_equal(evpn_decode(b, n, &r), 0);
	assert_int_equal(r.type, EVPN_RT_PREFIX);
	assert_int_equal(r.prefix_len, 24);
	assert_string_equal(ipaddr_str(&r.ip, s), "192.0.2.0");
	assert_int_equal(r.gw.af, AF_INET);
	assert_string_equal(ipaddr_str(&r.gw, s), "0.0.0.0");
	assert_int_equal(r.nlabels, 1);
	assert_int_equal(r.label[0], 4000);
	/* encode gives FRR's bytes back */
	wbuf_init(&w, out, sizeof out);
	assert_int_equal(evpn_encode(&r, &w), 0);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, b, n);
	/* a route built from nothing (gw af 0) encodes a zero gateway */
	memset(&r2, 0, sizeof r2);
	r2.type = EVPN_RT_PREFIX;
	r2.rd = r.rd;
	r2.ip = r.ip;
	r2.prefix_len = 24;
	r2.label[0] = 4000;
	wbuf_init(&w, out, sizeof out);
	assert_int_equal(evpn_encode(&r2, &w), 0);
	assert_memory_equal(out, b, n);
	/* IPv6 round trip with a gateway */
	memset(&r2, 0, sizeof r2);
	r2.type = EVPN_RT_PREFIX;
	assert_int_equal(ipaddr_parse("2001:db8:1::", &r2.ip), 0);
	assert_int_equal(ipaddr_parse("2001:db8::1", &r2.gw), 0);
	r2.prefix_len = 48;
	r2.label[0] = 4001;
	wbuf_init(&w, out, sizeof out);
	assert_int_equal(evpn_encode(&r2, &w), 0);
	assert_int_equal(w.len, 2 + 58);
	assert_int_equal(evpn_decode(out, w.len, &r), 0);
	assert_string_equal(ipaddr_str(&r.gw, s), "2001:db8::1");
	assert_int_equal(r.label[0], 4001);
	assert_int_equal(r.prefix_len, 48);
	/* refused: a prefix longer than its family, a gateway of the other family */
	r2.prefix_len = 129;
	assert_int_equal(evpn_encode(&r2, &w), -1);
	r2.prefix_len = 48;
	assert_int_equal(ipaddr_parse("10.0.0.1", &r2.gw), 0);
	assert_int_equal(evpn_encode(&r2, &w), -1);
	/* the withdrawal's label 0 does not change the key (RFC 9136 3.1); another prefix does */
	la = f->key(b, n, ka);
	n = hex(V_T5_FRR_WD, b);
	lb = f->key(b, n, kb);
	assert_int_equal(la, 1 + 8 + 4 + 1 + 4);
	assert_int_equal(la, lb);
	assert_memory_equal(ka, kb, la);
	n = hex("05 22 00010a5d00020002 00000000000000000000 00000000 19 c0000200 00000000 000fa0", b);
	lb = f->key(b, n, kb);
	assert_memory_not_equal(ka, kb, la);
}

/* next() cuts NLRIs by their length byte; a length running past the field is a framing error. */
static void test_next(void **state)
{
	uint8_t b[512];
	size_t n = hex(V_MAC V_IMET V_2LBL, b);
	struct rbuf r, one;
	const struct family_ops *f = &family_table[FAM_EVPN];

	rbuf_init(&r, b, n);
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(rbuf_left(&one), 35);
	assert_int_equal(f->check(rbuf_ptr(&one), rbuf_left(&one)), 0);
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(rbuf_left(&one), 19);
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(rbuf_left(&one), 42);
	assert_int_equal(rbuf_left(&r), 0);

	rbuf_init(&r, b, n - 1); /* last NLRI cut short */
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(f->next(&r, &one), -1);
	rbuf_init(&r, b, 1); /* a lone type byte */
	assert_int_equal(f->next(&r, &one), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_macip),
		cmocka_unit_test(test_roundtrip_rd_types),
		cmocka_unit_test(test_roundtrip_imet),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vni_no_shift),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_type_discarded),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_prefix_route),
		cmocka_unit_test(test_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
