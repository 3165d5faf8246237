/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every frame of the GoBGP 3.10 capture (tests/data/gobgp-3.10-capture.tsv): headers, the small
 * messages, every UPDATE parsed and its NLRI checked against docs/wire.md, every UPDATE
 * re-encoded byte for byte by the update writer, and every truncation refused with the right class.
 */
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




/* What wire.md says each UPDATE carries (one NLRI each). */
struct expect {
	int frame;
	int fam;
	bool withdraw;
	uint8_t type;          /* EVPN route type */
	const char *rd, *mac, *ip, *orig;
	uint32_t vni;
	uint32_t label2;       /* second label, 0 when one */
	const char *nexthop;   /* announcements */
	int seq;               /* MAC mobility sequence, -1 when absent */
	bool sticky;
	uint32_t pmsi;         /* PMSI label, 0 when absent */
	const char *key, *val;
	size_t vlen;
	const char *rt;        /* the one route target */
};

#define MAC(f, rd_, mac_, ip_, vni_, nh, seq_, rt_) \
	{ .frame = f, .fam = FAM_EVPN, .type = 2, .rd = rd_, .mac = mac_, .ip = ip_, .vni = vni_, \
	  .nexthop = nh, .seq = seq_, .rt = rt_ }
#define WMAC(f, rd_, mac_, ip_, vni_) \
	{ .frame = f, .fam = FAM_EVPN, .withdraw = true, .type = 2, .rd = rd_, .mac = mac_, .ip = ip_, \
	  .vni = vni_, .seq = -1 }
#define IMET(f, rd_, orig_, nh, pmsi_, rt_) \
	{ .frame = f, .fam = FAM_EVPN, .type = 3, .rd = rd_, .orig = orig_, .nexthop = nh, .seq = -1, \
	  .pmsi = pmsi_, .rt = rt_ }
#define OPQ(f, k, v, n) \
	{ .frame = f, .fam = FAM_OPAQUE, .key = k, .val = v, .vlen = n, .nexthop = "10.77.2.4", .seq = -1 }
#define WOPQ(f, k, v, n) { .frame = f, .fam = FAM_OPAQUE, .withdraw = true, .key = k, .val = v, .vlen = n }

