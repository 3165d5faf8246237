/* SPDX-License-Identifier: Apache-2.0 */
/* Reload, the VNI side: a VNI's RD and route targets changed in the file (agent/reload.h runs it). */
#ifndef EVPND_EVPN_RELOAD_VNI_H
#define EVPND_EVPN_RELOAD_VNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "types.h"

struct engine;

#define RELOAD_SWEEP_DELAY 1.0 /* seconds between a new RD's routes and the old RD's withdrawal */


/* An RD a VNI had before a reload, whose local routes are to be withdrawn. */
struct reload_old_rd {
	uint32_t vni;
	struct rd rd;
};

/* The new configuration is in place (e->cfg): give every VNI whose RD or route targets changed
 * its new ones, advertise its local routes again and re-decide its remote routes. The RDs that
 * were replaced are appended to *old (grown with realloc; *nold counts). Returns how many VNIs
 * changed, or -1 when out of memory for *old. */
int reload_vnis(struct engine *e, struct reload_old_rd **old, size_t *nold);
/* Withdraw the local routes still carrying one of old[0..n) that is not its VNI's current RD.
 * Returns how many. */
size_t reload_sweep_rds(struct engine *e, const struct reload_old_rd *old, size_t n);
/* A VNI's RD and export route targets as the configuration makes them ([vni N] or auto). -1
 * (logged) when they cannot be built. */
int reload_vni_rd_rt(const struct config *cfg, uint32_t vni, struct rd *rd, uint64_t rt[CFG_MAX_RT],
		     uint8_t *nrt);

#endif
