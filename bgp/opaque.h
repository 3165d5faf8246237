/* SPDX-License-Identifier: Apache-2.0 */
/* GoBGP's opaque key-value NLRI: 2-byte key length, key, value to the end of the NLRI field. */
#ifndef EVPND_BGP_OPAQUE_H
#define EVPND_BGP_OPAQUE_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Split an opaque NLRI into key and value (pointers into nlri). -1 when malformed. */
int opaque_decode(const uint8_t *nlri, size_t len, const uint8_t **key, size_t *klen,
		  const uint8_t **val, size_t *vlen);
/* Encode key and value as one opaque NLRI. -1 on overflow or a key over 65535 bytes. */
int opaque_encode(struct wbuf *w, const void *key, size_t klen, const void *val, size_t vlen);

#endif
