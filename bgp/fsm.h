/* SPDX-License-Identifier: Apache-2.0 */
/* The RFC 4271 section 8 finite state machine as a pure function: state x event -> state + actions.
 * peer.c performs the actions (sockets, timers, messages); this file decides them, and is tested alone. */
#ifndef EVPND_BGP_FSM_H
#define EVPND_BGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

enum fsm_state {
	ST_IDLE = 0,
	ST_CONNECT,
	ST_ACTIVE,
	ST_OPENSENT,
	ST_OPENCONFIRM,
	ST_ESTABLISHED,
};

enum fsm_event {
	EV_START,            /* administrative start (or auto restart after the backoff) */
	EV_STOP,             /* administrative stop */
	EV_TCP_CONNECTED,    /* our outgoing connection completed */
	EV_TCP_ACCEPTED,     /* an incoming connection from this neighbor was accepted */
	EV_TCP_FAILED,       /* connect failed or the connection closed / errored */
	EV_CONNECT_RETRY,    /* ConnectRetryTimer expired */
	EV_HOLD_EXPIRED,
	EV_KEEPALIVE_TIMER,
	EV_OPEN_OK,          /* a valid OPEN was received */
	EV_OPEN_BAD,         /* an invalid OPEN (NOTIFICATION already chosen) */
	EV_KEEPALIVE,
	EV_UPDATE,
	EV_NOTIFICATION,
	EV_MSG_BAD,          /* framing/header/UPDATE error needing a NOTIFICATION */
	EV_COLLISION,        /* this connection lost collision detection (RFC 4271 section 6.8) */
};

/* Actions, as bits. peer.c runs the sends first and A_CLOSE last, so a NOTIFICATION leaves before
 * the socket closes; the timers and session changes in between. */
enum fsm_action {
	A_CLOSE = 1 << 0,           /* close the TCP connection */
	A_CONNECT = 1 << 1,         /* start an outgoing connection */
	A_SEND_OPEN = 1 << 2,
	A_SEND_KEEPALIVE = 1 << 3,
	A_SEND_NOTIFY = 1 << 4,     /* send the NOTIFICATION the caller prepared (or FSM Error) */
	A_RETRY_TIMER = 1 << 5,     /* (re)start ConnectRetryTimer (with backoff) */
	A_RETRY_STOP = 1 << 6,
	A_HOLD_LARGE = 1 << 7,      /* start the hold timer at 4 minutes (OpenSent) */
	A_HOLD_NEG = 1 << 8,        /* (re)start the hold timer with the negotiated value */
	A_KEEPALIVE_START = 1 << 9, /* (re)start the keepalive timer */
	A_TIMERS_STOP = 1 << 10,    /* stop hold and keepalive timers */
	A_ESTABLISHED = 1 << 11,    /* session up: start exporting */
	A_DOWN = 1 << 12,           /* session left Established: drop routes */
	A_BACKOFF = 1 << 13,        /* count a failure: lengthen the next retry interval */
	A_PROCESS_UPDATE = 1 << 14, /* hand the UPDATE to the RIB */
};

struct fsm_step {
	enum fsm_state next;
	uint32_t actions;
};

/* Decide the next state and actions; passive neighbors never get A_CONNECT. */
struct fsm_step fsm_step(enum fsm_state s, enum fsm_event e, bool passive);
/* Lower-case state name as operators read it: "idle", "connect", "active", "opensent", ... */
const char *fsm_state_name(enum fsm_state s);
/* Event name for debug logs. */
const char *fsm_event_name(enum fsm_event e);

#endif
