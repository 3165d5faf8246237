/*
 * ARP/ND suppression (arp-suppress = yes): remote MAC+IP type-2 routes become NUD_NOARP
 * extern_learn neighbour entries on the VNI's bridge and the VXLAN bridge port gets neigh_suppress,
 * so the bridge answers ARP/NS for remote VMs itself; neighbours the bridge learns for local VMs
 * become local MAC+IP routes (beside the MAC-only route, RFC 7432 section 9.1).
 */
#ifndef EVPND_AGENT_ARP_SUPPRESS_H
#define EVPND_AGENT_ARP_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "evpn.h"
#include "nl.h"

struct glue;
struct vni;
struct attrs;

/* Whether arp-suppress applies to v ([vni N] over [global]). */
bool arps_on(const struct glue *g, const struct vni *v);
/* A MAC+IP type-2 best path changed (a NULL or !remote: no remote path wants it any more). */
void arps_remote_route(struct glue *g, const struct evpn_route *r, const struct attrs *a,
		       bool remote);
/* v attached: set neigh_suppress on its VXLAN port (the RIB walk brings the routes). */
void arps_vni_attach(struct glue *g, struct vni *v);
/* v detached: forget (and, while its bridge exists, remove) its remote neighbour entries. */
void arps_vni_detach(struct glue *g, struct vni *v);
/* v became active / inactive: advertise / withdraw its local MAC+IP routes. */
void arps_vni_activate(struct glue *g, struct vni *v);
void arps_vni_deactivate(struct glue *g, struct vni *v);
/* An AF_INET/AF_INET6 neighbour event or dump entry. */
void arps_neigh_event(struct glue *g, const struct nl_neigh *n, bool deleted);
/* The local MAC (lkey, mac) was advertised / withdrawn (lkey: its local-table key, vni.h): so are
 * the MAC+IP routes on it; snooped ones are forgotten with it. */
void arps_local_mac(struct glue *g, int lkey, const uint8_t mac[6], bool advertised);
/* arp-snoop: a frame on a port of v's bridge, from the local MAC mac on that port, binds ip to it;
 * it becomes (or refreshes) a local neighbour as if the bridge had learned it, and is forgotten when
 * the MAC is withdrawn or it is not seen again for two ageing sweeps. */
void arps_snooped(struct glue *g, struct vni *v, const struct ipaddr *ip, const uint8_t mac[6]);
/* arp-snoop ageing sweep: forget snooped neighbours not seen since the previous sweep. */
void arps_snoop_age(struct glue *g);
/* Initial convergence: remove the stale entries a previous run left that no route wants. */
void arps_converged(struct glue *g);
/* Whether a peer's MAC-only route with r's RD and MAC is in the RIB as best: r's withdrawal then
 * leaves the MAC to it (both share one mobility candidate, keyed by RD). */
bool arps_mac_route_present(struct glue *g, const struct evpn_route *r);
/* Free the tables. */
void arps_free(struct glue *g);

#endif
