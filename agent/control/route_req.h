/* SPDX-License-Identifier: Apache-2.0 */
/* Control requests for local routes: add-/del-macadv, add-/del-multicast, add-/del-key fields. */
#ifndef EVPND_CONTROL_ROUTE_REQ_H
#define EVPND_CONTROL_ROUTE_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "originate.h"

struct json_object;

/* An opaque NLRI must fit one UPDATE of 4096 bytes beside its header and attributes. */
#define ORIG_OPAQUE_MAX 3584

/* Read and check the fields of a request for an EVPN route of type; add selects the fields an add
 * accepts (rt, nexthop, seq, sticky). -1 with a one-line message in err. */
int originate_parse(struct json_object *req, uint8_t type, bool add, struct orig_req *rq, char *err,
		    size_t errlen);
/* Build the opaque NLRI of an add-key (with_value) or del-key request into buf (ORIG_OPAQUE_MAX + 2
 * bytes) from key/key_hex and value/value_hex, a key of at most max_key bytes and a value of at
 * most max_value; returns its length, or -1 with a message in err. */
int originate_opaque(struct json_object *req, bool with_value, size_t max_key, size_t max_value,
		     uint8_t *buf, size_t cap, char *err, size_t errlen);

#endif
