/* The rtnetlink sockets: the event stream (links and neighbours, on an ev_io watcher), the request
 * socket of the FDB writer (batch.c), and synchronous dumps on a socket of their own so that dump
 * replies never interleave with acks. */
#include <errno.h>
#include <fcntl.h>
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

/* A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is restarted up to this many times;
 * after that its (possibly inconsistent) result stands: the event stream carries the changes. */
#define NL_DUMP_RETRIES 8

/* Prefer forcing the size (root may exceed net.core.rmem_max); fall back to what is allowed. */
static void set_rcvbuf(struct mnl_socket *s, size_t size)
{
	int fd = mnl_socket_get_fd(s);
	int v = size > (size_t)(1 << 30) ? (1 << 30) : (int)size;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

/* Messages read from the event socket per loop iteration: enough to keep up with a burst of
 * installs (each one echoes two notifications), bounded so BGP still gets its turn. */
#define NL_EVENTS_PER_TURN 16384

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

static struct mnl_socket *open_sock(unsigned groups, bool nonblock)
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
		default:
			break;
		}
	}
}

/* Read what is waiting, but not forever: a flood of events must not starve the writer's acks. */
static void events_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nl *nl = w->data;
	int i;

	for (i = 0; i < NL_EVENTS_PER_TURN; i++) {
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
	nl->evs = open_sock(RTMGRP_LINK | RTMGRP_NEIGH, true);
	nl->reqs = open_sock(0, true);
	nl->dumps = open_sock(0, false);
	if (!nl->evs || !nl->reqs || !nl->dumps) {
		e = errno;
		goto fail;
	}
	set_rcvbuf(nl->evs, rcvbuf);
	filter_own_echoes(nl->evs);
	set_rcvbuf(nl->reqs, NL_REQ_RCVBUF);
	set_rcvbuf(nl->dumps, 4u << 20);
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

/* One pass of a dump: 1 when interrupted (restart), 0 done, -1 with errno. Replies go through
 * nl_dispatch, which ignores what is not a link or an AF_BRIDGE neighbour. */
static void put_dump_request(struct nlmsghdr *nlh, uint16_t type, uint8_t family, uint32_t ext_mask,
			     uint32_t seq, int port)
{
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = family;
		if (ext_mask)
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
	} else {
		struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
		ndm->ndm_family = family;
		ndm->ndm_ifindex = port; /* a bridge port's entries only (strict checking) */
	}
}

/* One datagram of dump replies for (portid, seq): 0 more to come, 1 done (*intr: the kernel saw
 * a concurrent change), -1 with errno (the kernel's error, or EPROTO). */
