/* SPDX-License-Identifier: Apache-2.0 */
/* BGP framing and the small messages: OPEN (RFC 4271, RFC 5492 capabilities), NOTIFICATION,
 * KEEPALIVE, ROUTE-REFRESH (RFC 2918, RFC 7313). */
#include "msg.h"

#include <string.h>

static void err_set(struct bgp_err *e, uint8_t code, uint8_t sub)
{
	memset(e, 0, sizeof *e);
	e->code = code;
	e->subcode = sub;
}

/* RFC 4271 section 6.1: the data of Bad Message Length is the erroneous length field. */
static void err_len(struct bgp_err *e, uint16_t len)
{
	err_set(e, ERR_HEADER, ERR_HDR_LEN);
	e->data[0] = (uint8_t)(len >> 8);
	e->data[1] = (uint8_t)len;
	e->data_len = 2;
}

int msg_check_header(const uint8_t *hdr, uint16_t *len, uint8_t *type, struct bgp_err *err)
{
	uint16_t l = (uint16_t)(hdr[16] << 8 | hdr[17]);
	uint8_t t = hdr[18];
	bool ok;

	for (int i = 0; i < 16; i++) {
		if (hdr[i] != 0xff) {
			err_set(err, ERR_HEADER, ERR_HDR_SYNC);
			return -1;
		}
	}
	if (l < BGP_HDR_LEN || l > BGP_MAX_MSG) {
		err_len(err, l);
		return -1;
	}
	switch (t) {
	case BGP_OPEN: ok = l >= 29; break;
	case BGP_UPDATE: ok = l >= 23; break;
	case BGP_NOTIFICATION: ok = l >= 21; break;
	case BGP_KEEPALIVE: ok = l == 19; break;
	case BGP_ROUTE_REFRESH: ok = l == 23; break;
	default:
		err_set(err, ERR_HEADER, ERR_HDR_TYPE);
		err->data[0] = t;
		err->data_len = 1;
		return -1;
	}
	if (!ok) {
		err_len(err, l);
		return -1;
	}
	*len = l;
	*type = t;
	return 0;
}

