/* SPDX-License-Identifier: Apache-2.0 */
/* Typed access to the fields of a control request (a json-c object), with one-line error texts. */
#ifndef EVPND_CONTROL_REQ_FIELD_H
#define EVPND_CONTROL_REQ_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Each getter returns 1 when the field is present, 0 when absent or null (an error when required),
 * -1 with a message in err when it is missing but required, ill-typed or out of range. */

/* A string field; *s and *len point into req. */
int req_str(struct json_object *req, const char *name, bool required, const char **s, size_t *len,
	    char *err, size_t errlen);
/* An integer field in [min, max]. */
int req_u32(struct json_object *req, const char *name, bool required, uint32_t min, uint32_t max,
	    uint32_t *out, char *err, size_t errlen);
/* A non-negative integer field (at most 2^53, what every JSON parser reads exactly). */
int req_u64(struct json_object *req, const char *name, bool required, uint64_t *out, char *err,
	    size_t errlen);
/* Bytes given as text (field name, its UTF-8 bytes) or as hex (field name_hex); not both. At most
 * cap bytes into buf, their number in *len. */
int req_bytes(struct json_object *req, const char *name, bool required, uint8_t *buf, size_t cap,
	      size_t *len, char *err, size_t errlen);
/* A boolean field. */
int req_bool(struct json_object *req, const char *name, bool *out, char *err, size_t errlen);
/* Copy s (length n) into buf for an error message: at most 64 characters, control characters,
 * bytes past ASCII (the reply must stay valid UTF-8 whatever was sent) and quotes escaped, so the message stays one line. Returns buf (needs 64 * 4 + 4 bytes). */
const char *req_quote(const char *s, size_t n, char *buf);
#define REQ_QUOTE_LEN (64 * 4 + 4)

#endif
