/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bounded reader and writer for wire bytes: every parser of untrusted bytes in evpnd (BGP
 * messages in bgp/, snooped frames in netlink/snoop.c) reads through struct rbuf, and every encoder
 * writes through struct wbuf. A getter never reads past what is left; a sub-reader (rbuf_sub) cuts
 * a field out so an inner parser cannot run past it.
 */
#ifndef EVPND_LIB_WIRE_H
#define EVPND_LIB_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* A read cursor over untrusted bytes. Getters return 0, or -1 without moving when short. */
struct rbuf {
	const uint8_t *p;
	size_t left;
};

/* Start reading n bytes at p. */
void rbuf_init(struct rbuf *r, const void *p, size_t n);
/* Bytes not yet read. */
static inline size_t rbuf_left(const struct rbuf *r) { return r->left; }
/* Pointer to the next unread byte (valid for rbuf_left bytes). */
static inline const uint8_t *rbuf_ptr(const struct rbuf *r) { return r->p; }
/* Read one byte. */
int rbuf_u8(struct rbuf *r, uint8_t *v);
/* Read a big-endian 16-bit value. */
int rbuf_u16(struct rbuf *r, uint16_t *v);
/* Read a big-endian 24-bit value (EVPN labels/VNIs). */
int rbuf_u24(struct rbuf *r, uint32_t *v);
/* Read a big-endian 32-bit value. */
int rbuf_u32(struct rbuf *r, uint32_t *v);
/* Read a big-endian 64-bit value. */
int rbuf_u64(struct rbuf *r, uint64_t *v);
/* Copy n bytes out. */
int rbuf_bytes(struct rbuf *r, void *dst, size_t n);
/* Skip n bytes. */
int rbuf_skip(struct rbuf *r, size_t n);
/* Take the next n bytes in place: *p points at them (valid as long as the buffer is). */
int rbuf_take(struct rbuf *r, size_t n, const uint8_t **p);
/* Cut the next n bytes out as their own reader, so an inner parser cannot run past them. */
int rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub);

/* A write cursor over a fixed buffer. Overflow sets err and drops the write; check err once. */
struct wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
};

/* Start writing into buf of cap bytes. */
void wbuf_init(struct wbuf *w, void *buf, size_t cap);
/* Append one byte. */
void wbuf_u8(struct wbuf *w, uint8_t v);
/* Append a big-endian 16-bit value. */
void wbuf_u16(struct wbuf *w, uint16_t v);
/* Append a big-endian 24-bit value. */
void wbuf_u24(struct wbuf *w, uint32_t v);
/* Append a big-endian 32-bit value. */
void wbuf_u32(struct wbuf *w, uint32_t v);
/* Append a big-endian 64-bit value. */
void wbuf_u64(struct wbuf *w, uint64_t v);
/* Append n bytes. */
void wbuf_bytes(struct wbuf *w, const void *src, size_t n);
/* Overwrite a 16-bit value at an offset already written (length back-patching). */
void wbuf_patch_u16(struct wbuf *w, size_t at, uint16_t v);
/* Overwrite one byte at an offset already written. */
void wbuf_patch_u8(struct wbuf *w, size_t at, uint8_t v);
/* Bytes still free. */
static inline size_t wbuf_room(const struct wbuf *w) { return w->err ? 0 : w->cap - w->len; }

#endif