static int dump_datagram(struct nl *nl, const void *buf, size_t len, uint32_t portid, uint32_t seq,
			 bool *intr)
{
	const struct nlmsghdr *m = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (; nl_msg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
		if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
			continue; /* a stale reply of an earlier, abandoned dump */
		if (m->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		if (m->nlmsg_type == NLMSG_DONE)
			return 1;
		if (m->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr err;
			if (mnl_nlmsg_get_payload_len(m) < sizeof(err)) {
				errno = EPROTO;
				return -1;
			}
			memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
			errno = err.error < 0 ? -err.error : EPROTO;
			return -1;
		}
		nl_dispatch(nl, m, m->nlmsg_len, true);
	}
	return 0;
}

static int dump_once(struct nl *nl, uint16_t type, uint8_t family, uint32_t ext_mask)
{
	uint8_t req[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	uint32_t seq = nl->dump_seq++;
	bool intr = false;

	put_dump_request(nlh, type, family, ext_mask, seq, 0);
	if (mnl_socket_sendto(nl->dumps, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->dumps, nl->dumpbuf, NL_RX_BYTES);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1; /* ENOBUFS included: the dump is incomplete */
		}
		r = dump_datagram(nl, nl->dumpbuf, (size_t)n, nl->dump_portid, seq, &intr);
		if (r)
			return r < 0 ? -1 : intr ? 1 : 0;
	}
}

static int dump_ext(struct nl *nl, uint16_t type, uint8_t family, uint32_t ext_mask)
{
	int r = 1, i;

	for (i = 0; i <= NL_DUMP_RETRIES && r == 1; i++)
		r = dump_once(nl, type, family, ext_mask);
	return r < 0 ? -1 : 0;
}

static int dump(struct nl *nl, uint16_t type, uint8_t family)
{
	return dump_ext(nl, type, family, 0);
}

int nl_dump_links(struct nl *nl)
{
	if (dump(nl, RTM_GETLINK, AF_UNSPEC) < 0)
		return -1;
	/* the ports' VLAN tunnel maps: after the links, so the VXLAN devices are known first */
	return nl->h.vlan_map ? dump_ext(nl, RTM_GETLINK, AF_BRIDGE, RTEXT_FILTER_BRVLAN) : 0;
}

int nl_dump_fdb(struct nl *nl)
{
	return dump(nl, RTM_GETNEIGH, AF_BRIDGE);
}

int nl_dump_neigh(struct nl *nl)
{
	if (dump(nl, RTM_GETNEIGH, AF_INET) < 0)
		return -1;
	return dump(nl, RTM_GETNEIGH, AF_INET6);
}

/* ---- the background FDB dump ---- */

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void adump_finish(struct nl *nl, int err)
{
	void (*done)(void *ctx, int err) = nl->adump_done;

	nl_dump_async_cancel(nl);
	if (done)
		done(nl->h.ctx, err);
}

/* Ask for the next dump of a background dump: the whole FDB, or the next port's entries. */
static int adump_request(struct nl *nl)
{
	uint8_t req[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	int port = nl->adump_ports ? nl->adump_ports[nl->adump_next++] : 0;

	nl->adump_seq = nl->dump_seq++;
	put_dump_request(nlh, RTM_GETNEIGH, AF_BRIDGE, 0, nl->adump_seq, port);
	return mnl_socket_sendto(nl->adump, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* One dump of a background dump ended (err: positive errno, or 0): go on with the next port, or
 * finish. A port that went away meanwhile (ENODEV) has no entries to report. */
static void adump_next(struct nl *nl, int err)
{
	if (nl->adump_ports && nl->adump_next < nl->adump_nports && (!err || err == ENODEV)) {
		if (adump_request(nl) == 0)
			return;
		err = errno;
	}
	adump_finish(nl, err == ENODEV && nl->adump_ports ? 0 : err);
}

/* One slice: read until the dump ends or the slice's time is used (one read at least). A change
 * that interrupts the kernel's walk (NLM_F_DUMP_INTR) does not restart it: the events carry the
 * change, and a restart under steady churn of a large table would never end. */
static void adump_slice(struct nl *nl, bool whole)
{
	double t0 = mono_ms();
	bool intr = false;

	do {
		ssize_t n = mnl_socket_recvfrom(nl->adump, nl->dumpbuf, NL_RX_BYTES);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && !whole)
				return; /* the kernel builds the next reply on our next read */
			if (errno == EAGAIN)
				continue;
			adump_finish(nl, errno); /* ENOBUFS included: the dump is incomplete */
			return;
		}
		r = dump_datagram(nl, nl->dumpbuf, (size_t)n, nl->adump_portid, nl->adump_seq, &intr);
		if (!nl->adump)
			return; /* a hook cancelled it */
		if (r) {
			adump_next(nl, r < 0 ? errno : 0);
			if (!nl->adump)
				return;
		}
	} while (whole || mono_ms() - t0 < NL_DUMP_SLICE_MS);
}

static void adump_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	adump_slice(w->data, false);
}

static int adump_start(struct nl *nl, const int *ports, size_t n, void (*done)(void *ctx, int err))
{
	int one = 1;

	if (nl->adump) {
		errno = EBUSY;
		return -1;
	}
	/* blocking without a loop: the whole dump is read at once */
	nl->adump = open_sock(0, nl->loop != NULL);
	if (!nl->adump)
		return -1;
	set_rcvbuf(nl->adump, 1u << 20);
	nl->adump_portid = mnl_socket_get_portid(nl->adump);
	nl->adump_done = done;
	if (ports) {
		/* the kernel reads ndm_ifindex as a port filter only when checking strictly */
		if (mnl_socket_setsockopt(nl->adump, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0 ||
		    !(nl->adump_ports = malloc(n * sizeof *ports))) {
			int e = errno;
			nl_dump_async_cancel(nl);
			errno = e;
			return -1;
		}
		memcpy(nl->adump_ports, ports, n * sizeof *ports);
		nl->adump_nports = n;
		nl->adump_next = 0;
	}
	if (adump_request(nl) < 0) {
		int e = errno;
		nl_dump_async_cancel(nl);
		errno = e;
		return -1;
	}
	if (!nl->loop) {
		adump_slice(nl, true);
		return 0;
	}
	ev_io_init(&nl->adump_w, adump_cb, mnl_socket_get_fd(nl->adump), EV_READ);
	nl->adump_w.data = nl;
	ev_io_start(nl->loop, &nl->adump_w);
	return 0;
}

int nl_dump_fdb_async(struct nl *nl, void (*done)(void *ctx, int err))
{
	return adump_start(nl, NULL, 0, done);
}

int nl_dump_fdb_ports_async(struct nl *nl, const int *ports, size_t n,
			    void (*done)(void *ctx, int err))
{
	if (!n) {
		if (nl->adump) {
			errno = EBUSY;
			return -1;
		}
		if (done)
			done(nl->h.ctx, 0); /* nothing to read: done at once, as a dump of nothing is */
		return 0;
	}
	return adump_start(nl, ports, n, done);
}

bool nl_dump_async_running(const struct nl *nl)
{
	return nl->adump != NULL;
}

void nl_dump_async_cancel(struct nl *nl)
{
	if (!nl->adump)
		return;
	if (nl->loop)
		ev_io_stop(nl->loop, &nl->adump_w);
	mnl_socket_close(nl->adump);
	nl->adump = NULL;
	nl->adump_done = NULL;
	free(nl->adump_ports);
	nl->adump_ports = NULL;
	nl->adump_nports = nl->adump_next = 0;
}
