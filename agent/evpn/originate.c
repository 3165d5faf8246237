/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local EVPN routes (originate.h), for the engine's own advertisements and the control socket's.
 * Defaults follow RFC 7432 section 7.9 (auto RD router-id:VNI) and RFC 8365 section 5.1.2.1 (auto
 * RT ASN:VNI); a type 3 route always carries the PMSI tunnel attribute (RFC 6514 section 5, ingress
 * replication, label = VNI) because FRR and other vendors expect it even though GoBGP omits it
 * unless asked.
 */
#include <stdio.h>
#include <string.h>

#include "evpn.h"
#include "originate.h"
#include "rt_filter.h"
#include "wire.h"

static bool rd_is_zero(const struct rd *rd)
{
	static const struct rd zero;

	return memcmp(rd->b, zero.b, sizeof zero.b) == 0;
}

/* RD: the request's, else [vni N] rd unless auto, else router-id:VNI. */
static int pick_rd(const struct config *cfg, const struct cfg_vni *cv, const struct orig_req *rq,
		   struct rd *rd, char *err, size_t errlen)
{
	if (rq->has_rd) {
		*rd = rq->rd;
		return 0;
	}
	if (cv && !cv->rd_auto && !rd_is_zero(&cv->rd)) {
		*rd = cv->rd;
		return 0;
	}
	/* a type 1 RD holds a 16-bit number: a larger VNI would collide with VNI & 0xffff */
	if (rq->vni > UINT16_MAX) {
		snprintf(err, errlen, "VNI %u needs an rd: the automatic router-id:VNI holds 16 bits",
			 rq->vni);
		return -1;
	}
	rd_make_ip(rd, cfg->g.router_id, (uint16_t)rq->vni);
	return 0;
}

int originate_rd(const struct config *cfg, uint32_t vni, struct rd *rd, char *err, size_t errlen)
{
	struct orig_req rq;

	memset(&rq, 0, sizeof rq);
	rq.vni = vni;
	return pick_rd(cfg, config_vni(cfg, vni), &rq, rd, err, errlen);
}

static void pick_nexthop(const struct config *cfg, const struct orig_req *rq, struct ipaddr *nh)
{
	if (rq->nexthop.af)
		*nh = rq->nexthop;
	else if (cfg->vtep_ip.af)
		*nh = cfg->vtep_ip;
	else if (cfg->g.nexthop.af)
		*nh = cfg->g.nexthop;
	else
		ipaddr_from_v4(nh, cfg->g.router_id);
}

int originate_build(const struct config *cfg, const struct orig_req *rq, struct orig_route *out,
		    char *err, size_t errlen)
{
	const struct cfg_vni *cv = config_vni(cfg, rq->vni);
	struct evpn_route rt;
	struct wbuf w;
	unsigned n = 0;

	memset(out, 0, sizeof *out);
	memset(&rt, 0, sizeof rt);
	rt.type = rq->type;
	rt.etag = rq->etag;
	if (pick_rd(cfg, cv, rq, &rt.rd, err, errlen) < 0)
		return -1;
	if (rq->type == EVPN_RT_MACIP) {
		rt.mac = rq->mac;
		rt.ip = rq->ip;
		rt.nlabels = 1;
		rt.label[0] = rq->vni; /* the raw 24-bit VNI, not an MPLS label (wire.md) */
		if (rq->l3vni && rq->ip.af) {
			rt.nlabels = 2; /* label 2: the L3 VNI (RFC 9135 section 8.1, wire-l3 as FRR sends) */
			rt.label[1] = rq->l3vni;
		}
	} else if (rq->type == EVPN_RT_PREFIX) {
		/* RFC 9136 interface-less model, as FRR sends it: gateway IP zero, label the L3 VNI */
		rt.ip = rq->ip;
		rt.prefix_len = rq->plen;
		rt.nlabels = 1;
		rt.label[0] = rq->vni;
	} else {
		rt.orig = rq->ip;
	}
	wbuf_init(&w, out->nlri, sizeof out->nlri);
	if (evpn_encode(&rt, &w) < 0) {
		snprintf(err, errlen, "cannot encode the route");
		return -1;
	}
	out->len = w.len;

	if (rq->nrt) {
		memcpy(out->ext, rq->rt, rq->nrt * sizeof rq->rt[0]);
		n = rq->nrt;
	} else {
		n = rtf_export_set(cfg, rq->vni, out->ext);
	}
	if (rq->type == EVPN_RT_MACIP && rq->l3vni && rq->ip.af) {
		/* the VRF's route targets beside the L2 VNI's, each once */
		uint64_t vrt[CFG_MAX_RT];
		unsigned nv = rtf_export_set(cfg, rq->l3vni, vrt);
		for (unsigned i = 0; i < nv; i++) {
			unsigned j = 0;
			while (j < n && out->ext[j] != vrt[i])
				j++;
			if (j == n)
				out->ext[n++] = vrt[i];
		}
	}
	out->ext[n++] = extc_encap(TUNNEL_VXLAN); /* RFC 8365 section 5.1.3 */
	if (rq->type == EVPN_RT_MACIP && (rq->has_seq || rq->sticky))
		out->ext[n++] = extc_mac_mobility(rq->seq, rq->sticky);
	if ((rq->type == EVPN_RT_MACIP && rq->l3vni && rq->ip.af) || rq->type == EVPN_RT_PREFIX)
		out->ext[n++] = extc_router_mac(&rq->rmac); /* RFC 9135 section 8.1, RFC 9136 4.1 */

	out->a.origin = rq->type == EVPN_RT_PREFIX ? ORIGIN_INCOMPLETE : ORIGIN_IGP; /* as FRR's redistributed */
	out->a.flags = AF_HAS_NEXT_HOP;
	pick_nexthop(cfg, rq, &out->a.nexthop);
	out->a.nextcomm = (uint16_t)n;
	out->a.extcomm = out->ext;
	if (rq->type == EVPN_RT_IMET) {
		out->a.flags |= AF_HAS_PMSI;
		out->a.pmsi_flags = 0;
		out->a.pmsi_type = PMSI_INGRESS_REPL;
		out->a.pmsi_label = rq->vni;
		out->a.pmsi_ep = rq->ip;
	}
	return 0;
}
