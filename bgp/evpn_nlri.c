/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EVPN NLRI codec.
 *   RFC 7432 section 7    route types 1-4
 *   RFC 8365 section 5.1  VXLAN: the label field carries the 24-bit VNI as is (no MPLS shift)
 *   RFC 9136              route type 5
 *   RFC 7606 section 5.4  a malformed NLRI cannot be located: the caller resets the session
 * Every field is read through a sub-reader cut to the NLRI's own length byte, so a length byte
 * shorter than the fields it claims to hold (the input that crashed gobgpd) fails cleanly.
 */
#include <string.h>

#include "attr.h"
#include "evpn.h"

#define RD_LEN 8
#define ESI_LEN 10

/* RD(8) ESI(10): the head shared by types 1, 2, 4 and 5 */
static int get_rd_esi(struct rbuf *v, struct evpn_route *out)
{
	if (rbuf_bytes(v, out->rd.b, RD_LEN) < 0 || rbuf_bytes(v, out->esi, ESI_LEN) < 0)
		return -1;
	return 0;
}

/* IP length in bits (allowed: the listed ones) followed by the address */
static int get_ip(struct rbuf *v, struct ipaddr *ip, bool allow_none)
{
	uint8_t bits;
	uint8_t b[16];

	if (rbuf_u8(v, &bits) < 0)
		return -1;
	if (bits == 0 && allow_none) {
		memset(ip, 0, sizeof *ip);
		return 0;
	}
	if (bits != 32 && bits != 128)
		return -1;
	if (rbuf_bytes(v, b, bits / 8) < 0)
		return -1;
	return ipaddr_from_bytes(ip, b, bits / 8);
}

/* Ethernet auto-discovery: RD ESI etag(4) label(3) = 25 bytes */
static int decode_ad(struct rbuf *v, struct evpn_route *out)
{
	if (rbuf_left(v) != 25)
		return -1;
	if (get_rd_esi(v, out) < 0 || rbuf_u32(v, &out->etag) < 0 || rbuf_u24(v, &out->label[0]) < 0)
		return -1;
	out->nlabels = 1;
	return 0;
}

/* MAC/IP advertisement: RD ESI etag MAC-len(48) MAC IP-len(0/32/128) IP label1 [label2] */
static int decode_macip(struct rbuf *v, struct evpn_route *out)
{
	uint8_t maclen;

	if (get_rd_esi(v, out) < 0 || rbuf_u32(v, &out->etag) < 0)
		return -1;
	if (rbuf_u8(v, &maclen) < 0 || maclen != 48 || rbuf_bytes(v, out->mac.b, 6) < 0)
		return -1;
	if (get_ip(v, &out->ip, true) < 0)
		return -1;
	/* exactly one or two labels and nothing after them */
	if (rbuf_left(v) != 3 && rbuf_left(v) != 6)
		return -1;
	out->nlabels = (uint8_t)(rbuf_left(v) / 3);
	for (unsigned i = 0; i < out->nlabels; i++)
		if (rbuf_u24(v, &out->label[i]) < 0)
			return -1;
	return 0;
}

/* Inclusive multicast Ethernet tag: RD etag IP-len(32/128) originator IP */
static int decode_imet(struct rbuf *v, struct evpn_route *out)
{
	if (rbuf_bytes(v, out->rd.b, RD_LEN) < 0 || rbuf_u32(v, &out->etag) < 0)
		return -1;
	if (get_ip(v, &out->orig, false) < 0)
		return -1;
	return rbuf_left(v) == 0 ? 0 : -1;
}

/* Ethernet segment: RD ESI IP-len(32/128) originator IP */
static int decode_es(struct rbuf *v, struct evpn_route *out)
{
	if (get_rd_esi(v, out) < 0 || get_ip(v, &out->orig, false) < 0)
		return -1;
	return rbuf_left(v) == 0 ? 0 : -1;
}

/* IP prefix (RFC 9136 section 3.1): RD ESI etag prefix-len prefix(4|16) gateway(4|16) label,
 * 34 bytes for IPv4 and 58 for IPv6; the family follows from the length alone. */
static int decode_prefix(struct rbuf *v, struct evpn_route *out)
{
	size_t alen;
	uint8_t b[16];

	if (rbuf_left(v) == 34)
		alen = 4;
	else if (rbuf_left(v) == 58)
		alen = 16;
	else
		return -1;
	if (get_rd_esi(v, out) < 0 || rbuf_u32(v, &out->etag) < 0 || rbuf_u8(v, &out->prefix_len) < 0)
		return -1;
	if (out->prefix_len > alen * 8)
		return -1;
	if (rbuf_bytes(v, b, alen) < 0 || ipaddr_from_bytes(&out->ip, b, alen) < 0)
		return -1;
	if (rbuf_bytes(v, b, alen) < 0 || ipaddr_from_bytes(&out->gw, b, alen) < 0)
		return -1;
	if (rbuf_u24(v, &out->label[0]) < 0)
		return -1;
	out->nlabels = 1;
	return 0;
}

