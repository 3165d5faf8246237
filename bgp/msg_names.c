/* SPDX-License-Identifier: Apache-2.0 */
/* Names of BGP message types and NOTIFICATION codes (RFC 4271, RFC 4486, RFC 5492, RFC 6608,
 * RFC 7313, RFC 8538, RFC 9687), for logs and `show neighbors`. */
#include "msg.h"

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "unknown")

static const char *const codes[] = {
	[ERR_HEADER] = "Message Header Error",
	[ERR_OPEN] = "OPEN Message Error",
	[ERR_UPDATE] = "UPDATE Message Error",
	[ERR_HOLD] = "Hold Timer Expired",
	[ERR_FSM] = "Finite State Machine Error",
	[ERR_CEASE] = "Cease",
	[ERR_RREFRESH] = "ROUTE-REFRESH Message Error",
	[ERR_SEND_HOLD] = "Send Hold Timer Expired",
};

static const char *const hdr_sub[] = {
	[ERR_HDR_SYNC] = "Connection Not Synchronized",
	[ERR_HDR_LEN] = "Bad Message Length",
	[ERR_HDR_TYPE] = "Bad Message Type",
};

static const char *const open_sub[] = {
	[ERR_OPEN_VERSION] = "Unsupported Version Number",
	[ERR_OPEN_AS] = "Bad Peer AS",
	[ERR_OPEN_BGPID] = "Bad BGP Identifier",
	[ERR_OPEN_OPT] = "Unsupported Optional Parameter",
	[5] = "Authentication Failure",
	[ERR_OPEN_HOLD] = "Unacceptable Hold Time",
	[ERR_OPEN_CAPA] = "Unsupported Capability",
	[11] = "Role Mismatch",
};

static const char *const upd_sub[] = {
	[ERR_UPD_ATTRLIST] = "Malformed Attribute List",
	[ERR_UPD_UNKWN_WK] = "Unrecognized Well-known Attribute",
	[ERR_UPD_MISSING_WK] = "Missing Well-known Attribute",
	[ERR_UPD_FLAGS] = "Attribute Flags Error",
	[ERR_UPD_LENGTH] = "Attribute Length Error",
	[ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[7] = "AS Routing Loop",
	[ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[ERR_UPD_OPTATTR] = "Optional Attribute Error",
	[ERR_UPD_NETWORK] = "Invalid Network Field",
	[ERR_UPD_ASPATH] = "Malformed AS_PATH",
};

static const char *const fsm_sub[] = {
	[1] = "Receive Unexpected Message in OpenSent State",
	[2] = "Receive Unexpected Message in OpenConfirm State",
	[3] = "Receive Unexpected Message in Established State",
};

static const char *const cease_sub[] = {
	[ERR_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[ERR_CEASE_ADMIN_DOWN] = "Administrative Shutdown",
	[ERR_CEASE_PEER_UNCONF] = "Peer De-configured",
	[ERR_CEASE_ADMIN_RESET] = "Administrative Reset",
	[ERR_CEASE_REJECTED] = "Connection Rejected",
	[ERR_CEASE_OTHER_CHANGE] = "Other Configuration Change",
	[ERR_CEASE_COLLISION] = "Connection Collision Resolution",
	[ERR_CEASE_RESOURCES] = "Out of Resources",
	[9] = "Hard Reset",
};

static const char *const rr_sub[] = {
	[1] = "Invalid Message Length",
};

static const char *const types[] = {
	[BGP_OPEN] = "OPEN",
	[BGP_UPDATE] = "UPDATE",
	[BGP_NOTIFICATION] = "NOTIFICATION",
	[BGP_KEEPALIVE] = "KEEPALIVE",
	[BGP_ROUTE_REFRESH] = "ROUTE-REFRESH",
};

const char *msg_err_code_name(uint8_t code)
{
	return NAME(codes, code);
}

const char *msg_err_subcode_name(uint8_t code, uint8_t subcode)
{
	if (subcode == 0)
		return "Unspecific";
	switch (code) {
	case ERR_HEADER: return NAME(hdr_sub, subcode);
	case ERR_OPEN: return NAME(open_sub, subcode);
	case ERR_UPDATE: return NAME(upd_sub, subcode);
	case ERR_FSM: return NAME(fsm_sub, subcode);
	case ERR_CEASE: return NAME(cease_sub, subcode);
	case ERR_RREFRESH: return NAME(rr_sub, subcode);
	default: return "unknown";
	}
}

const char *msg_type_name(uint8_t type)
{
	return NAME(types, type);
}
