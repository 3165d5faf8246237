/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The optional metrics listener ([global] metrics-listen): GET /metrics answered with the
 * exposition of metrics.h, served by libmicrohttpd in its external epoll mode, driven by the daemon's
 * libev loop (one ev_io on MHD's epoll descriptor, one timer for its connection timeouts): no thread,
 * so the text is built on the loop thread like every other read of the daemon's state.
 */
#ifndef EVPND_METRICS_METRICS_HTTP_H
#define EVPND_METRICS_METRICS_HTTP_H

#include <stdint.h>

struct ev_loop;
struct metrics_src;
struct ipaddr;
struct metrics_http;

/* Listen on addr:port and serve src's figures on loop (src is kept, not copied). NULL with errno
 * set (EADDRINUSE, ...) on failure. */
struct metrics_http *metrics_http_start(struct ev_loop *loop, const struct metrics_src *src,
					const struct ipaddr *addr, uint16_t port);
/* Close every connection and the listening socket. */
void metrics_http_stop(struct metrics_http *m);

#endif
