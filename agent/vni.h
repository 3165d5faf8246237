/*
 * The VNI table, built from link events: every VXLAN device with a VNI, enslaved to a bridge,
 * forms a VNI. Links are kept in a table indexed by ifindex (so a bridge port's master is known),
 * VNIs in a hash by VNI; lookups by VNI, VXLAN ifindex and bridge ifindex are O(1).
 */
#ifndef EVPND_AGENT_VNI_H
#define EVPND_AGENT_VNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nl.h"
#include "types.h"

struct attrs;

struct vni {
	uint32_t vni;
	int vxlan;                 /* ifindex of the VXLAN device */
	int bridge;                /* ifindex of its master, 0 when not enslaved */
	char name[16];
	struct nl_addr local;      /* the device's local address (af 0: none) */
	struct ipaddr vtep;        /* local, else [global] vtep-ip; af 0: unknown */
	uint16_t dstport;
	bool up;                   /* the VXLAN device is up */
	bool attached;             /* enslaved to an existing bridge: remote entries can be installed */
	bool active;               /* attached, device and bridge up, VTEP known: routes advertised */
	bool warned_learning, warned_nolocal, warned_bridge;
	struct rd rd;              /* from originate_build: [vni N] or auto */
	uint8_t nrt;
	uint64_t rt[CFG_MAX_RT];   /* the export set: what local routes carry */
	uint8_t nimp;
	uint64_t imp[CFG_MAX_RT];  /* the import set: remote routes need one of these (rt_filter.h) */
	uint32_t nlocal;           /* local MACs advertised */
	uint32_t nremote;          /* remote MACs installed */
	uint64_t nrefused;         /* FDB requests the kernel refused on its device (retried) */
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
};

enum vt_event {
	VT_ATTACH,     /* remote entries can now be installed (vxlan and bridge known) */
	VT_DETACH,     /* no longer: the device left its bridge or went away */
	VT_ACTIVATE,   /* advertise the VNI's type-3 route and its local MACs */
	VT_DEACTIVATE, /* withdraw them */
};

struct vni_tab {
	const struct config *cfg;
	struct vt_link *links;     /* indexed by ifindex */
	size_t nlinks;
	struct vni **hash;         /* VT_HASH buckets */
	size_t count;
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
/* Lookups; NULL when absent. */
struct vni *vt_by_vni(const struct vni_tab *vt, uint32_t vni);
struct vni *vt_by_vxlan(const struct vni_tab *vt, int ifindex);
struct vni *vt_by_bridge(const struct vni_tab *vt, int ifindex);
/* The link with ifindex, or NULL. */
const struct vt_link *vt_link(const struct vni_tab *vt, int ifindex);
/* Call cb for every VNI, in no particular order. */
void vt_walk(const struct vni_tab *vt, void (*cb)(void *ctx, struct vni *v), void *ctx);
/* Whether a remote route with attributes a may be installed into v: it carries one of v's
 * import route targets, or none at all (rtf_accepts). */
bool vni_imports(const struct vni *v, const struct attrs *a);
/* Convert between the netlink and BGP address types. */
void vt_addr_to_ip(const struct nl_addr *a, struct ipaddr *ip);
void vt_ip_to_addr(const struct ipaddr *ip, struct nl_addr *a);

#endif
