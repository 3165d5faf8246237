/* Shared by the agent's unit tests: kernel links as netlink reports them, fed to the VNI table. */
#ifndef EVPND_AGENT_FIXTURE_H
#define EVPND_AGENT_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "glue.h"

/* One VNI: bridge "br<vni>" (ifindex br) holding VXLAN device "vx<vni>" (ifindex vx, VTEP
 * 10.88.0.2, port 4789) and, when port > 0, a VM port "vm1" (ifindex port), all up. */
static inline void fixture_vni(struct glue *g, int br, int vx, int port, uint32_t vni)
{
	struct nl_link l;

	memset(&l, 0, sizeof l);
	l.ifindex = br;
	l.kind = NL_LINK_BRIDGE;
	l.up = true;
	snprintf(l.name, sizeof l.name, "br%u", vni);
	vt_link_event(&g->vt, &l, false);
	memset(&l, 0, sizeof l);
	l.ifindex = vx;
	l.kind = NL_LINK_VXLAN;
	l.master = br;
	l.up = true;
	l.vni = vni;
	l.local.af = AF_INET;
	memcpy(l.local.a, "\x0a\x58\x00\x02", 4);
	l.dstport = 4789;
	snprintf(l.name, sizeof l.name, "vx%u", vni);
	vt_link_event(&g->vt, &l, false);
	if (port > 0) {
		memset(&l, 0, sizeof l);
		l.ifindex = port;
		l.master = br;
		l.up = true;
		strcpy(l.name, "vm1");
		vt_link_event(&g->vt, &l, false);
	}
}

#endif
