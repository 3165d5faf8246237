/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded reader/writer: short reads fail without moving, overflow is sticky. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "wire.h"

static void test_reads(void **state)
{
	static const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
				    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
	struct rbuf r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t two[2];

	rbuf_init(&r, b, sizeof b);
	assert_int_equal(rbuf_u8(&r, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(rbuf_u16(&r, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(rbuf_u24(&r, &u32), 0);
	assert_int_equal(u32, 0x040506);
	assert_int_equal(rbuf_u32(&r, &u32), 0);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(rbuf_left(&r), 8);
	assert_int_equal(rbuf_u64(&r, &u64), 0);
	assert_true(u64 == 0x0b0c0d0e0f101112ull);
	assert_int_equal(rbuf_left(&r), 0);
	assert_int_equal(rbuf_u8(&r, &u8), -1);

	rbuf_init(&r, b, 2);
	assert_int_equal(rbuf_bytes(&r, two, 2), 0);
	assert_memory_equal(two, b, 2);
	rbuf_init(&r, NULL, 5);
	assert_int_equal(rbuf_left(&r), 0);
}

/* Every getter on a too-short buffer fails and leaves the cursor where it was. */
static void test_short_reads_do_not_move(void **state)
{
	static const uint8_t b[] = {0xaa, 0xbb, 0xcc};
	struct rbuf r, sub;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t buf[8];

	rbuf_init(&r, b, 3);
	assert_int_equal(rbuf_u32(&r, &u32), -1);
	assert_int_equal(rbuf_u64(&r, &u64), -1);
	assert_int_equal(rbuf_bytes(&r, buf, 4), -1);
	assert_int_equal(rbuf_skip(&r, 4), -1);
	assert_int_equal(rbuf_sub(&r, 4, &sub), -1);
	assert_int_equal(rbuf_left(&r), 3);
	assert_ptr_equal(rbuf_ptr(&r), b);
	assert_int_equal(rbuf_u24(&r, &u32), 0);
	assert_int_equal(u32, 0xaabbcc);

	rbuf_init(&r, b, 1);
	assert_int_equal(rbuf_u16(&r, &u16), -1);
	assert_int_equal(rbuf_u24(&r, &u32), -1);
	assert_int_equal(rbuf_left(&r), 1);
}

/* A sub-reader is confined to its field; the outer reader moves past it. */
static void test_sub(void **state)
{
	static const uint8_t b[] = {0x02, 0x11, 0x22, 0x33};
	struct rbuf r, sub;
	uint8_t n, v;
	uint16_t u16;

	rbuf_init(&r, b, sizeof b);
	assert_int_equal(rbuf_u8(&r, &n), 0);
	assert_int_equal(rbuf_sub(&r, n, &sub), 0);
	assert_int_equal(rbuf_left(&r), 1);
	assert_int_equal(rbuf_u16(&sub, &u16), 0);
	assert_int_equal(u16, 0x1122);
	assert_int_equal(rbuf_u8(&sub, &v), -1); /* 0x33 belongs to the outer reader */
	assert_int_equal(rbuf_u8(&r, &v), 0);
	assert_int_equal(v, 0x33);
}

static void test_writes(void **state)
{
	uint8_t buf[32];
	struct wbuf w;
	uint8_t want[32];
	long n = hex_decode("01 0203 040506 0708090a 0b0c0d0e0f101112 aabb", want, sizeof want);

	wbuf_init(&w, buf, sizeof buf);
	wbuf_u8(&w, 0x01);
	wbuf_u16(&w, 0x0203);
	wbuf_u24(&w, 0x040506);
	wbuf_u32(&w, 0x0708090a);
	wbuf_u64(&w, 0x0b0c0d0e0f101112ull);
	wbuf_bytes(&w, "\xaa\xbb", 2);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, (size_t)n);
	assert_memory_equal(buf, want, (size_t)n);
	assert_int_equal(wbuf_room(&w), sizeof buf - (size_t)n);

	wbuf_patch_u16(&w, 1, 0xbeef);
	wbuf_patch_u8(&w, 0, 0x7f);
	assert_int_equal(w.err, 0);
	assert_int_equal(buf[0], 0x7f);
	assert_int_equal(buf[1], 0xbe);
	assert_int_equal(buf[2], 0xef);
}

/* An overflowing write is dropped whole and every later write too. */
static void test_overflow_sticky(void **state)
{
	uint8_t buf[8] = {0};
	struct wbuf w;

	wbuf_init(&w, buf, 5);
	wbuf_u32(&w, 0x01020304);
	wbuf_u16(&w, 0xffff); /* 6 bytes do not fit in 5 */
	assert_int_equal(w.err, 1);
	assert_int_equal(w.len, 4);
	assert_int_equal(buf[4], 0);
	wbuf_u8(&w, 0xee); /* would fit, but the writer has failed */
	assert_int_equal(w.len, 4);
	assert_int_equal(buf[4], 0);
	assert_int_equal(wbuf_room(&w), 0);

	wbuf_init(&w, buf, 4);
	wbuf_u16(&w, 1);
	wbuf_patch_u16(&w, 1, 0x1234); /* past what was written */
	assert_int_equal(w.err, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_short_reads_do_not_move),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_overflow_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
