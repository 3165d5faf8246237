/* SPDX-License-Identifier: Apache-2.0 */
/* A routed tenant's connected prefixes out (tenant_prefixes.h). */
#include "tenant_prefixes.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "advertise.h"
#include "config.h"
#include "log.h"
#include "originate.h"
#include "rt_filter.h"
#include "vni.h"
#include "vrf_view.h"

static size_t alen(uint8_t af)
{
	return af == AF_INET ? 4 : 16;
}

bool tp_connected(const struct nl_ifaddr *a, struct ipaddr *prefix, uint8_t *plen)
{
	size_t n = alen(a->addr.af), bits = n * 8;

	if ((a->addr.af != AF_INET && a->addr.af != AF_INET6) || a->plen == 0 || a->plen >= bits)
		return false;
	if (a->scope == RT_SCOPE_LINK || a->scope == RT_SCOPE_HOST ||
	    (a->addr.af == AF_INET6 && a->addr.a[0] == 0xfe && (a->addr.a[1] & 0xc0) == 0x80))
		return false;
	memset(prefix, 0, sizeof *prefix);
	prefix->af = a->addr.af;
	memcpy(prefix->a, a->addr.a, n);
	for (size_t b = a->plen; b < bits; b++)
		prefix->a[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	*plen = a->plen;
	return true;
}

void tp_init(struct tenant_prefixes *t, const struct config *cfg, const struct vni_tab *vt,
	     const struct adv *adv)
{
	memset(t, 0, sizeof *t);
	t->cfg = cfg;
	t->vt = vt;
	t->adv = adv;
}

void tp_free(struct tenant_prefixes *t)
{
	free(t->addr);
	free(t->out);
	t->addr = NULL;
	t->out = NULL;
	t->naddr = t->nout = 0;
}

static bool same_addr(const struct tp_addr *x, const struct nl_ifaddr *a)
{
	return x->ifindex == a->ifindex && x->addr.af == a->addr.af && x->plen == a->plen &&
	       !memcmp(x->addr.a, a->addr.a, alen(a->addr.af));
}

void tp_addrs_reset(struct tenant_prefixes *t)
{
	t->naddr = 0;
}

void tp_addr_event(struct tenant_prefixes *t, const struct nl_ifaddr *a, bool deleted, bool quiet)
{
	size_t i;

	if (!t->cfg->nvrf)
		return;
	for (i = 0; i < t->naddr && !same_addr(&t->addr[i], a); i++)
		;
	if (deleted) {
		if (i == t->naddr)
			return;
		t->addr[i] = t->addr[--t->naddr];
	} else {
		if (i < t->naddr)
			return; /* a refresh (flags, lifetimes) */
		if (t->naddr == t->addrcap) {
			size_t cap = t->addrcap ? t->addrcap * 2 : 16;
			struct tp_addr *p = realloc(t->addr, cap * sizeof *p);
			if (!p) {
				log_msg(LOG_ERR, "out of memory for the tenants' addresses");
				return;
			}
			t->addr = p;
			t->addrcap = cap;
		}
		t->addr[t->naddr].ifindex = a->ifindex;
		t->addr[t->naddr].addr = a->addr;
		t->addr[t->naddr].plen = a->plen;
		t->naddr++;
	}
	if (!quiet)
		tp_update(t);
}

static struct tp_adv *out_find(struct tenant_prefixes *t, unsigned vrf, const struct ipaddr *p,
			       uint8_t plen)
{
	for (size_t i = 0; i < t->nout; i++)
		if (t->out[i].vrf == vrf && t->out[i].plen == plen && !ipaddr_cmp(&t->out[i].prefix, p))
			return &t->out[i];
	return NULL;
}

/* What tenant i wants advertised now, marked keep in t->out (added or re-advertised as needed). */
static void want(struct tenant_prefixes *t, unsigned i)
{
	const struct cfg_vrf *c = &t->cfg->vrf[i];
	const struct vt_link *vx;
	struct vrf_view w;
	struct ipaddr nh;

	if (!c->advertise_connected)
		return;
	vrf_view(t->vt, c, &w);
	if (!w.up)
		return;
	struct rd rd;
	uint64_t rt[CFG_MAX_RT];
	unsigned nrt;
	char err[160];
	if (originate_rd(t->cfg, c->l3vni, &rd, err, sizeof err) < 0)
		return; /* config_load checked it: cannot happen */
	nrt = rtf_export_set(t->cfg, c->l3vni, rt);
	memset(&nh, 0, sizeof nh);
	vx = vt_link(t->vt, w.vxlan);
	if (vx && vx->local.af)
		vt_addr_to_ip(&vx->local, &nh);
	for (size_t k = 0; k < t->naddr; k++) {
		const struct vt_link *l = vt_link(t->vt, t->addr[k].ifindex);
		struct nl_ifaddr a = { t->addr[k].ifindex, t->addr[k].addr, t->addr[k].plen, 0 };
		struct ipaddr p;
		uint8_t plen;
		struct tp_adv *o;

		if (!l || (l->ifindex != w.vrf && l->master != w.vrf) || !tp_connected(&a, &p, &plen))
			continue;
		o = out_find(t, i, &p, plen);
		if (o && o->keep)
			continue; /* two addresses in one prefix */
		if (o && !ipaddr_cmp(&o->nh, &nh) && !memcmp(o->rmac, w.router_mac, 6) &&
		    !memcmp(&o->rd, &rd, sizeof rd) && o->nrt == nrt && !memcmp(o->rt, rt, nrt * sizeof *rt)) {
			o->keep = true;
			continue;
		}
		struct rd was = o ? o->rd : rd;
		if (!o) {
			if (t->nout == t->outcap) {
				size_t cap = t->outcap ? t->outcap * 2 : 16;
				struct tp_adv *q = realloc(t->out, cap * sizeof *q);
				if (!q) {
					log_msg(LOG_ERR, "[vrf %s]: out of memory for its prefixes", c->name);
					return;
				}
				t->out = q;
				t->outcap = cap;
			}
			o = &t->out[t->nout++];
			memset(o, 0, sizeof *o);
			o->vrf = (uint8_t)i;
			o->prefix = p;
			o->plen = plen;
		}
		o->nh = nh;
		memcpy(o->rmac, w.router_mac, 6);
		o->rd = rd;
		memcpy(o->rt, rt, sizeof rt);
		o->nrt = (uint8_t)nrt;
		o->keep = true;
		(void)adv_prefix(t->adv, c->l3vni, nh.af ? &nh : NULL, &p, plen, w.router_mac);
		/* a reload's new RD: the old route goes once the new one is out, so receivers keep one */
		if (memcmp(&was, &rd, sizeof rd))
			adv_prefix_withdraw(t->adv, c->l3vni, &was, &p, plen);
	}
}

void tp_update(struct tenant_prefixes *t)
{
	if (!t->cfg->nvrf || t->stopping)
		return;
	for (size_t i = 0; i < t->nout; i++)
		t->out[i].keep = false;
	for (unsigned i = 0; i < t->cfg->nvrf; i++)
		want(t, i);
	for (size_t i = 0; i < t->nout;) {
		struct tp_adv *o = &t->out[i];
		if (o->keep) {
			i++;
			continue;
		}
		adv_prefix_withdraw(t->adv, t->cfg->vrf[o->vrf].l3vni, &o->rd, &o->prefix, o->plen);
		*o = t->out[--t->nout];
	}
}

size_t tp_count(const struct tenant_prefixes *t, unsigned i)
{
	size_t n = 0;

	for (size_t k = 0; k < t->nout; k++)
		n += t->out[k].vrf == i;
	return n;
}

void tp_stop(struct tenant_prefixes *t)
{
	t->stopping = true;
}
