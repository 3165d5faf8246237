/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the engine reads the kernel when its FDB is too large to dump (past fdb-dump-limit: a dump's
 * cost grows with the square of the table, docs/kernel-costs.md):
 *   - a restart reads the record of installed entries (krecord.h) instead, and after initial
 *     convergence sweeps the previous run's entries no route wants; the record is rewritten when
 *     it holds twice what the tables do;
 *   - a resync after lost events or refusals asks the kernel for each entry evpnd owns (a GET
 *     each, nl_fdb_probe_async) instead of dumping it all.
 * In both, the bridge ports' local MACs are read by filtered dumps, one per port.
 * Part of the engine (engine.c); no one else calls these.
 */
#ifndef EVPND_EVPN_ENGINE_KREAD_H
#define EVPND_EVPN_ENGINE_KREAD_H

#include <stdbool.h>
#include <stddef.h>

struct engine;

/* Records of the previous run checked per loop iteration by the sweep. */
#define ENGINE_RECORD_SWEEP_STEP 16384
/* Remote MACs written per loop iteration by a rewrite of the record. */
#define ENGINE_RECORD_REWRITE_STEP 65536
/* Seconds before a failed rewrite is tried again. */
#define ENGINE_RECORD_RETRY 60.0

/* Open the record beside the control socket; without one (logged), installs are not recorded
 * and every start dumps the kernel's FDB. */
void engine_record_open(struct engine *e);
/* Whether the start-up reads the kernel by its record (the previous run's record is large). */
bool engine_record_restart(const struct engine *e);
/* Read the local MACs of every bridge port (one filtered dump each), in the background, then
 * done(e, err) as for a full dump. 0, or -1 with errno. */
int engine_record_dump_ports(struct engine *e, void (*done)(void *ctx, int err));
/* Dump every bridge port's entries (the local MACs) in the background, then done(e, err); *n says
 * how many ports. 0, or -1 with errno. */
int engine_dump_ports(struct engine *e, size_t *n, void (*done)(void *ctx, int err));
/* Whether a resync asks for each owned entry instead of dumping (more than fdb-dump-limit). */
bool engine_probe_resync(const struct engine *e);
/* The resync's reading: the bridge ports' dumps, then a GET for every owned remote MAC (their
 * answers through engine_fdb_dumped), then done(e, err); flood entries are re-requested at the
 * end (a request for what is there is silent). 0, or -1 with errno. */
int engine_probe_start(struct engine *e, void (*done)(void *ctx, int err));
/* Initial convergence was reached: remove, a step per loop iteration, the previous run's
 * recorded entries the tables no longer hold. */
void engine_record_sweep_start(struct engine *e);
/* Once per loop iteration: rewrite the record, a step per iteration, when it holds twice what the
 * tables do (started when nothing is in flight or pending: a key dropped while its delete may
 * still fail would be lost; deletes asked meanwhile go to the new file too). */
void engine_record_tick(struct engine *e);
/* Write what is buffered, stop the sweep and close (the file stays for the next run). */
void engine_record_close(struct engine *e);

#endif
