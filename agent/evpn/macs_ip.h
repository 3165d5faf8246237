/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner's MAC+IP bindings (RFC 7432 section 10): ARP/ND suppression entries from remote
 * MAC+IP routes, local MAC+IP routes from the bridge's neighbours and from arp-snoop. Part of the
 * owner (macs.h); its events come from the engine, its owner-internal calls from macs.c only.
 */
#ifndef EVPND_EVPN_MACS_IP_H
#define EVPND_EVPN_MACS_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macs_state.h"
#include "nl.h"

/* An AF_INET/AF_INET6 neighbour event or dump entry. */
void macs_neigh_event(struct macs *m, const struct nl_neigh *n, bool deleted);
/* arp-snoop: a frame on bridge port port (VLAN vlan, 0 untagged) from mac binds addr to it. The
 * binding counts when the port carries a VNI with arp-snoop and mac is a local MAC learned on that
 * port (it may wait a few seconds for the MAC to be learned). */
void macs_snooped(struct macs *m, int port, uint16_t vlan, const uint8_t mac[6],
		  const struct nl_addr *addr);
/* arp-snoop's ageing sweep: forget snooped bindings not seen since the previous sweep. */
void macs_snoop_age(struct macs *m);

/* ---- for macs.c ---- */

/* Local MAC (lkey, mac) was advertised / withdrawn: so are its MAC+IP routes (and snooped
 * bindings waiting for it go in; withdrawn, snooped ones are forgotten). */
void macs_ip_local_mac(struct macs *m, int lkey, const uint8_t mac[6], bool advertised);
/* A remote MAC+IP route's best path (want: installed as an ARP/ND entry). */
void macs_ip_remote(struct macs *m, struct vni *v, const struct evpn_route *r, const struct attrs *a,
		    bool remote);
/* v attached / detached / activated (on) or deactivated: its ARP/ND side. */
void macs_ip_vni_attach(struct macs *m, struct vni *v);
void macs_ip_vni_detach(struct macs *m, struct vni *v);
void macs_ip_vni_activate(struct macs *m, struct vni *v, bool on);
/* Remove stale remote ARP/ND entries at initial convergence. */
void macs_ip_converged(struct macs *m);

#endif
