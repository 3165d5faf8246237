/* SPDX-License-Identifier: Apache-2.0 */
/* AF_BRIDGE RTM_NEWLINK/RTM_DELLINK -> a bridge port's VLAN-to-VNI tunnel map.
 *
 * The bridge reports a port's VLAN information (IFLA_AF_SPEC) in its own notifications (filter
 * RTEXT_FILTER_BRVLAN_COMPRESSED) and in dumps asked with RTEXT_FILTER_BRVLAN; the tunnel entries
 * (IFLA_BRIDGE_VLAN_TUNNEL_INFO) come only for a port with vlan_tunnel on, and consecutive VLANs
 * mapped to consecutive VNIs arrive as one range (a RANGE_BEGIN entry, then a RANGE_END entry).
 * A message without IFLA_AF_SPEC says nothing about VLANs (rtnl_bridge_notify sends such ones):
 * it is not a map, and must not empty one.
 */
#include <string.h>
#include <sys/socket.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

#define VNI_MAX 0xffffffu

struct tun_entry {
	uint32_t vni;
	uint16_t vid, flags;
	bool has_vni, has_vid;
};

static int tun_attr(const struct nlattr *a, void *data)
{
	struct tun_entry *t = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_BRIDGE_VLAN_TUNNEL_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		t->vni = mnl_attr_get_u32(a);
		t->has_vni = true;
		break;
	case IFLA_BRIDGE_VLAN_TUNNEL_VID:
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		t->vid = mnl_attr_get_u16(a);
		t->has_vid = true;
		break;
	case IFLA_BRIDGE_VLAN_TUNNEL_FLAGS:
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		t->flags = mnl_attr_get_u16(a);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

struct spec_parse {
	struct nl_vlan_tunnel *m;
	size_t cap, n;
	bool in_range;          /* a RANGE_BEGIN entry waits for its RANGE_END */
	struct tun_entry begin;
};

static bool valid_vid(uint16_t vid)
{
	return vid >= 1 && vid <= 4094;
}

static int push(struct spec_parse *p, uint16_t vid, uint32_t vni)
{
	if (p->n == p->cap || !valid_vid(vid) || !vni || vni > VNI_MAX)
		return MNL_CB_ERROR;
	p->m[p->n].vlan = vid;
	p->m[p->n++].vni = vni;
	return MNL_CB_OK;
}

static int spec_attr(const struct nlattr *a, void *data)
{
	struct spec_parse *p = data;
	struct tun_entry t;

	if (mnl_attr_get_type(a) != IFLA_BRIDGE_VLAN_TUNNEL_INFO)
		return MNL_CB_OK; /* flags, VLAN info, MRP, CFM...: not needed */
	memset(&t, 0, sizeof t);
	if (mnl_attr_parse_nested(a, tun_attr, &t) != MNL_CB_OK || !t.has_vni || !t.has_vid)
		return MNL_CB_ERROR;
	if (t.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
		if (p->in_range)
			return MNL_CB_ERROR;
		p->in_range = true;
		p->begin = t;
		return MNL_CB_OK;
	}
	if (t.flags & BRIDGE_VLAN_INFO_RANGE_END) {
		const struct tun_entry *b = &p->begin;
		if (!p->in_range || t.vid < b->vid || t.vni < b->vni ||
		    (uint32_t)(t.vid - b->vid) != t.vni - b->vni)
			return MNL_CB_ERROR;
		p->in_range = false;
		for (uint32_t i = 0; i <= (uint32_t)(t.vid - b->vid); i++)
			if (push(p, (uint16_t)(b->vid + i), b->vni + i) != MNL_CB_OK)
				return MNL_CB_ERROR;
		return MNL_CB_OK;
	}
	if (p->in_range)
		return MNL_CB_ERROR;
	return push(p, t.vid, t.vni);
}

struct top_parse {
	const struct nlattr *spec;
};

static int top_attr(const struct nlattr *a, void *data)
{
	struct top_parse *t = data;

	if (mnl_attr_get_type(a) == IFLA_AF_SPEC)
		t->spec = a;
	return MNL_CB_OK;
}

int nl_brport_parse(const struct nlmsghdr *nlh, int *ifindex, struct nl_vlan_tunnel *m, size_t cap,
		    size_t *n)
{
	struct ifinfomsg ifi;
	struct top_parse top = { NULL };
	struct spec_parse p = { m, cap, 0, false, { 0 } };

	*n = 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
		return -1;
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (ifi.ifi_family != AF_BRIDGE)
		return 1;
	if (ifi.ifi_index <= 0)
		return -1;
	*ifindex = ifi.ifi_index;
	if (nlh->nlmsg_type == RTM_DELLINK)
		return 0; /* the port left its bridge: no map */
	if (mnl_attr_parse(nlh, sizeof(ifi), top_attr, &top) != MNL_CB_OK)
		return -1;
	if (!top.spec)
		return 1;
	if (mnl_attr_parse_nested(top.spec, spec_attr, &p) != MNL_CB_OK || p.in_range)
		return -1;
	*n = p.n;
	return 0;
}
