/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the netlink/ sources (and the parsing tests): the handle, the request
 * ring, and the pure parse/encode functions between rtnetlink messages and nl.h value types. */
#ifndef EVPND_NETLINK_NL_INT_H
#define EVPND_NETLINK_NL_INT_H

#include <ev.h>
#include <libmnl/libmnl.h>
#include <time.h>

#include "nl.h"

/* Requests per sendmsg and sendmsgs in flight: 8 x 256 acks must fit in the request socket's
 * receive buffer (an ack costs about 1 KiB of truesize), hence NL_REQ_RCVBUF. */
#define NL_BATCH_MAX 256
#define NL_BATCH_BYTES 65536
#define NL_WINDOW (8 * NL_BATCH_MAX)
#define NL_REQ_RCVBUF (8u << 20)
/* The largest FDB request nl_fdb_encode writes (header, ndmsg, every attribute), rounded up. */
#define NL_FDB_REQ_MAX 160
#define NL_RX_BYTES 65536

/* A queued or in-flight request: a copy of the entry, so a refusal can name it. */
struct nl_req {
	union {
		struct nl_fdb f;
		struct nl_neigh n;  /* NL_NEIGH_*, NL_PORT_SUPPRESS */
		struct nl_route r;  /* NL_ROUTE_* */
	};
	uint8_t op;            /* enum nl_op */
};

struct nl {
	struct ev_loop *loop;
	struct nl_hooks h;
	struct mnl_socket *evs;   /* events: RTNLGRP_LINK, RTNLGRP_NEIGH */
	struct mnl_socket *reqs;  /* FDB requests and their acks */
	struct mnl_socket *dumps; /* synchronous dumps, so their replies never mix with acks */
	uint32_t req_portid;
	uint32_t dump_portid;
	uint32_t dump_seq;
	ev_io ev_w;
	ev_io req_w;
	/* sendmsg time spent in this loop iteration (NL_SEND_BUDGET_MS), and the iteration's ev_now */
	double send_ms;
	ev_tstamp send_turn;
	ev_idle send_w;           /* more to send next iteration: the budget ran out */
	bool draining;            /* nl_drain: no budget, it waits for everything */
	unsigned batch;           /* requests per sendmsg now (nl_batch_next), 0 before the first */
	unsigned probe_batch;     /* the same for a probe's GETs */
	/* The request ring: positions are ever-increasing counters masked into ring[cap]. A request's
	 * netlink sequence number is its position (truncated to 32 bits), so an ack finds its copy
	 * without a lookup. [head, sent) is in flight, [sent, tail) is queued. */
	struct nl_req *ring;
	uint64_t cap;             /* power of two */
	uint64_t head, sent, tail;
	uint8_t *txbuf;           /* NL_BATCH_BYTES + NL_FDB_REQ_MAX */
	uint8_t *rxbuf;           /* NL_RX_BYTES: events */
	uint8_t *ackbuf;          /* NL_RX_BYTES: acks (a hook may flush while events are parsed) */
	uint8_t *dumpbuf;         /* NL_RX_BYTES: dumps (a hook may dump while events are parsed) */
	bool in_acks;             /* nl_acks_read is running: a hook's nl_flush only sends */
	void (*acked)(void *ctx, uint64_t done); /* nl_set_acked */
	/* the background FDB dump (nl_dump_fdb_async): a socket per dump, closed when it ends */
	struct mnl_socket *adump;
	uint32_t adump_portid;
	uint32_t adump_seq;
	ev_io adump_w;
	void (*adump_done)(void *ctx, int err);
	int *adump_ports;         /* nl_dump_fdb_ports_async: the ports still to dump (NULL: all) */
	size_t adump_nports, adump_next;
	/* with a loop, a dump's requests and reads are the thread's (nl_dump_thread): the loop reads
	 * its replies from adump_fd and never touches adump again (the thread closes it) */
	bool adump_threaded;
	int adump_fd;
	uint32_t adump_seq0;      /* the first request's sequence number, the next ones' follow */
	/* nl_fdb_probe_async on the same socket: keys from probe_next, probe_inflight GETs unanswered */
	bool (*probe_next)(void *ctx, struct nl_fdb *f);
	bool probe_more;
	uint32_t probe_inflight;
};

/* Carry out the dump requests at reqs (len bytes of whole messages NLMSG_ALIGN apart, each read up
 * to its NLMSG_DONE or error) on sock, bound to portid, in a thread of their own that owns sock
 * from now on and closes it. Returns the non-blocking end of a socket pair where each reply
 * datagram arrives (a failure of the thread's own as an NLMSG_ERROR for the request), or -1 with
 * errno, sock then still the caller's. Closing that end cancels: the thread ends after the
 * kernel's next reply at the latest. */
int nl_dump_thread(struct mnl_socket *sock, uint32_t portid, const void *reqs, size_t len);

/* CLOCK_MONOTONIC in milliseconds: what the slices of work per loop turn are measured with. */
static inline double nl_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* How long one slice of a background dump may read before it lets the loop go on. The kernel
 * builds each 32 KiB reply inside the read, so at a million entries one read alone costs tens of
 * milliseconds: a slice is at least one read. */
