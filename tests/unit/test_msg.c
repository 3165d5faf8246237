/* SPDX-License-Identifier: Apache-2.0 */
/* Framing, OPEN, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH against GoBGP 3.10's bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "family.h"
#include "msg.h"
#include "testutil.h"





/* Both of GoBGP's OPENs: one optional parameter holding route refresh, FQDN (73, skipped), MP EVPN,
 * MP opaque, 4-octet AS and extended next hop (5, skipped). */
static void test_gobgp_open(void **state)
{
	static const struct { int frame; uint32_t id; } opens[] = {
		{4, 0x0a4d0002}, {6, 0x0a4d0001}, {81, 0x0a4d0001}, {83, 0x0a4d0002}};
	for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
		const struct capture_frame *f = capture_frame(opens[i].frame);
		struct bgp_open o;
		struct bgp_err err;
		uint16_t len;
		uint8_t type;

		assert_int_equal(msg_check_header(f->bytes, &len, &type, &err), 0);
		assert_int_equal(len, f->len);
		assert_int_equal(type, BGP_OPEN);
		assert_int_equal(msg_open_decode(f->bytes + BGP_HDR_LEN, len - BGP_HDR_LEN, &o, &err), 0);
		assert_int_equal(o.version, 4);
		assert_int_equal(o.asn, 64512);
		assert_int_equal(o.hold_time, 90);
		assert_int_equal(o.bgp_id, opens[i].id);
		assert_int_equal(o.fam_mask, FAM_BIT(FAM_EVPN) | FAM_BIT(FAM_OPAQUE));
		assert_false(o.mp_unknown);
		assert_true(o.as4);
		assert_true(o.route_refresh);
		assert_false(o.gr);
	}
}

/* Every truncation of GoBGP's OPEN fails with an OPEN or header error, never reads past the end
 * (the copy is exactly as long as the truncated body, so ASan would see an overrun). */
static void test_open_truncations(void **state)
{
	const struct capture_frame *f = capture_frame(4);
	size_t body = f->len - BGP_HDR_LEN;
	for (size_t n = 0; n < body; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		struct bgp_open o;
		struct bgp_err err;
		memcpy(copy, f->bytes + BGP_HDR_LEN, n);
		assert_int_equal(msg_open_decode(copy, n, &o, &err), -1);
		assert_true(err.code == ERR_OPEN || err.code == ERR_HEADER);
		if (n < 10) {
			assert_int_equal(err.code, ERR_HEADER);
			assert_int_equal(err.subcode, ERR_HDR_LEN);
		}
		free(copy);
	}
}

/* Deterministic mutations of GoBGP's OPEN body: a clean result either way, errors of class OPEN or
 * header only, and no stray access under ASan. */
static void test_open_mutations(void **state)
{
	const struct capture_frame *f = capture_frame(4);
	size_t n = f->len - BGP_HDR_LEN;
	uint32_t rnd = 777;
	for (int k = 0; k < 20000; k++) {
		uint8_t *copy = malloc(n);
		struct bgp_open o;
		struct bgp_err err;
		memcpy(copy, f->bytes + BGP_HDR_LEN, n);
		for (int m = 0; m < 1 + k % 3; m++) {
			rnd = rnd * 1103515245u + 12345u;
			copy[(rnd >> 8) % n] = (uint8_t)(rnd >> 24);
		}
		if (msg_open_decode(copy, n, &o, &err) < 0)
			assert_true(err.code == ERR_OPEN || err.code == ERR_HEADER);
		else
			assert_int_equal(o.version, 4);
		free(copy);
	}
}

static void roundtrip(const struct bgp_open *in)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;
	struct bgp_open out;
	struct bgp_err err;
	uint16_t len;
	uint8_t type;

	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_open_encode(&w, in), 0);
	assert_int_equal(msg_check_header(buf, &len, &type, &err), 0);
	assert_int_equal(len, w.len);
	assert_int_equal(type, BGP_OPEN);
	assert_int_equal(msg_open_decode(buf + BGP_HDR_LEN, len - BGP_HDR_LEN, &out, &err), 0);
	assert_memory_equal(&out, in, sizeof out);
}

