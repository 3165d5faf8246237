/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner's MAC+IP bindings (RFC 7432 section 10, ARP/ND suppression). The kernel's bridge
 * (br_arp_nd_proxy.c) answers an ARP request or neighbour solicitation itself, and does not flood it
 * to neigh_suppress ports, when the target IP is in the bridge device's neighbour table and the MAC
 * it maps to sits behind a neigh_suppress port. So for a VNI with arp-suppress the VXLAN port gets
 * neigh_suppress and every remote MAC+IP route becomes a NUD_NOARP extern_learn neighbour on the
 * bridge (FRR 8.4's encoding). The other way, IP neighbours the bridge learns (or arp-snoop sees)
 * for MACs advertised from local ports become local MAC+IP routes, carrying their MAC's sequence.
 *
 * arp-snoop's trust comes from the bridge, not the frame: a binding counts only when it arrived on
 * a non-VXLAN port of a bridge carrying a VNI with arp-snoop, and its MAC is a local MAC of that
 * bridge learned on that very port. A binding that arrives before its MAC is learned (the frame
 * that teaches the bridge the MAC is the one snooped) waits in a small ring for a few seconds.
 *
 * Called by macs.c (never the other way): it reads the local table and the side table's sequence.
 */
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advertise.h"
#include "config.h"
#include "evpn.h"
#include "kreq.h"
#include "log.h"
#include "macs_int.h"
#include "macs_ip.h"
#include "rt_filter.h"
#include "vni.h"

/* The kernel's NUD_VALID (not in the uapi headers): states whose link-layer address is usable. */
#define NB_NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)
#define PEND_TTL 10.0               /* seconds a snooped binding waits: learning follows at once */

static bool macs_ip_suppress_on(const struct macs *m, const struct vni *v)
{
	/* a VLAN-aware bridge answers ARP from VLAN devices' neighbours: not supported yet */
	return !v->vlan && config_arp_suppress(m->env.cfg, v->vni);
}

/* ---- remote bindings: ARP/ND entries on the bridge ---- */

void macs_ip_remote(struct macs *m, struct vni *v, const struct evpn_route *r, const struct attrs *a,
		    bool remote)
{
	struct nb_ent *e;
	bool want, created;

	if (!r->ip.af || !v->attached || !v->bridge)
		return; /* attaching walks the RIB */
	want = a && remote && a->nexthop.af && ipaddr_cmp(&a->nexthop, &v->vtep) != 0 &&
	       rtf_accepts(&v->imp, a) && macs_ip_suppress_on(m, v);
	e = nb_tab_get(&m->nb_remote, v->bridge, &r->ip);
	if (!want) {
		/* another MAC's route may have taken the IP over: that entry is not this route's */
		if (!e || memcmp(e->mac, r->mac.b, 6))
			return;
		kreq_neigh(m->env.kq, NL_NEIGH_DEL, v->bridge, &r->ip, e->mac);
		nb_tab_del(&m->nb_remote, e);
		return;
	}
	if (e && !(e->flags & NB_STALE) && !memcmp(e->mac, r->mac.b, 6))
		return;
	e = nb_tab_put(&m->nb_remote, v->bridge, &r->ip, &created);
	if (!e) {
		log_msg(LOG_ERR, "out of memory for remote neighbours");
		return;
	}
	bool same = !created && !memcmp(e->mac, r->mac.b, 6);
	memcpy(e->mac, r->mac.b, 6);
	e->flags &= (uint8_t)~NB_STALE;
	if (!same)
		kreq_neigh(m->env.kq, NL_NEIGH_REPLACE, v->bridge, &r->ip, e->mac);
}

void macs_ip_vni_attach(struct macs *m, struct vni *v)
{
	if (macs_ip_suppress_on(m, v))
		kreq_port_suppress(m->env.kq, v->vxlan);
}

void macs_ip_vni_detach(struct macs *m, struct vni *v)
{
	struct nb_tab *t = &m->nb_remote;
	/* a deleted bridge took its neighbours with it; one that lost its VNI keeps them: remove */
	bool exists = vt_link(m->env.vt, v->bridge) != NULL && !m->stopping;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (!e->ifindex || e->ifindex != v->bridge) {
			i++;
			continue;
		}
		if (exists)
			kreq_neigh(m->env.kq, NL_NEIGH_DEL, e->ifindex, &e->ip, e->mac);
		nb_tab_del(t, e); /* a later entry may shift into slot i: look at it again */
	}
}

