/* SPDX-License-Identifier: Apache-2.0 */
/* Admission to the control socket (control_admit.h): the per-user cap, root's slots, the total,
 * and refusals logged once per CTL_REFUSED_LOG_SECS with a count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "control_admit.h"

static void test_admit(void **state)
{
	char why[160];

	(void)state;
	/* a user below its cap and below root's slots */
	assert_null(ctl_admit(10, 31, 1000, 128, 32, why, sizeof why));
	/* its 33rd */
	assert_non_null(ctl_admit(10, 32, 1000, 128, 32, why, sizeof why));
	assert_string_equal(why, "too many control clients of uid 1000 (32, control-max-clients-per-user)");
	/* the last 4 slots are root's: a user gets 124 of 128, root all 128 */
	assert_null(ctl_admit(123, 0, 1000, 128, 1000, why, sizeof why));
	assert_non_null(ctl_admit(124, 0, 1000, 128, 1000, why, sizeof why));
	assert_string_equal(why, "too many control clients (124; the last 4 are root's)");
	assert_null(ctl_admit(124, 124, 0, 128, 32, why, sizeof why));
	assert_null(ctl_admit(127, 127, 0, 128, 32, why, sizeof why));
	/* and none past the total */
	assert_non_null(ctl_admit(128, 128, 0, 128, 32, why, sizeof why));
	assert_string_equal(why, "too many control clients (128, control-max-clients)");
}

static void test_refusals_rate_limited(void **state)
{
	struct ctl_refusals r;

	(void)state;
	memset(&r, 0, sizeof r);
	ctl_refused(&r, 100.0, "pid 1 uid 7 gid 7", "too many");
	assert_int_equal(r.n, 0); /* the first one is logged at once */
	assert_true(r.logged == 100.0);
	for (int i = 0; i < 2000; i++)
		ctl_refused(&r, 100.0 + i * 0.001, "pid 2 uid 7 gid 7", "too many");
	assert_int_equal(r.n, 2000); /* counted, not logged */
	assert_string_equal(r.last, "pid 2 uid 7 gid 7: too many");
	ctl_refused_flush(&r, 105.0);
	assert_int_equal(r.n, 2000);
	ctl_refused_flush(&r, 110.0); /* one line for all of them */
	assert_int_equal(r.n, 0);
	assert_true(r.logged == 110.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admit),
		cmocka_unit_test(test_refusals_rate_limited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
