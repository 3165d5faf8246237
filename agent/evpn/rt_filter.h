/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route targets per VNI (RFC 7432 section 7.10, RFC 8365 section 5.1.2.1): each VNI has an import
 * set and an export set. A remote route is installed into the VNI its label names only when one of
 * its RTs is in that VNI's import set; routes no VNI imports stay in the RIB, shown, not installed.
 *
 * Import entries are exact (configured ASN:NN or A.B.C.D:NN) or wildcards: "*:NN" and every
 * auto-derived one match a route target of any global administrator (2- or 4-octet AS, IPv4) whose
 * local administrator is NN, as FRR matches its auto-derived import RTs, so hypervisors in
 * different ASes (eBGP fabrics) import each other's auto route targets.
 */
#ifndef EVPND_EVPN_RT_FILTER_H
#define EVPND_EVPN_RT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "config.h"

/* RFC 8365 section 5.1.2.1 local administrator: A=0 (auto), type 1 (VXLAN), D-ID 0, the VNI */
#define RTF_RFC8365_VXLAN 0x10000000u

/* An import set: rt[i] is exact, or a wildcard when bit i of wild is set (then rt[i] is 0:NN). */
struct rt_import {
	uint64_t rt[CFG_MAX_RT];
	uint32_t wild;
	uint8_t n;
};

/* The auto-derived route target of vni: (ASN & 0xffff):VNI, 2-octet-AS type, as FRR and RFC 8365
 * derive it (a 4-octet ASN contributes its low 16 bits), the VNI in RFC 8365's layout when
 * [global] auto-rt-format = rfc8365. */
uint64_t rtf_auto(const struct config *cfg, uint32_t vni);
/* vni's import set from cfg into out: [vni N] route-target plus import-rt; "auto" and "*:NN" are
 * wildcards; auto alone when none is configured. No duplicates, at most CFG_MAX_RT. */
void rtf_import_set(const struct config *cfg, uint32_t vni, struct rt_import *out);
/* The export set (route-target plus export-rt, "*:NN" exported as ASN:NN): what local routes
 * carry. Returns the count. */
unsigned rtf_export_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT]);
/* Whether two import sets are the same. */
bool rtf_import_same(const struct rt_import *x, const struct rt_import *y);
/* Whether one of a's route targets is in s (a NULL: no). */
bool rtf_match(const struct rt_import *s, const struct attrs *a);
/* The import decision: a carries one of s's, or no route target at all (installed by its label
 * alone, as GoBGP's `rib add macadv` without rt sends them; FRR would drop those). */
bool rtf_accepts(const struct rt_import *s, const struct attrs *a);
/* "*:NN" for a wildcard entry, else the RT as extc_rt_str writes it. */
const char *rtf_entry_str(const struct rt_import *s, unsigned i, char *buf, size_t cap);
#endif
