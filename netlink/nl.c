/* SPDX-License-Identifier: Apache-2.0 */
/* The rtnetlink sockets: the event stream (links and neighbours, on an ev_io watcher), the request
 * socket of the FDB writer (batch.c), and the dumps' socket (dump.c) so that dump replies never
 * interleave with acks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

/* Prefer forcing the size (root may exceed net.core.rmem_max); fall back to what is allowed. */
void nl_set_rcvbuf(struct mnl_socket *s, size_t size)
{
	int fd = mnl_socket_get_fd(s);
	int v = size > (size_t)(1 << 30) ? (1 << 30) : (int)size;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

/* Messages read from the event socket per loop iteration: enough to keep up with a burst of
 * installs (each one echoes two notifications), bounded so BGP still gets its turn; and at most
 * about NL_EVENTS_SLICE_MS of their handling (the clock is read every NL_EVENTS_CLOCK_EVERY):
 * 16,384 local MACs learned in one turn held the loop for 60-80 ms (scripts/bench.sh, 1M). */
#define NL_EVENTS_PER_TURN 16384
#define NL_EVENTS_SLICE_MS 5
#define NL_EVENTS_CLOCK_EVERY 32

/*
 * Drop, in the kernel, the echoes of extern_learn entries being added or changed: they are the
 * entries evpnd itself installs (two notifications per remote MAC, one per remote MAC+IP), which
 * at 100k MACs cost a quarter of the CPU to read and could fill the receive buffer. Deletions still come through (an
 * entry evpnd owns removed by someone else is put back), and so does everything else. Each rtnetlink
 * notification is a datagram of its own, so the filter sees one message from offset 0.
 */
static void filter_own_echoes(struct mnl_socket *s)
{
	enum { TYPE = 4, FAMILY = NLMSG_HDRLEN, FLAGS = NLMSG_HDRLEN + 10 /* ndm_flags */ };
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, TYPE),
		/* new routes: evpnd's own echoes, and nothing it acts on (deletions it does) */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWROUTE), 8, 0),
		/* a halfword load is big-endian: compare with the host's value the way it loads */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWNEIGH), 0, 6),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, FAMILY),
		/* FDB entries, and the IP neighbours arp-suppress installs on bridges */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_BRIDGE, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 2),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, FLAGS),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NTF_EXT_LEARNED, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff), /* keep */
		BPF_STMT(BPF_RET | BPF_K, 0),          /* drop */
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	/* without it evpnd only reads more: not worth failing over */
	(void)setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

struct mnl_socket *nl_open_sock(unsigned groups, bool nonblock)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
	int one = 1;

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(s);
		errno = e;
		return NULL;
	}
	/* errors need no echo of the request: the writer keeps its own copy */
	(void)mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	return s;
}

/* A bridge port's VLAN tunnel map; its room (32 KiB) lives on the stack, not in the handle, so a
 * hook that dumps from inside another hook cannot overwrite a map being reported. */
static void brport(struct nl *nl, const struct nlmsghdr *nlh)
{
	struct nl_vlan_tunnel m[NL_VLAN_MAX];
	size_t n;
	int ifindex;

	if (nl_brport_parse(nlh, &ifindex, m, NL_VLAN_MAX, &n) == 0)
		nl->h.vlan_map(nl->h.ctx, ifindex, m, n);
}

void nl_dispatch(struct nl *nl, const void *buf, size_t len, bool dumped)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (; nl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		switch (nlh->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK: {
			struct nl_link l;
			int r = nl_link_parse(nlh, &l);
			if (r == 0 && nl->h.link)
				nl->h.link(nl->h.ctx, &l, nlh->nlmsg_type == RTM_DELLINK);
			else if (r == 1 && nl->h.vlan_map)
				brport(nl, nlh);
			break;
		}
		case RTM_NEWNEIGH:
		case RTM_DELNEIGH: {
			struct nl_fdb f;
			struct nl_neigh n;
			int r = nl_fdb_parse(nlh, &f);
			if (r == 0 && dumped && nl->h.fdb_dumped)
				nl->h.fdb_dumped(nl->h.ctx, &f);
			else if (r == 0 && nl->h.fdb)
				nl->h.fdb(nl->h.ctx, &f, nlh->nlmsg_type == RTM_DELNEIGH);
			else if (r == 1 && nl->h.neigh && nl_neigh_parse(nlh, &n) == 0)
				nl->h.neigh(nl->h.ctx, &n, nlh->nlmsg_type == RTM_DELNEIGH);
			break;
		}
		case RTM_NEWROUTE:
		case RTM_DELROUTE: {
			struct nl_route r;
			bool del = nlh->nlmsg_type == RTM_DELROUTE;
			if ((del ? !nl->h.route_deleted : !(dumped && nl->h.route)) || nl_route_parse(nlh, &r))
				break;
			if (del)
				nl->h.route_deleted(nl->h.ctx, &r);
			else
				nl->h.route(nl->h.ctx, &r);
			break;
		}
		case RTM_NEWADDR:
		case RTM_DELADDR: {
			struct nl_ifaddr a;
			if (nl->h.ifaddr && nl_ifaddr_parse(nlh, &a) == 0)
				nl->h.ifaddr(nl->h.ctx, &a, nlh->nlmsg_type == RTM_DELADDR);
			break;
		}
		default:
			break;
		}
	}
}

