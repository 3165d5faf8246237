/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileges: once every socket that needs more is open (netlink, the BGP listener, the packet
 * socket of arp-snoop, the control socket), evpnd keeps CAP_NET_ADMIN alone (FDB and neighbour
 * writes, TCP MD5 keys), plus CAP_NET_BIND_SERVICE while it listens on a port below 1024, and
 * optionally becomes an unprivileged user. Raw prctl/capset: libcap would be a dependency for
 * forty lines.
 */
#ifndef EVPND_AGENT_PRIVS_H
#define EVPND_AGENT_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct privs_req {
	bool set_user;            /* become uid/gid (supplementary groups: gid alone) */
	uint32_t uid, gid;
	bool bind_service;        /* keep CAP_NET_BIND_SERVICE too */
};

/* Drop to what r asks: capabilities not kept leave the effective, permitted, inheritable, ambient
 * and bounding sets (those this process lacks already are skipped, so a run without root keeps
 * working). 0, or -1 with a one-line reason in err. */
int privs_drop(const struct privs_req *r, char *err, size_t errlen);
/* The effective capability set as a bit mask (CAP_* bit numbers), for logs and tests; 0 on error. */
uint64_t privs_effective(void);

#endif
