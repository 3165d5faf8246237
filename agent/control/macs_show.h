/* SPDX-License-Identifier: Apache-2.0 */
/* `show macs` and `show vnis`: the engine's MACs and VNIs as JSON. */
#ifndef EVPND_CONTROL_MACS_SHOW_H
#define EVPND_CONTROL_MACS_SHOW_H

#include <stdint.h>

struct engine;
struct json_object;

/* An array of {vni, mac, location, vtep, port, seq, sticky, duplicate, frozen, moves, age} ordered
 * by VNI and MAC; vni 0: every VNI, mac NULL: every MAC. O(MACs). */
struct json_object *show_macs(const struct engine *e, uint32_t vni, const uint8_t *mac);
/* `show vnis`: one object per VNI, ordered by VNI. */
struct json_object *show_vnis(const struct engine *e);

#endif
