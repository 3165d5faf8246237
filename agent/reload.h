/*
 * Reload (SIGHUP, `evpnctl reload`): the configuration file is read again and what changed is
 * applied without touching what did not. A file that does not load, or that changes a setting
 * only a restart can apply, is rejected whole with its errors and the running configuration stays.
 *  - neighbors: added ones start; removed ones get Cease/Peer De-configured and their routes go;
 *    changed ones: max-routes and max-routes-restart in place, anything else resets that session
 *    (bgp_neighbor_change);
 *  - [vni N] rd, route-target, import-rt, export-rt: the VNI's local routes are advertised again
 *    (a new RD first, the old-RD routes withdrawn RELOAD_SWEEP_DELAY later, so receivers never
 *    see the MAC without a route), and remote routes are installed or removed by the new import
 *    set entry by entry (an entry still wanted is not written);
 *  - dad-*, converge-timeout: taken as they are read; log-level at once (unless -d / -l);
 *  - everything else of [global] (and arp-suppress / arp-snoop anywhere): refused, needs a restart.
 */
#ifndef EVPND_AGENT_RELOAD_H
#define EVPND_AGENT_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "types.h"

struct daemon;
struct glue;

#define RELOAD_SWEEP_DELAY 1.0 /* seconds between a new RD's routes and the old RD's withdrawal */

/* Read d->cfg.path again and apply it. 0 when applied (a summary in msg), -1 when rejected (the
 * reasons in msg, each logged with FILE:LINE where it has one). */
int reload_config(struct daemon *d, char *msg, size_t msglen);
/* Free what reload left pending (timers included). */
void reload_free(struct daemon *d);

/* ---- reload_vni.c: the VNI side, on the glue ---- */

/* An RD a VNI had before a reload, whose local routes are to be withdrawn. */
struct reload_old_rd {
	uint32_t vni;
	struct rd rd;
};

/* The new configuration is in place (g->cfg): give every VNI whose RD or route targets changed
 * its new ones, advertise its local routes again and re-decide its remote routes. The RDs that
 * were replaced are appended to *old (grown with realloc; *nold counts). Returns how many VNIs
 * changed, or -1 when out of memory for *old. */
int reload_vnis(struct glue *g, struct reload_old_rd **old, size_t *nold);
/* Withdraw the local routes still carrying one of old[0..n) that is not its VNI's current RD.
 * Returns how many. */
size_t reload_sweep_rds(struct glue *g, const struct reload_old_rd *old, size_t n);
/* A VNI's RD and export route targets as the configuration makes them ([vni N] or auto). -1
 * (logged) when they cannot be built. */
int reload_vni_rd_rt(const struct config *cfg, uint32_t vni, struct rd *rd, uint64_t rt[CFG_MAX_RT],
		     uint8_t *nrt);

#endif