void macs_ip_converged(struct macs *m)
{
	struct nb_tab *t = &m->nb_remote;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (!e->ifindex || !(e->flags & NB_STALE)) {
			i++;
			continue;
		}
		kreq_neigh(m->env.kq, NL_NEIGH_DEL, e->ifindex, &e->ip, e->mac);
		nb_tab_del(t, e);
	}
}

/* ---- local bindings: MAC+IP routes ---- */

static void local_withdraw_ip(struct macs *m, struct vni *v, struct nb_ent *e)
{
	if (!(e->flags & NB_ADV))
		return;
	e->flags &= (uint8_t)~NB_ADV;
	adv_mac_withdraw(m->env.adv, v, e->mac, &e->ip);
}

/* Local MAC+IP routes are advertised for arp-suppress, and for arp-snoop (which exists to feed
 * the other hypervisors' suppression even where this one does not suppress). */
/* Local MAC+IP routes: with arp-suppress or arp-snoop, and always in a routed tenant's VNI (its
 * host routes are what the other hypervisors route by, as FRR advertises its SVIs' neighbours). */
static bool local_ips_on(const struct macs *m, const struct vni *v)
{
	return !v->vlan && (macs_ip_suppress_on(m, v) || config_arp_snoop(m->env.cfg, v->vni) || v->l3vni);
}

/* Advertise e when its VNI is active with arp-suppress, arp-snoop or a routed tenant, and its MAC is advertised
 * from a local port (an IP the bridge resolved to a remote VM's MAC is that VTEP's to advertise);
 * else withdraw. */
static void local_update_ip(struct macs *m, struct vni *v, struct nb_ent *e)
{
	const struct mac_ent *l = mac_tab_get(&m->local, v->lkey, e->mac);

	if (!v->active || !local_ips_on(m, v) || !l || !(l->flags & MENT_ADV)) {
		local_withdraw_ip(m, v, e);
		return;
	}
	/* RFC 7432 section 15: a MAC+IP route carries the sequence number of its MAC */
	if (adv_mac(m->env.adv, v, e->mac, &e->ip, false, macs_local_seq(m, v, e->mac)) == 0)
		e->flags |= NB_ADV;
}

/* An event for an entry evpnd installed, or an extern_learn one (evpnd's, or another agent's). */
static void remote_neigh_event(struct macs *m, struct vni *v, const struct ipaddr *ip,
			       const struct nl_neigh *n, bool deleted)
{
	struct nb_ent *e = nb_tab_get(&m->nb_remote, v->bridge, ip);
	bool created;

	if (e && !(e->flags & NB_STALE)) {
		/* deleted or changed behind evpnd's back (`ip neigh del` first reports it FAILED and
		 * without extern_learn): put it back while a route wants it */
		if ((deleted || !(n->state & NUD_NOARP) || !(n->flags & NTF_EXT_LEARNED) ||
		     !n->has_mac || memcmp(n->mac, e->mac, 6)) && v->attached)
			kreq_neigh(m->env.kq, NL_NEIGH_REPLACE, v->bridge, ip, e->mac);
		return;
	}
	if (deleted) {
		if (e)
			nb_tab_del(&m->nb_remote, e);
		return;
	}
	if (e || !(n->flags & NTF_EXT_LEARNED) || !(n->state & NUD_NOARP) || !n->has_mac || m->converged)
		return;
	/* before convergence: a previous run's entry, kept until a route claims it or convergence */
	e = nb_tab_put(&m->nb_remote, v->bridge, ip, &created);
	if (e) {
		memcpy(e->mac, n->mac, 6);
		e->flags = NB_STALE;
	}
}

