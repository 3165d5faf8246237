/* SPDX-License-Identifier: Apache-2.0 */
/* Extended communities (RFC 4360, RFC 5668, RFC 7432 section 7, RFC 8365): constructors and text. */
#include <stdio.h>
#include <string.h>

#include "attr.h"

bool extc_is_rt(uint64_t c)
{
	uint16_t t = extc_type(c);
	return t == EXTC_RT_AS2 || t == EXTC_RT_IP4 || t == EXTC_RT_AS4;
}

/* A route target's value has the same layout as the RD of the same type number (RFC 4364 4.2). */
int extc_rt_parse(const char *s, uint64_t *out)
{
	struct rd rd;
	uint64_t v = 0;
	if (rd_parse(s, &rd))
		return -1;
	for (int i = 2; i < 8; i++)
		v = v << 8 | rd.b[i];
	*out = (uint64_t)rd.b[1] << 56 | (uint64_t)0x02 << 48 | v;
	return 0;
}

uint64_t extc_rt_make(uint32_t asn, uint32_t num)
{
	if (asn <= 0xffff)
		return (uint64_t)EXTC_RT_AS2 << 48 | (uint64_t)asn << 32 | num;
	return (uint64_t)EXTC_RT_AS4 << 48 | (uint64_t)asn << 16 | (num & 0xffff);
}

uint64_t extc_encap(uint16_t tunnel_type)
{
	return (uint64_t)EXTC_ENCAP << 48 | tunnel_type;
}

/* RFC 7432 section 7.7: flags (bit 0 sticky), reserved, 32-bit sequence number */
uint64_t extc_mac_mobility(uint32_t seq, bool sticky)
{
	return (uint64_t)EXTC_MAC_MOBILITY << 48 | (uint64_t)(sticky ? 1 : 0) << 40 | seq;
}

uint64_t extc_router_mac(const struct mac *m)
{
	uint64_t v = (uint64_t)EXTC_ROUTER_MAC << 48;
	for (int i = 0; i < 6; i++)
		v |= (uint64_t)m->b[i] << (40 - 8 * i);
	return v;
}

uint64_t extc_default_gw(void)
{
	return (uint64_t)EXTC_DEFAULT_GW << 48;
}

const char *extc_rt_str(uint64_t c, char *buf, size_t cap)
{
	uint32_t v32 = (uint32_t)c;
	unsigned v16 = (unsigned)(c & 0xffff);
	uint32_t mid = (uint32_t)(c >> 16);
	switch (extc_type(c)) {
	case EXTC_RT_AS2:
		snprintf(buf, cap, "%u:%u", (unsigned)((c >> 32) & 0xffff), v32);
		break;
	case EXTC_RT_IP4:
		snprintf(buf, cap, "%u.%u.%u.%u:%u", mid >> 24, (mid >> 16) & 0xff, (mid >> 8) & 0xff,
			 mid & 0xff, v16);
		break;
	case EXTC_RT_AS4:
		snprintf(buf, cap, "%u:%u", mid, v16);
		break;
	default:
		if (cap)
			buf[0] = '\0';
		break;
	}
	return buf;
}

/* RFC 8365 section 5.1.3 tunnel types, as GoBGP names them */
static const char *tunnel_name(uint16_t t)
{
	switch (t) {
	case 8: return "vxlan";
	case 9: return "nvgre";
	case 10: return "mpls";
	case 11: return "mpls-in-gre";
	case 12: return "vxlan-gre";
	case 13: return "mpls-in-udp";
	case 15: return "geneve";
	default: return NULL;
	}
}

const char *extc_str(uint64_t c, char *buf, size_t cap)
{
	char tmp[40];
	const char *tn;
	if (!cap)
		return buf;
	if (extc_is_rt(c)) {
		snprintf(buf, cap, "rt:%s", extc_rt_str(c, tmp, sizeof tmp));
		return buf;
	}
	switch (extc_type(c)) {
	case EXTC_ENCAP:
		tn = tunnel_name((uint16_t)c);
		if (tn)
			snprintf(buf, cap, "encap:%s", tn);
		else
			snprintf(buf, cap, "encap:%u", (unsigned)(uint16_t)c);
		break;
	case EXTC_MAC_MOBILITY:
		snprintf(buf, cap, "mac-mobility:%u%s", (uint32_t)c, (c >> 40) & 1 ? " sticky" : "");
		break;
	case EXTC_ROUTER_MAC: {
		struct mac m;
		char ms[MAC_STRLEN];
		for (int i = 0; i < 6; i++)
			m.b[i] = (uint8_t)(c >> (40 - 8 * i));
		snprintf(buf, cap, "router-mac:%s", mac_str(&m, ms));
		break;
	}
	case EXTC_DEFAULT_GW:
		snprintf(buf, cap, "default-gateway");
		break;
	case EXTC_ESI_LABEL:
		snprintf(buf, cap, "esi-label:%u%s", (unsigned)(c & 0xffffff),
			 (c >> 40) & 1 ? " single-active" : "");
		break;
	default:
		snprintf(buf, cap, "0x%04x:%012llx", extc_type(c),
			 (unsigned long long)(c & 0xffffffffffffull));
		break;
	}
	return buf;
}

int attrs_mac_mobility(const struct attrs *a, uint32_t *seq, bool *sticky)
{
	for (unsigned i = 0; i < a->nextcomm; i++) {
		uint64_t c = a->extcomm[i];
		if (extc_type(c) == EXTC_MAC_MOBILITY) {
			*seq = (uint32_t)c;
			*sticky = (c >> 40) & 1;
			return 1;
		}
	}
	return 0;
}

int attrs_router_mac(const struct attrs *a, struct mac *out)
{
	for (unsigned i = 0; i < a->nextcomm; i++) {
		uint64_t c = a->extcomm[i];
		if (extc_type(c) == EXTC_ROUTER_MAC) {
			for (int b = 0; b < 6; b++)
				out->b[b] = (uint8_t)(c >> (40 - 8 * b));
			return 1;
		}
	}
	return 0;
}
