/* SPDX-License-Identifier: Apache-2.0 */
/* AF_INET/AF_INET6 neighbour messages <-> struct nl_neigh, and a bridge port's neigh_suppress.
 *
 * The encodings evpnd uses (FRR 8.4's zebra for remote MAC+IP routes):
 *   remote neighbour  NL_NEIGH_REPLACE on the bridge device (the kernel's ARP/ND proxy of a
 *                     neigh_suppress port looks the target up in the bridge's own neighbour table,
 *                     br_arp_nd_proxy.c), state NUD_NOARP, flags NTF_EXT_LEARNED, NDA_DST = the IP,
 *                     NDA_LLADDR = the MAC; NL_NEIGH_DEL with the same ifindex and IP removes it.
 *   neigh_suppress    RTM_SETLINK, ifinfomsg family AF_BRIDGE, index = the VXLAN port, attribute
 *                     IFLA_PROTINFO (nested) holding IFLA_BRPORT_NEIGH_SUPPRESS (u8), as
 *                     `bridge link set dev vx100 neigh_suppress on` sends it.
 */
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

struct neigh_parse {
	struct nl_neigh *n;
	bool has_dst;
};

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct neigh_parse *p = data;
	struct nl_neigh *n = p->n;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case NDA_DST:
		if ((n->ip.af == AF_INET && len != 4) || (n->ip.af == AF_INET6 && len != 16))
			return MNL_CB_ERROR;
		memcpy(n->ip.a, mnl_attr_get_payload(a), len);
		p->has_dst = true;
		break;
	case NDA_LLADDR:
		/* an incomplete entry has none; a non-Ethernet device has other sizes: not a MAC */
		if (len == 6) {
			memcpy(n->mac, mnl_attr_get_payload(a), 6);
			n->has_mac = true;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int nl_neigh_parse(const struct nlmsghdr *nlh, struct nl_neigh *n)
{
	struct neigh_parse p = { n, false };
	struct ndmsg ndm;

	memset(n, 0, sizeof(*n));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ndm))
		return -1;
	memcpy(&ndm, mnl_nlmsg_get_payload(nlh), sizeof(ndm));
	if (ndm.ndm_family != AF_INET && ndm.ndm_family != AF_INET6)
		return 1;
	if (ndm.ndm_ifindex <= 0)
		return -1;
	n->ifindex = ndm.ndm_ifindex;
	n->ip.af = ndm.ndm_family;
	n->state = ndm.ndm_state;
	n->flags = ndm.ndm_flags;
	if (mnl_attr_parse(nlh, sizeof(ndm), neigh_attr, &p) != MNL_CB_OK)
		return -1;
	return p.has_dst ? 0 : -1;
}

static int suppress_encode(struct nlmsghdr *nlh, const struct nl_neigh *n)
{
	struct ifinfomsg *ifi;
	struct nlattr *nest;

	nlh->nlmsg_type = RTM_SETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = n->ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_NEIGH_SUPPRESS, n->state ? 1 : 0);
	mnl_attr_nest_end(nlh, nest);
	return (int)nlh->nlmsg_len;
}

int nl_neigh_encode(void *buf, size_t cap, enum nl_op op, const struct nl_neigh *n, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	size_t alen = n->ip.af == AF_INET ? 4 : 16;

	if (cap < NL_FDB_REQ_MAX)
		return -1;
	memset(buf, 0, NL_FDB_REQ_MAX); /* attribute padding too: requests are byte-for-byte defined */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	switch (op) {
	case NL_PORT_SUPPRESS:
		return suppress_encode(nlh, n);
	case NL_NEIGH_REPLACE:
		nlh->nlmsg_type = RTM_NEWNEIGH;
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
		break;
	case NL_NEIGH_DEL:
		nlh->nlmsg_type = RTM_DELNEIGH;
		break;
	default:
		return -1;
	}
	if (n->ip.af != AF_INET && n->ip.af != AF_INET6)
		return -1;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = n->ip.af;
	ndm->ndm_ifindex = n->ifindex;
	ndm->ndm_state = n->state;
	ndm->ndm_flags = n->flags;
	mnl_attr_put(nlh, NDA_DST, alen, n->ip.a);
	if (op == NL_NEIGH_REPLACE && n->has_mac)
		mnl_attr_put(nlh, NDA_LLADDR, 6, n->mac);
	/* 16 + 12 + 20 (dst6) + 12 (lladdr) = 60 bytes: NL_FDB_REQ_MAX holds it */
	return (int)nlh->nlmsg_len;
}
