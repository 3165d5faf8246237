/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay window (watch_log.h) as a queue of chunks: each holds consecutive records packed in
 * one allocation with an offset per record, so eviction frees whole chunks and finding a sequence
 * number is a binary search over the chunks, then an index.
 */
#include "watch_log.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_DATA (64u << 10)
#define CHUNK_RECS 256

/* A record's header in a chunk's data, followed by the NLRI and the line. */
struct rec_hdr {
	uint32_t line_len;
	uint32_t vni;
	uint16_t nlri_len;
	uint8_t fam;
	uint8_t flags;
};

struct chunk {
	uint64_t first;        /* the sequence number of its first record */
	uint32_t n, used, cap;
	uint32_t off[CHUNK_RECS];
	char data[];
};

struct wlog {
	struct chunk **q;      /* oldest first */
	size_t nq, qcap;
	size_t bytes, max;
	uint64_t next;
};

static size_t chunk_size(const struct chunk *c)
{
	return sizeof *c + c->cap;
}

struct wlog *wlog_new(size_t max_bytes)
{
	struct wlog *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->max = max_bytes;
	l->next = 1;
	return l;
}

void wlog_free(struct wlog *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nq; i++)
		free(l->q[i]);
	free(l->q);
	free(l);
}

uint64_t wlog_next_seq(const struct wlog *l)
{
	return l->next;
}

uint64_t wlog_first_seq(const struct wlog *l)
{
	return l->nq ? l->q[0]->first : l->next;
}

size_t wlog_bytes(const struct wlog *l)
{
	return l->bytes + l->qcap * sizeof *l->q;
}

static void drop_oldest(struct wlog *l)
{
	l->bytes -= chunk_size(l->q[0]);
	free(l->q[0]);
	memmove(l->q, l->q + 1, (l->nq - 1) * sizeof *l->q);
	l->nq--;
}

/* Keep the window: the newest chunk always stays (it holds the latest record). */
static void trim(struct wlog *l)
{
	while (l->nq > 1 && l->bytes > l->max)
		drop_oldest(l);
}

void wlog_set_max(struct wlog *l, size_t max_bytes)
{
	l->max = max_bytes;
	trim(l);
}

static struct chunk *chunk_for(struct wlog *l, size_t need)
{
	struct chunk *c = l->nq ? l->q[l->nq - 1] : NULL;
	size_t cap;

	if (c && c->n < CHUNK_RECS && c->cap - c->used >= need)
		return c;
	if (l->nq == l->qcap) {
		size_t qcap = l->qcap ? l->qcap * 2 : 16;
		struct chunk **q = realloc(l->q, qcap * sizeof *q);
		if (!q)
			return NULL;
		l->q = q;
		l->qcap = qcap;
	}
	cap = need > CHUNK_DATA ? need : CHUNK_DATA;
	c = malloc(sizeof *c + cap);
	if (!c)
		return NULL;
	c->first = l->next;
	c->n = c->used = 0;
	c->cap = (uint32_t)cap;
	l->q[l->nq++] = c;
	l->bytes += chunk_size(c);
	return c;
}

int wlog_append(struct wlog *l, const struct wlog_rec *r)
{
	size_t need = sizeof(struct rec_hdr) + r->nlri_len + r->line_len;
	struct rec_hdr h = {
		.line_len = (uint32_t)r->line_len, .vni = r->vni, .nlri_len = (uint16_t)r->nlri_len,
		.fam = r->fam, .flags = r->flags,
	};
	struct chunk *c;
	char *p;

	need = (need + 7) & ~(size_t)7; /* headers stay aligned */
	c = r->nlri_len <= UINT16_MAX && r->line_len <= UINT32_MAX ? chunk_for(l, need) : NULL;
	if (!c) {
		/* the record is lost: nobody may resume across it */
		while (l->nq)
			drop_oldest(l);
		l->next++;
		return -1;
	}
	p = c->data + c->used;
	memcpy(p, &h, sizeof h);
	memcpy(p + sizeof h, r->nlri, r->nlri_len);
	memcpy(p + sizeof h + r->nlri_len, r->line, r->line_len);
	c->off[c->n++] = c->used;
	c->used += (uint32_t)need;
	l->next++;
	trim(l);
	return 0;
}

int wlog_get(const struct wlog *l, uint64_t seq, struct wlog_rec *out)
{
	size_t lo = 0, hi = l->nq;
	const struct chunk *c;
	struct rec_hdr h;
	const char *p;

	if (seq >= l->next)
		return 1;
	if (!l->nq || seq < l->q[0]->first)
		return -1;
	while (hi - lo > 1) { /* the last chunk whose first <= seq */
		size_t mid = lo + (hi - lo) / 2;
		if (l->q[mid]->first <= seq)
			lo = mid;
		else
			hi = mid;
	}
	c = l->q[lo];
	if (seq - c->first >= c->n)
		return -1; /* a record lost to ENOMEM sits between chunks */
	p = c->data + c->off[seq - c->first];
	memcpy(&h, p, sizeof h);
	out->seq = seq;
	out->fam = h.fam;
	out->flags = h.flags;
	out->vni = h.vni;
	out->nlri = (const uint8_t *)p + sizeof h;
	out->nlri_len = h.nlri_len;
	out->line = p + sizeof h + h.nlri_len;
	out->line_len = h.line_len;
	return 0;
}
