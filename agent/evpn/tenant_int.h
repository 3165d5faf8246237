/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by tenant_routes.c (the owner's decisions and requests) and tenant_kernel.c (the
 * owner and the kernel's copy: sweep, put back, audit). No other file includes it. */
#ifndef EVPND_EVPN_TENANT_INT_H
#define EVPND_EVPN_TENANT_INT_H

#include <sys/socket.h>

#include "tenant_routes.h"

/* A prefix of one tenant and the routes that name it. */
struct tr_ent {
	struct tr_ent *next;
	struct tr_cand *c;
	uint8_t n, cap;
	uint8_t vrf;               /* index in cfg->vrf */
	uint8_t plen;
	uint8_t af;
	bool installed;            /* the route is in the kernel (asked for) ... */
	bool seen;                 /* an audit found it in the kernel */
	uint8_t itype;             /* ... from a candidate of this type ... */
	uint16_t vtep;             /* ... via this VTEP */
	uint8_t ip[16];
};

static inline size_t tri_alen(uint8_t af)
{
	return af == AF_INET ? 4 : 16;
}

/* Tenant vrf's entry for af prefix ip/plen, or NULL. */
struct tr_ent *tri_find(const struct tenant_routes *t, unsigned vrf, uint8_t af, uint8_t plen,
			const uint8_t *ip);
/* Whether e's route toward vtep goes via ::ffff:VTEP (an IPv6 prefix over an IPv4 VTEP). */
bool tri_mapped(const struct tr_ent *e, const struct nl_addr *vtep);
/* ::ffff:v4 */
void tri_mapped_addr(const struct nl_addr *v4, struct nl_addr *out);
/* Ask for (or remove) the router-MAC pair of VTEP index vtep in tenant v. */
void tri_nh_request(struct tenant_routes *t, struct tr_vrf *v, uint16_t vtep, bool install);
/* Ask for (or remove) e's route. */
void tri_route_request(struct tenant_routes *t, const struct tr_ent *e, bool install);

#endif
