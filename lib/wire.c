/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded reader and writer for wire bytes (see wire.h). */
#include "wire.h"

#include <string.h>

void rbuf_init(struct rbuf *r, const void *p, size_t n)
{
	r->p = p;
	r->left = p ? n : 0;
}

/* Every getter checks the length first, so a short read leaves the cursor where it was. */
int rbuf_u8(struct rbuf *r, uint8_t *v)
{
	if (r->left < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

int rbuf_u16(struct rbuf *r, uint16_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return 0;
}

int rbuf_u24(struct rbuf *r, uint32_t *v)
{
	if (r->left < 3)
		return -1;
	*v = (uint32_t)r->p[0] << 16 | (uint32_t)r->p[1] << 8 | r->p[2];
	r->p += 3;
	r->left -= 3;
	return 0;
}

int rbuf_u32(struct rbuf *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

int rbuf_u64(struct rbuf *r, uint64_t *v)
{
	uint64_t x = 0;
	if (r->left < 8)
		return -1;
	for (int i = 0; i < 8; i++)
		x = x << 8 | r->p[i];
	*v = x;
	r->p += 8;
	r->left -= 8;
	return 0;
}

int rbuf_bytes(struct rbuf *r, void *dst, size_t n)
{
	if (r->left < n)
		return -1;
	if (n)
		memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

int rbuf_skip(struct rbuf *r, size_t n)
{
	if (r->left < n)
		return -1;
	r->p += n;
	r->left -= n;
	return 0;
}

int rbuf_take(struct rbuf *r, size_t n, const uint8_t **p)
{
	if (r->left < n)
		return -1;
	*p = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	if (r->left < n)
		return -1;
	sub->p = r->p;
	sub->left = n;
	r->p += n;
	r->left -= n;
	return 0;
}

void wbuf_init(struct wbuf *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
}

/* Reserve n bytes; NULL (and err set for good) when they do not fit. */
static uint8_t *wbuf_take(struct wbuf *w, size_t n)
{
	uint8_t *d;
	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return NULL;
	}
	d = w->p + w->len;
	w->len += n;
	return d;
}

void wbuf_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *d = wbuf_take(w, 1);
	if (d)
		d[0] = v;
}

void wbuf_u16(struct wbuf *w, uint16_t v)
{
	uint8_t *d = wbuf_take(w, 2);
	if (d) {
		d[0] = (uint8_t)(v >> 8);
		d[1] = (uint8_t)v;
	}
}

void wbuf_u24(struct wbuf *w, uint32_t v)
{
	uint8_t *d = wbuf_take(w, 3);
	if (d) {
		d[0] = (uint8_t)(v >> 16);
		d[1] = (uint8_t)(v >> 8);
		d[2] = (uint8_t)v;
	}
}

void wbuf_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *d = wbuf_take(w, 4);
	if (d) {
		d[0] = (uint8_t)(v >> 24);
		d[1] = (uint8_t)(v >> 16);
		d[2] = (uint8_t)(v >> 8);
		d[3] = (uint8_t)v;
	}
}

void wbuf_u64(struct wbuf *w, uint64_t v)
{
	uint8_t *d = wbuf_take(w, 8);
	if (d)
		for (int i = 0; i < 8; i++)
			d[i] = (uint8_t)(v >> (56 - 8 * i));
}

void wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *d = wbuf_take(w, n);
	if (d && n)
		memcpy(d, src, n);
}

/* Patching outside what was written is a caller bug; it is reported through err, not a crash. */
void wbuf_patch_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (w->err || at > w->len || w->len - at < 2) {
		w->err = 1;
		return;
	}
	w->p[at] = (uint8_t)(v >> 8);
	w->p[at + 1] = (uint8_t)v;
}

void wbuf_patch_u8(struct wbuf *w, size_t at, uint8_t v)
{
	if (w->err || at >= w->len) {
		w->err = 1;
		return;
	}
	w->p[at] = v;
}
