/*
 * The VNI table (vni.h). A VNI's state is recomputed from its links after every event that touches
 * them, and each transition is reported once: ATTACH/DETACH gate remote installs, ACTIVATE/
 * DEACTIVATE gate advertisement (a VTEP address change is a DEACTIVATE then an ACTIVATE).
 */
#include "vni.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include "log.h"
#include "originate.h"
#include "route_json.h"
#include "rt_filter.h"

#define VT_HASH 1024

static size_t vni_bucket(uint32_t vni)
{
	return (vni * 2654435761u) >> 22; /* top 10 bits: VT_HASH buckets */
}

void vt_addr_to_ip(const struct nl_addr *a, struct ipaddr *ip)
{
	memset(ip, 0, sizeof *ip);
	if (a->af == AF_INET || a->af == AF_INET6) {
		ip->af = a->af;
		memcpy(ip->a, a->a, a->af == AF_INET ? 4 : 16);
	}
}

void vt_ip_to_addr(const struct ipaddr *ip, struct nl_addr *a)
{
	memset(a, 0, sizeof *a);
	if (ip->af == AF_INET || ip->af == AF_INET6) {
		a->af = ip->af;
		memcpy(a->a, ip->a, ip->af == AF_INET ? 4 : 16);
	}
}

int vt_init(struct vni_tab *vt, const struct config *cfg,
	    void (*event)(void *ctx, struct vni *v, enum vt_event ev), void *ctx)
{
	memset(vt, 0, sizeof *vt);
	vt->cfg = cfg;
	vt->event = event;
	vt->ctx = ctx;
	vt->hash = calloc(VT_HASH, sizeof *vt->hash);
	if (vt->hash)
		route_json_set_vnis(vt); /* "installed" in route objects */
	return vt->hash ? 0 : -1;
}

void vt_free(struct vni_tab *vt)
{
	for (size_t b = 0; vt->hash && b < VT_HASH; b++) {
		for (struct vni *v = vt->hash[b], *n; v; v = n) {
			n = v->hnext;
			free(v);
		}
	}
	route_json_unset_vnis(vt);
	free(vt->hash);
	free(vt->links);
	memset(vt, 0, sizeof *vt);
}

struct vni *vt_by_vni(const struct vni_tab *vt, uint32_t vni)
{
	for (struct vni *v = vt->hash[vni_bucket(vni)]; v; v = v->hnext)
		if (v->vni == vni)
			return v;
	return NULL;
}

const struct vt_link *vt_link(const struct vni_tab *vt, int ifindex)
{
	if (ifindex <= 0 || (size_t)ifindex >= vt->nlinks || !vt->links[ifindex].ifindex)
		return NULL;
	return &vt->links[ifindex];
}

struct vni *vt_by_vxlan(const struct vni_tab *vt, int ifindex)
{
	const struct vt_link *l = vt_link(vt, ifindex);
	return l && l->kind == NL_LINK_VXLAN ? l->vni : NULL;
}

struct vni *vt_by_bridge(const struct vni_tab *vt, int ifindex)
{
	const struct vt_link *l = vt_link(vt, ifindex);
	return l && l->kind == NL_LINK_BRIDGE ? l->vni : NULL;
}

void vt_walk(const struct vni_tab *vt, void (*cb)(void *ctx, struct vni *v), void *ctx)
{
	for (size_t b = 0; b < VT_HASH; b++)
		for (struct vni *v = vt->hash[b], *n; v; v = n) {
			n = v->hnext;
			cb(ctx, v);
		}
}

static struct vt_link *link_slot(struct vni_tab *vt, int ifindex)
{
	if (ifindex <= 0)
		return NULL;
	if ((size_t)ifindex >= vt->nlinks) {
		size_t n = vt->nlinks ? vt->nlinks : 64;
		while (n <= (size_t)ifindex)
			n *= 2;
		struct vt_link *nl = realloc(vt->links, n * sizeof *nl);
		if (!nl)
			return NULL;
		memset(nl + vt->nlinks, 0, (n - vt->nlinks) * sizeof *nl);
		vt->links = nl;
		vt->nlinks = n;
	}
	return &vt->links[ifindex];
}

