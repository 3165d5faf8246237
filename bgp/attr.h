/* SPDX-License-Identifier: Apache-2.0 */
/* Path attributes: the decoded set, its RFC 7606 error classes, encoding, and interning. */
#ifndef EVPND_BGP_ATTR_H
#define EVPND_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"
#include "wire.h"

enum attr_type {
	ATTR_ORIGIN = 1,
	ATTR_AS_PATH = 2,
	ATTR_NEXT_HOP = 3,
	ATTR_MED = 4,
	ATTR_LOCAL_PREF = 5,
	ATTR_ATOMIC_AGGREGATE = 6,
	ATTR_AGGREGATOR = 7,
	ATTR_COMMUNITIES = 8,
	ATTR_ORIGINATOR_ID = 9,
	ATTR_CLUSTER_LIST = 10,
	ATTR_MP_REACH = 14,
	ATTR_MP_UNREACH = 15,
	ATTR_EXT_COMMUNITIES = 16,
	ATTR_PMSI_TUNNEL = 22,
};

enum {
	ATTR_F_OPTIONAL = 0x80,
	ATTR_F_TRANSITIVE = 0x40,
	ATTR_F_PARTIAL = 0x20,
	ATTR_F_EXTLEN = 0x10,
};

/* Which optional fields of struct attrs are present. */
enum {
	AF_HAS_MED = 1 << 0,
	AF_HAS_LOCAL_PREF = 1 << 1,
	AF_HAS_ORIGINATOR = 1 << 2,
	AF_HAS_PMSI = 1 << 3,
	AF_HAS_NEXT_HOP = 1 << 4,  /* the IPv4 NEXT_HOP attribute or an MP_REACH next hop */
	AF_HAS_ATOMIC_AGG = 1 << 5,
};

enum { ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2 };

/* PMSI tunnel types (RFC 6514) */
enum { PMSI_INGRESS_REPL = 6 };

/*
 * A path attribute set. Variable parts point into memory the set owns once interned; in a set being
 * built or parsed they may point into a message buffer. Interned sets are shared by every route with
 * the same attributes and must not be modified.
 */
struct attrs {
	uint32_t refcnt;       /* 0 for a set that is not interned */
	uint32_t hash;
	uint16_t flags;        /* AF_HAS_* */
	uint8_t origin;
	uint8_t pmsi_flags;
	uint8_t pmsi_type;
	uint32_t pmsi_label;   /* raw 24-bit: the VNI */
	struct ipaddr pmsi_ep;
	uint32_t med;
	uint32_t local_pref;
	uint32_t originator_id; /* host order */
	struct ipaddr nexthop;
	uint16_t aspath_len;   /* bytes of 4-octet AS_PATH segments (type, count, ASNs) */
	uint16_t ncluster;
	uint16_t nextcomm;
	uint16_t unknown_len;  /* bytes of encoded unknown optional transitive attributes */
	const uint8_t *aspath;
	const uint32_t *cluster; /* host order */
	const uint64_t *extcomm; /* host order, as received */
	const uint8_t *unknown; /* kept whole (flags with partial set, type, length, value) */
};

/* RFC 7606 outcome of parsing attributes, from mildest to worst. */
enum attr_verdict {
	ATTR_OK = 0,
	ATTR_DISCARD = 1,   /* an attribute was dropped; the UPDATE stands */
	ATTR_WITHDRAW = 2,  /* treat-as-withdraw: every NLRI of the UPDATE is withdrawn */
	ATTR_RESET = 3,     /* session reset with the NOTIFICATION in err */
};

/* Extended community helpers (RFC 4360, RFC 7432 section 7, RFC 8365). */
enum {
	EXTC_RT_AS2 = 0x0002,   /* type 0x00 subtype 0x02 */
	EXTC_RT_IP4 = 0x0102,
	EXTC_RT_AS4 = 0x0202,
	EXTC_ENCAP = 0x030c,
	EXTC_MAC_MOBILITY = 0x0600,
	EXTC_ESI_LABEL = 0x0601,
	EXTC_ROUTER_MAC = 0x0603,
	EXTC_DEFAULT_GW = 0x030d,
};
#define TUNNEL_VXLAN 8

