/* SPDX-License-Identifier: Apache-2.0 */
/* The metrics exposition (see metrics.h; docs/operations.md lists every family). */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_stats.h"
#include "engine.h"
#include "evpn.h"
#include "prom.h"

#define NSTATES 6

static const char *const states[NSTATES] = {
	"idle", "connect", "active", "opensent", "openconfirm", "established",
};

/* ---- per neighbor ---- */

struct peers {
	struct prom *p;
	int pass;
	unsigned by_state[NSTATES];
	unsigned established;
};

static void peer_cb(void *ctx, const struct bgp_peer_stats *s)
{
	struct peers *c = ctx;
	char a[IPADDR_STRLEN];
	struct prom_label l[3] = { { "peer", ipaddr_str(&s->addr, a) }, { NULL, NULL }, { NULL, NULL } };

	switch (c->pass) {
	case 0:
		for (int i = 0; i < NSTATES; i++)
			if (s->state && !strcmp(s->state, states[i]))
				c->by_state[i]++;
		c->established += s->established;
		break;
	case 1:
		prom_u64(c->p, "evpnd_bgp_neighbor_established", l, 1, s->established);
		break;
	case 2:
	case 3:
		l[1].name = "type";
		for (int t = 1; t <= BGP_STATS_TYPES; t++) {
			int slot = t % BGP_STATS_TYPES; /* 1..5, then 0 (unknown) last */
			uint64_t v = c->pass == 2 ? s->msgs_in[slot] : s->msgs_out[slot];
			if (slot == 0 && v == 0)
				continue;
			l[1].value = bgp_stats_type_name(slot);
			prom_u64(c->p, c->pass == 2 ? "evpnd_bgp_messages_received_total"
					: "evpnd_bgp_messages_sent_total", l, 2, v);
		}
		break;
	case 4:
		prom_u64(c->p, "evpnd_bgp_neighbor_flaps_total", l, 1, s->flaps);
		break;
	default:
		l[1].name = "family";
		for (int f = 0; f < FAM_COUNT; f++) {
			const uint32_t *v = c->pass == 5 ? s->rcvd : c->pass == 6 ? s->accepted : s->advertised;
			l[1].value = family_table[f].name;
			prom_u64(c->p, c->pass == 5 ? "evpnd_bgp_paths_received" : c->pass == 6
				 ? "evpnd_bgp_paths_accepted" : "evpnd_bgp_paths_advertised", l, 2, v[f]);
		}
		break;
	}
}

static void neighbors(struct prom *p, struct bgp *b)
{
	static const struct { const char *name, *type, *help; } fams[] = {
		{ NULL, NULL, NULL },
		{ "evpnd_bgp_neighbor_established", "gauge", "1 when the neighbor's session is Established" },
		{ "evpnd_bgp_messages_received_total", "counter", "BGP messages received, by type" },
		{ "evpnd_bgp_messages_sent_total", "counter", "BGP messages queued for sending, by type" },
		{ "evpnd_bgp_neighbor_flaps_total", "counter", "Times the session left Established" },
		{ "evpnd_bgp_paths_received", "gauge", "Paths in the neighbor's Adj-RIB-In" },
		{ "evpnd_bgp_paths_accepted", "gauge", "Paths from the neighbor that are best" },
		{ "evpnd_bgp_paths_advertised", "gauge", "Paths advertised to the neighbor" },
	};
	struct peers c = { .p = p };
	struct prom_label l;

	bgp_stats_peers(b, peer_cb, &c);
	prom_family(p, "evpnd_bgp_sessions_established", "gauge", "Neighbors in state Established");
	prom_u64(p, "evpnd_bgp_sessions_established", NULL, 0, c.established);
	prom_family(p, "evpnd_bgp_neighbors", "gauge", "Configured neighbors by session state");
	for (int i = 0; i < NSTATES; i++) {
		l.name = "state";
		l.value = states[i];
		prom_u64(p, "evpnd_bgp_neighbors", &l, 1, c.by_state[i]);
	}
	for (c.pass = 1; c.pass < (int)(sizeof fams / sizeof fams[0]); c.pass++) {
		prom_family(p, fams[c.pass].name, fams[c.pass].type, fams[c.pass].help);
		bgp_stats_peers(b, peer_cb, &c);
	}
}