/* Recompute v's state from its links and report the transitions. */
static void vt_update(struct vni_tab *vt, struct vni *v)
{
	struct vt_link *br = v->bridge ? link_slot(vt, v->bridge) : NULL;
	bool br_ok = br && br->ifindex && br->kind == NL_LINK_BRIDGE && (!br->vni || br->vni == v);
	struct ipaddr vtep;
	char a[IPADDR_STRLEN];

	if (br && br->ifindex && br->kind == NL_LINK_BRIDGE && br->vni && br->vni != v &&
	    !v->warned_bridge) {
		log_msg(LOG_WARNING, "VNI %u: bridge %s already carries VNI %u (one VXLAN device per "
			"bridge); %s is ignored", v->vni, br->name, br->vni->vni, v->name);
		v->warned_bridge = true;
	}
	if (v->local.af)
		vt_addr_to_ip(&v->local, &vtep);
	else
		vtep = vt->cfg->vtep_ip;
	bool attached = br_ok;
	bool active = attached && v->up && br->up && vtep.af && v->nrt;
	bool vtep_changed = ipaddr_cmp(&vtep, &v->vtep) != 0;
	bool moved = v->attached && attached && br->vni != v; /* straight into another bridge */

	if (v->active && (!active || vtep_changed || moved)) {
		vt->event(vt->ctx, v, VT_DEACTIVATE);
		v->active = false;
	}
	v->vtep = vtep;
	if (v->attached && (!attached || moved)) {
		vt->event(vt->ctx, v, VT_DETACH);
		v->attached = false;
		for (size_t i = 0; i < vt->nlinks; i++) /* the old bridge, whichever it was */
			if (vt->links[i].kind == NL_LINK_BRIDGE && vt->links[i].vni == v)
				vt->links[i].vni = NULL;
	}
	if (!v->attached && attached) {
		br->vni = v;
		v->attached = true;
		vt->event(vt->ctx, v, VT_ATTACH);
	}
	if (!v->active && active) {
		v->active = true;
		log_msg(LOG_INFO, "VNI %u up: %s in bridge %s, VTEP %s", v->vni, v->name, br->name,
			ipaddr_str(&v->vtep, a));
		vt->event(vt->ctx, v, VT_ACTIVATE);
	}
}

static void vni_remove(struct vni_tab *vt, struct vni *v)
{
	v->up = false;
	v->bridge = 0;
	vt_update(vt, v);
	for (struct vni **pp = &vt->hash[vni_bucket(v->vni)]; *pp; pp = &(*pp)->hnext)
		if (*pp == v) {
			*pp = v->hnext;
			break;
		}
	vt->count--;
	log_msg(LOG_INFO, "VNI %u gone (%s)", v->vni, v->name);
	free(v);
}

