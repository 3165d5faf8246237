/* SPDX-License-Identifier: Apache-2.0 */
/* `show macs` and `show vnis`: the engine's MACs and VNIs as JSON. */
#ifndef EVPND_CONTROL_MACS_SHOW_H
#define EVPND_CONTROL_MACS_SHOW_H

#include <stdint.h>

struct engine;
struct json_object;

struct macs_row;

/* One row of `show macs`: {vni, mac, location, vtep, port, seq, sticky, duplicate, frozen, moves,
 * age}. */
struct json_object *mac_row_json(const struct engine *e, const struct macs_row *r);
/* An array of mac_row_json rows ordered by VNI and MAC; vni 0: every VNI, mac NULL: every MAC.
 * O(MACs) in one go: the control socket streams the rows instead (control_cmd.c). */
struct json_object *show_macs(const struct engine *e, uint32_t vni, const uint8_t *mac);
/* `show vnis`: one object per VNI, ordered by VNI. */
struct json_object *show_vnis(const struct engine *e);
/* `show vrfs`: each [vrf] section with what the kernel has of it (vrf_view.h), in file order. */
/* An address as a JSON string; NULL (JSON null) for none (a NULL pointer or af 0). */
struct nl_addr;
struct json_object *addr_json(const struct nl_addr *a);
struct json_object *show_vrfs(const struct engine *e);
/* `show routes vrf NAME`: the prefixes tenant NAME has routes for, sorted, with what is installed
 * (prefix, kind host|prefix, installed, local, via, router_mac, seq, routes); NULL with a message
 * in err when there is no such [vrf]. */
struct json_object *show_vrf_routes(const struct engine *e, const char *name, char *err, size_t errlen);

#endif
