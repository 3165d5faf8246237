/* SPDX-License-Identifier: Apache-2.0 */
/* The pipelined FDB writer: requests wait in a ring, go out NL_BATCH_MAX per sendmsg with at most
 * NL_WINDOW unacknowledged, and every ack is matched to its request by sequence number (= ring
 * position), so a refusal is reported once, with the entry. */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>

#include "nl_int.h"

#define RING_MIN 4096
#define OP_DONE 0xff /* acknowledged (or given up) but not yet popped: an ack arrived out of order */

int nl_ring_init(struct nl *nl)
{
	nl->cap = RING_MIN;
	nl->ring = calloc(nl->cap, sizeof(*nl->ring));
	nl->txbuf = malloc(NL_BATCH_BYTES + NL_FDB_REQ_MAX);
	nl->ackbuf = malloc(NL_RX_BYTES);
	if (!nl->ring || !nl->txbuf || !nl->ackbuf)
		return -1;
	return 0;
}

void nl_ring_free(struct nl *nl)
{
	free(nl->ring);
	free(nl->txbuf);
	free(nl->ackbuf);
	nl->ring = NULL;
	nl->txbuf = NULL;
	nl->ackbuf = NULL;
}

static struct nl_req *at(const struct nl *nl, uint64_t pos)
{
	return &nl->ring[pos & (nl->cap - 1)];
}

/* Positions stay valid across a resize: each live entry moves to its slot in the new mask. */
static int resize(struct nl *nl, uint64_t cap)
{
	struct nl_req *r = malloc(cap * sizeof(*r));
	uint64_t p;

	if (!r)
		return -1;
	for (p = nl->head; p != nl->tail; p++)
		r[p & (cap - 1)] = *at(nl, p);
	free(nl->ring);
	nl->ring = r;
	nl->cap = cap;
	return 0;
}

/* The next free slot of the ring, zeroed and given op; NULL (ENOMEM) when it cannot grow. */
static struct nl_req *push(struct nl *nl, enum nl_op op)
{
	struct nl_req *r;

