/* SPDX-License-Identifier: Apache-2.0 */
/* Connection sockets: non-blocking connect, framing of the input stream, the output buffer. */
#include "peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bgp_log.h"

socklen_t sockaddr_from_ipaddr(const struct ipaddr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		return sizeof *s4;
	}
	if (a->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		return sizeof *s6;
	}
	return 0;
}

void ipaddr_from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		ipaddr_from_bytes(a, (const uint8_t *)&s4->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			ipaddr_from_bytes(a, (const uint8_t *)&s6->sin6_addr + 12, 4);
		else
			ipaddr_from_bytes(a, (const uint8_t *)&s6->sin6_addr, 16);
	}
}

static void set_error(struct peer *p, const char *what, int err)
{
	snprintf(p->last_error, sizeof p->last_error, "%s: %s", what, strerror(err));
}

size_t conn_backlog(const struct conn *c)
{
	return c->out.len - c->out.off;
}

/* RFC 9687: the configured send hold time, else the larger of 8 minutes and twice the hold time
 * (0: none, when neither side keeps a hold timer). */
static double send_hold_time(const struct conn *c)
{
	const struct peer *p = c->peer;
	if (p->bgp->g.send_hold_time)
		return p->bgp->g.send_hold_time;
	if (!c->hold_time)
		return 0;
	return 2.0 * c->hold_time > SEND_HOLD_MIN ? 2.0 * c->hold_time : SEND_HOLD_MIN;
}

/* The send hold timer runs from the first write that could not finish, restarts at every write
 * that makes progress, and stops when nothing waits. */
static void send_hold_update(struct conn *c, bool progress)
{
	struct ev_loop *loop = c->peer->bgp->loop;
	double t;

	if (c->out.off == c->out.len || c->st != ST_ESTABLISHED || !(t = send_hold_time(c))) {
		ev_timer_stop(loop, &c->send_hold);
		return;
	}
	if (progress || !ev_is_active(&c->send_hold)) {
		ev_timer_set(&c->send_hold, t, 0.);
		ev_timer_start(loop, &c->send_hold);
	}
}

/* One non-blocking write of what is pending. 0 ok (maybe partial), -1 on a socket error. */
static int out_write(struct conn *c)
{
	bool progress = false;

	while (c->out.off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out.off, c->out.len - c->out.off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			send_hold_update(c, progress);
			return 0;
		}
		c->out.off += (size_t)n;
		progress = true;
	}
	c->out.off = c->out.len = 0;
	/* all written: its memory goes back (the next message takes it from malloc again) */
	free(c->out.p);
	c->out.p = NULL;
	c->out.cap = 0;
	send_hold_update(c, true);
	return 0;
}

void conn_push(struct conn *c)
{
	if (c->st == ST_ESTABLISHED && c->out.off < c->out.len)
		(void)out_write(c); /* an error stays for write_cb: the watcher is on while output waits */
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = w->data;

	if (c->st == ST_CONNECT) {
		int err = 0;
		socklen_t sl = sizeof err;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		ev_io_stop(loop, &c->wio);
		if (err) {
			set_error(c->peer, "connect", err);
			bgp_log(LOG_INFO, "peer %s: connect: %s", c->peer->name, strerror(err));
			conn_event(c, EV_TCP_FAILED);
			return;
		}
		ev_io_start(loop, &c->rio);
		conn_event(c, EV_TCP_CONNECTED);
		return;
	}
	if (out_write(c) < 0) {
		set_error(c->peer, "write", errno);
		conn_event(c, EV_TCP_FAILED);
		return;
	}
	if (c->out.off == c->out.len)
		ev_io_stop(loop, &c->wio);
}

/* Keep the start of a message that the read cut (n bytes at from) for the next read: false when
 * there is no memory for it (the session cannot go on without those bytes). */
