/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text and JSON views of family NLRIs. The JSON field names are the control protocol's route object
 * (docs/control-protocol.md); the caller adds nexthop, source, best and age.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "evpn.h"
#include "family_json.h"
#include "opaque.h"

const char *esi_str(const uint8_t esi[10], char *buf)
{
	static const uint8_t zero[10];
	char *p = buf;

	if (memcmp(esi, zero, sizeof zero) == 0)
		return strcpy(buf, "0");
	for (int i = 0; i < 10; i++)
		p += sprintf(p, i ? ":%02x" : "%02x", esi[i]);
	return buf;
}

int evpn_print(const uint8_t *nlri, size_t len, char *buf, size_t cap)
{
	struct evpn_route rt;
	char rd[RD_STRLEN], ip[IPADDR_STRLEN], mac[MAC_STRLEN], esi[ESI_STRLEN];

	if (evpn_decode(nlri, len, &rt) < 0)
		return snprintf(buf, cap, "[type:malformed][len:%zu]", len);
	rd_str(&rt.rd, rd);
	switch (rt.type) {
	case EVPN_RT_MACIP:
		if (rt.nlabels == 2)
			return snprintf(buf, cap, "[type:macadv][rd:%s][etag:%u][mac:%s][ip:%s][labels:[%u %u]]",
					rd, rt.etag, mac_str(&rt.mac, mac),
					rt.ip.af ? ipaddr_str(&rt.ip, ip) : "<nil>", rt.label[0], rt.label[1]);
		return snprintf(buf, cap, "[type:macadv][rd:%s][etag:%u][mac:%s][ip:%s][labels:[%u]]", rd,
				rt.etag, mac_str(&rt.mac, mac), rt.ip.af ? ipaddr_str(&rt.ip, ip) : "<nil>",
				rt.label[0]);
	case EVPN_RT_IMET:
		return snprintf(buf, cap, "[type:multicast][rd:%s][etag:%u][ip:%s]", rd, rt.etag,
				ipaddr_str(&rt.orig, ip));
	case EVPN_RT_ES:
		return snprintf(buf, cap, "[type:esi][rd:%s][esi:%s][ip:%s]", rd, esi_str(rt.esi, esi),
				ipaddr_str(&rt.orig, ip));
	case EVPN_RT_PREFIX:
		return snprintf(buf, cap, "[type:prefix][rd:%s][esi:%s][etag:%u][prefix:%s/%u][label:%u]", rd,
				esi_str(rt.esi, esi), rt.etag, ipaddr_str(&rt.ip, ip), rt.prefix_len,
				rt.label[0]);
	default:
		return snprintf(buf, cap, "[type:%s][rd:%s][esi:%s][etag:%u][label:%u]",
				evpn_type_name(rt.type), rd, esi_str(rt.esi, esi), rt.etag, rt.label[0]);
	}
}

static struct json_object *ip_json(const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	return a->af ? json_object_new_string(ipaddr_str(a, buf)) : NULL;
}

/* "64512:100" from a route target community */
static struct json_object *rt_json(uint64_t c)
{
	char buf[64];

	return json_object_new_string(extc_rt_str(c, buf, sizeof buf));
}

/* What the extended communities and PMSI attribute say about an EVPN route. */
static void attrs_to_json(const struct evpn_route *rt, const struct attrs *a, struct json_object *obj)
{
	struct json_object *rts = json_object_new_array();
	struct json_object *encap = NULL;
	uint32_t seq = 0;
	bool sticky = false;

	for (unsigned i = 0; a && i < a->nextcomm; i++) {
		uint64_t c = a->extcomm[i];
		uint16_t t = extc_type(c);

		if (extc_is_rt(c)) {
			json_object_array_add(rts, rt_json(c));
		} else if (t == EXTC_ENCAP) {
			uint16_t tunnel = (uint16_t)c; /* RFC 9012 section 4.1: type in the last 2 bytes */
			json_object_put(encap);
			encap = tunnel == TUNNEL_VXLAN ? json_object_new_string("vxlan")
						       : json_object_new_int(tunnel);
		} else if (t == EXTC_ROUTER_MAC) {
			struct mac m;
			char buf[MAC_STRLEN];
			for (int b = 0; b < 6; b++)
				m.b[b] = (uint8_t)(c >> (40 - 8 * b));
			json_object_object_add(obj, "router_mac", json_object_new_string(mac_str(&m, buf)));
		} else if (t == EXTC_DEFAULT_GW) {
			json_object_object_add(obj, "default_gateway", json_object_new_boolean(1));
		}
	}
	if (a)
		attrs_mac_mobility(a, &seq, &sticky);
	json_object_object_add(obj, "route_targets", rts);
	json_object_object_add(obj, "encap", encap);
	json_object_object_add(obj, "seq", json_object_new_int64(seq));
	json_object_object_add(obj, "sticky", json_object_new_boolean(sticky));

	if (a && (a->flags & AF_HAS_PMSI)) {
		struct json_object *p = json_object_new_object();
		json_object_object_add(p, "type", a->pmsi_type == PMSI_INGRESS_REPL
					  ? json_object_new_string("ingress-replication")
					  : json_object_new_int(a->pmsi_type));
		json_object_object_add(p, "label", json_object_new_int64(a->pmsi_label));
		json_object_object_add(p, "endpoint", ip_json(&a->pmsi_ep));
		json_object_object_add(obj, "pmsi", p);
	}
	(void)rt;
}