/* Type and subtype (high 16 bits) of an extended community. */
static inline uint16_t extc_type(uint64_t c) { return (uint16_t)(c >> 48); }
/* Whether c is a route target of any of the three forms. */
bool extc_is_rt(uint64_t c);
/* Parse a route target "ASN:NN", "A.B.C.D:NN" or "ASN4:NN" into an extended community. */
int extc_rt_parse(const char *s, uint64_t *out);
/* Route target from ASN and number: 2-octet AS form when asn < 65536, else 4-octet AS form. */
uint64_t extc_rt_make(uint32_t asn, uint32_t num);
/* Encapsulation community for a tunnel type (8 = VXLAN). */
uint64_t extc_encap(uint16_t tunnel_type);
/* MAC mobility community: sequence number and sticky (static) flag. */
uint64_t extc_mac_mobility(uint32_t seq, bool sticky);
/* Router's MAC community (RFC 9135 section 8.1) for the MAC m. */
uint64_t extc_router_mac(const struct mac *m);
/* Default gateway community (RFC 7432 section 7.8). */
uint64_t extc_default_gw(void);
/* Format a route target without a prefix ("64512:10", "10.0.0.1:10"); "" for other types. */
const char *extc_rt_str(uint64_t c, char *buf, size_t cap);
/* Format any extended community as text: "rt:64512:10", "encap:vxlan", "mac-mobility:5 sticky", ... */
const char *extc_str(uint64_t c, char *buf, size_t cap);
/* The MAC mobility community of a set, if any: 1 found (seq, sticky set), 0 none. */
int attrs_mac_mobility(const struct attrs *a, uint32_t *seq, bool *sticky);
/* The Router's MAC extended community (RFC 9135 section 8.1) of a: 1 and *out, or 0 when it has none. */
int attrs_router_mac(const struct attrs *a, struct mac *out);

/* Context the parser needs: who sent the UPDATE. */
struct attr_ctx {
	bool ebgp;
	bool as4;          /* 4-octet AS negotiated: AS_PATH is 4-octet (we require it) */
};

/* Result of parsing a path attribute block. MP_REACH/MP_UNREACH are returned separately. */
struct attr_parse {
	struct attrs a;           /* pointers refer into the message being parsed */
	enum attr_verdict verdict;
	struct bgp_err_lite {
		uint8_t code, subcode;
	} err;                    /* for ATTR_RESET: the NOTIFICATION to send; for ATTR_WITHDRAW: the
	                           * one RFC 4271 names, sent if RFC 7606 5.2 makes it a reset */
	bool has_reach, has_unreach;
	uint16_t reach_afi, unreach_afi;
	uint8_t reach_safi, unreach_safi;
	struct rbuf reach_nlri;   /* NLRI field of MP_REACH */
	struct rbuf unreach_nlri; /* NLRI field of MP_UNREACH */
	uint8_t ext_buf[4096];    /* host-order copies of extended communities / cluster list */
	char why[96];             /* short text for the log: which attribute and what was wrong */
};

/* Parse the path attribute block of an UPDATE following RFC 4271 and RFC 7606. */
void attr_parse(const uint8_t *p, size_t len, const struct attr_ctx *ctx, struct attr_parse *out);
/* Encode every attribute of a with ascending type codes, except MP_REACH, into w. Only those with
 * type < split when below is true, only those >= split otherwise (so MP_REACH can sit in order). */
void attr_encode(const struct attrs *a, struct wbuf *w, uint8_t split, bool below);

/* Return the shared interned copy of a (creating it); the caller owns one reference. */
struct attrs *attrs_intern(const struct attrs *a);
/* Take another reference to an interned set. */
struct attrs *attrs_ref(struct attrs *a);
/* Drop a reference; the set is freed with its last one. NULL is ignored. */
void attrs_unref(struct attrs *a);
/* Number of distinct interned sets (for statistics). */
size_t attrs_interned_count(void);
/* Whether two sets hold the same attributes. */
bool attrs_equal(const struct attrs *x, const struct attrs *y);
/* Number of ASNs in the AS_PATH (an AS_SET counts as one). */
unsigned attrs_aspath_count(const struct attrs *a);
/* How many times asn appears in a's AS_PATH (every segment). */
unsigned attrs_aspath_occurs(const struct attrs *a, uint32_t asn);
/* First ASN of the AS_PATH (the neighbor AS); 0 when empty. */
uint32_t attrs_aspath_first(const struct attrs *a);
/* Format the AS_PATH as text ("64512 65000 {1 2}"). Returns buf. */
const char *attrs_aspath_str(const struct attrs *a, char *buf, size_t cap);

#endif
