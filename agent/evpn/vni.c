/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VNI table (vni.h). A VNI's state is recomputed from its links after every event that touches
 * them, and each transition is reported once: ATTACH/DETACH gate remote installs, ACTIVATE/
 * DEACTIVATE gate advertisement (a VTEP address change is a DEACTIVATE then an ACTIVATE).
 */
#include "vni.h"

#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "originate.h"
#include "vrf_view.h"
#include "rt_filter.h"


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
	for (size_t i = 0; i < vt->nlinks; i++)
		free(vt->links[i].vlans);
	free(vt->hash);
	free(vt->links);
	free(vt->doms);
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

size_t vt_bridge_ports(const struct vni_tab *vt, int *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 1; i < vt->nlinks; i++) {
		const struct vt_link *l = &vt->links[i], *br;
		if (!l->ifindex || l->kind == NL_LINK_VXLAN || l->kind == NL_LINK_BRIDGE)
			continue;
		br = vt_link(vt, l->master);
		if (!br || br->kind != NL_LINK_BRIDGE)
			continue;
		if (n < max)
			out[n] = l->ifindex;
		n++;
	}
	return n;
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

struct vni *vt_by_okey(const struct vni_tab *vt, int okey)
{
	if (okey > 0)
		return vt_by_vxlan(vt, okey);
	struct vni *v = okey < 0 ? vt_by_vni(vt, (uint32_t)-(int64_t)okey) : NULL;
	return v && v->vlan ? v : NULL;
}

struct vni *vt_by_lkey(const struct vni_tab *vt, int lkey)
{
	if (lkey >= 0)
		return vt_by_bridge(vt, lkey);
	uint32_t k = (uint32_t)-(int64_t)lkey, d = k / NL_VLAN_MAX;
	if (d == 0 || d > vt->ndoms || !vt->doms[d])
		return NULL;
	const struct vt_link *b = vt_link(vt, vt->doms[d]);
	return b && b->vlans ? b->vlans[k % NL_VLAN_MAX] : NULL;
}

struct vni *vt_by_fdb(const struct vni_tab *vt, const struct nl_fdb *f)
{
	const struct vt_link *l = vt_link(vt, f->ifindex);

	if (!l || l->kind != NL_LINK_VXLAN)
		return NULL;
	if (!l->external)
		return l->vni;
	if (f->flags & NTF_SELF) {
		struct vni *v = f->src_vni ? vt_by_vni(vt, f->src_vni) : NULL;
		return v && v->vlan && v->vxlan == f->ifindex ? v : NULL;
	}
	return l->vlans && f->vlan < NL_VLAN_MAX ? l->vlans[f->vlan] : NULL;
}

/* A VLAN-aware bridge's (bridge, VLAN) domain as a local-table key; 0 when out of memory. */
static int dom_key(struct vni_tab *vt, struct vt_link *b, uint16_t vlan)
{
	if (!vlan || vlan >= NL_VLAN_MAX)
		return 0;
	if (!b->dom) {
		if (vt->ndoms + 1 >= vt->domcap) {
			uint32_t ncap = vt->domcap ? vt->domcap * 2 : 8;
			int *nd = ncap < (1u << 19) ? realloc(vt->doms, ncap * sizeof *nd) : NULL;
			if (!nd)
				return 0;
			vt->doms = nd;
			vt->domcap = ncap;
		}
		b->dom = ++vt->ndoms; /* numbers are never reused: a stale key finds no bridge */
		vt->doms[b->dom] = b->ifindex;
	}
	return -(int)(b->dom * NL_VLAN_MAX + vlan);
}

