/* SPDX-License-Identifier: Apache-2.0 */
/* Who may use the control socket (control_int.h): its peer's credentials as the kernel gives them
 * (SO_PEERCRED, SO_PEERGROUPS), never anything the client says. */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_int.h"

#define GROUPS_INLINE 64

/* Whether gid is among the supplementary groups of fd's peer (as they were at connect()). */
static bool peer_in_group(int fd, gid_t gid)
{
	gid_t inl[GROUPS_INLINE], *g = inl;
	socklen_t len = sizeof inl;
	bool found = false;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0) {
		if (errno != ERANGE || len <= sizeof inl || len > 65536 * sizeof(gid_t))
			return false;
		g = malloc(len);
		if (!g || getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0) {
			free(g);
			return false;
		}
	}
	for (size_t i = 0; i < len / sizeof(gid_t) && !found; i++)
		found = g[i] == gid;
	if (g != inl)
		free(g);
	return found;
}

bool ctl_peer_allowed(int fd, bool has_group, uint32_t gid, uint32_t *uid, char *who, size_t wholen)
{
	struct ucred uc;
	socklen_t len = sizeof uc;

	*uid = UINT32_MAX;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 || len != sizeof uc) {
		snprintf(who, wholen, "a client of unknown credentials (%s)", strerror(errno));
		return false;
	}
	snprintf(who, wholen, "pid %ld uid %lu gid %lu", (long)uc.pid, (unsigned long)uc.uid,
		 (unsigned long)uc.gid);
	*uid = (uint32_t)uc.uid;
	/* root, evpnd's own user, and the control group */
	if (uc.uid == 0 || uc.uid == geteuid())
		return true;
	return has_group && (uc.gid == (gid_t)gid || peer_in_group(fd, (gid_t)gid));
}
