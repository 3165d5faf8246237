/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GoBGP's opaque key-value NLRI (its reading of draft-lapukhov-bgp-opaque-signaling):
 *   2 B key length, key, value with no length of its own.
 * The value runs to the end of the NLRI, which is why the family carries one NLRI per UPDATE.
 */
#include "opaque.h"

int opaque_decode(const uint8_t *nlri, size_t len, const uint8_t **key, size_t *klen,
		  const uint8_t **val, size_t *vlen)
{
	struct rbuf r, k;
	uint16_t n;

	rbuf_init(&r, nlri, len);
	if (rbuf_u16(&r, &n) < 0 || rbuf_sub(&r, n, &k) < 0)
		return -1;
	*key = rbuf_ptr(&k);
	*klen = rbuf_left(&k);
	*val = rbuf_ptr(&r);
	*vlen = rbuf_left(&r);
	return 0;
}

int opaque_encode(struct wbuf *w, const void *key, size_t klen, const void *val, size_t vlen)
{
	if (klen > UINT16_MAX)
		return -1;
	wbuf_u16(w, (uint16_t)klen);
	if (klen)
		wbuf_bytes(w, key, klen);
	if (vlen) /* val may be NULL for an empty value */
		wbuf_bytes(w, val, vlen);
	return w->err ? -1 : 0;
}
