/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EVPN engine: the one entry point between the kernel (netlink/nl.h) and the BGP speaker
 * (bgp/bgp.h). Events come in here and go down, one way each direction:
 *   kernel event -> engine -> MAC owner (macs.h) / flood list (flood.h) -> RIB and kernel requests;
 *   RIB best-path change -> engine -> MAC owner / flood list -> kernel requests.
 * The engine keeps the VNI table (vni.h), the VTEP index (vteps.h) and the life cycle: the start-up
 * dump, the per-iteration flush, dump-and-reconcile after lost events or refusals, and initial
 * convergence (End-of-RIB for EVPN from every configured neighbor, or the timeout).
 */
#ifndef EVPND_EVPN_ENGINE_H
#define EVPND_EVPN_ENGINE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "advertise.h"
#include "bgp.h"
#include "config.h"
#include "flood.h"
#include "kreq.h"
#include "krecord.h"
#include "latency.h"
#include "loop_stat.h"
#include "macs.h"
#include "macs_ip.h"
#include "macs_sync.h"
#include "nl.h"
#include "tenant_prefixes.h"
#include "tenant_routes.h"
#include "vni.h"
#include "vteps.h"

struct snoop_state;

struct engine {
	const struct config *cfg;
	struct ev_loop *loop;
	struct bgp *bgp;
	struct nl *nl;             /* NULL in unit tests: requests are then only counted */
	struct vni_tab vt;
	struct vteps vteps;        /* VTEP addresses interned, shared by macs and flood */
	struct kreq kq;            /* kernel requests (kq.queued counts them) */
	struct adv adv;            /* local routes into the RIB */
	struct macs *macs;         /* the MAC owner */
	struct flood flood;        /* type-3 routes and flood entries */
	struct tenant_routes tr;   /* routed tenants' host and prefix routes (tenant_routes.h) */
	struct tenant_prefixes tp; /* routed tenants' connected prefixes out (tenant_prefixes.h) */
	bool addr_dump;            /* the addresses are being dumped: one update at the end */
	bool tr_sweep;             /* the tenants' routes and neighbours are dumped for the sweep */
	size_t tr_swept;           /* what it deleted */
	tr_drift_cb tr_audit_cb;   /* set while the tenants' audit reads the kernel */
	void *tr_audit_ctx;
	bool converged;            /* End-of-RIB from every neighbor, or the timeout */
	bool converge_expired;     /* converge-timeout ran out (convergence also waits for adopted) */
	bool defer_expired;        /* ENGINE_DEFER_MAX ran out: stop waiting for End-of-RIB */
	ev_timer defer_w;
	bool adopted;              /* the start-up dump ended: the kernel's entries are known */
	bool dumping;              /* a reconcile dump is running: mark what the kernel has */
	bool dump_remote;          /* it reads the remote entries too (not only the bridge ports) */
	bool resync;               /* events were lost: dump and reconcile (engine_resync) */
	ev_tstamp resync_at;       /* when it was asked for */
	ev_timer dump_wait_w;      /* wakes a dump waiting for acknowledgements */
	ev_tstamp dump_t0;         /* when the running dump started */
	double dump_last;          /* seconds the last dump took */
	bool stopping;             /* exiting: leave the kernel FDB as it is */
	ev_timer converge_w;
	ev_prepare prepare_w;
	uint64_t refused;          /* requests the kernel refused */
	uint64_t overflows;        /* ENOBUFS events */
	uint64_t resyncs;          /* dump-and-reconcile rounds after lost events or refusals */
	/* Refusals are retried by a dump and reconcile after retry_delay (doubling while requests
	 * keep being refused, up to ENGINE_RETRY_MAX): the owners' tables stay the desired state. */
	ev_timer retry_w;
	double retry_delay;        /* seconds until the next retry round */
	ev_tstamp retry_last;      /* when the last round started */
	uint64_t refused_round;    /* refusals since the last round started */
	char retry_first[96];      /* the first of them, for the round's log line */
	struct snoop_state *snoop; /* arp-snoop (snooper.h); NULL when off */
	/* the record of installed entries (krecord.h, engine_kread.h) */
	struct krecord rec;
	bool by_record;            /* the start-up read the record, not the kernel's whole FDB */
	ev_timer rec_sweep_w;      /* the ports' dumps of a record start, then the sweep of the previous
				    * run's entries, a step per iteration */
	uint64_t rec_macs, rec_flood; /* what the sweep removed */
	size_t rw_pos;             /* a paced rewrite of the record: where its walk is ... */
	unsigned rw_layout;        /* ... in which layout of the remote table */
	ev_tstamp rw_retry_at;     /* a failed rewrite waits until then */
	ev_tstamp rec_t0;
	/* a resync past fdb-dump-limit asks for each entry (engine_kread.h) */
	size_t probe_pos;          /* where the walk of the remote MACs is ... */
	unsigned probe_layout;     /* ... in which layout (a growth moves entries: start again) */
	bool probe_broken;         /* the kernel cannot answer FDB GETs: dump instead */
	void (*probe_done)(void *ctx, int err);
	struct lat_track lat;      /* learn-to-install latency (latency.h) */
	struct loop_stat ls;       /* the loop's busy time per iteration */
	/* the operator's read of the kernel (`show fdb`, audit): its entries go there, never to the
	 * tables (engine_read.h) */
	struct engine_read *reader;
};

