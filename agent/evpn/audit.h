/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `evpnctl audit`: evpnd's view of the kernel FDB against a fresh read of it. The read (and the
 * events that come during it) go into a snapshot keyed as the owners' tables are (remote and flood
 * entries by okey, local MACs by lkey), never into the live tables: an audit changes nothing, it
 * only reports. The comparison is pure (audit_cmp_step) and unit-tested; the control command
 * (control/kernel_read.c) runs the read (engine_read.h) and writes the JSON.
 */
#ifndef EVPND_EVPN_AUDIT_H
#define EVPND_EVPN_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flood_set.h"
#include "mac_tab.h"
#include "nl.h"
#include "vteps.h"

struct macs;
struct vni_tab;

/* Snapshot-only flags of a remote MAC entry (beside MENT_STICKY): which halves the kernel has, and
 * which of them an event during the read settled (a later report of it is older: ignored). */
enum {
	AUDIT_EV_SELF = 1 << 4,
	AUDIT_SELF = 1 << 5,    /* the VXLAN device's own entry (self, extern_learn, dst) */
	AUDIT_MASTER = 1 << 6,  /* the bridge's entry on the VXLAN port (master, extern_learn) */
	AUDIT_EV_MASTER = 1 << 7,
};
/* ... of a local MAC entry: an event settled it, and said it went */
enum {
	AUDIT_EV = 1 << 4,
	AUDIT_ABSENT = 1 << 5,
};
/* ... of a flood entry */
enum {
	AUDIT_FL_EV = 1 << 8,
	AUDIT_FL_GONE = 1 << 9,
};

/* A kernel snapshot keyed as evpnd's tables are (or, in tests, evpnd's side built by hand). */
struct audit_view {
	struct vteps vteps;     /* the snapshot's own VTEP index */
	struct mac_tab remote;  /* remote MACs (okey, MAC) -> vtep, MENT_STICKY, AUDIT_SELF/MASTER */
	struct flood_set flood; /* flood entries (okey, vtep) */
	struct mac_tab local;   /* local MACs (lkey, MAC) -> port (aux), MENT_STICKY */
	size_t entries;         /* FDB entries the dump reported */
};

/* One side of the comparison, its tables lent for the call. */
struct audit_side {
	const struct mac_tab *remote;
	const struct vteps *vteps;
	const struct flood_set *flood;
	const struct mac_tab *local;
};

enum audit_kind {
	AUDIT_REMOTE_MISSING,   /* an owned remote MAC the kernel does not have */
	AUDIT_REMOTE_VTEP,      /* the kernel's entry points to another VTEP */
	AUDIT_REMOTE_STICKY,    /* the kernel's entry has the other sticky flag */
	AUDIT_REMOTE_MASTER,    /* the VXLAN device has it, the bridge does not (no master half) */
	AUDIT_REMOTE_UNOWNED,   /* extern_learn on a managed VXLAN device, not evpnd's */
	AUDIT_FLOOD_MISSING,    /* an owned flood entry the kernel does not have */
	AUDIT_FLOOD_EXTRA,      /* a flood entry on a managed VXLAN device evpnd does not own */
	AUDIT_LOCAL_UNKNOWN,    /* a local MAC on a managed bridge evpnd does not know */
	AUDIT_LOCAL_GONE,       /* a local MAC evpnd knows the bridge no longer has */
	AUDIT_LOCAL_DIFFERS,    /* the bridge has it on another port, or static where evpnd has not */
	AUDIT_KINDS
};

/* One difference. VTEP pointers are valid during the callback only. */
struct audit_drift {
	enum audit_kind kind;
	int key;                       /* okey (remote, flood) or lkey (local) */
	uint8_t mac[6];                /* zero for flood entries */
	const struct nl_addr *want;    /* remote/flood: evpnd's VTEP (NULL: none) */
	const struct nl_addr *have;    /* remote/flood: the kernel's VTEP (NULL: none) */
	uint32_t want_port, have_port; /* local: bridge ports (0: none) */
	bool want_sticky, have_sticky;
};

/* The stable name of a kind ("remote-missing", ...). */
const char *audit_kind_name(enum audit_kind k);
/* An empty view. */
void audit_view_init(struct audit_view *v);
/* Free a view's tables. */
void audit_view_free(struct audit_view *v);
/* Record in snapshot k a kernel remote MAC half (self: with dst and sticky; else the master half),
 * a flood entry to dst, or a local MAC on port. -1 when memory runs out. */
int audit_put_remote(struct audit_view *k, int okey, const uint8_t mac[6], bool self,
		     const struct nl_addr *dst, bool sticky);
int audit_put_flood(struct audit_view *k, int okey, const struct nl_addr *dst);
int audit_put_local(struct audit_view *k, int lkey, const uint8_t mac[6], uint32_t port, bool sticky);
/* Whether snapshot k has nothing of this half of a remote MAC (master: the bridge's), neither
 * from the read nor from an event: a read asks the kernel for it then. */
bool audit_view_lacks(const struct audit_view *k, int okey, const uint8_t mac[6], bool master);
/* A snapshot's tables as a side. */
struct audit_side audit_view_side(const struct audit_view *v);
/* A comparison of evpnd's tables (want: owned remote MACs, flood entries, local MACs) with the
 * kernel's (have), both ways, done a bounded step at a time so that a million entries never hold
 * the loop; the tables may change between steps (a walk whose table's entries moved starts that
 * table again, and nothing is reported twice). */
struct audit_cmp {
	struct audit_side want, have;
	bool owned;                   /* have is an owned read (ENGINE_READ_OWNED): no flood lists */
	void (*cb)(void *ctx, const struct audit_drift *d);
	void *ctx;
	size_t n;                     /* differences reported so far */
	int phase;                    /* which walk */
	size_t pos;                   /* ... where it is */
	unsigned layout;              /* ... in which layout of its table */
	struct mac_tab seen_remote, seen_local; /* what was reported */
};
/* Begin comparing (the sides' tables are lent until audit_cmp_free); cb is called for each
 * difference. */
void audit_cmp_init(struct audit_cmp *c, const struct audit_side *want,
		    const struct audit_side *have, bool owned,
		    void (*cb)(void *ctx, const struct audit_drift *d), void *ctx);
/* Look at up to budget more entries; true when the comparison is complete. Neither side changes. */
bool audit_cmp_step(struct audit_cmp *c, size_t budget);
/* Free what the comparison kept. */
void audit_cmp_free(struct audit_cmp *c);
/* The whole comparison in one call (tests); returns the count. */
size_t audit_compare(const struct audit_side *want, const struct audit_side *have,
		     void (*cb)(void *ctx, const struct audit_drift *d), void *ctx);
/* File one dumped FDB entry into snapshot k (vt: which devices are managed; m: what counts as a
 * local MAC). Out of memory marks the snapshot unusable (entries SIZE_MAX). */
void audit_kernel_entry(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
			const struct nl_fdb *f);
/* File an FDB event that came during the read: it settles the entry (deleted: it went) over any
 * report of it the read makes later. */
void audit_kernel_event(struct audit_view *k, const struct vni_tab *vt, const struct macs *m,
			const struct nl_fdb *f, bool deleted);

#endif
