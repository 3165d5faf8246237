/* SPDX-License-Identifier: Apache-2.0 */
/* UPDATE parsing edge cases, the packing writer, and End-of-RIB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "evpn.h"
#include "family.h"
#include "msg.h"
#include "opaque.h"
#include "update.h"
#include "testutil.h"

static const struct attr_ctx ibgp = { .ebgp = false, .as4 = true };
static struct update u;
static struct update_writer uw;

/* The attribute set GoBGP sends with a MAC route (frame 19): ORIGIN IGP, empty AS_PATH,
 * LOCAL_PREF 100, next hop 10.77.0.1, RT 64512:10 and VXLAN encapsulation. */
static uint64_t ext[2];
static void base_attrs(struct attrs *a)
{
	memset(a, 0, sizeof *a);
	a->origin = ORIGIN_IGP;
	a->flags = AF_HAS_LOCAL_PREF | AF_HAS_NEXT_HOP;
	a->local_pref = 100;
	assert_int_equal(ipaddr_parse("10.77.0.1", &a->nexthop), 0);
	ext[0] = extc_rt_make(64512, 10);
	ext[1] = extc_encap(TUNNEL_VXLAN);
	a->extcomm = ext;
	a->nextcomm = 2;
}

static size_t mk_mac(uint8_t *buf, unsigned i, bool with_ip)
{
	struct evpn_route r;
	struct wbuf w;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_MACIP;
	assert_int_equal(rd_parse("64512:10", &r.rd), 0);
	r.mac.b[0] = 0x02;
	r.mac.b[4] = (uint8_t)(i >> 8);
	r.mac.b[5] = (uint8_t)i;
	if (with_ip)
		ipaddr_from_v4(&r.ip, 0xc0a80000 | i);
	r.nlabels = 1;
	r.label[0] = 10;
	wbuf_init(&w, buf, 64);
	assert_int_equal(evpn_encode(&r, &w), 0);
	return w.len;
}

static enum attr_verdict parse_msg(const uint8_t *m, size_t len, struct bgp_err *err)
{
	uint16_t hl;
	uint8_t type;

	assert_int_equal(msg_check_header(m, &hl, &type, err), 0);
	assert_int_equal(hl, len);
	assert_int_equal(type, BGP_UPDATE);
	return update_parse(m + BGP_HDR_LEN, len - BGP_HDR_LEN, &ibgp, &u, err);
}

/* Pack n NLRIs; every message full (the next NLRI would not fit); parse all back in order. */
static void pack_and_check(bool withdraw, unsigned n, unsigned *nmsgs)
{
	static uint8_t nl[500][64];
	static size_t nlen[500];
	static uint8_t msgs[64][BGP_MAX_MSG];
	static size_t mlen[64];
	struct attrs a;
	unsigned m = 0, got = 0;
	const uint8_t *msg;

	base_attrs(&a);
	if (withdraw)
		update_begin_unreach(&uw, FAM_EVPN);
	else
		update_begin_reach(&uw, FAM_EVPN, &a);
	for (unsigned i = 0; i < n; i++) {
		int r;
		nlen[i] = mk_mac(nl[i], i, i % 3 == 0);
		r = update_add(&uw, nl[i], nlen[i]);
		if (r == 0) {
			mlen[m] = update_finish(&uw, &msg);
			assert_true(mlen[m] > 0 && mlen[m] <= BGP_MAX_MSG);
			/* as full as possible: this NLRI would have overflowed it */
			assert_true(mlen[m] + nlen[i] > BGP_MAX_MSG);
			memcpy(msgs[m], msg, mlen[m]);
			m++;
			r = update_add(&uw, nl[i], nlen[i]);
		}
		assert_int_equal(r, 1);
	}
	mlen[m] = update_finish(&uw, &msg);
	assert_true(mlen[m] > 0 && mlen[m] <= BGP_MAX_MSG);
	memcpy(msgs[m], msg, mlen[m]);
	m++;
	/* nothing left: an empty finish */
	assert_int_equal(update_finish(&uw, &msg), 0);

	for (unsigned k = 0; k < m; k++) {
		struct bgp_err err;
		struct rbuf field, one;
		assert_int_equal(parse_msg(msgs[k], mlen[k], &err), ATTR_OK);
		assert_false(u.eor);
		if (withdraw) {
			assert_int_equal(u.unreach_fam, FAM_EVPN);
			assert_false(u.ap.has_reach);
			field = u.ap.unreach_nlri;
		} else {
			char s[IPADDR_STRLEN];
			assert_int_equal(u.reach_fam, FAM_EVPN);
			assert_false(u.ap.has_unreach);
			assert_true(attrs_equal(&u.ap.a, &a));
			assert_string_equal(ipaddr_str(&u.ap.a.nexthop, s), "10.77.0.1");
			field = u.ap.reach_nlri;
		}
		while (rbuf_left(&field)) {
			assert_int_equal(family_table[FAM_EVPN].next(&field, &one), 0);
			assert_true(got < n);
			assert_int_equal(rbuf_left(&one), nlen[got]);
			assert_memory_equal(rbuf_ptr(&one), nl[got], nlen[got]);
			got++;
		}
	}
	assert_int_equal(got, n);
	*nmsgs = m;
}

