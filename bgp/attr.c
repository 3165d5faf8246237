/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path attribute parsing: RFC 4271 section 5 and 6.3, with the revised error handling of RFC 7606
 * (treat-as-withdraw, attribute discard, session reset only when NLRI cannot be located), RFC 4760
 * (MP_REACH/MP_UNREACH), RFC 4456 (ORIGINATOR_ID, CLUSTER_LIST), RFC 4360, RFC 6514 (PMSI_TUNNEL).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "msg.h"

/* First occurrence of each attribute type in the block: the walk and the checks are two passes. */
struct attr_seen {
	uint8_t present[32]; /* bitmap by type */
	uint8_t flags[256];
	uint16_t len[256];
	const uint8_t *val[256];
};

struct parse_state {
	struct attr_parse *out;
	const struct attr_ctx *ctx;
	size_t used; /* bytes of out->ext_buf taken from the bottom */
	size_t top;  /* start of what was taken from the top */
};

/* Record an outcome; the worst verdict wins and keeps its own text. */
static void verdict(struct parse_state *st, enum attr_verdict v, uint8_t subcode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void verdict(struct parse_state *st, enum attr_verdict v, uint8_t subcode, const char *fmt, ...)
{
	va_list ap;
	if (v <= st->out->verdict)
		return;
	st->out->verdict = v;
	/* RFC 4271 section 6.3's subcode, also kept for a treat-as-withdraw that RFC 7606 section 5.2
	 * turns into a reset when the UPDATE carries no reachable NLRI */
	st->out->err.code = v >= ATTR_WITHDRAW ? ERR_UPDATE : 0;
	st->out->err.subcode = v >= ATTR_WITHDRAW ? subcode : 0;
	va_start(ap, fmt);
	vsnprintf(st->out->why, sizeof st->out->why, fmt, ap);
	va_end(ap);
}

static void reset(struct parse_state *st, uint8_t subcode, const char *what, unsigned type)
{
	if (st->out->verdict == ATTR_RESET)
		return;
	verdict(st, ATTR_RESET, subcode, "%s (attribute %u)", what, type);
}

/* ext_buf holds the unknown attributes growing up from the bottom (they must stay contiguous) and
 * the host-order value arrays growing down from the top. NULL when they would meet, which cannot
 * happen within one message (each copy is no larger than its wire bytes) except for a huge
 * 2-octet AS_PATH, whose widening then fails as malformed. */
static void *ext_take_raw(struct parse_state *st, size_t n)
{
	if (st->top - st->used < n)
		return NULL;
	st->used += n;
	return st->out->ext_buf + st->used - n;
}

static void *ext_take_array(struct parse_state *st, size_t n, size_t align)
{
	uintptr_t base = (uintptr_t)st->out->ext_buf;
	size_t end;
	if (st->top - st->used < n)
		return NULL;
	end = st->top - n;
	end -= (base + end) % align;
	if (end < st->used)
		return NULL;
	st->top = end;
	return st->out->ext_buf + end;
}

/* Flags each attribute we know must carry (optional and transitive bits only, RFC 7606 3.c). */
static int known_flags(uint8_t type)
{
	switch (type) {
	case ATTR_ORIGIN:
	case ATTR_AS_PATH:
	case ATTR_NEXT_HOP:
	case ATTR_LOCAL_PREF:
	case ATTR_ATOMIC_AGGREGATE:
		return ATTR_F_TRANSITIVE;
	case ATTR_MED:
	case ATTR_ORIGINATOR_ID:
	case ATTR_CLUSTER_LIST:
	case ATTR_MP_REACH:
	case ATTR_MP_UNREACH:
		return ATTR_F_OPTIONAL;
	case ATTR_AGGREGATOR:
	case ATTR_COMMUNITIES:
	case ATTR_EXT_COMMUNITIES:
	case ATTR_PMSI_TUNNEL:
		return ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE;
	default:
		return -1;
	}
}

static const char *attr_name(uint8_t type)
{
	switch (type) {
	case ATTR_ORIGIN: return "ORIGIN";
	case ATTR_AS_PATH: return "AS_PATH";
	case ATTR_NEXT_HOP: return "NEXT_HOP";
	case ATTR_MED: return "MED";
	case ATTR_LOCAL_PREF: return "LOCAL_PREF";
	case ATTR_ATOMIC_AGGREGATE: return "ATOMIC_AGGREGATE";
	case ATTR_AGGREGATOR: return "AGGREGATOR";
	case ATTR_COMMUNITIES: return "COMMUNITIES";
	case ATTR_ORIGINATOR_ID: return "ORIGINATOR_ID";
	case ATTR_CLUSTER_LIST: return "CLUSTER_LIST";
	case ATTR_MP_REACH: return "MP_REACH_NLRI";
	case ATTR_MP_UNREACH: return "MP_UNREACH_NLRI";
	case ATTR_EXT_COMMUNITIES: return "EXT_COMMUNITIES";
	case ATTR_PMSI_TUNNEL: return "PMSI_TUNNEL";
	default: return "attribute";
	}
}

/* Append one attribute to the unknown block, normalised: extended length only when needed. */
static int keep_raw(struct parse_state *st, uint8_t flags, uint8_t type, const uint8_t *v, uint16_t len)
{
	size_t hl = len > 255 ? 4 : 3;
	uint8_t *d = ext_take_raw(st, hl + len);
	struct attrs *a = &st->out->a;
	if (!d)
		return -1;
	if (!a->unknown)
		a->unknown = d;
	flags = (uint8_t)((flags & ~ATTR_F_EXTLEN) | (len > 255 ? ATTR_F_EXTLEN : 0));
	d[0] = flags;
	d[1] = type;
	if (len > 255) {
		d[2] = (uint8_t)(len >> 8);
		d[3] = (uint8_t)len;
	} else {
		d[2] = (uint8_t)len;
	}
	if (len)
		memcpy(d + hl, v, len);
	a->unknown_len = (uint16_t)(a->unknown_len + hl + len);
	return 0;
}

/* AS_PATH segments: type 1..4, count > 0, ASNs of asn_size bytes, filling the attribute exactly.
 * 2-octet paths (no AS4 capability) are widened into ext_buf. */
static int parse_aspath(struct parse_state *st, struct rbuf *v, size_t asn_size)
{
	struct attrs *a = &st->out->a;
	struct rbuf r = *v;
	size_t out_len = 0;

	while (rbuf_left(&r)) {
		uint8_t type, count;
		if (rbuf_u8(&r, &type) || rbuf_u8(&r, &count) || type < 1 || type > 4 || count == 0 ||
		    rbuf_skip(&r, count * asn_size))
			return -1;
		out_len += 2 + 4 * (size_t)count;
	}
	if (out_len > 0xffff)
		return -1;
	if (asn_size == 4) {
		a->aspath = rbuf_ptr(v);
		a->aspath_len = (uint16_t)rbuf_left(v);
		return 0;
	}
	uint8_t *d = ext_take_array(st, out_len, 1);
	struct wbuf w;
	if (!d)
		return -1;
	wbuf_init(&w, d, out_len);
	r = *v;
	while (rbuf_left(&r)) {
		uint8_t type, count;
		uint16_t asn;
		rbuf_u8(&r, &type);
		rbuf_u8(&r, &count);
		wbuf_u8(&w, type);
		wbuf_u8(&w, count);
		for (unsigned i = 0; i < count; i++) {
			rbuf_u16(&r, &asn);
			wbuf_u32(&w, asn);
		}
	}
	a->aspath = d;
	a->aspath_len = (uint16_t)out_len;
	return 0;
}

static void parse_mp_reach(struct parse_state *st, struct rbuf *v)
{
	struct attr_parse *o = st->out;
	uint8_t nhlen, res;
	const uint8_t *nh;

	if (rbuf_u16(v, &o->reach_afi) || rbuf_u8(v, &o->reach_safi) || rbuf_u8(v, &nhlen)) {
		reset(st, ERR_UPD_OPTATTR, "MP_REACH_NLRI truncated", ATTR_MP_REACH);
		return;
	}
	nh = rbuf_ptr(v);
	if (rbuf_skip(v, nhlen) || rbuf_u8(v, &res)) {
		reset(st, ERR_UPD_OPTATTR, "MP_REACH_NLRI truncated", ATTR_MP_REACH);
		return;
	}
	/* 32: global + link-local IPv6 (RFC 2545); the global one is the next hop */
	if (nhlen != 4 && nhlen != 16 && nhlen != 32) {
		reset(st, ERR_UPD_OPTATTR, "MP_REACH_NLRI next hop length", ATTR_MP_REACH);
		return;
	}
	ipaddr_from_bytes(&o->a.nexthop, nh, nhlen == 4 ? 4 : 16);
	o->a.flags |= AF_HAS_NEXT_HOP;
	o->reach_nlri = *v;
	o->has_reach = true;
}

static void parse_mp_unreach(struct parse_state *st, struct rbuf *v)
{
	struct attr_parse *o = st->out;
	if (rbuf_u16(v, &o->unreach_afi) || rbuf_u8(v, &o->unreach_safi)) {
		reset(st, ERR_UPD_OPTATTR, "MP_UNREACH_NLRI truncated", ATTR_MP_UNREACH);
		return;
	}
	o->unreach_nlri = *v;
	o->has_unreach = true;
}

static void parse_pmsi(struct parse_state *st, struct rbuf *v, uint8_t flags)
{
	struct attrs *a = &st->out->a;
	uint8_t pf, pt;
	uint32_t label;
	const uint8_t *all = rbuf_ptr(v);
	uint16_t all_len = (uint16_t)rbuf_left(v);

	if (rbuf_u8(v, &pf) || rbuf_u8(v, &pt) || rbuf_u24(v, &label)) {
		verdict(st, ATTR_WITHDRAW, ERR_UPD_OPTATTR, "PMSI_TUNNEL length %u", all_len);
		return;
	}
	if (pt != PMSI_INGRESS_REPL) {
		/* RFC 6514 section 5: other tunnel types are not ours to use; pass them on unchanged */
		if (keep_raw(st, flags, ATTR_PMSI_TUNNEL, all, all_len))
			reset(st, ERR_UPD_ATTRLIST, "attributes too large", ATTR_PMSI_TUNNEL);
		return;
	}
	if (ipaddr_from_bytes(&a->pmsi_ep, rbuf_ptr(v), rbuf_left(v))) {
		verdict(st, ATTR_WITHDRAW, ERR_UPD_OPTATTR, "PMSI_TUNNEL tunnel endpoint length %zu", rbuf_left(v));
		return;
	}
	a->pmsi_flags = pf;
	a->pmsi_type = pt;
	a->pmsi_label = label;
	a->flags |= AF_HAS_PMSI;
}

/* Host-order copies of 32-bit (CLUSTER_LIST) or 64-bit (EXT_COMMUNITIES) values. */
static void *copy_values(struct parse_state *st, struct rbuf *v, size_t size)
{
	size_t n = rbuf_left(v) / size;
	void *d = ext_take_array(st, n * size, size);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (size == 8)
			rbuf_u64(v, (uint64_t *)d + i);
		else
			rbuf_u32(v, (uint32_t *)d + i);
	}
	return d;
}

