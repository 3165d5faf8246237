/*
 * The agent's glue between the kernel (netlink/nl.h) and the BGP speaker (bgp/bgp.h): local
 * learning (local.c), remote installs (remote.c), ownership and reconciliation (fdb_owned.c,
 * reconcile.c) around the VNI table (vni.c). Data flows one way each direction:
 * kernel event -> route -> peers, and best path -> FDB request -> kernel.
 */
#ifndef EVPND_AGENT_GLUE_H
#define EVPND_AGENT_GLUE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "config.h"
#include "fdb_owned.h"
#include "mac_tab.h"
#include "metrics_lat.h"
#include "neigh_tab.h"
#include "nl.h"
#include "vni.h"

struct json_object;
struct snoop_state;
struct audit_view;

/* What one type-3 route wants: a flood entry to vtep on the VXLAN device of vni. */
struct t3_want {
	uint8_t key[40];           /* the route's NLRI (type 3 is at most 2 + 29 bytes) */
	uint8_t klen;
	uint16_t vtep;             /* fdb_owned VTEP index */
	uint32_t vni;
};

/* An owned entry the kernel deleted behind evpnd's back: put back at the end of the iteration. */
struct lost_ent {
	int ifindex;
	uint8_t mac[6];
	uint16_t vtep;          /* flood entries */
	bool flood;
};

struct glue {
	const struct config *cfg;
	struct ev_loop *loop;
	struct bgp *bgp;
	struct nl *nl;             /* NULL in unit tests: requests are then only recorded */
	struct vni_tab vt;
	struct fdb_owned fo;       /* remote MACs and flood entries in the kernel */
	struct mac_tab local;      /* (bridge, MAC) -> port, MENT_STICKY, MENT_ADV */
	struct t3_want *t3;
	size_t nt3, t3cap;
	bool converged;            /* End-of-RIB from every neighbor, or the timeout */
	bool dumping;              /* a reconcile dump is running: mark what the kernel has */
	bool resync;               /* events were lost: dump and reconcile at the next iteration */
	bool stopping;             /* exiting: leave the kernel FDB as it is */
	struct lost_ent *lost;     /* deleted by the kernel (device down, `bridge fdb del`) */
	size_t nlost, lostcap;
	ev_timer converge_w;
	ev_prepare prepare_w;
	uint64_t refused;          /* requests the kernel refused */
	uint64_t overflows;        /* ENOBUFS events */
	uint64_t queued;           /* requests queued */
	/* Refusals are retried by a dump and reconcile after retry_delay (doubling while requests
	 * keep being refused, up to GLUE_RETRY_MAX): the owned tables stay the desired state. */
	ev_timer retry_w;
	double retry_delay;        /* seconds until the next retry round */
	ev_tstamp retry_last;      /* when the last round started */
	uint64_t refused_round;    /* refusals since the last round started */
	char retry_first[96];      /* the first of them, for the round's log line */
	ev_timer dad_w;            /* duplicate address detection: recovery and forgetting (remote.c) */
	struct nb_tab nb_remote;   /* arp-suppress: (bridge, IP) -> MAC installed from remote routes */
	struct nb_tab nb_local;    /* arp-suppress: (bridge, IP) -> MAC the bridge learned locally */
	struct snoop_state *snoop; /* arp-snoop (snoop_glue.c); NULL when off */
	struct audit_view *audit;  /* `evpnctl audit` dump running: FDB entries go there (audit.c) */
	/* metrics (metrics.c) */
	struct lat_track lat;      /* learn-to-install latency (metrics_lat.h) */
	uint64_t mac_moves;        /* MAC location changes seen by duplicate detection */
	uint64_t mac_duplicates;   /* MACs marked duplicate */
	uint64_t resyncs;          /* dump-and-reconcile rounds after lost events or refusals */
	/* `evpnctl show fdb`: while set, a dump's entries go to fdb_tap, never to the tables */
	void (*fdb_tap)(void *ctx, const struct nl_fdb *f);
	void *fdb_tap_ctx;
};

