/* SPDX-License-Identifier: Apache-2.0 */
/* The listening socket: accept, match the source to a configured neighbor, refuse the rest. */
#define _GNU_SOURCE /* accept4 */
#include "peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
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

/* GTSM (RFC 5082) for an accepted connection: the SYN must have come with TTL 255 (IP_MINTTL set
 * on the socket after accept would let an OPEN already queued through), later segments too. */
static bool gtsm_accept_ok(struct peer *p, int fd, int af, int ttl)
{
	uint32_t held;
	char why[80];

	if (ttl >= 0 && ttl < 255)
		snprintf(why, sizeof why, "SYN arrived with TTL %d, 255 required", ttl);
	else if (sock_gtsm(fd, af) < 0)
		snprintf(why, sizeof why, "cannot set the minimum TTL: %s", strerror(errno));
	else
		return true;
	if (ratelim_ok(&p->errlog, bgp_mono_now(), REMOTE_ERR_LOG_INTERVAL, &held))
		bgp_log(LOG_WARNING, "peer %s: connection refused by ttl-security: %s%s", p->name, why,
			held ? " (and earlier attempts)" : "");
	snprintf(p->last_error, sizeof p->last_error, "ttl-security: %s", why);
	close(fd);
	return false;
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct bgp *b = w->data;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct ipaddr a;
		struct peer *p;
		int ttl;
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
		/* read the saved SYN for every connection: reading it frees it */
		ttl = sock_syn_ttl(fd);
		if (p->cfg.ttl_security && !gtsm_accept_ok(p, fd, ss.ss_family, ttl))
			continue;
		if (!p->cfg.ttl_security && peer_ttl(p))
			sock_ttl(fd, ss.ss_family, peer_ttl(p)); /* as our own connections send */
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
	/* keep each SYN's headers for the GTSM check of its connection (sock_syn_ttl) */
	setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof one);
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
	b->lfd_v6 = addr->af == AF_INET6;
	for (struct peer *p = b->peers; p; p = p->next)
		listen_peer_auth(b, p);
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

int listen_peer_auth(struct bgp *b, const struct peer *p)
{
	char buf[IPADDR_STRLEN];
	int ttl = 255;

	if (b->lfd < 0)
		return 0;
	/* The SYN-ACK leaves with the listener's TTL: a GTSM peer drops anything below 255. Every
	 * accepted connection then starts at 255, which harms no other peer. */
	if (p->cfg.ttl_security) {
		if (b->lfd_v6)
			setsockopt(b->lfd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
		setsockopt(b->lfd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
	}
	if (!p->cfg.password[0])
		return 0;
	if (p->cfg.addr.af == AF_INET6 && !b->lfd_v6)
		return 0; /* never reaches an IPv4 listener */
	if (sock_md5(b->lfd, &p->cfg.addr, p->cfg.password, b->lfd_v6) < 0) {
		bgp_log(LOG_ERR, "peer %s: cannot set the TCP MD5 key on the listening socket: %s",
			ipaddr_str(&p->cfg.addr, buf), strerror(errno));
		return -1;
	}
	return 0;
}
