/*
 * The control socket: a UNIX stream socket (mode 0600; 0660 with [global] control-group, whose
 * members and root alone are served: SO_PEERCRED) speaking line-delimited JSON.
 * Each request is one JSON object on one line, e.g. {"cmd":"show-neighbors"}; each reply is one line
 * {"ok":true,"data":...} or {"ok":false,"error":"..."}. "watch" replies with {"ok":true} and then
 * streams one JSON object per route change until the client closes. See README for every command.
 */
#ifndef EVPND_AGENT_CONTROL_H
#define EVPND_AGENT_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct control;
struct daemon;
struct attrs;
struct ipaddr;

/* Open the socket at path (creating its directory) and serve it on loop. NULL with errno on error. */
struct control *control_open(struct ev_loop *loop, const char *path, struct daemon *d);
/* Close every client and the socket, and unlink it. */
void control_close(struct control *c);
/* Tell every watcher of fam about a best-path change (attrs NULL: withdrawn). */
void control_notify(struct control *c, int fam, const uint8_t *nlri, size_t len,
		    const struct attrs *a, const struct ipaddr *src);

#endif
