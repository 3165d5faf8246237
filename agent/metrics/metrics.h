/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's metrics in Prometheus text format, for `evpnctl metrics` and the HTTP listener. */
#ifndef EVPND_METRICS_METRICS_H
#define EVPND_METRICS_METRICS_H

#include <stddef.h>

struct bgp;
struct engine;

/* Where the figures come from (either may be NULL: its families are left out). */
struct metrics_src {
	struct bgp *bgp;
	const struct engine *engine;
};

/* The whole exposition as a malloc'd NUL-terminated string (its length in *len), built from the
 * speaker's and the engine's counters on the loop thread; NULL when memory runs out. O(neighbors +
 * VNIs): the RIB keeps its path counts per VNI, no table is walked. */
char *metrics_text(const struct metrics_src *src, size_t *len);

#endif
