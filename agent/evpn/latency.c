/* SPDX-License-Identifier: Apache-2.0 */
/* Learn-to-install latency histogram and its pending samples (see latency.h). */
#include "latency.h"

#include <stdlib.h>
#include <time.h>

const double lat_bounds[LAT_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
};

void lat_hist_add(struct lat_hist *h, double s)
{
	size_t i = 0;

	if (s < 0)
		s = 0;
	while (i < LAT_BUCKETS && s > lat_bounds[i])
		i++;
	h->b[i]++;
	h->sum += s;
	h->count++;
}

double lat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void lat_track_start(struct lat_track *t, double t0, uint64_t end)
{
	if (!t->q) {
		t->q = malloc(LAT_TRACK_MAX * sizeof *t->q);
		t->head = t->n = 0;
	}
	if (!t->q || t->n == LAT_TRACK_MAX) {
		t->skipped++;
		return;
	}
	struct lat_pending *e = &t->q[(t->head + t->n) % LAT_TRACK_MAX];
	e->t0 = t0;
	e->end = end;
	t->n++;
}

void lat_track_done(struct lat_track *t, uint64_t done, double now)
{
	while (t->n && t->q[t->head].end <= done) {
		lat_hist_add(&t->h, now - t->q[t->head].t0);
		t->head = (t->head + 1) % LAT_TRACK_MAX;
		t->n--;
	}
}

void lat_track_free(struct lat_track *t)
{
	free(t->q);
	t->q = NULL;
	t->head = t->n = 0;
}
