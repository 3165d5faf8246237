/* SPDX-License-Identifier: Apache-2.0 */
/* Routes as the control protocol's JSON route objects (docs/control-protocol.md). */
#ifndef EVPND_CONTROL_ROUTE_JSON_H
#define EVPND_CONTROL_ROUTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attr.h"
#include "rib.h"
#include "types.h"

struct json_object;

/* The route object of one RIB path; now is CLOCK_MONOTONIC seconds (for "age"); installed: the
 * "installed" field (whether the kernel has the route: remote EVPN routes), or -1 to leave it out. */
struct json_object *route_json(const struct rib_route *r, time_t now, int installed);
/* The route object of a best-path change: src NULL is a local route, a NULL a withdrawal (key
 * fields only, best false); installed as for route_json. */
struct json_object *route_json_change(int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
				      const struct ipaddr *src, int installed);
/* CLOCK_MONOTONIC seconds, the clock of rib_route.since. */
time_t route_now(void);

#endif
