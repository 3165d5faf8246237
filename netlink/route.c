/* SPDX-License-Identifier: Apache-2.0 */
/* Route requests into a VRF's table, and the routes a dump reports, as FRR 8.4's zebra installs a symmetric-IRB host or prefix
 * route (docs/wire.md, "Symmetric IRB"), except that the next hop is inline, not a nexthop object:
 *   RTM_NEWROUTE  NLM_F_CREATE | NLM_F_REPLACE; rtmsg family = the prefix's, dst_len, table
 *                 RT_TABLE_UNSPEC (the table goes in RTA_TABLE: VRF tables are above 255),
 *                 protocol NL_ROUTE_PROTO (bgp), scope universe, type unicast, flags RTNH_F_ONLINK
 *                 (the VTEP is not on br-l3's subnet: br-l3 has no address);
 *                 RTA_TABLE, RTA_DST (absent for a default route), RTA_PRIORITY NL_ROUTE_METRIC,
 *                 RTA_OIF, and RTA_GATEWAY (the same family) or RTA_VIA (the other one).
 *   RTM_DELROUTE  the same rtmsg and RTA_TABLE, RTA_DST, RTA_PRIORITY: without a next hop the
 *                 kernel deletes the route of that key whatever it points at.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "nl_int.h"

static size_t alen(uint8_t af)
{
	return af == AF_INET ? 4 : 16;
}

int nl_route_encode(void *buf, size_t cap, enum nl_op op, const struct nl_route *r, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (cap < NL_FDB_REQ_MAX || (op != NL_ROUTE_REPLACE && op != NL_ROUTE_DEL))
		return -1;
	if ((r->dst.af != AF_INET && r->dst.af != AF_INET6) || r->plen > alen(r->dst.af) * 8)
		return -1;
	if (op == NL_ROUTE_REPLACE && ((r->gw.af != AF_INET && r->gw.af != AF_INET6) || r->oif <= 0))
		return -1;
	memset(buf, 0, NL_FDB_REQ_MAX); /* attribute padding too: requests are byte-for-byte defined */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = op == NL_ROUTE_REPLACE ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (op == NL_ROUTE_REPLACE)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->dst.af;
	rtm->rtm_dst_len = r->plen;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = NL_ROUTE_PROTO;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->plen)
		mnl_attr_put(nlh, RTA_DST, alen(r->dst.af), r->dst.a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, NL_ROUTE_METRIC);
	if (op == NL_ROUTE_DEL)
		return (int)nlh->nlmsg_len;
	rtm->rtm_flags = RTNH_F_ONLINK;
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->gw.af == r->dst.af) {
		mnl_attr_put(nlh, RTA_GATEWAY, alen(r->gw.af), r->gw.a);
	} else {
		/* struct rtvia: the family, then the address */
		uint8_t via[2 + 16];
		uint16_t fam = r->gw.af;
		memcpy(via, &fam, 2);
		memcpy(via + 2, r->gw.a, alen(r->gw.af));
		mnl_attr_put(nlh, RTA_VIA, 2 + alen(r->gw.af), via);
	}
	/* 16 + 12 + 8 + 20 + 8 + 8 + 24 = 96 bytes at most: NL_FDB_REQ_MAX holds it */
	return (int)nlh->nlmsg_len;
}

struct route_parse {
	struct nl_route *r;
	size_t alen;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_parse *p = data;
	struct nl_route *r = p->r;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		if (len != p->alen)
			return MNL_CB_ERROR;
		memcpy(r->dst.a, mnl_attr_get_payload(a), len);
		break;
	case RTA_GATEWAY:
		if (len != p->alen)
			return MNL_CB_ERROR;
		r->gw.af = r->dst.af;
		memcpy(r->gw.a, mnl_attr_get_payload(a), len);
		break;
	case RTA_VIA: {
		uint16_t fam;
		if (len < 2)
			return MNL_CB_ERROR;
		memcpy(&fam, mnl_attr_get_payload(a), 2);
		if ((fam != AF_INET && fam != AF_INET6) || len != 2 + alen((uint8_t)fam))
			return MNL_CB_ERROR;
		r->gw.af = (uint8_t)fam;
		memcpy(r->gw.a, (const uint8_t *)mnl_attr_get_payload(a) + 2, len - 2);
		break;
	}
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0 || mnl_attr_get_u32(a) > INT32_MAX)
			return MNL_CB_ERROR;
		r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_PRIORITY:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		r->metric = mnl_attr_get_u32(a);
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		r->table = mnl_attr_get_u32(a);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *r)
{
	struct route_parse p = { r, 0 };
	struct rtmsg rtm;

	memset(r, 0, sizeof *r);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(rtm))
		return -1;
	memcpy(&rtm, mnl_nlmsg_get_payload(nlh), sizeof(rtm));
	if ((rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6) || rtm.rtm_type != RTN_UNICAST)
		return 1;
	p.alen = alen(rtm.rtm_family);
	if (rtm.rtm_dst_len > p.alen * 8)
		return -1;
	r->dst.af = rtm.rtm_family;
	r->plen = rtm.rtm_dst_len;
	r->table = rtm.rtm_table; /* RTA_TABLE, when present, holds the whole number */
	r->protocol = rtm.rtm_protocol;
	if (mnl_attr_parse(nlh, sizeof(rtm), route_attr, &p) != MNL_CB_OK)
		return -1;
	/* the prefix is its first plen bits (the kernel keeps no others; a reply cannot be trusted to) */
	for (unsigned b = r->plen; b < p.alen * 8; b++)
		r->dst.a[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return 0;
}
