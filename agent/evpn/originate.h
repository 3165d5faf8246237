/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local EVPN routes: a request's fields (struct orig_req: from the engine's local MACs, or from a
 * control request, control/route_req.h) become an EVPN NLRI plus an attribute template for
 * bgp_local_add, with the RD, route targets and next hop the configuration gives by default.
 */
#ifndef EVPND_EVPN_ORIGINATE_H
#define EVPND_EVPN_ORIGINATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "config.h"
#include "types.h"

#define VNI_MAX 16777215u
/* Type 2 with IPv6 and two labels is 2 + 58 bytes. */
#define ORIG_EVPN_NLRI_MAX 64

/* The fields of an add-/del-macadv or add-/del-multicast request, checked. */
struct orig_req {
	uint8_t type;             /* EVPN_RT_MACIP, EVPN_RT_IMET or EVPN_RT_PREFIX */
	struct mac mac;           /* type 2 */
	struct ipaddr ip;         /* type 2: optional (af 0); type 3: originator and tunnel endpoint;
				   * type 5: the prefix */
	uint8_t plen;             /* type 5: the prefix length */
	uint32_t vni;             /* type 5: the L3 VNI (its [vrf]'s RD and RTs, the label) */
	bool has_rd;
	struct rd rd;
	unsigned nrt;             /* 0: the default route targets */
	uint64_t rt[CFG_MAX_RT];
	struct ipaddr nexthop;    /* af 0: the default next hop */
	uint32_t etag;
	bool has_seq;
	uint32_t seq;
	bool sticky;
	/* type 2 with an IP in a routed tenant's L2 VNI (RFC 9135 symmetric IRB): label 2 is the L3
	 * VNI, the route also carries the VRF's export route targets and the Router's MAC community;
	 * type 5 carries rmac as its Router's MAC */
	uint32_t l3vni;           /* 0: none */
	struct mac rmac;
};

/* A built local EVPN route: its NLRI and an attribute template (not interned) that points into
 * this struct, so it must not be copied while the template is in use. */
struct orig_route {
	uint8_t nlri[ORIG_EVPN_NLRI_MAX];
	size_t len;
	struct attrs a;
	uint64_t ext[2 * CFG_MAX_RT + 3]; /* the VNI's RTs, the VRF's, encapsulation, mobility, router MAC */
};

/* Build the NLRI and attributes of rq, filling defaults from cfg. -1 with a message in err. */
int originate_build(const struct config *cfg, const struct orig_req *rq, struct orig_route *out,
		    char *err, size_t errlen);
/* A VNI's route distinguisher as its local routes carry it: [vni N] rd, else router-id:VNI (RFC
 * 7432 section 7.9). -1 with a message in err when VNI needs an rd the automatic one cannot hold. */
int originate_rd(const struct config *cfg, uint32_t vni, struct rd *rd, char *err, size_t errlen);

#endif
