/* SPDX-License-Identifier: Apache-2.0 */
/* AF_BRIDGE neighbour messages <-> struct nl_fdb.
 *
 * The encodings evpnd uses (FRR 8.4's, see docs/wire.md), all family AF_BRIDGE:
 *   remote MAC   NL_FDB_REPLACE on the VXLAN device, state NUD_REACHABLE,
 *                flags NTF_SELF|NTF_MASTER|NTF_EXT_LEARNED, dst = remote VTEP, master = the bridge:
 *                one request gives the "self extern_learn" VXLAN entry and the "extern_learn master"
 *                bridge entry; NL_FDB_DEL with the same flags removes both.
 *   sticky MAC   the same with NTF_STICKY and NUD_REACHABLE|NUD_NOARP (the VXLAN driver refuses
 *                NUD_NOARP alone with EINVAL, whatever earlier notes said; docs/wire.md).
 *   flood entry  NL_FDB_APPEND, MAC 00:00:00:00:00:00, state NUD_NOARP|NUD_PERMANENT, flags NTF_SELF,
 *                dst = remote VTEP; NL_FDB_DEL removes one dst at a time.
 *   VLAN-aware bridge with one external VXLAN device: the same, plus NDA_SRC_VNI = the VNI (the
 *                VXLAN entry's key beside the MAC) and NDA_VLAN = its VLAN (the bridge entry's).
 * NDA_PROTOCOL is sent when set and accepted, but kernel 6.18 keeps it for neither the VXLAN nor
 * the bridge entry (a dump after an add with 186 reports none; iproute2 6.1 prints no "proto"), so
 * evpnd recognises its own entries by NTF_EXT_LEARNED on a VXLAN device it manages, and its flood
 * entries (zero MAC, NTF_SELF, permanent) by their dst.
 * In dumps and events the bridge's entry has NDA_MASTER set and NOT NTF_MASTER (flags carry only
 * NTF_EXT_LEARNED/NTF_STICKY...); the VXLAN device's entry has NTF_SELF and no NDA_MASTER.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

struct fdb_parse {
	struct nl_fdb *f;
	bool has_mac;
};

/* One attribute: exact size first, then the value. A wrong size fails the whole message. */
static int fdb_attr(const struct nlattr *a, void *data)
{
	struct fdb_parse *p = data;
	struct nl_fdb *f = p->f;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case NDA_LLADDR:
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, 6) < 0)
			return MNL_CB_ERROR;
		memcpy(f->mac, mnl_attr_get_payload(a), 6);
		p->has_mac = true;
		break;
	case NDA_DST:
		if (len != 4 && len != 16)
			return MNL_CB_ERROR;
		if (mnl_attr_validate2(a, MNL_TYPE_BINARY, len) < 0)
			return MNL_CB_ERROR;
		f->dst.af = len == 4 ? AF_INET : AF_INET6;
		memcpy(f->dst.a, mnl_attr_get_payload(a), len);
		break;
	case NDA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		f->master = (int)mnl_attr_get_u32(a);
		break;
	case NDA_VLAN:
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		f->vlan = mnl_attr_get_u16(a);
		break;
	case NDA_VNI:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		f->vni = mnl_attr_get_u32(a);
		break;
	case NDA_SRC_VNI:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		f->src_vni = mnl_attr_get_u32(a);
		break;
	case NDA_PROTOCOL:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		f->protocol = mnl_attr_get_u8(a);
		break;
	default:
		break; /* NDA_CACHEINFO, NDA_PORT, NDA_FLAGS_EXT...: not needed, not read */
	}
	return MNL_CB_OK;
}

int nl_fdb_parse(const struct nlmsghdr *nlh, struct nl_fdb *f)
{
	struct fdb_parse p = { f, false };
	struct ndmsg ndm;

	memset(f, 0, sizeof(*f));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ndm))
		return -1;
	memcpy(&ndm, mnl_nlmsg_get_payload(nlh), sizeof(ndm));
	if (ndm.ndm_family != AF_BRIDGE)
		return 1;
	if (ndm.ndm_ifindex <= 0)
		return -1;
	f->ifindex = ndm.ndm_ifindex;
	f->state = ndm.ndm_state;
	f->flags = ndm.ndm_flags;
	if (mnl_attr_parse(nlh, sizeof(ndm), fdb_attr, &p) != MNL_CB_OK)
		return -1;
	return p.has_mac ? 0 : -1;
}

int nl_fdb_encode(void *buf, size_t cap, enum nl_op op, const struct nl_fdb *f, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

	if (cap < NL_FDB_REQ_MAX)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	switch (op) {
	case NL_FDB_REPLACE:
		nlh->nlmsg_type = RTM_NEWNEIGH;
		flags |= NLM_F_CREATE | NLM_F_REPLACE;
		break;
	case NL_FDB_APPEND:
		nlh->nlmsg_type = RTM_NEWNEIGH;
		flags |= NLM_F_CREATE | NLM_F_APPEND;
		break;
	case NL_FDB_DEL:
		nlh->nlmsg_type = RTM_DELNEIGH;
		break;
	default:
		return -1;
	}
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = f->ifindex;
	ndm->ndm_state = f->state;
	ndm->ndm_flags = f->flags;
	mnl_attr_put(nlh, NDA_LLADDR, 6, f->mac);
	if (f->dst.af == AF_INET)
		mnl_attr_put(nlh, NDA_DST, 4, f->dst.a);
	else if (f->dst.af == AF_INET6)
		mnl_attr_put(nlh, NDA_DST, 16, f->dst.a);
	if (f->master)
		mnl_attr_put_u32(nlh, NDA_MASTER, (uint32_t)f->master);
	if (f->vlan)
		mnl_attr_put_u16(nlh, NDA_VLAN, f->vlan);
	if (f->vni)
		mnl_attr_put_u32(nlh, NDA_VNI, f->vni);
	if (f->src_vni)
		mnl_attr_put_u32(nlh, NDA_SRC_VNI, f->src_vni);
	if (f->protocol)
		mnl_attr_put_u8(nlh, NDA_PROTOCOL, f->protocol);
	/* 16 + 12 + 12 (lladdr) + 20 (dst6) + 5 x 8 = 100 bytes at most: NL_FDB_REQ_MAX holds it */
	return (int)nlh->nlmsg_len;
}
