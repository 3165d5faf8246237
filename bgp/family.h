/* SPDX-License-Identifier: Apache-2.0 */
/* The address-family table: one row per AFI/SAFI, holding every family-specific operation. */
#ifndef EVPND_BGP_FAMILY_H
#define EVPND_BGP_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct attrs;
struct json_object;

enum fam_id {
	FAM_EVPN = 0,   /* L2VPN/EVPN, AFI 25 SAFI 70 (RFC 7432) */
	FAM_OPAQUE = 1, /* GoBGP's opaque key-value, AFI 16397 SAFI 241 */
	FAM_COUNT
};

#define FAM_BIT(f) (1u << (f))
#define FAM_ALL ((1u << FAM_COUNT) - 1)

/* Longest canonical key a family produces: an NLRI cannot outgrow one message. */
#define NLRI_KEY_MAX 4096

/* Per-family operations. An NLRI is handled as its wire bytes (for EVPN: type, length, value). */
struct family_ops {
	const char *name;      /* "evpn", "opaque": config, CLI and JSON name */
	uint16_t afi;
	uint8_t safi;
	uint8_t max_per_update; /* 0: as many as fit; 1: opaque (its value runs to the NLRI field end) */
	/* The next hop names the route's endpoint (EVPN: the VTEP, RFC 8365 section 5): passed on
	 * unchanged to eBGP neighbors too, unless next-hop-self is set for one. */
	bool keep_nexthop;
	/* Cut the next NLRI from the NLRI field r into one. -1: framing broken (session reset). */
	int (*next)(struct rbuf *r, struct rbuf *one);
	/* Validate one NLRI's fields. 0 valid, -1 malformed, 1 well framed but of a route type the
	 * family does not know (RFC 7606 5.4: the route is discarded, the session stays). */
	int (*check)(const uint8_t *nlri, size_t len);
	/* Write the canonical route key (RFC 7432: labels and ESI are not key). Returns its length. */
	size_t (*key)(const uint8_t *nlri, size_t len, uint8_t *key);
	/* One-line human text of the NLRI (GoBGP-like, e.g. "[type:macadv][rd:..][mac:..]"). */
	int (*print)(const uint8_t *nlri, size_t len, char *buf, size_t cap);
	/* Add the family's fields of route (NLRI + attributes) to the JSON object obj. */
	void (*to_json)(const uint8_t *nlri, size_t len, const struct attrs *a, struct json_object *obj);
	/* The label a path is counted under (rib_path_counts; EVPN: its VNI): 0 and *key set, or -1
	 * for none. NULL: the family's paths are counted as a total only. */
	int (*count_key)(const uint8_t *nlri, size_t len, const struct attrs *a, uint32_t *key);
};

extern const struct family_ops family_table[FAM_COUNT];

/* The family for an AFI/SAFI pair; -1 when we do not know it. */
int family_find(uint16_t afi, uint8_t safi);
/* The family by its name ("evpn", "opaque"); -1 when unknown. */
int family_by_name(const char *name);
/* Parse a space- or comma-separated family list into a FAM_BIT mask; -1 on an unknown name. */
int family_mask_parse(const char *s, uint32_t *mask);

#endif
