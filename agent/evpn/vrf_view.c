/* SPDX-License-Identifier: Apache-2.0 */
/* A routed tenant as the kernel has it (vrf_view.h). */
#include "vrf_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The link with this ifindex, or NULL (the table's own lookup, without calling into vni.c). */
static const struct vt_link *link_at(const struct vni_tab *vt, int ifindex)
{
	if (ifindex <= 0 || (size_t)ifindex >= vt->nlinks || !vt->links[ifindex].ifindex)
		return NULL;
	return &vt->links[ifindex];
}

void vrf_view(const struct vni_tab *vt, const struct cfg_vrf *c, struct vrf_view *out)
{
	const struct vt_link *br = NULL, *vrf = NULL, *vx = NULL;

	memset(out, 0, sizeof *out);
	out->c = c;
	for (size_t i = 0; i < vt->nlinks; i++) {
		const struct vt_link *l = &vt->links[i];
		if (!l->ifindex)
			continue;
		if (l->kind == NL_LINK_VRF && !strcmp(l->name, c->name))
			vrf = l;
		else if (l->kind == NL_LINK_VXLAN && l->l3vni == c->l3vni)
			vx = l;
	}
	if (vrf) {
		out->vrf = vrf->ifindex;
		out->table = vrf->vrf_table;
		out->vrf_up = vrf->up;
	}
	if (vx) {
		out->vxlan = vx->ifindex;
		out->vxlan_up = vx->up;
		br = link_at(vt, vx->master);
		if (br && br->kind != NL_LINK_BRIDGE)
			br = NULL;
	}
	if (br) {
		out->bridge = br->ifindex;
		out->bridge_up = br->up;
		memcpy(out->router_mac, br->mac, 6);
		out->bridge_in_vrf = vrf && br->master == vrf->ifindex;
	}
	if (!vrf)
		snprintf(out->why, sizeof out->why, "no VRF device %s", c->name);
	else if (!vx)
		snprintf(out->why, sizeof out->why, "no VXLAN device with VNI %u", c->l3vni);
	else if (!br)
		snprintf(out->why, sizeof out->why, "VXLAN device %s is not in a bridge", vx->name);
	else if (!out->bridge_in_vrf)
		snprintf(out->why, sizeof out->why, "bridge %s is not in VRF %s", br->name, c->name);
	else if (!vrf->up || !vx->up || !br->up)
		snprintf(out->why, sizeof out->why, "%s is down",
			 !vrf->up ? vrf->name : !vx->up ? vx->name : br->name);
	else
		out->up = true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

size_t vrf_l2_vnis(const struct vni_tab *vt, int vrf, uint32_t *out, size_t cap)
{
	size_t n = 0;

	if (!vrf)
		return 0;
	for (size_t b = 0; b < VT_HASH; b++)
		for (const struct vni *v = vt->hash[b]; v; v = v->hnext) {
			const struct vt_link *br = link_at(vt, v->bridge);
			if (!br || br->master != vrf)
				continue;
			if (n < cap)
				out[n] = v->vni;
			n++;
		}
	qsort(out, n < cap ? n : cap, sizeof *out, cmp_u32);
	return n;
}
