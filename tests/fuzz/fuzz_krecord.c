/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record of installed entries as the next start reads it (agent/evpn/krecord.c): the input is
 * what follows the file's header, written after this boot's header to a scratch file that
 * krec_open reads. Invariants: every record read back has a known type, a flood entry an IPv4 or
 * IPv6 address, no more records than slots come back, and a record added after the damage is read
 * back whole, last, by the next open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "krecord.h"

static char path[64];

static void header(FILE *f)
{
	char id[64] = "";
	FILE *b = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (b) {
		if (!fgets(id, sizeof id, b))
			id[0] = '\0';
		fclose(b);
	}
	id[strcspn(id, "\n")] = '\0';
	fprintf(f, "EVPNDFDB2 %s 000000000000\n", id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct krecord r;
	struct krec_key k, last = { .type = KREC_MAC, .okey = -42, .mac = { 2, 9, 9, 9, 9, 9 } };
	uint64_t n = 0, n2 = 0, prev;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz-krecord.%d", (int)getpid());
	f = fopen(path, "we");
	FUZZ_CHECK(f != NULL);
	header(f);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
	fclose(f);

	FUZZ_CHECK(krec_open(&r, path) == 0);
	prev = r.nprev;
	while (krec_prev_next(&r, &k)) {
		FUZZ_CHECK(k.type == KREC_MAC || k.type == KREC_FLOOD);
		if (k.type == KREC_FLOOD)
			FUZZ_CHECK(k.dst.af == AF_INET || k.dst.af == AF_INET6);
		n++;
	}
	FUZZ_CHECK(n <= prev);
	/* a damaged tail is cut at open: what is appended now must come back whole */
	krec_add(&r, &last);
	krec_close(&r);
	FUZZ_CHECK(krec_open(&r, path) == 0);
	FUZZ_CHECK(r.nprev == prev + 1);
	while (krec_prev_next(&r, &k))
		n2++;
	FUZZ_CHECK(n2 == n + 1 && k.type == KREC_MAC && k.okey == -42 && k.mac[5] == 9);
	krec_close(&r);
	unlink(path);
	return 0;
}
