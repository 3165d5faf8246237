/*
 * Import and export route-target sets (rt_filter.h). The sets depend on the configuration alone, so
 * struct vni caches them when the VNI appears; matching is a scan of a few 8-byte values.
 */
#include "rt_filter.h"


static void add(uint64_t *out, unsigned *n, uint64_t rt)
{
	for (unsigned i = 0; i < *n; i++)
		if (out[i] == rt)
			return;
	if (*n < CFG_MAX_RT)
		out[(*n)++] = rt;
}

/* route-target's RTs, then the direction's own, then "auto" if listed; auto alone when empty. */
static unsigned rt_set(const struct config *cfg, uint32_t vni, bool import, uint64_t *out)
{
	const struct cfg_vni *cv = config_vni(cfg, vni);
	unsigned n = 0;

	if (cv) {
		const uint64_t *own = import ? cv->import_rt : cv->export_rt;
		unsigned nown = import ? cv->nimport : cv->nexport;
		if (!cv->rt_auto)
			for (unsigned i = 0; i < cv->nrt; i++)
				add(out, &n, cv->rt[i]);
		for (unsigned i = 0; i < nown; i++)
			add(out, &n, own[i]);
		if (import ? cv->import_auto : cv->export_auto)
			add(out, &n, extc_rt_make(cfg->g.asn, vni));
	}
	if (n == 0)
		add(out, &n, extc_rt_make(cfg->g.asn, vni));
	return n;
}

unsigned rtf_import_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT])
{
	return rt_set(cfg, vni, true, out);
}

unsigned rtf_export_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT])
{
	return rt_set(cfg, vni, false, out);
}

bool rtf_match(const uint64_t *set, unsigned n, const struct attrs *a)
{
	for (unsigned i = 0; a && i < a->nextcomm; i++) {
		if (!extc_is_rt(a->extcomm[i]))
			continue;
		for (unsigned j = 0; j < n; j++)
			if (set[j] == a->extcomm[i])
				return true;
	}
	return false;
}

bool rtf_accepts(const uint64_t *set, unsigned n, const struct attrs *a)
{
	for (unsigned i = 0; a && i < a->nextcomm; i++)
		if (extc_is_rt(a->extcomm[i]))
			return rtf_match(set, n, a);
	return a != NULL;
}
