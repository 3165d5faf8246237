/* SPDX-License-Identifier: Apache-2.0 */
/* Export policy: who gets a route's best path, and with which attributes (RFC 4271, RFC 4456). */
#include <stdlib.h>
#include <string.h>

#include "bgp_log.h"
#include "rib_int.h"

#define DEFAULT_LOCAL_PREF 100
#define AS_SEQUENCE 2

enum exp_mode rib_export_mode(const struct rib_peer *src, const struct rib_peer *p)
{
	if (src == p || p->kind == SRC_LOCAL)
		return EXP_NONE;
	if (p->kind == SRC_EBGP)
		return EXP_EBGP;
	if (src->kind != SRC_IBGP)
		return EXP_IBGP; /* local and eBGP-learned routes go to every iBGP peer */
	/* RFC 4456 section 6: from a client to all; from a non-client to clients only */
	if (src->rr_client || p->rr_client)
		return EXP_REFLECT;
	return EXP_NONE;
}

static uint32_t memo_hash(const struct exp_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof *k; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* Prepend our AS (RFC 4271 section 5.1.2): extend a leading AS_SEQUENCE or start a new one. */
static int prepend_as(struct rib *rib, struct attrs *x, uint32_t asn)
{
	size_t old = x->aspath_len;
	size_t need = old + 6;
	if (need > UINT16_MAX)
		return -1;
	if (need > rib->aspath_cap) {
		uint8_t *b = realloc(rib->aspath_buf, need);
		if (!b)
			return -1;
		rib->aspath_buf = b;
		rib->aspath_cap = need;
	}
	uint8_t *b = rib->aspath_buf;
	size_t n;
	const uint8_t be[4] = { (uint8_t)(asn >> 24), (uint8_t)(asn >> 16), (uint8_t)(asn >> 8),
				(uint8_t)asn };
	if (old >= 2 && x->aspath[0] == AS_SEQUENCE && x->aspath[1] < 255) {
		b[0] = AS_SEQUENCE;
		b[1] = (uint8_t)(x->aspath[1] + 1);
		memcpy(b + 2, be, 4);
		memcpy(b + 6, x->aspath + 2, old - 2);
		n = old + 4;
	} else {
		b[0] = AS_SEQUENCE;
		b[1] = 1;
		memcpy(b + 2, be, 4);
		if (old)
			memcpy(b + 6, x->aspath, old);
		n = old + 6;
	}
	x->aspath = b;
	x->aspath_len = (uint16_t)n;
	return 0;
}

/* RFC 4456 section 8: CLUSTER_LIST gets our cluster id in front. */
static int prepend_cluster(struct rib *rib, struct attrs *x)
{
	size_t need = (size_t)x->ncluster + 1;
	if (need > UINT16_MAX / 4)
		return -1;
	if (need > rib->cluster_cap) {
		uint32_t *c = realloc(rib->cluster_buf, need * sizeof *c);
		if (!c)
			return -1;
		rib->cluster_buf = c;
		rib->cluster_cap = need;
	}
	rib->cluster_buf[0] = rib->cfg.cluster_id;
	if (x->ncluster)
		memcpy(rib->cluster_buf + 1, x->cluster, x->ncluster * sizeof(uint32_t));
	x->cluster = rib->cluster_buf;
	x->ncluster = (uint16_t)need;
	return 0;
}

static struct attrs *build(struct rib *rib, const struct exp_key *k)
{
	struct attrs x = *k->a;
	x.refcnt = 0;
	x.hash = 0;
	if (k->nh.af) {
		x.nexthop = k->nh;
		x.flags |= AF_HAS_NEXT_HOP;
	}
	switch (k->mode) {
	case EXP_EBGP:
		if (prepend_as(rib, &x, k->asn) < 0)
			return NULL;
		x.flags &= (uint16_t)~(AF_HAS_LOCAL_PREF | AF_HAS_ORIGINATOR);
		x.local_pref = 0;
		x.originator_id = 0;
		x.ncluster = 0;
		x.cluster = NULL;
		/* RFC 4271 section 5.1.4: a received MED does not leave the AS */
		if (!k->local) {
			x.flags &= (uint16_t)~AF_HAS_MED;
			x.med = 0;
		}
		break;
	case EXP_REFLECT:
		if (!(x.flags & AF_HAS_ORIGINATOR)) {
			x.flags |= AF_HAS_ORIGINATOR;
			x.originator_id = k->orig;
		}
		if (prepend_cluster(rib, &x) < 0)
			return NULL;
		/* fall through */
	case EXP_IBGP:
		if (!(x.flags & AF_HAS_LOCAL_PREF)) {
			x.flags |= AF_HAS_LOCAL_PREF;
			x.local_pref = DEFAULT_LOCAL_PREF;
		}
		break;
	default:
		return NULL;
	}
	return attrs_intern(&x);
}

static int memo_grow(struct exp_memo *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct exp_memo_ent *v = calloc(ncap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->v[i].out)
			continue;
		size_t j = m->v[i].hash & (ncap - 1);
		while (v[j].out)
			j = (j + 1) & (ncap - 1);
		v[j] = m->v[i];
	}
	free(m->v);
	m->v = v;
	m->cap = ncap;
	m->last = NULL;
	return 0;
}

