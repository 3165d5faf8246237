/* Routes as the control protocol's JSON route objects (notes/control-protocol.md). */
#ifndef EVPND_AGENT_ROUTE_JSON_H
#define EVPND_AGENT_ROUTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attr.h"
#include "rib.h"
#include "types.h"

struct json_object;

/* The route object of one RIB path; now is CLOCK_MONOTONIC seconds (for "age"). */
struct json_object *route_json(const struct rib_route *r, time_t now);
/* The route object of a best-path change: src NULL is a local route, a NULL a withdrawal (key
 * fields only, best false). */
struct json_object *route_json_change(int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
				      const struct ipaddr *src);
/* The VNI an EVPN route belongs to (type 2: its label, type 3: the PMSI label): 0 found, -1 none. */
int route_vni(int fam, const uint8_t *nlri, size_t len, const struct attrs *a, uint32_t *vni);
struct vni_tab;
/* Remote EVPN route objects get "installed" (rt_filter.h) from vt's VNIs; the VNI table sets it. */
void route_json_set_vnis(const struct vni_tab *vt);
/* Forget vt if it is the table set (it is being freed). */
void route_json_unset_vnis(const struct vni_tab *vt);
/* CLOCK_MONOTONIC seconds, the clock of rib_route.since. */
time_t route_now(void);

#endif
