/* SPDX-License-Identifier: Apache-2.0 */
/* The family table: lookups, family lists, and the text/JSON views of routes from the capture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <string.h>

#include "attr.h"
#include "family.h"
#include "update.h"
#include "testutil.h"

static void test_lookup(void **state)
{
	uint32_t m;

	assert_int_equal(family_find(25, 70), FAM_EVPN);
	assert_int_equal(family_find(16397, 241), FAM_OPAQUE);
	assert_int_equal(family_find(1, 1), -1);
	assert_int_equal(family_find(25, 241), -1);
	assert_int_equal(family_by_name("evpn"), FAM_EVPN);
	assert_int_equal(family_by_name("opaque"), FAM_OPAQUE);
	assert_int_equal(family_by_name("ipv4"), -1);
	assert_int_equal(family_by_name(""), -1);
	assert_int_equal(family_table[FAM_EVPN].max_per_update, 0);
	assert_int_equal(family_table[FAM_OPAQUE].max_per_update, 1);

	assert_int_equal(family_mask_parse("evpn", &m), 0);
	assert_int_equal(m, FAM_BIT(FAM_EVPN));
	assert_int_equal(family_mask_parse("evpn,opaque", &m), 0);
	assert_int_equal(m, FAM_ALL);
	assert_int_equal(family_mask_parse(" opaque ,  evpn ", &m), 0);
	assert_int_equal(m, FAM_ALL);
	assert_int_equal(family_mask_parse("", &m), 0);
	assert_int_equal(m, 0);
	m = 77;
	assert_int_equal(family_mask_parse("evpn ipv4", &m), -1);
	assert_int_equal(m, 77);
	assert_int_equal(family_mask_parse("evpnx", &m), -1);
	assert_int_equal(family_mask_parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &m), -1);
}

/* Parse capture frame `frame` and hand back its single NLRI (announcement or withdraw). */
static struct update u;
static void frame_nlri(int frame, const uint8_t **nlri, size_t *len, int *fam)
{
	static const struct attr_ctx ibgp = { .ebgp = false, .as4 = true };
	const struct capture_frame *f = capture_frame(frame);
	struct bgp_err err;
	struct rbuf field, one;

	assert_int_equal(update_parse(f->bytes + 19, f->len - 19, &ibgp, &u, &err), ATTR_OK);
	*fam = u.ap.has_reach ? u.reach_fam : u.unreach_fam;
	field = u.ap.has_reach ? u.ap.reach_nlri : u.ap.unreach_nlri;
	assert_int_equal(family_table[*fam].next(&field, &one), 0);
	*nlri = rbuf_ptr(&one);
	*len = rbuf_left(&one);
}

static void test_print(void **state)
{
	const uint8_t *nlri;
	size_t len;
	int fam;
	char buf[256];

	frame_nlri(21, &nlri, &len, &fam);
	family_table[fam].print(nlri, len, buf, sizeof buf);
	assert_string_equal(buf, "[type:macadv][rd:64512:10][etag:0][mac:aa:bb:cc:dd:ee:05][ip:192.168.10.5]"
				 "[labels:[10]]");
	frame_nlri(19, &nlri, &len, &fam);
	family_table[fam].print(nlri, len, buf, sizeof buf);
	assert_string_equal(buf, "[type:macadv][rd:64512:10][etag:0][mac:aa:bb:cc:dd:ee:04][ip:<nil>]"
				 "[labels:[10]]");
	frame_nlri(31, &nlri, &len, &fam);
	family_table[fam].print(nlri, len, buf, sizeof buf);
	assert_non_null(strstr(buf, "[labels:[100000 5000]]"));
	frame_nlri(25, &nlri, &len, &fam);
	family_table[fam].print(nlri, len, buf, sizeof buf);
	assert_string_equal(buf, "[type:multicast][rd:64512:11][etag:0][ip:10.77.0.1]");
	frame_nlri(108, &nlri, &len, &fam);
	assert_int_equal(fam, FAM_OPAQUE);
	int n = family_table[fam].print(nlri, len, buf, sizeof buf);
	assert_string_equal(buf, "[key:k2][value:v2\\x00\\x02k3v3]");
	assert_int_equal(n, (int)strlen(buf));
	/* a short buffer is cut but the full length is reported */
	assert_int_equal(family_table[fam].print(nlri, len, buf, 8), n);
	assert_string_equal(buf, "[key:k2");
}

static json_object *route_json(int frame)
{
	const uint8_t *nlri;
	size_t len;
	int fam;
	json_object *o = json_object_new_object();

	frame_nlri(frame, &nlri, &len, &fam);
	family_table[fam].to_json(nlri, len, u.ap.has_reach ? &u.ap.a : NULL, o);
	return o;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	assert_true(json_object_object_get_ex(o, k, &v));
	return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";
}