static void test_pack_500(void **state)
{
	unsigned m;

	pack_and_check(false, 500, &m);
	assert_true(m >= 4 && m <= 6);
	pack_and_check(true, 500, &m);
	assert_true(m >= 4 && m <= 6);
}

/* A small message keeps the one-byte attribute length, GoBGP's bytes. */
static void test_pack_small(void **state)
{
	uint8_t nl[64];
	size_t n = mk_mac(nl, 4, false);
	struct attrs a;
	const uint8_t *msg;
	size_t len;
	uint8_t want[256];
	long wl;

	base_attrs(&a);
	update_begin_reach(&uw, FAM_EVPN, &a);
	assert_int_equal(update_add(&uw, nl, n), 1);
	len = update_finish(&uw, &msg);
	wl = hex_decode("ffffffffffffffffffffffffffffffff 0067 02 0000 0050 400101 00 400200 40050400000064"
			"800e2c 0019 46 04 0a4d0001 00 022100 00fc000000000a 00000000000000000000 00000000"
			"30 020000000004 00 00000a c01010 0002fc000000000a 030c000000000008",
			want, sizeof want);
	assert_int_equal(len, wl);
	assert_memory_equal(msg, want, len);
	/* the writer starts over with the same attributes */
	assert_int_equal(update_add(&uw, nl, n), 1);
	assert_int_equal(update_finish(&uw, &msg), len);
	assert_memory_equal(msg, want, len);
}

