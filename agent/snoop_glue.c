/*
 * arp-snoop's agent side (snoop_glue.h). Trust comes from the bridge, not the frame: a binding counts
 * only when it arrived on a non-VXLAN port of a bridge carrying a VNI with arp-snoop, and its MAC is
 * a local MAC of that bridge learned on that very port. Remote hosts' frames come out of the VXLAN
 * port and are never learned; a VM claiming another VM's MAC is not believed either.
 */
#include <errno.h>
#include <ev.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "arp_suppress.h"
#include "glue.h"
#include "log.h"
#include "snoop.h"
#include "snoop_glue.h"

#define PEND_N 1024                 /* bindings waiting for their MAC; the oldest is overwritten */
#define PEND_TTL 10.0               /* seconds one waits: learning follows the frame at once */
#define AGE_DEFAULT 300             /* arp-snoop-age when unset */

/* A binding waiting for its MAC to be learned on its port; port 0 marks a free slot. */
struct pend {
	int32_t port;
	int32_t lkey;
	uint8_t mac[6];
	struct ipaddr ip;
	ev_tstamp at;
};

struct snoop_state {
	struct snoop *s;
	struct glue *g;
	ev_timer age_w;
	uint64_t ignored;           /* bindings from a port, MAC or VLAN that is not trusted */
	uint64_t waited;            /* bindings that had to wait for their MAC */
	size_t live;                /* occupied slots */
	size_t next;                /* the slot the next wait takes */
	struct pend pend[PEND_N];
};

static bool pend_expired(const struct snoop_state *st, const struct pend *p)
{
	return ev_now(st->g->loop) - p->at > PEND_TTL;
}

static void pend_clear(struct snoop_state *st, struct pend *p)
{
	p->port = 0;
	st->live--;
}

