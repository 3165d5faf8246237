/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads of the kernel FDB for the operator (`evpnctl audit`, `show fdb`): in the background, on
 * the socket the engine's own reconcile dumps use, never applied to the tables. One runs at a
 * time. The engine's reconcile comes first: a read asked for during one waits for its end, and a
 * reconcile needed while a read runs takes the socket (the read is told to forget what it got and
 * starts over afterwards). While a read runs, FDB events are passed on as well: an event is newer
 * than any report of the same entry that comes after it (the rule the reconcile follows too), and
 * a read ends only once the events queued until its last reply are taken in, so that what it
 * reports is the kernel as it was at one moment.
 */
#ifndef EVPND_EVPN_ENGINE_READ_H
#define EVPND_EVPN_ENGINE_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "nl.h"

struct engine;

enum engine_read_scope {
	/* every entry the kernel has: a whole dump (its cost grows with the square of the table:
	 * minutes of kernel time at a million MACs, though the loop is never held) */
	ENGINE_READ_ALL,
	/* what evpnd owns and knows: each bridge port's entries (a filtered dump each); no flood
	 * entries, no entries of others on its VXLAN devices. Seconds at a million MACs. */
	ENGINE_READ_OWNED,
};

/* A read: the caller fills the first fields and keeps the struct until done is called or
 * engine_read_cancel returns. */
struct engine_read {
	enum engine_read_scope scope;
	/* an entry the kernel reported (event false) or an event about one (event true; deleted:
	 * the entry went) */
	void (*entry)(void *ctx, const struct nl_fdb *f, bool event, bool deleted);
	/* after the dump(s): whether this half (master: the bridge's; else the VXLAN device's) of an
	 * owned remote MAC is still unknown to the read; each that is, is asked for (a GET): a dump
	 * that changes run through may skip entries (the kernel resumes each reply by counting), and
	 * the owned scope learns them only so. NULL: no GETs (ENGINE_READ_ALL only). */
	bool (*missing)(void *ctx, int okey, const uint8_t mac[6], bool master);
	/* forget every entry so far: the read starts again from the beginning */
	void (*restart)(void *ctx);
	/* the read ended: err 0 when complete, else a positive errno */
	void (*done)(void *ctx, int err);
	void *ctx;
	/* the engine's */
	bool running;          /* its dump or probes are on the socket (else it waits its turn) */
	bool settling;         /* read: the events queued meanwhile are being taken in */
	unsigned settle_turns;
	bool master_next;      /* the GETs: the bridge's half of (okey, mac) comes next */
	int okey;
	uint8_t mac[6];
	size_t pos;            /* ... where the walk of the remote MACs is */
	unsigned layout;       /* ... in which layout (a growth moves entries: start again) */
};

/* Start r (it runs once the engine's own reconcile, if any, has ended). 0, or -1 with errno:
 * ENOTCONN without netlink, EBUSY while another read runs. */
int engine_read_start(struct engine *e, struct engine_read *r);
/* Stop r: no more calls to it. Harmless when it has ended. */
void engine_read_cancel(struct engine *e, struct engine_read *r);

/* Loop turns a complete read waits for the events queued during it (under endless churn the
 * answer is then as of a moment the queue was not empty). */
#define ENGINE_READ_SETTLE_TURNS 256

/* The engine's side (engine.c): start a waiting read when the socket is free, or end a read once
 * the events queued during it are taken in (once per loop iteration); hand it a dumped entry (false: no read is running, the entry is the reconcile's)
 * or an event; make way for a reconcile about to start. */
void engine_read_kick(struct engine *e);
bool engine_read_dumped(struct engine *e, const struct nl_fdb *f);
void engine_read_event(struct engine *e, const struct nl_fdb *f, bool deleted);
void engine_read_yield(struct engine *e);

#endif