static bool keep_partial(struct conn *c, const uint8_t *from, size_t n)
{
	if (!n) {
		free(c->in);
		c->in = NULL;
		c->in_len = c->in_cap = 0;
		return true;
	}
	if (c->in_cap < n) {
		/* n is less than a message: one allocation serves every cut message of the session */
		uint8_t *v = realloc(c->in, BGP_MAX_MSG);
		if (!v)
			return false;
		c->in = v;
		c->in_cap = BGP_MAX_MSG;
	}
	memmove(c->in, from, n);
	c->in_len = n;
	return true;
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = w->data;
	struct peer *p = c->peer;
	uint8_t *buf = p->bgp->rbuf;
	size_t off = 0, have = c->in_len;
	ssize_t n;

	n = recv(c->fd, buf + have, CONN_INBUF - have, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n == 0)
			snprintf(p->last_error, sizeof p->last_error, "connection closed by peer");
		else
			set_error(p, "read", errno);
		bgp_log(LOG_INFO, "peer %s: %s", p->name, p->last_error);
		conn_event(c, EV_TCP_FAILED);
		return;
	}
	if (have)
		memcpy(buf, c->in, have); /* the cut message's start, before what this read added */
	have += (size_t)n;
	while (have - off >= BGP_HDR_LEN) {
		uint16_t len;
		uint8_t type;
		struct bgp_err err = { 0 };
		if (msg_check_header(buf + off, &len, &type, &err) < 0) {
			bgp_log(LOG_WARNING, "peer %s: bad message header, sending NOTIFICATION %s/%s",
				p->name, msg_err_code_name(err.code),
				msg_err_subcode_name(err.code, err.subcode));
			c->notify = err;
			conn_event(c, EV_MSG_BAD);
			return;
		}
		if (have - off < len)
			break;
		p->msgs_in++;
		p->msgs_in_type[type < 6 ? type : 0]++;
		/* the handler may close c: touch nothing of it afterwards unless it says it lives */
		if (!conn_handle(c, buf + off, len, type))
			return;
		off += len;
	}
	if (!keep_partial(c, buf + off, have - off)) {
		bgp_log(LOG_ERR, "peer %s: out of memory keeping a partly read message", p->name);
		snprintf(p->last_error, sizeof p->last_error, "out of memory reading");
		conn_event(c, EV_TCP_FAILED);
	}
}

static void hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn *c = w->data;
	int pending = 0;

	/* Our loop may have been busy (a long kernel dump after ENOBUFS) while the neighbor's
	 * KEEPALIVE waited in the socket: read it before declaring the neighbor dead. */
	if (ioctl(c->fd, FIONREAD, &pending) == 0 && pending > 0) {
		ev_timer_set(&c->hold, 1., 0.);
		ev_timer_start(loop, &c->hold);
		ev_feed_event(loop, &c->rio, EV_READ);
		return;
	}

	bgp_log(LOG_WARNING, "peer %s: hold timer expired", c->peer->name);
	snprintf(c->peer->last_error, sizeof c->peer->last_error, "hold timer expired");
	c->notify = (struct bgp_err){ .code = ERR_HOLD };
	conn_event(c, EV_HOLD_EXPIRED);
}

static void send_hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn *c = w->data;
	struct peer *p = c->peer;
	(void)loop;
	(void)revents;

	if (c->out_full) {
		bgp_log(LOG_WARNING, "peer %s: %zu bytes wait for it to read: resetting the session "
			"(Cease, out of resources)", p->name, conn_backlog(c));
		snprintf(p->last_error, sizeof p->last_error, "output backlog over %u MiB",
			 CONN_OUT_MAX >> 20);
		c->notify = (struct bgp_err){ .code = ERR_CEASE, .subcode = ERR_CEASE_RESOURCES };
	} else {
		bgp_log(LOG_WARNING, "peer %s: send hold timer expired: it read nothing for %.0f s "
			"(%zu bytes waiting); resetting the session (RFC 9687)", p->name,
			send_hold_time(c), conn_backlog(c));
		snprintf(p->last_error, sizeof p->last_error, "send hold timer expired");
		c->notify = (struct bgp_err){ .code = ERR_SEND_HOLD };
	}
	conn_event(c, EV_HOLD_EXPIRED);
}

static void ka_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	conn_event(w->data, EV_KEEPALIVE_TIMER);
}

struct conn *conn_new(struct peer *p, int fd, enum conn_dir dir, bool connecting)
{
	struct conn *c = calloc(1, sizeof *c);
	int one = 1;