/* Check a 4-byte value and read it, or record treat-as-withdraw. */
static int want_u32(struct parse_state *st, struct rbuf *v, uint8_t type, uint32_t *out)
{
	if (rbuf_left(v) != 4) {
		verdict(st, ATTR_WITHDRAW, ERR_UPD_LENGTH, "%s length %zu", attr_name(type), rbuf_left(v));
		return -1;
	}
	rbuf_u32(v, out);
	return 0;
}

static void parse_one(struct parse_state *st, uint8_t type, uint8_t flags, struct rbuf *v)
{
	struct attrs *a = &st->out->a;
	const struct attr_ctx *ctx = st->ctx;
	size_t len = rbuf_left(v);
	int want = known_flags(type);
	uint8_t u8;
	uint32_t u32;

	if (want < 0) {
		if (!(flags & ATTR_F_OPTIONAL)) {
			/* RFC 4271 section 6.3; RFC 7606 does not revise this case */
			reset(st, ERR_UPD_UNKWN_WK, "unrecognized well-known attribute", type);
		} else if (flags & ATTR_F_TRANSITIVE) {
			/* AS4_PATH/AS4_AGGREGATOR from a 4-octet speaker are discarded (RFC 6793) */
			if (ctx->as4 && (type == 17 || type == 18))
				verdict(st, ATTR_DISCARD, 0, "attribute %u from a 4-octet AS speaker", type);
			else if (keep_raw(st, flags | ATTR_F_PARTIAL, type, rbuf_ptr(v), (uint16_t)len))
				reset(st, ERR_UPD_ATTRLIST, "attributes too large", type);
		}
		return; /* unknown optional non-transitive: dropped quietly (RFC 4271 section 5) */
	}
	if ((flags & (ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE)) != want) {
		if (type == ATTR_ATOMIC_AGGREGATE || type == ATTR_AGGREGATOR) {
			verdict(st, ATTR_DISCARD, 0, "%s flags 0x%02x", attr_name(type), flags);
			return;
		}
		/* MP attributes are still parsed so their NLRI can be withdrawn */
		verdict(st, ATTR_WITHDRAW, ERR_UPD_FLAGS, "%s flags 0x%02x", attr_name(type), flags);
		if (type != ATTR_MP_REACH && type != ATTR_MP_UNREACH)
			return;
	}
	switch (type) {
	case ATTR_ORIGIN:
		if (len != 1) {
			verdict(st, ATTR_WITHDRAW, ERR_UPD_LENGTH, "ORIGIN length %zu", len);
		} else {
			rbuf_u8(v, &u8);
			if (u8 > ORIGIN_INCOMPLETE)
				verdict(st, ATTR_WITHDRAW, ERR_UPD_ORIGIN, "ORIGIN value %u", u8);
			else
				a->origin = u8;
		}
		break;
	case ATTR_AS_PATH:
		if (parse_aspath(st, v, ctx->as4 ? 4 : 2))
			verdict(st, ATTR_WITHDRAW, ERR_UPD_ASPATH, "AS_PATH malformed (length %zu)", len);
		break;
	case ATTR_NEXT_HOP:
		if (!want_u32(st, v, type, &u32) && !(a->flags & AF_HAS_NEXT_HOP)) {
			ipaddr_from_v4(&a->nexthop, u32);
			a->flags |= AF_HAS_NEXT_HOP;
		}
		break;
	case ATTR_MED:
		if (!want_u32(st, v, type, &a->med))
			a->flags |= AF_HAS_MED;
		break;
	case ATTR_LOCAL_PREF:
		if (ctx->ebgp)
			verdict(st, ATTR_DISCARD, 0, "LOCAL_PREF from an external peer");
		else if (!want_u32(st, v, type, &a->local_pref))
			a->flags |= AF_HAS_LOCAL_PREF;
		break;
	case ATTR_ATOMIC_AGGREGATE:
		if (len != 0)
			verdict(st, ATTR_DISCARD, 0, "ATOMIC_AGGREGATE length %zu", len);
		else
			a->flags |= AF_HAS_ATOMIC_AGG;
		break;
	case ATTR_AGGREGATOR:
		/* informational only (RFC 7606 section 7.7): kept and passed on when well formed */
		if (!ctx->as4)
			verdict(st, ATTR_DISCARD, 0, "AGGREGATOR from a 2-octet AS speaker");
		else if (len != 8)
			verdict(st, ATTR_DISCARD, 0, "AGGREGATOR length %zu", len);
		else if (keep_raw(st, flags, type, rbuf_ptr(v), (uint16_t)len))
			reset(st, ERR_UPD_ATTRLIST, "attributes too large", type);
		break;
	case ATTR_COMMUNITIES:
		if (len == 0 || len % 4)
			verdict(st, ATTR_WITHDRAW, ERR_UPD_LENGTH, "COMMUNITIES length %zu", len);
		else if (keep_raw(st, flags, type, rbuf_ptr(v), (uint16_t)len))
			reset(st, ERR_UPD_ATTRLIST, "attributes too large", type);
		break;
	case ATTR_ORIGINATOR_ID:
		if (ctx->ebgp)
			verdict(st, ATTR_DISCARD, 0, "ORIGINATOR_ID from an external peer");
		else if (!want_u32(st, v, type, &a->originator_id))
			a->flags |= AF_HAS_ORIGINATOR;
		break;
	case ATTR_CLUSTER_LIST:
		if (ctx->ebgp) {
			verdict(st, ATTR_DISCARD, 0, "CLUSTER_LIST from an external peer");
		} else if (len == 0 || len % 4 || len / 4 > 0xffff) {
			verdict(st, ATTR_WITHDRAW, ERR_UPD_LENGTH, "CLUSTER_LIST length %zu", len);
		} else {
			a->ncluster = (uint16_t)(len / 4);
			if (!(a->cluster = copy_values(st, v, 4)))
				reset(st, ERR_UPD_ATTRLIST, "attributes too large", type);
		}
		break;
	case ATTR_MP_REACH:
		parse_mp_reach(st, v);
		break;
	case ATTR_MP_UNREACH:
		parse_mp_unreach(st, v);
		break;
	case ATTR_EXT_COMMUNITIES:
		if (len == 0 || len % 8) {
			verdict(st, ATTR_WITHDRAW, ERR_UPD_LENGTH, "EXT_COMMUNITIES length %zu", len);
		} else {
			a->nextcomm = (uint16_t)(len / 8);
			if (!(a->extcomm = copy_values(st, v, 8)))
				reset(st, ERR_UPD_ATTRLIST, "attributes too large", type);
		}
		break;
	case ATTR_PMSI_TUNNEL:
		parse_pmsi(st, v, flags);
		break;
	}
}

