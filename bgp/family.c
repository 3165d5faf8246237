/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The address-family table: adding a family is one row here plus its functions (as BIRD's
 * bgp_af_table). Framing (next), validation (check) and route keys (key) live here; display lives
 * in family_json.c.
 */
#include <string.h>

#include "evpn.h"
#include "family.h"
#include "family_json.h"
#include "opaque.h"

/* EVPN NLRI: 1 B route type, 1 B length, value (RFC 7432 section 7) */
static int evpn_next(struct rbuf *r, struct rbuf *one)
{
	struct rbuf peek = *r;
	uint8_t type, vlen;

	if (rbuf_u8(&peek, &type) < 0 || rbuf_u8(&peek, &vlen) < 0)
		return -1;
	return rbuf_sub(r, 2 + (size_t)vlen, one);
}

/* RFC 7606 section 5.4: EVPN NLRI are typed, and a route type we do not know (6 and up: RFC 9251
 * and later) is discarded, not an error, as long as its length byte frames it exactly. */
static int evpn_check(const uint8_t *nlri, size_t len)
{
	struct evpn_route rt;

	if (evpn_decode(nlri, len, &rt) == 0)
		return 0;
	if (len >= 2 && len == 2 + (size_t)nlri[1] && !evpn_type_known(nlri[0]))
		return 1;
	return -1;
}

/* RFC 7432 section 7: ESI and labels are not part of the key of types 2 and 3; RFC 9136 section
 * 3.1: nor ESI, gateway IP and label of type 5 (FRR withdraws one with label 0). Types 1 and 4 are
 * not acted on, so their whole value serves. */
static size_t evpn_key(const uint8_t *nlri, size_t len, uint8_t *key)
{
	struct evpn_route rt;
	struct wbuf w;
	size_t n;

	if (evpn_decode(nlri, len, &rt) < 0)
		return 0;
	wbuf_init(&w, key, NLRI_KEY_MAX);
	wbuf_u8(&w, rt.type);
	switch (rt.type) {
	case EVPN_RT_MACIP:
		wbuf_bytes(&w, rt.rd.b, sizeof rt.rd.b);
		wbuf_u32(&w, rt.etag);
		wbuf_bytes(&w, rt.mac.b, sizeof rt.mac.b);
		n = ipaddr_len(&rt.ip);
		wbuf_u8(&w, (uint8_t)(n * 8));
		wbuf_bytes(&w, rt.ip.a, n);
		break;
	case EVPN_RT_IMET:
		wbuf_bytes(&w, rt.rd.b, sizeof rt.rd.b);
		wbuf_u32(&w, rt.etag);
		n = ipaddr_len(&rt.orig);
		wbuf_u8(&w, (uint8_t)(n * 8));
		wbuf_bytes(&w, rt.orig.a, n);
		break;
	case EVPN_RT_PREFIX:
		wbuf_bytes(&w, rt.rd.b, sizeof rt.rd.b);
		wbuf_u32(&w, rt.etag);
		wbuf_u8(&w, rt.prefix_len);
		n = ipaddr_len(&rt.ip);
		wbuf_bytes(&w, rt.ip.a, n);
		break;
	default:
		wbuf_bytes(&w, nlri + 2, len - 2); /* decode checked len == 2 + value length */
		break;
	}
	return w.err ? 0 : w.len;
}

/* Opaque: the NLRI is the whole remaining field (the value has no length of its own). */
static int opaque_next(struct rbuf *r, struct rbuf *one)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	if (opaque_decode(rbuf_ptr(r), rbuf_left(r), &k, &kl, &v, &vl) < 0)
		return -1;
	return rbuf_sub(r, rbuf_left(r), one);
}

static int opaque_check(const uint8_t *nlri, size_t len)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	return opaque_decode(nlri, len, &k, &kl, &v, &vl);
}

static size_t opaque_key(const uint8_t *nlri, size_t len, uint8_t *key)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	if (opaque_decode(nlri, len, &k, &kl, &v, &vl) < 0 || kl > NLRI_KEY_MAX)
		return 0;
	memcpy(key, k, kl);
	return kl;
}

const struct family_ops family_table[FAM_COUNT] = {
	[FAM_EVPN] = {
		.name = "evpn",
		.afi = 25,
		.safi = 70,
		.max_per_update = 0,
		.keep_nexthop = true,
		.next = evpn_next,
		.check = evpn_check,
		.key = evpn_key,
		.print = evpn_print,
		.to_json = evpn_to_json,
		.count_key = evpn_route_vni,
	},
	[FAM_OPAQUE] = {
		.name = "opaque",
		.afi = 16397,
		.safi = 241,
		.max_per_update = 1,
		.next = opaque_next,
		.check = opaque_check,
		.key = opaque_key,
		.print = opaque_print,
		.to_json = opaque_to_json,
	},
};

int family_find(uint16_t afi, uint8_t safi)
{
	for (int f = 0; f < FAM_COUNT; f++)
		if (family_table[f].afi == afi && family_table[f].safi == safi)
			return f;
	return -1;
}

int family_by_name(const char *name)
{
	for (int f = 0; f < FAM_COUNT; f++)
		if (strcmp(family_table[f].name, name) == 0)
			return f;
	return -1;
}

int family_mask_parse(const char *s, uint32_t *mask)
{
	uint32_t m = 0;
	char word[32];

	while (*s) {
		size_t n = strcspn(s, " ,\t");
		if (n > 0) {
			int f;
			if (n >= sizeof word)
				return -1;
			memcpy(word, s, n);
			word[n] = '\0';
			f = family_by_name(word);
			if (f < 0)
				return -1;
			m |= FAM_BIT(f);
		}
		s += n;
		if (*s)
			s++;
	}
	*mask = m;
	return 0;
}
