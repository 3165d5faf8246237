/* SPDX-License-Identifier: Apache-2.0 */
/* agent/prom.c and agent/metrics_lat.c: the exposition format (HELP/TYPE, label escaping,
 * cumulative histogram buckets with +Inf = count) and the learn-to-install latency samples;
 * agent/log.c's level words and targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "latency.h"
#include "loop_stat.h"
#include "prom.h"

static char *take(struct prom *p)
{
	size_t len;
	char *s = prom_take(p, &len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	return s;
}

static void test_family_and_samples(void **state)
{
	struct prom p;
	struct prom_label l[2] = { { "peer", "10.0.0.2" }, { "type", "update" } };
	(void)state;
	prom_init(&p);
	prom_family(&p, "x_total", "counter", "Things\\counted\nhere");
	prom_u64(&p, "x_total", l, 2, 18446744073709551615ull);
	prom_u64(&p, "x_total", NULL, 0, 0);
	prom_double(&p, "y", NULL, 0, 0.25);
	char *s = take(&p);
	assert_string_equal(s, "# HELP x_total Things\\\\counted\\nhere\n"
			       "# TYPE x_total counter\n"
			       "x_total{peer=\"10.0.0.2\",type=\"update\"} 18446744073709551615\n"
			       "x_total 0\n"
			       "y 0.25\n");
	free(s);
}

static void test_label_escaping(void **state)
{
	struct prom p;
	struct prom_label l = { "v", "a\"b\\c\nd" };
	(void)state;
	prom_init(&p);
	prom_u64(&p, "m", &l, 1, 1);
	char *s = take(&p);
	assert_string_equal(s, "m{v=\"a\\\"b\\\\c\\nd\"} 1\n");
	free(s);
}

static void test_histogram_cumulative(void **state)
{
	static const double b[3] = { 0.001, 0.01, 1 };
	const uint64_t c[4] = { 2, 0, 3, 1 };
	struct prom p;
	(void)state;
	prom_init(&p);
	prom_family(&p, "h_seconds", "histogram", "h");
	prom_histogram(&p, "h_seconds", NULL, 0, b, c, 3, 2.5);
	char *s = take(&p);
	assert_string_equal(s, "# HELP h_seconds h\n# TYPE h_seconds histogram\n"
			       "h_seconds_bucket{le=\"0.001\"} 2\n"
			       "h_seconds_bucket{le=\"0.01\"} 2\n"
			       "h_seconds_bucket{le=\"1\"} 5\n"
			       "h_seconds_bucket{le=\"+Inf\"} 6\n"
			       "h_seconds_sum 2.5\n"
			       "h_seconds_count 6\n");
	free(s);
}

static void test_empty_is_valid(void **state)
{
	struct prom p;
	size_t len = 99;
	(void)state;
	prom_init(&p);
	char *s = prom_take(&p, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_latency_track(void **state)
{
	struct lat_track t;
	(void)state;
	memset(&t, 0, sizeof t);
	lat_track_start(&t, 10.0, 3);   /* requests 0..2 */
	lat_track_start(&t, 10.5, 5);   /* requests 3..4 */
	lat_track_done(&t, 2, 10.0001); /* request 2 not yet acked: nothing */
	assert_int_equal(t.h.count, 0);
	lat_track_done(&t, 4, 10.002);  /* the first completes */
	assert_int_equal(t.h.count, 1);
	assert_int_equal(t.h.b[4], 1);  /* 0.002 s: in (0.001, 0.0025] */
	lat_track_done(&t, 9, 12.0);    /* the second: 1.5 s, above every bound */
	assert_int_equal(t.h.count, 2);
	assert_int_equal(t.h.b[LAT_BUCKETS], 1);
	assert_int_equal(t.n, 0);
	for (int i = 0; i < LAT_TRACK_MAX + 5; i++)
		lat_track_start(&t, 1.0, 100);
	assert_int_equal(t.n, LAT_TRACK_MAX);
	assert_int_equal(t.skipped, 5);
	lat_track_done(&t, 100, 1.00005);
	assert_int_equal(t.h.b[0], LAT_TRACK_MAX);
	lat_track_free(&t);
}

/* The loop's busy time per turn: each in the first bucket whose bound it does not exceed; the CPU
 * part of each kept apart (a turn long on the clock may be short on the CPU). */
static void test_loop_stat(void **state)
{
	struct loop_stat ls;
	(void)state;
	memset(&ls, 0, sizeof ls);
	loop_stat_add(&ls, 0.0002, 0.0002);
	loop_stat_add(&ls, 0.001, 0.001);  /* on the bound: that bucket */
	loop_stat_add(&ls, 0.03, 0.03);    /* (0.025, 0.05] */
	loop_stat_add(&ls, 0.07, 0.06);    /* (0.05, 0.1] */
	loop_stat_add(&ls, 2.5, 0.01);     /* above every bound, mostly waiting */
	assert_int_equal(ls.n, 5);
	assert_int_equal(ls.bucket[0], 2);
	assert_int_equal(ls.bucket[4], 1);
	assert_int_equal(ls.bucket[5], 1);
	assert_int_equal(ls.bucket[LOOP_STAT_BUCKETS], 1);
	assert_true(ls.max == 2.5);
	assert_true(ls.max_cpu == 0.06);
	assert_int_equal(ls.over_slow_cpu, 1);
	assert_true(ls.sum > 2.6 && ls.sum < 2.61);
}

static void test_log_words(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("info"), LOG_INFO);
	assert_int_equal(log_level_parse("notice"), LOG_NOTICE);
	assert_int_equal(log_level_parse("warning"), LOG_WARNING);
	assert_int_equal(log_level_parse("err"), LOG_ERR);
	assert_int_equal(log_level_parse("loud"), -1);
	assert_int_equal(log_target_parse("stderr"), LOG_TO_STDERR);
	assert_int_equal(log_target_parse("syslog"), LOG_TO_SYSLOG);
	assert_int_equal(log_target_parse("journal"), -1);
	log_set_level(LOG_WARNING);
	assert_false(log_debug_enabled());
	log_set_level(LOG_DEBUG);
	assert_true(log_debug_enabled());
	log_set_debug(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_samples),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_histogram_cumulative),
		cmocka_unit_test(test_empty_is_valid),
		cmocka_unit_test(test_latency_track),
		cmocka_unit_test(test_loop_stat),
		cmocka_unit_test(test_log_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
