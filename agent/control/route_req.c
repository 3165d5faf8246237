/* SPDX-License-Identifier: Apache-2.0 */
/* Control requests for local routes (route_req.h): typed fields, checked, with one-line errors. */
#include "route_req.h"

#include <json-c/json.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "evpn.h"
#include "opaque.h"
#include "req_field.h"
#include "wire.h"

static int get_ip(struct json_object *req, const char *name, bool required, struct ipaddr *ip,
		  char *err, size_t errlen)
{
	char q[REQ_QUOTE_LEN];
	const char *s;
	size_t n;
	int r = req_str(req, name, required, &s, &n, err, errlen);

	if (r <= 0)
		return r;
	/* an embedded NUL would hide trailing garbage from the parser */
	if (n >= IPADDR_STRLEN || memchr(s, '\0', n) || ipaddr_parse(s, ip) < 0) {
		snprintf(err, errlen, "bad IP address \"%s\"", req_quote(s, n, q));
		return -1;
	}
	return 1;
}

static bool ip_is_zero(const struct ipaddr *ip)
{
	static const uint8_t zero[16];

	return ip->af && memcmp(ip->a, zero, ipaddr_len(ip)) == 0;
}

static bool mac_is_zero(const struct mac *m)
{
	static const uint8_t zero[6];

	return memcmp(m->b, zero, sizeof zero) == 0;
}

/* Multicast, broadcast (IPv4 255.255.255.255) or loopback: never a host's or a VTEP's address. */
static bool ip_not_unicast(const struct ipaddr *ip)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (ip->af == AF_INET)
		return ip->a[0] >= 224 || ip->a[0] == 127;
	if (ip->af == AF_INET6)
		return ip->a[0] == 0xff || memcmp(ip->a, lo6, 16) == 0;
	return false;
}

static int get_rts(struct json_object *req, struct orig_req *rq, char *err, size_t errlen)
{
	struct json_object *v = NULL;
	char q[REQ_QUOTE_LEN];
	size_t n;

	if (!json_object_object_get_ex(req, "rt", &v) || !v)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		/* a single route target as a bare string is accepted for convenience */
		const char *s = json_object_get_string(v);
		if (extc_rt_parse(s, &rq->rt[0]) < 0) {
			snprintf(err, errlen, "bad route target \"%s\"", req_quote(s, strlen(s), q));
			return -1;
		}
		rq->nrt = 1;
		return 1;
	}
	if (!json_object_is_type(v, json_type_array)) {
		snprintf(err, errlen, "field \"rt\" must be an array of strings");
		return -1;
	}
	n = json_object_array_length(v);
	if (n > CFG_MAX_RT) {
		snprintf(err, errlen, "too many route targets (at most %d)", CFG_MAX_RT);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *s;
		if (!json_object_is_type(e, json_type_string)) {
			snprintf(err, errlen, "field \"rt\" must be an array of strings");
			return -1;
		}
		s = json_object_get_string(e);
		if (extc_rt_parse(s, &rq->rt[i]) < 0) {
			snprintf(err, errlen, "bad route target \"%s\"",
				 req_quote(s, (size_t)json_object_get_string_len(e), q));
			return -1;
		}
	}
	rq->nrt = (unsigned)n;
	return 1;
}

