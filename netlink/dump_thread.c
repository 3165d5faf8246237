/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A background dump's kernel side, in a thread of its own (nl_int.h, nl_dump_thread). The kernel
 * builds a dump's replies inside the sendmsg that asks and each read that follows, and for a
 * bridge's FDB it walks the whole table each time (a port filter skips entries, it does not seek
 * to them): at a million MACs that is 50 ms of the caller's time per read, which in the loop
 * would be a 50 ms turn (scripts/bench.sh, restart and audit). The thread waits for the kernel
 * instead; the loop reads the finished replies from a socket pair, a slice at a time as before.
 *
 * It shares nothing with the loop: it owns the netlink socket and its copy of the requests, never
 * logs, and ends when its last request is answered or when the loop closes its end of the pair
 * (a cancel), at the latest after the kernel's next reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "nl_int.h"

/* The thread calls little (libmnl, send): a small stack instead of the default 8 MiB of address
 * space. */
#define DUMP_THREAD_STACK (256 * 1024)

struct dump_thread {
	struct mnl_socket *sock;
	uint32_t portid;
	int out;      /* the thread's end of the pair */
	size_t len;   /* bytes of requests */
	uint8_t reqs[]; /* whole messages, NLMSG_ALIGN apart */
};

/* Whether a reply datagram ends the request seq: its NLMSG_DONE, or the kernel's error. */
static bool answers(const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
	const struct nlmsghdr *m = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (; nl_msg_ok(m, left); m = mnl_nlmsg_next(m, &left))
		if (m->nlmsg_seq == seq && m->nlmsg_pid == portid &&
		    (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/* The thread's own failure reaches the loop as the kernel's would: an error for the request. */
static void send_error(const struct dump_thread *t, uint32_t seq, int err)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} m;

	memset(&m, 0, sizeof m);
	m.h.nlmsg_len = sizeof m;
	m.h.nlmsg_type = NLMSG_ERROR;
	m.h.nlmsg_seq = seq;
	m.h.nlmsg_pid = t->portid;
	m.e.error = -err;
	(void)send(t->out, &m, sizeof m, MSG_NOSIGNAL);
}

/* One request, up to its answer: false when the thread is to end (an error told, or cancelled). */
static bool carry_out(struct dump_thread *t, const struct nlmsghdr *req, uint8_t *buf)
{
	uint32_t seq = req->nlmsg_seq;

	if (mnl_socket_sendto(t->sock, req, req->nlmsg_len) < 0) {
		send_error(t, seq, errno);
		return false;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(t->sock, buf, NL_RX_BYTES);
		if (n < 0) {
			if (errno == EINTR || errno == ESRCH)
				continue; /* ESRCH: a datagram not from the kernel, dropped by libmnl */
			send_error(t, seq, errno); /* ENOBUFS included: the dump is incomplete */
			return false;
		}
		if (send(t->out, buf, (size_t)n, MSG_NOSIGNAL) < 0)
			return false; /* the loop closed its end */
		if (answers(buf, (size_t)n, seq, t->portid))
			return true;
	}
}

static void *run(void *arg)
{
	struct dump_thread *t = arg;
	uint8_t *buf = malloc(NL_RX_BYTES);
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= t->len) {
		const struct nlmsghdr *req = (const void *)(t->reqs + off);
		off += NLMSG_ALIGN(req->nlmsg_len);
		if (!buf) {
			send_error(t, req->nlmsg_seq, ENOMEM);
			break;
		}
		if (!carry_out(t, req, buf))
			break;
	}
	free(buf);
	mnl_socket_close(t->sock);
	close(t->out);
	free(t);
	return NULL;
}

int nl_dump_thread(struct mnl_socket *sock, uint32_t portid, const void *reqs, size_t len)
{
	int fds[2], fd = mnl_socket_get_fd(sock), e, fl;
	struct dump_thread *t = malloc(sizeof *t + len);
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t tid;

	if (!t)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		free(t);
		return -1;
	}
	/* the loop's end never blocks it; the thread's netlink socket waits for the kernel */
	if ((fl = fcntl(fds[0], F_GETFL)) < 0 || fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) < 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	t->sock = sock;
	t->portid = portid;
	t->out = fds[1];
	t->len = len;
	memcpy(t->reqs, reqs, len);
	if ((e = pthread_attr_init(&attr)) != 0) {
		errno = e;
		goto fail;
	}
	(void)pthread_attr_setstacksize(&attr, DUMP_THREAD_STACK);
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* signals are the loop's: the thread starts with all of them blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&tid, &attr, run, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		errno = e;
		goto fail;
	}
	return fds[0];
fail:
	e = errno;
	close(fds[0]);
	close(fds[1]);
	free(t);
	errno = e;
	return -1;
}
