/* The daemon's state, shared by main.c and the control socket: config, loop, speaker. */
#ifndef EVPND_AGENT_DAEMON_H
#define EVPND_AGENT_DAEMON_H

#include "bgp.h"
#include "config.h"

struct control;
struct glue;

#ifndef EVPND_VERSION
#define EVPND_VERSION "0.1.0" /* keep in step with project() in CMakeLists.txt */
#endif

struct daemon {
	struct config cfg;
	struct ev_loop *loop;
	struct bgp *bgp;
	struct control *ctl;
	struct glue *glue;        /* the kernel side (NULL before it starts) */
};

#endif
