/* SPDX-License-Identifier: Apache-2.0 */
/* The metrics listener (see metrics_http.h). */
#include "metrics_http.h"

#include <errno.h>
#include <ev.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "types.h"
#include "metrics.h"

#define HTTP_CONN_LIMIT 16
#define HTTP_TIMEOUT 10 /* seconds an idle or slow client may hold a connection */

struct metrics_http {
	struct ev_loop *loop;
	const struct metrics_src *src;
	struct MHD_Daemon *mhd;
	ev_io io;
	ev_timer tm;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, char *body,
			     size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct metrics_http *m = cls;
	static char not_found[] = "not found: try /metrics\n";
	static char not_allowed[] = "method not allowed\n";
	size_t len;
	char *s;

	(void)version;
	(void)upload;
	if (!*con_cls) { /* the first call sees the headers only */
		*con_cls = m;
		return MHD_YES;
	}
	if (*upload_size)
		return MHD_NO; /* a GET with a body: not ours */
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
			     sizeof not_allowed - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found, sizeof not_found - 1,
			     MHD_RESPMEM_PERSISTENT);
	s = metrics_text(m->src, &len);
	if (!s)
		return MHD_NO;
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", s, len,
		     MHD_RESPMEM_MUST_FREE);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vmsg(LOG_WARNING, fmt, ap);
}

/* Run MHD, then wake when it next needs to (MHD_get_timeout: a connection's timeout). */
static void pump(struct metrics_http *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	MHD_run(m->mhd);
	ev_timer_stop(m->loop, &m->tm);
	if (MHD_get_timeout(m->mhd, &ms) == MHD_YES) {
		ev_timer_set(&m->tm, (double)ms / 1000.0, 0.);
		ev_timer_start(m->loop, &m->tm);
	}
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

static void tm_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	pump(w->data);
}

struct metrics_http *metrics_http_start(struct ev_loop *loop, const struct metrics_src *src,
					const struct ipaddr *addr,
					uint16_t port)
{
	struct metrics_http *m = calloc(1, sizeof *m);
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	const struct sockaddr *sa;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (!m)
		return NULL;
	m->loop = loop;
	m->src = src;
	if (addr->af == AF_INET6) {
		memset(&s6, 0, sizeof s6);
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(port);
		memcpy(&s6.sin6_addr, addr->a, 16);
		sa = (const struct sockaddr *)&s6;
		flags |= MHD_USE_IPv6;
	} else {
		memset(&s4, 0, sizeof s4);
		s4.sin_family = AF_INET;
		s4.sin_port = htons(port);
		memcpy(&s4.sin_addr, addr->a, 4);
		sa = (const struct sockaddr *)&s4;
	}
	m->mhd = MHD_start_daemon(flags, port, NULL, NULL, on_request, m,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, or MHD warns */
				  MHD_OPTION_SOCK_ADDR, sa,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT,
				  MHD_OPTION_END);
	if (!m->mhd) {
		int e = errno ? errno : EADDRNOTAVAIL;
		free(m);
		errno = e;
		return NULL;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		MHD_stop_daemon(m->mhd);
		free(m);
		errno = ENOTSUP;
		return NULL;
	}
	ev_io_init(&m->io, io_cb, info->epoll_fd, EV_READ);
	m->io.data = m;
	ev_io_start(loop, &m->io);
	ev_init(&m->tm, tm_cb);
	m->tm.data = m;
	return m;
}

void metrics_http_stop(struct metrics_http *m)
{
	if (!m)
		return;
	ev_io_stop(m->loop, &m->io);
	ev_timer_stop(m->loop, &m->tm);
	MHD_stop_daemon(m->mhd);
	free(m);
}