int vt_lkey(struct vni_tab *vt, int bridge, uint16_t vlan)
{
	struct vt_link *b = bridge > 0 && (size_t)bridge < vt->nlinks ? &vt->links[bridge] : NULL;

	if (!b || !b->ifindex || b->kind != NL_LINK_BRIDGE)
		return 0;
	return b->vlan_filtering ? dom_key(vt, b, vlan) : bridge;
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

/* The VNI that bridge br carries for v's VLAN (model bridge per VNI: the VNI it carries). */
static struct vni *br_holder(const struct vt_link *br, const struct vni *v)
{
	if (!v->vlan)
		return br->vni;
	return br->vlans ? br->vlans[v->vlan] : NULL;
}

/* Why bridge br cannot take v, or NULL when it can. */
static const char *br_refusal(const struct vt_link *br, const struct vni *v, char *buf, size_t cap)
{
	const struct vni *h = br_holder(br, v);

	if (v->vlan && !br->vlan_filtering)
		snprintf(buf, cap, "bridge %s is not VLAN-aware (vlan_filtering 0) but %s maps VLAN %u: "
			 "VNI %u is ignored", br->name, v->name, v->vlan, v->vni);
	else if (!v->vlan && br->vlan_filtering && br->vlans)
		snprintf(buf, cap, "bridge %s maps VLANs to VNIs through an external VXLAN device; %s "
			 "(VNI %u) beside it is ignored", br->name, v->name, v->vni);
	else if (h && h != v && v->vlan)
		snprintf(buf, cap, "bridge %s already maps VLAN %u to VNI %u; VNI %u of %s is ignored",
			 br->name, v->vlan, h->vni, v->vni, v->name);
	else if (h && h != v)
		snprintf(buf, cap, "VNI %u: bridge %s already carries VNI %u (one VXLAN device per "
			 "bridge); %s is ignored", v->vni, br->name, h->vni, v->name);
	else
		return NULL;
	return buf;
}

/* Forget v wherever a bridge holds it. */
static void br_release(struct vni_tab *vt, const struct vni *v)
{
	for (size_t i = 0; i < vt->nlinks; i++) {
		struct vt_link *b = &vt->links[i];
		if (b->kind != NL_LINK_BRIDGE)
			continue;
		if (b->vni == v)
			b->vni = NULL;
		if (v->vlan && b->vlans && b->vlans[v->vlan] == v)
			b->vlans[v->vlan] = NULL;
	}
}

/* Make bridge br hold v; false when out of memory. */
static bool br_hold(struct vt_link *br, struct vni *v)
{
	if (!v->vlan) {
		br->vni = v;
		return true;
	}
	if (!br->vlans && !(br->vlans = calloc(NL_VLAN_MAX, sizeof *br->vlans)))
		return false;
	br->vlans[v->vlan] = v;
	return true;
}

/* Recompute v's state from its links and report the transitions. */
static void vt_update(struct vni_tab *vt, struct vni *v)
{
	struct vt_link *br = v->bridge ? link_slot(vt, v->bridge) : NULL;
	bool is_br = br && br->ifindex && br->kind == NL_LINK_BRIDGE;
	char why[192];
	const char *refused = is_br ? br_refusal(br, v, why, sizeof why) : NULL;
	bool br_ok = is_br && !refused;
	struct ipaddr vtep;
	char a[IPADDR_STRLEN];

	if (refused && !v->warned_bridge) {
		log_msg(LOG_WARNING, "%s", refused);
		v->warned_bridge = true;
	}
	if (v->local.af)
		vt_addr_to_ip(&v->local, &vtep);
	else
		vtep = vt->cfg->vtep_ip;
	bool attached = br_ok;
	bool active = attached && v->up && br->up && vtep.af && v->nrt;
	bool vtep_changed = ipaddr_cmp(&vtep, &v->vtep) != 0;
	bool moved = v->attached && attached && br_holder(br, v) != v; /* straight into another bridge */

	if (v->active && (!active || vtep_changed || moved)) {
		vt->event(vt->ctx, v, VT_DEACTIVATE);
		v->active = false;
	}
	v->vtep = vtep;
	if (v->attached && (!attached || moved)) {
		vt->event(vt->ctx, v, VT_DETACH);
		v->attached = false;
		br_release(vt, v); /* the old bridge, whichever it was */
	}
	v->lkey = !v->vlan ? v->bridge : attached ? dom_key(vt, br, v->vlan) : 0;
	if (!v->attached && attached && v->lkey && br_hold(br, v)) {
		v->attached = true;
		vt->event(vt->ctx, v, VT_ATTACH);
	}
	if (!v->active && active) {
		v->active = true;
		if (v->vlan)
			log_msg(LOG_INFO, "VNI %u up: VLAN %u of bridge %s through %s, VTEP %s", v->vni,
				v->vlan, br->name, v->name, ipaddr_str(&v->vtep, a));
		else
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

/* RD and export RTs as its local routes carry them ([vni N] or auto). */
static void vni_rd_rt(struct vni_tab *vt, struct vni *v)
{
	char err[160];

	v->nrt = 0;
	if (originate_rd(vt->cfg, v->vni, &v->rd, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u (%s): %s; not advertised", v->vni, v->name, err);
		return;
	}
	v->nrt = (uint8_t)rtf_export_set(vt->cfg, v->vni, v->rt);
}

bool vni_imports(const struct vni *v, const struct attrs *a)
{
	return rtf_accepts(&v->imp, a);
}

static struct vni *vni_create(struct vni_tab *vt, const struct nl_link *l, uint32_t vni, uint16_t vlan)
{
	struct vni *v = calloc(1, sizeof *v);
	if (!v) {
		log_msg(LOG_ERR, "VNI %u: out of memory", vni);
		return NULL;
	}
	v->vni = vni;
	v->vlan = vlan;
	v->vxlan = l->ifindex;
	v->okey = vlan ? -(int)vni : l->ifindex;
	memcpy(v->name, l->name, sizeof v->name);
	vni_rd_rt(vt, v);
	rtf_import_set(vt->cfg, v->vni, &v->imp);
	size_t b = vni_bucket(v->vni);
	v->hnext = vt->hash[b];
	vt->hash[b] = v;
	vt->count++;
	return v;
}

/* Take the device's state into v and decide again. */
static void vni_refresh(struct vni_tab *vt, struct vni *v, const struct nl_link *l)
{
	memcpy(v->name, l->name, sizeof v->name);
	v->local = l->local;
	v->dstport = l->dstport;
	v->up = l->up;
	v->bridge = l->master;
	if (l->learning && !v->warned_learning) {
		log_msg(LOG_WARNING, "VXLAN device %s (VNI %u) has learning on: remote MACs are "
			"learned from the data path too (create it with nolearning)", l->name, v->vni);
		v->warned_learning = true;
	}
	if (!l->local.af && !vt->cfg->vtep_ip.af && !v->warned_nolocal) {
		log_msg(LOG_WARNING, "VXLAN device %s (VNI %u) has no local address and [global] "
			"vtep-ip is not set: the VNI is not advertised", l->name, v->vni);
		v->warned_nolocal = true;
	}
	vt_update(vt, v);
}

/* Every VNI of an external device's map goes (the device went, or left collect-metadata). */
static void vlans_drop(struct vni_tab *vt, struct vt_link *s)
{
	for (size_t i = 0; s->vlans && i < NL_VLAN_MAX; i++) {
		struct vni *v = s->vlans[i];
		if (v) {
			s->vlans[i] = NULL;
			vni_remove(vt, v);
		}
	}
	free(s->vlans);
	s->vlans = NULL;
}

static void vxlan_event(struct vni_tab *vt, struct vt_link *s, const struct nl_link *l)
{
	struct vni *v = s->vni;

	if (v && (v->vni != l->vni || l->external)) {
		vni_remove(vt, v);
		v = s->vni = NULL;
	}
	if (s->external && !l->external)
		vlans_drop(vt, s);
	s->external = l->external;
	if (l->external) {
		/* one device, many VNIs: they come from its bridge port's VLAN tunnel map */
		s->attrs = *l;
		for (size_t i = 0; s->vlans && i < NL_VLAN_MAX; i++)
			if (s->vlans[i])
				vni_refresh(vt, s->vlans[i], l);
		return;
	}
	if (l->vni == 0)
		return;
	if (config_vrf_by_l3vni(vt->cfg, l->vni)) {
		/* a tenant's L3 VNI: routed traffic only (no type-3 route, no flood entry, no MAC
		 * routes of its bridge); the routed tenant is discovered from it (vrf_view.h) */
		if (v) {
			vni_remove(vt, v);
			s->vni = NULL;
		}
		if (s->l3vni != l->vni)
			log_msg(LOG_INFO, "VXLAN device %s: VNI %u is [vrf %s]'s L3 VNI", l->name, l->vni,
				config_vrf_by_l3vni(vt->cfg, l->vni)->name);
		s->l3vni = l->vni;
		return;
	}
	s->l3vni = 0;
	if (!v) {
		struct vni *other = vt_by_vni(vt, l->vni);
		if (other) {
			log_msg(LOG_WARNING, "VXLAN device %s: VNI %u is already on %s; ignored", l->name,
				l->vni, other->name);
			return;
		}
		v = s->vni = vni_create(vt, l, l->vni, 0);
		if (!v)
			return;
	}
	vni_refresh(vt, v, l);
}

static void tenants_update(struct vni_tab *vt);

void vt_vlan_map(struct vni_tab *vt, int ifindex, const struct nl_vlan_tunnel *m, size_t n)
{
	struct vt_link *s = ifindex > 0 && (size_t)ifindex < vt->nlinks ? &vt->links[ifindex] : NULL;
	uint32_t want[NL_VLAN_MAX];

	if (!s || !s->ifindex || s->kind != NL_LINK_VXLAN || !s->external) {
		if (s && s->ifindex && s->kind == NL_LINK_VXLAN && n && !s->warned) {
			log_msg(LOG_WARNING, "VXLAN device %s has VLAN tunnel mappings but is not external "
				"(collect-metadata): they are ignored", s->name);
			s->warned = true;
		}
		return;
	}
	memset(want, 0, sizeof want);
	for (size_t i = 0; i < n; i++)
		if (m[i].vlan < NL_VLAN_MAX && !config_vrf_by_l3vni(vt->cfg, m[i].vni))
			want[m[i].vlan] = m[i].vni; /* an L3 VNI's VLAN carries no L2 segment */
	if (!s->vlans) {
		if (!n)
			return;
		if (!(s->vlans = calloc(NL_VLAN_MAX, sizeof *s->vlans))) {
			log_msg(LOG_ERR, "%s: out of memory for its VLAN map", s->name);
			return;
		}
	}
	for (uint16_t vl = 1; vl < NL_VLAN_MAX; vl++) {
		struct vni *v = s->vlans[vl];
		if (v && v->vni != want[vl]) {
			s->vlans[vl] = NULL;
			vni_remove(vt, v);
		}
	}
	for (uint16_t vl = 1; vl < NL_VLAN_MAX; vl++) {
		if (!want[vl] || s->vlans[vl])
			continue;
		struct vni *other = vt_by_vni(vt, want[vl]);
		if (other) {
			log_msg(LOG_WARNING, "%s: VLAN %u maps to VNI %u, which is already on %s%s; ignored",
				s->name, vl, want[vl], other->name, other->vlan ? " (another VLAN)" : "");
			continue;
		}
		struct vni *v = vni_create(vt, &s->attrs, want[vl], vl);
		if (!v)
			continue;
		s->vlans[vl] = v;
		vni_refresh(vt, v, &s->attrs);
	}
	if (vt->cfg->nvrf)
		tenants_update(vt);
}

/* A bridge changed, appeared or went: its VNIs, or those waiting for it, may change state. */
static void bridge_event(struct vni_tab *vt, int ifindex)
{
	struct vt_link *s = link_slot(vt, ifindex);
	if (!s)
		return;
	if (s->vni && !s->vlans) {
		vt_update(vt, s->vni);
		return;
	}
	for (size_t b = 0; b < VT_HASH; b++)
		for (struct vni *v = vt->hash[b], *n; v; v = n) {
			n = v->hnext;
			if (v->bridge == ifindex && (v->vlan || !v->attached || v == s->vni))
				vt_update(vt, v);
		}
}

/* Which VNIs belong to a routed tenant that is up (vrf_view.h), after a link change (links change
 * rarely, and tenants are few): a change is reported (VT_TENANT) for the active ones. */
static void tenants_update(struct vni_tab *vt)
{
	struct vrf_view w[16];
	unsigned nw = 0;

	for (unsigned i = 0; i < vt->cfg->nvrf && nw < sizeof w / sizeof w[0]; i++) {
		vrf_view(vt, &vt->cfg->vrf[i], &w[nw]);
		if (w[nw].up)
			nw++;
	}
	for (size_t b = 0; b < VT_HASH; b++)
		for (struct vni *v = vt->hash[b]; v; v = v->hnext) {
			const struct vt_link *br = vt_link(vt, v->bridge);
			const struct vrf_view *t = NULL;
			for (unsigned i = 0; br && br->master && i < nw; i++)
				if (w[i].vrf == br->master)
					t = &w[i];
			uint32_t l3 = t ? t->c->l3vni : 0;
			static const uint8_t none[6];
			const uint8_t *rmac = t ? t->router_mac : none;
			if (l3 == v->l3vni && !memcmp(rmac, v->rmac, 6))
				continue;
			v->l3vni = l3;
			memcpy(v->rmac, rmac, 6);
			if (l3)
				log_msg(LOG_INFO, "VNI %u: in routed tenant %s (L3 VNI %u)", v->vni, t->c->name, l3);
			if (v->active)
				vt->event(vt->ctx, v, VT_TENANT);
		}
}

static void link_event(struct vni_tab *vt, const struct nl_link *l, bool deleted);

void vt_link_event(struct vni_tab *vt, const struct nl_link *l, bool deleted)
{
	link_event(vt, l, deleted);
	if (vt->cfg->nvrf)
		tenants_update(vt);
}

static void link_event(struct vni_tab *vt, const struct nl_link *l, bool deleted)
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
		link_event(vt, &gone, true);
	}
	if (deleted) {
		uint8_t kind = s->kind;
		struct vni *v = s->vni;
		s->ifindex = 0;
		s->up = false;
		if (kind == NL_LINK_VXLAN && v) {
			s->vni = NULL;
			vni_remove(vt, v);
		} else if (kind == NL_LINK_BRIDGE) {
			bridge_event(vt, l->ifindex); /* its VNIs detach */
			s->vni = NULL;
			if (s->dom)
				vt->doms[s->dom] = 0;
			free(s->vlans); /* the VNIs are the VXLAN device's */
			s->vlans = NULL;
		}
		if (kind == NL_LINK_VXLAN)
			vlans_drop(vt, s);
		memset(s, 0, sizeof *s);
		return;
	}
	s->ifindex = l->ifindex;
	s->seen = true;
	s->master = l->master;
	s->kind = l->kind;
	s->up = l->up;
	s->vlan_filtering = l->vlan_filtering;
	s->vrf_table = l->vrf_table;
	s->local = l->local;
	memcpy(s->mac, l->mac, sizeof s->mac);
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
