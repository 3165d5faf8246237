/* SPDX-License-Identifier: Apache-2.0 */
/* Fixtures for test_rib.c: real EVPN NLRIs, interned attribute sets, a fake peer that parses
 * every message it is sent back with update_parse, and a recorder for the best-path callback. */
#ifndef EVPND_RIB_FIXTURE_H
#define EVPND_RIB_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attr.h"
#include "evpn.h"
#include "family.h"
#include "msg.h"
#include "opaque.h"
#include "rib.h"
#include "update.h"

#include "testutil.h"

#define LOCAL_AS 64512
#define ROUTER_ID 0x0a000001u
#define CLUSTER_ID 0x0a0000ffu

/* ---- building blocks ---- */

struct nlri {
	uint8_t b[64];
	size_t len;
};

/* A type-2 route for MAC 02:00:00:nn:nn:nn in RD 64512:10, with address ip (NULL: none) and
 * nlabels labels: vni, then vni + 1000. */
static inline struct nlri macip_with(unsigned n, const char *ip, unsigned nlabels, uint32_t vni)
{
	struct evpn_route r;
	struct wbuf w;
	struct nlri out;

	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_MACIP;
	assert_int_equal(rd_parse("64512:10", &r.rd), 0);
	r.mac.b[0] = 0x02;
	r.mac.b[3] = (uint8_t)(n >> 16);
	r.mac.b[4] = (uint8_t)(n >> 8);
	r.mac.b[5] = (uint8_t)n;
	if (ip)
		assert_int_equal(ipaddr_parse(ip, &r.ip), 0);
	r.nlabels = (uint8_t)nlabels;
	r.label[0] = vni;
	r.label[1] = vni + 1000;
	wbuf_init(&w, out.b, sizeof out.b);
	assert_int_equal(evpn_encode(&r, &w), 0);
	assert_int_equal(w.err, 0);
	out.len = w.len;
	return out;
}

/* The MAC-only route for MAC n with one label, vni. */
static inline struct nlri macip(unsigned n, uint32_t vni)
{
	return macip_with(n, NULL, 1, vni);
}

struct aset {
	uint32_t lp, med, orig, nh;
	bool has_lp, has_med, has_orig;
	uint8_t origin;
	unsigned nas;
	uint32_t as[4];
	unsigned ncl;
	uint32_t cl[4];
	bool mm, sticky;
	uint32_t seq;
};

/* Intern an attribute set: next hop, an RT, and whatever the description asks for. */
static inline struct attrs *mk(const struct aset *d)
{
	struct attrs a;
	uint8_t aspath[64];
	uint64_t ext[3];
	unsigned next = 0;

	memset(&a, 0, sizeof a);
	a.origin = d->origin;
	ipaddr_from_v4(&a.nexthop, d->nh ? d->nh : 0x0a4d0001);
	a.flags |= AF_HAS_NEXT_HOP;
	if (d->has_lp) {
		a.flags |= AF_HAS_LOCAL_PREF;
		a.local_pref = d->lp;
	}
	if (d->has_med) {
		a.flags |= AF_HAS_MED;
		a.med = d->med;
	}
	if (d->has_orig) {
		a.flags |= AF_HAS_ORIGINATOR;
		a.originator_id = d->orig;
	}
	if (d->nas) {
		aspath[0] = 2;
		aspath[1] = (uint8_t)d->nas;
		for (unsigned i = 0; i < d->nas; i++) {
			aspath[2 + 4 * i] = (uint8_t)(d->as[i] >> 24);
			aspath[3 + 4 * i] = (uint8_t)(d->as[i] >> 16);
			aspath[4 + 4 * i] = (uint8_t)(d->as[i] >> 8);
			aspath[5 + 4 * i] = (uint8_t)d->as[i];
		}
		a.aspath = aspath;
		a.aspath_len = (uint16_t)(2 + 4 * d->nas);
	}
	if (d->ncl) {
		a.cluster = d->cl;
		a.ncluster = (uint16_t)d->ncl;
	}
	ext[next++] = extc_rt_make(LOCAL_AS, 10);
	ext[next++] = extc_encap(TUNNEL_VXLAN);
	if (d->mm)
		ext[next++] = extc_mac_mobility(d->seq, d->sticky);
	a.extcomm = ext;
	a.nextcomm = (uint16_t)next;
	struct attrs *r = attrs_intern(&a);
	assert_non_null(r);
	return r;
}