/* Read what is waiting, but not forever: a flood of events must not starve the writer's acks. */
static void events_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nl *nl = w->data;
	double t0 = nl_mono_ms();
	int i;

	for (i = 0; i < NL_EVENTS_PER_TURN; i++) {
		if (i && i % NL_EVENTS_CLOCK_EVERY == 0 && nl_mono_ms() - t0 >= NL_EVENTS_SLICE_MS)
			return; /* the rest at the next turn (the socket stays readable) */
		ssize_t n = mnl_socket_recvfrom(nl->evs, nl->rxbuf, NL_RX_BYTES);
		if (n < 0) {
			if (errno == ENOBUFS) {
				if (nl->h.overflow)
					nl->h.overflow(nl->h.ctx);
				continue;
			}
			if (errno == EINTR || errno == ESRCH)
				continue; /* ESRCH: a datagram not from the kernel, dropped by libmnl */
			return; /* EAGAIN, or nothing we can act on */
		}
		nl_dispatch(nl, nl->rxbuf, (size_t)n, false);
	}
}

bool nl_events_waiting(const struct nl *nl)
{
	struct pollfd p = { .fd = mnl_socket_get_fd(nl->evs), .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static void requests_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	nl_acks_read(w->data);
}

struct nl *nl_open(struct ev_loop *loop, const struct nl_hooks *h, size_t rcvbuf)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int e;

	if (!nl)
		return NULL;
	nl->loop = loop;
	nl->h = *h;
	nl->rxbuf = malloc(NL_RX_BYTES);
	nl->dumpbuf = malloc(NL_RX_BYTES);
	if (!nl->rxbuf || !nl->dumpbuf || nl_ring_init(nl) < 0) {
		e = ENOMEM;
		goto fail;
	}
	nl->evs = nl_open_sock(RTMGRP_LINK | RTMGRP_NEIGH |
				   (h->ifaddr ? RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR : 0) |
				   (h->route_deleted ? RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE : 0), true);
	nl->reqs = nl_open_sock(0, true);
	nl->dumps = nl_open_sock(0, false);
	if (!nl->evs || !nl->reqs || !nl->dumps) {
		e = errno;
		goto fail;
	}
	nl_set_rcvbuf(nl->evs, rcvbuf);
	filter_own_echoes(nl->evs);
	nl_set_rcvbuf(nl->reqs, NL_REQ_RCVBUF);
	nl_set_rcvbuf(nl->dumps, 4u << 20);
	nl->req_portid = mnl_socket_get_portid(nl->reqs);
	nl->dump_portid = mnl_socket_get_portid(nl->dumps);
	nl->dump_seq = 1;
	if (loop) {
		ev_io_init(&nl->ev_w, events_cb, mnl_socket_get_fd(nl->evs), EV_READ);
		nl->ev_w.data = nl;
		ev_io_start(loop, &nl->ev_w);
		ev_io_init(&nl->req_w, requests_cb, mnl_socket_get_fd(nl->reqs), EV_READ);
		nl->req_w.data = nl;
		ev_io_start(loop, &nl->req_w);
	}
	return nl;
fail:
	nl_close(nl);
	errno = e;
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	nl_dump_async_cancel(nl);
	if (nl->loop) {
		ev_io_stop(nl->loop, &nl->ev_w);
		ev_io_stop(nl->loop, &nl->req_w);
		ev_idle_stop(nl->loop, &nl->send_w);
	}
	if (nl->evs)
		mnl_socket_close(nl->evs);
	if (nl->reqs)
		mnl_socket_close(nl->reqs);
	if (nl->dumps)
		mnl_socket_close(nl->dumps);
	nl_ring_free(nl);
	free(nl->rxbuf);
	free(nl->dumpbuf);
	free(nl);
}
