/* SPDX-License-Identifier: Apache-2.0 */
/* Path attributes: GoBGP's blocks from the capture, round trips, RFC 7606 error classes, truncation,
 * interning, extended communities and AS_PATH helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "attr.h"
#include "msg.h"
#include "testutil.h"

static const struct attr_ctx ibgp = {.ebgp = false, .as4 = true};
static const struct attr_ctx ebgp = {.ebgp = true, .as4 = true};




/* The attribute block of an UPDATE: after the header, withdrawn routes and the attribute length. */
static struct rbuf attr_block(const struct capture_frame *f)
{
	struct rbuf r, blk;
	uint16_t n;
	rbuf_init(&r, f->bytes + BGP_HDR_LEN, f->len - BGP_HDR_LEN);
	assert_int_equal(rbuf_u16(&r, &n), 0);
	assert_int_equal(rbuf_skip(&r, n), 0);
	assert_int_equal(rbuf_u16(&r, &n), 0);
	assert_int_equal(rbuf_sub(&r, n, &blk), 0);
	return blk;
}

static struct attr_parse *parse_frame(int no)
{
	static struct attr_parse ap;
	struct rbuf b = attr_block(capture_frame(no));
	attr_parse(rbuf_ptr(&b), rbuf_left(&b), &ibgp, &ap);
	return &ap;
}

static void assert_ip(const struct ipaddr *a, const char *want)
{
	char buf[IPADDR_STRLEN];
	assert_string_equal(ipaddr_str(a, buf), want);
}

/* Frames 19 and 25 (type 2 and type 3 with PMSI from 10.77.0.1), 106 and 112 (reflected by the route
 * reflector with ORIGINATOR_ID and CLUSTER_LIST). */
static void test_capture_values(void **state)
{
	struct attr_parse *ap = parse_frame(19);
	uint32_t seq;
	bool sticky;

	assert_int_equal(ap->verdict, ATTR_OK);
	assert_int_equal(ap->a.origin, ORIGIN_INCOMPLETE); /* gobgp CLI routes: `40 01 01 02` */
	assert_int_equal(ap->a.aspath_len, 0);
	assert_true(ap->a.flags & AF_HAS_LOCAL_PREF);
	assert_int_equal(ap->a.local_pref, 100);
	assert_false(ap->a.flags & (AF_HAS_MED | AF_HAS_PMSI | AF_HAS_ORIGINATOR));
	assert_true(ap->a.flags & AF_HAS_NEXT_HOP);
	assert_ip(&ap->a.nexthop, "10.77.0.1");
	assert_int_equal(ap->a.nextcomm, 2);
	assert_true(ap->a.extcomm[0] == extc_rt_make(64512, 10));
	assert_true(ap->a.extcomm[1] == extc_encap(TUNNEL_VXLAN));
	assert_int_equal(attrs_mac_mobility(&ap->a, &seq, &sticky), 0);
	assert_true(ap->has_reach);
	assert_false(ap->has_unreach);
	assert_int_equal(ap->reach_afi, 25);
	assert_int_equal(ap->reach_safi, 70);
	assert_int_equal(rbuf_left(&ap->reach_nlri), 35);
	assert_int_equal(rbuf_ptr(&ap->reach_nlri)[0], 2);
	assert_int_equal(ap->a.unknown_len, 0);

	ap = parse_frame(25);
	assert_int_equal(ap->verdict, ATTR_OK);
	assert_true(ap->a.flags & AF_HAS_PMSI);
	assert_int_equal(ap->a.pmsi_flags, 0);
	assert_int_equal(ap->a.pmsi_type, PMSI_INGRESS_REPL);
	assert_int_equal(ap->a.pmsi_label, 11);
	assert_ip(&ap->a.pmsi_ep, "10.77.0.1");
	assert_true(ap->a.extcomm[0] == extc_rt_make(64512, 11));

	static const int reflected[] = {106, 112};
	for (size_t i = 0; i < 2; i++) {
		ap = parse_frame(reflected[i]);
		assert_int_equal(ap->verdict, ATTR_OK);
		assert_int_equal(ap->a.origin, ORIGIN_IGP);
		assert_int_equal(ap->a.aspath_len, 0);
		assert_int_equal(ap->a.local_pref, 100);
		assert_true(ap->a.flags & AF_HAS_ORIGINATOR);
		assert_int_equal(ap->a.originator_id, 0x0a4d0204);
		assert_int_equal(ap->a.ncluster, 1);
		assert_int_equal(ap->a.cluster[0], 0x0a4d0002);
		assert_ip(&ap->a.nexthop, "10.77.2.4");
	}
	assert_int_equal(ap->reach_afi, 25);
	ap = parse_frame(106);
	assert_int_equal(ap->reach_afi, 16397);
	assert_int_equal(ap->reach_safi, 241);
	assert_int_equal(ap->a.nextcomm, 0);

	/* a withdraw: only MP_UNREACH */
	ap = parse_frame(39);
	assert_int_equal(ap->verdict, ATTR_OK);
	assert_false(ap->has_reach);
	assert_true(ap->has_unreach);
	assert_int_equal(ap->unreach_afi, 25);
	assert_int_equal(rbuf_left(&ap->unreach_nlri), 42);
}

