/* `show macs`: the local and remote MACs of the VNIs with their mobility and duplicate state. */
#ifndef EVPND_AGENT_MACS_SHOW_H
#define EVPND_AGENT_MACS_SHOW_H

#include <stdint.h>

struct glue;
struct json_object;

/* An array of {vni, mac, location, vtep, port, seq, sticky, duplicate, frozen, moves, age} ordered
 * by VNI and MAC; vni 0: every VNI, mac NULL: every MAC. O(MACs). */
struct json_object *glue_show_macs(struct glue *g, uint32_t vni, const uint8_t *mac);

#endif
