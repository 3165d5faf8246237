/*
 * ARP/ND suppression. The kernel's bridge (br_arp_nd_proxy.c) answers an ARP request or neighbour
 * solicitation itself, and does not flood it to neigh_suppress ports, when the target IP is in the
 * bridge device's neighbour table and the MAC it maps to sits behind a neigh_suppress port. So for
 * a VNI with arp-suppress, evpnd sets neigh_suppress on the VXLAN port and installs every remote
 * MAC+IP route as a NUD_NOARP extern_learn neighbour on the bridge (FRR 8.4's encoding); the MAC
 * itself comes from the route's MAC handling (remote.c). The other way, IP neighbours the bridge
 * learns for MACs on local ports become local MAC+IP routes.
 */
#include <linux/neighbour.h>
#include <stdio.h>
#include <string.h>

#include "arp_suppress.h"
#include "glue.h"
#include "log.h"
#include "mobility.h"
#include "originate.h"
#include "snoop_glue.h"

/* The kernel's NUD_VALID (not in the uapi headers): states whose link-layer address is usable. */
#define NB_NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

bool arps_on(const struct glue *g, const struct vni *v)
{
	/* a VLAN-aware bridge answers ARP from VLAN devices' neighbours: not supported yet */
	return !v->vlan && config_arp_suppress(g->cfg, v->vni);
}

