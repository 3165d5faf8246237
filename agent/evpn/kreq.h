/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel requests: what the engine decided, as netlink FDB and neighbour requests on the right
 * device. This file decides nothing; it knows the encodings (FRR 8.4's, netlink/fdb.c): a remote MAC
 * is one NTF_SELF|NTF_MASTER|NTF_EXT_LEARNED request on the VNI's VXLAN device, a flood entry the
 * zero MAC with NUD_NOARP|NUD_PERMANENT, an ARP/ND entry a NUD_NOARP extern_learn neighbour on the
 * bridge. Without netlink (unit tests) requests are only counted.
 */
#ifndef EVPND_EVPN_KREQ_H
#define EVPND_EVPN_KREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "types.h"

struct vni_tab;
struct vni;
struct vteps;

struct krecord;

struct kreq {
	struct nl *nl;              /* NULL: requests are only counted */
	struct krecord *rec;        /* installs are recorded here first (krecord.h); NULL: not */
	const struct vni_tab *vt;   /* an owned-table key -> its device */
	const struct vteps *vteps;  /* a VTEP index -> its address */
	uint64_t queued;            /* requests queued */
};

/* A remote MAC on the device of owned-table key okey toward VTEP index vtep (replace or delete). */
void kreq_mac(struct kreq *k, enum nl_op op, int okey, const uint8_t mac[6], uint16_t vtep,
	      bool sticky);
/* Delete only the VXLAN device's half of v's remote MAC: the bridge's entry is a local port's now
 * (a delete with NTF_MASTER would fail on it and leave the VXLAN entry behind). */
void kreq_mac_self_del(struct kreq *k, const struct vni *v, const uint8_t mac[6], uint16_t vtep);
/* After a two-half delete f (NTF_SELF|NTF_MASTER) was refused with ENOENT: the bridge's half was
 * missing, and the kernel stops there, so delete the VXLAN device's half alone. */
void kreq_mac_self_del_again(struct kreq *k, const struct nl_fdb *f);
/* A flood entry (append or delete) on the device of okey toward VTEP index vtep. */
void kreq_flood(struct kreq *k, enum nl_op op, int okey, uint16_t vtep);
/* The key the kernel knows a remote MAC by on okey's device (ifindex, MAC, source VNI on a shared
 * device), for a GET (nl_fdb_probe_async). False when okey's VNI is gone. */
bool kreq_mac_key(const struct kreq *k, int okey, const uint8_t mac[6], struct nl_fdb *f);
/* Delete a flood entry known by its address (a previous run's, krecord.h). */
void kreq_flood_del_addr(struct kreq *k, int okey, const struct nl_addr *dst);
/* Delete the bridge's learned entry of mac on port (VLAN vlan on a VLAN-aware bridge). */
void kreq_bridge_del(struct kreq *k, int port, uint16_t vlan, const uint8_t mac[6]);
/* An ARP/ND suppression entry ip -> mac on bridge (replace or delete). */
void kreq_neigh(struct kreq *k, enum nl_op op, int bridge, const struct ipaddr *ip,
		const uint8_t mac[6]);
/* A routed tenant's router-MAC entry toward a VTEP (FRR 8.4's encodings, docs/wire.md "Symmetric
 * IRB"): the FDB entry rmac -> vtep on the L3 VNI's VXLAN device vxlan, both halves in one
 * request (NTF_SELF|NTF_MASTER|NTF_EXT_LEARNED, NDA_MASTER bridge); op NL_FDB_REPLACE or
 * NL_FDB_DEL. Not recorded (krecord.h holds L2 entries only). */
void kreq_rmac_fdb(struct kreq *k, enum nl_op op, int vxlan, int bridge, const uint8_t rmac[6],
		   const struct nl_addr *vtep);
/* The neighbour gw -> rmac (NUD_NOARP, extern_learn) on the L3 VNI's bridge that a tenant route
 * via gw resolves through; op NL_NEIGH_REPLACE or NL_NEIGH_DEL. */
void kreq_rmac_neigh(struct kreq *k, enum nl_op op, int bridge, const struct nl_addr *gw,
		     const uint8_t rmac[6]);
/* A route dst/plen in table via gw onlink on bridge (NL_ROUTE_REPLACE), or its removal
 * (NL_ROUTE_DEL). */
void kreq_route(struct kreq *k, enum nl_op op, uint32_t table, const struct nl_addr *dst,
		uint8_t plen, const struct nl_addr *gw, int bridge);
/* Turn neigh_suppress on for the bridge port vxlan. */
void kreq_port_suppress(struct kreq *k, int vxlan);

#endif
