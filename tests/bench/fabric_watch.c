/* SPDX-License-Identifier: Apache-2.0 */
/* Watch the VXLAN FDB (vx100) of every hypervisor of a scripts/lab.sh fabric at once, through the
 * kernel's own event streams (one netlink socket per namespace, one process, no polling), and say
 * when the fabric has converged: the same clock for every namespace, and no CPU spent on FDB dumps
 * while evpnd works. Not a test: scripts/bench.sh --fabric compiles and runs it (libc only).
 *   fabric_watch PREFIX N M full|empty TIMEOUT_S [4|6]
 * Namespace I is PREFIX-hI (1..N); hypervisor J's VTEP is 10.99.0.J (or fd99::J with 6) and its
 * M MACs are 02:fa:00:JJ:xx:xx with the low 16 bits 0..M-1 (lab.sh --macs). Counted: NTF_SELF
 * entries on vx100, extern_learn, whose dst is the VTEP of the MAC's own hypervisor, and the flood
 * entries 00:00:00:00:00:00 dst VTEP of every other hypervisor. A MAC toward a wrong VTEP (or
 * without extern_learn) does not count, nor does a hypervisor's own MAC.
 * full: done when every namespace has (N-1)*M MACs and N-1 flood entries; empty: done when no
 * namespace has any of those MACs (flood entries stay). Each namespace is dumped once after the
 * subscription, so entries present before the start count too.
 * Prints "ready", then "hv I EPOCH" when namespace I completes, "flood EPOCH" when every flood
 * entry is there (full), "done EPOCH FIRST_EPOCH" (CLOCK_REALTIME; FIRST: the first counted
 * event) and exits 0; "timeout" with "missing I MACS FLOODS" lines exits 1; 2 for usage/system
 * errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXN 64
#define MAXM 65536

static int n, m, fam = 4, want_full;
static uint8_t *state;          /* [ns][hv][mac]: 1 = present toward the right VTEP */
static long have[MAXN + 1];     /* per namespace: correct remote MACs present */
static uint8_t flood[MAXN + 1][MAXN + 1];
static int nflood[MAXN + 1];
static double done_at[MAXN + 1];
static int ifidx[MAXN + 1];
static double first;

static double now_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *st(int ns, int hv, int k)
{
	return &state[((size_t)ns * (MAXN + 1) + (size_t)hv) * (size_t)m + (size_t)k];
}

/* vtep_of: the hypervisor number of a lab VTEP address, 0 if it is none */
static int vtep_of(const uint8_t *d, size_t len)
{
	static const uint8_t v6[14] = {0xfd, 0x99};
	if (fam == 4 && len == 4 && d[0] == 10 && d[1] == 99 && d[2] == 0)
		return d[3] >= 1 && d[3] <= n ? d[3] : 0;
	if (fam == 6 && len == 16 && !memcmp(d, v6, 14) && d[14] == 0)
		return d[15] >= 1 && d[15] <= n ? d[15] : 0;
	return 0;
}

static bool ns_complete(int i)
{
	if (want_full)
		return have[i] == (long)(n - 1) * m && nflood[i] == n - 1;
	return have[i] == 0;
}

/* One neighbour message of namespace i (event or dump). */
static void one(int i, const struct nlmsghdr *h)
{
	static const uint8_t zero[6];
	const struct ndmsg *nd = NLMSG_DATA(h);
	const uint8_t *mac = NULL, *dst = NULL;
	size_t dlen = 0;
	int alen, j, to, k;
	bool add, ok;

	if ((h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof *nd) || nd->ndm_family != AF_BRIDGE ||
	    nd->ndm_ifindex != ifidx[i] || !(nd->ndm_flags & NTF_SELF))
		return;
	alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *nd));
	for (const struct rtattr *a = (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof *nd));
	     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
			mac = RTA_DATA(a);
		else if (a->rta_type == NDA_DST && (RTA_PAYLOAD(a) == 4 || RTA_PAYLOAD(a) == 16)) {
			dst = RTA_DATA(a);
			dlen = RTA_PAYLOAD(a);
		}
	}
	if (!mac)
		return;
	add = h->nlmsg_type == RTM_NEWNEIGH;
	to = dst ? vtep_of(dst, dlen) : 0;
	if (!memcmp(mac, zero, 6)) {
		if (!to || to == i || flood[i][to] == add)
			return;
		flood[i][to] = add;
		nflood[i] += add ? 1 : -1;
		return;
	}
	if (mac[0] != 0x02 || mac[1] != 0xfa || mac[2] != 0)
		return;
	j = mac[3];
	k = mac[4] << 8 | mac[5];
	if (j < 1 || j > n || j == i || k >= m)
		return;
	/* a replace toward another VTEP turns a counted entry into an uncounted one */
	ok = add && to == j && (nd->ndm_flags & NTF_EXT_LEARNED);
	if (first == 0 && ok == !!want_full)
		first = now_real();
	if (*st(i, j, k) == ok)
		return;
	*st(i, j, k) = ok;
	have[i] += ok ? 1 : -1;
}

