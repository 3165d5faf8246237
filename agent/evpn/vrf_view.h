/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A routed tenant as the kernel has it, for `evpnctl show vrfs` (RFC 9135 symmetric IRB, the model
 * FRR and Proxmox build; evpnd discovers it, never creates it): a VRF device named as its [vrf]
 * section; the L3 VNI's VXLAN device in a bridge (whose MAC is this hypervisor's router MAC)
 * enslaved to that VRF; and the L2 VNIs whose bridges (the anycast gateways' SVIs) are enslaved to
 * it too. Read from the link table only (vni.h); pure, no side effects.
 */
#ifndef EVPND_EVPN_VRF_VIEW_H
#define EVPND_EVPN_VRF_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "vni.h"

struct vrf_view {
	const struct cfg_vrf *c;
	int vrf;                   /* the VRF device's ifindex (0: none of that name) */
	uint32_t table;            /* its routing table */
	bool vrf_up;
	int vxlan;                 /* the L3 VNI's VXLAN device (0: none with that VNI) */
	bool vxlan_up;
	int bridge;                /* its bridge (0: not in one) */
	bool bridge_up;
	uint8_t router_mac[6];     /* the bridge's address */
	bool bridge_in_vrf;        /* the bridge's master is the VRF */
	bool up;                   /* all of the above present, up and in place */
	char why[128];             /* when not up: what is missing, for the operator */
};

/* What the kernel has of tenant c (the links in vt). */
void vrf_view(const struct vni_tab *vt, const struct cfg_vrf *c, struct vrf_view *out);
/* The L2 VNIs whose bridge is enslaved to VRF device vrf (ifindex), in VNI order: how many there
 * are (at most cap are written to out). */
size_t vrf_l2_vnis(const struct vni_tab *vt, int vrf, uint32_t *out, size_t cap);

#endif
