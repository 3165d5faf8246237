/* SPDX-License-Identifier: Apache-2.0 */
/* Display of family NLRIs (text and JSON): the print/to_json rows of the family table. */
#ifndef EVPND_BGP_FAMILY_JSON_H
#define EVPND_BGP_FAMILY_JSON_H

#include <stddef.h>
#include <stdint.h>

struct attrs;
struct json_object;

#define ESI_STRLEN 32

/* Format a 10-byte ESI: "0" when all zero, else hex bytes joined by colons. Returns buf. */
const char *esi_str(const uint8_t esi[10], char *buf);
/* One line of GoBGP-like text for an EVPN NLRI; snprintf semantics. */
int evpn_print(const uint8_t *nlri, size_t len, char *buf, size_t cap);
/* Add an EVPN route's fields (NLRI and, when a is not NULL, its attributes) to obj. */
void evpn_to_json(const uint8_t *nlri, size_t len, const struct attrs *a, struct json_object *obj);
/* One line of text for an opaque NLRI (non-printable bytes as \xNN); snprintf semantics. */
int opaque_print(const uint8_t *nlri, size_t len, char *buf, size_t cap);
/* Add "key" and "value" of an opaque NLRI to obj. */
void opaque_to_json(const uint8_t *nlri, size_t len, const struct attrs *a, struct json_object *obj);

#endif
