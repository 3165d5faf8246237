/* SPDX-License-Identifier: Apache-2.0 */
/* krecord.c: the record of installed entries a restart reads instead of the kernel's whole FDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "krecord.h"
#include "reconcile.h"

static char dir[] = "/tmp/evpnd-krec.XXXXXX";
static char path[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/evpnd.fdb", dir);
	return 0;
}

static int teardown(void **state)
{
	char p[96];
	(void)state;
	unlink(path);
	snprintf(p, sizeof p, "%s.new", path);
	unlink(p);
	return rmdir(dir);
}

static struct krec_key mac_key(int okey, uint8_t last)
{
	struct krec_key k = { .type = KREC_MAC, .okey = okey, .mac = { 2, 0, 0, 0, 1, last } };
	return k;
}

static struct krec_key flood_key(int okey, uint8_t last, bool v6)
{
	struct krec_key k = { .type = KREC_FLOOD, .okey = okey };
	k.dst.af = v6 ? AF_INET6 : AF_INET;
	k.dst.a[0] = v6 ? 0xfd : 10;
	k.dst.a[v6 ? 15 : 3] = last;
	return k;
}

static void assert_key(const struct krec_key *a, const struct krec_key *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->okey, b->okey);
	if (a->type == KREC_MAC) {
		assert_memory_equal(a->mac, b->mac, 6);
	} else {
		assert_int_equal(a->dst.af, b->dst.af);
		assert_memory_equal(a->dst.a, b->dst.a, a->dst.af == AF_INET ? 4 : 16);
	}
}

static void test_path(void **state)
{
	char out[160];
	(void)state;
	krec_path(out, sizeof out, "/run/evpnd/evpnd.sock");
	assert_string_equal(out, "/run/evpnd/evpnd.fdb");
	krec_path(out, sizeof out, "/tmp/lab/h2.sock");
	assert_string_equal(out, "/tmp/lab/h2.fdb");
	krec_path(out, sizeof out, "/tmp/ctl");
	assert_string_equal(out, "/tmp/ctl.fdb");
}

/* What one run records, the next one reads back in order; then it keeps appending to it. */
static void test_next_run_reads_back(void **state)
{
	struct krec_key in[4] = { mac_key(7, 1), flood_key(7, 2, false), mac_key(-100, 3),
				  flood_key(-100, 4, true) }, k;
	struct krecord r;
	(void)state;

	unlink(path);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 0); /* a new file: no previous run */
	for (int i = 0; i < 4; i++)
		krec_add(&r, &in[i]);
	assert_int_equal(krec_flush(&r), 0);
	krec_close(&r);

	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 5); /* slots: the IPv6 flood entry takes two */
	for (int i = 0; i < 4; i++) {
		assert_true(krec_prev_next(&r, &k));
		assert_key(&k, &in[i]);
	}
	assert_false(krec_prev_next(&r, &k));
	/* the previous run's keys stay in the file until the sweep is done: a crash now loses none */
	krec_add(&r, &in[0]);
	krec_close(&r);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 6);
	krec_close(&r);
}

/* A record cut short by a crash mid-write ends at its last whole record. */
static void test_cut_tail(void **state)
{
	struct krec_key a = mac_key(7, 1), k;
	struct krecord r;
	struct stat st;
	(void)state;

	unlink(path);
	assert_int_equal(krec_open(&r, path), 0);
	krec_add(&r, &a);
	krec_add(&r, &a);
	krec_close(&r);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 1);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &a);
	krec_add(&r, &a); /* appended after the cut, not after the torn bytes */
	krec_close(&r);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 2);
	krec_close(&r);
}

/* A file of another boot (or not ours) describes a kernel that is gone: no previous run. */
static void test_other_boot(void **state)
{
	struct krec_key a = mac_key(7, 1);
	struct krecord r;
	FILE *f;
	(void)state;

	unlink(path);
	assert_int_equal(krec_open(&r, path), 0);
	krec_add(&r, &a);
	krec_close(&r);
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, 10, SEEK_SET), 0); /* the boot id's first byte */
	fputc('#', f);
	fclose(f);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 0);
	krec_close(&r);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a record at all\n", f);
	fclose(f);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 0);
	krec_close(&r);
}

static void walk_two(void *ctx, struct krecord *r)
{
	const struct krec_key *keys = ctx;
	krec_add(r, &keys[0]);
	krec_add(r, &keys[1]);
}

/* The rewrite replaces the file by what the tables hold, whole. */
static void test_rewrite(void **state)
{
	struct krec_key keep[2] = { mac_key(9, 9), flood_key(9, 8, true) }, a = mac_key(7, 1), k;
	struct krecord r;
	(void)state;

	unlink(path);
	assert_int_equal(krec_open(&r, path), 0);
	for (int i = 0; i < 100; i++)
		krec_add(&r, &a);
	assert_int_equal(r.nrec, 100);
	assert_int_equal(krec_rewrite(&r, walk_two, keep), 0);
	assert_int_equal(r.nrec, 3); /* a MAC's slot and an IPv6 flood entry's two */
	krec_add(&r, &a); /* the new file goes on being appended to */
	krec_close(&r);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 4);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &keep[0]);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &keep[1]);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &a);
	krec_close(&r);
}

