/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus text exposition builder (see prom.h). */
#include "prom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX_LABELS 8

void prom_init(struct prom *p)
{
	memset(p, 0, sizeof *p);
}

void prom_free(struct prom *p)
{
	free(p->buf);
	prom_init(p);
}

char *prom_take(struct prom *p, size_t *len)
{
	char *s;

	if (p->oom || !p->buf) {
		if (!p->oom && (p->buf = malloc(1)) != NULL) {
			p->buf[0] = '\0'; /* nothing written: an empty exposition is valid */
		} else {
			prom_free(p);
			return NULL;
		}
	}
	s = p->buf;
	*len = p->len;
	prom_init(p);
	return s;
}

static bool reserve(struct prom *p, size_t more)
{
	if (p->oom)
		return false;
	if (p->len + more + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->len + more + 1)
			cap *= 2;
		char *nb = realloc(p->buf, cap);
		if (!nb) {
			p->oom = true;
			return false;
		}
		p->buf = nb;
		p->cap = cap;
	}
	return true;
}

static void put(struct prom *p, const char *s, size_t n)
{
	if (!reserve(p, n))
		return;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static void puts_(struct prom *p, const char *s)
{
	put(p, s, strlen(s));
}

static void putf(struct prom *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct prom *p, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(p, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The format escapes backslash and newline everywhere, and double quotes in label values. */
static void put_escaped(struct prom *p, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			puts_(p, "\\\\");
		else if (*s == '\n')
			puts_(p, "\\n");
		else if (quote && *s == '"')
			puts_(p, "\\\"");
		else
			put(p, s, 1);
	}
}

void prom_family(struct prom *p, const char *name, const char *type, const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_escaped(p, help, false);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

static void put_head(struct prom *p, const char *name, const char *suffix, const struct prom_label *l,
		     size_t nl)
{
	puts_(p, name);
	puts_(p, suffix);
	if (nl) {
		puts_(p, "{");
		for (size_t i = 0; i < nl; i++) {
			if (i)
				puts_(p, ",");
			puts_(p, l[i].name);
			puts_(p, "=\"");
			put_escaped(p, l[i].value ? l[i].value : "", true);
			puts_(p, "\"");
		}
		puts_(p, "}");
	}
	puts_(p, " ");
}

void prom_u64(struct prom *p, const char *name, const struct prom_label *l, size_t nl, uint64_t v)
{
	put_head(p, name, "", l, nl);
	putf(p, "%llu\n", (unsigned long long)v);
}

static void put_double(struct prom *p, double v)
{
	if (isnan(v))
		puts_(p, "NaN");
	else if (isinf(v))
		puts_(p, v > 0 ? "+Inf" : "-Inf");
	else
		putf(p, "%.9g", v);
}

void prom_double(struct prom *p, const char *name, const struct prom_label *l, size_t nl, double v)
{
	put_head(p, name, "", l, nl);
	put_double(p, v);
	puts_(p, "\n");
}

void prom_histogram(struct prom *p, const char *name, const struct prom_label *l, size_t nl,
		    const double *bounds, const uint64_t *counts, size_t nb, double sum)
{
	struct prom_label bl[PROM_MAX_LABELS + 1];
	char le[32];
	uint64_t cum = 0;

	if (nl > PROM_MAX_LABELS)
		nl = PROM_MAX_LABELS;
	if (nl)
		memcpy(bl, l, nl * sizeof *l);
	bl[nl].name = "le";
	bl[nl].value = le;
	for (size_t i = 0; i <= nb; i++) {
		cum += counts[i];
		if (i < nb)
			snprintf(le, sizeof le, "%.9g", bounds[i]);
		else
			snprintf(le, sizeof le, "+Inf");
		put_head(p, name, "_bucket", bl, nl + 1);
		putf(p, "%llu\n", (unsigned long long)cum);
	}
	put_head(p, name, "_sum", l, nl);
	put_double(p, sum);
	puts_(p, "\n");
	put_head(p, name, "_count", l, nl);
	putf(p, "%llu\n", (unsigned long long)cum);
}
