/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record of the remote MACs and flood entries evpnd asked the kernel to install, kept in a
 * file beside the control socket (/run/evpnd/evpnd.fdb for /run/evpnd/evpnd.sock). Each request's
 * key is written before the request leaves (nl_hooks.sending), so after a crash the file names
 * every entry that may be evpnd's. Deletions are not written: a superset is safe (deleting what is
 * already gone costs an ENOENT), a missing key is not. A restart with a large record reads it
 * instead of dumping the kernel's FDB, whose cost grows with the square of its size
 * (docs/kernel-costs.md): the entries to remove are the record's entries the new run does not hold
 * once converged. The engine rewrites the file from its tables when it holds twice what they do.
 * A file from another boot, a damaged header or a failed write means no record: a full dump.
 * This file decides nothing; it stores and reads keys (through the bounded reader, lib/wire.h).
 */
#ifndef EVPND_EVPN_KRECORD_H
#define EVPND_EVPN_KRECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

enum krec_type { KREC_MAC = 1, KREC_FLOOD = 2 };

/* One recorded entry: a remote MAC (okey, mac) or a flood entry (okey, dst). */
struct krec_key {
	uint8_t type;              /* enum krec_type */
	int32_t okey;              /* the owned-table key of its VNI (vni.h) */
	uint8_t mac[6];            /* KREC_MAC */
	struct nl_addr dst;        /* KREC_FLOOD: the VTEP */
};

struct krecord {
	int fd;                    /* -1: no record is kept */
	char path[160];
	uint8_t *buf;              /* keys not yet written */
	size_t len, cap;
	uint64_t nrec;             /* 12-byte slots in the file (an IPv6 flood entry takes two) */
	/* the previous run's records, mapped by krec_open until krec_prev_free (prevmap bytes) */
	const uint8_t *prev;
	size_t prevlen, prevpos, prevmap;
	uint64_t nprev;            /* the previous run's slots (its entries, IPv6 flood ones twice) */
	uint64_t live_prev;        /* the remote MACs the previous run last said it held */
	uint64_t live;             /* what the header says now (krec_set_live) */
	/* a paced rewrite (krec_rewrite_begin): PATH.new being written beside the file */
	int rw_fd;                 /* -1: none */
	uint8_t *rw_buf;
	size_t rw_len, rw_cap;
	uint64_t rw_nrec;
};

/* The record's path for a control socket path: its ".sock" suffix (if any) replaced by ".fdb". */
void krec_path(char *out, size_t outlen, const char *control_socket);
/* Open the record at path: a file from this boot is kept and its records become the previous
 * run's (krec_prev_next); anything else is replaced by an empty record. 0, or -1 with errno (no
 * record is kept: r->fd is -1, every other call does nothing). */
int krec_open(struct krecord *r, const char *path);
/* Write what is buffered and close; the file stays for the next run. */
void krec_close(struct krecord *r);
/* Buffer one key (written by krec_flush, or once 64 KiB are buffered). */
void krec_add(struct krecord *r, const struct krec_key *k);
/* Write the buffered keys. 0, or -1 with errno: the record is then removed and no longer kept
 * (a next start dumps the kernel's FDB instead of trusting an incomplete record). */
int krec_flush(struct krecord *r);
/* Say in the header how many remote MACs the tables hold (written only when it changed): the next
 * start's estimate of its table's size, which the record (with its duplicates) overstates. */
void krec_set_live(struct krecord *r, uint64_t n);
/* The previous run's next record: true and *k, or false at the end (a damaged slot is skipped). */
bool krec_prev_next(struct krecord *r, struct krec_key *k);
/* Forget the previous run's records (after the sweep that needed them). */
void krec_prev_free(struct krecord *r);
/* Replace the file, where it is, by the keys walk gives (walk calls krec_add for each): for when
 * no new file can be made beside it (krec_rewrite_begin said EACCES). 0, or -1 with errno (no
 * record is kept then). */
int krec_rewrite(struct krecord *r, void (*walk)(void *ctx, struct krecord *r), void *ctx);
/* A rewrite paced over loop iterations: PATH.new is opened, and from now on every krec_add goes to
 * it as well as to the file, so whatever krec_rewrite_add does not give it is there anyway. -1 with
 * errno (EACCES: the directory is not ours to write; krec_rewrite rewrites in place then). */
int krec_rewrite_begin(struct krecord *r);
/* A key of the tables for the new file only (also a key being deleted meanwhile: until its delete
 * is done it may be in the kernel, and the new file must stay a superset). */
void krec_rewrite_add(struct krecord *r, const struct krec_key *k);
/* Rename the new file over the old one and go on with it. -1 with errno: the old one stays. */
int krec_rewrite_end(struct krecord *r);
/* Drop the new file (the old one stays, still a superset). */
void krec_rewrite_abort(struct krecord *r);
/* Whether a paced rewrite is running. */
bool krec_rewriting(const struct krecord *r);
/* Decode one record from p (len bytes) into *k: its length (12, or 24 for an IPv6 flood entry), or
 * 0 when damaged or cut short. */
size_t krec_decode(const uint8_t *p, size_t len, struct krec_key *k);

#endif
