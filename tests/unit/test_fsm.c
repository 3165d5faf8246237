/* SPDX-License-Identifier: Apache-2.0 */
/* The RFC 4271 FSM as a table: every (state, event) pair, the happy paths, collision resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "peer.h"

#define ERR (A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_BACKOFF)
#define DROP (A_CLOSE | A_TIMERS_STOP | A_BACKOFF)
#define TO_OPENSENT (A_SEND_OPEN | A_HOLD_LARGE | A_RETRY_STOP)
#define NOSESS (A_CLOSE | A_RETRY_STOP | A_BACKOFF)

struct row {
	enum fsm_state s;
	enum fsm_event e;
	enum fsm_state next;
	uint32_t actions;
};

/* Every pair for an active (connecting) neighbor. */
static const struct row active_table[] = {
	{ ST_IDLE, EV_START, ST_CONNECT, A_CONNECT | A_RETRY_TIMER },
	{ ST_IDLE, EV_STOP, ST_IDLE, A_RETRY_STOP },
	{ ST_IDLE, EV_TCP_CONNECTED, ST_IDLE, A_CLOSE },
	{ ST_IDLE, EV_TCP_ACCEPTED, ST_IDLE, A_CLOSE },
	{ ST_IDLE, EV_TCP_FAILED, ST_IDLE, 0 },
	{ ST_IDLE, EV_CONNECT_RETRY, ST_IDLE, 0 },
	{ ST_IDLE, EV_HOLD_EXPIRED, ST_IDLE, 0 },
	{ ST_IDLE, EV_KEEPALIVE_TIMER, ST_IDLE, 0 },
	{ ST_IDLE, EV_OPEN_OK, ST_IDLE, 0 },
	{ ST_IDLE, EV_OPEN_BAD, ST_IDLE, 0 },
	{ ST_IDLE, EV_KEEPALIVE, ST_IDLE, 0 },
	{ ST_IDLE, EV_UPDATE, ST_IDLE, 0 },
	{ ST_IDLE, EV_NOTIFICATION, ST_IDLE, 0 },
	{ ST_IDLE, EV_MSG_BAD, ST_IDLE, 0 },
	{ ST_IDLE, EV_COLLISION, ST_IDLE, 0 },

	{ ST_CONNECT, EV_START, ST_CONNECT, 0 },
	{ ST_CONNECT, EV_STOP, ST_IDLE, A_CLOSE | A_RETRY_STOP },
	{ ST_CONNECT, EV_TCP_CONNECTED, ST_OPENSENT, TO_OPENSENT },
	{ ST_CONNECT, EV_TCP_ACCEPTED, ST_OPENSENT, TO_OPENSENT },
	{ ST_CONNECT, EV_TCP_FAILED, ST_ACTIVE, A_CLOSE | A_RETRY_TIMER },
	{ ST_CONNECT, EV_CONNECT_RETRY, ST_CONNECT, A_CLOSE | A_CONNECT | A_RETRY_TIMER },
	{ ST_CONNECT, EV_HOLD_EXPIRED, ST_CONNECT, 0 },
	{ ST_CONNECT, EV_KEEPALIVE_TIMER, ST_CONNECT, 0 },
	{ ST_CONNECT, EV_OPEN_OK, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_OPEN_BAD, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_KEEPALIVE, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_UPDATE, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_NOTIFICATION, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_MSG_BAD, ST_IDLE, NOSESS },
	{ ST_CONNECT, EV_COLLISION, ST_IDLE, A_CLOSE | A_RETRY_STOP },

	{ ST_ACTIVE, EV_START, ST_ACTIVE, 0 },
	{ ST_ACTIVE, EV_STOP, ST_IDLE, A_CLOSE | A_RETRY_STOP },
	{ ST_ACTIVE, EV_TCP_CONNECTED, ST_OPENSENT, TO_OPENSENT },
	{ ST_ACTIVE, EV_TCP_ACCEPTED, ST_OPENSENT, TO_OPENSENT },
	{ ST_ACTIVE, EV_TCP_FAILED, ST_ACTIVE, A_CLOSE | A_RETRY_TIMER },
	{ ST_ACTIVE, EV_CONNECT_RETRY, ST_CONNECT, A_CONNECT | A_RETRY_TIMER },
	{ ST_ACTIVE, EV_HOLD_EXPIRED, ST_ACTIVE, 0 },
	{ ST_ACTIVE, EV_KEEPALIVE_TIMER, ST_ACTIVE, 0 },
	{ ST_ACTIVE, EV_OPEN_OK, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_OPEN_BAD, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_KEEPALIVE, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_UPDATE, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_NOTIFICATION, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_MSG_BAD, ST_IDLE, NOSESS },
	{ ST_ACTIVE, EV_COLLISION, ST_IDLE, A_CLOSE | A_RETRY_STOP },

	{ ST_OPENSENT, EV_START, ST_OPENSENT, 0 },
	{ ST_OPENSENT, EV_STOP, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_RETRY_STOP },
	{ ST_OPENSENT, EV_TCP_CONNECTED, ST_OPENSENT, 0 },
	{ ST_OPENSENT, EV_TCP_ACCEPTED, ST_OPENSENT, 0 },
	{ ST_OPENSENT, EV_TCP_FAILED, ST_IDLE, DROP },
	{ ST_OPENSENT, EV_CONNECT_RETRY, ST_OPENSENT, 0 },
	{ ST_OPENSENT, EV_HOLD_EXPIRED, ST_IDLE, ERR },
	{ ST_OPENSENT, EV_KEEPALIVE_TIMER, ST_OPENSENT, 0 },
	{ ST_OPENSENT, EV_OPEN_OK, ST_OPENCONFIRM, A_SEND_KEEPALIVE | A_HOLD_NEG | A_KEEPALIVE_START },
	{ ST_OPENSENT, EV_OPEN_BAD, ST_IDLE, ERR },
	{ ST_OPENSENT, EV_KEEPALIVE, ST_IDLE, ERR },
	{ ST_OPENSENT, EV_UPDATE, ST_IDLE, ERR },
	{ ST_OPENSENT, EV_NOTIFICATION, ST_IDLE, DROP },
	{ ST_OPENSENT, EV_MSG_BAD, ST_IDLE, ERR },
	{ ST_OPENSENT, EV_COLLISION, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP },

	{ ST_OPENCONFIRM, EV_START, ST_OPENCONFIRM, 0 },
	{ ST_OPENCONFIRM, EV_STOP, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_RETRY_STOP },
	{ ST_OPENCONFIRM, EV_TCP_CONNECTED, ST_OPENCONFIRM, 0 },
	{ ST_OPENCONFIRM, EV_TCP_ACCEPTED, ST_OPENCONFIRM, 0 },
	{ ST_OPENCONFIRM, EV_TCP_FAILED, ST_IDLE, DROP },
	{ ST_OPENCONFIRM, EV_CONNECT_RETRY, ST_OPENCONFIRM, 0 },
	{ ST_OPENCONFIRM, EV_HOLD_EXPIRED, ST_IDLE, ERR },
	{ ST_OPENCONFIRM, EV_KEEPALIVE_TIMER, ST_OPENCONFIRM, A_SEND_KEEPALIVE | A_KEEPALIVE_START },
	{ ST_OPENCONFIRM, EV_OPEN_OK, ST_IDLE, ERR },
	{ ST_OPENCONFIRM, EV_OPEN_BAD, ST_IDLE, ERR },
	{ ST_OPENCONFIRM, EV_KEEPALIVE, ST_ESTABLISHED, A_HOLD_NEG | A_ESTABLISHED },
	{ ST_OPENCONFIRM, EV_UPDATE, ST_IDLE, ERR },
	{ ST_OPENCONFIRM, EV_NOTIFICATION, ST_IDLE, DROP },
	{ ST_OPENCONFIRM, EV_MSG_BAD, ST_IDLE, ERR },
	{ ST_OPENCONFIRM, EV_COLLISION, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP },

	{ ST_ESTABLISHED, EV_START, ST_ESTABLISHED, 0 },
	{ ST_ESTABLISHED, EV_STOP, ST_IDLE,
	  A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_RETRY_STOP | A_DOWN },
	{ ST_ESTABLISHED, EV_TCP_CONNECTED, ST_ESTABLISHED, 0 },
	{ ST_ESTABLISHED, EV_TCP_ACCEPTED, ST_ESTABLISHED, 0 },
	{ ST_ESTABLISHED, EV_TCP_FAILED, ST_IDLE, DROP | A_DOWN },
	{ ST_ESTABLISHED, EV_CONNECT_RETRY, ST_ESTABLISHED, 0 },
	{ ST_ESTABLISHED, EV_HOLD_EXPIRED, ST_IDLE, ERR | A_DOWN },
	{ ST_ESTABLISHED, EV_KEEPALIVE_TIMER, ST_ESTABLISHED, A_SEND_KEEPALIVE | A_KEEPALIVE_START },
	{ ST_ESTABLISHED, EV_OPEN_OK, ST_IDLE, ERR | A_DOWN },
	{ ST_ESTABLISHED, EV_OPEN_BAD, ST_IDLE, ERR | A_DOWN },
	{ ST_ESTABLISHED, EV_KEEPALIVE, ST_ESTABLISHED, A_HOLD_NEG },
	{ ST_ESTABLISHED, EV_UPDATE, ST_ESTABLISHED, A_HOLD_NEG | A_PROCESS_UPDATE },
	{ ST_ESTABLISHED, EV_NOTIFICATION, ST_IDLE, DROP | A_DOWN },
	{ ST_ESTABLISHED, EV_MSG_BAD, ST_IDLE, ERR | A_DOWN },
	{ ST_ESTABLISHED, EV_COLLISION, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_TIMERS_STOP | A_DOWN },
};

