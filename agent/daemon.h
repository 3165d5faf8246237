/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's state, shared by main.c and reload.c: config, loop, speaker, engine, sockets. */
#ifndef EVPND_AGENT_DAEMON_H
#define EVPND_AGENT_DAEMON_H

#include "bgp.h"
#include "config.h"
#include "control.h"
#include "metrics.h"

struct control;
struct engine;
struct metrics_http;
struct reload;

#ifndef EVPND_VERSION
#define EVPND_VERSION "0.1.0" /* keep in step with project() in CMakeLists.txt */
#endif

struct daemon {
	struct config cfg;
	struct ev_loop *loop;
	struct bgp *bgp;
	struct control *ctl;
	struct engine *engine;    /* the kernel side (NULL before it starts) */
	const char *sock_arg;     /* -s SOCKET: wins over control-socket at every reload too */
	bool log_level_arg;       /* -d / -l given: a reload leaves the log level alone */
	struct reload *reload;    /* reload.h: what a reload left to finish (NULL: nothing) */
	struct metrics_http *metrics; /* [global] metrics-listen (NULL: off) */
	struct control_env ctl_env;   /* what the control socket serves */
	struct metrics_src metrics_src; /* what the metrics come from */
};

#endif