static const struct expect expects[] = {
	MAC(19, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10, "10.77.0.1", -1, "64512:10"),
	MAC(21, "64512:10", "aa:bb:cc:dd:ee:05", "192.168.10.5", 10, "10.77.0.1", -1, "64512:10"),
	IMET(23, "64512:10", "10.77.0.1", "10.77.0.1", 0, "64512:10"),
	IMET(25, "64512:11", "10.77.0.1", "10.77.0.1", 11, "64512:11"),
	{ .frame = 31, .fam = FAM_EVPN, .type = 2, .rd = "64512:100", .mac = "aa:bb:cc:dd:ee:06",
	  .ip = "192.168.10.6", .vni = 100000, .label2 = 5000, .nexthop = "10.77.0.1", .seq = -1,
	  .rt = "64512:100" },
	MAC(33, "64512:100", "aa:bb:cc:dd:ee:07", NULL, 0xffffff, "10.77.0.1", -1, "64512:100"),
	{ .frame = 39, .fam = FAM_EVPN, .withdraw = true, .type = 2, .rd = "64512:100",
	  .mac = "aa:bb:cc:dd:ee:06", .ip = "192.168.10.6", .vni = 100000, .label2 = 5000, .seq = -1 },
	WMAC(41, "64512:100", "aa:bb:cc:dd:ee:07", NULL, 0xffffff),
	MAC(55, "10.77.0.2:10", "aa:bb:cc:dd:ee:04", NULL, 10, "10.77.0.2", 0, "64512:10"),
	WMAC(57, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10),
	MAC(59, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10, "10.77.0.1", 1, "64512:10"),
	WMAC(61, "10.77.0.2:10", "aa:bb:cc:dd:ee:04", NULL, 10),
	MAC(66, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 20, "10.77.0.2", 2, "64512:10"),
	WMAC(68, "64512:10", "aa:bb:cc:dd:ee:04", NULL, 10),
	MAC(88, "64512:10", "aa:bb:cc:dd:ee:05", "192.168.10.5", 10, "10.77.0.1", -1, "64512:10"),
	IMET(90, "64512:10", "10.77.0.1", "10.77.0.1", 0, "64512:10"),
	IMET(91, "64512:11", "10.77.0.1", "10.77.0.1", 11, "64512:11"),
	MAC(93, "64512:10", "aa:bb:cc:dd:ee:09", "192.168.10.9", 10, "10.77.0.1", -1, "64512:10"),
	OPQ(106, "key1", "value1", 6),
	OPQ(108, "k2", "v2\0\2k3v3", 8),
	OPQ(110, "k4", "", 0),
	MAC(112, "64512:44", "aa:bb:cc:00:00:41", NULL, 100, "10.77.2.4", -1, "64512:10"),
	MAC(114, "64512:44", "aa:bb:cc:00:00:42", NULL, 1601, "10.77.2.4", -1, "64512:10"),
	{ .frame = 116, .fam = FAM_EVPN, .type = 2, .rd = "64512:44", .mac = "aa:bb:cc:00:00:43",
	  .ip = "192.168.10.43", .vni = 100, .nexthop = "10.77.2.4", .seq = 5, .sticky = true,
	  .rt = "64512:10" },
	WMAC(126, "64512:44", "aa:bb:cc:00:00:41", NULL, 100),
	WMAC(128, "64512:44", "aa:bb:cc:00:00:42", NULL, 1601),
	WMAC(130, "64512:44", "aa:bb:cc:00:00:43", "192.168.10.43", 100),
	WOPQ(132, "key1", "value1", 6),
	WOPQ(134, "k2", "v2\0\2k3v3", 8),
	WOPQ(136, "k4", "", 0),
	MAC(146, "64512:10", "aa:bb:cc:dd:ee:0a", NULL, 10, "10.99.0.1", -1, "64512:10"),
	IMET(148, "64512:12", "10.99.0.1", "10.99.0.1", 12, "64512:12"),
	MAC(160, "64512:10", "aa:bb:cc:dd:ee:0b", "192.168.10.11", 10, "10.77.0.1", -1, "64512:10"),
	WMAC(162, "64512:10", "aa:bb:cc:dd:ee:0b", "192.168.10.11", 10),
};

static const struct attr_ctx ibgp = { .ebgp = false, .as4 = true };

static const struct expect *find_expect(int frame)
{
	for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++)
		if (expects[i].frame == frame)
			return &expects[i];
	return NULL;
}

static void test_headers(void **state)
{
	int counts[6] = { 0 };

	assert_int_equal(cap_count, 61);
	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		uint16_t len;
		uint8_t type;
		struct bgp_err err;

		assert_true(f->len >= BGP_HDR_LEN);
		assert_int_equal(msg_check_header(f->bytes, &len, &type, &err), 0);
		assert_int_equal(len, f->len);
		assert_int_equal(type, f->type);
		counts[type]++;
	}
	assert_int_equal(counts[BGP_OPEN], 4);
	assert_int_equal(counts[BGP_UPDATE], 34);
	assert_int_equal(counts[BGP_NOTIFICATION], 1);
	assert_int_equal(counts[BGP_KEEPALIVE], 22);
}

static void test_small_messages(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		const uint8_t *body = f->bytes + BGP_HDR_LEN;
		size_t blen = f->len - BGP_HDR_LEN;
		struct bgp_err err;

		if (f->type == BGP_OPEN) {
			struct bgp_open o;
			struct ipaddr id;
			assert_int_equal(msg_open_decode(body, blen, &o, &err), 0);
			assert_int_equal(o.version, 4);
			assert_int_equal(o.asn, 64512);
			assert_int_equal(o.hold_time, 90);
			assert_int_equal(ipaddr_parse(f->sender, &id), 0);
			assert_int_equal(o.bgp_id, (uint32_t)id.a[0] << 24 | id.a[1] << 16 | id.a[2] << 8 | id.a[3]);
			assert_int_equal(o.fam_mask, FAM_ALL);
			assert_false(o.mp_unknown);
			assert_true(o.as4);
			assert_true(o.route_refresh);
			assert_false(o.gr);
		} else if (f->type == BGP_KEEPALIVE) {
			assert_int_equal(blen, 0);
		} else if (f->type == BGP_NOTIFICATION) {
			assert_int_equal(msg_notification_decode(body, blen, &err), 0);
			assert_int_equal(err.code, ERR_CEASE);
			assert_int_equal(err.subcode, ERR_CEASE_PEER_UNCONF);
			assert_int_equal(err.data_len, 0);
		}
	}
}

