/* SPDX-License-Identifier: Apache-2.0 */
/* BGP message framing and the small messages: OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH. */
#ifndef EVPND_BGP_MSG_H
#define EVPND_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "family.h"
#include "wire.h"

#define BGP_HDR_LEN 19
#define BGP_MAX_MSG 4096
#define BGP_PORT 179

enum bgp_msg_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,
};

/* NOTIFICATION codes (RFC 4271 section 4.5) and the subcodes evpnd sends or names. */
enum bgp_err_code {
	ERR_HEADER = 1,
	ERR_OPEN = 2,
	ERR_UPDATE = 3,
	ERR_HOLD = 4,
	ERR_FSM = 5,
	ERR_CEASE = 6,
	ERR_RREFRESH = 7,
	ERR_SEND_HOLD = 8,       /* RFC 9687: Send Hold Timer Expired */
};
enum { ERR_HDR_SYNC = 1, ERR_HDR_LEN = 2, ERR_HDR_TYPE = 3 };
enum { ERR_OPEN_VERSION = 1, ERR_OPEN_AS = 2, ERR_OPEN_BGPID = 3, ERR_OPEN_OPT = 4,
       ERR_OPEN_HOLD = 6, ERR_OPEN_CAPA = 7 };
enum { ERR_UPD_ATTRLIST = 1, ERR_UPD_UNKWN_WK = 2, ERR_UPD_MISSING_WK = 3, ERR_UPD_FLAGS = 4,
       ERR_UPD_LENGTH = 5, ERR_UPD_ORIGIN = 6, ERR_UPD_NEXTHOP = 8, ERR_UPD_OPTATTR = 9,
       ERR_UPD_NETWORK = 10, ERR_UPD_ASPATH = 11 };
enum { ERR_CEASE_MAX_PREFIX = 1, ERR_CEASE_ADMIN_DOWN = 2, ERR_CEASE_PEER_UNCONF = 3,
       ERR_CEASE_ADMIN_RESET = 4, ERR_CEASE_REJECTED = 5, ERR_CEASE_OTHER_CHANGE = 6,
       ERR_CEASE_COLLISION = 7, ERR_CEASE_RESOURCES = 8 };

/* Capability codes evpnd knows. */
enum {
	CAPA_MP = 1,
	CAPA_REFRESH = 2,
	CAPA_GR = 64,
	CAPA_AS4 = 65,
};

#define AS_TRANS 23456

/* A decoded OPEN. Unknown capabilities are skipped. */
struct bgp_open {
	uint8_t version;
	uint32_t asn;          /* the 4-octet AS when the capability is present, else my_as field */
	uint16_t hold_time;
	uint32_t bgp_id;       /* host order */
	uint32_t fam_mask;     /* bit (1 << enum fam_id) per multiprotocol capability we know */
	bool mp_unknown;       /* at least one MP capability for a family we do not know */
	bool as4;
	bool route_refresh;
	bool gr;               /* graceful restart capability present */
	uint16_t gr_time;      /* restart time in seconds */
	uint8_t gr_flags;      /* the 4 flag bits (R, N) */
	uint32_t gr_fam_mask;  /* families listed in the GR capability */
	uint32_t gr_fwd_mask;  /* ... with the forwarding-state bit */
};

/* A protocol error to report as a NOTIFICATION. */
struct bgp_err {
	uint8_t code;
	uint8_t subcode;
	uint8_t data[8];
	uint8_t data_len;
};

/* Check a 19-byte header; on success set *len (whole message) and *type. -1 fills err. */
int msg_check_header(const uint8_t *hdr, uint16_t *len, uint8_t *type, struct bgp_err *err);
/* Write a 19-byte header; len is patched by msg_finish. Returns the message start offset. */
size_t msg_begin(struct wbuf *w, uint8_t type);
/* Patch the length of the message started at start. 0, or -1 if w overflowed or is too long. */
int msg_finish(struct wbuf *w, size_t start);

/* Encode our OPEN. */
int msg_open_encode(struct wbuf *w, const struct bgp_open *o);
/* Decode an OPEN body (after the header). -1 fills err (OPEN Message Error subcodes). */
int msg_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err);
/* Encode a KEEPALIVE. */
int msg_keepalive_encode(struct wbuf *w);
/* Encode a NOTIFICATION. */
int msg_notification_encode(struct wbuf *w, const struct bgp_err *e);
/* Decode a NOTIFICATION body; data beyond 8 bytes is cut. -1 when shorter than 2 bytes. */
int msg_notification_decode(const uint8_t *body, size_t len, struct bgp_err *e);
/* Encode a ROUTE-REFRESH for afi/safi. */
int msg_refresh_encode(struct wbuf *w, uint16_t afi, uint8_t safi);
/* Decode a ROUTE-REFRESH body. -1 on bad length. */
int msg_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi);
/* Names of a NOTIFICATION code and subcode, e.g. "Cease" / "Peer De-configured". Never NULL. */
const char *msg_err_code_name(uint8_t code);
/* Name of a subcode for the given code. Never NULL ("unknown"). */
const char *msg_err_subcode_name(uint8_t code, uint8_t subcode);
/* Name of a message type ("OPEN", ...). Never NULL. */
const char *msg_type_name(uint8_t type);

#endif
