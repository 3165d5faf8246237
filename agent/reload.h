/* SPDX-License-Identifier: Apache-2.0 */
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


/* Read d->cfg.path again and apply it. 0 when applied (a summary in msg), -1 when rejected (the
 * reasons in msg, each logged with FILE:LINE where it has one). */
int reload_config(struct daemon *d, char *msg, size_t msglen);
/* Free what reload left pending (timers included). */
void reload_free(struct daemon *d);

#endif
