/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VNI table, built from link events. Two models of the kernel side:
 *  - bridge per VNI: every VXLAN device with a VNI, enslaved to a bridge, forms a VNI;
 *  - VLAN-aware bridge with one external (collect-metadata, optionally vnifilter) VXLAN device:
 *    each VLAN-to-VNI tunnel mapping of that device's bridge port forms a VNI (vlan != 0).
 * Links are kept in a table indexed by ifindex (so a bridge port's master is known), VNIs in a
 * hash by VNI; lookups by VNI, by device and by (device, VLAN) are O(1).
 *
 * The engine's tables key a VNI's entries by two ints: okey for the remote entries it installs
 * (the VXLAN ifindex; -VNI on a shared device) and lkey for the local MACs of its bridge (the
 * bridge ifindex; on a VLAN-aware bridge a (bridge, VLAN) domain, negative, so local MACs of a VLAN
 * are kept while no VNI maps it, as a bridge's are while it has no VNI).
 */
#ifndef EVPND_EVPN_VNI_H
#define EVPND_EVPN_VNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nl.h"
#include "rt_filter.h"
#include "types.h"

struct attrs;

struct vni {
	uint32_t vni;
	int vxlan;                 /* ifindex of the VXLAN device */
	int bridge;                /* ifindex of its master, 0 when not enslaved */
	uint16_t vlan;             /* VLAN-aware model: the VLAN mapped to it; 0: bridge per VNI */
	int okey;                  /* key of its installed entries (macs.h, flood.h) */
	int lkey;                  /* key of its bridge's local MACs (0: no bridge yet) */
	char name[16];
	struct nl_addr local;      /* the device's local address (af 0: none) */
	struct ipaddr vtep;        /* local, else [global] vtep-ip; af 0: unknown */
	uint16_t dstport;
	bool up;                   /* the VXLAN device is up */
	bool attached;             /* enslaved to an existing bridge: remote entries can be installed */
	bool active;               /* attached, device and bridge up, VTEP known: routes advertised */
	bool warned_learning, warned_nolocal, warned_bridge;
	struct rd rd;              /* originate_rd: [vni N] or auto */
	uint8_t nrt;
	uint64_t rt[CFG_MAX_RT];   /* the export set: what local routes carry */
	struct rt_import imp;      /* the import set: remote routes need one of these (rt_filter.h) */
	uint32_t nlocal;           /* local MACs advertised */
	uint32_t nremote;          /* remote MACs installed */
	uint64_t nrefused;         /* FDB requests the kernel refused on its device (retried) */
	/* its routed tenant (vrf_view.h), while that is up: its MAC+IP routes carry the L3 VNI as
	 * label 2, the VRF's route targets and the router MAC (VT_TENANT when this changes) */
	uint32_t l3vni;
	uint8_t rmac[6];
	struct vni *hnext;         /* hash chain by VNI */
};

/* A link as the table keeps it. */
struct vt_link {
	int ifindex;               /* 0: unused slot */
	int master;
	uint8_t kind;              /* enum nl_link_kind */
	bool up;
	bool seen;                 /* reported by the current dump */
	char name[16];
	struct vni *vni;           /* VXLAN: its VNI; bridge: the VNI it carries (NULL if none) */
	/* VLAN-aware model */
	bool external;             /* VXLAN: collect-metadata, VNIs from its VLAN tunnel map */
	bool vlan_filtering;       /* bridge: VLAN-aware */
	bool warned;               /* a warning about this link was logged */
	uint32_t dom;              /* bridge: its domain number in local keys (0: none yet) */
	struct vni **vlans;        /* external VXLAN or VLAN-aware bridge: VLAN -> VNI (NL_VLAN_MAX) */
	struct nl_link attrs;      /* external VXLAN: the device, for the VNIs of its map */
	uint8_t mac[6];            /* its address (a bridge's: the router MAC of an L3 VNI's) */
	uint32_t vrf_table;        /* VRF device: its routing table */
	uint32_t l3vni;            /* VXLAN device: the L3 VNI of a [vrf] it carries (never an L2 VNI) */
	struct nl_addr local;      /* VXLAN device: its local (VTEP) address, af 0 when unset */
};

enum vt_event {
	VT_ATTACH,     /* remote entries can now be installed (vxlan and bridge known) */
	VT_DETACH,     /* no longer: the device left its bridge or went away */
	VT_ACTIVATE,   /* advertise the VNI's type-3 route and its local MACs */
	VT_DEACTIVATE, /* withdraw them */
	VT_TENANT,     /* its routed tenant (l3vni, rmac) changed: its MAC+IP routes are built anew */
};

#define VT_HASH 1024          /* buckets of the VNI hash */

struct vni_tab {
	const struct config *cfg;
	struct vt_link *links;     /* indexed by ifindex */
	size_t nlinks;
	struct vni **hash;         /* VT_HASH buckets */
	size_t count;
	int *doms;                 /* domain number -> bridge ifindex (0: gone) */
	uint32_t ndoms, domcap;
	void (*event)(void *ctx, struct vni *v, enum vt_event ev);
	void *ctx;
};

/* An empty table; event is called for every state change (deactivations before detaches). */
int vt_init(struct vni_tab *vt, const struct config *cfg,
	    void (*event)(void *ctx, struct vni *v, enum vt_event ev), void *ctx);
/* Free every VNI and link (no events). */
void vt_free(struct vni_tab *vt);
/* Apply a link event or dump entry. */
void vt_link_event(struct vni_tab *vt, const struct nl_link *l, bool deleted);
/* Before a link dump: forget which links were seen. */
void vt_mark(struct vni_tab *vt);
/* After a complete link dump: links it did not report went away while events were lost. */
void vt_sweep(struct vni_tab *vt);
/* Apply the VLAN tunnel map of bridge port ifindex (nl_hooks.vlan_map): on an external VXLAN
 * device, VNIs appear and go with their mappings. */
void vt_vlan_map(struct vni_tab *vt, int ifindex, const struct nl_vlan_tunnel *m, size_t n);
/* Lookups; NULL when absent. */
struct vni *vt_by_vni(const struct vni_tab *vt, uint32_t vni);
/* Bridge per VNI only: the VNI of a VXLAN device, the VNI a bridge carries. */
struct vni *vt_by_vxlan(const struct vni_tab *vt, int ifindex);
struct vni *vt_by_bridge(const struct vni_tab *vt, int ifindex);
/* Either model: the VNI of an owned-table key, of a local-table key. */
struct vni *vt_by_okey(const struct vni_tab *vt, int okey);
struct vni *vt_by_lkey(const struct vni_tab *vt, int lkey);
/* Either model: the VNI an FDB entry on a managed VXLAN device belongs to (the device's own
 * entries by their source VNI, the bridge's by their VLAN on a shared device). */
struct vni *vt_by_fdb(const struct vni_tab *vt, const struct nl_fdb *f);
/* The local-table key of a bridge FDB entry on bridge with VLAN vlan: the bridge, or its (bridge,
 * VLAN) domain when it is VLAN-aware; 0 when bridge is not a known bridge. */
int vt_lkey(struct vni_tab *vt, int bridge, uint16_t vlan);
/* The link with ifindex, or NULL. */
const struct vt_link *vt_link(const struct vni_tab *vt, int ifindex);
/* The ifindexes of every bridge port that is not a VXLAN device (where local MACs are learned),
 * at most max of them into out; returns how many there are (more than max: out is cut short). */
size_t vt_bridge_ports(const struct vni_tab *vt, int *out, size_t max);
/* Call cb for every VNI, in no particular order. */
void vt_walk(const struct vni_tab *vt, void (*cb)(void *ctx, struct vni *v), void *ctx);
/* Whether a remote route with attributes a may be installed into v: it carries one of v's
 * import route targets, or none at all (rtf_accepts). */
bool vni_imports(const struct vni *v, const struct attrs *a);
/* Convert between the netlink and BGP address types. */
void vt_addr_to_ip(const struct nl_addr *a, struct ipaddr *ip);
void vt_ip_to_addr(const struct ipaddr *ip, struct nl_addr *a);

#endif
