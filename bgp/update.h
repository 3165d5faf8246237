/* SPDX-License-Identifier: Apache-2.0 */
/* UPDATE messages: parsing into attributes and per-family NLRI fields, and packing many NLRIs. */
#ifndef EVPND_BGP_UPDATE_H
#define EVPND_BGP_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "family.h"
#include "msg.h"
#include "wire.h"

/* A parsed UPDATE. NLRI fields are readers into the message; walk them with family_table[f].next. */
struct update {
	struct attr_parse ap;     /* attributes, verdict and MP_REACH/MP_UNREACH */
	int reach_fam;            /* family of MP_REACH, -1 when absent or unknown */
	int unreach_fam;          /* family of MP_UNREACH, -1 when absent or unknown */
	bool eor;                 /* End-of-RIB marker (RFC 4724): eor_fam says for which family */
	int eor_fam;              /* -1 for IPv4 unicast */
	bool ipv4_nlri;           /* classic withdrawn/NLRI fields were not empty (ignored: no IPv4) */
};

/* Parse an UPDATE body (after the header). Returns the verdict; on ATTR_RESET err is filled.
 * NLRI fields are framed with the family's next() and check(): a broken NLRI is a session reset. */
enum attr_verdict update_parse(const uint8_t *body, size_t len, const struct attr_ctx *ctx,
			       struct update *u, struct bgp_err *err);

/*
 * Packs NLRIs that share one attribute set into UPDATEs of at most BGP_MAX_MSG bytes, attributes in
 * ascending type order with MP_REACH (or MP_UNREACH for withdraws) in its place.
 */
struct update_writer {
	struct wbuf w;
	uint8_t buf[BGP_MAX_MSG];
	int fam;
	bool withdraw;
	unsigned count;         /* NLRIs in the current message */
	size_t msg_start;
	size_t attrlen_at;      /* offset of the total path attribute length */
	size_t mp_at;           /* offset of the MP attribute's flags byte */
	size_t mp_body;         /* offset where the MP attribute's value starts */
	size_t suffix_len;      /* encoded bytes of attributes after MP_REACH */
	uint8_t suffix[BGP_MAX_MSG];
	const struct attrs *attrs;
};

/* Start packing announcements of family fam with attributes a (a->nexthop is the MP next hop). */
void update_begin_reach(struct update_writer *uw, int fam, const struct attrs *a);
/* Start packing withdraws of family fam. */
void update_begin_unreach(struct update_writer *uw, int fam);
/* Add one NLRI. Returns 1 when it went in, 0 when the message is full (finish it, then retry),
 * -1 when the NLRI can never fit. */
int update_add(struct update_writer *uw, const uint8_t *nlri, size_t len);
/* Close the current message: returns its length (0 when it holds no NLRI) and sets *msg. The
 * writer is ready for the next message with the same attributes. */
size_t update_finish(struct update_writer *uw, const uint8_t **msg);
/* Encode an End-of-RIB marker for fam (an empty MP_UNREACH, RFC 4724). Returns its length. */
size_t update_eor(uint8_t *buf, size_t cap, int fam);

#endif