static void test_opaque_one_per_message(void **state)
{
	uint8_t nl[3][64];
	size_t n[3];
	struct attrs a;
	const uint8_t *msg;
	static uint8_t big[5000], val[4500];
	struct wbuf w;

	base_attrs(&a);
	a.nextcomm = 0;
	for (int i = 0; i < 3; i++) {
		char key[8];
		snprintf(key, sizeof key, "key%d", i);
		wbuf_init(&w, nl[i], sizeof nl[i]);
		assert_int_equal(opaque_encode(&w, key, 4, "value", 5), 0);
		n[i] = w.len;
	}
	update_begin_reach(&uw, FAM_OPAQUE, &a);
	for (int i = 0; i < 3; i++) {
		struct bgp_err err;
		struct rbuf field, one;
		const uint8_t *k, *v;
		size_t kl, vl, len;

		assert_int_equal(update_add(&uw, nl[i], n[i]), 1);
		assert_int_equal(update_add(&uw, nl[(i + 1) % 3], n[(i + 1) % 3]), 0);
		len = update_finish(&uw, &msg);
		assert_true(len > 0);
		assert_int_equal(parse_msg(msg, len, &err), ATTR_OK);
		assert_int_equal(u.reach_fam, FAM_OPAQUE);
		field = u.ap.reach_nlri;
		assert_int_equal(family_table[FAM_OPAQUE].next(&field, &one), 0);
		assert_int_equal(rbuf_left(&field), 0);
		assert_int_equal(opaque_decode(rbuf_ptr(&one), rbuf_left(&one), &k, &kl, &v, &vl), 0);
		assert_int_equal(kl, 4);
		assert_int_equal(k[3], '0' + i);
		assert_memory_equal(v, "value", 5);
	}
	/* a value bigger than a message can never fit */
	wbuf_init(&w, big, sizeof big);
	assert_int_equal(opaque_encode(&w, "k", 1, val, sizeof val), 0);
	assert_int_equal(update_add(&uw, big, w.len), -1);
	assert_int_equal(update_finish(&uw, &msg), 0);

	/* withdraws: also one per message */
	update_begin_unreach(&uw, FAM_OPAQUE);
	assert_int_equal(update_add(&uw, nl[0], n[0]), 1);
	assert_int_equal(update_add(&uw, nl[1], n[1]), 0);
	{
		uint8_t want[64];
		long wl = hex_decode("ffffffffffffffffffffffffffffffff 0028 02 0000 0011 800f0e 400d f1"
				     "0004 6b657930 76616c7565", want, sizeof want);
		size_t len = update_finish(&uw, &msg);
		assert_int_equal(len, wl);
		assert_memory_equal(msg, want, len);
	}
}

static void test_eor(void **state)
{
	uint8_t buf[64], want[64];
	struct bgp_err err;
	size_t len;
	long wl;

	for (int f = 0; f < FAM_COUNT; f++) {
		len = update_eor(buf, sizeof buf, f);
		assert_int_equal(len, 29);
		assert_int_equal(parse_msg(buf, len, &err), ATTR_OK);
		assert_true(u.eor);
		assert_int_equal(u.eor_fam, f);
		assert_int_equal(u.unreach_fam, f);
	}
	wl = hex_decode("ffffffffffffffffffffffffffffffff 001d 02 0000 0006 800f03 0019 46", want, sizeof want);
	len = update_eor(buf, sizeof buf, FAM_EVPN);
	assert_int_equal(len, wl);
	assert_memory_equal(buf, want, len);
	assert_int_equal(update_eor(buf, 20, FAM_EVPN), 0);
	assert_int_equal(update_eor(buf, sizeof buf, -1), 0);

	/* IPv4 unicast End-of-RIB: the empty UPDATE */
	assert_int_equal(update_parse((const uint8_t *)"\0\0\0\0", 4, &ibgp, &u, &err), ATTR_OK);
	assert_true(u.eor);
	assert_int_equal(u.eor_fam, -1);

	/* an empty MP_UNREACH next to another attribute is no End-of-RIB */
	wl = hex_decode("0000 000a 400101 00 800f03 0019 46", want, sizeof want);
	update_parse(want, (size_t)wl, &ibgp, &u, &err);
	assert_false(u.eor);
	/* nor is one for a family we do not know */
	wl = hex_decode("0000 0006 800f03 0001 01", want, sizeof want);
	assert_int_equal(update_parse(want, (size_t)wl, &ibgp, &u, &err), ATTR_OK);
	assert_false(u.eor);
	assert_int_equal(u.unreach_fam, -1);
}

