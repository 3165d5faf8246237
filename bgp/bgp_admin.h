/* Operator actions on the speaker's sessions (evpnctl clear neighbor), beside the bgp.h facade. */
#ifndef EVPND_BGP_BGP_ADMIN_H
#define EVPND_BGP_BGP_ADMIN_H

#include "bgp.h"

/* Reset the session with neighbor a: Cease/Administrative Reset (RFC 4486) on every connection,
 * then start again at once (a neighbor held down by max-routes included). 0, or -1 (errno ENOENT)
 * when a is not a configured neighbor. */
int bgp_neighbor_reset(struct bgp *b, const struct ipaddr *a);

#endif