/* ---- routes per family and VNI: the RIB keeps the counts (O(VNIs), not O(paths)) ---- */

struct vcount {
	uint32_t vni;
	uint64_t n;
};

struct routes {
	struct vcount *v;
	size_t n, cap;
	uint64_t novni;  /* paths without a VNI (EVPN types 1 and 4; every other family) */
	bool oom;
};

static void count_cb(void *ctx, bool has_key, uint32_t key, uint64_t n)
{
	struct routes *c = ctx;

	if (!has_key) {
		c->novni += n;
		return;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct vcount *nv = realloc(c->v, ncap * sizeof *nv);
		if (!nv) {
			c->oom = true;
			c->novni += n; /* still counted, without its VNI */
			return;
		}
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n].vni = key;
	c->v[c->n++].n = n;
}

static int by_vni(const void *x, const void *y)
{
	const struct vcount *a = x, *b = y;
	return a->vni < b->vni ? -1 : a->vni > b->vni;
}

static void routes(struct prom *p, struct bgp *b)
{
	char v[16];
	struct prom_label l[2] = { { "family", NULL }, { "vni", v } };

	prom_family(p, "evpnd_routes", "gauge",
		    "Paths in the RIB (what evpnctl show routes lists), by family and VNI (\"\": none)");
	for (int f = 0; f < FAM_COUNT; f++) {
		struct routes c = { 0 };
		rib_path_counts(bgp_rib(b), f, count_cb, &c);
		l[0].value = family_table[f].name;
		if (c.n)
			qsort(c.v, c.n, sizeof *c.v, by_vni);
		for (size_t i = 0; i < c.n; i++) {
			snprintf(v, sizeof v, "%u", c.v[i].vni);
			prom_u64(p, "evpnd_routes", l, 2, c.v[i].n);
		}
		free(c.v);
		v[0] = '\0';
		/* a family with no VNIs shows its total, zero included */
		if (c.novni || f != FAM_EVPN)
			prom_u64(p, "evpnd_routes", l, 2, c.novni);
	}
}

/* ---- the kernel side ---- */

struct vnis {
	struct prom *p;
	bool remote;
};

static void vni_cb(void *ctx, struct vni *v)
{
	struct vnis *c = ctx;
	char s[16];
	struct prom_label l = { "vni", s };

	snprintf(s, sizeof s, "%u", v->vni);
	prom_u64(c->p, c->remote ? "evpnd_vni_remote_macs" : "evpnd_vni_local_macs", &l, 1,
		 c->remote ? v->nremote : v->nlocal);
}

static void counter(struct prom *p, const char *name, const char *type, const char *help, uint64_t v)
{
	prom_family(p, name, type, help);
	prom_u64(p, name, NULL, 0, v);
}