void attr_parse(const uint8_t *p, size_t len, const struct attr_ctx *ctx, struct attr_parse *out)
{
	struct attr_seen seen;
	struct parse_state st = {.out = out, .ctx = ctx, .top = sizeof out->ext_buf};
	struct rbuf r;

	memset(out, 0, offsetof(struct attr_parse, ext_buf));
	out->why[0] = '\0';
	memset(seen.present, 0, sizeof seen.present);
	rbuf_init(&r, p, len);

	/* Pass 1: framing. RFC 7606 section 4: a last attribute running past the block, or too few
	 * bytes left for an attribute header, is treat-as-withdraw, the total attribute length locating
	 * the NLRI; the attributes before it stand. When that attribute is MP_REACH/MP_UNREACH its NLRI
	 * cannot be located: session reset (section 3.j). update_parse resets too when no reachable
	 * NLRI was found before it (section 5.2). */
	while (rbuf_left(&r)) {
		uint8_t flags, type = 0, l8 = 0;
		uint16_t alen = 0;
		struct rbuf v;
		const char *cut = NULL;
		if (rbuf_u8(&r, &flags) || rbuf_u8(&r, &type)) {
			cut = "attribute header truncated";
		} else if (flags & ATTR_F_EXTLEN) {
			if (rbuf_u16(&r, &alen))
				cut = "attribute length truncated";
		} else {
			if (rbuf_u8(&r, &l8))
				cut = "attribute length truncated";
			alen = l8;
		}
		if (!cut && rbuf_sub(&r, alen, &v))
			cut = "attribute runs past the block";
		if (cut) {
			if (type == ATTR_MP_REACH || type == ATTR_MP_UNREACH) {
				reset(&st, ERR_UPD_ATTRLIST, cut, type);
				return;
			}
			verdict(&st, ATTR_WITHDRAW, ERR_UPD_ATTRLIST, "%s (attribute %u)", cut, type);
			break;
		}
		if (seen.present[type / 8] & (1u << (type % 8))) {
			/* RFC 7606 section 3.g */
			if (type == ATTR_MP_REACH || type == ATTR_MP_UNREACH) {
				reset(&st, ERR_UPD_ATTRLIST, "MP attribute repeated", type);
				return;
			}
			verdict(&st, ATTR_DISCARD, 0, "%s %u repeated", attr_name(type), type);
			continue;
		}
		seen.present[type / 8] |= (uint8_t)(1u << (type % 8));
		seen.flags[type] = flags;
		seen.len[type] = alen;
		seen.val[type] = rbuf_ptr(&v);
	}

	/* Pass 2: ascending type order, so kept unknown attributes come out sorted for attr_encode. */
	for (unsigned t = 0; t < 256; t++) {
		struct rbuf v;
		if (!(seen.present[t / 8] & (1u << (t % 8))))
			continue;
		rbuf_init(&v, seen.val[t], seen.len[t]);
		parse_one(&st, (uint8_t)t, seen.flags[t], &v);
		if (out->verdict == ATTR_RESET)
			return;
	}

	/* RFC 7606 section 3.d: missing well-known attributes with reachable NLRI */
	if (out->has_reach) {
		if (!(seen.present[0] & (1u << ATTR_ORIGIN)))
			verdict(&st, ATTR_WITHDRAW, ERR_UPD_MISSING_WK, "missing ORIGIN");
		if (!(seen.present[0] & (1u << ATTR_AS_PATH)))
			verdict(&st, ATTR_WITHDRAW, ERR_UPD_MISSING_WK, "missing AS_PATH");
	}
}
