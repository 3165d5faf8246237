/*
 * Local routes from control requests: the request's fields (a json-c object) become an EVPN or
 * opaque NLRI plus an attribute template for bgp_local_add, with defaults from the configuration.
 */
#ifndef EVPND_AGENT_ORIGINATE_H
#define EVPND_AGENT_ORIGINATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "config.h"
#include "types.h"

struct json_object;

#define VNI_MAX 16777215u
/* An opaque NLRI must fit one UPDATE of 4096 bytes beside its header and attributes. */
#define ORIG_OPAQUE_MAX 3584
/* Type 2 with IPv6 and two labels is 2 + 58 bytes. */
#define ORIG_EVPN_NLRI_MAX 64

/* The fields of an add-/del-macadv or add-/del-multicast request, checked. */
struct orig_req {
	uint8_t type;             /* EVPN_RT_MACIP or EVPN_RT_IMET */
	struct mac mac;           /* type 2 */
	struct ipaddr ip;         /* type 2: optional (af 0); type 3: originator and tunnel endpoint */
	uint32_t vni;
	bool has_rd;
	struct rd rd;
	unsigned nrt;             /* 0: the default route targets */
	uint64_t rt[CFG_MAX_RT];
	struct ipaddr nexthop;    /* af 0: the default next hop */
	uint32_t etag;
	bool has_seq;
	uint32_t seq;
	bool sticky;
};

/* A built local EVPN route: its NLRI and an attribute template (not interned) that points into
 * this struct, so it must not be copied while the template is in use. */
struct orig_route {
	uint8_t nlri[ORIG_EVPN_NLRI_MAX];
	size_t len;
	struct attrs a;
	uint64_t ext[CFG_MAX_RT + 2];
};

/* Read and check the fields of a request for an EVPN route of type; add selects the fields an add
 * accepts (rt, nexthop, seq, sticky). -1 with a one-line message in err. */
int originate_parse(struct json_object *req, uint8_t type, bool add, struct orig_req *rq, char *err,
		    size_t errlen);
/* Build the NLRI and attributes of rq, filling defaults from cfg. -1 with a message in err. */
int originate_build(const struct config *cfg, const struct orig_req *rq, struct orig_route *out,
		    char *err, size_t errlen);
/* Build the opaque NLRI of an add-key (with_value) or del-key request into buf (ORIG_OPAQUE_MAX + 2
 * bytes); returns its length, or -1 with a message in err. */
int originate_opaque(struct json_object *req, bool with_value, uint8_t *buf, size_t cap, char *err,
		     size_t errlen);

#endif
