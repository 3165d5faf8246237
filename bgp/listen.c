/* The listening socket: accept, match the source to a configured neighbor, refuse the rest. */
#define _GNU_SOURCE /* accept4 */
#include "peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "bgp_log.h"

/* Log an unknown source once per address (a scanner must not flood the log). */
static void log_unknown(struct bgp *b, const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	for (unsigned i = 0; i < b->nunknown; i++)
		if (!ipaddr_cmp(&b->unknown[i], a))
			return;
	if (b->nunknown < LOG_UNKNOWN_MAX)
		b->unknown[b->nunknown++] = *a;
	bgp_log(LOG_WARNING, "connection from %s, which is not a configured neighbor: closed",
		ipaddr_str(a, buf));
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct bgp *b = w->data;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct ipaddr a;
		struct peer *p;
		int fd = accept4(b->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				bgp_log(LOG_WARNING, "accept: %s", strerror(errno));
			return;
		}
		ipaddr_from_sockaddr(&ss, &a);
		p = bgp_peer_find(b, &a);
		if (!p) {
			log_unknown(b, &a);
			close(fd);
			continue;
		}
		peer_accept(p, fd);
	}
}

static int open_socket(const struct ipaddr *addr, uint16_t port, bool dual)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_ipaddr(addr, port, &ss);
	int one = 1, zero = 0, e;
	int fd = socket(addr->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    (dual && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int listen_open(struct bgp *b)
{
	struct ipaddr any = { .af = AF_INET6 };
	const struct ipaddr *addr = b->g.listen_addr.af ? &b->g.listen_addr : &any;
	char buf[IPADDR_STRLEN];

	if (!b->g.listen_port)
		return 0;
	b->lfd = open_socket(addr, b->g.listen_port, !b->g.listen_addr.af);
	if (b->lfd < 0 && !b->g.listen_addr.af && errno == EAFNOSUPPORT) {
		any.af = AF_INET; /* a host without IPv6 */
		addr = &any;
		b->lfd = open_socket(addr, b->g.listen_port, false);
	}
	if (b->lfd < 0) {
		bgp_log(LOG_ERR, "listen on [%s]:%u: %s", ipaddr_str(addr, buf), b->g.listen_port,
			strerror(errno));
		return -1;
	}
	ev_io_init(&b->lio, accept_cb, b->lfd, EV_READ);
	b->lio.data = b;
	ev_io_start(b->loop, &b->lio);
	bgp_log(LOG_INFO, "listening on [%s]:%u", ipaddr_str(addr, buf), b->g.listen_port);
	return 0;
}

void listen_close(struct bgp *b)
{
	if (b->lfd < 0)
		return;
	ev_io_stop(b->loop, &b->lio);
	close(b->lfd);
	b->lfd = -1;
}
