/* SPDX-License-Identifier: Apache-2.0 */
/* RTM_NEWADDR / RTM_DELADDR -> struct nl_ifaddr: the addresses of a routed tenant's devices are
 * its connected prefixes (type-5 routes out). IPv4 names its address IFA_LOCAL (IFA_ADDRESS is the
 * peer of a point-to-point link), IPv6 IFA_ADDRESS alone. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

struct addr_parse {
	uint8_t af;
	bool has_local, has_address;
	uint8_t local[16], address[16];
};

static int addr_attr(const struct nlattr *a, void *data)
{
	struct addr_parse *p = data;
	uint16_t len = mnl_attr_get_payload_len(a);
	size_t want = p->af == AF_INET ? 4 : 16;

	switch (mnl_attr_get_type(a)) {
	case IFA_LOCAL:
		if (len != want)
			return MNL_CB_ERROR;
		memcpy(p->local, mnl_attr_get_payload(a), want);
		p->has_local = true;
		break;
	case IFA_ADDRESS:
		if (len != want)
			return MNL_CB_ERROR;
		memcpy(p->address, mnl_attr_get_payload(a), want);
		p->has_address = true;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int nl_ifaddr_parse(const struct nlmsghdr *nlh, struct nl_ifaddr *out)
{
	struct addr_parse p;
	struct ifaddrmsg ifa;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifa))
		return -1;
	memcpy(&ifa, mnl_nlmsg_get_payload(nlh), sizeof(ifa));
	if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6)
		return 1;
	if (ifa.ifa_index == 0 || ifa.ifa_index > INT32_MAX ||
	    ifa.ifa_prefixlen > (ifa.ifa_family == AF_INET ? 32 : 128))
		return -1;
	p.af = ifa.ifa_family;
	if (mnl_attr_parse(nlh, sizeof(ifa), addr_attr, &p) != MNL_CB_OK)
		return -1;
	if (!p.has_local && !p.has_address)
		return -1;
	out->ifindex = (int)ifa.ifa_index;
	out->addr.af = ifa.ifa_family;
	memcpy(out->addr.a, p.has_local ? p.local : p.address, p.af == AF_INET ? 4 : 16);
	out->plen = ifa.ifa_prefixlen;
	out->scope = ifa.ifa_scope;
	return 0;
}