#define NSTATES (ST_ESTABLISHED + 1)
#define NEVENTS (EV_COLLISION + 1)

static void test_every_pair(void **state)
{
	bool seen[NSTATES][NEVENTS];

	memset(seen, 0, sizeof seen);
	for (size_t i = 0; i < sizeof active_table / sizeof active_table[0]; i++) {
		const struct row *r = &active_table[i];
		struct fsm_step s = fsm_step(r->s, r->e, false);
		if (s.next != r->next || s.actions != r->actions)
			fail_msg("%s + %s: got %s 0x%x, want %s 0x%x", fsm_state_name(r->s),
				 fsm_event_name(r->e), fsm_state_name(s.next), s.actions,
				 fsm_state_name(r->next), r->actions);
		seen[r->s][r->e] = true;
	}
	/* the table covers the whole product, so no pair goes unspecified */
	for (int s = 0; s < NSTATES; s++)
		for (int e = 0; e < NEVENTS; e++)
			if (!seen[s][e])
				fail_msg("no row for %s + %s", fsm_state_name(s), fsm_event_name(e));
}

/* Passive neighbors never connect; every other decision is the same. */
static void test_passive_never_connects(void **state)
{
	struct fsm_step s = fsm_step(ST_IDLE, EV_START, true);
	assert_int_equal(s.next, ST_ACTIVE);
	assert_int_equal(s.actions, 0);

	s = fsm_step(ST_ACTIVE, EV_CONNECT_RETRY, true);
	assert_int_equal(s.next, ST_ACTIVE);
	assert_int_equal(s.actions, 0);

	for (size_t i = 0; i < sizeof active_table / sizeof active_table[0]; i++) {
		const struct row *r = &active_table[i];
		if (r->e == EV_START || r->e == EV_CONNECT_RETRY)
			continue;
		s = fsm_step(r->s, r->e, true);
		assert_int_equal(s.next, r->next);
		assert_int_equal(s.actions, r->actions);
		assert_false(s.actions & A_CONNECT);
	}
}

