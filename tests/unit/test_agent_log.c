/* SPDX-License-Identifier: Apache-2.0 */
/* agent/log/log.c: the line format on stderr, levels, -d, one line per message, the bgp/ sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_log.h"
#include "log.h"

/* Run fn with stderr sent to a temporary file; return what was written (static buffer). */
static const char *capture(void (*fn)(void))
{
	static char out[8192];
	char path[] = "/tmp/evpnd-logtest.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	assert_int_equal(dup2(fd, 2), 2);
	fn();
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	ssize_t n = pread(fd, out, sizeof out - 1, 0);
	close(fd);
	assert_true(n >= 0);
	out[n] = '\0';
	return out;
}

static void assert_matches(const char *s, const char *re)
{
	regex_t r;
	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
	int m = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	if (m)
		fail_msg("\"%s\" does not match /%s/", s, re);
}

static void levels(void)
{
	log_msg(LOG_ERR, "e %d", 1);
	log_msg(LOG_WARNING, "w");
	log_msg(LOG_NOTICE, "neighbor %s up", "10.0.0.2");
	log_msg(LOG_INFO, "i");
	log_msg(LOG_DEBUG, "d");
}

static void test_format(void **state)
{
	char re[256];
	(void)state;
	log_init(false);
	const char *out = capture(levels);
	snprintf(re, sizeof re,
		 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z evpnd\\[%ld\\]: err e 1$",
		 (long)getpid());
	assert_matches(out, re);
	assert_matches(out, "Z evpnd\\[[0-9]+\\]: warning w\n");
	assert_matches(out, "Z evpnd\\[[0-9]+\\]: notice neighbor 10.0.0.2 up\n");
	assert_matches(out, "Z evpnd\\[[0-9]+\\]: info i\n");
	assert_null(strstr(out, "debug")); /* debug is off without -d */
	int lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 4);

	log_set_debug(true);
	assert_true(log_debug_enabled());
	out = capture(levels);
	assert_matches(out, "Z evpnd\\[[0-9]+\\]: debug d\n$");
	log_set_debug(false);
	assert_false(log_debug_enabled());
}

static void hostile(void)
{
	log_msg(LOG_WARNING, "peer said \"%s\"", "a\nb\r\x1b[2Jc\td");
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_msg(LOG_INFO, "%s", big);
}

static void test_one_line(void **state)
{
	(void)state;
	log_init(false);
	const char *out = capture(hostile);
	/* control characters from peers cannot forge a line or drive a terminal */
	assert_matches(out, "^[^\n]*: warning peer said \"a\\?b\\?\\?\\[2Jc d\"\n");
	const char *second = strchr(out, '\n') + 1;
	const char *end = strchr(second, '\n');
	assert_non_null(end);
	assert_string_equal(end + 1, "");
	assert_true(end - second < 1024);
	assert_memory_equal(end - 3, "...", 3); /* truncation is visible */
}

static void from_bgp(void)
{
	bgp_log(LOG_NOTICE, "from %s\n", "bgp"); /* a stray line end is dropped */
	bgp_log(LOG_DEBUG, "hidden");
}

static void test_bgp_sink(void **state)
{
	(void)state;
	log_init(false);
	const char *out = capture(from_bgp);
	assert_matches(out, "^[^\n]*Z evpnd\\[[0-9]+\\]: notice from bgp\n$");
	assert_string_equal(log_level_name(LOG_CRIT), "err");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	bgp_log_set_sink(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_bgp_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