/* MAC mobility as GoBGP sent it: `0600 FF 00 SEQ`. Frame 116 carries flags 01: sticky. */
static void test_capture_mobility(void **state)
{
	static const struct { int frame; uint32_t seq; bool sticky; } mm[] = {
		{55, 0, false}, {59, 1, false}, {66, 2, false}, {116, 5, true}};
	for (size_t i = 0; i < sizeof mm / sizeof mm[0]; i++) {
		struct attr_parse *ap = parse_frame(mm[i].frame);
		uint32_t seq = 99;
		bool sticky = !mm[i].sticky;
		assert_int_equal(ap->verdict, ATTR_OK);
		assert_int_equal(ap->a.nextcomm, 3);
		assert_int_equal(attrs_mac_mobility(&ap->a, &seq, &sticky), 1);
		assert_int_equal(seq, mm[i].seq);
		assert_int_equal(sticky, mm[i].sticky);
	}
}

/* attr_encode of every parsed UPDATE reproduces GoBGP's bytes around MP_REACH. */
static void test_capture_reencode(void **state)
{
	int checked = 0;
	for (int i = 0; i < cap_count; i++) {
		struct attr_parse ap;
		struct rbuf b, walk;
		uint8_t out[BGP_MAX_MSG];
		struct wbuf w;
		size_t mp_at = 0, mp_len = 0;

		if (cap_frames[i].type != BGP_UPDATE)
			continue;
		b = attr_block(&cap_frames[i]);
		attr_parse(rbuf_ptr(&b), rbuf_left(&b), &ibgp, &ap);
		assert_int_equal(ap.verdict, ATTR_OK);
		if (!ap.has_reach)
			continue;
		/* locate MP_REACH in the original block */
		walk = b;
		while (rbuf_left(&walk)) {
			size_t at = rbuf_left(&b) - rbuf_left(&walk);
			uint8_t fl, type, l8;
			uint16_t l;
			rbuf_u8(&walk, &fl);
			rbuf_u8(&walk, &type);
			if (fl & ATTR_F_EXTLEN) {
				rbuf_u16(&walk, &l);
			} else {
				rbuf_u8(&walk, &l8);
				l = l8;
			}
			rbuf_skip(&walk, l);
			if (type == ATTR_MP_REACH) {
				mp_at = at;
				mp_len = rbuf_left(&b) - rbuf_left(&walk) - at;
			}
		}
		assert_true(mp_len > 0);
		wbuf_init(&w, out, sizeof out);
		attr_encode(&ap.a, &w, ATTR_MP_REACH, true);
		assert_int_equal(w.len, mp_at);
		wbuf_bytes(&w, rbuf_ptr(&b) + mp_at, mp_len);
		attr_encode(&ap.a, &w, ATTR_MP_UNREACH, false);
		assert_int_equal(w.err, 0);
		assert_int_equal(w.len, rbuf_left(&b));
		assert_memory_equal(out, rbuf_ptr(&b), w.len);
		checked++;
	}
	assert_true(checked >= 20);
}

