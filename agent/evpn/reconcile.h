/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reconciliation with the kernel, the pure part: start-up and ENOBUFS go through one path. Before a
 * dump every owned entry loses its SEEN mark; each dumped entry of evpnd's kinds is compared with
 * the owned one; after the dump, owned entries the kernel did not report are put back. Entries
 * evpnd did not know are adopted as STALE until initial convergence (a restart must not disturb
 * traffic: the routes that justify them are still arriving), then removed; a route that wants an
 * adopted entry as it is clears STALE without touching the kernel. The owners of the entries
 * (macs_sync.c, flood.c) carry these verdicts out.
 */
#ifndef EVPND_EVPN_RECONCILE_H
#define EVPND_EVPN_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>

#include "flood_set.h"
#include "mac_tab.h"
#include "nl.h"

enum rc_kind { RC_OTHER, RC_MAC, RC_FLOOD };
enum rc_act {
	RC_KEEP,      /* the kernel has what evpnd wants: leave it alone */
	RC_ADOPT,     /* evpnd's kind of entry, unknown to it: adopt as stale */
	RC_REPLACE,   /* (re)install what evpnd wants */
	RC_DELETE,    /* owned, and nothing justifies it */
	RC_FORGET,    /* a stale entry the kernel no longer has: drop it from the table */
};

/* Is a dumped entry of a managed VXLAN device one of evpnd's kinds: a remote MAC (self,
 * extern_learn, with a dst) or a flood entry (zero MAC, self, permanent, with a dst)? */
enum rc_kind rc_classify(const struct nl_fdb *f);
/* The kernel has a MAC entry (kvtep, ksticky) that evpnd has as owned (NULL: unknown). */
enum rc_act rc_mac_present(const struct mac_ent *owned, uint16_t kvtep, bool ksticky,
			   bool converged);
/* The kernel has a flood entry that evpnd has as owned (NULL: unknown). */
enum rc_act rc_flood_present(const struct fl_ent *owned, bool converged);
/* After a dump: an owned entry the kernel did not report (flags: MENT_STALE; refs: routes that
 * want it, for flood entries). */
enum rc_act rc_missing(uint8_t flags, uint32_t refs);

/* A previous run's recorded entry (krecord.h) at the sweep after initial convergence: keep it
 * when the tables hold it; leave it when its VNI is gone (its device took the entries along, and
 * the ifindex may name another device now); else delete it. */
enum rc_act rc_recorded(bool held, bool vni_exists);

#endif
