/* SPDX-License-Identifier: Apache-2.0 */
/* Local routes into the RIB (advertise.h). */
#include "advertise.h"

#include <string.h>

#include "bgp.h"
#include "evpn.h"
#include "log.h"
#include "originate.h"
#include "vni.h"

/* Build a VNI's route: a MAC (or MAC+IP) route for mac, or its type-3 route when mac is NULL. */
static int build(const struct adv *ad, const struct vni *v, const uint8_t *mac,
		 const struct ipaddr *ip, bool sticky, uint32_t seq, struct orig_route *r)
{
	struct orig_req rq;
	char err[160];

	memset(&rq, 0, sizeof rq);
	rq.vni = v->vni;
	rq.nexthop = v->vtep;
	if (mac) {
		rq.type = EVPN_RT_MACIP;
		memcpy(rq.mac.b, mac, 6);
		if (ip) {
			rq.ip = *ip;
			rq.l3vni = v->l3vni; /* a routed tenant's: label 2, its RTs, the router MAC */
			memcpy(rq.rmac.b, v->rmac, 6);
		}
		rq.sticky = sticky;
		rq.has_seq = seq != 0; /* never moved: no community, as before mobility */
		rq.seq = seq;
	} else {
		rq.type = EVPN_RT_IMET;
		rq.ip = v->vtep; /* originator and PMSI tunnel endpoint */
	}
	if (originate_build(ad->cfg, &rq, r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u: %s", v->vni, err);
		return -1;
	}
	return 0;
}

int adv_mac(const struct adv *ad, const struct vni *v, const uint8_t mac[6], const struct ipaddr *ip,
	    bool sticky, uint32_t seq)
{
	struct orig_route r;
	char m[MAC_STRLEN], is[IPADDR_STRLEN];

	if (!ad->bgp || build(ad, v, mac, ip, sticky, seq, &r) < 0)
		return -1;
	if (bgp_local_add(ad->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0) {
		log_msg(LOG_WARNING, "VNI %u: cannot advertise %s%s%s", v->vni,
			mac_str((const struct mac *)mac, m), ip ? " " : "", ip ? ipaddr_str(ip, is) : "");
		return -1;
	}
	return 0;
}

void adv_mac_withdraw(const struct adv *ad, const struct vni *v, const uint8_t mac[6],
		      const struct ipaddr *ip)
{
	struct orig_route r;

	/* the key holds neither the sticky flag nor the sequence */
	if (ad->bgp && build(ad, v, mac, ip, false, 0, &r) == 0)
		bgp_local_del(ad->bgp, FAM_EVPN, r.nlri, r.len);
}

void adv_type3(const struct adv *ad, const struct vni *v)
{
	struct orig_route r;

	if (ad->bgp && build(ad, v, NULL, NULL, false, 0, &r) == 0 &&
	    bgp_local_add(ad->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0)
		log_msg(LOG_WARNING, "VNI %u: cannot advertise its type-3 route", v->vni);
}

void adv_type3_withdraw(const struct adv *ad, const struct vni *v)
{
	struct orig_route r;

	if (ad->bgp && build(ad, v, NULL, NULL, false, 0, &r) == 0)
		bgp_local_del(ad->bgp, FAM_EVPN, r.nlri, r.len);
}

static int build_prefix(const struct adv *ad, uint32_t l3vni, const struct ipaddr *vtep,
			const struct ipaddr *prefix, uint8_t plen, const uint8_t *rmac,
			const struct rd *rd, struct orig_route *r)
{
	struct orig_req rq;
	char err[160];

	memset(&rq, 0, sizeof rq);
	if (rd) {
		rq.has_rd = true;
		rq.rd = *rd;
	}
	rq.type = EVPN_RT_PREFIX;
	rq.vni = l3vni;
	rq.ip = *prefix;
	rq.plen = plen;
	if (vtep)
		rq.nexthop = *vtep;
	if (rmac)
		memcpy(rq.rmac.b, rmac, 6);
	if (originate_build(ad->cfg, &rq, r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "L3 VNI %u: %s", l3vni, err);
		return -1;
	}
	return 0;
}

int adv_prefix(const struct adv *ad, uint32_t l3vni, const struct ipaddr *vtep,
	       const struct ipaddr *prefix, uint8_t plen, const uint8_t rmac[6])
{
	struct orig_route r;
	char is[IPADDR_STRLEN];

	if (!ad->bgp || build_prefix(ad, l3vni, vtep, prefix, plen, rmac, NULL, &r) < 0)
		return -1;
	if (bgp_local_add(ad->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0) {
		log_msg(LOG_WARNING, "L3 VNI %u: cannot advertise %s/%u", l3vni, ipaddr_str(prefix, is),
			plen);
		return -1;
	}
	return 0;
}

void adv_prefix_withdraw(const struct adv *ad, uint32_t l3vni, const struct rd *rd,
			 const struct ipaddr *prefix, uint8_t plen)
{
	struct orig_route r;

	/* the key holds neither the next hop nor the router MAC */
	if (ad->bgp && build_prefix(ad, l3vni, NULL, prefix, plen, NULL, rd, &r) == 0)
		bgp_local_del(ad->bgp, FAM_EVPN, r.nlri, r.len);
}
