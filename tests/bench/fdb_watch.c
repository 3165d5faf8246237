/* SPDX-License-Identifier: Apache-2.0 */
/* Watch the VXLAN FDB of the current network namespace through the kernel's own event stream and
 * say when the bench's MACs are all there (or all gone): the same kernel-side clock for evpnd and
 * FRR, without dumping (an FDB dump of 1M entries takes tens of seconds). Not a test:
 * scripts/bench.sh compiles and runs it (no dependencies beyond libc).
 *   fdb_watch DEV DST_IPV4 PREFIX_BYTE N add|del TIMEOUT_S
 * counts the NTF_SELF entries on DEV with NDA_DST = DST_IPV4 and MAC 02:PP:xx:xx:xx:xx (the low
 * 24 bits index them). add: starts from none present, done when N are; del: starts from N present,
 * done when none is. Prints "ready" once subscribed, then "done EPOCH_SECONDS FIRST_EPOCH_SECONDS"
 * (CLOCK_REALTIME, at the event that completed the count, and at the first counted one); exits 0; "timeout COUNT" exits 1; "overflow" (events
 * lost: the count is unknown) exits 3. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS (1u << 24)

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static uint8_t present[SLOTS];
	static char buf[1 << 20];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (RTNLGRP_NEIGH - 1) };
	int rcv = 1 << 30, ifindex, fd, adding;
	unsigned prefix;
	long n, count, timeout;
	struct in_addr dst;
	double deadline, first = 0;

	if (argc != 7) {
		fprintf(stderr, "usage: fdb_watch DEV DST_IPV4 PREFIX_BYTE N add|del TIMEOUT_S\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	prefix = (unsigned)strtoul(argv[3], NULL, 16);
	n = strtol(argv[4], NULL, 10);
	adding = !strcmp(argv[5], "add");
	timeout = strtol(argv[6], NULL, 10);
	if (!ifindex || inet_pton(AF_INET, argv[2], &dst) != 1 || n < 0 || n > (long)SLOTS) {
		fprintf(stderr, "fdb_watch: bad device, address or N\n");
		return 2;
	}
	if (!adding)
		memset(present, 1, (size_t)n);
	count = adding ? 0 : n;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0 &&
		       setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) < 0) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("fdb_watch: netlink");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	deadline = now_real() + (double)timeout;
	while ((adding && count < n) || (!adding && count > 0)) {
		struct pollfd p = { fd, POLLIN, 0 };
		double left = deadline - now_real();
		ssize_t len;

		if (left <= 0) {
			printf("timeout %ld\n", count);
			return 1;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (len < 0) {
			if (errno == ENOBUFS) {
				printf("overflow\n");
				return 3;
			}
			continue;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			struct ndmsg *nd = NLMSG_DATA(h);
			const uint8_t *mac = NULL;
			const struct in_addr *d = NULL;
			int alen;
			uint32_t i;

			if ((h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof *nd) || nd->ndm_family != AF_BRIDGE ||
			    nd->ndm_ifindex != ifindex || !(nd->ndm_flags & NTF_SELF))
				continue;
			alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *nd));
			for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof *nd));
			     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
					mac = RTA_DATA(a);
				else if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4)
					d = RTA_DATA(a);
			}
			if (!mac || !d || d->s_addr != dst.s_addr || mac[0] != 0x02 || mac[1] != prefix)
				continue;
			i = (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
			if (mac[2] || i >= (uint32_t)n)
				continue;
			if (first == 0 && ((h->nlmsg_type == RTM_NEWNEIGH) == !!adding))
				first = now_real();
			if (h->nlmsg_type == RTM_NEWNEIGH && !present[i]) {
				present[i] = 1;
				count++;
			} else if (h->nlmsg_type == RTM_DELNEIGH && present[i]) {
				present[i] = 0;
				count--;
			}
		}
	}
	printf("done %.6f %.6f\n", now_real(), first);
	return 0;
}
