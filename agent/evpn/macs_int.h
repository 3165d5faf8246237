/* SPDX-License-Identifier: Apache-2.0 */
/* What the MAC owner's files (macs.c, macs_ip.c, macs_sync.c, macs_state.c) share; no one else. */
#ifndef EVPND_EVPN_MACS_INT_H
#define EVPND_EVPN_MACS_INT_H

#include <ev.h>

#include "macs_state.h"
#include "mac_tab.h"
#include "mob_tab.h"
#include "mobility.h"
#include "neigh_tab.h"

#define SNOOP_PEND_N 1024           /* bindings waiting for their MAC; the oldest is overwritten */

/* A snooped binding waiting for its MAC to be learned on its port; port 0 marks a free slot. */
struct snoop_pend {
	int32_t port;
	int32_t lkey;
	uint8_t mac[6];
	struct ipaddr ip;
	double at;
};

/* A remote MAC the kernel deleted behind evpnd's back: put back at the end of the iteration. */
struct lost_mac {
	int okey;
	uint8_t mac[6];
	uint16_t vtep;
};

struct macs {
	struct macs_env env;
	bool stopping;
	bool converged;            /* initial convergence reached (macs_converged) */
	struct mac_tab local;      /* (lkey, MAC) -> port (aux), MENT_STICKY, MENT_ADV, MENT_SEEN */
	struct mac_tab remote;     /* (okey, MAC) -> vtep, RD hash (aux), MENT_STICKY/STALE/SEEN */
	/* While a reconcile dump runs (macs_sync.c): keys removed since it began, so that a reply
	 * the kernel built before the removal does not bring them back. With SEEN (set by every
	 * event and request since the dump began) they make a dump's reply weaker than any news. */
	bool dumping;
	bool dump_remote;          /* it reads the remote entries (not only the bridge ports) */
	struct mac_tab gone_remote;
	struct mac_tab gone_local;
	struct mob_tab mob;        /* moved or contested (VNI, MAC)s: mob_tab.h */
	struct nb_tab nb_remote;   /* (bridge, IP) -> MAC installed from remote MAC+IP routes */
	struct nb_tab nb_local;    /* (bridge, IP) -> MAC of a local MAC: MAC+IP routes */
	struct lost_mac *lost;
	size_t nlost, lostcap;
	bool lost_oom;             /* a lost entry could not be recorded: the next dump finds it */
	ev_timer dad_w;            /* duplicate address detection's once-a-second check */
	uint64_t moves, duplicates;
	/* arp-snoop */
	size_t pend_live, pend_next;
	struct snoop_pend *pend;   /* SNOOP_PEND_N slots, allocated by the first binding that waits */
};

/* While a dump runs: key (okey, mac) of the remote table, or (lkey, mac) of the local one when
 * local, was removed; a dump's older report of it must not bring it back. Out of memory, the dump
 * may bring it back: a later event or dump corrects that. */
static inline void macs_dump_gone(struct macs *m, bool local, int key, const uint8_t mac[6])
{
	bool created;
	if (m->dumping)
		(void)mac_tab_put(local ? &m->gone_local : &m->gone_remote, key, mac, &created);
}

#endif
