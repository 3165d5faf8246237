/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses, MACs, route distinguishers and small config parsers (see types.h). */
#include "types.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

int ipaddr_parse(const char *s, struct ipaddr *out)
{
	struct ipaddr a;
	memset(&a, 0, sizeof a);
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.af = AF_INET;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.af = AF_INET6;
	else
		return -1;
	*out = a;
	return 0;
}

const char *ipaddr_str(const struct ipaddr *a, char *buf)
{
	buf[0] = '\0';
	if (a->af == AF_INET || a->af == AF_INET6) {
		if (!inet_ntop(a->af, a->a, buf, IPADDR_STRLEN))
			buf[0] = '\0';
	}
	return buf;
}

size_t ipaddr_len(const struct ipaddr *a)
{
	return a->af == AF_INET ? 4 : a->af == AF_INET6 ? 16 : 0;
}

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->a, b->a, ipaddr_len(a));
}

int ipaddr_from_bytes(struct ipaddr *a, const uint8_t *p, size_t len)
{
	if (len != 4 && len != 16)
		return -1;
	memset(a, 0, sizeof *a);
	a->af = len == 4 ? AF_INET : AF_INET6;
	memcpy(a->a, p, len);
	return 0;
}

void ipaddr_from_v4(struct ipaddr *a, uint32_t host_order)
{
	memset(a, 0, sizeof *a);
	a->af = AF_INET;
	a->a[0] = (uint8_t)(host_order >> 24);
	a->a[1] = (uint8_t)(host_order >> 16);
	a->a[2] = (uint8_t)(host_order >> 8);
	a->a[3] = (uint8_t)host_order;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly six two-digit groups separated by ':' and nothing else. */
int mac_parse(const char *s, struct mac *out)
{
	struct mac m;
	if (!s)
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		m.b[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	if (*s)
		return -1;
	*out = m;
	return 0;
}

const char *mac_str(const struct mac *m, char *buf)
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2], m->b[3],
		 m->b[4], m->b[5]);
	return buf;
}

/* Strict decimal: digits only (no sign, no spaces), value <= max. */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int rd_parse(const char *s, struct rd *out)
{
	const char *colon;
	struct rd r;
	uint64_t asn, num;
	char left[INET_ADDRSTRLEN];
	if (!s || !(colon = strrchr(s, ':')))
		return -1;
	size_t ln = (size_t)(colon - s);
	const char *rs = colon + 1;
	memset(&r, 0, sizeof r);
	if (ln < sizeof left && memchr(s, '.', ln)) {
		/* type 1: IPv4 address + 16-bit number */
		memcpy(left, s, ln);
		left[ln] = '\0';
		if (inet_pton(AF_INET, left, &r.b[2]) != 1 || parse_dec(rs, strlen(rs), 0xffff, &num))
			return -1;
		r.b[1] = 1;
		r.b[6] = (uint8_t)(num >> 8);
		r.b[7] = (uint8_t)num;
	} else {
		if (parse_dec(s, ln, 0xffffffffu, &asn))
			return -1;
		if (asn <= 0xffff) {
			/* type 0: 2-octet AS + 32-bit number */
			if (parse_dec(rs, strlen(rs), 0xffffffffu, &num))
				return -1;
			r.b[1] = 0;
			r.b[2] = (uint8_t)(asn >> 8);
			r.b[3] = (uint8_t)asn;
			for (int i = 0; i < 4; i++)
				r.b[4 + i] = (uint8_t)(num >> (24 - 8 * i));
		} else {
			/* type 2: 4-octet AS + 16-bit number */
			if (parse_dec(rs, strlen(rs), 0xffff, &num))
				return -1;
			r.b[1] = 2;
			for (int i = 0; i < 4; i++)
				r.b[2 + i] = (uint8_t)(asn >> (24 - 8 * i));
			r.b[6] = (uint8_t)(num >> 8);
			r.b[7] = (uint8_t)num;
		}
	}
	*out = r;
	return 0;
}

const char *rd_str(const struct rd *r, char *buf)
{
	const uint8_t *b = r->b;
	uint16_t type = (uint16_t)(b[0] << 8 | b[1]);
	uint32_t hi4 = (uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5];
	uint32_t lo4 = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	unsigned lo2 = (unsigned)(b[6] << 8 | b[7]);
	switch (type) {
	case 0:
		snprintf(buf, RD_STRLEN, "%u:%u", (unsigned)(b[2] << 8 | b[3]), lo4);
		break;
	case 1:
		snprintf(buf, RD_STRLEN, "%u.%u.%u.%u:%u", b[2], b[3], b[4], b[5], lo2);
		break;
	case 2:
		snprintf(buf, RD_STRLEN, "%u:%u", hi4, lo2);
		break;
	default:
		snprintf(buf, RD_STRLEN, "%u:%02x%02x%02x%02x%02x%02x", type, b[2], b[3], b[4], b[5], b[6],
			 b[7]);
		break;
	}
	return buf;
}

void rd_make_ip(struct rd *out, uint32_t router_id_host, uint16_t num)
{
	out->b[0] = 0;
	out->b[1] = 1;
	out->b[2] = (uint8_t)(router_id_host >> 24);
	out->b[3] = (uint8_t)(router_id_host >> 16);
	out->b[4] = (uint8_t)(router_id_host >> 8);
	out->b[5] = (uint8_t)router_id_host;
	out->b[6] = (uint8_t)(num >> 8);
	out->b[7] = (uint8_t)num;
}

int parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*b = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	if (!s || parse_dec(s, strlen(s), 0xffffffffu, &v) || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}