static void test_parse_errors(void **state)
{
	uint8_t b[256];
	struct bgp_err err;
	long n;

	/* withdrawn length running past the body */
	n = hex_decode("0005 0000", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.code, ERR_UPDATE);
	assert_int_equal(err.subcode, ERR_UPD_ATTRLIST);
	/* total attribute length running past the body */
	n = hex_decode("0000 0010 400101 00", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.subcode, ERR_UPD_ATTRLIST);
	/* too short for the lengths */
	assert_int_equal(update_parse(b, 3, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(update_parse(b, 0, &ibgp, &u, &err), ATTR_RESET);
	/* an EVPN withdraw whose NLRI length byte (0x10) is shorter than its fields: the gobgpd crasher */
	n = hex_decode("0000 0029 800f26 0019 46 0210 0000fc000000000a 00000000000000000000 00000000"
		       "30 aabbccddee04 00 00000a", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.code, ERR_UPDATE);
	assert_int_equal(err.subcode, ERR_UPD_OPTATTR);
	/* an unknown route type, framed by its length byte: discarded, the session stays (RFC 7606
	 * section 5.4) */
	n = hex_decode("0000 0008 800f05 0019 46 0900", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_OK);
	assert_int_equal(u.unreach_fam, FAM_EVPN);
	/* ... but not when its length byte runs past the field */
	n = hex_decode("0000 0009 800f06 0019 46 0905 00", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.subcode, ERR_UPD_OPTATTR);
	/* a family we do not know is ignored whole, however its NLRI look */
	n = hex_decode("0000 0008 800f05 0001 01 ffff", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_OK);
	assert_int_equal(u.unreach_fam, -1);
	assert_true(u.ap.has_unreach);
	/* classic IPv4 NLRI: flagged, not used; broken IPv4 prefixes are a reset */
	n = hex_decode("0004 180a0000 0000", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_OK);
	assert_true(u.ipv4_nlri);
	assert_false(u.eor);
	n = hex_decode("0004 210a0000 0000", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
}

#define MACIP "0221 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a"

/* RFC 7606 sections 4 and 5.2: treat-as-withdraw when reachable NLRI was located, a session reset
 * (with RFC 4271's subcode) when the UPDATE carries none. */
static void test_rfc7606_no_reachable_nlri(void **state)
{
	uint8_t b[256];
	struct bgp_err err;
	long n;

	/* MED of 3 bytes with one MAC route: treat-as-withdraw, session kept */
	n = hex_decode("0000 003c 400101 00 400200 800e2c 0019 46 04 0a4d0001 00 " MACIP " 800403 000064",
		       b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_WITHDRAW);
	/* the same with an MP_REACH of no NLRI: nothing to withdraw, so a reset with 3/5 */
	n = hex_decode("0000 0019 400101 00 400200 800e09 0019 46 04 0a4d0001 00 800403 000064", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.code, ERR_UPDATE);
	assert_int_equal(err.subcode, ERR_UPD_LENGTH);
	assert_non_null(strstr(u.ap.why, "no reachable NLRI"));
	/* withdraws with a malformed ORIGIN beside them: reset with Invalid ORIGIN */
	n = hex_decode("0000 002d 400101 07 800f26 0019 46 " MACIP, b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.subcode, ERR_UPD_ORIGIN);
	/* an MP_UNREACH alone with wrong flags: its NLRI are located, so they are withdrawn */
	n = hex_decode("0000 0029 c00f26 0019 46 " MACIP, b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_WITHDRAW);
	/* COMMUNITIES running past the block after a whole MP_REACH: treat-as-withdraw (section 4) */
	n = hex_decode("0000 003b 400101 00 400200 800e2c 0019 46 04 0a4d0001 00 " MACIP " c00808 fc00",
		       b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_WITHDRAW);
	assert_int_equal(u.reach_fam, FAM_EVPN);
	/* ORIGIN running past the block before any MP_REACH: nothing located, reset 3/1 */
	n = hex_decode("0000 0004 400105 00", b, sizeof b);
	assert_int_equal(update_parse(b, (size_t)n, &ibgp, &u, &err), ATTR_RESET);
	assert_int_equal(err.subcode, ERR_UPD_ATTRLIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_500),
		cmocka_unit_test(test_pack_small),
		cmocka_unit_test(test_opaque_one_per_message),
		cmocka_unit_test(test_eor),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_rfc7606_no_reachable_nlri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