size_t msg_begin(struct wbuf *w, uint8_t type)
{
	static const uint8_t marker[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t start = w->len;
	wbuf_bytes(w, marker, sizeof marker);
	wbuf_u16(w, 0);
	wbuf_u8(w, type);
	return start;
}

int msg_finish(struct wbuf *w, size_t start)
{
	if (w->err || start > w->len || w->len - start < BGP_HDR_LEN || w->len - start > BGP_MAX_MSG)
		return -1;
	wbuf_patch_u16(w, start + 16, (uint16_t)(w->len - start));
	return w->err ? -1 : 0;
}

/* One capability: code, length (patched), value written by the caller between begin and end. */
static size_t capa_begin(struct wbuf *w, uint8_t code)
{
	wbuf_u8(w, code);
	wbuf_u8(w, 0);
	return w->len;
}

static void capa_end(struct wbuf *w, size_t at)
{
	if (!w->err)
		wbuf_patch_u8(w, at - 1, (uint8_t)(w->len - at));
}

int msg_open_encode(struct wbuf *w, const struct bgp_open *o)
{
	size_t start = msg_begin(w, BGP_OPEN), c, optlen_at, param;

	wbuf_u8(w, 4);
	wbuf_u16(w, o->asn > 0xffff ? AS_TRANS : (uint16_t)o->asn);
	wbuf_u16(w, o->hold_time);
	wbuf_u32(w, o->bgp_id);
	optlen_at = w->len;
	wbuf_u8(w, 0);
	/* all capabilities in one optional parameter, as GoBGP and FRR send them */
	wbuf_u8(w, 2);
	wbuf_u8(w, 0);
	param = w->len;
	for (int f = 0; f < FAM_COUNT; f++) {
		if (!(o->fam_mask & FAM_BIT(f)))
			continue;
		c = capa_begin(w, CAPA_MP);
		wbuf_u16(w, family_table[f].afi);
		wbuf_u8(w, 0);
		wbuf_u8(w, family_table[f].safi);
		capa_end(w, c);
	}
	c = capa_begin(w, CAPA_REFRESH);
	capa_end(w, c);
	c = capa_begin(w, CAPA_AS4);
	wbuf_u32(w, o->asn);
	capa_end(w, c);
	if (o->gr) {
		/* RFC 4724 section 3: flags in the top 4 bits, restart time in the low 12 */
		c = capa_begin(w, CAPA_GR);
		wbuf_u16(w, (uint16_t)((o->gr_flags & 0xf) << 12 | (o->gr_time & 0xfff)));
		for (int f = 0; f < FAM_COUNT; f++) {
			if (!(o->gr_fam_mask & FAM_BIT(f)))
				continue;
			wbuf_u16(w, family_table[f].afi);
			wbuf_u8(w, family_table[f].safi);
			wbuf_u8(w, o->gr_fwd_mask & FAM_BIT(f) ? 0x80 : 0);
		}
		capa_end(w, c);
	}
	if (w->err || w->len - param > 255)
		return -1;
	wbuf_patch_u8(w, param - 1, (uint8_t)(w->len - param));
	wbuf_patch_u8(w, optlen_at, (uint8_t)(w->len - optlen_at - 1));
	return msg_finish(w, start);
}

/* Our families are looked up in family_table only, so the codec needs nothing else from family.c. */
static int fam_lookup(uint16_t afi, uint8_t safi)
{
	for (int f = 0; f < FAM_COUNT; f++)
		if (family_table[f].afi == afi && family_table[f].safi == safi)
			return f;
	return -1;
}

static int capa_mp(struct rbuf *v, struct bgp_open *o)
{
	uint16_t afi;
	uint8_t res, safi;
	if (rbuf_left(v) != 4 || rbuf_u16(v, &afi) || rbuf_u8(v, &res) || rbuf_u8(v, &safi))
		return -1;
	int f = fam_lookup(afi, safi);
	if (f < 0)
		o->mp_unknown = true;
	else
		o->fam_mask |= FAM_BIT(f);
	return 0;
}

static int capa_gr(struct rbuf *v, struct bgp_open *o)
{
	uint16_t ft, afi;
	uint8_t safi, fl;
	if (rbuf_u16(v, &ft) || rbuf_left(v) % 4)
		return -1;
	o->gr = true;
	o->gr_flags = (uint8_t)(ft >> 12);
	o->gr_time = ft & 0xfff;
	while (rbuf_left(v)) {
		if (rbuf_u16(v, &afi) || rbuf_u8(v, &safi) || rbuf_u8(v, &fl))
			return -1;
		int f = fam_lookup(afi, safi);
		if (f < 0)
			continue;
		o->gr_fam_mask |= FAM_BIT(f);
		if (fl & 0x80)
			o->gr_fwd_mask |= FAM_BIT(f);
	}
	return 0;
}

/* The capabilities of one optional parameter of type 2 (RFC 5492): code, length, value. */
static int capas_parse(struct rbuf *r, struct bgp_open *o, uint32_t *as4)
{
	while (rbuf_left(r)) {
		uint8_t code, len;
		struct rbuf v;
		if (rbuf_u8(r, &code) || rbuf_u8(r, &len) || rbuf_sub(r, len, &v))
			return -1;
		switch (code) {
		case CAPA_MP:
			if (capa_mp(&v, o))
				return -1;
			break;
		case CAPA_REFRESH:
			o->route_refresh = true;
			break;
		case CAPA_AS4:
			if (len != 4 || rbuf_u32(&v, as4))
				return -1;
			o->as4 = true;
			break;
		case CAPA_GR:
			if (capa_gr(&v, o))
				return -1;
			break;
		default:
			break; /* FQDN (73), extended next hop (5), ...: not ours to judge */
		}
	}
	return 0;
}

int msg_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	struct rbuf r, opts;
	uint16_t my_as;
	uint8_t optlen;
	uint32_t as4 = 0;
	size_t total;

	memset(o, 0, sizeof *o);
	rbuf_init(&r, body, len);
	if (rbuf_u8(&r, &o->version) || rbuf_u16(&r, &my_as) || rbuf_u16(&r, &o->hold_time) ||
	    rbuf_u32(&r, &o->bgp_id) || rbuf_u8(&r, &optlen)) {
		err_len(err, (uint16_t)(len + BGP_HDR_LEN));
		return -1;
	}
	if (o->version != 4) {
		err_set(err, ERR_OPEN, ERR_OPEN_VERSION);
		err->data[0] = 0;
		err->data[1] = 4; /* the largest version we support */
		err->data_len = 2;
		return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2) {
		err_set(err, ERR_OPEN, ERR_OPEN_HOLD);
		return -1;
	}
	if (o->bgp_id == 0) {
		err_set(err, ERR_OPEN, ERR_OPEN_BGPID);
		return -1;
	}
	total = optlen;
	/* RFC 9072: a non-capable speaker never sends 255 as the first parameter type */
	if (optlen == 255 && rbuf_left(&r) >= 3 && rbuf_ptr(&r)[0] == 255) {
		uint16_t ext;
		rbuf_skip(&r, 1);
		rbuf_u16(&r, &ext);
		total = ext;
	}
	if (rbuf_left(&r) != total || rbuf_sub(&r, total, &opts)) {
		err_set(err, ERR_OPEN, 0);
		return -1;
	}
	while (rbuf_left(&opts)) {
		uint8_t ptype;
		uint16_t plen;
		uint8_t plen8;
		struct rbuf pv;
		if (rbuf_u8(&opts, &ptype)) {
			err_set(err, ERR_OPEN, 0);
			return -1;
		}
		if (total != optlen) {
			if (rbuf_u16(&opts, &plen)) {
				err_set(err, ERR_OPEN, 0);
				return -1;
			}
		} else {
			if (rbuf_u8(&opts, &plen8)) {
				err_set(err, ERR_OPEN, 0);
				return -1;
			}
			plen = plen8;
		}
		if (rbuf_sub(&opts, plen, &pv)) {
			err_set(err, ERR_OPEN, 0);
			return -1;
		}
		if (ptype != 2) {
			err_set(err, ERR_OPEN, ERR_OPEN_OPT);
			return -1;
		}
		if (capas_parse(&pv, o, &as4)) {
			err_set(err, ERR_OPEN, 0);
			return -1;
		}
	}
	o->asn = o->as4 ? as4 : my_as;
	if (o->asn == 0 || (o->as4 && my_as != AS_TRANS && my_as != as4)) {
		err_set(err, ERR_OPEN, ERR_OPEN_AS);
		return -1;
	}
	return 0;
}

