/* SPDX-License-Identifier: Apache-2.0 */
/* Path attribute encoding in GoBGP's byte layout, and AS_PATH helpers (4-octet segments). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"

/* Flags, type and length; the extended-length flag only when the value needs it. */
static void attr_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		wbuf_u8(w, flags | ATTR_F_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u16(w, (uint16_t)len);
	} else {
		wbuf_u8(w, flags & (uint8_t)~ATTR_F_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u8(w, (uint8_t)len);
	}
}

/* Encode our own attribute of type t, if the set has it. */
static void encode_known(const struct attrs *a, struct wbuf *w, unsigned t)
{
	switch (t) {
	case ATTR_ORIGIN:
		attr_hdr(w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, 1);
		wbuf_u8(w, a->origin);
		break;
	case ATTR_AS_PATH:
		attr_hdr(w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, a->aspath_len);
		wbuf_bytes(w, a->aspath, a->aspath_len);
		break;
	/* NEXT_HOP (3) is never written: our families carry the next hop in MP_REACH (RFC 4760) */
	case ATTR_MED:
		if (a->flags & AF_HAS_MED) {
			attr_hdr(w, ATTR_F_OPTIONAL, ATTR_MED, 4);
			wbuf_u32(w, a->med);
		}
		break;
	case ATTR_LOCAL_PREF:
		if (a->flags & AF_HAS_LOCAL_PREF) {
			attr_hdr(w, ATTR_F_TRANSITIVE, ATTR_LOCAL_PREF, 4);
			wbuf_u32(w, a->local_pref);
		}
		break;
	case ATTR_ATOMIC_AGGREGATE:
		if (a->flags & AF_HAS_ATOMIC_AGG)
			attr_hdr(w, ATTR_F_TRANSITIVE, ATTR_ATOMIC_AGGREGATE, 0);
		break;
	case ATTR_ORIGINATOR_ID:
		if (a->flags & AF_HAS_ORIGINATOR) {
			attr_hdr(w, ATTR_F_OPTIONAL, ATTR_ORIGINATOR_ID, 4);
			wbuf_u32(w, a->originator_id);
		}
		break;
	case ATTR_CLUSTER_LIST:
		if (a->ncluster) {
			attr_hdr(w, ATTR_F_OPTIONAL, ATTR_CLUSTER_LIST, 4 * (size_t)a->ncluster);
			for (unsigned i = 0; i < a->ncluster; i++)
				wbuf_u32(w, a->cluster[i]);
		}
		break;
	case ATTR_EXT_COMMUNITIES:
		if (a->nextcomm) {
			attr_hdr(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_EXT_COMMUNITIES,
				 8 * (size_t)a->nextcomm);
			for (unsigned i = 0; i < a->nextcomm; i++)
				wbuf_u64(w, a->extcomm[i]);
		}
		break;
	case ATTR_PMSI_TUNNEL:
		if (a->flags & AF_HAS_PMSI) {
			size_t n = ipaddr_len(&a->pmsi_ep);
			attr_hdr(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_PMSI_TUNNEL, 5 + n);
			wbuf_u8(w, a->pmsi_flags);
			wbuf_u8(w, a->pmsi_type);
			wbuf_u24(w, a->pmsi_label);
			wbuf_bytes(w, a->pmsi_ep.a, n);
		}
		break;
	}
}

static const uint8_t known_types[] = {
	ATTR_ORIGIN, ATTR_AS_PATH, ATTR_MED, ATTR_LOCAL_PREF, ATTR_ATOMIC_AGGREGATE,
	ATTR_ORIGINATOR_ID, ATTR_CLUSTER_LIST, ATTR_EXT_COMMUNITIES, ATTR_PMSI_TUNNEL,
};

static bool in_range(unsigned t, uint8_t split, bool below)
{
	return t != ATTR_MP_REACH && t != ATTR_MP_UNREACH && (below ? t < split : t >= split);
}