void macs_neigh_event(struct macs *m, const struct nl_neigh *n, bool deleted)
{
	struct vni *v = vt_by_bridge(m->env.vt, n->ifindex);
	struct ipaddr ip;
	struct nb_ent *e;
	bool created, gone;

	if (!v || m->stopping)
		return;
	vt_addr_to_ip(&n->ip, &ip);
	if (!ip.af)
		return;
	if ((n->flags & NTF_EXT_LEARNED) || nb_tab_get(&m->nb_remote, v->bridge, &ip)) {
		remote_neigh_event(m, v, &ip, n, deleted);
		return;
	}
	gone = deleted || !n->has_mac || !(n->state & NB_NUD_VALID) || (n->mac[0] & 1);
	e = nb_tab_get(&m->nb_local, v->bridge, &ip);
	if (gone) {
		if (e) {
			local_withdraw_ip(m, v, e);
			nb_tab_del(&m->nb_local, e);
		}
		return;
	}
	if (e && memcmp(e->mac, n->mac, 6))
		local_withdraw_ip(m, v, e); /* the IP moved to another MAC: a route of another key */
	if (!e) {
		e = nb_tab_put(&m->nb_local, v->bridge, &ip, &created);
		if (!e) {
			log_msg(LOG_ERR, "out of memory for local neighbours");
			return;
		}
	}
	memcpy(e->mac, n->mac, 6);
	e->flags &= (uint8_t)~NB_SNOOP; /* the kernel's now: its deletion will be reported */
	if (!(e->flags & NB_ADV))
		local_update_ip(m, v, e);
}

/* A trusted snooped binding of v: it becomes (or refreshes) a local neighbour as if the bridge
 * had learned it, forgotten when the MAC is withdrawn or not seen again for two ageing sweeps. */
static void snooped(struct macs *m, struct vni *v, const struct ipaddr *ip, const uint8_t mac[6])
{
	struct nb_ent *e;
	bool created = false;

	if (m->stopping || !v->bridge || nb_tab_get(&m->nb_remote, v->bridge, ip))
		return; /* an IP a remote route claims is the bridge's (NOARP) entry, not a local one */
	e = nb_tab_get(&m->nb_local, v->bridge, ip);
	if (e && !memcmp(e->mac, mac, 6)) {
		e->flags |= NB_FRESH;
		if (!(e->flags & NB_ADV))
			local_update_ip(m, v, e);
		return;
	}
	if (e)
		local_withdraw_ip(m, v, e); /* the IP moved to another MAC: a route of another key */
	else {
		e = nb_tab_put(&m->nb_local, v->bridge, ip, &created);
		if (!e) {
			log_msg(LOG_ERR, "out of memory for local neighbours");
			return;
		}
	}
	memcpy(e->mac, mac, 6);
	e->flags |= NB_FRESH;
	if (created)
		e->flags |= NB_SNOOP;
	local_update_ip(m, v, e);
}

/* Withdraw and forget snooped entry e of v (no kernel event would ever remove it). */
static void snooped_forget(struct macs *m, struct vni *v, struct nb_ent *e, const char *why)
{
	char ms[MAC_STRLEN], is[IPADDR_STRLEN];

	if (log_debug_enabled())
		log_msg(LOG_DEBUG, "arp-snoop: forgetting %s at %s: %s", ipaddr_str(&e->ip, is),
			mac_str((const struct mac *)e->mac, ms), why);
	if (v)
		local_withdraw_ip(m, v, e);
	nb_tab_del(&m->nb_local, e);
}

/* The VNI of local neighbour e: its bridge's, or on a VLAN-aware bridge the one of the VLAN whose
 * local MACs hold e's MAC (NULL: none now). */
static struct vni *nb_local_vni(struct macs *m, const struct nb_ent *e)
{
	struct vni *v = vt_by_bridge(m->env.vt, e->ifindex);
	const struct vt_link *br = v ? NULL : vt_link(m->env.vt, e->ifindex);

	for (uint16_t vl = 1; br && br->vlans && vl < NL_VLAN_MAX; vl++) {
		int lkey;
		if (br->vlans[vl] && (lkey = vt_lkey(m->env.vt, br->ifindex, vl)) &&
		    mac_tab_get(&m->local, lkey, e->mac))
			return br->vlans[vl];
	}
	return v;
}