static void neigh_req(struct glue *g, enum nl_op op, int bridge, const struct ipaddr *ip,
		      const uint8_t mac[6])
{
	struct nl_neigh n;

	memset(&n, 0, sizeof n);
	n.ifindex = bridge;
	n.ip.af = ip->af;
	memcpy(n.ip.a, ip->a, ipaddr_len(ip));
	memcpy(n.mac, mac, 6);
	n.has_mac = true;
	n.state = NUD_NOARP;
	n.flags = NTF_EXT_LEARNED;
	g->queued++;
	if (g->nl && nl_neigh_queue(g->nl, op, &n) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

void arps_remote_route(struct glue *g, const struct evpn_route *r, const struct attrs *a,
		       bool remote)
{
	struct vni *v = vt_by_vni(&g->vt, r->label[0]);
	struct nb_ent *e;
	bool want, created;

	if (!r->ip.af || !v || !v->attached || !v->bridge)
		return; /* attaching walks the RIB */
	want = a && remote && a->nexthop.af && ipaddr_cmp(&a->nexthop, &v->vtep) != 0 &&
	       vni_imports(v, a) && arps_on(g, v);
	e = nb_tab_get(&g->nb_remote, v->bridge, &r->ip);
	if (!want) {
		/* another MAC's route may have taken the IP over: that entry is not this route's */
		if (!e || memcmp(e->mac, r->mac.b, 6))
			return;
		neigh_req(g, NL_NEIGH_DEL, v->bridge, &r->ip, e->mac);
		nb_tab_del(&g->nb_remote, e);
		return;
	}
	if (e && !(e->flags & NB_STALE) && !memcmp(e->mac, r->mac.b, 6))
		return;
	e = nb_tab_put(&g->nb_remote, v->bridge, &r->ip, &created);
	if (!e) {
		log_msg(LOG_ERR, "out of memory for remote neighbours");
		return;
	}
	bool same = !created && !memcmp(e->mac, r->mac.b, 6);
	memcpy(e->mac, r->mac.b, 6);
	e->flags &= (uint8_t)~NB_STALE;
	if (!same)
		neigh_req(g, NL_NEIGH_REPLACE, v->bridge, &r->ip, e->mac);
}

void arps_vni_attach(struct glue *g, struct vni *v)
{
	if (!arps_on(g, v))
		return;
	g->queued++;
	if (g->nl && nl_port_suppress_queue(g->nl, v->vxlan, true) < 0)
		log_msg(LOG_ERR, "netlink request queue: out of memory");
}

void arps_vni_detach(struct glue *g, struct vni *v)
{
	struct nb_tab *t = &g->nb_remote;
	/* a deleted bridge took its neighbours with it; one that lost its VNI keeps them: remove */
	bool exists = vt_link(&g->vt, v->bridge) != NULL && !g->stopping;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (!e->ifindex || e->ifindex != v->bridge) {
			i++;
			continue;
		}
		if (exists)
			neigh_req(g, NL_NEIGH_DEL, e->ifindex, &e->ip, e->mac);
		nb_tab_del(t, e); /* a later entry may shift into slot i: look at it again */
	}
}

/* ---- local MAC+IP routes ---- */

static int build(struct glue *g, const struct vni *v, const struct nb_ent *e, struct orig_route *r)
{
	struct orig_req rq;
	char err[160];

	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_MACIP;
	rq.vni = v->vni;
	rq.nexthop = v->vtep;
	memcpy(rq.mac.b, e->mac, 6);
	rq.ip = e->ip;
	/* RFC 7432 section 15: a MAC+IP route carries the sequence number of its MAC */
	rq.seq = mob_local_seq(g, v, e->mac);
	rq.has_seq = rq.seq != 0;
	if (originate_build(g->cfg, &rq, r, err, sizeof err) < 0) {
		log_msg(LOG_WARNING, "VNI %u: %s", v->vni, err);
		return -1;
	}
	return 0;
}

static void local_withdraw_ip(struct glue *g, struct vni *v, struct nb_ent *e)
{
	struct orig_route r;

	if (!(e->flags & NB_ADV))
		return;
	e->flags &= (uint8_t)~NB_ADV;
	if (g->bgp && build(g, v, e, &r) == 0)
		bgp_local_del(g->bgp, FAM_EVPN, r.nlri, r.len);
}

/* Local MAC+IP routes are advertised for arp-suppress, and for arp-snoop (which exists to feed
 * the other hypervisors' suppression even where this one does not suppress). */
static bool local_ips_on(const struct glue *g, const struct vni *v)
{
	return !v->vlan && (arps_on(g, v) || config_arp_snoop(g->cfg, v->vni));
}

/* Advertise e when its VNI is active with arp-suppress (or arp-snoop) and its MAC is advertised from a local port
 * (an IP the bridge resolved to a remote VM's MAC is that VTEP's to advertise); else withdraw. */
static void local_update_ip(struct glue *g, struct vni *v, struct nb_ent *e)
{
	const struct mac_ent *m = mac_tab_get(&g->local, v->lkey, e->mac);
	struct orig_route r;

	if (!v->active || !local_ips_on(g, v) || !m || !(m->flags & MENT_ADV)) {
		local_withdraw_ip(g, v, e);
		return;
	}
	if (!g->bgp || build(g, v, e, &r) < 0)
		return;
	if (bgp_local_add(g->bgp, FAM_EVPN, r.nlri, r.len, &r.a) < 0) {
		char ms[MAC_STRLEN], is[IPADDR_STRLEN];
		log_msg(LOG_WARNING, "VNI %u: cannot advertise %s %s", v->vni,
			mac_str((const struct mac *)e->mac, ms), ipaddr_str(&e->ip, is));
		return;
	}
	e->flags |= NB_ADV;
}

/* An event for an entry evpnd installed, or an extern_learn one (evpnd's, or another agent's). */
static void remote_neigh_event(struct glue *g, struct vni *v, const struct ipaddr *ip,
			       const struct nl_neigh *n, bool deleted)
{
	struct nb_ent *e = nb_tab_get(&g->nb_remote, v->bridge, ip);
	bool created;

	if (e && !(e->flags & NB_STALE)) {
		/* deleted or changed behind evpnd's back (`ip neigh del` first reports it FAILED and
		 * without extern_learn): put it back while a route wants it */
		if ((deleted || !(n->state & NUD_NOARP) || !(n->flags & NTF_EXT_LEARNED) ||
		     !n->has_mac || memcmp(n->mac, e->mac, 6)) && v->attached)
			neigh_req(g, NL_NEIGH_REPLACE, v->bridge, ip, e->mac);
		return;
	}
	if (deleted) {
		if (e)
			nb_tab_del(&g->nb_remote, e);
		return;
	}
	if (e || !(n->flags & NTF_EXT_LEARNED) || !(n->state & NUD_NOARP) || !n->has_mac ||
	    g->converged)
		return;
	/* before convergence: a previous run's entry, kept until a route claims it or convergence */
	e = nb_tab_put(&g->nb_remote, v->bridge, ip, &created);
	if (e) {
		memcpy(e->mac, n->mac, 6);
		e->flags = NB_STALE;
	}
}

void arps_neigh_event(struct glue *g, const struct nl_neigh *n, bool deleted)
{
	struct vni *v = vt_by_bridge(&g->vt, n->ifindex);
	struct ipaddr ip;
	struct nb_ent *e;
	bool created, gone;

	if (!v || g->stopping)
		return;
	vt_addr_to_ip(&n->ip, &ip);
	if (!ip.af)
		return;
	if ((n->flags & NTF_EXT_LEARNED) || nb_tab_get(&g->nb_remote, v->bridge, &ip)) {
		remote_neigh_event(g, v, &ip, n, deleted);
		return;
	}
	gone = deleted || !n->has_mac || !(n->state & NB_NUD_VALID) || (n->mac[0] & 1);
	e = nb_tab_get(&g->nb_local, v->bridge, &ip);
	if (gone) {
		if (e) {
			local_withdraw_ip(g, v, e);
			nb_tab_del(&g->nb_local, e);
		}
		return;
	}
	if (e && memcmp(e->mac, n->mac, 6))
		local_withdraw_ip(g, v, e); /* the IP moved to another MAC: a route of another key */
	if (!e) {
		e = nb_tab_put(&g->nb_local, v->bridge, &ip, &created);
		if (!e) {
			log_msg(LOG_ERR, "out of memory for local neighbours");
			return;
		}
	}
	memcpy(e->mac, n->mac, 6);
	e->flags &= (uint8_t)~NB_SNOOP; /* the kernel's now: its deletion will be reported */
	if (!(e->flags & NB_ADV))
		local_update_ip(g, v, e);
}

void arps_snooped(struct glue *g, struct vni *v, const struct ipaddr *ip, const uint8_t mac[6])
{
	struct nb_ent *e;
	bool created = false;

	if (g->stopping || !v->bridge || nb_tab_get(&g->nb_remote, v->bridge, ip))
		return; /* an IP a remote route claims is the bridge's (NOARP) entry, not a local one */
	e = nb_tab_get(&g->nb_local, v->bridge, ip);
	if (e && !memcmp(e->mac, mac, 6)) {
		e->flags |= NB_FRESH;
		if (!(e->flags & NB_ADV))
			local_update_ip(g, v, e);
		return;
	}
	if (e)
		local_withdraw_ip(g, v, e); /* the IP moved to another MAC: a route of another key */
	else {
		e = nb_tab_put(&g->nb_local, v->bridge, ip, &created);
		if (!e) {
			log_msg(LOG_ERR, "out of memory for local neighbours");
			return;
		}
	}
	memcpy(e->mac, mac, 6);
	e->flags |= NB_FRESH;
	if (created)
		e->flags |= NB_SNOOP;
	local_update_ip(g, v, e);
}

/* Withdraw and forget snooped entry e of v (no kernel event would ever remove it). */
static void snooped_forget(struct glue *g, struct vni *v, struct nb_ent *e, const char *why)
{
	char ms[MAC_STRLEN], is[IPADDR_STRLEN];

	if (log_debug_enabled())
		log_msg(LOG_DEBUG, "arp-snoop: forgetting %s at %s: %s", ipaddr_str(&e->ip, is),
			mac_str((const struct mac *)e->mac, ms), why);
	if (v)
		local_withdraw_ip(g, v, e);
	nb_tab_del(&g->nb_local, e);
}

/* The VNI of local neighbour e: its bridge's, or on a VLAN-aware bridge the one of the VLAN whose
 * local MACs hold e's MAC (NULL: none now). */
static struct vni *nb_local_vni(struct glue *g, const struct nb_ent *e)
{
	struct vni *v = vt_by_bridge(&g->vt, e->ifindex);
	const struct vt_link *br = v ? NULL : vt_link(&g->vt, e->ifindex);

	for (uint16_t vl = 1; br && br->vlans && vl < NL_VLAN_MAX; vl++) {
		int lkey;
		if (br->vlans[vl] && (lkey = vt_lkey(&g->vt, br->ifindex, vl)) &&
		    mac_tab_get(&g->local, lkey, e->mac))
			return br->vlans[vl];
	}
	return v;
}

void arps_snoop_age(struct glue *g)
{
	struct nb_tab *t = &g->nb_local;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex && (e->flags & NB_SNOOP) && !(e->flags & NB_FRESH)) {
			snooped_forget(g, nb_local_vni(g, e), e, "not seen again");
			continue; /* a later entry may shift into slot i */
		}
		e->flags &= (uint8_t)~NB_FRESH;
		i++;
	}
}