static void check_evpn(const struct expect *e, const uint8_t *nlri, size_t len)
{
	struct evpn_route r;
	char s[64];

	assert_int_equal(evpn_decode(nlri, len, &r), 0);
	assert_int_equal(r.type, e->type);
	assert_string_equal(rd_str(&r.rd, s), e->rd);
	assert_int_equal(r.etag, 0);
	if (e->type == 2) {
		assert_string_equal(mac_str(&r.mac, s), e->mac);
		if (e->ip)
			assert_string_equal(ipaddr_str(&r.ip, s), e->ip);
		else
			assert_int_equal(r.ip.af, 0);
		assert_int_equal(r.nlabels, e->label2 ? 2 : 1);
		assert_int_equal(r.label[0], e->vni);
		if (e->label2)
			assert_int_equal(r.label[1], e->label2);
	} else {
		assert_string_equal(ipaddr_str(&r.orig, s), e->orig);
	}
}

static void check_attrs(const struct expect *e, const struct attrs *a)
{
	char s[64];
	uint32_t seq;
	bool sticky;
	unsigned nrt = 0;

	assert_true(a->flags & AF_HAS_NEXT_HOP);
	assert_string_equal(ipaddr_str(&a->nexthop, s), e->nexthop);
	/* routes added with gobgp's CLI are INCOMPLETE; those reflected by gobgpd (frames 106-116,
	 * from the route reflector test) are IGP */
	bool reflected = e->frame >= 106 && e->frame <= 116;
	assert_int_equal(a->origin, reflected ? ORIGIN_IGP : ORIGIN_INCOMPLETE);
	assert_true(a->flags & AF_HAS_LOCAL_PREF);
	assert_int_equal(a->local_pref, 100);
	if (e->seq >= 0) {
		assert_int_equal(attrs_mac_mobility(a, &seq, &sticky), 1);
		assert_int_equal(seq, (uint32_t)e->seq);
		assert_int_equal(sticky, e->sticky);
	} else {
		assert_int_equal(attrs_mac_mobility(a, &seq, &sticky), 0);
	}
	if (e->pmsi) {
		assert_true(a->flags & AF_HAS_PMSI);
		assert_int_equal(a->pmsi_type, PMSI_INGRESS_REPL);
		assert_int_equal(a->pmsi_label, e->pmsi);
		assert_string_equal(ipaddr_str(&a->pmsi_ep, s), e->orig);
	} else {
		assert_false(a->flags & AF_HAS_PMSI);
	}
	for (unsigned i = 0; i < a->nextcomm; i++) {
		if (extc_is_rt(a->extcomm[i])) {
			char want[64];
			snprintf(want, sizeof want, "rt:%s", e->rt);
			assert_string_equal(extc_str(a->extcomm[i], s, sizeof s), want);
			nrt++;
		}
	}
	assert_int_equal(nrt, e->fam == FAM_EVPN ? 1 : 0);
	if (reflected) {
		/* reflected by gobgpd: ORIGINATOR_ID and CLUSTER_LIST, wire.md */
		assert_true(a->flags & AF_HAS_ORIGINATOR);
		assert_int_equal(a->originator_id, 0x0a4d0204);
		assert_int_equal(a->ncluster, 1);
		assert_int_equal(a->cluster[0], 0x0a4d0002);
	} else {
		assert_false(a->flags & AF_HAS_ORIGINATOR);
		assert_int_equal(a->ncluster, 0);
	}
}