static void test_open_roundtrip(void **state)
{
	struct bgp_open o;
	uint8_t buf[BGP_MAX_MSG];
	struct wbuf w;
	uint8_t want[128];
	long n;

	memset(&o, 0, sizeof o);
	o.version = 4;
	o.asn = 64512;
	o.hold_time = 90;
	o.bgp_id = 0x0a4d0003;
	o.fam_mask = FAM_ALL;
	o.as4 = true;
	o.route_refresh = true;
	roundtrip(&o);

	/* the bytes: one optional parameter, MP EVPN, MP opaque, route refresh, 4-octet AS */
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_open_encode(&w, &o), 0);
	n = hex_decode("ffffffffffffffffffffffffffffffff 0033 01 04 fc00 005a 0a4d0003 16 02 14"
		       "0104 0019 00 46  0104 400d 00 f1  0200  4104 0000fc00", want, sizeof want);
	assert_int_equal(w.len, (size_t)n);
	assert_memory_equal(buf, want, (size_t)n);

	/* graceful restart, a 4-octet AS (sent as AS_TRANS in the 2-byte field) */
	o.asn = 4200000000u;
	o.gr = true;
	o.gr_time = 120;
	o.gr_flags = 0x8;
	o.gr_fam_mask = FAM_ALL;
	o.gr_fwd_mask = FAM_BIT(FAM_EVPN);
	roundtrip(&o);
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_open_encode(&w, &o), 0);
	assert_int_equal(buf[20], 0x5b); /* AS_TRANS 23456 */
	assert_int_equal(buf[21], 0xa0);
	n = hex_decode("400a 8078 0019 46 80 400d f1 00", want, sizeof want);
	assert_memory_equal(buf + w.len - (size_t)n, want, (size_t)n);

	o.fam_mask = FAM_BIT(FAM_OPAQUE);
	o.gr = false;
	o.gr_time = 0;
	o.gr_flags = 0;
	o.gr_fam_mask = o.gr_fwd_mask = 0;
	roundtrip(&o);

	/* a writer that is too small fails */
	wbuf_init(&w, buf, 40);
	assert_int_equal(msg_open_encode(&w, &o), -1);
}

/* Decode a hand-written OPEN body; returns the decoder's result. */
static int open_hex(const char *hex, struct bgp_open *o, struct bgp_err *err)
{
	uint8_t b[512];
	long n = hex_decode(hex, b, sizeof b);
	assert_true(n >= 0);
	return msg_open_decode(b, (size_t)n, o, err);
}