/* Every local neighbour on bridge (with mac, when not NULL): advertise (or withdraw) again. */
static void local_walk(struct glue *g, struct vni *v, const uint8_t *mac, bool withdraw)
{
	struct nb_tab *t = &g->nb_local;

	for (size_t i = 0; i < t->cap; i++) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex != v->bridge || (mac && memcmp(e->mac, mac, 6)))
			continue;
		if (withdraw)
			local_withdraw_ip(g, v, e);
		else
			local_update_ip(g, v, e);
	}
}

void arps_vni_activate(struct glue *g, struct vni *v)
{
	if (v->bridge)
		local_walk(g, v, NULL, false);
}

void arps_vni_deactivate(struct glue *g, struct vni *v)
{
	if (v->bridge)
		local_walk(g, v, NULL, true);
}

void arps_local_mac(struct glue *g, int lkey, const uint8_t mac[6], bool advertised)
{
	struct vni *v = vt_by_lkey(&g->vt, lkey);
	struct nb_tab *t = &g->nb_local;

	if (advertised)
		snoop_glue_mac_local(g, lkey, mac); /* bindings that arrived before their MAC */
	if (!v || !t->n)
		return;
	local_walk(g, v, mac, !advertised);
	if (advertised)
		return;
	/* the MAC left: what was snooped for it would otherwise stay until it ages out */
	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex == v->bridge && (e->flags & NB_SNOOP) && !memcmp(e->mac, mac, 6)) {
			snooped_forget(g, v, e, "its MAC was withdrawn");
			continue;
		}
		i++;
	}
}

void arps_converged(struct glue *g)
{
	struct nb_tab *t = &g->nb_remote;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (!e->ifindex || !(e->flags & NB_STALE)) {
			i++;
			continue;
		}
		neigh_req(g, NL_NEIGH_DEL, e->ifindex, &e->ip, e->mac);
		nb_tab_del(t, e);
	}
}

void arps_free(struct glue *g)
{
	nb_tab_free(&g->nb_remote);
	nb_tab_free(&g->nb_local);
}

static void mac_only_cb(void *ctx, const struct rib_route *rr)
{
	bool *found = ctx;
	if (rr->best && rr->src && rr->src->kind != SRC_LOCAL)
		*found = true;
}

bool arps_mac_route_present(struct glue *g, const struct evpn_route *r)
{
	struct evpn_route m = *r;
	uint8_t buf[ORIG_EVPN_NLRI_MAX];
	struct wbuf w;
	bool found = false;

	if (!g->bgp)
		return false;
	m.ip.af = 0;
	wbuf_init(&w, buf, sizeof buf);
	if (evpn_encode(&m, &w) < 0 || w.err)
		return false;
	rib_lookup(bgp_rib(g->bgp), FAM_EVPN, buf, w.len, mac_only_cb, &found);
	return found;
}
