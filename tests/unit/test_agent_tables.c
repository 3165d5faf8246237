/* SPDX-License-Identifier: Apache-2.0 */
/* mac_tab.c, vteps.c and flood_set.c: the (ifindex, MAC) table, VTEP interning and the flood set;
 * and the RD hash that names a route's claim on a MAC (macs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "flood_set.h"
#include "mac_tab.h"
#include "macs.h"
#include "vteps.h"
#include "testutil.h"

static void mac_of(uint32_t i, uint8_t mac[6])
{
	/* one vendor prefix, as a hypervisor's VMs would have: the hash must spread them anyway */
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void test_put_get_del(void **state)
{
	struct mac_tab t;
	uint8_t mac[6];
	bool created;
	(void)state;

	mac_tab_init(&t);
	assert_null(mac_tab_get(&t, 5, (const uint8_t *)"\x52\x54\0\0\0\1"));
	for (uint32_t i = 0; i < 20000; i++) {
		mac_of(i, mac);
		struct mac_ent *e = mac_tab_put(&t, 5 + (int)(i % 3), mac, &created);
		assert_non_null(e);
		assert_true(created);
		e->vtep = (uint16_t)i;
	}
	assert_int_equal(t.n, 20000);
	/* load factor at most 3/4, at least 1/2 after the last growth; 2^k or 1.5 * 2^k slots */
	assert_true(t.n * 4 <= t.cap * 3 && t.n * 2 >= t.cap * 9 / 20);
	assert_true((t.cap & (t.cap - 1)) == 0 || ((t.cap / 3) & (t.cap / 3 - 1)) == 0);
	/* the same MAC on another device is another entry */
	mac_of(7, mac);
	assert_null(mac_tab_get(&t, 9, mac));
	assert_non_null(mac_tab_put(&t, 9, mac, &created));
	assert_true(created);
	assert_non_null(mac_tab_put(&t, 5 + 7 % 3, mac, &created));
	assert_false(created);
	mac_tab_del(&t, mac_tab_get(&t, 9, mac));
	/* delete every other entry: the rest must stay reachable (backward shift, no tombstones) */
	for (uint32_t i = 0; i < 20000; i += 2) {
		mac_of(i, mac);
		struct mac_ent *e = mac_tab_get(&t, 5 + (int)(i % 3), mac);
		assert_non_null(e);
		mac_tab_del(&t, e);
	}
	assert_int_equal(t.n, 10000);
	for (uint32_t i = 0; i < 20000; i++) {
		mac_of(i, mac);
		struct mac_ent *e = mac_tab_get(&t, 5 + (int)(i % 3), mac);
		if (i % 2) {
			assert_non_null(e);
			assert_int_equal(e->vtep, (uint16_t)i);
		} else {
			assert_null(e);
		}
	}
	mac_tab_free(&t);
}

static bool del_odd_vtep(void *ctx, struct mac_ent *e)
{
	size_t *visits = ctx;
	(*visits)++;
	return e->vtep % 2 == 1;
}

static bool count_cb(void *ctx, struct mac_ent *e)
{
	(void)e;
	(*(size_t *)ctx)++;
	return false;
}

static void test_walk_delete(void **state)
{
	struct mac_tab t;
	uint8_t mac[6];
	bool created;
	size_t visits = 0, left = 0;
	(void)state;

	mac_tab_init(&t);
	for (uint32_t i = 0; i < 5000; i++) {
		mac_of(i * 7919, mac);
		mac_tab_put(&t, 3, mac, &created)->vtep = (uint16_t)i;
	}
	mac_tab_walk(&t, del_odd_vtep, &visits);
	assert_true(visits >= 5000);
	assert_int_equal(t.n, 2500);
	mac_tab_walk(&t, count_cb, &left);
	assert_int_equal(left, 2500);
	for (uint32_t i = 0; i < 5000; i++) {
		mac_of(i * 7919, mac);
		assert_true((mac_tab_get(&t, 3, mac) != NULL) == (i % 2 == 0));
	}
	mac_tab_free(&t);
}


/* A growth moves the old array's entries a few per insert or delete: meanwhile every entry is
 * found in one array or the other, deletes from either keep the rest reachable, a walk that no
 * layout change interrupts sees each entry, and the old array ends up freed. */