#define NL_DUMP_SLICE_MS 3
/* The kernel carries a request out inside the sendmsg that sends it: at a million entries a VXLAN
 * device's 256-bucket hash makes each cost tens of microseconds. An iteration of the loop spends at
 * most this long in the requests' sendmsg calls; the rest go in the next one. */
#define NL_SEND_BUDGET_MS 20.0
/* A probe's GETs unanswered at most; the kernel answers each inside the sendmsg that asks. */
#define NL_PROBE_WINDOW 256
/* One sendmsg of requests or GETs is not cut short, so its size follows what the last one cost:
 * about NL_SENDMSG_MS each, NL_BATCH_MIN requests at least. 256 FDB requests or GETs at a million
 * MACs took 50 ms of the loop in one sendmsg (each walks a VXLAN hash chain of 4,000 entries). */
#define NL_SENDMSG_MS 5.0
#define NL_BATCH_MIN 8

/* The next sendmsg's number of requests after one of n took ms milliseconds, at most max: as many
 * as take about NL_SENDMSG_MS at that rate, within [NL_BATCH_MIN, max]; cur again when n was too
 * few to tell (under NL_BATCH_MIN and quick). */
unsigned nl_batch_next(unsigned cur, unsigned n, double ms, unsigned max);

/* Whether a whole message starts at nlh with len bytes left: mnl_nlmsg_ok, except that an
 * nlmsg_len of 2 GiB or more is refused (libmnl compares it as an int, so it passes there and
 * mnl_nlmsg_next then jumps out of the buffer), and so is one whose padding to NLMSG_ALIGNTO is
 * not in the buffer: libmnl walks attributes up to the aligned end. The kernel pads every one. */
static inline bool nl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(struct nlmsghdr) && nlh->nlmsg_len >= sizeof(struct nlmsghdr) &&
	       nlh->nlmsg_len <= (unsigned)len && NLMSG_ALIGN(nlh->nlmsg_len) <= (unsigned)len;
}

/* Parse an RTM_NEWLINK/RTM_DELLINK message: 0 ok, 1 not for evpnd (the bridge's AF_BRIDGE per-port view), -1 malformed. */
int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *l);
/* Parse an AF_BRIDGE RTM_NEWLINK/RTM_DELLINK into port *ifindex's VLAN tunnel map (at most cap
 * entries at m, *n of them): 0 ok, 1 not AF_BRIDGE or no VLAN information in it, -1 malformed. */
int nl_brport_parse(const struct nlmsghdr *nlh, int *ifindex, struct nl_vlan_tunnel *m, size_t cap,
		    size_t *n);
/* Parse an RTM_NEWNEIGH/RTM_DELNEIGH message: 0 ok, 1 not AF_BRIDGE, -1 malformed (ignore it). */
int nl_fdb_parse(const struct nlmsghdr *nlh, struct nl_fdb *f);
/* Encode one FDB request at buf (cap bytes, NLMSG-aligned) with sequence seq: its length, or -1
 * when it does not fit or op is unknown. */
int nl_fdb_encode(void *buf, size_t cap, enum nl_op op, const struct nl_fdb *f, uint32_t seq);
/* Parse an AF_INET/AF_INET6 RTM_NEWNEIGH/RTM_DELNEIGH: 0 ok, 1 another family, -1 malformed. */
int nl_neigh_parse(const struct nlmsghdr *nlh, struct nl_neigh *n);
/* Encode one neighbour or port-suppress request (op NL_NEIGH_* or NL_PORT_SUPPRESS), as
 * nl_fdb_encode does. */
int nl_neigh_encode(void *buf, size_t cap, enum nl_op op, const struct nl_neigh *n, uint32_t seq);
/* Parse an RTM_NEWADDR/RTM_DELADDR: 0 ok, 1 another family, -1 malformed. */
int nl_ifaddr_parse(const struct nlmsghdr *nlh, struct nl_ifaddr *out);
/* Parse an RTM_NEWROUTE: 0 ok, 1 not an IPv4/IPv6 unicast route, -1 malformed. */
int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *r);
/* Encode one route request (op NL_ROUTE_*), as nl_fdb_encode does. */
int nl_route_encode(void *buf, size_t cap, enum nl_op op, const struct nl_route *r, uint32_t seq);
/* Hand every message of one received datagram to the link and fdb hooks (dumped: from a dump,
 * so FDB entries go to hooks.fdb_dumped when it is set). */
void nl_dispatch(struct nl *nl, const void *buf, size_t len, bool dumped);

/* A netlink route socket bound to groups, with NETLINK_CAP_ACK; NULL with errno. */
struct mnl_socket *nl_open_sock(unsigned groups, bool nonblock);
/* Set a socket's receive buffer (forced past rmem_max when root). */
void nl_set_rcvbuf(struct mnl_socket *s, size_t size);

/* The request ring (batch.c). */
int nl_ring_init(struct nl *nl);
void nl_ring_free(struct nl *nl);
/* Read every ack waiting on the request socket, report refusals, then send more. */
void nl_acks_read(struct nl *nl);

#endif
