/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reload (reload.h): load the file into a new struct config, refuse what needs a restart, apply
 * the neighbor differences to the speaker, put the new configuration in place (the engine and the
 * VNI table read it through d->cfg), then the VNI differences.
 */
#include "reload.h"

#include <ev.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_admin.h"
#include "daemon.h"
#include "engine.h"
#include "reload_vni.h"
#include "log.h"

struct reload {
	struct daemon *d;
	ev_timer sweep_w;          /* old RDs' routes go RELOAD_SWEEP_DELAY after the new ones */
	struct reload_old_rd *old;
	size_t nold;
};

/* Append one reason to msg ("; " between them). */
static void add_msg(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_msg(char *msg, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(msg);
	va_list ap;

	if (n && n + 2 < cap) {
		memcpy(msg + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + n, cap - n, fmt, ap);
	va_end(ap);
}

/* A [global] key whose new value only a restart can apply. */
static void restart_key(const struct config *nc, char *msg, size_t cap, unsigned *n, const char *key)
{
	log_msg(LOG_ERR, "reload: %s: [global] %s changed: needs a restart", nc->path, key);
	add_msg(msg, cap, "[global] %s changed: needs a restart", key);
	(*n)++;
}

static bool ip_differs(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->af != b->af || (a->af && ipaddr_cmp(a, b));
}

/* The arp-suppress / arp-snoop decision of vni under either configuration. */
static bool arp_same(const struct config *o, const struct config *n, uint32_t vni)
{
	return config_arp_suppress(o, vni) == config_arp_suppress(n, vni) &&
	       config_arp_snoop(o, vni) == config_arp_snoop(n, vni);
}

/* Count (and log) the changes a running evpnd cannot take. */
static unsigned needs_restart(const struct config *o, const struct config *n, char *msg, size_t cap)
{
	struct bgp_global og = o->g, ng = n->g;
	unsigned bad = 0;

#define KEY(cond, name) do { if (cond) restart_key(n, msg, cap, &bad, name); } while (0)
	KEY(og.asn != ng.asn, "asn");
	KEY(og.router_id != ng.router_id, "router-id");
	KEY(og.cluster_id != ng.cluster_id, "cluster-id");
	KEY(ip_differs(&og.listen_addr, &ng.listen_addr) || og.listen_port != ng.listen_port, "listen");
	KEY(og.connect_retry != ng.connect_retry, "connect-retry");
	KEY(og.send_hold_time != ng.send_hold_time, "send-hold-time");
	KEY(og.graceful_restart != ng.graceful_restart, "graceful-restart");
	KEY(og.restart_time != ng.restart_time, "restart-time");
	KEY(ip_differs(&o->vtep_ip, &n->vtep_ip), "vtep-ip");
	KEY(strcmp(o->control_socket, n->control_socket) != 0, "control-socket");
	KEY(o->netlink_buffer != n->netlink_buffer, "netlink-buffer");
	KEY(o->arp_suppress != n->arp_suppress, "arp-suppress");
	KEY(o->arp_snoop_set != n->arp_snoop_set || o->arp_snoop != n->arp_snoop, "arp-snoop");
	KEY(o->arp_snoop_age != n->arp_snoop_age, "arp-snoop-age");
	KEY(o->has_user != n->has_user || strcmp(o->user, n->user) != 0, "user");
	KEY(o->has_control_group != n->has_control_group ||
	    strcmp(o->control_group, n->control_group) != 0, "control-group");
	KEY(o->log_target != n->log_target, "log");
	KEY(ip_differs(&o->metrics_addr, &n->metrics_addr) || o->metrics_port != n->metrics_port ||
	    o->metrics_allow_remote != n->metrics_allow_remote, "metrics-listen");
#undef KEY
	/* anything else of the speaker's globals (hold-time reaches the neighbors, compared there) */
	ng.hold_time = og.hold_time;
	if (!bad && memcmp(&og, &ng, sizeof og) != 0)
		restart_key(n, msg, cap, &bad, "setting of the BGP speaker");
	for (unsigned i = 0; i < o->nvni + n->nvni; i++) {
		const struct cfg_vni *v = i < o->nvni ? &o->vni[i] : &n->vni[i - o->nvni];
		const struct cfg_vni *nv = config_vni(n, v->vni);
		if (arp_same(o, n, v->vni))
			continue;
		log_msg(LOG_ERR, "reload: %s:%d: [vni %u] arp-suppress or arp-snoop changed: needs a "
			"restart", n->path, nv ? nv->line : v->line, v->vni);
		add_msg(msg, cap, "%s:%d: [vni %u] arp-suppress or arp-snoop changed: needs a restart",
			n->path, nv ? nv->line : v->line, v->vni);
		bad++;
	}
	/* an L3 VNI's VXLAN device is not an L2 VNI: which devices are which is fixed at start */
	for (unsigned i = 0; i < o->nvrf + n->nvrf; i++) {
		bool old_side = i < o->nvrf;
		const struct cfg_vrf *v = old_side ? &o->vrf[i] : &n->vrf[i - o->nvrf];
		const struct cfg_vrf *other = config_vrf(old_side ? n : o, v->name);
		if (other && (other->l3vni == v->l3vni || !old_side))
			continue;
		log_msg(LOG_ERR, "reload: %s:%d: [vrf %s] %s: needs a restart", n->path,
			old_side ? (other ? other->line : 0) : v->line, v->name,
			!other ? (old_side ? "removed" : "added") : "l3vni changed");
		add_msg(msg, cap, "%s:%d: [vrf %s] %s: needs a restart", n->path,
			old_side ? (other ? other->line : 0) : v->line, v->name,
			!other ? (old_side ? "removed" : "added") : "l3vni changed");
		bad++;
	}
	/* the tenants' state is kept per section, in file order */
	for (unsigned i = 0; !bad && i < o->nvrf && i < n->nvrf; i++) {
		if (!strcmp(o->vrf[i].name, n->vrf[i].name))
			continue;
		log_msg(LOG_ERR, "reload: %s:%d: [vrf %s] moved among the [vrf] sections: needs a restart "
			"(or keep their order)", n->path, n->vrf[i].line, n->vrf[i].name);
		add_msg(msg, cap, "%s:%d: [vrf %s] moved among the [vrf] sections: needs a restart (or "
			"keep their order)", n->path, n->vrf[i].line, n->vrf[i].name);
		bad++;
	}
	return bad;
}

static const struct cfg_neighbor *nbr_find(const struct config *c, const struct ipaddr *a)
{
	for (unsigned i = 0; i < c->nnbr; i++)
		if (!ipaddr_cmp(&c->nbr[i].n.addr, a))
			return &c->nbr[i];
	return NULL;
}

struct nbr_counts {
	unsigned added, removed, reset, changed;
};

/* Bring the speaker's neighbors from o's to n's. */
static void apply_neighbors(struct daemon *d, const struct config *o, const struct config *n,
			    struct nbr_counts *k)
{
	char a[IPADDR_STRLEN];

	for (unsigned i = 0; i < o->nnbr; i++) {
		const struct ipaddr *addr = &o->nbr[i].n.addr;
		if (nbr_find(n, addr))
			continue;
		if (bgp_neighbor_remove(d->bgp, addr) == 0)
			k->removed++;
		log_msg(LOG_NOTICE, "reload: neighbor %s removed", ipaddr_str(addr, a));
	}
	for (unsigned i = 0; i < n->nnbr; i++) {
		const struct cfg_neighbor *cn = &n->nbr[i];
		int rc;

		ipaddr_str(&cn->n.addr, a);
		if (!nbr_find(o, &cn->n.addr)) {
			if (bgp_neighbor_add(d->bgp, &cn->n) < 0)
				log_msg(LOG_ERR, "reload: %s:%d: cannot add neighbor %s (too many neighbors)",
					n->path, cn->line, a);
			else
				log_msg(LOG_NOTICE, "reload: neighbor %s added", a);
			k->added++;
			continue;
		}
		rc = bgp_neighbor_change(d->bgp, &cn->n);
		if (rc == 1) {
			k->reset++;
			log_msg(LOG_NOTICE, "reload: %s:%d: neighbor %s changed: session reset", n->path,
				cn->line, a);
		} else if (rc == 0) {
			k->changed++;
		} else if (rc < 0) {
			log_msg(LOG_ERR, "reload: %s:%d: neighbor %s: cannot apply the change", n->path,
				cn->line, a);
		}
	}
}

static void sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct reload *r = w->data;
	size_t n;
	(void)loop;
	(void)revents;

	n = r->d->engine ? reload_sweep_rds(r->d->engine, r->old, r->nold) : 0;
	log_msg(LOG_INFO, "reload: %zu route%s with a previous RD withdrawn", n, n == 1 ? "" : "s");
	free(r->old);
	r->old = NULL;
	r->nold = 0;
}

static struct reload *state(struct daemon *d)
{
	if (!d->reload) {
		d->reload = calloc(1, sizeof *d->reload);
		if (!d->reload)
			return NULL;
		d->reload->d = d;
		ev_timer_init(&d->reload->sweep_w, sweep_cb, RELOAD_SWEEP_DELAY, 0.);
		d->reload->sweep_w.data = d->reload;
	}
	return d->reload;
}

int reload_config(struct daemon *d, char *msg, size_t msglen)
{
	struct config nc, old;
	struct nbr_counts k = { 0, 0, 0, 0 };
	char err[512];
	struct reload *r = state(d);
	int nv = 0;

	msg[0] = '\0';
	log_msg(LOG_NOTICE, "reload: reading %s", d->cfg.path);
	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	if (config_load(d->cfg.path, &nc, err, sizeof err)) {
		log_msg(LOG_ERR, "reload: %s; the running configuration stays", err);
		snprintf(msg, msglen, "%s", err);
		return -1;
	}
	if (d->sock_arg)
		snprintf(nc.control_socket, sizeof nc.control_socket, "%s", d->sock_arg);
	if (needs_restart(&d->cfg, &nc, msg, msglen)) {
		log_msg(LOG_ERR, "reload: %s rejected; the running configuration stays", nc.path);
		config_free(&nc);
		return -1;
	}
	apply_neighbors(d, &d->cfg, &nc, &k);
	if (!d->log_level_arg && (d->cfg.log_level_set != nc.log_level_set ||
				  (nc.log_level_set && d->cfg.log_level != nc.log_level))) {
		log_set_level(nc.log_level_set ? nc.log_level : LOG_INFO); /* log_init's default */
		log_msg(LOG_NOTICE, "reload: log level changed");
	}
	/* in place: the engine and the VNI table hold &d->cfg */
	old = d->cfg;
	d->cfg = nc;
	config_free(&old);
	if (d->engine) {
		nv = reload_vnis(d->engine, &r->old, &r->nold);
		if (r->nold) {
			/* (again) a full delay after the newest routes, whatever an earlier reload left */
			ev_timer_stop(d->loop, &r->sweep_w);
			ev_timer_set(&r->sweep_w, RELOAD_SWEEP_DELAY, 0.);
			ev_timer_start(d->loop, &r->sweep_w);
		}
	}
	snprintf(msg, msglen, "%u neighbor%s added, %u removed, %u reset, %u changed in place; %d VNI or [vrf] "
		 "section%s with new RD or route targets", k.added, k.added == 1 ? "" : "s", k.removed, k.reset,
		 k.changed, nv < 0 ? 0 : nv, nv == 1 ? "" : "s");
	log_msg(LOG_NOTICE, "reload: %s applied: %s", d->cfg.path, msg);
	return 0;
}

void reload_free(struct daemon *d)
{
	if (!d->reload)
		return;
	ev_timer_stop(d->loop, &d->reload->sweep_w);
	free(d->reload->old);
	free(d->reload);
	d->reload = NULL;
}
