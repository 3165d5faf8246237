/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The watch replay window: the last best-path changes, each rendered once as its event line, in
 * sequence order, bounded in bytes. Every watcher reads it through its own cursor (a sequence
 * number), so N watchers cost one copy of the events, not N, and a watcher that stops reading
 * costs nothing here: when the window has moved past its cursor it is told so (lagged).
 */
#ifndef EVPND_CONTROL_WATCH_LOG_H
#define EVPND_CONTROL_WATCH_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wlog;

#define WREC_PEER 0x01      /* the new best path (or the withdrawn one) came from a neighbor */
#define WREC_WITHDRAW 0x02  /* no path left */
#define WREC_HAS_VNI 0x04   /* vni is known */

/* One change as stored: what filters need (family, source, VNI, the NLRI), and its event line. */
struct wlog_rec {
	uint64_t seq;
	uint8_t fam;
	uint8_t flags;        /* WREC_* */
	uint32_t vni;
	const uint8_t *nlri;
	size_t nlri_len;
	const char *line;     /* the event, newline included */
	size_t line_len;
};

/* An empty window of at most max_bytes (at least one record is always kept). NULL on ENOMEM. */
struct wlog *wlog_new(size_t max_bytes);
void wlog_free(struct wlog *l);
/* The sequence number the next append gets (1 for the first). */
uint64_t wlog_next_seq(const struct wlog *l);
/* Store r (r->seq is ignored: it gets wlog_next_seq) and drop the oldest records beyond the
 * window. -1 on ENOMEM: the sequence number is used up and every record before it is dropped, so
 * watchers behind it are told they lagged rather than miss it silently. */
int wlog_append(struct wlog *l, const struct wlog_rec *r);
/* The record with sequence number seq (pointers valid until the next append): 0; 1 when seq is
 * not yet assigned; -1 when it has left the window. */
int wlog_get(const struct wlog *l, uint64_t seq, struct wlog_rec *out);
/* The oldest sequence number still held (wlog_next_seq when empty). */
uint64_t wlog_first_seq(const struct wlog *l);
/* Bytes held (records and index) and the window's size; set_max applies a new size (reload). */
size_t wlog_bytes(const struct wlog *l);
void wlog_set_max(struct wlog *l, size_t max_bytes);

#endif
