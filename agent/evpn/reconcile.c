/* SPDX-License-Identifier: Apache-2.0 */
/* The reconcile verdicts (reconcile.h), pure. */
#include "reconcile.h"

#include <linux/neighbour.h>
#include <string.h>

enum rc_kind rc_classify(const struct nl_fdb *f)
{
	static const uint8_t zero[6];

	if (!(f->flags & NTF_SELF) || !f->dst.af)
		return RC_OTHER;
	if (!memcmp(f->mac, zero, 6))
		return (f->state & NUD_PERMANENT) ? RC_FLOOD : RC_OTHER;
	return (f->flags & NTF_EXT_LEARNED) ? RC_MAC : RC_OTHER;
}

enum rc_act rc_mac_present(const struct mac_ent *owned, uint16_t kvtep, bool ksticky,
			   bool converged)
{
	if (!owned)
		return converged ? RC_DELETE : RC_ADOPT;
	bool same = owned->vtep == kvtep && !!(owned->flags & MENT_STICKY) == ksticky;
	if (owned->flags & MENT_STALE)
		return same ? RC_KEEP : RC_ADOPT; /* stale: the kernel's copy is the truth */
	return same ? RC_KEEP : RC_REPLACE;
}

enum rc_act rc_flood_present(const struct fl_ent *owned, bool converged)
{
	if (!owned)
		return converged ? RC_DELETE : RC_ADOPT;
	return RC_KEEP;
}

enum rc_act rc_missing(uint8_t flags, uint32_t refs)
{
	if (flags & MENT_STALE)
		return refs ? RC_REPLACE : RC_FORGET;
	return RC_REPLACE;
}

enum rc_act rc_recorded(bool held, bool vni_exists)
{
	return held || !vni_exists ? RC_KEEP : RC_DELETE;
}