/* Every local neighbour on v's bridge (with mac, when not NULL): advertise (or withdraw) again. */
static void local_walk(struct macs *m, struct vni *v, const uint8_t *mac, bool withdraw)
{
	struct nb_tab *t = &m->nb_local;

	for (size_t i = 0; i < t->cap; i++) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex != v->bridge || (mac && memcmp(e->mac, mac, 6)))
			continue;
		if (withdraw)
			local_withdraw_ip(m, v, e);
		else
			local_update_ip(m, v, e);
	}
}

void macs_ip_vni_activate(struct macs *m, struct vni *v, bool on)
{
	if (v->bridge)
		local_walk(m, v, NULL, !on);
}

/* ---- arp-snoop: bindings waiting for their MAC ---- */

static double pend_clock(const struct macs *m)
{
	return m->env.loop ? ev_now(m->env.loop) : macs_test_now;
}

static bool pend_expired(const struct macs *m, const struct snoop_pend *p)
{
	return pend_clock(m) - p->at > PEND_TTL;
}

static void pend_clear(struct macs *m, struct snoop_pend *p)
{
	p->port = 0;
	m->pend_live--;
}

static void pend_add(struct macs *m, int port, int lkey, const uint8_t mac[6], const struct ipaddr *ip)
{
	struct snoop_pend *p = NULL;

	if (!m->pend && !(m->pend = calloc(SNOOP_PEND_N, sizeof *m->pend))) {
		log_msg(LOG_ERR, "arp-snoop: out of memory: a binding cannot wait for its MAC");
		return;
	}
	for (size_t i = 0; m->pend_live && i < SNOOP_PEND_N; i++) {
		struct snoop_pend *q = &m->pend[i];
		if (q->port == port && q->lkey == lkey && !memcmp(q->mac, mac, 6) &&
		    !ipaddr_cmp(&q->ip, ip)) {
			p = q; /* the same binding again (an ARP storm from one VM takes one slot) */
			break;
		}
	}
	if (!p) {
		p = &m->pend[m->pend_next];
		m->pend_next = (m->pend_next + 1) % SNOOP_PEND_N;
		if (!p->port)
			m->pend_live++;
		p->port = port;
		p->lkey = lkey;
		memcpy(p->mac, mac, 6);
		p->ip = *ip;
	}
	p->at = pend_clock(m);
}

/* The local MAC (lkey, mac) was advertised: bindings waiting for it go in. */
static void pend_mac_local(struct macs *m, int lkey, const uint8_t mac[6])
{
	const struct mac_ent *l;
	struct vni *v;

	if (!m->pend_live)
		return;
	l = mac_tab_get(&m->local, lkey, mac);
	v = vt_by_lkey(m->env.vt, lkey);
	for (size_t i = 0; i < SNOOP_PEND_N && m->pend_live; i++) {
		struct snoop_pend *p = &m->pend[i];
		if (!p->port || p->lkey != lkey || memcmp(p->mac, mac, 6))
			continue;
		if (pend_expired(m, p)) {
			pend_clear(m, p);
			continue;
		}
		if (!l || l->aux != (uint32_t)p->port || !v)
			continue; /* learned elsewhere: that port's own frames will tell */
		struct ipaddr ip = p->ip;
		pend_clear(m, p);
		snooped(m, v, &ip, mac);
	}
}

static void debug_binding(const char *what, int ifindex, const struct vt_link *port, uint16_t vlan,
			  const uint8_t mac[6], const struct ipaddr *ip)
{
	char ms[MAC_STRLEN], is[IPADDR_STRLEN];

	if (log_debug_enabled())
		log_msg(LOG_DEBUG, "arp-snoop: %s %s at %s on %s (ifindex %d) vlan %u", what,
			ipaddr_str(ip, is), mac_str((const struct mac *)mac, ms), port ? port->name : "?",
			ifindex, vlan);
}

/* A VLAN-aware bridge's untagged frame: its VLAN is the port's PVID, which the tap (before the
 * bridge) does not know; the VLAN whose local table has mac on this very port is the one. */