static void run(enum fsm_state *st, enum fsm_event e, bool passive, enum fsm_state want,
		uint32_t must)
{
	struct fsm_step s = fsm_step(*st, e, passive);
	assert_int_equal(s.next, want);
	assert_int_equal(s.actions & must, must);
	*st = s.next;
}

static void test_happy_active(void **state)
{
	enum fsm_state st = ST_IDLE;

	run(&st, EV_START, false, ST_CONNECT, A_CONNECT | A_RETRY_TIMER);
	run(&st, EV_TCP_FAILED, false, ST_ACTIVE, A_RETRY_TIMER);
	run(&st, EV_CONNECT_RETRY, false, ST_CONNECT, A_CONNECT);
	run(&st, EV_TCP_CONNECTED, false, ST_OPENSENT, A_SEND_OPEN | A_HOLD_LARGE);
	run(&st, EV_OPEN_OK, false, ST_OPENCONFIRM, A_SEND_KEEPALIVE | A_HOLD_NEG);
	run(&st, EV_KEEPALIVE, false, ST_ESTABLISHED, A_ESTABLISHED);
	run(&st, EV_UPDATE, false, ST_ESTABLISHED, A_PROCESS_UPDATE);
	run(&st, EV_KEEPALIVE_TIMER, false, ST_ESTABLISHED, A_SEND_KEEPALIVE);
	run(&st, EV_NOTIFICATION, false, ST_IDLE, A_CLOSE | A_DOWN);
}