static void test_open_errors(void **state)
{
	struct bgp_open o;
	struct bgp_err err;

	/* version 3: Unsupported Version Number, data = the version we speak */
	assert_int_equal(open_hex("03 fc00 005a 0a4d0002 00", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	assert_int_equal(err.subcode, ERR_OPEN_VERSION);
	assert_int_equal(err.data_len, 2);
	assert_memory_equal(err.data, "\x00\x04", 2);
	/* hold time 1 and 2 are unacceptable; 0 and 3 are fine */
	assert_int_equal(open_hex("04 fc00 0001 0a4d0002 00", &o, &err), -1);
	assert_int_equal(err.subcode, ERR_OPEN_HOLD);
	assert_int_equal(open_hex("04 fc00 0002 0a4d0002 00", &o, &err), -1);
	assert_int_equal(err.subcode, ERR_OPEN_HOLD);
	assert_int_equal(open_hex("04 fc00 0000 0a4d0002 00", &o, &err), 0);
	assert_int_equal(open_hex("04 fc00 0003 0a4d0002 00", &o, &err), 0);
	assert_int_equal(o.asn, 64512);
	assert_false(o.as4);
	/* BGP identifier 0 */
	assert_int_equal(open_hex("04 fc00 005a 00000000 00", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	assert_int_equal(err.subcode, ERR_OPEN_BGPID);
	/* optional parameter length longer / shorter than what follows */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 04 02 02 0200", &o, &err), 0);
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 05 02 02 0200", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 03 02 02 0200", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	/* a capability running past its parameter */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 04 02 02 4104", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	/* MP capability of the wrong length; 4-octet AS of the wrong length */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 07 02 05 0103 001946", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 07 02 05 4103 0000fc", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
	/* optional parameter type 1 (authentication, deprecated) */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 03 01 01 00", &o, &err), -1);
	assert_int_equal(err.subcode, ERR_OPEN_OPT);
	/* AS 0 */
	assert_int_equal(open_hex("04 0000 005a 0a4d0002 00", &o, &err), -1);
	assert_int_equal(err.subcode, ERR_OPEN_AS);
	/* GR capability with a partial family tuple */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 09 02 07 4005 8078 001946", &o, &err), -1);
	assert_int_equal(err.code, ERR_OPEN);
}

/* Capabilities spread over several optional parameters, several in one, unknown ones, and an MP
 * capability for a family we do not know (IPv4 unicast). */
static void test_open_many_params(void **state)
{
	struct bgp_open o;
	struct bgp_err err;
	assert_int_equal(open_hex("04 5ba0 00b4 0a000001 22"
				  "02 06 0104 00010001"          /* MP IPv4 unicast: unknown */
				  "02 08 0200 4104 fa56ea00"     /* refresh + AS 4200000000 */
				  "02 0e 0104 00190046 4006 4078 0019 4680", /* MP EVPN, GR */
				  &o, &err), 0);
	assert_int_equal(o.asn, 4200000000u);
	assert_true(o.as4);
	assert_true(o.route_refresh);
	assert_true(o.mp_unknown);
	assert_int_equal(o.fam_mask, FAM_BIT(FAM_EVPN));
	assert_int_equal(o.hold_time, 180);
	assert_true(o.gr);
	assert_int_equal(o.gr_flags, 0x4);
	assert_int_equal(o.gr_time, 120);
	assert_int_equal(o.gr_fam_mask, FAM_BIT(FAM_EVPN));
	assert_int_equal(o.gr_fwd_mask, FAM_BIT(FAM_EVPN));

	/* RFC 9072 extended optional parameters: 255, type 255, 2-byte length, 2-byte param lengths */
	assert_int_equal(open_hex("04 fc00 005a 0a4d0002 ff ff 000b 02 0008 0200 4104 0000fc00", &o, &err),
			 0);
	assert_true(o.as4);
	assert_true(o.route_refresh);
}

static void test_header(void **state)
{
	uint8_t h[19];
	uint16_t len;
	uint8_t type;
	struct bgp_err err;

	hex_decode("ffffffffffffffffffffffffffffffff 0013 04", h, sizeof h);
	assert_int_equal(msg_check_header(h, &len, &type, &err), 0);
	assert_int_equal(len, 19);
	assert_int_equal(type, BGP_KEEPALIVE);

	h[3] = 0xfe;
	assert_int_equal(msg_check_header(h, &len, &type, &err), -1);
	assert_int_equal(err.code, ERR_HEADER);
	assert_int_equal(err.subcode, ERR_HDR_SYNC);
	h[3] = 0xff;

	static const struct { uint16_t len; uint8_t type; uint8_t sub; } bad[] = {
		{18, 4, ERR_HDR_LEN}, {4097, 2, ERR_HDR_LEN}, {20, 4, ERR_HDR_LEN},
		{28, 1, ERR_HDR_LEN}, {22, 2, ERR_HDR_LEN}, {20, 3, ERR_HDR_LEN},
		{24, 5, ERR_HDR_LEN}, {22, 5, ERR_HDR_LEN}, {19, 0, ERR_HDR_TYPE}, {19, 6, ERR_HDR_TYPE},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		h[16] = (uint8_t)(bad[i].len >> 8);
		h[17] = (uint8_t)bad[i].len;
		h[18] = bad[i].type;
		assert_int_equal(msg_check_header(h, &len, &type, &err), -1);
		assert_int_equal(err.code, ERR_HEADER);
		assert_int_equal(err.subcode, bad[i].sub);
		if (bad[i].sub == ERR_HDR_LEN) {
			assert_int_equal(err.data_len, 2);
			assert_int_equal(err.data[0] << 8 | err.data[1], bad[i].len);
		} else {
			assert_int_equal(err.data_len, 1);
			assert_int_equal(err.data[0], bad[i].type);
		}
	}
	static const struct { uint16_t len; uint8_t type; } good[] = {
		{29, 1}, {23, 2}, {4096, 2}, {21, 3}, {23, 5},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		h[16] = (uint8_t)(good[i].len >> 8);
		h[17] = (uint8_t)good[i].len;
		h[18] = good[i].type;
		assert_int_equal(msg_check_header(h, &len, &type, &err), 0);
		assert_int_equal(len, good[i].len);
	}
}

/* Every frame of the capture passes the header check with its own length and type. */
static void test_capture_headers(void **state)
{
	for (int i = 0; i < cap_count; i++) {
		uint16_t len;
		uint8_t type;
		struct bgp_err err;
		assert_int_equal(msg_check_header(cap_frames[i].bytes, &len, &type, &err), 0);
		assert_int_equal(len, cap_frames[i].len);
		assert_int_equal(type, cap_frames[i].type);
	}
}

static void test_keepalive(void **state)
{
	uint8_t buf[64];
	struct wbuf w;
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_keepalive_encode(&w), 0);
	assert_int_equal(w.len, capture_frame(8)->len);
	assert_memory_equal(buf, capture_frame(8)->bytes, w.len);
	wbuf_init(&w, buf, 18);
	assert_int_equal(msg_keepalive_encode(&w), -1);
}

/* Frame 74: gobgpd on SIGTERM sends Cease / Peer De-configured (code 6 subcode 3). */
static void test_notification(void **state)
{
	const struct capture_frame *f = capture_frame(74);
	struct bgp_err e, e2;
	uint8_t buf[64];
	struct wbuf w;

	assert_int_equal(msg_notification_decode(f->bytes + BGP_HDR_LEN, f->len - BGP_HDR_LEN, &e), 0);
	assert_int_equal(e.code, ERR_CEASE);
	assert_int_equal(e.subcode, ERR_CEASE_PEER_UNCONF);
	assert_int_equal(e.data_len, 0);
	assert_string_equal(msg_err_code_name(e.code), "Cease");
	assert_string_equal(msg_err_subcode_name(e.code, e.subcode), "Peer De-configured");

	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_notification_encode(&w, &e), 0);
	assert_int_equal(w.len, f->len);
	assert_memory_equal(buf, f->bytes, f->len);

	/* data is kept up to 8 bytes */
	static const uint8_t body[] = {2, 1, 0, 4, 1, 2, 3, 4, 5, 6, 7};
	assert_int_equal(msg_notification_decode(body, sizeof body, &e), 0);
	assert_int_equal(e.data_len, 8);
	assert_memory_equal(e.data, body + 2, 8);
	assert_int_equal(msg_notification_decode(body, 2, &e), 0);
	assert_int_equal(e.data_len, 0);
	assert_int_equal(msg_notification_decode(body, 1, &e), -1);

	e.code = ERR_OPEN;
	e.subcode = ERR_OPEN_VERSION;
	e.data_len = 2;
	memcpy(e.data, "\x00\x04", 2);
	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_notification_encode(&w, &e), 0);
	assert_int_equal(w.len, 23);
	assert_int_equal(msg_notification_decode(buf + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &e2), 0);
	assert_memory_equal(&e, &e2, sizeof e);
}

static void test_refresh(void **state)
{
	uint8_t buf[64], want[32];
	struct wbuf w;
	uint16_t afi;
	uint8_t safi;
	long n = hex_decode("ffffffffffffffffffffffffffffffff 0017 05 0019 00 46", want, sizeof want);

	wbuf_init(&w, buf, sizeof buf);
	assert_int_equal(msg_refresh_encode(&w, 25, 70), 0);
	assert_int_equal(w.len, (size_t)n);
	assert_memory_equal(buf, want, (size_t)n);
	assert_int_equal(msg_refresh_decode(buf + BGP_HDR_LEN, 4, &afi, &safi), 0);
	assert_int_equal(afi, 25);
	assert_int_equal(safi, 70);
	assert_int_equal(msg_refresh_decode(buf + BGP_HDR_LEN, 3, &afi, &safi), -1);
	assert_int_equal(msg_refresh_decode(buf + BGP_HDR_LEN, 5, &afi, &safi), -1);
}

static void test_names(void **state)
{
	assert_string_equal(msg_err_code_name(ERR_HEADER), "Message Header Error");
	assert_string_equal(msg_err_code_name(ERR_HOLD), "Hold Timer Expired");
	assert_string_equal(msg_err_code_name(ERR_RREFRESH), "ROUTE-REFRESH Message Error");
	assert_string_equal(msg_err_code_name(0), "unknown");
	assert_string_equal(msg_err_code_name(200), "unknown");
	assert_string_equal(msg_err_subcode_name(ERR_HEADER, ERR_HDR_LEN), "Bad Message Length");
	assert_string_equal(msg_err_subcode_name(ERR_OPEN, ERR_OPEN_HOLD), "Unacceptable Hold Time");
	assert_string_equal(msg_err_subcode_name(ERR_OPEN, ERR_OPEN_CAPA), "Unsupported Capability");
	assert_string_equal(msg_err_subcode_name(ERR_UPDATE, ERR_UPD_ATTRLIST), "Malformed Attribute List");
	assert_string_equal(msg_err_subcode_name(ERR_UPDATE, ERR_UPD_ASPATH), "Malformed AS_PATH");
	assert_string_equal(msg_err_subcode_name(ERR_CEASE, ERR_CEASE_MAX_PREFIX),
			    "Maximum Number of Prefixes Reached");
	assert_string_equal(msg_err_subcode_name(ERR_CEASE, ERR_CEASE_ADMIN_DOWN), "Administrative Shutdown");
	assert_string_equal(msg_err_subcode_name(ERR_CEASE, ERR_CEASE_RESOURCES), "Out of Resources");
	assert_string_equal(msg_err_subcode_name(ERR_RREFRESH, 1), "Invalid Message Length");
	assert_string_equal(msg_err_subcode_name(ERR_CEASE, 0), "Unspecific");
	assert_string_equal(msg_err_subcode_name(ERR_CEASE, 99), "unknown");
	assert_string_equal(msg_err_subcode_name(ERR_HOLD, 1), "unknown");
	assert_string_equal(msg_type_name(BGP_ROUTE_REFRESH), "ROUTE-REFRESH");
	assert_string_equal(msg_type_name(BGP_NOTIFICATION), "NOTIFICATION");
	assert_string_equal(msg_type_name(9), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gobgp_open),
		cmocka_unit_test(test_open_truncations),
		cmocka_unit_test(test_open_mutations),
		cmocka_unit_test(test_open_roundtrip),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_many_params),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_capture_headers),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
