/* The daemon's state, shared by main.c and the control socket: config, loop, speaker. */
#ifndef EVPND_AGENT_DAEMON_H
#define EVPND_AGENT_DAEMON_H

#include "bgp.h"
#include "config.h"

struct control;
struct glue;
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
	struct glue *glue;        /* the kernel side (NULL before it starts) */
	const char *sock_arg;     /* -s SOCKET: wins over control-socket at every reload too */
	bool log_level_arg;       /* -d / -l given: a reload leaves the log level alone */
	struct reload *reload;    /* reload.h: what a reload left to finish (NULL: nothing) */
	struct metrics_http *metrics; /* [global] metrics-listen (NULL: off) */
};

#endif
