/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner: the only code that reads and decides across everything evpnd knows of one
 * (VNI, MAC): its presence on a local bridge port (learned or static), the remote routes that claim
 * it, the entry installed in the kernel, its mobility sequence, duplicate detection and stickiness
 * (RFC 7432 section 15), and its MAC+IP bindings (ARP/ND suppression and snooping, section 10).
 * Everyone else hands it events and it carries out what it decides through kreq.h (the kernel)
 * and advertise.h (the RIB). The decisions themselves are pure functions (mobility.h, reconcile.h).
 *
 * Its state is in compact tables, each keyed as the kernel or EVPN keys it (vni.h: okey, lkey):
 * local MACs (lkey, MAC) and installed remote MACs (okey, MAC) in 20-byte slots (mac_tab.h), the few
 * MACs that moved or are contested in the mobility side table (mob_tab.h), MAC+IP bindings by
 * (bridge, IP) (neigh_tab.h). One (VNI, MAC) is loaded into a struct mob_view, decided, stored.
 */
#ifndef EVPND_EVPN_MACS_H
#define EVPND_EVPN_MACS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macs_state.h"
#include "nl.h"
#include "types.h"

struct attrs;
struct evpn_route;
struct mac_ent;
struct vni;

/* The local-table key of a bridge FDB entry evpnd would learn as a local MAC (a bridge port's
 * unicast entry, not extern_learn, not on a VXLAN port), 0 for any other entry. */
int macs_local_key(const struct macs *m, const struct nl_fdb *f);
/* A bridge FDB event (or dump entry) that is not a VXLAN device's own entry. */
void macs_local_fdb(struct macs *m, const struct nl_fdb *f, bool deleted);
/* A type-2 route's best path changed (a NULL: withdrawn; remote false: the best is our own). */
void macs_route(struct macs *m, const struct evpn_route *r, const struct attrs *a, bool remote);
/* The hash of a route distinguisher (8 bytes) that names a route's claim on a MAC; never 0. */
uint32_t macs_rd_hash(const uint8_t rd[8]);
/* VNI table transitions (vni.h): attach installs what the RIB wants, detach forgets (and removes
 * while the device exists), activate advertises the VNI's local MACs, deactivate withdraws them. */
void macs_vni_attach(struct macs *m, struct vni *v);
void macs_vni_detach(struct macs *m, struct vni *v);
void macs_vni_activate(struct macs *m, struct vni *v);
void macs_vni_deactivate(struct macs *m, struct vni *v);
/* v's RD or export route targets changed (reload): advertise its local routes again. */
void macs_vni_readvertise(struct macs *m, struct vni *v);
/* Duplicate address detection: recover duplicates (vni 0: all VNIs; mac NULL: all MACs) and
 * decide them again; returns how many recovered. */
size_t macs_dad_recover(struct macs *m, uint32_t vni, const uint8_t *mac);
/* Recover those whose dad-recovery time has come and forget idle records (once a second while
 * there are records; the owner keeps its own timer when it has a loop). */
void macs_dad_tick(struct macs *m);

/* ---- for macs_sync.c ---- */

/* The local MAC (v, mac) left (already removed from the local table): install the best remote
 * claim it held back, if any, and forget its local record. */
void macs_local_gone(struct macs *m, struct vni *v, const uint8_t mac[6]);
/* Withdraw local MAC e's route if advertised (and its MAC+IP routes); e stays in the table. */
void macs_local_withdraw(struct macs *m, struct mac_ent *e);

#endif