static int (*const decoders[])(struct rbuf *, struct evpn_route *) = {
	[EVPN_RT_AD] = decode_ad,
	[EVPN_RT_MACIP] = decode_macip,
	[EVPN_RT_IMET] = decode_imet,
	[EVPN_RT_ES] = decode_es,
	[EVPN_RT_PREFIX] = decode_prefix,
};

int evpn_decode(const uint8_t *nlri, size_t len, struct evpn_route *out)
{
	struct rbuf r, v;
	uint8_t type, vlen;

	memset(out, 0, sizeof *out);
	rbuf_init(&r, nlri, len);
	if (rbuf_u8(&r, &type) < 0 || rbuf_u8(&r, &vlen) < 0 || rbuf_sub(&r, vlen, &v) < 0)
		return -1;
	if (rbuf_left(&r) != 0)
		return -1;
	if (type >= sizeof decoders / sizeof decoders[0] || !decoders[type])
		return -1;
	out->type = type;
	return decoders[type](&v, out);
}

static void put_ip(struct wbuf *w, const struct ipaddr *ip)
{
	size_t n = ipaddr_len(ip);

	wbuf_u8(w, (uint8_t)(n * 8));
	wbuf_bytes(w, ip->a, n);
}

int evpn_encode(const struct evpn_route *r, struct wbuf *w)
{
	size_t start = w->len;
	unsigned nlabels;

	if (r->type != EVPN_RT_MACIP && r->type != EVPN_RT_IMET && r->type != EVPN_RT_PREFIX)
		return -1;
	wbuf_u8(w, r->type);
	wbuf_u8(w, 0); /* value length, patched below */
	wbuf_bytes(w, r->rd.b, RD_LEN);
	if (r->type == EVPN_RT_MACIP) {
		nlabels = r->nlabels ? r->nlabels : 1; /* a zeroed route still carries its VNI */
		if (nlabels > 2)
			return -1;
		wbuf_bytes(w, r->esi, ESI_LEN);
		wbuf_u32(w, r->etag);
		wbuf_u8(w, 48);
		wbuf_bytes(w, r->mac.b, 6);
		put_ip(w, &r->ip); /* af 0: IP length 0, a MAC-only route */
		for (unsigned i = 0; i < nlabels; i++)
			wbuf_u24(w, r->label[i]);
	} else if (r->type == EVPN_RT_PREFIX) {
		/* RFC 9136 3.1: prefix and gateway both 4 or both 16 bytes, the family of the prefix */
		size_t alen = ipaddr_len(&r->ip);
		if ((alen != 4 && alen != 16) || r->prefix_len > alen * 8 ||
		    (r->gw.af && r->gw.af != r->ip.af))
			return -1;
		wbuf_bytes(w, r->esi, ESI_LEN);
		wbuf_u32(w, r->etag);
		wbuf_u8(w, r->prefix_len);
		wbuf_bytes(w, r->ip.a, alen);
		if (r->gw.af)
			wbuf_bytes(w, r->gw.a, alen);
		else
			for (size_t i = 0; i < alen; i++)
				wbuf_u8(w, 0);
		wbuf_u24(w, r->label[0]);
	} else {
		if (ipaddr_len(&r->orig) == 0)
			return -1;
		wbuf_u32(w, r->etag);
		put_ip(w, &r->orig);
	}
	if (w->err)
		return -1;
	wbuf_patch_u8(w, start + 1, (uint8_t)(w->len - start - 2));
	return 0;
}

bool evpn_type_known(uint8_t type)
{
	return type < sizeof decoders / sizeof decoders[0] && decoders[type];
}

const char *evpn_type_name(uint8_t type)
{
	static const char *const names[] = {
		[EVPN_RT_AD] = "a-d",
		[EVPN_RT_MACIP] = "macadv",
		[EVPN_RT_IMET] = "multicast",
		[EVPN_RT_ES] = "esi",
		[EVPN_RT_PREFIX] = "prefix",
	};

	if (type < sizeof names / sizeof names[0] && names[type])
		return names[type];
	return "unknown";
}

int evpn_route_vni(const uint8_t *nlri, size_t len, const struct attrs *a, uint32_t *vni)
{
	struct evpn_route r;

	if (evpn_decode(nlri, len, &r) < 0)
		return -1;
	if (r.type == EVPN_RT_MACIP) {
		*vni = r.label[0];
		return 0;
	}
	if (r.type == EVPN_RT_IMET && a && (a->flags & AF_HAS_PMSI)) {
		*vni = a->pmsi_label;
		return 0;
	}
	return -1;
}