static void test_json_macip(void **state)
{
	json_object *o = route_json(116);

	assert_string_equal(jstr(o, "type"), "\"macadv\"");
	assert_string_equal(jstr(o, "rd"), "\"64512:44\"");
	assert_string_equal(jstr(o, "etag"), "0");
	assert_string_equal(jstr(o, "mac"), "\"aa:bb:cc:00:00:43\"");
	assert_string_equal(jstr(o, "ip"), "\"192.168.10.43\"");
	assert_string_equal(jstr(o, "vni"), "100");
	assert_true(json_object_object_get_ex(o, "l3vni", NULL)); /* null: no second label */
	assert_string_equal(jstr(o, "labels"), "[100]");
	assert_string_equal(jstr(o, "esi"), "\"0\"");
	assert_string_equal(jstr(o, "originator"), "null");
	assert_string_equal(jstr(o, "route_targets"), "[\"64512:10\"]");
	assert_string_equal(jstr(o, "encap"), "\"vxlan\"");
	assert_string_equal(jstr(o, "seq"), "5");
	assert_string_equal(jstr(o, "sticky"), "true");
	assert_false(json_object_object_get_ex(o, "pmsi", NULL));
	assert_false(json_object_object_get_ex(o, "router_mac", NULL));
	json_object_put(o);

	o = route_json(55); /* RD type 1, MAC only, mobility seq 0 */
	assert_string_equal(jstr(o, "rd"), "\"10.77.0.2:10\"");
	assert_string_equal(jstr(o, "ip"), "null");
	assert_string_equal(jstr(o, "seq"), "0");
	assert_string_equal(jstr(o, "sticky"), "false");
	json_object_put(o);

	o = route_json(162); /* a withdraw: key fields, no attributes */
	assert_string_equal(jstr(o, "mac"), "\"aa:bb:cc:dd:ee:0b\"");
	assert_string_equal(jstr(o, "vni"), "10");
	assert_string_equal(jstr(o, "route_targets"), "[]");
	assert_string_equal(jstr(o, "encap"), "null");
	json_object_put(o);
}

static void test_json_imet(void **state)
{
	json_object *o = route_json(148);

	assert_string_equal(jstr(o, "type"), "\"multicast\"");
	assert_string_equal(jstr(o, "rd"), "\"64512:12\"");
	assert_string_equal(jstr(o, "ip"), "null");
	assert_string_equal(jstr(o, "originator"), "\"10.99.0.1\"");
	assert_string_equal(jstr(o, "vni"), "12"); /* from the PMSI label */
	assert_string_equal(jstr(o, "labels"), "[]");
	assert_string_equal(jstr(o, "pmsi"),
			    "{\"type\":\"ingress-replication\",\"label\":12,\"endpoint\":\"10.99.0.1\"}");
	assert_string_equal(jstr(o, "route_targets"), "[\"64512:12\"]");
	json_object_put(o);

	o = route_json(23); /* no PMSI: no VNI known */
	assert_string_equal(jstr(o, "vni"), "null");
	assert_false(json_object_object_get_ex(o, "pmsi", NULL));
	json_object_put(o);
}

static void test_json_extras(void **state)
{
	uint8_t nlri[64];
	long n = hex_decode("02 21 0000fc000000000a 00112233445566778899 00000000 30 aabbccddee04 00 00000a",
			    nlri, sizeof nlri);
	uint64_t ext[3] = { extc_rt_make(64512, 10), (uint64_t)EXTC_ROUTER_MAC << 48 | 0x0200000000aaULL,
			    (uint64_t)EXTC_DEFAULT_GW << 48 };
	struct attrs a;
	json_object *o = json_object_new_object();

	memset(&a, 0, sizeof a);
	a.extcomm = ext;
	a.nextcomm = 3;
	family_table[FAM_EVPN].to_json(nlri, (size_t)n, &a, o);
	assert_string_equal(jstr(o, "esi"), "\"00:11:22:33:44:55:66:77:88:99\"");
	assert_string_equal(jstr(o, "router_mac"), "\"02:00:00:00:00:aa\"");
	assert_string_equal(jstr(o, "default_gateway"), "true");
	assert_string_equal(jstr(o, "encap"), "null");
	json_object_put(o);
}

static void test_json_opaque(void **state)
{
	json_object *o = route_json(108), *v;

	/* a value with a NUL in it is no text: null, and its bytes as hex */
	assert_true(json_object_object_get_ex(o, "value", &v));
	assert_null(v);
	assert_string_equal(jstr(o, "value_hex"), "\"763200026b337633\"");
	assert_string_equal(jstr(o, "key"), "\"k2\"");
	assert_false(json_object_object_get_ex(o, "key_hex", NULL));
	json_object_put(o);
	o = route_json(136);
	assert_string_equal(jstr(o, "key"), "\"k4\"");
	assert_string_equal(jstr(o, "value"), "\"\"");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_json_macip),
		cmocka_unit_test(test_json_imet),
		cmocka_unit_test(test_json_extras),
		cmocka_unit_test(test_json_opaque),
	};
	return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
