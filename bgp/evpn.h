/* SPDX-License-Identifier: Apache-2.0 */
/* EVPN NLRI (RFC 7432 section 7, RFC 8365) as a value type, with its wire codec. */
#ifndef EVPND_BGP_EVPN_H
#define EVPND_BGP_EVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"
#include "wire.h"

enum evpn_rtype {
	EVPN_RT_AD = 1,        /* Ethernet auto-discovery: length-checked and shown only */
	EVPN_RT_MACIP = 2,     /* MAC/IP advertisement */
	EVPN_RT_IMET = 3,      /* inclusive multicast Ethernet tag */
	EVPN_RT_ES = 4,        /* Ethernet segment: length-checked and shown only */
	EVPN_RT_PREFIX = 5,    /* IP prefix (RFC 9136) */
};

/* Decoded EVPN route. For types 1 and 4 only rd/esi/etag are set. */
struct evpn_route {
	uint8_t type;
	struct rd rd;
	uint8_t esi[10];
	uint32_t etag;
	struct mac mac;         /* type 2 */
	struct ipaddr ip;       /* type 2 (af 0 when MAC only), type 5 prefix */
	uint8_t prefix_len;     /* type 5 */
	struct ipaddr gw;       /* type 5: the gateway IP (the prefix's family; all zero: none) */
	uint8_t nlabels;        /* type 2: 1 or 2; type 5: 1 */
	uint32_t label[2];      /* raw 24-bit values: label[0] is the VNI (wire.md) */
	struct ipaddr orig;     /* type 3 and 4: originating router's IP */
};

/* Decode one whole NLRI (type, length, value). 0, or -1 when any field is malformed. */
int evpn_decode(const uint8_t *nlri, size_t len, struct evpn_route *out);
/* Encode types 2, 3 and 5 as their wire NLRI. -1 on overflow or an unsupported type. */
int evpn_encode(const struct evpn_route *r, struct wbuf *w);
/* Name used by GoBGP's CLI and in our JSON: "macadv", "multicast", "a-d", "esi", "prefix". */
const char *evpn_type_name(uint8_t type);
struct attrs;
/* The VNI an EVPN route belongs to (type 2: its label, type 3: the PMSI tunnel label): 0 and *vni,
 * or -1 for other types, a type 3 without PMSI, or an NLRI that does not decode. */
int evpn_route_vni(const uint8_t *nlri, size_t len, const struct attrs *a, uint32_t *vni);
/* Whether evpn_decode knows route type (1-5); others are discarded on receipt (RFC 7606 5.4). */
bool evpn_type_known(uint8_t type);

#endif