#define GLUE_RETRY_MIN 1.0
#define GLUE_RETRY_MAX 30.0

/* Set up the tables (no netlink yet); -1 on allocation failure. */
int glue_init(struct glue *g, const struct config *cfg, struct ev_loop *loop, struct bgp *bgp);
/* Open netlink (rcvbuf bytes), dump links and FDB, adopt evpnd's own entries, start the
 * convergence timer and the per-iteration flush. -1 with errno on failure. */
int glue_start(struct glue *g, size_t rcvbuf);
/* Stop touching the kernel (entries stay for the next start's reconcile), wait briefly for
 * requests in flight, close netlink and free everything. */
void glue_stop(struct glue *g);
/* The bgp best_changed hook's work for the kernel. */
void glue_best_changed(struct glue *g, int fam, const uint8_t *nlri, size_t len,
		       const struct attrs *a, const struct ipaddr *src);
/* `show vnis` data: one object per VNI, ordered by VNI. */
struct json_object *glue_show_vnis(struct glue *g);

/* ---- between the glue's files ---- */

/* local.c: the local-table key of a bridge FDB entry evpnd would learn as a local MAC (a bridge
 * port's unicast entry, not extern_learn, not on a VXLAN port), 0 for any other entry. */
int local_key(struct glue *g, const struct nl_fdb *f);
/* local.c: a bridge FDB event (or dump entry) that is not a VXLAN device's own entry. */
void local_fdb(struct glue *g, const struct nl_fdb *f, bool deleted);
/* local.c: withdraw a local MAC's route if advertised (the caller removes the entry). */
void local_withdraw(struct glue *g, struct mac_ent *e);
/* local.c: advertise / withdraw a VNI's type-3 route and its local MACs. */
void local_vni_activate(struct glue *g, struct vni *v);
/* local.c: (re-)advertise v's type-3 route with its current RD and route targets. */
void local_type3_advertise(struct glue *g, const struct vni *v);
void local_vni_deactivate(struct glue *g, struct vni *v);

/* remote.c: install what the routes want on a VNI that became attached, or forget its entries. */
void remote_vni_attach(struct glue *g, struct vni *v);
void remote_vni_detach(struct glue *g, struct vni *v);
/* remote.c: a VXLAN device's own FDB entry changed outside a dump (someone else deleted one of
 * ours: put it back). */
void remote_kernel_event(struct glue *g, struct vni *v, const struct nl_fdb *f, bool deleted);
/* remote.c: put back the lost entries that are still wanted, on devices that still exist (a device
 * being deleted flushes its FDB before its deletion is reported: re-adding at once would fail). */
void remote_put_back(struct glue *g);
struct evpn_route;

/* flood.c: a type-3 route's best path changed (a NULL a: gone); its flood entry follows. */
void flood_route(struct glue *g, const struct evpn_route *r, const uint8_t *nlri, size_t len,
		 const struct attrs *a);
/* flood.c: v attached: the flood entries its type-3 routes want. */
void flood_vni_attach(struct glue *g, struct vni *v);
/* remote.c: queue one FDB request for an owned MAC entry or flood entry. */
void remote_mac_req(struct glue *g, enum nl_op op, const struct mac_ent *e);
void remote_flood_req(struct glue *g, enum nl_op op, const struct fo_flood *f);

/* reconcile.c: a dump is starting / ended; an entry of a managed VXLAN device was dumped. */
void reconcile_begin(struct glue *g);
void reconcile_kernel_entry(struct glue *g, struct vni *v, const struct nl_fdb *f);
void reconcile_end(struct glue *g);
/* reconcile.c: initial convergence reached: remove owned entries no route justifies. */
void reconcile_converged(struct glue *g);

/* ---- the pure comparison (reconcile.c), unit-tested ---- */

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
enum rc_act rc_flood_present(const struct fo_flood *owned, bool converged);
/* After a dump: an owned entry the kernel did not report. */
enum rc_act rc_missing(uint8_t flags, uint32_t refs);

#endif