static void test_happy_passive(void **state)
{
	enum fsm_state st = ST_IDLE;

	run(&st, EV_START, true, ST_ACTIVE, 0);
	run(&st, EV_TCP_ACCEPTED, true, ST_OPENSENT, A_SEND_OPEN | A_HOLD_LARGE);
	run(&st, EV_OPEN_OK, true, ST_OPENCONFIRM, A_SEND_KEEPALIVE | A_KEEPALIVE_START);
	run(&st, EV_KEEPALIVE, true, ST_ESTABLISHED, A_HOLD_NEG | A_ESTABLISHED);
	run(&st, EV_STOP, true, ST_IDLE, A_SEND_NOTIFY | A_CLOSE | A_DOWN);
}

static void test_names(void **state)
{
	assert_string_equal(fsm_state_name(ST_IDLE), "idle");
	assert_string_equal(fsm_state_name(ST_OPENCONFIRM), "openconfirm");
	assert_string_equal(fsm_state_name(ST_ESTABLISHED), "established");
	assert_string_equal(fsm_state_name((enum fsm_state)42), "unknown");
	assert_string_equal(fsm_event_name(EV_HOLD_EXPIRED), "hold-expired");
}

/* RFC 4271 section 6.8 */
static void test_collision(void **state)
{
	const uint32_t lo = 0x0a000001, hi = 0x0a000002;

	/* the other connection has no OPEN yet: nothing to decide */
	assert_int_equal(peer_collision(CONN_IN, ST_CONNECT, false, lo, hi), -1);
	assert_int_equal(peer_collision(CONN_IN, ST_OPENSENT, false, lo, hi), -1);
	/* lower local id: keep the connection the remote initiated, close ours */
	assert_int_equal(peer_collision(CONN_IN, ST_OPENCONFIRM, true, lo, hi), CONN_OUT);
	assert_int_equal(peer_collision(CONN_OUT, ST_OPENCONFIRM, true, lo, hi), CONN_OUT);
	assert_int_equal(peer_collision(CONN_OUT, ST_OPENSENT, true, lo, hi), CONN_OUT);
	/* higher local id: keep ours */
	assert_int_equal(peer_collision(CONN_IN, ST_OPENCONFIRM, true, hi, lo), CONN_IN);
	assert_int_equal(peer_collision(CONN_OUT, ST_OPENCONFIRM, true, hi, lo), CONN_IN);
	/* an established session always stays */
	assert_int_equal(peer_collision(CONN_IN, ST_ESTABLISHED, true, lo, hi), CONN_IN);
	assert_int_equal(peer_collision(CONN_OUT, ST_ESTABLISHED, true, hi, lo), CONN_OUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_passive_never_connects),
		cmocka_unit_test(test_happy_active),
		cmocka_unit_test(test_happy_passive),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_collision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
