/* SPDX-License-Identifier: Apache-2.0 */
/* Admission to the control socket and the refusals' log (control_admit.h). */
#include "control_admit.h"

#include <stdio.h>

#include "log.h"

const char *ctl_admit(unsigned nclients, unsigned mine, uint32_t uid, unsigned max, unsigned per_user,
		      char *why, size_t whylen)
{
	if (nclients >= max) {
		snprintf(why, whylen, "too many control clients (%u, control-max-clients)", nclients);
		return why;
	}
	if (uid == 0)
		return NULL;
	if (nclients + CTL_ROOT_SLOTS >= max) {
		snprintf(why, whylen, "too many control clients (%u; the last %d are root's)", nclients,
			 CTL_ROOT_SLOTS);
		return why;
	}
	if (mine >= per_user) {
		snprintf(why, whylen, "too many control clients of uid %u (%u, control-max-clients-per-user)",
			 uid, mine);
		return why;
	}
	return NULL;
}

void ctl_refused_flush(struct ctl_refusals *r, double now)
{
	if (!r->n || now - r->logged < CTL_REFUSED_LOG_SECS)
		return;
	log_msg(LOG_WARNING, "control: refused %llu client%s (the last: %s)", (unsigned long long)r->n,
		r->n == 1 ? "" : "s", r->last);
	r->n = 0;
	r->logged = now;
}

void ctl_refused(struct ctl_refusals *r, double now, const char *who, const char *why)
{
	r->n++;
	snprintf(r->last, sizeof r->last, "%s: %s", who, why);
	ctl_refused_flush(r, now);
}
