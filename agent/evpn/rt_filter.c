/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Import and export route-target sets (rt_filter.h). The sets depend on the configuration alone, so
 * struct vni caches them when the VNI appears; matching is a scan of a few 8-byte values.
 */
#include "rt_filter.h"

#include <stdio.h>
#include <string.h>

/* The local administrator of a route target: 32 bits after a 2-octet AS, 16 after an IPv4
 * address or a 4-octet AS. */
static uint32_t rt_local(uint64_t rt)
{
	return extc_type(rt) == EXTC_RT_AS2 ? (uint32_t)rt : (uint32_t)(rt & 0xffff);
}

static void add(uint64_t *out, uint32_t *wild, unsigned *n, uint64_t rt, bool w)
{
	for (unsigned i = 0; i < *n; i++)
		if (out[i] == rt && (wild ? !!(*wild & 1u << i) : false) == w)
			return;
	if (*n >= CFG_MAX_RT)
		return;
	if (w && wild)
		*wild |= 1u << *n;
	out[(*n)++] = rt;
}

uint64_t rtf_auto(const struct config *cfg, uint32_t vni)
{
	return extc_rt_make(cfg->g.asn & 0xffff, cfg->auto_rt_rfc8365 ? vni | RTF_RFC8365_VXLAN : vni);
}

/* route-target's RTs, then the direction's own, then "auto" if listed; auto alone when empty. On
 * import (wild given) a configured "*:NN" and auto stay wildcards; on export "*:NN" is ASN:NN. */
static unsigned rt_set(const struct config *cfg, uint32_t vni, bool import, uint64_t *out,
		       uint32_t *wild)
{
	const struct cfg_vni *cv = config_vni(cfg, vni);
	unsigned n = 0;

	if (cv) {
		const uint64_t *own = import ? cv->import_rt : cv->export_rt;
		unsigned nown = import ? cv->nimport : cv->nexport;
		uint32_t own_wild = import ? cv->import_wild : 0;
		if (!cv->rt_auto)
			for (unsigned i = 0; i < cv->nrt; i++) {
				bool w = cv->rt_wild & 1u << i;
				uint64_t rt = w && !import ? extc_rt_make(cfg->g.asn, rt_local(cv->rt[i]))
							   : cv->rt[i];
				add(out, wild, &n, rt, w && import);
			}
		for (unsigned i = 0; i < nown; i++)
			add(out, wild, &n, own[i], own_wild & 1u << i);
		if (import ? cv->import_auto : cv->export_auto)
			add(out, wild, &n, import ? extc_rt_make(0, rt_local(rtf_auto(cfg, vni))) : rtf_auto(cfg, vni),
			    import);
	}
	if (n == 0)
		add(out, wild, &n, import ? extc_rt_make(0, rt_local(rtf_auto(cfg, vni))) : rtf_auto(cfg, vni),
		    import);
	return n;
}

void rtf_import_set(const struct config *cfg, uint32_t vni, struct rt_import *out)
{
	out->wild = 0;
	out->n = (uint8_t)rt_set(cfg, vni, true, out->rt, &out->wild);
}

unsigned rtf_export_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT])
{
	return rt_set(cfg, vni, false, out, NULL);
}

bool rtf_import_same(const struct rt_import *x, const struct rt_import *y)
{
	return x->n == y->n && x->wild == y->wild && !memcmp(x->rt, y->rt, x->n * sizeof x->rt[0]);
}

/* Whether route target rt is matched by entry i of s. */
static bool entry_matches(const struct rt_import *s, unsigned i, uint64_t rt)
{
	if (s->wild & 1u << i)
		return rt_local(rt) == (uint32_t)s->rt[i];
	return s->rt[i] == rt;
}

bool rtf_match(const struct rt_import *s, const struct attrs *a)
{
	for (unsigned i = 0; a && i < a->nextcomm; i++) {
		if (!extc_is_rt(a->extcomm[i]))
			continue;
		for (unsigned j = 0; j < s->n; j++)
			if (entry_matches(s, j, a->extcomm[i]))
				return true;
	}
	return false;
}

bool rtf_accepts(const struct rt_import *s, const struct attrs *a)
{
	for (unsigned i = 0; a && i < a->nextcomm; i++)
		if (extc_is_rt(a->extcomm[i]))
			return rtf_match(s, a);
	return a != NULL;
}

const char *rtf_entry_str(const struct rt_import *s, unsigned i, char *buf, size_t cap)
{
	if (s->wild & 1u << i) {
		snprintf(buf, cap, "*:%u", (unsigned)(uint32_t)s->rt[i]);
		return buf;
	}
	return extc_rt_str(s->rt[i], buf, cap);
}