const struct attrs *rib_export_attrs(struct rib *rib, const struct attrs *a, int fam,
				     const struct rib_peer *src, const struct rib_peer *p,
				     enum exp_mode mode)
{
	struct exp_key k;
	struct exp_memo *m = &rib->memo;

	memset(&k, 0, sizeof k); /* the key is hashed and compared as bytes, padding included */
	k.a = a;
	k.mode = (uint8_t)mode;
	if (mode == EXP_EBGP) {
		k.local = src->kind == SRC_LOCAL;
		k.asn = p->local_as ? p->local_as : rib->cfg.local_as;
		/* RFC 4271 5.1.3: ours toward an external peer, except where the family's next hop is
		 * the endpoint itself (an EVPN VTEP stays the VTEP across the fabric's ASes) */
		if (p->next_hop_self || !family_table[fam].keep_nexthop || !(a->flags & AF_HAS_NEXT_HOP))
			k.nh = p->nexthop_self;
	} else {
		if (mode == EXP_REFLECT && !(a->flags & AF_HAS_ORIGINATOR))
			k.orig = src->router_id;
		if (p->next_hop_self) /* the rare reflector that must be in the path */
			k.nh = p->nexthop_self;
	}
	/* consecutive routes mostly share source and peer class: the last answer first */
	if (m->last && memcmp(&m->last->k, &k, sizeof k) == 0)
		return m->last->out;
	uint32_t h = memo_hash(&k);
	if ((m->n + 1) * 2 > m->cap && memo_grow(m) < 0)
		return NULL;
	size_t i;
	for (i = h & (m->cap - 1); m->v[i].out; i = (i + 1) & (m->cap - 1))
		if (m->v[i].hash == h && memcmp(&m->v[i].k, &k, sizeof k) == 0) {
			m->last = &m->v[i];
			return m->v[i].out;
		}
	struct attrs *out = build(rib, &k);
	if (!out) {
		bgp_log(LOG_ERR, "rib: cannot build an export attribute set");
		return NULL;
	}
	m->v[i].k = k;
	m->v[i].hash = h;
	m->v[i].out = out;
	m->n++;
	m->last = &m->v[i];
	return out;
}

void rib_export_memo_clear(struct rib *rib)
{
	struct exp_memo *m = &rib->memo;
	m->last = NULL;
	if (!m->n)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].out)
			attrs_unref(m->v[i].out);
	/* a burst of many distinct sets should not leave a large table to clear every flush */
	if (m->cap > 1024) {
		free(m->v);
		m->v = NULL;
		m->cap = 0;
	} else {
		memset(m->v, 0, m->cap * sizeof *m->v);
	}
	m->n = 0;
}
