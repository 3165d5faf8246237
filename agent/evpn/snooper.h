/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arp-snoop (netlink/snoop.h) in the engine: the packet socket's bindings go to the MAC owner
 * (macs_snooped), which decides whether they count; an ageing timer forgets the stale ones.
 */
#ifndef EVPND_EVPN_SNOOPER_H
#define EVPND_EVPN_SNOOPER_H

struct config;
struct ev_loop;
struct macs;
struct snoop_state;

/* Open the snooper when some VNI may want it ([global]/[vni N] arp-snoop, config.h) and start its
 * ageing timer; NULL when it is not wanted, or when it cannot be opened (logged: evpnd runs on
 * without snooping). */
struct snoop_state *snooper_start(struct ev_loop *loop, const struct config *cfg, struct macs *m);
/* Close it (NULL: nothing). */
void snooper_stop(struct snoop_state *st);

#endif