void evpn_to_json(const uint8_t *nlri, size_t len, const struct attrs *a, struct json_object *obj)
{
	struct evpn_route rt;
	char rd[RD_STRLEN], mac[MAC_STRLEN], esi[ESI_STRLEN];
	struct json_object *labels, *vni = NULL;

	if (evpn_decode(nlri, len, &rt) < 0) {
		json_object_object_add(obj, "type", json_object_new_string("malformed"));
		return;
	}
	json_object_object_add(obj, "type", json_object_new_string(evpn_type_name(rt.type)));
	json_object_object_add(obj, "rd", json_object_new_string(rd_str(&rt.rd, rd)));
	json_object_object_add(obj, "etag", json_object_new_int64(rt.etag));
	if (rt.type == EVPN_RT_MACIP)
		json_object_object_add(obj, "mac", json_object_new_string(mac_str(&rt.mac, mac)));
	json_object_object_add(obj, "ip", rt.type == EVPN_RT_IMET ? NULL : ip_json(&rt.ip));
	if (rt.type == EVPN_RT_PREFIX) {
		char ip[IPADDR_STRLEN], pfx[IPADDR_STRLEN + 4];
		snprintf(pfx, sizeof pfx, "%s/%u", ipaddr_str(&rt.ip, ip), rt.prefix_len);
		json_object_object_add(obj, "prefix", json_object_new_string(pfx));
		json_object_object_add(obj, "gateway", ip_json(&rt.gw));
	}

	labels = json_object_new_array();
	for (unsigned i = 0; i < rt.nlabels; i++)
		json_object_array_add(labels, json_object_new_int64(rt.label[i]));
	if (rt.nlabels)
		vni = json_object_new_int64(rt.label[0]);
	else if (rt.type == EVPN_RT_IMET && a && (a->flags & AF_HAS_PMSI))
		vni = json_object_new_int64(a->pmsi_label); /* RFC 8365 section 5.1.3 */
	json_object_object_add(obj, "vni", vni);
	/* a routed tenant's L3 VNI: a MAC+IP route's second label (RFC 9135), a prefix route's label */
	json_object_object_add(obj, "l3vni", rt.type == EVPN_RT_MACIP && rt.nlabels == 2 ?
			       json_object_new_int64(rt.label[1]) : rt.type == EVPN_RT_PREFIX ?
			       json_object_new_int64(rt.label[0]) : NULL);
	json_object_object_add(obj, "labels", labels);
	json_object_object_add(obj, "esi", json_object_new_string(esi_str(rt.esi, esi)));
	json_object_object_add(obj, "originator", ip_json(&rt.orig));
	attrs_to_json(&rt, a, obj);
}

/* snprintf at offset *n of buf, counting what would have been written once buf is full */
static void append(char *buf, size_t cap, size_t *n, const char *fmt, unsigned v)
{
	int w = snprintf(*n < cap ? buf + *n : NULL, *n < cap ? cap - *n : 0, fmt, v);

	if (w > 0)
		*n += (size_t)w;
}

int opaque_print(const uint8_t *nlri, size_t len, char *buf, size_t cap)
{
	const uint8_t *k, *v;
	size_t kl, vl, n = 0;

	if (opaque_decode(nlri, len, &k, &kl, &v, &vl) < 0)
		return snprintf(buf, cap, "[opaque:malformed][len:%zu]", len);
	for (int part = 0; part < 2; part++) {
		const uint8_t *p = part ? v : k;
		size_t pl = part ? vl : kl;
		append(buf, cap, &n, part ? "][value:" : "[key:", 0);
		for (size_t i = 0; i < pl; i++)
			append(buf, cap, &n, p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' ? "%c" : "\\x%02x",
			       p[i]);
	}
	append(buf, cap, &n, "]", 0);
	return (int)n;
}

/* Whether p is UTF-8 as RFC 3629 has it (no overlong forms, no surrogates, nothing past U+10FFFF)
 * and holds no NUL (which many JSON consumers cut strings at). */
static bool utf8_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		size_t k;
		uint32_t cp, min;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* name: the bytes as a string when they are UTF-8 text; else null, and name_hex: lowercase hex. */
static void bytes_json(struct json_object *obj, const char *name, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char hname[32];
	char *h;

	if (utf8_text(p, n)) {
		json_object_object_add(obj, name, json_object_new_string_len((const char *)p, (int)n));
		return;
	}
	json_object_object_add(obj, name, NULL);
	h = malloc(2 * n + 1);
	if (!h)
		return;
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = hex[p[i] >> 4];
		h[2 * i + 1] = hex[p[i] & 15];
	}
	snprintf(hname, sizeof hname, "%s_hex", name);
	json_object_object_add(obj, hname, json_object_new_string_len(h, (int)(2 * n)));
	free(h);
}

void opaque_to_json(const uint8_t *nlri, size_t len, const struct attrs *a, struct json_object *obj)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	if (opaque_decode(nlri, len, &k, &kl, &v, &vl) < 0)
		return;
	bytes_json(obj, "key", k, kl);
	bytes_json(obj, "value", v, vl);
}