static void kernel(struct prom *p, const struct engine *g)
{
	struct vnis c = { p, false };
	struct prom_label l;
	struct macs_counts mc;

	macs_counts(g->macs, &mc);

	prom_family(p, "evpnd_fdb_entries", "gauge",
		    "Entries evpnd installed in the kernel FDB: remote MACs and flood (BUM) entries");
	l.name = "kind";
	l.value = "remote_mac";
	prom_u64(p, "evpnd_fdb_entries", &l, 1, mc.remote);
	l.value = "flood";
	prom_u64(p, "evpnd_fdb_entries", &l, 1, g->flood.set.n);
	counter(p, "evpnd_local_macs", "gauge", "MACs learned on local bridge ports", mc.local);
	prom_family(p, "evpnd_vni_local_macs", "gauge", "Local MACs advertised, by VNI");
	vt_walk(&g->vt, vni_cb, &c);
	c.remote = true;
	prom_family(p, "evpnd_vni_remote_macs", "gauge", "Remote MACs installed, by VNI");
	vt_walk(&g->vt, vni_cb, &c);
	if (g->cfg->nvrf) {
		struct tr_counts tc;
		prom_family(p, "evpnd_vrf_routes", "gauge",
			    "Routes installed in a routed tenant's VRF table, by kind (host: MAC+IP, prefix: type 5)");
		for (unsigned i = 0; i < g->cfg->nvrf; i++) {
			struct prom_label vl[2] = { { "vrf", g->cfg->vrf[i].name }, { "kind", "host" } };
			tr_vrf_counts(&g->tr, i, &tc);
			prom_u64(p, "evpnd_vrf_routes", vl, 2, tc.hosts);
			vl[1].value = "prefix";
			prom_u64(p, "evpnd_vrf_routes", vl, 2, tc.prefixes);
		}
		prom_family(p, "evpnd_vrf_remote_vteps", "gauge",
			    "VTEPs a routed tenant's routes go through (router-MAC neighbour and FDB entry each)");
		for (unsigned i = 0; i < g->cfg->nvrf; i++) {
			struct prom_label vl = { "vrf", g->cfg->vrf[i].name };
			tr_vrf_counts(&g->tr, i, &tc);
			prom_u64(p, "evpnd_vrf_remote_vteps", &vl, 1, tc.vteps);
		}
	}
	counter(p, "evpnd_netlink_requests_total", "counter", "FDB and neighbour requests queued",
		g->kq.queued);
	counter(p, "evpnd_netlink_refused_total", "counter", "Requests the kernel refused", g->refused);
	counter(p, "evpnd_netlink_overflows_total", "counter",
		"Netlink event socket overflows (ENOBUFS: events lost)", g->overflows);
	counter(p, "evpnd_netlink_resyncs_total", "counter",
		"Dump-and-reconcile rounds after lost events or refusals", g->resyncs);
	counter(p, "evpnd_netlink_pending", "gauge", "Requests not yet acknowledged",
		g->nl ? nl_pending(g->nl) : 0);
	counter(p, "evpnd_mac_moves_total", "counter",
		"MAC location changes (VTEP to VTEP, local to remote or back) seen by duplicate "
		"detection", mc.moves);
	counter(p, "evpnd_mac_duplicates_total", "counter", "MACs marked duplicate", mc.duplicates);
	prom_family(p, "evpnd_fdb_install_latency_seconds", "histogram",
		    "From a remote MAC route becoming best to the kernel's ack of its FDB request");
	prom_histogram(p, "evpnd_fdb_install_latency_seconds", NULL, 0, lat_bounds, g->lat.h.b,
		       LAT_BUCKETS, g->lat.h.sum);
	counter(p, "evpnd_fdb_install_latency_skipped_total", "counter",
		"Latency samples not taken (more than 8192 outstanding)", g->lat.skipped);

	struct engine_status st;
	engine_status(g, &st);
	prom_family(p, "evpnd_loop_iteration_seconds", "histogram",
		    "Busy time of one event-loop iteration (from the poll's return to the next poll)");
	prom_histogram(p, "evpnd_loop_iteration_seconds", NULL, 0, loop_stat_bounds, st.loop->bucket,
		       LOOP_STAT_BUCKETS, st.loop->sum);
	prom_family(p, "evpnd_loop_max_seconds", "gauge", "The longest event-loop iteration since start");
	prom_double(p, "evpnd_loop_max_seconds", NULL, 0, st.loop->max);
	prom_family(p, "evpnd_loop_max_cpu_seconds", "gauge",
		    "The most CPU time one event-loop iteration took since start (kernel work in its "
		    "system calls included; time waiting for the CPU or a kernel lock is not)");
	prom_double(p, "evpnd_loop_max_cpu_seconds", NULL, 0, st.loop->max_cpu);
	counter(p, "evpnd_kernel_adopted", "gauge",
		"1 once the start-up FDB dump has ended (evpnd's entries adopted)", st.adopted);
	counter(p, "evpnd_kernel_dump_running", "gauge", "1 while a reconcile dump of the FDB runs",
		st.dumping);
	prom_family(p, "evpnd_kernel_dump_last_seconds", "gauge", "How long the last FDB dump took");
	prom_double(p, "evpnd_kernel_dump_last_seconds", NULL, 0, st.dump_last);
}

char *metrics_text(const struct metrics_src *d, size_t *len)
{
	struct prom p;
	struct prom_label l = { "version", EVPND_VERSION };

	prom_init(&p);
	prom_family(&p, "evpnd_build_info", "gauge", "Always 1; the version as a label");
	prom_u64(&p, "evpnd_build_info", &l, 1, 1);
	if (d->bgp) {
		neighbors(&p, d->bgp);
		routes(&p, d->bgp);
	}
	if (d->engine)
		kernel(&p, d->engine);
	return prom_take(&p, len);
}
