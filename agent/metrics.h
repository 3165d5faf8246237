/* The daemon's metrics in Prometheus text format, for `evpnctl metrics` and the HTTP listener. */
#ifndef EVPND_AGENT_METRICS_H
#define EVPND_AGENT_METRICS_H

#include <stddef.h>

struct daemon;

/* The whole exposition as a malloc'd NUL-terminated string (its length in *len), built from the
 * speaker's and the glue's counters on the loop thread; NULL when memory runs out. Walks the RIB
 * once (routes per family and VNI): O(routes). */
char *metrics_text(struct daemon *d, size_t *len);

#endif
