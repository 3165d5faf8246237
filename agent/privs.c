/* SPDX-License-Identifier: Apache-2.0 */
/* Dropping privileges after start-up (privs.h) with prctl(2), capset(2) and setresuid(2). */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc declares neither capget nor capset */
static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	return (int)syscall(SYS_capget, &h, d);
}

static int cap_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};
	return (int)syscall(SYS_capset, &h, d);
}

static uint64_t bit(int cap)
{
	return (uint64_t)1 << cap;
}

uint64_t privs_effective(void)
{
	struct __user_cap_data_struct d[2];

	if (cap_get(d) < 0)
		return 0;
	return (uint64_t)d[0].effective | (uint64_t)d[1].effective << 32;
}

static int fail(char *err, size_t errlen, const char *what)
{
	int e = errno;
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	errno = e;
	return -1;
}

int privs_drop(const struct privs_req *r, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	uint64_t prm, keep = bit(CAP_NET_ADMIN) | (r->bind_service ? bit(CAP_NET_BIND_SERVICE) : 0);

	if (cap_get(d) < 0)
		return fail(err, errlen, "capget");
	prm = (uint64_t)d[0].permitted | (uint64_t)d[1].permitted << 32;
	keep &= prm; /* never ask for what this process does not have */
	if (r->set_user) {
		gid_t g = (gid_t)r->gid;
		/* the capabilities kept must survive the change of uid (capabilities(7)) */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return fail(err, errlen, "prctl(PR_SET_KEEPCAPS)");
		if (setgroups(1, &g) < 0)
			return fail(err, errlen, "setgroups");
		if (setresgid(g, g, g) < 0)
			return fail(err, errlen, "setresgid");
		if (setresuid((uid_t)r->uid, (uid_t)r->uid, (uid_t)r->uid) < 0)
			return fail(err, errlen, "setresuid");
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			return fail(err, errlen, "prctl(PR_SET_KEEPCAPS)");
	}
	/* the bounding set needs CAP_SETPCAP in the effective set while it is cut */
	if (prm & bit(CAP_SETPCAP)) {
		if (cap_set(keep | bit(CAP_SETPCAP), keep | bit(CAP_SETPCAP), 0) < 0)
			return fail(err, errlen, "capset");
		for (int c = 0; c < 64; c++) {
			if (keep & bit(c))
				continue;
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
				break; /* past the kernel's last capability */
		}
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (cap_set(keep, keep, 0) < 0)
		return fail(err, errlen, "capset");
#ifndef __has_feature
#define __has_feature(x) 0 /* gcc: __SANITIZE_ADDRESS__ says it */
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
	/* a change of uid makes the process undumpable, and LeakSanitizer's exit-time scan (ptrace of
	 * its own threads) then fails: sanitizer builds only, never a release */
	if (r->set_user)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	/* nothing evpnd runs could regain what was dropped */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