/* RD and RTs as originate_build makes them ([vni N] or auto), read back from a type-3 route. */
static void vni_rd_rt(struct vni_tab *vt, struct vni *v)
{
	struct orig_req rq;
	struct orig_route r;
	char err[160];

	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_IMET;
	rq.vni = v->vni;
	ipaddr_from_v4(&rq.ip, vt->cfg->g.router_id);
	v->nrt = 0;
	if (originate_build(vt->cfg, &rq, &r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u (%s): %s; not advertised", v->vni, v->name, err);
		return;
	}
	memcpy(v->rd.b, r.nlri + 2, 8); /* type, length, then the RD (RFC 7432 section 7.3) */
	for (unsigned i = 0; i < r.a.nextcomm && v->nrt < CFG_MAX_RT; i++)
		if (extc_is_rt(r.a.extcomm[i]))
			v->rt[v->nrt++] = r.a.extcomm[i];
}

bool vni_imports(const struct vni *v, const struct attrs *a)
{
	return rtf_accepts(v->imp, v->nimp, a);
}

static struct vni *vni_create(struct vni_tab *vt, const struct nl_link *l)
{
	struct vni *v = calloc(1, sizeof *v);
	if (!v) {
		log_msg(LOG_ERR, "VNI %u: out of memory", l->vni);
		return NULL;
	}
	v->vni = l->vni;
	v->vxlan = l->ifindex;
	memcpy(v->name, l->name, sizeof v->name);
	vni_rd_rt(vt, v);
	v->nimp = (uint8_t)rtf_import_set(vt->cfg, v->vni, v->imp);
	size_t b = vni_bucket(v->vni);
	v->hnext = vt->hash[b];
	vt->hash[b] = v;
	vt->count++;
	return v;
}

static void vxlan_event(struct vni_tab *vt, struct vt_link *s, const struct nl_link *l)
{
	struct vni *v = s->vni;

	if (v && v->vni != l->vni) {
		vni_remove(vt, v);
		v = s->vni = NULL;
	}
	if (l->vni == 0 || l->external)
		return; /* collect-metadata devices (VLAN-aware single device) are not supported yet */
	if (!v) {
		struct vni *other = vt_by_vni(vt, l->vni);
		if (other) {
			log_msg(LOG_WARNING, "VXLAN device %s: VNI %u is already on %s; ignored", l->name,
				l->vni, other->name);
			return;
		}
		v = s->vni = vni_create(vt, l);
		if (!v)
			return;
	}
	memcpy(v->name, l->name, sizeof v->name);
	v->local = l->local;
	v->dstport = l->dstport;
	v->up = l->up;
	v->bridge = l->master;
	if (l->learning && !v->warned_learning) {
		log_msg(LOG_WARNING, "VXLAN device %s (VNI %u) has learning on: remote MACs are "
			"learned from the data path too (create it with nolearning)", l->name, l->vni);
		v->warned_learning = true;
	}
	if (!l->local.af && !vt->cfg->vtep_ip.af && !v->warned_nolocal) {
		log_msg(LOG_WARNING, "VXLAN device %s (VNI %u) has no local address and [global] "
			"vtep-ip is not set: the VNI is not advertised", l->name, l->vni);
		v->warned_nolocal = true;
	}
	vt_update(vt, v);
}

/* A bridge changed or appeared: its VNI, or a VNI waiting for it, may change state. */
static void bridge_event(struct vni_tab *vt, int ifindex)
{
	struct vt_link *s = link_slot(vt, ifindex);
	if (s && s->vni) {
		vt_update(vt, s->vni);
		return;
	}
	for (size_t b = 0; b < VT_HASH; b++)
		for (struct vni *v = vt->hash[b]; v; v = v->hnext)
			if (v->bridge == ifindex && !v->attached) {
				vt_update(vt, v);
				return;
			}
}

void vt_link_event(struct vni_tab *vt, const struct nl_link *l, bool deleted)
{
	struct vt_link *s = link_slot(vt, l->ifindex);
	if (!s) {
		log_msg(LOG_ERR, "link %s: out of memory", l->name);
		return;
	}
	if (s->ifindex && s->kind != l->kind && !deleted) {
		/* an ifindex is never reused for another device while the old one lives; be safe */
		struct nl_link gone = *l;
		gone.kind = s->kind;
		vt_link_event(vt, &gone, true);
	}
	if (deleted) {
		uint8_t kind = s->kind;
		struct vni *v = s->vni;
		s->ifindex = 0;
		s->up = false;
		if (kind == NL_LINK_VXLAN && v) {
			s->vni = NULL;
			vni_remove(vt, v);
		} else if (kind == NL_LINK_BRIDGE && v) {
			vt_update(vt, v);
			s->vni = NULL;
		}
		memset(s, 0, sizeof *s);
		return;
	}
	s->ifindex = l->ifindex;
	s->seen = true;
	s->master = l->master;
	s->kind = l->kind;
	s->up = l->up;
	memcpy(s->name, l->name, sizeof s->name);
	if (l->kind == NL_LINK_VXLAN)
		vxlan_event(vt, s, l);
	else if (l->kind == NL_LINK_BRIDGE)
		bridge_event(vt, l->ifindex);
}

void vt_mark(struct vni_tab *vt)
{
	for (size_t i = 0; i < vt->nlinks; i++)
		vt->links[i].seen = false;
}

void vt_sweep(struct vni_tab *vt)
{
	for (size_t i = 0; i < vt->nlinks; i++) {
		struct nl_link l;
		if (!vt->links[i].ifindex || vt->links[i].seen)
			continue;
		memset(&l, 0, sizeof l);
		l.ifindex = vt->links[i].ifindex;
		l.kind = vt->links[i].kind;
		memcpy(l.name, vt->links[i].name, sizeof l.name);
		vt_link_event(vt, &l, true);
	}
}