static uint16_t vlan_of_mac(struct macs *m, const struct vt_link *br, int port, const uint8_t mac[6])
{
	for (uint16_t vl = 1; br->vlans && vl < NL_VLAN_MAX; vl++) {
		const struct mac_ent *l;
		int lkey;
		if (!br->vlans[vl] || !(lkey = vt_lkey(m->env.vt, br->ifindex, vl)))
			continue;
		l = mac_tab_get(&m->local, lkey, mac);
		if (l && l->aux == (uint32_t)port)
			return vl;
	}
	return 0;
}

void macs_snooped(struct macs *m, int ifindex, uint16_t vlan, const uint8_t mac[6],
		  const struct nl_addr *addr)
{
	struct vni_tab *vt = m->env.vt;
	const struct vt_link *port = vt_link(vt, ifindex), *br;
	const struct mac_ent *l;
	struct ipaddr ip;
	struct vni *v;
	int lkey;

	if (m->stopping)
		return;
	vt_addr_to_ip(addr, &ip);
	br = port && port->kind != NL_LINK_VXLAN ? vt_link(vt, port->master) : NULL;
	if (br && br->kind == NL_LINK_BRIDGE && br->vlan_filtering && !vlan)
		vlan = vlan_of_mac(m, br, ifindex, mac); /* 0 (ignored) until the MAC is learned */
	/* a plain bridge has one broadcast domain, the untagged one: a tagged frame's IP lives in a
	 * VLAN inside the VNI that suppression cannot tell apart */
	if (!br || br->kind != NL_LINK_BRIDGE || !!br->vlan_filtering != !!vlan) {
		debug_binding(port && port->kind == NL_LINK_VXLAN ? "ignored (VXLAN port)" :
			      "ignored (not a bridge port carrying a VNI here)", ifindex, port, vlan, mac, &ip);
		return;
	}
	lkey = vt_lkey(vt, br->ifindex, vlan);
	v = lkey ? vt_by_lkey(vt, lkey) : NULL;
	if (!v || !config_arp_snoop(m->env.cfg, v->vni)) {
		debug_binding("ignored (no VNI with arp-snoop)", ifindex, port, vlan, mac, &ip);
		return;
	}
	l = mac_tab_get(&m->local, lkey, mac);
	if (!l || l->aux != (uint32_t)ifindex) {
		/* not learned yet, or (so far) on another port: the FDB event decides */
		debug_binding("waiting for its MAC:", ifindex, port, vlan, mac, &ip);
		pend_add(m, ifindex, lkey, mac, &ip);
		return;
	}
	debug_binding("learned", ifindex, port, vlan, mac, &ip);
	snooped(m, v, &ip, mac);
}

void macs_snoop_age(struct macs *m)
{
	struct nb_tab *t = &m->nb_local;

	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex && (e->flags & NB_SNOOP) && !(e->flags & NB_FRESH)) {
			snooped_forget(m, nb_local_vni(m, e), e, "not seen again");
			continue; /* a later entry may shift into slot i */
		}
		e->flags &= (uint8_t)~NB_FRESH;
		i++;
	}
	for (size_t i = 0; i < SNOOP_PEND_N && m->pend_live; i++)
		if (m->pend[i].port && pend_expired(m, &m->pend[i]))
			pend_clear(m, &m->pend[i]);
}

void macs_ip_local_mac(struct macs *m, int lkey, const uint8_t mac[6], bool advertised)
{
	struct vni *v = vt_by_lkey(m->env.vt, lkey);
	struct nb_tab *t = &m->nb_local;

	if (advertised)
		pend_mac_local(m, lkey, mac); /* bindings that arrived before their MAC */
	if (!v || !t->n)
		return;
	local_walk(m, v, mac, !advertised);
	if (advertised)
		return;
	/* the MAC left: what was snooped for it would otherwise stay until it ages out */
	for (size_t i = 0; i < t->cap;) {
		struct nb_ent *e = &t->e[i];
		if (e->ifindex == v->bridge && (e->flags & NB_SNOOP) && !memcmp(e->mac, mac, 6)) {
			snooped_forget(m, v, e, "its MAC was withdrawn");
			continue;
		}
		i++;
	}
}
