/* SPDX-License-Identifier: Apache-2.0 */
/* RTM_NEWLINK/RTM_DELLINK -> struct nl_link: bridges, VXLAN devices and their ports. Every
 * attribute read is first validated for its exact size; a message that lies is ignored whole. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "nl_int.h"

struct attrs {
	const struct nlattr **tb;
	int max;
};

/* Keep the attribute if its type is in range; mnl_attr_parse has already checked that it lies
 * inside the message. Sizes are checked by the reader of each attribute. */
static int collect(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -1;
	*v = mnl_attr_get_u32(a);
	return 0;
}

static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return -1;
	*v = mnl_attr_get_u8(a);
	return 0;
}

/* A NUL-terminated string that fits in out (the kernel's names are at most IFNAMSIZ). */
static int get_str(const struct nlattr *a, char *out, size_t cap)
{
	size_t n;

	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return -1;
	/* validated: the payload's last byte is a NUL */
	n = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	if (n >= cap)
		return -1;
	memcpy(out, mnl_attr_get_payload(a), n + 1);
	return 0;
}

static int parse_vxlan(const struct nlattr *data, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_VXLAN_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_VXLAN_MAX };
	uint8_t u8;

	if (mnl_attr_parse_nested(data, collect, &t) != MNL_CB_OK)
		return -1;
	if (tb[IFLA_VXLAN_ID] && get_u32(tb[IFLA_VXLAN_ID], &l->vni) < 0)
		return -1;
	if (tb[IFLA_VXLAN_LOCAL]) {
		if (mnl_attr_validate2(tb[IFLA_VXLAN_LOCAL], MNL_TYPE_BINARY, 4) < 0)
			return -1;
		l->local.af = AF_INET;
		memcpy(l->local.a, mnl_attr_get_payload(tb[IFLA_VXLAN_LOCAL]), 4);
	}
	if (tb[IFLA_VXLAN_LOCAL6]) {
		if (mnl_attr_validate2(tb[IFLA_VXLAN_LOCAL6], MNL_TYPE_BINARY, 16) < 0)
			return -1;
		l->local.af = AF_INET6;
		memcpy(l->local.a, mnl_attr_get_payload(tb[IFLA_VXLAN_LOCAL6]), 16);
	}
	if (tb[IFLA_VXLAN_PORT]) {
		if (mnl_attr_validate(tb[IFLA_VXLAN_PORT], MNL_TYPE_U16) < 0)
			return -1;
		l->dstport = ntohs(mnl_attr_get_u16(tb[IFLA_VXLAN_PORT]));
	}
	if (tb[IFLA_VXLAN_LEARNING]) {
		if (get_u8(tb[IFLA_VXLAN_LEARNING], &u8) < 0)
			return -1;
		l->learning = u8 != 0;
	}
	if (tb[IFLA_VXLAN_COLLECT_METADATA]) {
		if (get_u8(tb[IFLA_VXLAN_COLLECT_METADATA], &u8) < 0)
			return -1;
		l->external = u8 != 0;
	}
	if (tb[IFLA_VXLAN_VNIFILTER]) {
		if (get_u8(tb[IFLA_VXLAN_VNIFILTER], &u8) < 0)
			return -1;
		l->vnifilter = u8 != 0;
	}
	return 0;
}

static int parse_bridge(const struct nlattr *data, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_BR_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_BR_MAX };
	uint8_t u8;

	if (mnl_attr_parse_nested(data, collect, &t) != MNL_CB_OK)
		return -1;
	if (tb[IFLA_BR_VLAN_FILTERING]) {
		if (get_u8(tb[IFLA_BR_VLAN_FILTERING], &u8) < 0)
			return -1;
		l->vlan_filtering = u8 != 0;
	}
	return 0;
}

static int parse_vrf(const struct nlattr *data, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_VRF_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_VRF_MAX };

	if (mnl_attr_parse_nested(data, collect, &t) != MNL_CB_OK)
		return -1;
	if (tb[IFLA_VRF_TABLE] && get_u32(tb[IFLA_VRF_TABLE], &l->vrf_table) < 0)
		return -1;
	return 0;
}

static int parse_linkinfo(const struct nlattr *info, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_INFO_MAX };
	char kind[32];

	if (mnl_attr_parse_nested(info, collect, &t) != MNL_CB_OK)
		return -1;
	if (!tb[IFLA_INFO_KIND])
		return 0;
	if (get_str(tb[IFLA_INFO_KIND], kind, sizeof(kind)) < 0)
		return 0; /* a kind we cannot name is simply not one of ours */
	if (strcmp(kind, "bridge") == 0)
		l->kind = NL_LINK_BRIDGE;
	else if (strcmp(kind, "vxlan") == 0)
		l->kind = NL_LINK_VXLAN;
	else if (strcmp(kind, "vrf") == 0)
		l->kind = NL_LINK_VRF;
	/* the data's layout depends on the kind: read it only once the kind is known */
	if (l->kind == NL_LINK_VXLAN && tb[IFLA_INFO_DATA])
		return parse_vxlan(tb[IFLA_INFO_DATA], l);
	if (l->kind == NL_LINK_BRIDGE && tb[IFLA_INFO_DATA])
		return parse_bridge(tb[IFLA_INFO_DATA], l);
	if (l->kind == NL_LINK_VRF && tb[IFLA_INFO_DATA])
		return parse_vrf(tb[IFLA_INFO_DATA], l);
	return 0;
}

int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_MAX };
	struct ifinfomsg ifi;
	uint32_t master;

	memset(l, 0, sizeof(*l));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
		return -1;
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (ifi.ifi_index <= 0)
		return -1;
	/* AF_BRIDGE link messages are the bridge's per-port view (brport.c reads their VLAN tunnel
	 * map): no link info, and their DELLINK only means "left the bridge"; the AF_UNSPEC message
	 * that comes with them says the rest */
	if (ifi.ifi_family == AF_BRIDGE)
		return 1;
	l->ifindex = ifi.ifi_index;
	l->up = (ifi.ifi_flags & IFF_UP) != 0;
	if (mnl_attr_parse(nlh, sizeof(ifi), collect, &t) != MNL_CB_OK)
		return -1;
	if (tb[IFLA_IFNAME] && get_str(tb[IFLA_IFNAME], l->name, sizeof(l->name)) < 0)
		return -1;
	if (tb[IFLA_MASTER]) {
		if (get_u32(tb[IFLA_MASTER], &master) < 0)
			return -1;
		l->master = (int)master;
	}
	/* non-Ethernet links carry 4- or 16-byte addresses (tunnels) or none: only 6 is a MAC */
	if (tb[IFLA_ADDRESS] && mnl_attr_validate2(tb[IFLA_ADDRESS], MNL_TYPE_BINARY, 6) == 0)
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_LINKINFO] && parse_linkinfo(tb[IFLA_LINKINFO], l) < 0)
		return -1;
	return 0;
}