/* The unknown block is sorted by type (attr_parse keeps it so): merge it with our own types. */
void attr_encode(const struct attrs *a, struct wbuf *w, uint8_t split, bool below)
{
	size_t k = 0;
	struct rbuf r;
	rbuf_init(&r, a->unknown, a->unknown_len);
	for (;;) {
		unsigned ut = 256;
		const uint8_t *start = rbuf_ptr(&r);
		struct rbuf peek = r;
		uint8_t uf = 0, utype = 0, l8;
		uint16_t ulen = 0;
		size_t hl = 0;
		if (rbuf_left(&r) && !rbuf_u8(&peek, &uf) && !rbuf_u8(&peek, &utype)) {
			if (uf & ATTR_F_EXTLEN) {
				hl = rbuf_u16(&peek, &ulen) ? 0 : 4;
			} else if (!rbuf_u8(&peek, &l8)) {
				ulen = l8;
				hl = 3;
			}
			if (hl && rbuf_left(&peek) >= ulen)
				ut = utype;
		}
		while (k < sizeof known_types && known_types[k] <= ut) {
			if (in_range(known_types[k], split, below))
				encode_known(a, w, known_types[k]);
			k++;
		}
		if (ut == 256)
			break;
		if (in_range(ut, split, below))
			wbuf_bytes(w, start, hl + ulen);
		rbuf_skip(&r, hl + ulen);
	}
}

/* Walk 4-octet AS_PATH segments; cb returns nonzero to stop. */
static void aspath_walk(const struct attrs *a, int (*cb)(void *ctx, uint8_t type, struct rbuf *asns),
			void *ctx)
{
	struct rbuf r;
	rbuf_init(&r, a->aspath, a->aspath_len);
	while (rbuf_left(&r)) {
		uint8_t type, count;
		struct rbuf asns;
		if (rbuf_u8(&r, &type) || rbuf_u8(&r, &count) || rbuf_sub(&r, 4 * (size_t)count, &asns))
			return;
		if (cb(ctx, type, &asns))
			return;
	}
}

enum { SEG_SET = 1, SEG_SEQUENCE = 2, SEG_CONFED_SEQUENCE = 3, SEG_CONFED_SET = 4 };

static int count_cb(void *ctx, uint8_t type, struct rbuf *asns)
{
	unsigned *n = ctx;
	/* RFC 4271 9.1.2.2: a set counts as one; RFC 5065 5.3: confederation segments do not count */
	if (type == SEG_SEQUENCE)
		*n += (unsigned)(rbuf_left(asns) / 4);
	else if (type == SEG_SET)
		*n += 1;
	return 0;
}

unsigned attrs_aspath_count(const struct attrs *a)
{
	unsigned n = 0;
	aspath_walk(a, count_cb, &n);
	return n;
}

struct count_ctx {
	uint32_t asn;
	unsigned n;
};

static int occurs_cb(void *ctx, uint8_t type, struct rbuf *asns)
{
	struct count_ctx *c = ctx;
	uint32_t v;
	(void)type;
	while (!rbuf_u32(asns, &v))
		c->n += v == c->asn;
	return 0;
}

unsigned attrs_aspath_occurs(const struct attrs *a, uint32_t asn)
{
	struct count_ctx c = {.asn = asn};
	aspath_walk(a, occurs_cb, &c);
	return c.n;
}

static int first_cb(void *ctx, uint8_t type, struct rbuf *asns)
{
	uint32_t *first = ctx;
	if (type == SEG_SEQUENCE)
		rbuf_u32(asns, first);
	return 1;
}

uint32_t attrs_aspath_first(const struct attrs *a)
{
	uint32_t first = 0;
	aspath_walk(a, first_cb, &first);
	return first;
}

struct str_ctx {
	char *buf;
	size_t cap, len;
};

static void str_add(struct str_ctx *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_add(struct str_ctx *s, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (s->len + 1 >= s->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len = s->len + (size_t)n < s->cap ? s->len + (size_t)n : s->cap - 1;
}

/* GoBGP/Cisco style: sets in braces, confederation sequences in parentheses, sets in brackets */
static int str_cb(void *ctx, uint8_t type, struct rbuf *asns)
{
	static const char *const open[] = {"", "{", "", "(", "["}, *const close[] = {"", "}", "", ")", "]"};
	struct str_ctx *s = ctx;
	uint8_t t = type <= SEG_CONFED_SET ? type : SEG_SEQUENCE;
	uint32_t v;
	bool first = true;

	str_add(s, "%s%s", s->len ? " " : "", open[t]);
	while (!rbuf_u32(asns, &v)) {
		str_add(s, first ? "%u" : " %u", v);
		first = false;
	}
	str_add(s, "%s", close[t]);
	return 0;
}

const char *attrs_aspath_str(const struct attrs *a, char *buf, size_t cap)
{
	struct str_ctx s = {.buf = buf, .cap = cap};
	if (cap)
		buf[0] = '\0';
	aspath_walk(a, str_cb, &s);
	return buf;
}
