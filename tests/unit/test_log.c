/* SPDX-License-Identifier: Apache-2.0 */
/* bgp/log.c: messages reach the installed sink with their priority; no sink discards them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "bgp_log.h"

static int calls, last_prio;
static char last[128];

static void sink(int prio, const char *fmt, va_list ap)
{
	calls++;
	last_prio = prio;
	vsnprintf(last, sizeof last, fmt, ap);
}

static void test_sink(void **state)
{
	bgp_log(LOG_ERR, "dropped %d", 1); /* the default: no sink */
	assert_int_equal(calls, 0);

	bgp_log_set_sink(sink);
	bgp_log(LOG_WARNING, "peer %s: %s/%u", "10.77.0.2", "Cease", 3u);
	assert_int_equal(calls, 1);
	assert_int_equal(last_prio, LOG_WARNING);
	assert_string_equal(last, "peer 10.77.0.2: Cease/3");

	bgp_log_set_sink(NULL);
	bgp_log(LOG_INFO, "dropped again");
	assert_int_equal(calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
