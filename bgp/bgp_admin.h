/* SPDX-License-Identifier: Apache-2.0 */
/* Operator actions on the speaker's sessions (evpnctl clear neighbor), beside the bgp.h facade. */
#ifndef EVPND_BGP_BGP_ADMIN_H
#define EVPND_BGP_BGP_ADMIN_H

#include "bgp.h"

/* Reset the session with neighbor a: Cease/Administrative Reset (RFC 4486) on every connection,
 * then start again at once (a neighbor held down by max-routes included). 0, or -1 (errno ENOENT)
 * when a is not a configured neighbor. */
int bgp_neighbor_reset(struct bgp *b, const struct ipaddr *a);

/* Remove neighbor a at run time (a reload): Cease/Peer De-configured (RFC 4486) on every
 * connection, its TCP MD5 key off the listening socket, its routes dropped (no graceful restart
 * for a neighbor that is gone). 0, or -1 (errno ENOENT) when a is not a configured neighbor. */
int bgp_neighbor_remove(struct bgp *b, const struct ipaddr *a);

/* Apply a changed configuration to the neighbor with n's address: max-routes and
 * max-routes-restart in place (0); anything else the OPEN or the socket depends on (AS, families,
 * addresses, port, password, ttl-security, hold time, passive, rr-client) by removing the neighbor
 * and adding it again (1: its session is reset, its routes dropped). 2 when nothing changed; -1
 * (errno ENOENT) when no such neighbor, or ENOMEM when it could not be added again. */
int bgp_neighbor_change(struct bgp *b, const struct bgp_neighbor *n);

#endif
