/* SPDX-License-Identifier: Apache-2.0 */
/* The RIB's object pools (bgp/rib_mem.c): sizes, reuse by class, no two live objects overlapping,
 * large objects from malloc, and (under AddressSanitizer) freed objects poisoned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rib_mem.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(rib_mem_size(1), 8);
	assert_int_equal(rib_mem_size(56), 56);
	assert_int_equal(rib_mem_size(69), 72);
	assert_int_equal(rib_mem_size(RIB_MEM_MAX), RIB_MEM_MAX);
	assert_int_equal(rib_mem_size(RIB_MEM_MAX + 1), RIB_MEM_MAX + 1);
}

/* Many objects of mixed sizes, each filled with its own byte: none overwrote another, and each
 * freed one comes back for the next object of its class (last in, first out), not of another. */
static void test_objects(void **state)
{
	enum { N = 20000 };
	static uint8_t *obj[N];
	static size_t len[N];
	struct rib_mem m;
	(void)state;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; i < N; i++) {
		len[i] = 1 + (i * 37) % 300; /* some over RIB_MEM_MAX */
		obj[i] = rib_mem_get(&m, len[i]);
		assert_non_null(obj[i]);
		assert_int_equal((uintptr_t)obj[i] % 8, 0);
		memset(obj[i], (int)(i & 0xff), len[i]);
	}
	/* 20,000 objects of 8-304 bytes: about 3 MB in 64 KiB blocks, the large ones aside */
	assert_true(m.nblocks > 20 && m.nblocks < 80);
	for (size_t i = 0; i < N; i++)
		for (size_t k = 0; k < len[i]; k++)
			assert_int_equal(obj[i][k], i & 0xff);
	size_t blocks = m.nblocks;
	uint8_t *a = obj[100], *b = obj[101];
	size_t la = len[100], lb = len[101];
	assert_int_not_equal(rib_mem_size(la), rib_mem_size(lb));
	rib_mem_put(&m, a, la);
	rib_mem_put(&m, b, lb);
#if defined(__SANITIZE_ADDRESS__)
	assert_true(__asan_address_is_poisoned(a));
	assert_true(__asan_address_is_poisoned(a + rib_mem_size(la) - 1));
#endif
	assert_ptr_equal(rib_mem_get(&m, la), a);
	assert_ptr_equal(rib_mem_get(&m, lb), b);
	assert_int_equal(m.nblocks, blocks); /* reused, no new block */
	for (size_t i = 0; i < N; i++)
		rib_mem_put(&m, obj[i], len[i]);
	rib_mem_release(&m);
	assert_int_equal(m.nblocks, 0);
	assert_null(m.blocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
