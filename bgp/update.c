/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UPDATE messages (RFC 4271 section 4.3, RFC 4760 multiprotocol, RFC 7606 error handling,
 * RFC 4724 End-of-RIB) and the writer that packs many NLRIs sharing one attribute set.
 */
#include <stdio.h>
#include <string.h>

#include "update.h"

static enum attr_verdict reset(struct bgp_err *err, uint8_t subcode)
{
	memset(err, 0, sizeof *err);
	err->code = ERR_UPDATE;
	err->subcode = subcode;
	return ATTR_RESET;
}

/* Classic IPv4 prefixes (1 B length in bits, then the significant bytes): framed only, since
 * evpnd carries no IPv4 unicast. */
static int ipv4_prefixes_ok(struct rbuf r)
{
	uint8_t bits;

	while (rbuf_left(&r)) {
		if (rbuf_u8(&r, &bits) < 0 || bits > 32 || rbuf_skip(&r, (bits + 7u) / 8) < 0)
			return -1;
	}
	return 0;
}

/* RFC 7606 section 5.3: every NLRI of an MP attribute must be located and well formed, or the
 * session is reset (a treat-as-withdraw would not know what to withdraw). */
static int mp_field_ok(int fam, struct rbuf field)
{
	struct rbuf one;

	if (fam < 0)
		return 0; /* a family we did not negotiate: ignored whole */
	while (rbuf_left(&field)) {
		if (family_table[fam].next(&field, &one) < 0)
			return -1;
		if (family_table[fam].check(rbuf_ptr(&one), rbuf_left(&one)) < 0)
			return -1;
	}
	return 0;
}

/* Whether the attribute block holds exactly one attribute and it is MP_UNREACH. */
static bool only_unreach(const uint8_t *p, size_t len)
{
	struct rbuf r;
	uint8_t flags, type, l8;
	uint16_t l16;

	rbuf_init(&r, p, len);
	if (rbuf_u8(&r, &flags) < 0 || rbuf_u8(&r, &type) < 0 || type != ATTR_MP_UNREACH)
		return false;
	if (flags & ATTR_F_EXTLEN) {
		if (rbuf_u16(&r, &l16) < 0)
			return false;
	} else {
		if (rbuf_u8(&r, &l8) < 0)
			return false;
		l16 = l8;
	}
	return rbuf_skip(&r, l16) == 0 && rbuf_left(&r) == 0;
}

enum attr_verdict update_parse(const uint8_t *body, size_t len, const struct attr_ctx *ctx,
			       struct update *u, struct bgp_err *err)
{
	struct rbuf r, withdrawn, attrs;
	uint16_t wlen, alen;
	struct attr_parse *ap = &u->ap;
	bool bad_reach, bad_unreach;

	memset(u, 0, sizeof *u);
	u->reach_fam = u->unreach_fam = u->eor_fam = -1;
	memset(err, 0, sizeof *err);

	/* 2 B withdrawn routes length, withdrawn routes, 2 B total path attribute length, attributes,
	 * then NLRI to the end of the message */
	rbuf_init(&r, body, len);
	if (rbuf_u16(&r, &wlen) < 0 || rbuf_sub(&r, wlen, &withdrawn) < 0)
		return reset(err, ERR_UPD_ATTRLIST);
	if (rbuf_u16(&r, &alen) < 0 || rbuf_sub(&r, alen, &attrs) < 0)
		return reset(err, ERR_UPD_ATTRLIST);
	if (ipv4_prefixes_ok(withdrawn) < 0 || ipv4_prefixes_ok(r) < 0)
		return reset(err, ERR_UPD_NETWORK);
	u->ipv4_nlri = wlen > 0 || rbuf_left(&r) > 0;

	/* End-of-RIB for IPv4 unicast, RFC 4724 section 2: the empty UPDATE */
	if (len == 4) {
		u->eor = true;
		ap->verdict = ATTR_OK;
		return ATTR_OK;
	}

