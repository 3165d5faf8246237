/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel floor for remote-MAC installs: N FRR-style REPLACEs (NTF_SELF|NTF_MASTER|
 * NTF_EXT_LEARNED, NUD_REACHABLE, dst, master) through evpnd's own pipelined writer into a VXLAN
 * device, then the same N deletes. Runs in a private network namespace it creates (unshare), so
 * the default namespace is never touched. Not a test: scripts/bench.sh runs it.
 *   nl_floor N   prints "nl_floor N=... seconds=... rate=..." and "nl_floor_del N=... ..." */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/neighbour.h>

#include "nl.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int refused;

static void on_refused(void *ctx, enum nl_op op, const struct nl_fdb *f, int err)
{
	if (refused++ < 5)
		fprintf(stderr, "nl_floor: refused: op %d: %s\n", (int)op, strerror(err));
}

/* Queue all n, then flush and wait for every ack: the time includes encoding and ack checks. */
static double run(struct nl *nl, enum nl_op op, long n, const struct nl_fdb *tmpl)
{
	struct nl_fdb f = *tmpl;
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		f.mac[2] = (uint8_t)(i >> 24);
		f.mac[3] = (uint8_t)(i >> 16);
		f.mac[4] = (uint8_t)(i >> 8);
		f.mac[5] = (uint8_t)i;
		if (nl_fdb_queue(nl, op, &f) < 0) {
			perror("nl_floor: queue");
			return -1;
		}
	}
	if (nl_drain(nl, 600000) < 0) {
		perror("nl_floor: drain");
		return -1;
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	static const struct nl_hooks h = { .refused = on_refused };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	struct nl_fdb f = { 0 };
	struct nl *nl;
	double t;

	if (n <= 0 || n > 16000000) {
		fprintf(stderr, "usage: nl_floor N\n");
		return 2;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		perror("nl_floor: unshare(CLONE_NEWNET)");
		return 1;
	}
	if (system("ip link add br0 type bridge && "
		   "ip link add vx0 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning && "
		   "ip link set vx0 master br0 && ip link set br0 up && ip link set vx0 up") != 0) {
		fprintf(stderr, "nl_floor: cannot create br0/vx0\n");
		return 1;
	}
	/* no loop: nl_drain reads the acks; the event socket exists (as in evpnd) but is not read */
	nl = nl_open(NULL, &h, 1u << 20);
	if (!nl) {
		perror("nl_floor: nl_open");
		return 1;
	}
	f.ifindex = (int)if_nametoindex("vx0");
	f.master = (int)if_nametoindex("br0");
	f.mac[0] = 0x02;
	f.state = NUD_REACHABLE;
	f.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED;
	f.dst.af = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", f.dst.a);
	t = run(nl, NL_FDB_REPLACE, n, &f);
	if (t < 0)
		return 1;
	printf("nl_floor N=%ld seconds=%.3f rate=%.0f refused=%d\n", n, t, (double)n / t, refused);
	fflush(stdout);
	t = run(nl, NL_FDB_DEL, n, &f);
	if (t < 0)
		return 1;
	printf("nl_floor_del N=%ld seconds=%.3f rate=%.0f refused=%d\n", n, t, (double)n / t, refused);
	nl_close(nl);
	return refused ? 1 : 0;
}
