/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local routes into the RIB: what the engine decided to advertise, as EVPN routes of a VNI (RD,
 * route targets and next hop from originate.h). Decides nothing. Without a speaker (unit tests)
 * every call does nothing and reports success for a withdrawal, failure for an advertisement.
 */
#ifndef EVPND_EVPN_ADVERTISE_H
#define EVPND_EVPN_ADVERTISE_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

struct bgp;
struct config;
struct vni;

struct adv {
	struct bgp *bgp;            /* NULL: nothing is advertised */
	const struct config *cfg;
};

/* Advertise v's type-2 route for mac (ip NULL: MAC only; else MAC+IP), static (RFC 7432 section
 * 15.2) when sticky, with the MAC mobility community when seq is not 0; replaces a route of the
 * same key in place. -1 (logged) when it cannot be built or the speaker refused it. */
int adv_mac(const struct adv *ad, const struct vni *v, const uint8_t mac[6], const struct ipaddr *ip,
	    bool sticky, uint32_t seq);
/* Withdraw v's type-2 route for mac (and ip). */
void adv_mac_withdraw(const struct adv *ad, const struct vni *v, const uint8_t mac[6],
		      const struct ipaddr *ip);
/* Advertise (or replace) the type-5 route of a routed tenant's prefix/plen: RD and route targets of
 * the [vrf] whose L3 VNI is l3vni, label l3vni, next hop vtep, Router's MAC rmac. -1 (logged) when
 * it cannot be built or the speaker refused it. */
int adv_prefix(const struct adv *ad, uint32_t l3vni, const struct ipaddr *vtep,
	       const struct ipaddr *prefix, uint8_t plen, const uint8_t rmac[6]);
/* Withdraw that route, as advertised with RD rd. */
void adv_prefix_withdraw(const struct adv *ad, uint32_t l3vni, const struct rd *rd,
			 const struct ipaddr *prefix, uint8_t plen);
/* (Re-)advertise v's type-3 route with its current RD and route targets. */
void adv_type3(const struct adv *ad, const struct vni *v);
/* Withdraw v's type-3 route. */
void adv_type3_withdraw(const struct adv *ad, const struct vni *v);

#endif