static void test_updates_decode(void **state)
{
	int seen = 0;

	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		const struct expect *e;
		static struct update u;
		struct bgp_err err;
		struct rbuf field, one;
		int fam, n = 0;

		if (f->type != BGP_UPDATE)
			continue;
		e = find_expect(f->frame);
		if (!e)
			fail_msg("frame %d: no expectation", f->frame);
		seen++;
		assert_int_equal(update_parse(f->bytes + BGP_HDR_LEN, f->len - BGP_HDR_LEN, &ibgp, &u, &err),
				 ATTR_OK);
		assert_false(u.eor);
		assert_false(u.ipv4_nlri);
		if (e->withdraw) {
			assert_true(u.ap.has_unreach);
			assert_false(u.ap.has_reach);
			assert_int_equal(u.reach_fam, -1);
			assert_int_equal(u.unreach_fam, e->fam);
			field = u.ap.unreach_nlri;
		} else {
			assert_true(u.ap.has_reach);
			assert_false(u.ap.has_unreach);
			assert_int_equal(u.unreach_fam, -1);
			assert_int_equal(u.reach_fam, e->fam);
			field = u.ap.reach_nlri;
			check_attrs(e, &u.ap.a);
		}
		fam = e->fam;
		while (rbuf_left(&field)) {
			assert_int_equal(family_table[fam].next(&field, &one), 0);
			assert_int_equal(family_table[fam].check(rbuf_ptr(&one), rbuf_left(&one)), 0);
			if (fam == FAM_EVPN) {
				check_evpn(e, rbuf_ptr(&one), rbuf_left(&one));
			} else {
				const uint8_t *k, *v;
				size_t kl, vl;
				assert_int_equal(opaque_decode(rbuf_ptr(&one), rbuf_left(&one), &k, &kl, &v, &vl), 0);
				assert_int_equal(kl, strlen(e->key));
				assert_memory_equal(k, e->key, kl);
				assert_int_equal(vl, e->vlen);
				assert_memory_equal(v, e->val, vl);
			}
			n++;
		}
		assert_int_equal(n, 1);
	}
	assert_int_equal(seen, 34);
}

/* The canonical encoding: what the writer makes of the parsed UPDATE is the frame itself. */
static void test_updates_reencode(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		static struct update u;
		static struct update_writer uw;
		struct bgp_err err;
		struct attrs *ia = NULL;
		struct rbuf field, one;
		const uint8_t *msg;
		size_t mlen;
		int fam;

		if (f->type != BGP_UPDATE)
			continue;
		assert_int_equal(update_parse(f->bytes + BGP_HDR_LEN, f->len - BGP_HDR_LEN, &ibgp, &u, &err),
				 ATTR_OK);
		if (u.ap.has_reach) {
			fam = u.reach_fam;
			ia = attrs_intern(&u.ap.a);
			assert_non_null(ia);
			update_begin_reach(&uw, fam, ia);
			field = u.ap.reach_nlri;
		} else {
			fam = u.unreach_fam;
			update_begin_unreach(&uw, fam);
			field = u.ap.unreach_nlri;
		}
		while (rbuf_left(&field)) {
			assert_int_equal(family_table[fam].next(&field, &one), 0);
			assert_int_equal(update_add(&uw, rbuf_ptr(&one), rbuf_left(&one)), 1);
		}
		mlen = update_finish(&uw, &msg);
		if (mlen != f->len || memcmp(msg, f->bytes, mlen) != 0) {
			print_error("frame %d re-encoded differently (%zu vs %zu bytes)\n", f->frame, mlen,
				    f->len);
			for (size_t b = 0; b < mlen; b++)
				print_error("%02x", msg[b]);
			print_error("\n");
			fail();
		}
		attrs_unref(ia);
	}
	assert_int_equal(attrs_interned_count(), 0);
}

/* Cut the body short, header length fixed up and inner lengths left as they are: the withdrawn or
 * attribute length then overruns, which is framing breakage: a session reset. */