	attr_parse(rbuf_ptr(&attrs), rbuf_left(&attrs), ctx, ap);
	if (ap->verdict == ATTR_RESET) {
		err->code = ap->err.code;
		err->subcode = ap->err.subcode;
		return ATTR_RESET;
	}

	if (ap->has_reach)
		u->reach_fam = family_find(ap->reach_afi, ap->reach_safi);
	if (ap->has_unreach)
		u->unreach_fam = family_find(ap->unreach_afi, ap->unreach_safi);
	bad_reach = ap->has_reach && mp_field_ok(u->reach_fam, ap->reach_nlri) < 0;
	bad_unreach = ap->has_unreach && mp_field_ok(u->unreach_fam, ap->unreach_nlri) < 0;
	if (bad_reach || bad_unreach) {
		snprintf(ap->why, sizeof ap->why, "malformed NLRI in MP_%s",
			 bad_reach ? "REACH_NLRI" : "UNREACH_NLRI");
		ap->verdict = ATTR_RESET;
		ap->err.code = ERR_UPDATE;
		ap->err.subcode = ERR_UPD_OPTATTR;
		return reset(err, ERR_UPD_OPTATTR);
	}

	/* RFC 7606 section 5.2: with attributes other than MP_UNREACH but no reachable NLRI, the NLRI
	 * cannot be trusted to have been located, so a treat-as-withdraw becomes a session reset */
	if (ap->verdict == ATTR_WITHDRAW && rbuf_left(&r) == 0 &&
	    !(ap->has_reach && rbuf_left(&ap->reach_nlri) > 0) &&
	    !only_unreach(rbuf_ptr(&attrs), rbuf_left(&attrs))) {
		static const char more[] = ", no reachable NLRI";
		size_t n = strnlen(ap->why, sizeof ap->why - 1);
		if (n + sizeof more <= sizeof ap->why)
			memcpy(ap->why + n, more, sizeof more);
		ap->verdict = ATTR_RESET;
		return reset(err, ap->err.subcode);
	}

	/* End-of-RIB for other families: an UPDATE whose only attribute is an empty MP_UNREACH */
	if (ap->has_unreach && !ap->has_reach && u->unreach_fam >= 0 && !u->ipv4_nlri &&
	    rbuf_left(&ap->unreach_nlri) == 0 && only_unreach(rbuf_ptr(&attrs), rbuf_left(&attrs))) {
		u->eor = true;
		u->eor_fam = u->unreach_fam;
	}
	return ap->verdict;
}

/* Start a message in uw->buf: header, empty withdrawn routes, attributes up to the MP one. */
static void start_msg(struct update_writer *uw)
{
	struct wbuf *w = &uw->w;
	const struct family_ops *f = &family_table[uw->fam];

	wbuf_init(w, uw->buf, sizeof uw->buf);
	uw->count = 0;
	uw->msg_start = msg_begin(w, BGP_UPDATE);
	wbuf_u16(w, 0); /* withdrawn routes length */
	uw->attrlen_at = w->len;
	wbuf_u16(w, 0); /* total path attribute length, patched at finish */
	if (!uw->withdraw)
		attr_encode(uw->attrs, w, ATTR_MP_REACH, true);
	uw->mp_at = w->len;
	/* extended length while building; dropped at finish when the value fits in 255 bytes */
	wbuf_u8(w, ATTR_F_OPTIONAL | ATTR_F_EXTLEN);
	wbuf_u8(w, uw->withdraw ? ATTR_MP_UNREACH : ATTR_MP_REACH);
	wbuf_u16(w, 0);
	uw->mp_body = w->len;
	wbuf_u16(w, f->afi);
	wbuf_u8(w, f->safi);
	if (!uw->withdraw) {
		size_t nhlen = ipaddr_len(&uw->attrs->nexthop);
		wbuf_u8(w, (uint8_t)nhlen);
		wbuf_bytes(w, uw->attrs->nexthop.a, nhlen);
		wbuf_u8(w, 0); /* reserved (RFC 4760: was SNPA count) */
	}
}