static int recv_all(int fd, int i, bool dump)
{
	static char buf[1 << 20];
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof buf, dump ? 0 : MSG_DONTWAIT);
		if (len < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return 0;
			one(i, h);
		}
	}
}

static int dump(int fd, int i)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req = {
		.h = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETNEIGH,
		      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.nd = {.ndm_family = AF_BRIDGE},
	};
	if (send(fd, &req, sizeof req, 0) < 0)
		return -1;
	return recv_all(fd, i, true);
}

int main(int argc, char **argv)
{
	int ev[MAXN + 1], dfd[MAXN + 1], self, rcv = 64 << 20, ncomplete = 0;
	struct pollfd p[MAXN + 1];
	double deadline, flood_at = 0;
	long timeout;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: fabric_watch PREFIX N M full|empty TIMEOUT_S [4|6]\n");
		return 2;
	}
	n = atoi(argv[2]);
	m = atoi(argv[3]);
	want_full = !strcmp(argv[4], "full");
	timeout = strtol(argv[5], NULL, 10);
	if (argc == 7)
		fam = atoi(argv[6]);
	if (n < 2 || n > MAXN || m < 0 || m > MAXM || (fam != 4 && fam != 6) ||
	    (!want_full && strcmp(argv[4], "empty"))) {
		fprintf(stderr, "fabric_watch: bad N, M, mode or family\n");
		return 2;
	}
	state = calloc((size_t)(n + 1) * (MAXN + 1) * (size_t)(m ? m : 1), 1);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!state || self < 0)
		return 2;
	for (int i = 1; i <= n; i++) {
		struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1u << (RTNLGRP_NEIGH - 1)};
		char path[256];
		int nsfd;

		snprintf(path, sizeof path, "/run/netns/%s-h%d", argv[1], i);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
			perror(path);
			return 2;
		}
		close(nsfd);
		ifidx[i] = (int)if_nametoindex("vx100");
		ev[i] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		dfd[i] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (!ifidx[i] || ev[i] < 0 || dfd[i] < 0 ||
		    (setsockopt(ev[i], SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0 &&
		     setsockopt(ev[i], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) < 0) ||
		    bind(ev[i], (struct sockaddr *)&sa, sizeof sa) < 0) {
			fprintf(stderr, "fabric_watch: %s: no vx100 or netlink: %s\n", path, strerror(errno));
			return 2;
		}
		p[i - 1] = (struct pollfd){ev[i], POLLIN, 0};
	}
	if (setns(self, CLONE_NEWNET) < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);
	/* subscribed first, dumped second: an event queued meanwhile is applied after the dump */
	for (int i = 1; i <= n; i++) {
		if (dump(dfd[i], i) < 0) {
			fprintf(stderr, "fabric_watch: dump of namespace %d: %s\n", i, strerror(errno));
			return 2;
		}
		close(dfd[i]);
	}
	deadline = now_real() + (double)timeout;
	for (;;) {
		bool all_flood = true;
		ncomplete = 0;
		for (int i = 1; i <= n; i++) {
			if (ns_complete(i)) {
				if (done_at[i] == 0) {
					done_at[i] = now_real();
					printf("hv %d %.6f\n", i, done_at[i]);
				}
				ncomplete++;
			} else {
				done_at[i] = 0;
			}
			all_flood = all_flood && nflood[i] == n - 1;
		}
		if (want_full && all_flood && flood_at == 0) {
			flood_at = now_real();
			printf("flood %.6f\n", flood_at);
		}
		if (ncomplete == n)
			break;
		double left = deadline - now_real();
		if (left <= 0) {
			printf("timeout\n");
			for (int i = 1; i <= n; i++)
				printf("missing %d %ld %d\n", i, want_full ? (long)(n - 1) * m - have[i] : have[i],
				       want_full ? n - 1 - nflood[i] : 0);
			return 1;
		}
		if (poll(p, (nfds_t)n, (int)(left * 1000) + 1) <= 0)
			continue;
		for (int i = 1; i <= n; i++) {
			if (!(p[i - 1].revents & POLLIN))
				continue;
			if (recv_all(ev[i], i, false) < 0 && errno == ENOBUFS) {
				printf("overflow %d\n", i);
				return 3;
			}
		}
		fflush(stdout);
	}
	printf("done %.6f %.6f\n", now_real(), first);
	return 0;
}
