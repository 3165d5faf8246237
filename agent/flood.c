/*
 * Type-3 (inclusive multicast) routes -> head-end replication: one flood entry (VNI, VTEP) on the
 * VNI's VXLAN device per remote VTEP, reference-counted by the routes that want it. The wants are
 * kept here (not re-read from the RIB) because a withdrawal no longer carries the PMSI endpoint.
 */
#include <stdlib.h>
#include <string.h>

#include "evpn.h"
#include "glue.h"
#include "log.h"
#include "route_json.h"
#include "rt_filter.h"

static void flood_ref(struct glue *g, struct vni *v, uint16_t vtep)
{
	bool created;
	struct fo_flood *fl = fo_flood_put(&g->fo, v->okey, vtep, &created);
	if (!fl) {
		log_msg(LOG_ERR, "out of memory for flood entries");
		return;
	}
	if (created || (!fl->refs && !(fl->flags & MENT_STALE)))
		remote_flood_req(g, NL_FDB_APPEND, fl);
	fl->flags &= (uint16_t)~MENT_STALE;
	fl->refs++;
}

static void flood_unref(struct glue *g, struct vni *v, uint16_t vtep)
{
	struct fo_flood *fl = fo_flood_get(&g->fo, v->okey, vtep);
	if (!fl || !fl->refs)
		return;
	if (--fl->refs)
		return;
	remote_flood_req(g, NL_FDB_DEL, fl);
	fo_flood_del(&g->fo, fl);
}

static struct t3_want *t3_find(struct glue *g, const uint8_t *nlri, size_t len)
{
	for (size_t i = 0; i < g->nt3; i++)
		if (g->t3[i].klen == len && !memcmp(g->t3[i].key, nlri, len))
			return &g->t3[i];
	return NULL;
}

static void t3_apply(struct glue *g, const struct t3_want *w, bool want)
{
	struct vni *v = vt_by_vni(&g->vt, w->vni);
	if (!v || !v->attached)
		return;
	if (want)
		flood_ref(g, v, w->vtep);
	else
		flood_unref(g, v, w->vtep);
}

void flood_route(struct glue *g, const struct evpn_route *r, const uint8_t *nlri, size_t len,
		 const struct attrs *a)
{
	struct t3_want *old = t3_find(g, nlri, len), nw;
	uint32_t vni = 0;
	bool want = false;

	memset(&nw, 0, sizeof nw);
	if (a && len <= sizeof nw.key) {
		struct nl_addr dst;
		struct ipaddr ep = (a->flags & AF_HAS_PMSI) && a->pmsi_ep.af ? a->pmsi_ep : r->orig;
		if (route_vni(FAM_EVPN, nlri, len, a, &vni) < 0)
			vni = r->etag; /* no PMSI: some speakers put the VNI in the Ethernet tag */
		vt_ip_to_addr(&ep, &dst);
		if (vni && dst.af) {
			struct vni *v = vt_by_vni(&g->vt, vni);
			uint64_t imp[CFG_MAX_RT];
			unsigned nimp = rtf_import_set(g->cfg, vni, imp);
			want = !v || ipaddr_cmp(&ep, &v->vtep) != 0; /* never flood to ourselves */
			/* the import set comes from the config, so it is known before the VNI exists */
			want = want && rtf_accepts(imp, nimp, a);
			memcpy(nw.key, nlri, len);
			nw.klen = (uint8_t)len;
			nw.vni = vni;
			nw.vtep = fo_vtep(&g->fo, &dst);
			want = want && nw.vtep != FO_VTEP_NONE;
		}
	}
	if (old && want && old->vni == nw.vni && old->vtep == nw.vtep)
		return;
	if (old) {
		t3_apply(g, old, false);
		*old = g->t3[--g->nt3];
	}
	if (!want)
		return;
	if (g->nt3 == g->t3cap) {
		size_t ncap = g->t3cap ? g->t3cap * 2 : 16;
		struct t3_want *n = realloc(g->t3, ncap * sizeof *n);
		if (!n) {
			log_msg(LOG_ERR, "out of memory for type-3 routes");
			return;
		}
		g->t3 = n;
		g->t3cap = ncap;
	}
	g->t3[g->nt3++] = nw;
	t3_apply(g, &nw, true);
}

void flood_vni_attach(struct glue *g, struct vni *v)
{
	for (size_t i = 0; i < g->nt3; i++)
		if (g->t3[i].vni == v->vni)
			flood_ref(g, v, g->t3[i].vtep);
}
