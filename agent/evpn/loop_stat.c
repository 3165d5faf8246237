/* SPDX-License-Identifier: Apache-2.0 */
/* The loop's busy time per iteration (loop_stat.h). */
#include "loop_stat.h"

#include <time.h>

#include "log.h"

const double loop_stat_bounds[LOOP_STAT_BUCKETS] = { 0.001, 0.005, 0.01, 0.025, 0.05,
						     0.1,   0.25,  0.5,  1.0 };

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

void loop_stat_add(struct loop_stat *ls, double busy, double cpu)
{
	int i = 0;

	while (i < LOOP_STAT_BUCKETS && busy > loop_stat_bounds[i])
		i++;
	ls->bucket[i]++;
	ls->n++;
	ls->sum += busy;
	if (busy > ls->max)
		ls->max = busy;
	if (cpu > ls->max_cpu)
		ls->max_cpu = cpu;
	if (cpu > LOOP_STAT_SLOW)
		ls->over_slow_cpu++;
}

static void on_wake(struct ev_loop *loop, ev_check *w, int revents)
{
	struct loop_stat *ls = w->data;
	(void)loop;
	(void)revents;
	ls->woke = mono();
	ls->woke_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static void on_sleep(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct loop_stat *ls = w->data;
	double now = mono(), busy = now - ls->woke;
	double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - ls->woke_cpu;
	(void)loop;
	(void)revents;

	loop_stat_add(ls, busy, cpu);
	if (busy > LOOP_STAT_SLOW && busy <= LOOP_STAT_WARN) {
		ls->slow_unlogged++;
		if (now - ls->slow_at >= LOOP_STAT_SLOW_EVERY) {
			log_msg(LOG_INFO, "event loop: an iteration took %.0f ms, %.0f ms of it on the CPU "
				"(%llu over %.0f ms since the last such line)%s", busy * 1e3, cpu * 1e3,
				(unsigned long long)ls->slow_unlogged, LOOP_STAT_SLOW * 1e3,
				ls->n == 1 ? ": the start-up" : "");
			ls->slow_at = now;
			ls->slow_unlogged = 0;
		}
	}
	if (busy > LOOP_STAT_WARN && now - ls->warned_at > 60) {
		ls->warned_at = now;
		log_msg(LOG_WARNING, "event loop busy for %.2f s in one iteration: keepalives, events "
			"and control requests waited", busy);
	}
}

void loop_stat_start(struct loop_stat *ls, struct ev_loop *loop)
{
	ls->loop = loop;
	ls->woke = mono();
	ls->woke_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
	ls->warned_at = -1e9;
	ls->slow_at = -1e9;
	ev_check_init(&ls->wake_w, on_wake);
	ev_set_priority(&ls->wake_w, EV_MAXPRI);
	ls->wake_w.data = ls;
	ev_check_start(loop, &ls->wake_w);
	ev_prepare_init(&ls->sleep_w, on_sleep);
	ev_set_priority(&ls->sleep_w, EV_MINPRI);
	ls->sleep_w.data = ls;
	ev_prepare_start(loop, &ls->sleep_w);
}

void loop_stat_stop(struct loop_stat *ls)
{
	if (!ls->loop)
		return;
	ev_check_stop(ls->loop, &ls->wake_w);
	ev_prepare_stop(ls->loop, &ls->sleep_w);
	ls->loop = NULL;
}
