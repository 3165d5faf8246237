/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket: a UNIX stream socket (mode 0600; 0660 with [global] control-group, whose
 * members and root alone are served: SO_PEERCRED) speaking line-delimited JSON.
 * Each request is one JSON object on one line, e.g. {"cmd":"show-neighbors"}; each reply is one line
 * {"ok":true,"data":...} or {"ok":false,"error":"..."}. "watch" replies, then streams a snapshot
 * and every change (watch.c) until the client closes. docs/control-protocol.md has every command.
 */
#ifndef EVPND_CONTROL_CONTROL_H
#define EVPND_CONTROL_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct control;
struct attrs;
struct bgp;
struct config;
struct engine;
struct ipaddr;

/* What the control socket serves, lent by the daemon for as long as the socket is open. */
struct control_env {
	struct bgp *bgp;
	struct engine *engine;         /* NULL: evpnd runs without the kernel side */
	const struct config *cfg;      /* the running configuration (a reload replaces it in place) */
	/* the daemon's reload (SIGHUP's): 0 when applied (a summary in msg), -1 when refused (the
	 * reasons in msg); NULL: reload is not offered */
	int (*reload)(void *ctx, char *msg, size_t msglen);
	void *ctx;
};

/* Open the socket at path (creating its directory) and serve env on loop (env is kept, not
 * copied). NULL with errno on error. */
struct control *control_open(struct ev_loop *loop, const char *path, const struct control_env *env);
/* Close every client and the socket, and unlink it. */
void control_close(struct control *c);
/* What show-status says about the control socket. */
struct control_status {
	unsigned clients, watchers;
	uint64_t watch_lagged;        /* fresh snapshots sent to watchers that fell behind */
	size_t window_bytes;          /* the replay window's memory */
	uint64_t window_events, last_seq;
	size_t ephemeral_keys;
};
void control_status(const struct control *c, struct control_status *st);
/* Record a best-path change for the watchers (attrs NULL: withdrawn); src NULL for local routes. */
void control_notify(struct control *c, int fam, const uint8_t *nlri, size_t len,
		    const struct attrs *a, const struct ipaddr *src);

#endif
