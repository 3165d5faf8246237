/* SPDX-License-Identifier: Apache-2.0 */
/* agent/neigh_tab.c: (ifindex, IP) keys of both families, growth past many entries, and deletion
 * by backward shift keeping every other entry reachable. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "neigh_tab.h"

static struct ipaddr v4(uint32_t host)
{
	struct ipaddr a;
	memset(&a, 0, sizeof a);
	a.af = AF_INET;
	host = htonl(0xc0a80000u | host);
	memcpy(a.a, &host, 4);
	return a;
}

static void test_keys(void **state)
{
	struct nb_tab t;
	struct ipaddr a = v4(1), b;
	bool created;
	struct nb_ent *e;
	(void)state;

	nb_tab_init(&t);
	assert_null(nb_tab_get(&t, 5, &a));
	e = nb_tab_put(&t, 5, &a, &created);
	assert_non_null(e);
	assert_true(created);
	e->mac[5] = 7;
	assert_ptr_equal(nb_tab_put(&t, 5, &a, &created), e);
	assert_false(created);
	assert_null(nb_tab_get(&t, 6, &a)); /* another bridge */
	memset(&b, 0, sizeof b);
	b.af = AF_INET6;
	memcpy(b.a, a.a, 4);                /* the same leading bytes, another family */
	assert_null(nb_tab_get(&t, 5, &b));
	/* bytes past an IPv4 address are not part of the key */
	b = a;
	b.a[10] = 0x55;
	assert_ptr_equal(nb_tab_get(&t, 5, &b), e);
	assert_null(nb_tab_put(&t, 0, &a, &created));
	assert_int_equal(t.n, 1);
	nb_tab_del(&t, e);
	assert_int_equal(t.n, 0);
	assert_null(nb_tab_get(&t, 5, &a));
	nb_tab_free(&t);
}

static void test_grow_and_delete(void **state)
{
	struct nb_tab t;
	bool created;
	enum { N = 5000 };
	(void)state;

	nb_tab_init(&t);
	for (uint32_t i = 1; i <= N; i++) {
		struct ipaddr a = v4(i);
		struct nb_ent *e = nb_tab_put(&t, (int)(i % 3) + 1, &a, &created);
		assert_non_null(e);
		assert_true(created);
		memcpy(e->mac, &i, 4);
	}
	assert_int_equal(t.n, N);
	/* delete every other one; the rest must still be found, with their values */
	for (uint32_t i = 1; i <= N; i += 2) {
		struct ipaddr a = v4(i);
		struct nb_ent *e = nb_tab_get(&t, (int)(i % 3) + 1, &a);
		assert_non_null(e);
		nb_tab_del(&t, e);
	}
	assert_int_equal(t.n, N / 2);
	for (uint32_t i = 1; i <= N; i++) {
		struct ipaddr a = v4(i);
		struct nb_ent *e = nb_tab_get(&t, (int)(i % 3) + 1, &a);
		if (i % 2) {
			assert_null(e);
		} else {
			uint32_t v;
			assert_non_null(e);
			memcpy(&v, e->mac, 4);
			assert_int_equal(v, i);
		}
	}
	nb_tab_free(&t);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_grow_and_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