/* The engine's life cycle and health, as `show status` and the metrics report them. */
struct engine_status {
	bool adopted, converged, dumping;
	double dump_running;          /* seconds the running reconcile dump has taken so far */
	double dump_last;             /* seconds the last completed dump took */
	uint64_t resyncs, overflows, refused;
	size_t pending;               /* kernel requests not yet acknowledged */
	const struct loop_stat *loop; /* the loop's busy time per iteration */
};

#define ENGINE_RETRY_MIN 1.0
#define ENGINE_RETRY_MAX 30.0
#define ENGINE_DUMP_WAIT 2.0
/* The longest initial convergence waits for an established neighbor's End-of-RIB (RFC 4724's
 * selection deferral; FRR's select-defer-time default), or converge-timeout if that is longer. */
#define ENGINE_DEFER_MAX 360.0

/* Set up the tables (no netlink yet); -1 on allocation failure. */
int engine_init(struct engine *e, const struct config *cfg, struct ev_loop *loop, struct bgp *bgp);
/* Open netlink (rcvbuf bytes), dump links, start the FDB dump that adopts evpnd's own entries in
 * the background (End-of-RIB to neighbors and initial convergence wait for it), start the
 * per-iteration flush (the convergence timer waits for engine_peers_ready). -1 with errno on
 * failure. */
int engine_start(struct engine *e, size_t rcvbuf);
/* Neighbors can connect from now on (the speaker listens and dials): converge-timeout counts from
 * this moment, never from a clock that ran while evpnd was busy starting. */
void engine_peers_ready(struct engine *e);
/* From now on leave the kernel as it is (the daemon is stopping: the next start reconciles). */
void engine_stopping(struct engine *e);
/* Stop touching the kernel, wait briefly for requests in flight, close netlink, free everything. */
void engine_stop(struct engine *e);
/* The bgp best_changed hook's work for the kernel (src NULL: our own route's). */
void engine_best_changed(struct engine *e, int fam, const uint8_t *nlri, size_t len,
			 const struct attrs *a, const struct ipaddr *src);
/* A bridge or VXLAN FDB event (the netlink fdb hook). */
void engine_fdb(struct engine *e, const struct nl_fdb *f, bool deleted);
/* An entry of a dump (the netlink fdb_dumped hook): to the operator's read (engine_read.h), else
 * to the reconcile running (weaker than any event since it began), else nowhere. */
void engine_fdb_dumped(struct engine *e, const struct nl_fdb *f);
/* A reconcile dump: begin, every dumped entry through engine_fdb_dumped, end (the start-up and
 * ENOBUFS path runs these around the kernel's dump; unit tests run them by hand). */
void engine_dump_begin(struct engine *e);
void engine_dump_end(struct engine *e);
/* Events were lost or a request refused: dump and reconcile again, from the loop. */
void engine_resync(struct engine *e);
/* Initial convergence is reached (why: for the log): adopted entries no route wants go. */
void engine_converged(struct engine *e, const char *why);
/* The remote MAC and flood entries evpnd has installed, when more than fdb-dump-limit (a whole
 * dump of the kernel's FDB would take minutes of kernel time), else 0. */
size_t engine_fdb_too_large(const struct engine *e);
/* Fill st from e (pointers into e stay valid while e lives). */
void engine_status(const struct engine *e, struct engine_status *st);
/* Whether the remote EVPN route (nlri, a) is installed into the kernel: its VNI (type 2: label,
 * type 3: PMSI label) is a local attached VNI that imports its route targets. */
bool engine_route_installed(const struct engine *e, const uint8_t *nlri, size_t len,
			    const struct attrs *a);

#endif
