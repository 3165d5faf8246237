/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner and the kernel's copy of its state: reconcile dumps, entries deleted behind evpnd's
 * back, and the sweep at initial convergence. Part of the owner (macs.h).
 */
#ifndef EVPND_EVPN_MACS_SYNC_H
#define EVPND_EVPN_MACS_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macs_state.h"
#include "nl.h"

/* A dump is starting: every entry loses its SEEN mark. Until it ends, an entry that an event or
 * a request touches is settled: the dump's (older) report of it is ignored. Without remote, the
 * dump reads only the bridge ports (a start by record): remote entries are neither marked nor
 * found missing at its end. */
void macs_dump_begin(struct macs *m, bool remote);
/* A dumped remote MAC entry (rc_classify RC_MAC) of v's VXLAN device. */
void macs_dump_entry(struct macs *m, struct vni *v, const struct nl_fdb *f);
/* A dumped bridge entry (anything but a VXLAN device's own): a local MAC, unless settled. */
void macs_local_dumped(struct macs *m, const struct nl_fdb *f);
/* The dump ended: put back what the kernel lacks, forget local MACs it no longer has. */
void macs_dump_end(struct macs *m);
/* The dump failed part way: keep the tables as they are (nothing re-added, nothing forgotten). */
void macs_dump_abort(struct macs *m);

/* A remote MAC entry of v's VXLAN device was deleted outside a dump: put ours back (macs_put_back). */
void macs_kernel_deleted(struct macs *m, struct vni *v, const struct nl_fdb *f);
/* Put back the deleted entries still wanted, on devices that still exist (run once per loop
 * iteration: a device being deleted flushes its FDB before its deletion is reported). */
void macs_put_back(struct macs *m);
/* Whether entries wait to be put back. */
bool macs_lost_pending(const struct macs *m);
/* Whether a deleted entry could not be recorded since the last call (memory): dump to find it. */
bool macs_take_lost_oom(struct macs *m);
/* Whether a remote MAC entry (okey, mac) is installed or adopted. */
bool macs_remote_has(const struct macs *m, int okey, const uint8_t mac[6]);
/* Call cb for every remote MAC entry installed or adopted (the record's rewrite, krecord.h). */
void macs_remote_walk(struct macs *m, void (*cb)(void *ctx, int okey, const uint8_t mac[6]),
		      void *ctx);
/* The next remote MAC entry from position *pos on (a walk paused between calls: mac_tab_next, which
 * may skip or repeat entries when the table changes meanwhile). False at the end. */
bool macs_remote_next(const struct macs *m, size_t *pos, int *okey, uint8_t mac[6]);
/* Make room for n remote MAC entries at once (a restart that knows how many to expect). */
int macs_remote_reserve(struct macs *m, size_t n);
/* The remote table's layout: a paused walk (macs_remote_next) starts again when it changes (a
 * growth moves entries). */
unsigned macs_remote_layout(const struct macs *m);
/* Remote MAC entries installed or adopted. */
size_t macs_remote_count(const struct macs *m);
/* Initial convergence: remove adopted entries (MACs and ARP/ND entries) no route justified.
 * Returns the MAC entries removed. */
size_t macs_converged(struct macs *m);

#endif