/* A rewrite paced over loop iterations: what is installed meanwhile goes to both files, the
 * tables' keys to the new one only; an abort leaves the old file as it was. */
static void test_rewrite_paced(void **state)
{
	struct krec_key old = mac_key(7, 1), table = mac_key(9, 9), during = mac_key(5, 5),
			deleted = flood_key(3, 3, false), k;
	struct krecord r;
	(void)state;

	unlink(path);
	assert_int_equal(krec_open(&r, path), 0);
	for (int i = 0; i < 50; i++)
		krec_add(&r, &old);
	assert_int_equal(krec_rewrite_begin(&r), 0);
	assert_true(krec_rewriting(&r));
	assert_int_equal(krec_rewrite_begin(&r), -1); /* one at a time */
	krec_rewrite_add(&r, &table);
	krec_add(&r, &during);            /* installed meanwhile: both files */
	krec_rewrite_add(&r, &deleted);   /* being deleted meanwhile: the new file keeps it */
	assert_int_equal(r.nrec, 51);
	assert_int_equal(krec_rewrite_end(&r), 0);
	assert_false(krec_rewriting(&r));
	assert_int_equal(r.nrec, 3);
	krec_add(&r, &old);
	krec_close(&r);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 4);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &table);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &during);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &deleted);
	assert_true(krec_prev_next(&r, &k));
	assert_key(&k, &old);
	krec_prev_free(&r);

	/* aborted: the old file, with what was added meanwhile, stays */
	assert_int_equal(krec_rewrite_begin(&r), 0);
	krec_rewrite_add(&r, &table);
	krec_add(&r, &during);
	krec_rewrite_abort(&r);
	assert_false(krec_rewriting(&r));
	krec_close(&r);
	assert_int_equal(krec_open(&r, path), 0);
	assert_int_equal(r.nprev, 5);
	krec_close(&r);
}

/* Nowhere to write: no record is kept, and nothing else breaks. */
static void test_no_record(void **state)
{
	struct krec_key a = mac_key(7, 1), k;
	struct krecord r;
	(void)state;

	assert_int_equal(krec_open(&r, "/nonexistent-evpnd-dir/sub/evpnd.fdb"), -1);
	assert_int_equal(r.fd, -1);
	krec_add(&r, &a);
	assert_int_equal(krec_flush(&r), 0);
	assert_false(krec_prev_next(&r, &k));
	krec_close(&r);
}

static void test_decode_bounds(void **state)
{
	const uint8_t mac[12] = { KREC_MAC, 0, 0, 0, 7, 2, 0, 0, 0, 1, 1, 0 };
	const uint8_t bad_af[12] = { KREC_FLOOD, 0, 0, 0, 7, 99, 10, 0, 0, 1, 0, 0 };
	const uint8_t v6[24] = { 3, 0xff, 0xff, 0xff, 0x9c, 0xfd, 0, 0, 0, 0, 0, 0,
				 4, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0 };
	uint8_t v6bad[24];
	struct krec_key k;
	(void)state;

	assert_int_equal(krec_decode(mac, sizeof mac, &k), 12);
	assert_int_equal(k.okey, 7);
	for (size_t n = 0; n < sizeof mac; n++)
		assert_int_equal(krec_decode(mac, n, &k), 0);
	assert_int_equal(krec_decode(bad_af, sizeof bad_af, &k), 0);
	assert_int_equal(krec_decode(v6, sizeof v6, &k), 24);
	assert_int_equal(k.okey, -100);
	assert_int_equal(k.dst.af, AF_INET6);
	assert_int_equal(k.dst.a[0], 0xfd);
	assert_int_equal(k.dst.a[15], 2);
	for (size_t n = 0; n < sizeof v6; n++)
		assert_int_equal(krec_decode(v6, n, &k), 0);
	memcpy(v6bad, v6, sizeof v6bad);
	v6bad[12] = KREC_MAC; /* a head whose tail slot is something else */
	assert_int_equal(krec_decode(v6bad, sizeof v6bad, &k), 0);
}

/* The sweep's verdict on a previous run's entry (reconcile.h). */
static void test_recorded_verdict(void **state)
{
	(void)state;
	assert_int_equal(rc_recorded(true, true), RC_KEEP);
	assert_int_equal(rc_recorded(false, true), RC_DELETE);
	assert_int_equal(rc_recorded(false, false), RC_KEEP); /* its device went with its entries */
	assert_int_equal(rc_recorded(true, false), RC_KEEP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_next_run_reads_back),
		cmocka_unit_test(test_cut_tail),
		cmocka_unit_test(test_other_boot),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_rewrite_paced),
		cmocka_unit_test(test_no_record),
		cmocka_unit_test(test_decode_bounds),
		cmocka_unit_test(test_recorded_verdict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
