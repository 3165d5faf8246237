/* SPDX-License-Identifier: Apache-2.0 */
/* The watch replay window (watch_log.h) and the ephemeral-key table (ephemeral.h): sequence
 * numbers, eviction by bytes, lookups across chunks, ownership moving between connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ephemeral.h"
#include "watch_log.h"

static int append(struct wlog *l, uint8_t fam, uint32_t vni, const char *line)
{
	uint8_t nlri[3] = { 0, 1, (uint8_t)vni };
	struct wlog_rec r = { .fam = fam, .flags = WREC_HAS_VNI, .vni = vni, .nlri = nlri,
			      .nlri_len = sizeof nlri, .line = line, .line_len = strlen(line) };

	return wlog_append(l, &r);
}

static void test_window_order_and_lookup(void **state)
{
	struct wlog *l = wlog_new(64u << 20);
	struct wlog_rec r;
	char line[64];

	(void)state;
	assert_int_equal(wlog_next_seq(l), 1);
	assert_int_equal(wlog_first_seq(l), 1);
	assert_int_equal(wlog_get(l, 1, &r), 1); /* not yet */
	for (unsigned i = 1; i <= 5000; i++) {
		snprintf(line, sizeof line, "{\"seq\":%u}\n", i);
		assert_int_equal(append(l, (uint8_t)(i & 1), i, line), 0);
	}
	assert_int_equal(wlog_next_seq(l), 5001);
	assert_int_equal(wlog_first_seq(l), 1);
	/* every record, across chunks, is where its number says */
	for (unsigned i = 1; i <= 5000; i += 7) {
		assert_int_equal(wlog_get(l, i, &r), 0);
		snprintf(line, sizeof line, "{\"seq\":%u}\n", i);
		assert_int_equal(r.seq, i);
		assert_int_equal(r.line_len, strlen(line));
		assert_memory_equal(r.line, line, r.line_len);
		assert_int_equal(r.fam, i & 1);
		assert_int_equal(r.vni, i);
		assert_int_equal(r.nlri_len, 3);
		assert_int_equal(r.nlri[2], (uint8_t)i);
	}
	assert_int_equal(wlog_get(l, 5001, &r), 1);
	assert_int_equal(wlog_get(l, 0, &r), -1);
	wlog_free(l);
}

static void test_window_evicts_by_bytes(void **state)
{
	struct wlog *l = wlog_new(256u << 10);
	struct wlog_rec r;
	char line[512];
	uint64_t first;

	(void)state;
	memset(line, 'x', sizeof line - 2);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	for (unsigned i = 1; i <= 20000; i++)
		assert_int_equal(append(l, 0, i, line), 0);
	/* 10 MB went in; the window holds its size, give or take a chunk and the index */
	assert_true(wlog_bytes(l) <= (256u << 10) + (80u << 10));
	first = wlog_first_seq(l);
	assert_true(first > 1);
	assert_true(wlog_next_seq(l) - first >= 200); /* most of the window is records */
	assert_int_equal(wlog_get(l, first - 1, &r), -1); /* gone: the watcher behind it lagged */
	assert_int_equal(wlog_get(l, first, &r), 0);
	assert_int_equal(wlog_get(l, 20000, &r), 0);
	/* a smaller window (a reload) takes effect at once; the newest record always stays */
	wlog_set_max(l, 1);
	assert_int_equal(wlog_get(l, 20000, &r), 0);
	assert_true(wlog_first_seq(l) > first);
	/* a record larger than a chunk */
	{
		static char big[200000];
		memset(big, 'y', sizeof big - 1);
		wlog_set_max(l, 1u << 20);
		assert_int_equal(append(l, 1, 7, big), 0);
		assert_int_equal(wlog_get(l, 20001, &r), 0);
		assert_int_equal(r.line_len, sizeof big - 1);
	}
	wlog_free(l);
}

static const char *owners[3] = { "conn-a", "conn-b", "conn-c" };
static char dropped[8][16];
static int ndropped;

static void drop_cb(void *ctx, const void *key, size_t len)
{
	(void)ctx;
	snprintf(dropped[ndropped++], sizeof dropped[0], "%.*s", (int)len, (const char *)key);
}

static void test_ephemeral_ownership(void **state)
{
	struct eph *t = eph_new();

	(void)state;
	assert_false(eph_owns(t, owners[0]));
	assert_int_equal(eph_set(t, "k1", 2, owners[0]), 0);
	assert_int_equal(eph_set(t, "k2", 2, owners[0]), 0);
	assert_int_equal(eph_set(t, "k3", 2, owners[1]), 0);
	assert_true(eph_owns(t, owners[0]));
	assert_int_equal(eph_count(t), 3);
	/* the latest add owns the key: b takes k2; a permanent add of k1 frees it from a */
	assert_int_equal(eph_set(t, "k2", 2, owners[1]), 0);
	assert_int_equal(eph_set(t, "k1", 2, NULL), 0);
	assert_false(eph_owns(t, owners[0]));
	assert_int_equal(eph_count(t), 2);
	ndropped = 0;
	assert_int_equal(eph_drop(t, owners[0], drop_cb, NULL), 0);
	assert_int_equal(ndropped, 0);
	/* b closes: both of its keys are withdrawn, once */
	assert_int_equal(eph_drop(t, owners[1], drop_cb, NULL), 2);
	assert_int_equal(ndropped, 2);
	assert_true((!strcmp(dropped[0], "k2") && !strcmp(dropped[1], "k3")) ||
		    (!strcmp(dropped[0], "k3") && !strcmp(dropped[1], "k2")));
	assert_false(eph_owns(t, owners[1]));
	assert_int_equal(eph_count(t), 0);
	assert_int_equal(eph_drop(t, owners[1], drop_cb, NULL), 0);
	/* many keys: the table grows and still finds each */
	for (int i = 0; i < 5000; i++) {
		char k[16];
		int n = snprintf(k, sizeof k, "key%d", i);
		assert_int_equal(eph_set(t, k, (size_t)n, owners[i % 3]), 0);
	}
	assert_int_equal(eph_count(t), 5000);
	assert_int_equal(eph_set(t, "key3", 4, NULL), 0); /* owner a's */
	assert_int_equal(eph_drop(t, owners[0], NULL, NULL), 1666);
	assert_int_equal(eph_count(t), 5000 - 1667);
	eph_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_order_and_lookup),
		cmocka_unit_test(test_window_evicts_by_bytes),
		cmocka_unit_test(test_ephemeral_ownership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
