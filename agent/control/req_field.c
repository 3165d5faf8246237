/* SPDX-License-Identifier: Apache-2.0 */
/* Request field getters: every ill-typed or missing field gets a message naming it. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "req_field.h"

const char *req_quote(const char *s, size_t n, char *buf)
{
	char *p = buf;
	size_t show = n > 64 ? 64 : n;

	for (size_t i = 0; i < show; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	if (show < n)
		p += sprintf(p, "...");
	*p = '\0';
	return buf;
}

/* The field, or NULL when absent or JSON null. */
static struct json_object *field(struct json_object *req, const char *name)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(req, name, &v))
		return NULL;
	return v;
}

static int missing(const char *name, bool required, char *err, size_t errlen)
{
	if (!required)
		return 0;
	snprintf(err, errlen, "missing field \"%s\"", name);
	return -1;
}

int req_str(struct json_object *req, const char *name, bool required, const char **s, size_t *len,
	    char *err, size_t errlen)
{
	struct json_object *v = field(req, name);

	if (!v)
		return missing(name, required, err, errlen);
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "field \"%s\" must be a string", name);
		return -1;
	}
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return 1;
}

/* An integer field in [min, max] (a message naming max_text as the top). */
static int req_int(struct json_object *req, const char *name, bool required, int64_t min, int64_t max,
		   const char *max_text, int64_t *out, char *err, size_t errlen)
{
	struct json_object *v = field(req, name);
	int64_t n;

	if (!v)
		return missing(name, required, err, errlen);
	if (!json_object_is_type(v, json_type_int)) {
		snprintf(err, errlen, "field \"%s\" must be an integer", name);
		return -1;
	}
	/* json-c clamps integers beyond int64 to INT64_MIN/MAX, which are out of range anyway */
	n = json_object_get_int64(v);
	if (n < min || n > max) {
		snprintf(err, errlen, "%s %s out of range (%lld..%s)", name, json_object_get_string(v),
			 (long long)min, max_text);
		return -1;
	}
	*out = n;
	return 1;
}

int req_u32(struct json_object *req, const char *name, bool required, uint32_t min, uint32_t max,
	    uint32_t *out, char *err, size_t errlen)
{
	char top[16];
	int64_t n;
	int r;

	snprintf(top, sizeof top, "%u", max);
	r = req_int(req, name, required, min, max, top, &n, err, errlen);
	if (r > 0)
		*out = (uint32_t)n;
	return r;
}

int req_u64(struct json_object *req, const char *name, bool required, uint64_t *out, char *err,
	    size_t errlen)
{
	int64_t n;
	int r = req_int(req, name, required, 0, (int64_t)1 << 53, "2^53", &n, err, errlen);

	if (r > 0)
		*out = (uint64_t)n;
	return r;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int req_bytes(struct json_object *req, const char *name, bool required, uint8_t *buf, size_t cap,
	      size_t *len, char *err, size_t errlen)
{
	char hexname[64];
	const char *s, *h;
	size_t n, hn;
	int rs, rh;

	snprintf(hexname, sizeof hexname, "%s_hex", name);
	rs = req_str(req, name, false, &s, &n, err, errlen);
	if (rs < 0)
		return -1;
	rh = req_str(req, hexname, false, &h, &hn, err, errlen);
	if (rh < 0)
		return -1;
	if (rs > 0 && rh > 0) {
		snprintf(err, errlen, "give %s or %s, not both", name, hexname);
		return -1;
	}
	if (rs == 0 && rh == 0)
		return missing(name, required, err, errlen);
	if (rs > 0) {
		if (n > cap) {
			snprintf(err, errlen, "%s too long (%zu bytes, at most %zu)", name, n, cap);
			return -1;
		}
		memcpy(buf, s, n);
		*len = n;
		return 1;
	}
	if (hn % 2) {
		snprintf(err, errlen, "%s: an odd number of hex digits", hexname);
		return -1;
	}
	if (hn / 2 > cap) {
		snprintf(err, errlen, "%s too long (%zu bytes, at most %zu)", name, hn / 2, cap);
		return -1;
	}
	for (size_t i = 0; i < hn; i += 2) {
		int hi = hexval(h[i]), lo = hexval(h[i + 1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "%s: not hex digits", hexname);
			return -1;
		}
		buf[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*len = hn / 2;
	return 1;
}

int req_bool(struct json_object *req, const char *name, bool *out, char *err, size_t errlen)
{
	struct json_object *v = field(req, name);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean)) {
		snprintf(err, errlen, "field \"%s\" must be true or false", name);
		return -1;
	}
	*out = json_object_get_boolean(v);
	return 1;
}