	if (nl->tail - nl->head == nl->cap && resize(nl, nl->cap * 2) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	r = at(nl, nl->tail++);
	memset(r, 0, sizeof(*r));
	r->op = (uint8_t)op;
	return r;
}

int nl_fdb_queue(struct nl *nl, enum nl_op op, const struct nl_fdb *f)
{
	struct nl_req *r;

	if (op != NL_FDB_REPLACE && op != NL_FDB_APPEND && op != NL_FDB_DEL) {
		errno = EINVAL;
		return -1;
	}
	if (!(r = push(nl, op)))
		return -1;
	r->f = *f;
	return 0;
}

int nl_neigh_queue(struct nl *nl, enum nl_op op, const struct nl_neigh *n)
{
	struct nl_req *r;

	if ((op != NL_NEIGH_REPLACE && op != NL_NEIGH_DEL && op != NL_PORT_SUPPRESS) ||
	    (op != NL_PORT_SUPPRESS && n->ip.af != AF_INET && n->ip.af != AF_INET6)) {
		errno = EINVAL;
		return -1;
	}
	if (!(r = push(nl, op)))
		return -1;
	r->n = *n;
	return 0;
}

static bool route_ok(const struct nl_route *r)
{
	unsigned bits = r->dst.af == AF_INET ? 32 : 128;

	return (r->dst.af == AF_INET || r->dst.af == AF_INET6) && r->plen <= bits && r->table &&
	       (!r->gw.af || r->gw.af == AF_INET || r->gw.af == AF_INET6);
}

int nl_route_queue(struct nl *nl, enum nl_op op, const struct nl_route *rt)
{
	struct nl_req *r;

	if ((op != NL_ROUTE_REPLACE && op != NL_ROUTE_DEL) || !route_ok(rt) ||
	    (op == NL_ROUTE_REPLACE && (!rt->gw.af || rt->oif <= 0))) {
		errno = EINVAL;
		return -1;
	}
	if (!(r = push(nl, op)))
		return -1;
	r->r = *rt;
	return 0;
}

int nl_port_suppress_queue(struct nl *nl, int ifindex, bool on)
{
	struct nl_neigh n;

	memset(&n, 0, sizeof(n));
	n.ifindex = ifindex;
	n.state = on ? 1 : 0;
	return nl_neigh_queue(nl, NL_PORT_SUPPRESS, &n);
}

uint64_t nl_next_pos(const struct nl *nl)
{
	return nl->tail;
}

void nl_set_acked(struct nl *nl, void (*acked)(void *ctx, uint64_t done))
{
	nl->acked = acked;
}

size_t nl_pending(const struct nl *nl)
{
	return (size_t)(nl->tail - nl->head);
}

/* Pop what is done from the front; give a burst's memory back once it is all through. */
static void pop_done(struct nl *nl)
{
	uint64_t was = nl->head;

	while (nl->head != nl->sent && at(nl, nl->head)->op == OP_DONE)
		nl->head++;
	if (nl->head != was && nl->acked)
		nl->acked(nl->h.ctx, nl->head);
	if (nl->head == nl->tail && nl->cap > RING_MIN * 16)
		(void)resize(nl, RING_MIN);
}

/* Report a refusal. The hook may queue more (the ring may move), so copy the entry first. */
static void refuse(struct nl *nl, uint64_t pos, int err)
{
	struct nl_req r = *at(nl, pos);

	at(nl, pos)->op = OP_DONE;
	if (r.op >= NL_ROUTE_REPLACE) {
		if (nl->h.route_refused)
			nl->h.route_refused(nl->h.ctx, (enum nl_op)r.op, &r.r, err);
		return;
	}
	if (r.op >= NL_NEIGH_REPLACE) {
		/* named the way the hook knows entries: device, MAC, and the IP as dst */
		struct nl_neigh n = r.n;
		memset(&r.f, 0, sizeof(r.f));
		r.f.ifindex = n.ifindex;
		memcpy(r.f.mac, n.mac, 6);
		r.f.dst = n.ip;
	}
	if (nl->h.refused)
		nl->h.refused(nl->h.ctx, (enum nl_op)r.op, &r.f, err);
}

static void on_send_more(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)revents;
	ev_idle_stop(loop, w);
	nl_flush(w->data);
}

/* Whether this iteration of the loop may send more (NL_SEND_BUDGET_MS); when not, the idle
 * watcher sends the rest in the next one. Without a loop there is no budget. */
static bool send_budget(struct nl *nl)
{
	if (!nl->loop || nl->draining)
		return true;
	if (ev_now(nl->loop) != nl->send_turn) {
		nl->send_turn = ev_now(nl->loop);
		nl->send_ms = 0;
	}
	if (nl->send_ms < NL_SEND_BUDGET_MS)
		return true;
	if (!ev_is_active(&nl->send_w)) {
		ev_idle_init(&nl->send_w, on_send_more);
		nl->send_w.data = nl;
		ev_idle_start(nl->loop, &nl->send_w);
	}
	return false;
}

unsigned nl_batch_next(unsigned cur, unsigned n, double ms, unsigned max)
{
	if (n == 0 || (n < NL_BATCH_MIN && ms < NL_SENDMSG_MS))
		return cur ? cur : max;
	double fit = ms > 0 ? NL_SENDMSG_MS * n / ms : (double)max;
	if (fit >= max)
		return max;
	return fit < NL_BATCH_MIN ? NL_BATCH_MIN : (unsigned)fit;
}

