/*
 * The engine and its record of installed entries (krecord.h): the restart that reads the record
 * instead of the kernel's whole FDB, the sweep of the previous run's entries no route wants after
 * initial convergence, and the rewrite that keeps the file near the size of the tables.
 * Part of the engine (engine.c); no one else calls these.
 */
#ifndef EVPND_EVPN_ENGINE_RECORD_H
#define EVPND_EVPN_ENGINE_RECORD_H

#include <stdbool.h>

struct engine;

/* Records of the previous run checked per loop iteration by the sweep. */
#define ENGINE_RECORD_SWEEP_STEP 16384

/* Open the record beside the control socket; without one (logged), installs are not recorded
 * and every start dumps the kernel's FDB. */
void engine_record_open(struct engine *e);
/* Whether the start-up reads the kernel by its record (the previous run's record is large). */
bool engine_record_restart(const struct engine *e);
/* Read the local MACs of every bridge port (one filtered dump each), in the background, then
 * done(e, err) as for a full dump. 0, or -1 with errno. */
int engine_record_dump_ports(struct engine *e, void (*done)(void *ctx, int err));
/* Initial convergence was reached: remove, a step per loop iteration, the previous run's
 * recorded entries the tables no longer hold. */
void engine_record_sweep_start(struct engine *e);
/* Once per loop iteration: rewrite the record when it holds twice what the tables do and nothing
 * is in flight or pending (a key dropped while its delete may still fail would be lost). */
void engine_record_tick(struct engine *e);
/* Write what is buffered, stop the sweep and close (the file stays for the next run). */
void engine_record_close(struct engine *e);

#endif