int msg_keepalive_encode(struct wbuf *w)
{
	return msg_finish(w, msg_begin(w, BGP_KEEPALIVE));
}

int msg_notification_encode(struct wbuf *w, const struct bgp_err *e)
{
	size_t start = msg_begin(w, BGP_NOTIFICATION);
	wbuf_u8(w, e->code);
	wbuf_u8(w, e->subcode);
	wbuf_bytes(w, e->data, e->data_len <= sizeof e->data ? e->data_len : sizeof e->data);
	return msg_finish(w, start);
}

int msg_notification_decode(const uint8_t *body, size_t len, struct bgp_err *e)
{
	struct rbuf r;
	memset(e, 0, sizeof *e);
	rbuf_init(&r, body, len);
	if (rbuf_u8(&r, &e->code) || rbuf_u8(&r, &e->subcode))
		return -1;
	e->data_len = (uint8_t)(rbuf_left(&r) < sizeof e->data ? rbuf_left(&r) : sizeof e->data);
	rbuf_bytes(&r, e->data, e->data_len);
	return 0;
}

int msg_refresh_encode(struct wbuf *w, uint16_t afi, uint8_t safi)
{
	size_t start = msg_begin(w, BGP_ROUTE_REFRESH);
	wbuf_u16(w, afi);
	wbuf_u8(w, 0); /* RFC 7313 subtype 0: normal route refresh request */
	wbuf_u8(w, safi);
	return msg_finish(w, start);
}

int msg_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi)
{
	struct rbuf r;
	uint8_t sub;
	rbuf_init(&r, body, len);
	if (len != 4 || rbuf_u16(&r, afi) || rbuf_u8(&r, &sub) || rbuf_u8(&r, safi))
		return -1;
	return 0;
}
