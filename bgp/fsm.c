/* SPDX-License-Identifier: Apache-2.0 */
/* The RFC 4271 section 8 state machine, decided without side effects (see fsm.h). */
#include "fsm.h"

#include <stddef.h>

/* A protocol error: NOTIFICATION, close, and count a failure toward the restart backoff. */
#define ERR_ACTS (A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_BACKOFF)
/* The peer closed or reset the connection, or told us why with a NOTIFICATION. */
#define DROP_ACTS (A_CLOSE | A_TIMERS_STOP | A_BACKOFF)

static struct fsm_step to(enum fsm_state s, uint32_t actions)
{
	struct fsm_step r = { s, actions };
	return r;
}

/* Idle refuses connections; only START leaves it (RFC 4271 section 8.2.2, Idle state). */
static struct fsm_step idle(enum fsm_event e, bool passive)
{
	switch (e) {
	case EV_START:
		return passive ? to(ST_ACTIVE, 0) : to(ST_CONNECT, A_CONNECT | A_RETRY_TIMER);
	case EV_STOP:
		return to(ST_IDLE, A_RETRY_STOP);
	case EV_TCP_ACCEPTED:
	case EV_TCP_CONNECTED:
		return to(ST_IDLE, A_CLOSE);
	default:
		return to(ST_IDLE, 0);
	}
}

/* Connect and Active: waiting for a TCP connection, no BGP message can arrive yet. */
static struct fsm_step waiting(enum fsm_state s, enum fsm_event e, bool passive)
{
	switch (e) {
	case EV_START:
	case EV_HOLD_EXPIRED:
	case EV_KEEPALIVE_TIMER:
		return to(s, 0); /* a stale timer or a repeated start */
	case EV_STOP:
		return to(ST_IDLE, A_CLOSE | A_RETRY_STOP);
	case EV_TCP_CONNECTED:
	case EV_TCP_ACCEPTED:
		return to(ST_OPENSENT, A_SEND_OPEN | A_HOLD_LARGE | A_RETRY_STOP);
	case EV_TCP_FAILED:
		return to(ST_ACTIVE, A_CLOSE | A_RETRY_TIMER);
	case EV_CONNECT_RETRY:
		if (passive)
			return to(ST_ACTIVE, 0);
		return to(ST_CONNECT, (s == ST_CONNECT ? A_CLOSE : 0) | A_CONNECT | A_RETRY_TIMER);
	case EV_COLLISION:
		return to(ST_IDLE, A_CLOSE | A_RETRY_STOP);
	default: /* a message without a session */
		return to(ST_IDLE, A_CLOSE | A_RETRY_STOP | A_BACKOFF);
	}
}

/* OpenSent, OpenConfirm and Established: a connection exists and messages flow. */
static struct fsm_step session(enum fsm_state s, enum fsm_event e)
{
	uint32_t down = s == ST_ESTABLISHED ? A_DOWN : 0;

	switch (e) {
	case EV_START:
	case EV_TCP_CONNECTED:
	case EV_TCP_ACCEPTED:
	case EV_CONNECT_RETRY:
		return to(s, 0);
	case EV_STOP:
		return to(ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_RETRY_STOP | down);
	case EV_TCP_FAILED:
	case EV_NOTIFICATION:
		return to(ST_IDLE, DROP_ACTS | down);
	case EV_COLLISION:
		return to(ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | down);
	case EV_HOLD_EXPIRED:
	case EV_OPEN_BAD:
	case EV_MSG_BAD:
		return to(ST_IDLE, ERR_ACTS | down);
	case EV_KEEPALIVE_TIMER:
		if (s == ST_OPENSENT)
			return to(s, 0); /* nothing to keep alive before the OPEN exchange */
		return to(s, A_SEND_KEEPALIVE | A_KEEPALIVE_START);
	case EV_OPEN_OK:
		if (s == ST_OPENSENT)
			return to(ST_OPENCONFIRM, A_SEND_KEEPALIVE | A_HOLD_NEG | A_KEEPALIVE_START);
		return to(ST_IDLE, ERR_ACTS | down); /* a second OPEN: FSM error */
	case EV_KEEPALIVE:
		if (s == ST_OPENCONFIRM)
			return to(ST_ESTABLISHED, A_HOLD_NEG | A_ESTABLISHED);
		if (s == ST_ESTABLISHED)
			return to(s, A_HOLD_NEG);
		return to(ST_IDLE, ERR_ACTS);
	case EV_UPDATE:
		if (s == ST_ESTABLISHED)
			return to(s, A_HOLD_NEG | A_PROCESS_UPDATE);
		return to(ST_IDLE, ERR_ACTS);
	}
	return to(ST_IDLE, ERR_ACTS | down);
}

struct fsm_step fsm_step(enum fsm_state s, enum fsm_event e, bool passive)
{
	struct fsm_step r;

	switch (s) {
	case ST_IDLE:
		return idle(e, passive);
	case ST_CONNECT:
	case ST_ACTIVE:
		r = waiting(s, e, passive);
		break;
	default:
		r = session(s, e);
		break;
	}
	if (passive)
		r.actions &= ~(uint32_t)A_CONNECT;
	return r;
}

const char *fsm_state_name(enum fsm_state s)
{
	static const char *const names[] = {
		[ST_IDLE] = "idle",
		[ST_CONNECT] = "connect",
		[ST_ACTIVE] = "active",
		[ST_OPENSENT] = "opensent",
		[ST_OPENCONFIRM] = "openconfirm",
		[ST_ESTABLISHED] = "established",
	};
	if ((unsigned)s >= sizeof names / sizeof names[0])
		return "unknown";
	return names[s];
}

const char *fsm_event_name(enum fsm_event e)
{
	static const char *const names[] = {
		[EV_START] = "start",
		[EV_STOP] = "stop",
		[EV_TCP_CONNECTED] = "tcp-connected",
		[EV_TCP_ACCEPTED] = "tcp-accepted",
		[EV_TCP_FAILED] = "tcp-failed",
		[EV_CONNECT_RETRY] = "connect-retry",
		[EV_HOLD_EXPIRED] = "hold-expired",
		[EV_KEEPALIVE_TIMER] = "keepalive-timer",
		[EV_OPEN_OK] = "open",
		[EV_OPEN_BAD] = "open-bad",
		[EV_KEEPALIVE] = "keepalive",
		[EV_UPDATE] = "update",
		[EV_NOTIFICATION] = "notification",
		[EV_MSG_BAD] = "msg-bad",
		[EV_COLLISION] = "collision",
	};
	if ((unsigned)e >= sizeof names / sizeof names[0])
		return "unknown";
	return names[e];
}
