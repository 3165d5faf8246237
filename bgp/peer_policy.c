/* SPDX-License-Identifier: Apache-2.0 */
/* Pure per-neighbor checks: reflection loops (RFC 4456), max-routes, the remote-error log limit. */
#include "peer_policy.h"

bool rr_loop(const struct attrs *a, uint32_t router_id, uint32_t cluster_id)
{
	if ((a->flags & AF_HAS_ORIGINATOR) && a->originator_id == router_id)
		return true;
	for (unsigned i = 0; i < a->ncluster; i++)
		if (a->cluster[i] == cluster_id)
			return true;
	return false;
}

enum maxr_verdict maxr_check(uint32_t count, uint32_t limit, bool *warned)
{
	if (!limit)
		return MAXR_OK;
	if (count > limit)
		return MAXR_EXCEED;
	/* 90% in integers: count >= ceil(0.9 * limit), no overflow for 32-bit values */
	if (!*warned && (uint64_t)count * 10 >= (uint64_t)limit * 9) {
		*warned = true;
		return MAXR_WARN;
	}
	return MAXR_OK;
}

bool ratelim_ok(struct ratelim *r, double now, double interval, uint32_t *suppressed)
{
	if (r->last != 0 && now - r->last < interval && now >= r->last) {
		if (r->suppressed < UINT32_MAX)
			r->suppressed++;
		return false;
	}
	*suppressed = r->suppressed;
	r->suppressed = 0;
	r->last = now == 0 ? 1e-9 : now;
	return true;
}
