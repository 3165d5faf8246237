/*
 * arp-snoop (netlink/snoop.h) in the agent: bindings from ARP/NS/NA frames that arrive on a local
 * port of a VNI's bridge, from a MAC the bridge learned on that same port, become local neighbours
 * (arp_suppress.c) and so MAC+IP routes. A binding that arrives before its MAC is learned (the
 * frame that teaches the bridge the MAC is the one snooped) waits in a small ring until the MAC is
 * advertised, for a few seconds at most.
 */
#ifndef EVPND_AGENT_SNOOP_GLUE_H
#define EVPND_AGENT_SNOOP_GLUE_H

#include <stdint.h>

struct glue;
struct json_object;

/* Open the snooper when some VNI may want it ([global]/[vni N] arp-snoop, config.h) and start its
 * ageing timer; a failure is logged and leaves evpnd running without snooping. */
void snoop_glue_start(struct glue *g);
/* Close it and forget what waits (g->snoop becomes NULL). */
void snoop_glue_stop(struct glue *g);
/* The local MAC (lkey, mac) was advertised: bindings waiting for it go in. */
void snoop_glue_mac_local(struct glue *g, int lkey, const uint8_t mac[6]);
/* `show` data: the counters, or NULL when snooping is off. */
struct json_object *snoop_glue_json(struct glue *g);

#endif