static void pend_add(struct snoop_state *st, int port, int lkey, const uint8_t mac[6],
		     const struct ipaddr *ip)
{
	struct pend *p = NULL;

	st->waited++;
	for (size_t i = 0; st->live && i < PEND_N; i++) {
		struct pend *q = &st->pend[i];
		if (q->port == port && q->lkey == lkey && !memcmp(q->mac, mac, 6) &&
		    !ipaddr_cmp(&q->ip, ip)) {
			p = q; /* the same binding again (an ARP storm from one VM takes one slot) */
			break;
		}
	}
	if (!p) {
		p = &st->pend[st->next];
		st->next = (st->next + 1) % PEND_N;
		if (!p->port)
			st->live++;
		p->port = port;
		p->lkey = lkey;
		memcpy(p->mac, mac, 6);
		p->ip = *ip;
	}
	p->at = ev_now(st->g->loop);
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
static uint16_t vlan_of_mac(struct glue *g, const struct vt_link *br, int port, const uint8_t mac[6])
{
	for (uint16_t vl = 1; br->vlans && vl < NL_VLAN_MAX; vl++) {
		const struct mac_ent *m;
		int lkey;
		if (!br->vlans[vl] || !(lkey = vt_lkey(&g->vt, br->ifindex, vl)))
			continue;
		m = mac_tab_get(&g->local, lkey, mac);
		if (m && m->aux == (uint32_t)port)
			return vl;
	}
	return 0;
}

static void on_bind(void *ctx, int ifindex, uint16_t vlan, const uint8_t mac[6],
		    const struct nl_addr *addr)
{
	struct glue *g = ctx;
	struct snoop_state *st = g->snoop;
	const struct vt_link *port = vt_link(&g->vt, ifindex), *br;
	const struct mac_ent *m;
	struct ipaddr ip;
	struct vni *v;
	int lkey;

	if (g->stopping)
		return;
	vt_addr_to_ip(addr, &ip);
	br = port && port->kind != NL_LINK_VXLAN ? vt_link(&g->vt, port->master) : NULL;
	if (br && br->kind == NL_LINK_BRIDGE && br->vlan_filtering && !vlan)
		vlan = vlan_of_mac(g, br, ifindex, mac); /* 0 (ignored) until the MAC is learned */
	/* a plain bridge has one broadcast domain, the untagged one: a tagged frame's IP lives in a
	 * VLAN inside the VNI that suppression cannot tell apart */
	if (!br || br->kind != NL_LINK_BRIDGE || !!br->vlan_filtering != !!vlan) {
		st->ignored++;
		debug_binding(port && port->kind == NL_LINK_VXLAN ? "ignored (VXLAN port)" :
			      "ignored (not a bridge port carrying a VNI here)", ifindex, port, vlan, mac, &ip);
		return;
	}
	lkey = vt_lkey(&g->vt, br->ifindex, vlan);
	v = lkey ? vt_by_lkey(&g->vt, lkey) : NULL;
	if (!v || !config_arp_snoop(g->cfg, v->vni)) {
		st->ignored++;
		debug_binding("ignored (no VNI with arp-snoop)", ifindex, port, vlan, mac, &ip);
		return;
	}
	m = mac_tab_get(&g->local, lkey, mac);
	if (!m || m->aux != (uint32_t)ifindex) {
		/* not learned yet, or (so far) on another port: the FDB event decides */
		debug_binding("waiting for its MAC:", ifindex, port, vlan, mac, &ip);
		pend_add(st, ifindex, lkey, mac, &ip);
		return;
	}
	debug_binding("learned", ifindex, port, vlan, mac, &ip);
	arps_snooped(g, v, &ip, mac);
}

void snoop_glue_mac_local(struct glue *g, int lkey, const uint8_t mac[6])
{
	struct snoop_state *st = g->snoop;
	const struct mac_ent *m;
	struct vni *v;

	if (!st || !st->live)
		return;
	m = mac_tab_get(&g->local, lkey, mac);
	v = vt_by_lkey(&g->vt, lkey);
	for (size_t i = 0; i < PEND_N && st->live; i++) {
		struct pend *p = &st->pend[i];
		if (!p->port || p->lkey != lkey || memcmp(p->mac, mac, 6))
			continue;
		if (pend_expired(st, p)) {
			pend_clear(st, p);
			continue;
		}
		if (!m || m->aux != (uint32_t)p->port || !v)
			continue; /* learned elsewhere: that port's own frames will tell */
		struct ipaddr ip = p->ip;
		pend_clear(st, p);
		arps_snooped(g, v, &ip, mac);
	}
}

static void on_age(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snoop_state *st = w->data;
	(void)loop;
	(void)revents;

	arps_snoop_age(st->g);
	for (size_t i = 0; i < PEND_N && st->live; i++)
		if (st->pend[i].port && pend_expired(st, &st->pend[i]))
			pend_clear(st, &st->pend[i]);
}

void snoop_glue_start(struct glue *g)
{
	struct snoop_state *st;
	double age = g->cfg->arp_snoop_age ? g->cfg->arp_snoop_age : AGE_DEFAULT;

	if (!g->loop || !config_arp_snoop_any(g->cfg))
		return;
	st = calloc(1, sizeof *st);
	if (!st) {
		log_msg(LOG_ERR, "arp-snoop: out of memory: not snooping");
		return;
	}
	st->g = g;
	st->s = snoop_open(g->loop, 0, on_bind, g);
	if (!st->s) {
		log_msg(LOG_WARNING, "arp-snoop: cannot open a packet socket: %s; not snooping",
			strerror(errno));
		free(st);
		return;
	}
	g->snoop = st;
	/* a binding lives between age/2 and age without a frame refreshing it */
	ev_timer_init(&st->age_w, on_age, age / 2, age / 2);
	st->age_w.data = st;
	ev_timer_start(g->loop, &st->age_w);
	log_msg(LOG_INFO, "arp-snoop: learning local MAC+IP bindings from ARP/NS/NA on bridge ports");
}

void snoop_glue_stop(struct glue *g)
{
	struct snoop_state *st = g->snoop;

	if (!st)
		return;
	ev_timer_stop(g->loop, &st->age_w);
	snoop_close(st->s);
	free(st);
	g->snoop = NULL;
}

struct json_object *snoop_glue_json(struct glue *g)
{
	struct snoop_state *st = g->snoop;
	struct snoop_counters c;
	struct json_object *o;

	if (!st)
		return NULL;
	snoop_counters(st->s, &c);
	o = json_object_new_object();
	json_object_object_add(o, "frames", json_object_new_int64((int64_t)c.frames));
	json_object_object_add(o, "bindings", json_object_new_int64((int64_t)c.bindings));
	json_object_object_add(o, "malformed", json_object_new_int64((int64_t)c.malformed));
	json_object_object_add(o, "kernel_drops", json_object_new_int64((int64_t)c.drops));
	json_object_object_add(o, "ignored", json_object_new_int64((int64_t)st->ignored));
	json_object_object_add(o, "waited", json_object_new_int64((int64_t)st->waited));
	json_object_object_add(o, "waiting", json_object_new_int64((int64_t)st->live));
	return o;
}
