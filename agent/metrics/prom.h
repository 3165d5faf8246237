/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A builder of Prometheus text exposition (format 0.0.4): one growing buffer, families announced
 * with HELP and TYPE, label values escaped, histograms written cumulatively with +Inf = count.
 */
#ifndef EVPND_METRICS_PROM_H
#define EVPND_METRICS_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prom {
	char *buf;
	size_t len, cap;
	bool oom;               /* an append failed: prom_take returns NULL */
};

struct prom_label {
	const char *name;       /* [a-zA-Z_][a-zA-Z0-9_]*, not checked */
	const char *value;      /* any bytes: escaped */
};

/* An empty buffer. */
void prom_init(struct prom *p);
/* Free the buffer (after a failure, or instead of prom_take). */
void prom_free(struct prom *p);
/* The NUL-terminated text (caller frees) and its length; NULL when memory ran out (p is freed). */
char *prom_take(struct prom *p, size_t *len);
/* "# HELP name help" and "# TYPE name type" (type: counter, gauge, histogram). */
void prom_family(struct prom *p, const char *name, const char *type, const char *help);
/* One sample line "name{labels} value" (nl labels, may be 0). */
void prom_u64(struct prom *p, const char *name, const struct prom_label *l, size_t nl, uint64_t v);
void prom_double(struct prom *p, const char *name, const struct prom_label *l, size_t nl, double v);
/* A histogram's samples: name_bucket{...,le="b"} cumulative over counts[0..nb) (per-bucket, not
 * cumulative; counts[nb] is above the last bound), le="+Inf" = the total, name_sum, name_count. */
void prom_histogram(struct prom *p, const char *name, const struct prom_label *l, size_t nl,
		    const double *bounds, const uint64_t *counts, size_t nb, double sum);

#endif