	if (!c) {
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->peer = p;
	c->fd = fd;
	c->dir = dir;
	c->st = dir == CONN_OUT ? ST_CONNECT : ST_ACTIVE;
	ev_io_init(&c->rio, read_cb, fd, EV_READ);
	ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
	ev_init(&c->hold, hold_cb);
	ev_init(&c->ka, ka_cb);
	ev_init(&c->send_hold, send_hold_cb);
	c->rio.data = c->wio.data = c->hold.data = c->ka.data = c->send_hold.data = c;
	p->conn[dir] = c;
	ev_io_start(p->bgp->loop, connecting ? &c->wio : &c->rio);
	return c;
}

void conn_free(struct conn *c)
{
	struct peer *p = c->peer;
	struct ev_loop *loop = p->bgp->loop;

	if (c->st != ST_CONNECT)
		out_write(c); /* a NOTIFICATION may be waiting; best effort only */
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->hold);
	ev_timer_stop(loop, &c->ka);
	ev_timer_stop(loop, &c->send_hold);
	close(c->fd);
	if (p->conn[c->dir] == c)
		p->conn[c->dir] = NULL;
	if (p->est == c)
		p->est = NULL;
	free(c->out.p);
	free(c->in);
	free(c);
}

void conn_queue(struct conn *c, const uint8_t *msg, size_t len)
{
	struct obuf *o = &c->out;

	if (c->out_full)
		return; /* being reset: the session is out of step with the neighbor anyway */
	if (conn_backlog(c) + len > CONN_OUT_MAX) {
		/* not from inside the caller (the RIB's flush): at the loop's next turn */
		c->out_full = true;
		ev_feed_event(c->peer->bgp->loop, &c->send_hold, EV_TIMER);
		return;
	}

	if (o->off && o->len + len > o->cap) {
		memmove(o->p, o->p + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
	}
	if (o->len + len > o->cap) {
		size_t cap = o->cap ? o->cap : CONN_OUT_FIRST;
		while (cap < o->len + len)
			cap *= 2;
		uint8_t *np = realloc(o->p, cap);
		if (!np) {
			bgp_log(LOG_ERR, "peer %s: out of memory queueing a message", c->peer->name);
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, msg, len);
	o->len += len;
	c->peer->msgs_out++;
	c->peer->msgs_out_type[len > 18 && msg[18] < 6 ? msg[18] : 0]++;
	/* written when the loop polls next: everything queued in one iteration goes in one send */
	if (c->st != ST_CONNECT && !ev_is_active(&c->wio))
		ev_io_start(c->peer->bgp->loop, &c->wio);
}

void conn_reject(int fd, const struct bgp_err *e)
{
	if (e) {
		uint8_t buf[64];
		struct wbuf w;
		wbuf_init(&w, buf, sizeof buf);
		if (msg_notification_encode(&w, e) == 0 && !w.err) {
			ssize_t n = send(fd, buf, w.len, MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)n; /* best effort: the socket is closed either way */
		}
	}
	close(fd);
}

int conn_connect(struct peer *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_ipaddr(&p->cfg.addr, p->cfg.port, &ss);
	int fd = socket(p->cfg.addr.af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || !sl) {
		set_error(p, "socket", fd < 0 ? errno : EAFNOSUPPORT);
		goto fail;
	}
	/* both before connect: the SYN is signed (RFC 2385), and a SYN-ACK from too far is dropped */
	if (p->cfg.password[0] &&
	    sock_md5(fd, &p->cfg.addr, p->cfg.password, p->cfg.addr.af == AF_INET6) < 0) {
		set_error(p, "TCP MD5 key", errno);
		goto fail;
	}
	if (p->cfg.ttl_security && sock_gtsm(fd, p->cfg.addr.af) < 0) {
		set_error(p, "ttl-security", errno);
		goto fail;
	}
	if (!p->cfg.ttl_security && peer_ttl(p) && sock_ttl(fd, p->cfg.addr.af, peer_ttl(p)) < 0) {
		set_error(p, "ebgp-multihop TTL", errno);
		goto fail;
	}
	if (p->cfg.local_addr.af) {
		struct sockaddr_storage ls;
		socklen_t ll = sockaddr_from_ipaddr(&p->cfg.local_addr, 0, &ls);
		if (bind(fd, (struct sockaddr *)&ls, ll) < 0) {
			set_error(p, "bind", errno);
			goto fail;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		set_error(p, "connect", errno);
		goto fail;
	}
	/* completion (or failure) is reported by writability */
	return conn_new(p, fd, CONN_OUT, true) ? 0 : -1;
fail:
	bgp_log(LOG_INFO, "peer %s: %s", p->name, p->last_error);
	if (fd >= 0)
		close(fd);
	return -1;
}