static void test_grow_incremental(void **state)
{
	struct mac_tab t;
	uint8_t mac[6];
	bool created, seen_old = false, deleted_old = false;
	unsigned checks = 0;
	const uint32_t N = 60000;
	static uint8_t gone[60000], seen[60000];
	(void)state;

	memset(gone, 0, sizeof gone);
	mac_tab_init(&t);
	for (uint32_t i = 0; i < N; i++) {
		mac_of(i * 2654435761u, mac);
		struct mac_ent *e = mac_tab_put(&t, 4, mac, &created);
		assert_non_null(e);
		assert_true(created);
		e->aux = i;
		if (!t.old)
			continue;
		seen_old = true;
		/* during a migration: delete an entry still in the old array, now and then */
		if (i % 97 == 0) {
			for (uint32_t j = i; j-- > 0;) {
				if (gone[j])
					continue;
				mac_of(j * 2654435761u, mac);
				struct mac_ent *o = mac_tab_get(&t, 4, mac);
				assert_non_null(o);
				assert_int_equal(o->aux, j);
				if (o >= t.old && o < t.old + t.old_cap) {
					mac_tab_del(&t, o);
					gone[j] = 1;
					deleted_old = true;
					break;
				}
				if (i - j > 50)
					break;
			}
		}
		/* halfway through a migration: everything so far is found, and a walk sees it all */
		if (t.mig_done > t.old_cap / 2 && t.mig_done < t.old_cap / 2 + 16) {
			size_t pos = 0, live = 0;
			const struct mac_ent *w;
			unsigned layout = mac_tab_layout(&t);
			checks++;
			memset(seen, 0, sizeof seen);
			for (uint32_t j = 0; j <= i; j++) {
				mac_of(j * 2654435761u, mac);
				assert_true((mac_tab_get(&t, 4, mac) != NULL) == !gone[j]);
				live += !gone[j];
			}
			assert_int_equal(t.n, live);
			while ((w = mac_tab_next(&t, &pos)) != NULL)
				seen[w->aux]++;
			assert_int_equal(mac_tab_layout(&t), layout);
			for (uint32_t j = 0; j <= i; j++)
				assert_int_equal(seen[j], !gone[j]);
		}
	}
	assert_true(seen_old);
	assert_true(deleted_old);
	assert_true(checks > 0);
	/* inserts go on until the last migration ends */
	for (uint32_t i = N; t.old; i++) {
		mac_of(i * 2654435761u, mac);
		assert_non_null(mac_tab_put(&t, 4, mac, &created));
		assert_true(i < 2 * N);
	}
	for (uint32_t j = 0; j < N; j++) {
		mac_of(j * 2654435761u, mac);
		struct mac_ent *e = mac_tab_get(&t, 4, mac);
		assert_true((e != NULL) == !gone[j]);
		if (e)
			assert_int_equal(e->aux, j);
	}
	assert_true(t.n * 4 <= t.cap * 3);
	mac_tab_free(&t);
}

static void test_vtep_intern(void **state)
{
	struct vteps vt;
	struct nl_addr a, b, c;
	(void)state;

	vteps_init(&vt);
	memset(&a, 0, sizeof a);
	a.af = AF_INET;
	memcpy(a.a, "\x0a\x58\x00\x01", 4);
	b = a;
	b.a[3] = 2;
	c = a;
	c.a[10] = 0xee; /* garbage past an IPv4 address: the same VTEP */
	uint16_t ia = vtep_index(&vt, &a), ib = vtep_index(&vt, &b);
	assert_int_not_equal(ia, ib);
	assert_int_equal(vtep_index(&vt, &c), ia);
	assert_int_equal(vtep_index(&vt, &a), ia);
	assert_memory_equal(vtep_addr(&vt, ib)->a, "\x0a\x58\x00\x02", 4);
	assert_null(vtep_addr(&vt, 77));
	/* grow past the first capacity: every index stays stable */
	for (int i = 0; i < 300; i++) {
		struct nl_addr x;
		memset(&x, 0, sizeof x);
		x.af = AF_INET6;
		x.a[0] = 0xfd;
		x.a[14] = (uint8_t)(i >> 8);
		x.a[15] = (uint8_t)i;
		uint16_t ix = vtep_index(&vt, &x);
		assert_int_equal(ix, (uint16_t)(i + 2));
		assert_int_equal(vtep_index(&vt, &x), ix);
	}
	assert_int_equal(vtep_index(&vt, &b), ib);
	vteps_free(&vt);
}

static void test_flood_set(void **state)
{
	struct flood_set fs;
	bool created;
	(void)state;

	flood_set_init(&fs);
	struct fl_ent *f = flood_set_put(&fs, 4, 1, &created);
	assert_true(created);
	f->refs = 2;
	assert_non_null(flood_set_put(&fs, 4, 2, &created));
	assert_true(created);
	assert_non_null(flood_set_put(&fs, 6, 1, &created));
	assert_ptr_equal(flood_set_put(&fs, 4, 1, &created), flood_set_get(&fs, 4, 1));
	assert_false(created);
	assert_int_equal(flood_set_get(&fs, 4, 1)->refs, 2);
	assert_int_equal(flood_set_count(&fs, 4), 2);
	assert_int_equal(flood_set_count(&fs, 6), 1);
	flood_set_del(&fs, flood_set_get(&fs, 4, 1));
	assert_null(flood_set_get(&fs, 4, 1));
	assert_non_null(flood_set_get(&fs, 4, 2));
	assert_non_null(flood_set_get(&fs, 6, 1));
	assert_int_equal(flood_set_count(&fs, 4), 1);
	flood_set_free(&fs);
}

static void test_rd_hash(void **state)
{
	(void)state;
	const uint8_t r1[8] = { 0, 1, 10, 88, 0, 1, 0, 100 }, r2[8] = { 0, 1, 10, 88, 0, 2, 0, 100 };
	assert_int_not_equal(macs_rd_hash(r1), 0);
	assert_int_not_equal(macs_rd_hash(r1), macs_rd_hash(r2));
	assert_int_equal(macs_rd_hash(r1), macs_rd_hash(r1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_walk_delete),
		cmocka_unit_test(test_grow_incremental),
		cmocka_unit_test(test_vtep_intern),
		cmocka_unit_test(test_flood_set),
		cmocka_unit_test(test_rd_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