int originate_parse(struct json_object *req, uint8_t type, bool add, struct orig_req *rq, char *err,
		    size_t errlen)
{
	char q[REQ_QUOTE_LEN];
	const char *s;
	size_t n;
	int r;

	memset(rq, 0, sizeof *rq);
	rq->type = type;
	if (type == EVPN_RT_MACIP) {
		if (req_str(req, "mac", true, &s, &n, err, errlen) < 0)
			return -1;
		if (n != 17 || memchr(s, '\0', n) || mac_parse(s, &rq->mac) < 0) {
			snprintf(err, errlen, "bad MAC address \"%s\"", req_quote(s, n, q));
			return -1;
		}
		if (rq->mac.b[0] & 1) {
			snprintf(err, errlen, "MAC address \"%s\" is a multicast address", s);
			return -1;
		}
		if (mac_is_zero(&rq->mac)) {
			snprintf(err, errlen, "MAC address 00:00:00:00:00:00 is not a host's");
			return -1;
		}
		if (get_ip(req, "ip", false, &rq->ip, err, errlen) < 0)
			return -1;
		if (ip_is_zero(&rq->ip)) {
			snprintf(err, errlen, "ip %s is no host address (leave ip out for a MAC-only route)",
				 rq->ip.af == AF_INET ? "0.0.0.0" : "::");
			return -1;
		}
		if (ip_not_unicast(&rq->ip)) {
			char a[IPADDR_STRLEN];
			snprintf(err, errlen, "ip %s is not a host's unicast address", ipaddr_str(&rq->ip, a));
			return -1;
		}
	} else if (get_ip(req, "ip", true, &rq->ip, err, errlen) < 0) {
		return -1;
	} else if (ip_is_zero(&rq->ip)) {
		snprintf(err, errlen, "the originator IP address must not be zero");
		return -1;
	} else if (ip_not_unicast(&rq->ip)) {
		char a[IPADDR_STRLEN];
		snprintf(err, errlen, "the originator IP address %s is not a unicast address (a VTEP's)",
			 ipaddr_str(&rq->ip, a));
		return -1;
	}
	if (req_u32(req, "vni", true, 1, VNI_MAX, &rq->vni, err, errlen) < 0)
		return -1;
	if (req_u32(req, "etag", false, 0, UINT32_MAX, &rq->etag, err, errlen) < 0)
		return -1;
	r = req_str(req, "rd", false, &s, &n, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (memchr(s, '\0', n) || rd_parse(s, &rq->rd) < 0) {
			snprintf(err, errlen, "bad route distinguisher \"%s\"", req_quote(s, n, q));
			return -1;
		}
		rq->has_rd = true;
	}
	if (!add)
		return 0;
	if (get_rts(req, rq, err, errlen) < 0 || get_ip(req, "nexthop", false, &rq->nexthop, err, errlen) < 0)
		return -1;
	if (rq->nexthop.af && (ip_is_zero(&rq->nexthop) || ip_not_unicast(&rq->nexthop))) {
		char a[IPADDR_STRLEN];
		snprintf(err, errlen, "next hop %s is not a VTEP's address (leave nexthop out for ours)",
			 ipaddr_str(&rq->nexthop, a));
		return -1;
	}
	if (type != EVPN_RT_MACIP)
		return 0;
	r = req_u32(req, "seq", false, 0, UINT32_MAX, &rq->seq, err, errlen);
	if (r < 0)
		return -1;
	rq->has_seq = r > 0;
	return req_bool(req, "sticky", &rq->sticky, err, errlen) < 0 ? -1 : 0;
}

int originate_opaque(struct json_object *req, bool with_value, size_t max_key, size_t max_value,
		     uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	uint8_t k[ORIG_OPAQUE_MAX], v[ORIG_OPAQUE_MAX];
	size_t kl = 0, vl = 0;
	struct wbuf w;

	if (req_bytes(req, "key", true, k, sizeof k, &kl, err, errlen) < 0)
		return -1;
	if (kl == 0) {
		snprintf(err, errlen, "empty key");
		return -1;
	}
	if (kl > max_key) {
		snprintf(err, errlen, "key too long (%zu bytes, opaque-max-key %zu)", kl, max_key);
		return -1;
	}
	if (with_value) {
		if (req_bytes(req, "value", true, v, sizeof v, &vl, err, errlen) < 0)
			return -1;
		if (vl > max_value) {
			snprintf(err, errlen, "value too long (%zu bytes, opaque-max-value %zu)", vl, max_value);
			return -1;
		}
	}
	if (kl + vl > ORIG_OPAQUE_MAX) {
		snprintf(err, errlen, "key and value too long (%zu bytes, at most %d: one BGP message)",
			 kl + vl, ORIG_OPAQUE_MAX);
		return -1;
	}
	wbuf_init(&w, buf, cap);
	if (opaque_encode(&w, k, kl, v, vl) < 0 || w.err) {
		snprintf(err, errlen, "cannot encode the key");
		return -1;
	}
	return (int)w.len;
}