static inline struct attrs *mk_plain(void)
{
	struct aset d = { 0 };
	return mk(&d);
}

/* ---- a fake peer: every message is parsed back ---- */

struct sink {
	unsigned msgs, reach_msgs, unreach_msgs, eors;
	unsigned reach_nlri[FAM_COUNT], unreach_nlri[FAM_COUNT];
	unsigned max_per_msg;
	size_t max_len;
	bool ebgp;
	int eor_fam;
	bool after_eor;          /* an announcement arrived after End-of-RIB */
	bool unreach_after_reach; /* a withdraw came after an announcement */
	/* the attributes of the last announcement */
	uint16_t flags;
	uint32_t lp, med, orig, nh4, first_as;
	unsigned aslen, ncl;
	uint32_t cl0;
	struct nlri last;        /* the last NLRI announced or withdrawn */
	size_t bytes;            /* sent since the test last drained it (sink_backlog) */
	uint8_t *seen;           /* when set: seen[n] counts announcements of macip(n, ...) */
	size_t nseen;
};

/* The backlog hook of a sink: what it was sent since the test set bytes to 0. */
static inline size_t sink_backlog(void *ctx)
{
	return ((const struct sink *)ctx)->bytes;
}

static struct update upd; /* large: keep it off the stack */

static inline void sink_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct sink *s = ctx;
	struct bgp_err err;
	struct attr_ctx actx = { .ebgp = s->ebgp, .as4 = true };
	uint16_t mlen;
	uint8_t type;

	assert_true(len <= BGP_MAX_MSG);
	assert_int_equal(msg_check_header(msg, &mlen, &type, &err), 0);
	assert_int_equal(mlen, len);
	assert_int_equal(type, BGP_UPDATE);
	s->msgs++;
	s->bytes += len;
	if (len > s->max_len)
		s->max_len = len;
	assert_int_equal(update_parse(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &actx, &upd, &err), ATTR_OK);
	if (upd.eor) {
		s->eors++;
		s->eor_fam = upd.eor_fam;
		return;
	}
	unsigned n = 0;
	if (upd.ap.has_reach) {
		struct rbuf r = upd.ap.reach_nlri, one;
		assert_true(upd.reach_fam >= 0);
		while (rbuf_left(&r)) {
			assert_int_equal(family_table[upd.reach_fam].next(&r, &one), 0);
			memcpy(s->last.b, rbuf_ptr(&one), rbuf_left(&one) < 64 ? rbuf_left(&one) : 64);
			s->last.len = rbuf_left(&one);
			/* a type-2 route's MAC (after type, length, RD, ESI, tag, MAC length): macip's n */
			if (s->seen && upd.reach_fam == FAM_EVPN && s->last.len >= 31 && s->last.b[0] == 2) {
				size_t k = (size_t)s->last.b[28] << 16 | (size_t)s->last.b[29] << 8 | s->last.b[30];
				if (k < s->nseen && s->seen[k] < 255)
					s->seen[k]++;
			}
			n++;
		}
		s->reach_nlri[upd.reach_fam] += n;
		s->reach_msgs++;
		if (s->eors)
			s->after_eor = true;
		s->flags = upd.ap.a.flags;
		s->lp = upd.ap.a.local_pref;
		s->med = upd.ap.a.med;
		s->orig = upd.ap.a.originator_id;
		s->nh4 = (uint32_t)upd.ap.a.nexthop.a[0] << 24 | (uint32_t)upd.ap.a.nexthop.a[1] << 16 |
			 (uint32_t)upd.ap.a.nexthop.a[2] << 8 | upd.ap.a.nexthop.a[3];
		s->aslen = attrs_aspath_count(&upd.ap.a);
		s->first_as = attrs_aspath_first(&upd.ap.a);
		s->ncl = upd.ap.a.ncluster;
		s->cl0 = s->ncl ? upd.ap.a.cluster[0] : 0;
	}
	if (upd.ap.has_unreach) {
		struct rbuf r = upd.ap.unreach_nlri, one;
		unsigned k = 0;
		assert_true(upd.unreach_fam >= 0);
		while (rbuf_left(&r)) {
			assert_int_equal(family_table[upd.unreach_fam].next(&r, &one), 0);
			memcpy(s->last.b, rbuf_ptr(&one), rbuf_left(&one) < 64 ? rbuf_left(&one) : 64);
			s->last.len = rbuf_left(&one);
			k++;
		}
		s->unreach_nlri[upd.unreach_fam] += k;
		if (s->reach_msgs)
			s->unreach_after_reach = true;
		s->unreach_msgs++;
		n += k;
	}
	if (n > s->max_per_msg)
		s->max_per_msg = n;
}

