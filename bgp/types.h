/* SPDX-License-Identifier: Apache-2.0 */
/* Small value types shared by every BGP module: addresses, MACs, route distinguishers. */
#ifndef EVPND_BGP_TYPES_H
#define EVPND_BGP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPADDR_STRLEN 46
#define MAC_STRLEN 18
#define RD_STRLEN 32

/* An address-family-tagged IP address; af is 0 (none), AF_INET or AF_INET6. */
struct ipaddr {
	uint8_t af;
	uint8_t a[16]; /* IPv4 uses the first 4 bytes */
};

struct mac {
	uint8_t b[6];
};

/* Route distinguisher as it is on the wire (RFC 4364 section 4.2): type(2) + value(6). */
struct rd {
	uint8_t b[8];
};

/* Parse a dotted-quad or IPv6 text address; 0 on success, -1 otherwise. */
int ipaddr_parse(const char *s, struct ipaddr *out);
/* Format an address into buf (IPADDR_STRLEN); "" for af 0. Returns buf. */
const char *ipaddr_str(const struct ipaddr *a, char *buf);
/* Byte length of the address: 0, 4 or 16. */
size_t ipaddr_len(const struct ipaddr *a);
/* Total order: by family, then bytes. */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
/* Set from raw bytes of length 4 or 16; -1 on any other length. */
int ipaddr_from_bytes(struct ipaddr *a, const uint8_t *p, size_t len);
/* An IPv4 address from a host-order 32-bit value. */
void ipaddr_from_v4(struct ipaddr *a, uint32_t host_order);

/* Parse "aa:bb:cc:dd:ee:ff"; 0 on success. */
int mac_parse(const char *s, struct mac *out);
/* Format as lower-case "aa:bb:cc:dd:ee:ff" into buf (MAC_STRLEN). Returns buf. */
const char *mac_str(const struct mac *m, char *buf);

/* Parse "ASN2:NN", "A.B.C.D:NN" or "ASN4:NN" (ASN > 65535) into RD types 0, 1, 2; 0 on success. */
int rd_parse(const char *s, struct rd *out);
/* Format an RD as its type's text form (unknown types as "type:hex"). Returns buf (RD_STRLEN). */
const char *rd_str(const struct rd *r, char *buf);
/* RD type 1 "router-id:number", the RFC 7432 section 7.9 auto RD. */
void rd_make_ip(struct rd *out, uint32_t router_id_host, uint16_t num);

/* Parse "yes/no/true/false/on/off/1/0" into b; 0 on success. */
int parse_bool(const char *s, bool *b);
/* Parse an unsigned decimal in [min, max]; 0 on success. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

#endif
