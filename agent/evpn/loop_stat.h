/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How long the event loop is busy between two polls: the figure that says whether evpnd answers
 * keepalives, events and control requests on time. Every iteration's busy time goes into a
 * histogram; the longest is kept, one over LOOP_STAT_WARN seconds is logged as a warning (once a
 * minute) and one over LOOP_STAT_SLOW at info level (at most every LOOP_STAT_SLOW_EVERY seconds,
 * with how many there were since), so a figure in `show status` can be traced in the log.
 * Each iteration's CPU time (the thread's, kernel work in its system calls included) is kept too:
 * on a busy machine a long iteration may be mostly time the scheduler gave others or a kernel
 * lock held by another process, which the two figures side by side tell apart.
 */
#ifndef EVPND_EVPN_LOOP_STAT_H
#define EVPND_EVPN_LOOP_STAT_H

#include <ev.h>
#include <stdint.h>

/* Upper bounds (seconds) of the histogram's buckets; one more bucket counts the rest. */
#define LOOP_STAT_BUCKETS 9
extern const double loop_stat_bounds[LOOP_STAT_BUCKETS];
#define LOOP_STAT_WARN 1.0
#define LOOP_STAT_SLOW 0.05
#define LOOP_STAT_SLOW_EVERY 10.0

struct loop_stat {
	struct ev_loop *loop;
	ev_check wake_w;          /* first after the poll returns */
	ev_prepare sleep_w;       /* last before the loop polls again */
	double woke;              /* CLOCK_MONOTONIC seconds */
	double woke_cpu;          /* CLOCK_THREAD_CPUTIME_ID seconds then */
	double max;               /* the longest iteration so far */
	double max_cpu;           /* the most CPU time one iteration took */
	uint64_t over_slow_cpu;   /* iterations with more than LOOP_STAT_SLOW of CPU time */
	double sum;
	uint64_t n;
	uint64_t bucket[LOOP_STAT_BUCKETS + 1]; /* not cumulative */
	double warned_at;
	double slow_at;           /* when a slow iteration was last logged */
	uint64_t slow_unlogged;   /* slow iterations since */
};

/* Start measuring on loop; the time from now to the first poll counts as an iteration (the
 * start-up's synchronous part). */
void loop_stat_start(struct loop_stat *ls, struct ev_loop *loop);
/* Stop measuring (the figures stay readable). */
void loop_stat_stop(struct loop_stat *ls);
/* Count one iteration of busy seconds, cpu of them on the CPU (what the watchers do; for tests). */
void loop_stat_add(struct loop_stat *ls, double busy, double cpu);

#endif
