/*
 * Route targets per VNI (RFC 7432 section 7.10, RFC 8365 section 5.1.2.1): each VNI has an import
 * set and an export set. A remote route is installed into the VNI its label names only when one of
 * its RTs is in that VNI's import set; routes no VNI imports stay in the RIB, shown, not installed.
 */
#ifndef EVPND_EVPN_RT_FILTER_H
#define EVPND_EVPN_RT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "config.h"

/* vni's import set from cfg: [vni N] route-target plus import-rt ("auto" = ASN:VNI), no
 * duplicates, at most CFG_MAX_RT; ASN:VNI alone when none is configured. Returns the count. */
unsigned rtf_import_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT]);
/* The same for the export set (route-target plus export-rt): what local routes carry. */
unsigned rtf_export_set(const struct config *cfg, uint32_t vni, uint64_t out[CFG_MAX_RT]);
/* Whether one of a's route targets is among set[0..n) (exact 8-byte match; a NULL: no). */
bool rtf_match(const uint64_t *set, unsigned n, const struct attrs *a);
/* The import decision: a carries one of set[0..n), or no route target at all (installed by its
 * label alone, as GoBGP's `rib add macadv` without rt sends them; FRR would drop those). */
bool rtf_accepts(const uint64_t *set, unsigned n, const struct attrs *a);
#endif