static void test_truncations(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		static struct update u;
		static uint8_t t[4096];
		struct bgp_err err;

		if (f->type != BGP_UPDATE)
			continue;
		for (size_t cut = BGP_HDR_LEN; cut < f->len; cut++) {
			enum attr_verdict v;
			memcpy(t, f->bytes, cut);
			t[16] = (uint8_t)(cut >> 8);
			t[17] = (uint8_t)cut;
			v = update_parse(t + BGP_HDR_LEN, cut - BGP_HDR_LEN, &ibgp, &u, &err);
			if (v != ATTR_RESET)
				fail_msg("frame %d cut at %zu: verdict %d", f->frame, cut, v);
			assert_int_equal(err.code, ERR_UPDATE);
			assert_int_equal(err.subcode, ERR_UPD_ATTRLIST);
		}
	}
}

/* Offset and length of the MP attribute in an UPDATE of the capture (test-side, trusted input). */
static size_t find_mp(const uint8_t *m, size_t len, size_t *hdr)
{
	size_t p = BGP_HDR_LEN + 4;

	*hdr = 0;
	while (p < len) {
		uint8_t fl = m[p], type = m[p + 1];
		size_t h = (fl & ATTR_F_EXTLEN) ? 4 : 3;
		size_t l = (fl & ATTR_F_EXTLEN) ? (size_t)(m[p + 2] << 8 | m[p + 3]) : m[p + 2];
		if (type == ATTR_MP_REACH || type == ATTR_MP_UNREACH) {
			*hdr = h;
			return p;
		}
		p += h + l;
	}
	fail();
	return 0;
}

/* Shorten the NLRI field inside a consistent attribute block: the NLRI cannot be located any more
 * (RFC 7606 section 5.3), a session reset with Optional Attribute Error. An opaque NLRI whose value
 * only got shorter is still an opaque NLRI. */
static void test_nlri_truncations(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		const struct capture_frame *f = &cap_frames[i];
		static struct update u;
		static uint8_t t[4096];
		struct bgp_err err;
		size_t mp, h, mplen, fixed, nlri_len;

		if (f->type != BGP_UPDATE)
			continue;
		mp = find_mp(f->bytes, f->len, &h);
		assert_int_equal(h, 3);
		mplen = f->bytes[mp + 2];
		fixed = f->bytes[mp + 1] == ATTR_MP_REACH ? 3 + 1 + f->bytes[mp + 3 + 3] + 1 : 3;
		nlri_len = mplen - fixed;
		for (size_t cut = 1; cut < nlri_len; cut++) {
			size_t end = mp + h + mplen, len = f->len - cut;
			uint16_t alen = (uint16_t)(f->bytes[BGP_HDR_LEN + 2] << 8 | f->bytes[BGP_HDR_LEN + 3]);
			enum attr_verdict v;
			const uint8_t *k, *val;
			size_t kl, vl;

			memcpy(t, f->bytes, end - cut);
			memcpy(t + end - cut, f->bytes + end, f->len - end);
			t[16] = (uint8_t)(len >> 8);
			t[17] = (uint8_t)len;
			t[mp + 2] = (uint8_t)(mplen - cut);
			alen = (uint16_t)(alen - cut);
			t[BGP_HDR_LEN + 2] = (uint8_t)(alen >> 8);
			t[BGP_HDR_LEN + 3] = (uint8_t)alen;
			v = update_parse(t + BGP_HDR_LEN, len - BGP_HDR_LEN, &ibgp, &u, &err);
			if (family_find((uint16_t)(f->bytes[mp + h] << 8 | f->bytes[mp + h + 1]),
					f->bytes[mp + h + 2]) == FAM_OPAQUE &&
			    opaque_decode(t + mp + h + fixed, nlri_len - cut, &k, &kl, &val, &vl) == 0) {
				assert_int_equal(v, ATTR_OK);
				continue;
			}
			if (v != ATTR_RESET)
				fail_msg("frame %d NLRI cut by %zu: verdict %d", f->frame, cut, v);
			assert_int_equal(err.code, ERR_UPDATE);
			assert_int_equal(err.subcode, ERR_UPD_OPTATTR);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_small_messages),
		cmocka_unit_test(test_updates_decode),
		cmocka_unit_test(test_updates_reencode),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_nlri_truncations),
	};
	return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