/* Forget what a sink saw, keeping how it parses. */
static inline void sink_reset(struct sink *s)
{
	bool ebgp = s->ebgp;
	uint8_t *seen = s->seen;
	size_t nseen = s->nseen;
	memset(s, 0, sizeof *s);
	s->ebgp = ebgp;
	s->seen = seen;
	s->nseen = nseen;
}

static inline void peer_init(struct rib_peer *p, uint8_t kind, uint32_t rid, const char *addr,
		      struct sink *s)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->remote_as = kind == SRC_EBGP ? 65001 : LOCAL_AS;
	p->router_id = rid;
	if (addr)
		assert_int_equal(ipaddr_parse(addr, &p->addr), 0);
	assert_int_equal(ipaddr_parse("10.99.0.1", &p->nexthop_self), 0);
	p->fam_mask = FAM_ALL;
	if (s) {
		memset(s, 0, sizeof *s);
		s->eor_fam = -2;
		s->ebgp = kind == SRC_EBGP;
		p->send = sink_send;
		p->ctx = s;
	}
}

/* ---- best callback recorder ---- */

/* The local source and two iBGP peers (10.0.0.2 into s, 10.0.0.3 into sq), added, not up. */
static inline void local_and_two(struct rib *rib, struct rib_peer *loc, struct rib_peer *p,
				 struct sink *s, struct rib_peer *q, struct sink *sq)
{
	peer_init(loc, SRC_LOCAL, 0, NULL, NULL);
	peer_init(p, SRC_IBGP, 0x0a000002, "10.0.0.2", s);
	peer_init(q, SRC_IBGP, 0x0a000003, "10.0.0.3", sq);
	assert_int_equal(rib_peer_add(rib, loc), 0);
	assert_int_equal(rib_peer_add(rib, p), 0);
	assert_int_equal(rib_peer_add(rib, q), 0);
}

struct best_log {
	unsigned calls, gone;
	const struct attrs *a;
	const struct rib_peer *src;
	struct nlri nlri;
};

static inline void best_cb(void *ctx, int fam, const uint8_t *nlri, size_t len,
			   const struct attrs *a, const struct rib_peer *src)
{
	struct best_log *l = ctx;
	(void)fam;
	l->calls++;
	if (!a)
		l->gone++;
	l->a = a;
	l->src = src;
	assert_true(len <= sizeof l->nlri.b);
	memcpy(l->nlri.b, nlri, len);
	l->nlri.len = len;
}

static inline struct rib *new_rib(struct best_log *l)
{
	struct rib_config cfg = { .local_as = LOCAL_AS, .router_id = ROUTER_ID, .cluster_id = CLUSTER_ID };
	if (l)
		memset(l, 0, sizeof *l);
	struct rib *rib = rib_new(&cfg, l ? best_cb : NULL, l);
	assert_non_null(rib);
	return rib;
}

#endif
