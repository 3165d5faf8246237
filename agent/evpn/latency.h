/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Learn-to-install latency: from the moment the RIB selects a remote MAC route as best (the
 * best_changed hook) to the kernel's acknowledgement of the FDB request it caused (nl_hooks.acked).
 * A change that queues no request (the kernel already has the entry) is no sample. Samples wait
 * in a bounded FIFO ordered by request number; when it is full (a bulk sync) new ones are skipped
 * and counted, so memory stays fixed.
 */
#ifndef EVPND_EVPN_LATENCY_H
#define EVPND_EVPN_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define LAT_BUCKETS 13
#define LAT_TRACK_MAX 8192

/* Upper bounds in seconds, 0.0001 .. 1. */
extern const double lat_bounds[LAT_BUCKETS];

struct lat_hist {
	uint64_t b[LAT_BUCKETS + 1];   /* per bucket (not cumulative); [LAT_BUCKETS]: above 1 s */
	double sum;
	uint64_t count;
};

struct lat_pending {
	double t0;                     /* CLOCK_MONOTONIC seconds of the best-path change */
	uint64_t end;                  /* done once every request below end is acknowledged */
};

struct lat_track {
	struct lat_pending *q;         /* ring of LAT_TRACK_MAX, allocated at the first sample */
	size_t head, n;
	uint64_t skipped;              /* samples not taken: FIFO full or out of memory */
	struct lat_hist h;
};

/* Count one observation of s seconds. */
void lat_hist_add(struct lat_hist *h, double s);
/* Seconds of CLOCK_MONOTONIC. */
double lat_now(void);
/* A change at t0 queued requests up to (not including) end. */
void lat_track_start(struct lat_track *t, double t0, uint64_t end);
/* Every request below done is acknowledged at now: observe the samples that completed. */
void lat_track_done(struct lat_track *t, uint64_t done, double now);
/* Free the FIFO (the histogram stays). */
void lat_track_free(struct lat_track *t);

#endif
