/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who gets a control connection (docs/control-protocol.md, "Transport"): the decision, pure, and
 * the refusals' log, rate-limited so that a client hammering a full socket writes one line per
 * CTL_REFUSED_LOG_SECS, not one per connect.
 */
#ifndef EVPND_CONTROL_CONTROL_ADMIT_H
#define EVPND_CONTROL_CONTROL_ADMIT_H

#include <stddef.h>
#include <stdint.h>

#define CTL_ROOT_SLOTS 4               /* the last slots: root alone, so nobody locks root out */
#define CTL_REFUSED_LOG_SECS 10.0

/* Why a client of uid may not have a slot when nclients are connected, mine of them uid's, with
 * at most max clients and per_user of one user other than root: the reason in why, or NULL. */
const char *ctl_admit(unsigned nclients, unsigned mine, uint32_t uid, unsigned max, unsigned per_user,
		      char *why, size_t whylen);

/* Refusals not yet told to the log. */
struct ctl_refusals {
	uint64_t n;
	double logged;                 /* when the last line was written */
	char last[224];                /* who was refused last, and why */
};
/* Count a refusal at time now; log it (with those before) unless a line went out less than
 * CTL_REFUSED_LOG_SECS ago. */
void ctl_refused(struct ctl_refusals *r, double now, const char *who, const char *why);
/* Log the refusals counted since the last line, once CTL_REFUSED_LOG_SECS have passed. */
void ctl_refused_flush(struct ctl_refusals *r, double now);

#endif