void update_begin_reach(struct update_writer *uw, int fam, const struct attrs *a)
{
	struct wbuf sw;

	uw->fam = fam;
	uw->withdraw = false;
	uw->attrs = a;
	uw->count = 0;
	wbuf_init(&sw, uw->suffix, sizeof uw->suffix);
	attr_encode(a, &sw, ATTR_MP_UNREACH, false);
	uw->suffix_len = sw.err ? sizeof uw->suffix : sw.len; /* unencodable: no NLRI will fit */
	wbuf_init(&uw->w, uw->buf, sizeof uw->buf); /* empty: the next add starts a message */
}

void update_begin_unreach(struct update_writer *uw, int fam)
{
	uw->fam = fam;
	uw->withdraw = true;
	uw->attrs = NULL;
	uw->count = 0;
	uw->suffix_len = 0;
	wbuf_init(&uw->w, uw->buf, sizeof uw->buf);
}

int update_add(struct update_writer *uw, const uint8_t *nlri, size_t len)
{
	size_t room;

	if (uw->w.len == 0)
		start_msg(uw);
	if (uw->w.err)
		return -1;
	if (family_table[uw->fam].max_per_update && uw->count >= family_table[uw->fam].max_per_update)
		return 0;
	room = wbuf_room(&uw->w);
	room = room > uw->suffix_len ? room - uw->suffix_len : 0;
	if (len > room)
		return uw->count ? 0 : -1;
	wbuf_bytes(&uw->w, nlri, len);
	uw->count++;
	return 1;
}

size_t update_finish(struct update_writer *uw, const uint8_t **msg)
{
	struct wbuf *w = &uw->w;
	size_t vlen, mlen;

	*msg = NULL;
	if (uw->count == 0 || w->err) {
		wbuf_init(w, uw->buf, sizeof uw->buf);
		uw->count = 0;
		return 0;
	}
	vlen = w->len - uw->mp_body;
	wbuf_patch_u16(w, uw->mp_at + 2, (uint16_t)vlen);
	wbuf_bytes(w, uw->suffix, uw->suffix_len);
	if (vlen <= 255) {
		/* one length byte, as GoBGP writes it: same bytes on the wire */
		uint8_t *p = uw->buf + uw->mp_at;
		p[0] = ATTR_F_OPTIONAL;
		p[2] = (uint8_t)vlen;
		memmove(p + 3, p + 4, w->len - (uw->mp_at + 4));
		w->len--;
	}
	wbuf_patch_u16(w, uw->attrlen_at, (uint16_t)(w->len - uw->attrlen_at - 2));
	if (w->err || msg_finish(w, uw->msg_start) < 0) {
		wbuf_init(w, uw->buf, sizeof uw->buf);
		uw->count = 0;
		return 0;
	}
	mlen = w->len - uw->msg_start;
	*msg = uw->buf + uw->msg_start;
	/* the message stays in buf until the next update_add starts another */
	wbuf_init(w, uw->buf, sizeof uw->buf);
	uw->count = 0;
	return mlen;
}

size_t update_eor(uint8_t *buf, size_t cap, int fam)
{
	struct wbuf w;
	size_t start;

	if (fam < 0 || fam >= FAM_COUNT)
		return 0;
	wbuf_init(&w, buf, cap);
	start = msg_begin(&w, BGP_UPDATE);
	wbuf_u16(&w, 0);  /* withdrawn routes length */
	wbuf_u16(&w, 6);  /* total path attribute length */
	wbuf_u8(&w, ATTR_F_OPTIONAL);
	wbuf_u8(&w, ATTR_MP_UNREACH);
	wbuf_u8(&w, 3);
	wbuf_u16(&w, family_table[fam].afi);
	wbuf_u8(&w, family_table[fam].safi);
	if (w.err || msg_finish(&w, start) < 0)
		return 0;
	return w.len - start;
}