static void send_batches(struct nl *nl)
{
	while (nl->sent != nl->tail && nl->sent - nl->head < NL_WINDOW && send_budget(nl)) {
		double t0;
		size_t len = 0;
		uint64_t p = nl->sent;
		ssize_t n;

		unsigned batch = nl->batch ? nl->batch : NL_BATCH_MAX;
		while (p != nl->tail && p - nl->sent < batch && p - nl->head < NL_WINDOW &&
		       len + NL_FDB_REQ_MAX <= NL_BATCH_BYTES) {
			struct nl_req *r = at(nl, p);
			int m = r->op >= NL_ROUTE_REPLACE
				? nl_route_encode(nl->txbuf + len, NL_FDB_REQ_MAX, (enum nl_op)r->op, &r->r,
						  (uint32_t)p)
				: r->op >= NL_NEIGH_REPLACE
				? nl_neigh_encode(nl->txbuf + len, NL_FDB_REQ_MAX, (enum nl_op)r->op, &r->n,
						  (uint32_t)p)
				: nl_fdb_encode(nl->txbuf + len, NL_FDB_REQ_MAX, (enum nl_op)r->op, &r->f,
						(uint32_t)p);
			assert(m > 0); /* op was checked when queued and NL_FDB_REQ_MAX covers the rest */
			len += (size_t)m;
			p++;
		}
		if (nl->h.sending)
			nl->h.sending(nl->h.ctx); /* a write-ahead record first (nl_hooks.sending) */
		t0 = nl_mono_ms();
		n = mnl_socket_sendto(nl->reqs, nl->txbuf, len);
		t0 = nl_mono_ms() - t0;
		nl->send_ms += t0;
		nl->batch = nl_batch_next(nl->batch, (unsigned)(p - nl->sent), t0, NL_BATCH_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS || errno == ENOMEM)
				return; /* out of kernel memory for now: the next flush or ack retries */
			/* a hard error refuses the whole batch, each entry reported once */
			{
				int e = errno;
				uint64_t first = nl->sent;
				nl->sent = p;
				for (; first != p; first++)
					refuse(nl, first, e);
				pop_done(nl);
			}
			continue;
		}
		nl->sent = p;
	}
}

static void ack(struct nl *nl, const struct nlmsghdr *m)
{
	struct nlmsgerr err;
	uint64_t pos = nl->head + (uint32_t)(m->nlmsg_seq - (uint32_t)nl->head);

	if (m->nlmsg_type != NLMSG_ERROR || mnl_nlmsg_get_payload_len(m) < sizeof(err))
		return;
	if (pos >= nl->sent || at(nl, pos)->op == OP_DONE)
		return; /* not ours, or already settled (after an overflow) */
	memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
	if (err.error != 0)
		refuse(nl, pos, -err.error);
	else
		at(nl, pos)->op = OP_DONE;
}

/* Acks were dropped (the request socket overflowed): what is in flight can no longer be told
 * apart, so it is settled as is and the agent reconciles from a dump. */
static void acks_lost(struct nl *nl)
{
	uint64_t p;

	for (p = nl->head; p != nl->sent; p++)
		at(nl, p)->op = OP_DONE;
	pop_done(nl);
	if (nl->h.overflow)
		nl->h.overflow(nl->h.ctx);
}

void nl_acks_read(struct nl *nl)
{
	if (nl->in_acks)
		return; /* a hook called nl_flush: the outer call is still reading */
	nl->in_acks = true;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->reqs, nl->ackbuf, NL_RX_BYTES);
		const struct nlmsghdr *m = (const void *)nl->ackbuf;
		int left;

		if (n < 0) {
			if (errno == EINTR || errno == ESRCH)
				continue;
			if (errno == ENOBUFS) {
				acks_lost(nl);
				continue;
			}
			break;
		}
		left = (int)n;
		for (; nl_msg_ok(m, left); m = mnl_nlmsg_next(m, &left))
			ack(nl, m);
		pop_done(nl);
		send_batches(nl);
	}
	nl->in_acks = false;
	send_batches(nl);
}

void nl_flush(struct nl *nl)
{
	send_batches(nl);
	nl_acks_read(nl);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int drain(struct nl *nl, int timeout_ms)
{
	long end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { mnl_socket_get_fd(nl->reqs), POLLIN, 0 };
		long left;

		nl_flush(nl);
		if (nl_pending(nl) == 0)
			return 0;
		left = end - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -1;
	}
}

int nl_drain(struct nl *nl, int timeout_ms)
{
	int rc;

	nl->draining = true; /* it waits for everything: the loop's budget does not apply */
	rc = drain(nl, timeout_ms);
	nl->draining = false;
	return rc;
}