/* Encode a, parse it back with a minimal MP_REACH in place, and compare. */
static void roundtrip(const struct attrs *a, const struct attr_ctx *ctx)
{
	static uint8_t buf[BGP_MAX_MSG];
	static struct attr_parse ap;
	struct wbuf w;
	uint8_t mp[16];
	long n = hex_decode("800e09 0019 46 04 0a4d0001 00", mp, sizeof mp);

	wbuf_init(&w, buf, sizeof buf);
	attr_encode(a, &w, ATTR_MP_REACH, true);
	wbuf_bytes(&w, mp, (size_t)n);
	attr_encode(a, &w, ATTR_MP_UNREACH, false);
	assert_int_equal(w.err, 0);
	attr_parse(buf, w.len, ctx, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	struct attrs want = *a;
	want.flags |= AF_HAS_NEXT_HOP;
	ipaddr_from_v4(&want.nexthop, 0x0a4d0001);
	if (!attrs_equal(&ap.a, &want))
		fail_msg("round trip differs: flags %x/%x unknown %u/%u extcomm %u/%u", ap.a.flags, want.flags,
			 ap.a.unknown_len, want.unknown_len, ap.a.nextcomm, want.nextcomm);
}

static void test_roundtrip_every_attribute(void **state)
{
	static uint8_t aspath[64], unknown[600];
	uint32_t cluster[] = {0x0a4d0002, 0x0a4d0003};
	uint64_t ext[40];
	struct attrs a;
	long n;

	memset(&a, 0, sizeof a);
	roundtrip(&a, &ibgp); /* ORIGIN and an empty AS_PATH only */

	a.origin = ORIGIN_EGP;
	n = hex_decode("02 02 0000fc00 0000fde8  01 02 00000001 00000002  03 01 0000fde9  04 01 0000fdea",
		       aspath, sizeof aspath);
	a.aspath = aspath;
	a.aspath_len = (uint16_t)n;
	a.flags = AF_HAS_MED | AF_HAS_LOCAL_PREF | AF_HAS_ORIGINATOR | AF_HAS_PMSI | AF_HAS_ATOMIC_AGG;
	a.med = 7;
	a.local_pref = 200;
	a.originator_id = 0x0a4d0204;
	a.cluster = cluster;
	a.ncluster = 2;
	ext[0] = extc_rt_make(64512, 10);
	ext[1] = extc_encap(TUNNEL_VXLAN);
	ext[2] = extc_mac_mobility(3, true);
	a.extcomm = ext;
	a.nextcomm = 3;
	a.pmsi_type = PMSI_INGRESS_REPL;
	a.pmsi_label = 10;
	ipaddr_from_v4(&a.pmsi_ep, 0x0a4d0001);
	/* unknown transitive attributes, sorted, partial set: one below MP_REACH, one after PMSI */
	n = hex_decode("e0 0c 02 abcd  e0 20 0c 0000fc00 00000001 00000002", unknown, sizeof unknown);
	a.unknown = unknown;
	a.unknown_len = (uint16_t)n;
	roundtrip(&a, &ibgp);

	ipaddr_parse("2001:db8::1", &a.pmsi_ep);
	a.pmsi_flags = 1;
	roundtrip(&a, &ibgp);

	/* more than 255 bytes: extended length (GoBGP sets it only then) */
	for (int i = 0; i < 40; i++)
		ext[i] = extc_rt_make(64512, (uint32_t)i);
	a.nextcomm = 40;
	unknown[0] = 0xf0;
	unknown[1] = 0x63;
	unknown[2] = 0x01;
	unknown[3] = 0x2c; /* 300 bytes */
	memset(unknown + 4, 0x55, 300);
	a.unknown_len = 304;
	roundtrip(&a, &ibgp);

	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;
	wbuf_init(&w, buf, sizeof buf);
	attr_encode(&a, &w, ATTR_EXT_COMMUNITIES, false);
	assert_memory_equal(buf, "\xd0\x10\x01\x40", 4);
}

/* An AS_PATH from a speaker without 4-octet AS support is widened. */
static void test_aspath_2octet(void **state)
{
	uint8_t b[64];
	struct attr_parse ap;
	struct attr_ctx old = {.ebgp = true, .as4 = false};
	char s[64];
	long n = hex_decode("400101 00 40020a 0202 fde8 fc00 0101 0001", b, sizeof b);
	attr_parse(b, (size_t)n, &old, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	assert_int_equal(ap.a.aspath_len, 16);
	assert_string_equal(attrs_aspath_str(&ap.a, s, sizeof s), "65000 64512 {1}");
}

struct vector {
	const char *what;   /* annotated: flags type length value */
	const char *hex;
	enum attr_verdict verdict;
	const char *why;    /* substring of out.why */
	uint8_t subcode;    /* for ATTR_RESET; for ATTR_WITHDRAW when not 0 (the RFC 7606 5.2 reset's) */
	bool ebgp;
};

/* A valid prefix: ORIGIN IGP, empty AS_PATH, MP_REACH EVPN next hop 10.77.0.1, no NLRI. */
#define BASE "400101 00  400200  800e09 0019 46 04 0a4d0001 00 "
#define MP_ONLY "800e09 0019 46 04 0a4d0001 00 "

static void run_vectors(const struct vector *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b[512];
		struct attr_parse ap;
		long len = hex_decode(v[i].hex, b, sizeof b);
		assert_true(len >= 0);
		attr_parse(b, (size_t)len, v[i].ebgp ? &ebgp : &ibgp, &ap);
		if (ap.verdict != v[i].verdict || !strstr(ap.why, v[i].why))
			fail_msg("%s: verdict %d why \"%s\", want %d \"%s\"", v[i].what, ap.verdict, ap.why,
				 v[i].verdict, v[i].why);
		if (v[i].verdict == ATTR_RESET || (v[i].verdict == ATTR_WITHDRAW && v[i].subcode)) {
			assert_int_equal(ap.err.code, ERR_UPDATE);
			assert_int_equal(ap.err.subcode, v[i].subcode);
		}
	}
}

/* RFC 7606 sections 3.g, 3.j and 4: NLRI cannot be located -> session reset; RFC 4271 6.3 where
 * RFC 7606 revises nothing. */
static void test_rfc7606_reset(void **state)
{
	static const struct vector v[] = {
		{"MP_REACH length running past the block", "400101 00 400200 800e0a 0019 46 04 0a4d0001 00",
		 ATTR_RESET, "past", ERR_UPD_ATTRLIST, false},
		{"MP_UNREACH with a lone length byte", BASE "800f", ATTR_RESET, "length", ERR_UPD_ATTRLIST, false},
		{"unrecognized well-known attribute 99", BASE "406301 00", ATTR_RESET,
		 "well-known attribute", ERR_UPD_UNKWN_WK, false},
		{"MP_REACH twice", BASE MP_ONLY, ATTR_RESET, "repeated", ERR_UPD_ATTRLIST, false},
		{"MP_UNREACH twice", "800f03 0019 46  800f03 0019 46", ATTR_RESET, "repeated",
		 ERR_UPD_ATTRLIST, false},
		{"MP_REACH next hop length 5", "400101 00 400200 800e0a 0019 46 05 0a4d000101 00",
		 ATTR_RESET, "next hop", ERR_UPD_OPTATTR, false},
		{"MP_REACH next hop longer than the attribute", "800e05 0019 46 10 0a", ATTR_RESET,
		 "truncated", ERR_UPD_OPTATTR, false},
		{"MP_REACH without the reserved byte", "800e08 0019 46 04 0a4d0001", ATTR_RESET,
		 "truncated", ERR_UPD_OPTATTR, false},
		{"MP_UNREACH of 2 bytes: no SAFI", "800f02 0019", ATTR_RESET, "truncated", ERR_UPD_OPTATTR, false},
		{"a worse error after treat-as-withdraw still resets", "400102 0000  800e02 0019",
		 ATTR_RESET, "MP_REACH", ERR_UPD_OPTATTR, false},
	};
	run_vectors(v, sizeof v / sizeof v[0]);
}

/* RFC 7606 sections 3.c, 3.d, 7.x: malformed well-known/known attributes -> treat-as-withdraw. */
static void test_rfc7606_withdraw(void **state)
{
	static const struct vector v[] = {
		{"ORIGIN length 2", "400102 0000  400200 " MP_ONLY, ATTR_WITHDRAW, "ORIGIN length 2", 0, false},
		{"ORIGIN value 3", "400101 03  400200 " MP_ONLY, ATTR_WITHDRAW, "ORIGIN value 3", 0, false},
		{"ORIGIN flagged optional", "c00101 00  400200 " MP_ONLY, ATTR_WITHDRAW, "ORIGIN flags", 0, false},
		{"AS_PATH segment type 5", "400101 00  400206 05 01 0000fc00 " MP_ONLY, ATTR_WITHDRAW,
		 "AS_PATH", 0, false},
		{"AS_PATH segment count 0", "400101 00  400202 02 00 " MP_ONLY, ATTR_WITHDRAW, "AS_PATH", 0, false},
		{"AS_PATH count 2, one ASN", "400101 00  400206 02 02 0000fc00 " MP_ONLY, ATTR_WITHDRAW,
		 "AS_PATH", 0, false},
		{"AS_PATH trailing byte", "400101 00  400207 02 01 0000fc00 02 " MP_ONLY, ATTR_WITHDRAW,
		 "AS_PATH", 0, false},
		{"AS_PATH flagged optional transitive", "400101 00  c00200 " MP_ONLY, ATTR_WITHDRAW,
		 "AS_PATH flags", 0, false},
		{"NEXT_HOP length 5", BASE "400305 0a4d000101", ATTR_WITHDRAW, "NEXT_HOP length 5", 0, false},
		{"MED length 3", BASE "800403 000064", ATTR_WITHDRAW, "MED length 3", 0, false},
		{"MED flagged transitive", BASE "400404 00000064", ATTR_WITHDRAW, "MED flags", 0, false},
		{"LOCAL_PREF length 2", BASE "400502 0064", ATTR_WITHDRAW, "LOCAL_PREF length 2", 0, false},
		{"ORIGINATOR_ID length 5", BASE "800905 0a4d020400", ATTR_WITHDRAW, "ORIGINATOR_ID length", 0, false},
		{"CLUSTER_LIST length 6", BASE "800a06 0a4d00020000", ATTR_WITHDRAW, "CLUSTER_LIST length 6", 0, false},
		{"CLUSTER_LIST empty", BASE "800a00", ATTR_WITHDRAW, "CLUSTER_LIST length 0", 0, false},
		{"COMMUNITIES length 3", BASE "c00803 fc0000", ATTR_WITHDRAW, "COMMUNITIES length 3", 0, false},
		{"EXT_COMMUNITIES length 12", BASE "c0100c 0002fc000000000a 030c0000", ATTR_WITHDRAW,
		 "EXT_COMMUNITIES length 12", 0, false},
		{"EXT_COMMUNITIES empty", BASE "c01000", ATTR_WITHDRAW, "EXT_COMMUNITIES length 0", 0, false},
		{"EXT_COMMUNITIES flagged non-transitive", BASE "801008 0002fc000000000a", ATTR_WITHDRAW,
		 "EXT_COMMUNITIES flags", 0, false},
		{"PMSI shorter than flags+type+label", BASE "c01604 0006 0000", ATTR_WITHDRAW,
		 "PMSI_TUNNEL length 4", 0, false},
		{"PMSI ingress replication, endpoint of 5 bytes", BASE "c0160a 00 06 00000b 0a4d000100",
		 ATTR_WITHDRAW, "endpoint length 5", 0, false},
		{"ORIGIN length 5 runs past the block (section 4)", "400105 00", ATTR_WITHDRAW, "past",
		 ERR_UPD_ATTRLIST, false},
		{"lone flags byte after MP_REACH (section 4)", BASE "40", ATTR_WITHDRAW, "header",
		 ERR_UPD_ATTRLIST, false},
		{"extended length with one length byte (section 4)", BASE "5010 00", ATTR_WITHDRAW, "length",
		 ERR_UPD_ATTRLIST, false},
		{"COMMUNITIES running past the block keeps MP_REACH located", BASE "c00808 fc000001",
		 ATTR_WITHDRAW, "past", ERR_UPD_ATTRLIST, false},
		{"ORIGIN value 3 names Invalid ORIGIN", "400101 03  400200 " MP_ONLY, ATTR_WITHDRAW,
		 "ORIGIN value", ERR_UPD_ORIGIN, false},
		{"MED length 3 names Attribute Length Error", BASE "800403 000064", ATTR_WITHDRAW, "MED",
		 ERR_UPD_LENGTH, false},
		{"MED flags name Attribute Flags Error", BASE "400404 00000064", ATTR_WITHDRAW, "MED flags",
		 ERR_UPD_FLAGS, false},
		{"AS_PATH names Malformed AS_PATH", "400101 00  400202 02 00 " MP_ONLY, ATTR_WITHDRAW,
		 "AS_PATH", ERR_UPD_ASPATH, false},
		{"missing ORIGIN names Missing Well-known Attribute", "400200 " MP_ONLY, ATTR_WITHDRAW,
		 "missing ORIGIN", ERR_UPD_MISSING_WK, false},
		{"missing ORIGIN with reachable NLRI", "400200 " MP_ONLY, ATTR_WITHDRAW, "missing ORIGIN", 0, false},
		{"missing AS_PATH with reachable NLRI", "400101 00 " MP_ONLY, ATTR_WITHDRAW,
		 "missing AS_PATH", 0, false},
		{"discard then withdraw: withdraw wins", BASE "400601 00  800403 000064", ATTR_WITHDRAW,
		 "MED length 3", 0, false},
	};
	run_vectors(v, sizeof v / sizeof v[0]);
}

/* RFC 7606 sections 3.g, 7.5-7.7, 7.9-7.10: attribute discard; the UPDATE stands. */
static void test_rfc7606_discard(void **state)
{
	static const struct vector v[] = {
		{"ATOMIC_AGGREGATE length 1", BASE "400601 00", ATTR_DISCARD, "ATOMIC_AGGREGATE length 1", 0, false},
		{"ATOMIC_AGGREGATE flagged optional", BASE "c00600", ATTR_DISCARD, "ATOMIC_AGGREGATE flags", 0, false},
		{"AGGREGATOR of 6 bytes on a 4-octet session", BASE "c00706 fc00 0a4d0001", ATTR_DISCARD,
		 "AGGREGATOR length 6", 0, false},
		{"AGGREGATOR flagged well-known", BASE "400708 0000fc00 0a4d0001", ATTR_DISCARD,
		 "AGGREGATOR flags", 0, false},
		{"ORIGIN twice: the second is dropped", BASE "400101 02", ATTR_DISCARD, "repeated", 0, false},
		{"LOCAL_PREF from eBGP", BASE "400504 00000064", ATTR_DISCARD, "LOCAL_PREF", 0, true},
		{"ORIGINATOR_ID from eBGP", BASE "800904 0a4d0204", ATTR_DISCARD, "ORIGINATOR_ID", 0, true},
		{"CLUSTER_LIST from eBGP", BASE "800a04 0a4d0002", ATTR_DISCARD, "CLUSTER_LIST", 0, true},
	};
	run_vectors(v, sizeof v / sizeof v[0]);

	/* the first ORIGIN is the one kept */
	uint8_t b[64];
	struct attr_parse ap;
	long n = hex_decode(BASE "400101 02", b, sizeof b);
	attr_parse(b, (size_t)n, &ibgp, &ap);
	assert_int_equal(ap.a.origin, ORIGIN_IGP);
	n = hex_decode(BASE "400504 00000064", b, sizeof b);
	attr_parse(b, (size_t)n, &ebgp, &ap);
	assert_false(ap.a.flags & AF_HAS_LOCAL_PREF);
}

/* Unknown optional attributes: transitive kept with PARTIAL, non-transitive dropped; PMSI of another
 * tunnel type passed on raw. Withdraw-only UPDATEs need no ORIGIN/AS_PATH. */
static void test_unknown_attributes(void **state)
{
	uint8_t b[128], want[64];
	struct attr_parse ap;
	long n = hex_decode(BASE "c06302 abcd  806402 abcd  c01609 00 03 00000b 0a4d0001", b, sizeof b);
	long wn = hex_decode("c01609 00 03 00000b 0a4d0001  e06302 abcd", want, sizeof want);

	attr_parse(b, (size_t)n, &ibgp, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	assert_false(ap.a.flags & AF_HAS_PMSI);
	assert_int_equal(ap.a.unknown_len, wn);
	assert_memory_equal(ap.a.unknown, want, (size_t)wn);

	n = hex_decode("800f03 0019 46", b, sizeof b);
	attr_parse(b, (size_t)n, &ibgp, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	assert_true(ap.has_unreach);
	attr_parse(b, 0, &ibgp, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	assert_false(ap.has_unreach);

	/* IPv6 next hop, and global + link-local: the global one is taken */
	n = hex_decode("400101 00 400200 800e25 0019 46 20 20010db8000000000000000000000001"
		       "fe800000000000000000000000000001 00", b, sizeof b);
	attr_parse(b, (size_t)n, &ibgp, &ap);
	assert_int_equal(ap.verdict, ATTR_OK);
	assert_ip(&ap.a.nexthop, "2001:db8::1");
}

/* Every truncation of every captured block: a verdict, no read past the copy (ASan), and at least
 * treat-as-withdraw whenever the cut falls inside an attribute. */
static void test_truncations(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		struct rbuf b, walk;
		bool boundary[BGP_MAX_MSG + 1] = {false};
		if (cap_frames[i].type != BGP_UPDATE)
			continue;
		b = attr_block(&cap_frames[i]);
		walk = b;
		boundary[0] = true;
		while (rbuf_left(&walk)) {
			uint8_t fl, type, l8;
			uint16_t l;
			rbuf_u8(&walk, &fl);
			rbuf_u8(&walk, &type);
			if (fl & ATTR_F_EXTLEN) {
				rbuf_u16(&walk, &l);
			} else {
				rbuf_u8(&walk, &l8);
				l = l8;
			}
			rbuf_skip(&walk, l);
			boundary[rbuf_left(&b) - rbuf_left(&walk)] = true;
		}
		for (size_t n = 0; n < rbuf_left(&b); n++) {
			uint8_t *copy = malloc(n ? n : 1);
			struct attr_parse *ap = malloc(sizeof *ap);
			memcpy(copy, rbuf_ptr(&b), n);
			attr_parse(copy, n, &ibgp, ap);
			assert_true(ap->verdict <= ATTR_RESET);
			if (!boundary[n]) {
				/* RFC 7606 section 4: at least treat-as-withdraw (update_parse resets when
				 * no reachable NLRI was located before the cut, section 5.2) */
				assert_true(ap->verdict >= ATTR_WITHDRAW);
				assert_int_equal(ap->err.code, ERR_UPDATE);
			}
			free(ap);
			free(copy);
		}
	}
}

/* Deterministic mutations of every captured block (bytes flipped, lengths bent): the parser gives a
 * verdict, a reset always names an UPDATE error, and ASan sees no stray access. */
static void test_mutations(void **state)
{
	uint32_t rnd = 12345;
	for (int i = 0; i < cap_count; i++) {
		struct rbuf b;
		if (cap_frames[i].type != BGP_UPDATE)
			continue;
		b = attr_block(&cap_frames[i]);
		for (int k = 0; k < 400; k++) {
			size_t n = rbuf_left(&b);
			uint8_t *copy = malloc(n);
			struct attr_parse *ap = malloc(sizeof *ap);
			memcpy(copy, rbuf_ptr(&b), n);
			for (int m = 0; m < 1 + k % 4; m++) {
				rnd = rnd * 1103515245u + 12345u;
				copy[(rnd >> 8) % n] = (uint8_t)(rnd >> 24);
			}
			attr_parse(copy, n, k % 2 ? &ebgp : &ibgp, ap);
			assert_true(ap->verdict <= ATTR_RESET);
			if (ap->verdict == ATTR_RESET)
				assert_int_equal(ap->err.code, ERR_UPDATE);
			if (ap->verdict != ATTR_OK)
				assert_true(ap->why[0] != '\0');
			free(ap);
			free(copy);
		}
	}
}

static void test_intern(void **state)
{
	struct attrs *x, *y, *z;
	struct attr_parse *ap;

	assert_int_equal(attrs_interned_count(), 0);
	ap = parse_frame(19);
	x = attrs_intern(&ap->a);
	assert_non_null(x);
	assert_int_equal(x->refcnt, 1);
	/* frame 21 has the same attributes (another NLRI) */
	ap = parse_frame(21);
	y = attrs_intern(&ap->a);
	assert_ptr_equal(x, y);
	assert_int_equal(x->refcnt, 2);
	assert_int_equal(attrs_interned_count(), 1);
	/* the copy owns its parts: clobber the parse buffer */
	memset(ap, 0xee, sizeof *ap);
	assert_int_equal(x->nextcomm, 2);
	assert_true(x->extcomm[0] == extc_rt_make(64512, 10));
	assert_int_equal(x->local_pref, 100);

	ap = parse_frame(25);
	z = attrs_intern(&ap->a);
	assert_ptr_not_equal(x, z);
	assert_false(attrs_equal(x, z));
	assert_int_equal(attrs_interned_count(), 2);
	assert_ptr_equal(attrs_ref(z), z);
	assert_int_equal(z->refcnt, 2);
	attrs_unref(z);
	attrs_unref(z);
	assert_int_equal(attrs_interned_count(), 1);
	attrs_unref(y);
	assert_int_equal(attrs_interned_count(), 1);
	attrs_unref(x);
	assert_int_equal(attrs_interned_count(), 0);
	attrs_unref(NULL);

	/* many sets: growth, lookups after deletions in another order */
	enum { N = 3000 };
	static struct attrs *sets[N];
	struct attrs a;
	memset(&a, 0, sizeof a);
	a.flags = AF_HAS_MED;
	for (uint32_t i = 0; i < N; i++) {
		a.med = i;
		sets[i] = attrs_intern(&a);
		assert_non_null(sets[i]);
	}
	assert_int_equal(attrs_interned_count(), N);
	for (uint32_t i = 0; i < N; i += 3)
		attrs_unref(sets[i]);
	for (uint32_t i = 0; i < N; i++) {
		a.med = i;
		if (i % 3 == 0) {
			sets[i] = attrs_intern(&a);
			assert_int_equal(sets[i]->refcnt, 1);
		} else {
			assert_ptr_equal(attrs_intern(&a), sets[i]);
			assert_int_equal(sets[i]->refcnt, 2);
			attrs_unref(sets[i]);
		}
	}
	for (uint32_t i = N; i-- > 0;)
		attrs_unref(sets[i]);
	assert_int_equal(attrs_interned_count(), 0);
}

/* attrs_equal looks at present fields only, and at every variable part. */
static void test_equal(void **state)
{
	struct attrs x, y;
	uint64_t e1 = extc_rt_make(64512, 10), e2 = extc_rt_make(64512, 11);
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	y.med = 5; /* not present: ignored */
	assert_true(attrs_equal(&x, &y));
	y.flags = AF_HAS_MED;
	assert_false(attrs_equal(&x, &y));
	x.flags = AF_HAS_MED;
	x.med = 5;
	assert_true(attrs_equal(&x, &y));
	x.extcomm = &e1;
	x.nextcomm = 1;
	y.extcomm = &e2;
	y.nextcomm = 1;
	assert_false(attrs_equal(&x, &y));
	e2 = e1;
	assert_true(attrs_equal(&x, &y));
	x.flags |= AF_HAS_NEXT_HOP;
	y.flags |= AF_HAS_NEXT_HOP;
	ipaddr_from_v4(&x.nexthop, 1);
	ipaddr_from_v4(&y.nexthop, 2);
	assert_false(attrs_equal(&x, &y));
}

static void test_extcomm(void **state)
{
	uint64_t c;
	char s[64];
	struct mac m;

	assert_true(extc_rt_make(64512, 10) == 0x0002fc000000000aull);
	assert_true(extc_rt_make(4200000000u, 10) == 0x0202fa56ea00000aull);
	assert_true(extc_encap(TUNNEL_VXLAN) == 0x030c000000000008ull);
	assert_true(extc_mac_mobility(5, true) == 0x0600010000000005ull);
	assert_true(extc_mac_mobility(0, false) == 0x0600000000000000ull);
	assert_true(extc_default_gw() == 0x030d000000000000ull);
	mac_parse("aa:bb:cc:dd:ee:01", &m);
	assert_true(extc_router_mac(&m) == 0x0603aabbccddee01ull);

	assert_int_equal(extc_rt_parse("64512:10", &c), 0);
	assert_true(c == 0x0002fc000000000aull);
	assert_int_equal(extc_rt_parse("10.77.0.1:10", &c), 0);
	assert_true(c == 0x01020a4d0001000aull);
	assert_true(extc_is_rt(c));
	assert_int_equal(extc_rt_parse("4200000000:10", &c), 0);
	assert_true(c == 0x0202fa56ea00000aull);
	assert_int_equal(extc_rt_parse("64512", &c), -1);
	assert_int_equal(extc_rt_parse("rt:64512:10", &c), -1);
	assert_false(extc_is_rt(extc_encap(8)));

	assert_string_equal(extc_str(0x0002fc000000000aull, s, sizeof s), "rt:64512:10");
	assert_string_equal(extc_rt_str(0x0002fc000000000aull, s, sizeof s), "64512:10");
	assert_string_equal(extc_str(0x01020a4d0001000aull, s, sizeof s), "rt:10.77.0.1:10");
	assert_string_equal(extc_str(0x0202fa56ea00000aull, s, sizeof s), "rt:4200000000:10");
	assert_string_equal(extc_str(extc_encap(8), s, sizeof s), "encap:vxlan");
	assert_string_equal(extc_str(extc_encap(77), s, sizeof s), "encap:77");
	assert_string_equal(extc_str(extc_mac_mobility(5, true), s, sizeof s), "mac-mobility:5 sticky");
	assert_string_equal(extc_str(extc_mac_mobility(0, false), s, sizeof s), "mac-mobility:0");
	assert_string_equal(extc_str(extc_router_mac(&m), s, sizeof s), "router-mac:aa:bb:cc:dd:ee:01");
	assert_string_equal(extc_str(extc_default_gw(), s, sizeof s), "default-gateway");
	assert_string_equal(extc_str(0x8888000000000001ull, s, sizeof s), "0x8888:000000000001");
	assert_string_equal(extc_str(0x0002fc000000000aull, s, 6), "rt:64"); /* truncated, terminated */
	assert_string_equal(extc_rt_str(extc_encap(8), s, sizeof s), "");
}

static void test_aspath_helpers(void **state)
{
	uint8_t p[64];
	struct attrs a;
	char s[64];
	long n = hex_decode("02 03 0000fc00 0000fde8 00000001  01 02 00000001 00000002  03 01 00000009",
			    p, sizeof p);
	memset(&a, 0, sizeof a);
	assert_int_equal(attrs_aspath_count(&a), 0);
	assert_int_equal(attrs_aspath_first(&a), 0);
	assert_int_equal(attrs_aspath_occurs(&a, 64512), 0);
	assert_string_equal(attrs_aspath_str(&a, s, sizeof s), "");

	a.aspath = p;
	a.aspath_len = (uint16_t)n;
	assert_int_equal(attrs_aspath_count(&a), 4); /* 3 + the set as one; confederation: none */
	assert_int_equal(attrs_aspath_first(&a), 64512);
	assert_int_equal(attrs_aspath_occurs(&a, 65000), 1);
	assert_int_equal(attrs_aspath_occurs(&a, 1), 2); /* in the sequence and in the set */
	assert_int_equal(attrs_aspath_occurs(&a, 2), 1);
	assert_int_equal(attrs_aspath_occurs(&a, 9), 1);
	assert_int_equal(attrs_aspath_occurs(&a, 3), 0);
	assert_string_equal(attrs_aspath_str(&a, s, sizeof s), "64512 65000 1 {1 2} (9)");
	assert_string_equal(attrs_aspath_str(&a, s, 10), "64512 650");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_values),
		cmocka_unit_test(test_capture_mobility),
		cmocka_unit_test(test_capture_reencode),
		cmocka_unit_test(test_roundtrip_every_attribute),
		cmocka_unit_test(test_aspath_2octet),
		cmocka_unit_test(test_rfc7606_reset),
		cmocka_unit_test(test_rfc7606_withdraw),
		cmocka_unit_test(test_rfc7606_discard),
		cmocka_unit_test(test_unknown_attributes),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_extcomm),
		cmocka_unit_test(test_aspath_helpers),
	};
	return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
