/* SPDX-License-Identifier: Apache-2.0 */
/* Opaque key-value NLRI: GoBGP's encoding (frames 106-110, 132-136 of the capture). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <json-c/json.h>

#include "family.h"
#include "opaque.h"
#include "testutil.h"

static void test_decode_capture(void **state)
{
	uint8_t b[64];
	const uint8_t *k, *v;
	size_t kl, vl;
	long n;

	/* frame 106: key "key1", value "value1" */
	n = hex_decode("0004 6b657931 76616c756531", b, sizeof b);
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), 0);
	assert_int_equal(kl, 4);
	assert_memory_equal(k, "key1", 4);
	assert_int_equal(vl, 6);
	assert_memory_equal(v, "value1", 6);
	/* frame 108: the value runs to the end, length bytes and all */
	n = hex_decode("0002 6b32 763200026b337633", b, sizeof b);
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), 0);
	assert_int_equal(kl, 2);
	assert_memory_equal(k, "k2", 2);
	assert_int_equal(vl, 8);
	assert_memory_equal(v, "v2\0\2k3v3", 8);
	/* frame 110: empty value */
	n = hex_decode("0002 6b34", b, sizeof b);
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), 0);
	assert_memory_equal(k, "k4", 2);
	assert_int_equal(vl, 0);
	/* empty key, empty value: still well formed */
	n = hex_decode("0000", b, sizeof b);
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), 0);
	assert_int_equal(kl + vl, 0);
}

static void test_malformed(void **state)
{
	uint8_t b[64] = { 0 };
	const uint8_t *k, *v;
	size_t kl, vl;
	long n;

	assert_int_equal(opaque_decode(b, 0, &k, &kl, &v, &vl), -1);
	n = hex_decode("00", b, sizeof b); /* half a key length */
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), -1);
	n = hex_decode("0005 6b657931", b, sizeof b); /* key longer than the NLRI */
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), -1);
	n = hex_decode("ffff 00", b, sizeof b);
	assert_int_equal(opaque_decode(b, (size_t)n, &k, &kl, &v, &vl), -1);
	assert_int_equal(family_table[FAM_OPAQUE].check(b, (size_t)n), -1);
}

static void test_encode(void **state)
{
	uint8_t b[64], want[64];
	struct wbuf w;
	long n;
	static char big[70000];

	wbuf_init(&w, b, sizeof b);
	assert_int_equal(opaque_encode(&w, "key1", 4, "value1", 6), 0);
	n = hex_decode("00046b65793176616c756531", want, sizeof want);
	assert_int_equal(w.len, n);
	assert_memory_equal(b, want, (size_t)n);

	wbuf_init(&w, b, sizeof b);
	assert_int_equal(opaque_encode(&w, "k4", 2, NULL, 0), 0);
	assert_int_equal(w.len, 4);
	assert_memory_equal(b, "\x00\x02k4", 4);

	wbuf_init(&w, b, sizeof b);
	assert_int_equal(opaque_encode(&w, big, 65536, NULL, 0), -1); /* key over 65535 */
	wbuf_init(&w, b, 8);
	assert_int_equal(opaque_encode(&w, "key1", 4, "value1", 6), -1); /* overflow */
}

/* One NLRI takes the whole field; the key is the table key. */
static void test_family_ops(void **state)
{
	const struct family_ops *f = &family_table[FAM_OPAQUE];
	uint8_t b[64], key[NLRI_KEY_MAX];
	struct rbuf r, one;
	long n = hex_decode("0002 6b32 763200026b337633", b, sizeof b);

	assert_int_equal(f->afi, 16397);
	assert_int_equal(f->safi, 241);
	assert_int_equal(f->max_per_update, 1);
	rbuf_init(&r, b, (size_t)n);
	assert_int_equal(f->next(&r, &one), 0);
	assert_int_equal(rbuf_left(&one), (size_t)n);
	assert_int_equal(rbuf_left(&r), 0);
	assert_int_equal(f->check(rbuf_ptr(&one), rbuf_left(&one)), 0);
	assert_int_equal(f->key(b, (size_t)n, key), 2);
	assert_memory_equal(key, "k2", 2);

	rbuf_init(&r, b, 1);
	assert_int_equal(f->next(&r, &one), -1);
	rbuf_init(&r, b, 3); /* key length 2, one key byte */
	assert_int_equal(f->next(&r, &one), -1);
}

/* JSON of keys and values: UTF-8 text as strings, anything else null beside a _hex form, so the
 * output stays valid JSON whatever a peer sent. */
static const char *json_of(const char *hex, char *out, size_t cap)
{
	uint8_t b[64];
	long n = hex_decode(hex, b, sizeof b);
	struct json_object *o = json_object_new_object();

	family_table[FAM_OPAQUE].to_json(b, (size_t)n, NULL, o);
	snprintf(out, cap, "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

static void test_json_bytes(void **state)
{
	char s[256];

	(void)state;
	assert_string_equal(json_of("0004 6b657931 76616c756531", s, sizeof s),
			    "{\"key\":\"key1\",\"value\":\"value1\"}");
	/* "vm/é" and "ü€𝄞": multi-byte UTF-8 passes as text */
	assert_string_equal(json_of("0005 766d2fc3a9 c3bce282acf09d849e", s, sizeof s),
			    "{\"key\":\"vm\\/é\",\"value\":\"ü€𝄞\"}");
	/* a lone continuation byte, an overlong '/', a surrogate, a NUL, a cut sequence */
	assert_string_equal(json_of("0001 80 c0af", s, sizeof s),
			    "{\"key\":null,\"key_hex\":\"80\",\"value\":null,\"value_hex\":\"c0af\"}");
	assert_string_equal(json_of("0003 eda080 6b00", s, sizeof s),
			    "{\"key\":null,\"key_hex\":\"eda080\",\"value\":null,\"value_hex\":\"6b00\"}");
	assert_string_equal(json_of("0002 6be2 ff", s, sizeof s),
			    "{\"key\":null,\"key_hex\":\"6be2\",\"value\":null,\"value_hex\":\"ff\"}");
	/* past U+10FFFF */
	assert_string_equal(json_of("0004 f4908080", s, sizeof s),
			    "{\"key\":null,\"key_hex\":\"f4908080\",\"value\":\"\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_capture),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_family_ops),
		cmocka_unit_test(test_json_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
