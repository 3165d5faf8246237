/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A routed tenant's connected prefixes out (RFC 9136 type-5, `advertise = connected`): the owner of
 * the addresses of the devices in each [vrf]'s VRF (the anycast gateways' SVIs, dummies, uplinks)
 * and of the type-5 routes evpnd advertises for their prefixes, as FRR's `redistribute connected`
 * + `advertise ipv4|ipv6 unicast` does: gateway IP zero, label the L3 VNI, the [vrf]'s RD and
 * route targets, the Router's MAC (the L3 VNI's bridge), next hop the L3 VNI's VTEP address. A
 * prefix is advertised once however many addresses give it, and withdrawn with the last one, or
 * when the tenant goes down.
 */
#ifndef EVPND_EVPN_TENANT_PREFIXES_H
#define EVPND_EVPN_TENANT_PREFIXES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nl.h"
#include "types.h"

struct adv;
struct config;
struct vni_tab;

/* The connected prefix an address gives (masked to plen): false for what is not advertised, a
 * host-length or zero-length prefix, a link-local address (IPv6 fe80::/10, link scope). Pure. */
bool tp_connected(const struct nl_ifaddr *a, struct ipaddr *prefix, uint8_t *plen);

struct tp_addr {
	int ifindex;
	struct nl_addr addr;
	uint8_t plen;
};

struct tp_adv {
	uint8_t vrf;               /* index in cfg->vrf */
	uint8_t plen;
	bool keep;                 /* tp_update's mark */
	struct ipaddr prefix;
	struct ipaddr nh;          /* af 0: the default next hop */
	uint8_t rmac[6];
	struct rd rd;              /* the RD it went out with (a reload may change the [vrf]'s) */
	uint64_t rt[CFG_MAX_RT];   /* ... and its export route targets */
	uint8_t nrt;
};

struct tenant_prefixes {
	const struct config *cfg;
	const struct vni_tab *vt;
	const struct adv *adv;
	struct tp_addr *addr;      /* every address of the host (few) */
	size_t naddr, addrcap;
	struct tp_adv *out;        /* the type-5 routes advertised */
	size_t nout, outcap;
	bool stopping;
};

/* Empty. */
void tp_init(struct tenant_prefixes *t, const struct config *cfg, const struct vni_tab *vt,
	     const struct adv *adv);
/* Free it (no withdrawals: the sessions end with the daemon). */
void tp_free(struct tenant_prefixes *t);
/* Forget every address: a dump of them follows (events may have been lost), then tp_update. */
void tp_addrs_reset(struct tenant_prefixes *t);
/* An address appeared or went (netlink); then tp_update unless quiet (a dump: once at its end). */
void tp_addr_event(struct tenant_prefixes *t, const struct nl_ifaddr *a, bool deleted, bool quiet);
/* Links or the configuration changed: advertise what the tenants' addresses give now, withdraw
 * what they no longer do, re-advertise what changed next hop or router MAC. */
void tp_update(struct tenant_prefixes *t);
/* The type-5 routes advertised for tenant i. */
size_t tp_count(const struct tenant_prefixes *t, unsigned i);
/* Exiting: no more changes. */
void tp_stop(struct tenant_prefixes *t);

#endif
