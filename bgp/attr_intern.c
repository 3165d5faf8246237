/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interned attribute sets: hash-consed so the many routes sharing next hop, communities and PMSI
 * share one copy (design.md, per-route memory). One allocation per set: the struct followed by its
 * variable parts. Open addressing with linear probing and backward-shift deletion (no tombstones).
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"

static struct {
	struct attrs **slot;
	size_t cap;   /* power of two, or 0 */
	size_t count;
} tab;

/* FNV-1a, fed field by field so unused fields (and padding) never matter. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t fnv32(uint32_t h, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	return fnv(h, b, 4);
}

static uint32_t ip_hash(uint32_t h, const struct ipaddr *ip)
{
	h = fnv(h, &ip->af, 1);
	return fnv(h, ip->a, ipaddr_len(ip));
}

static uint32_t attrs_hash(const struct attrs *a)
{
	uint32_t h = 2166136261u;
	h = fnv32(h, a->flags);
	h = fnv32(h, a->origin);
	if (a->flags & AF_HAS_PMSI) {
		h = fnv32(h, (uint32_t)a->pmsi_flags << 8 | a->pmsi_type);
		h = fnv32(h, a->pmsi_label);
		h = ip_hash(h, &a->pmsi_ep);
	}
	if (a->flags & AF_HAS_MED)
		h = fnv32(h, a->med);
	if (a->flags & AF_HAS_LOCAL_PREF)
		h = fnv32(h, a->local_pref);
	if (a->flags & AF_HAS_ORIGINATOR)
		h = fnv32(h, a->originator_id);
	if (a->flags & AF_HAS_NEXT_HOP)
		h = ip_hash(h, &a->nexthop);
	h = fnv(h, a->aspath, a->aspath_len);
	for (unsigned i = 0; i < a->ncluster; i++)
		h = fnv32(h, a->cluster[i]);
	for (unsigned i = 0; i < a->nextcomm; i++) {
		h = fnv32(h, (uint32_t)(a->extcomm[i] >> 32));
		h = fnv32(h, (uint32_t)a->extcomm[i]);
	}
	h = fnv(h, a->unknown, a->unknown_len);
	return h;
}

static bool ip_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return ipaddr_cmp(x, y) == 0;
}

static bool mem_eq(const void *x, const void *y, size_t n)
{
	return n == 0 || memcmp(x, y, n) == 0;
}

bool attrs_equal(const struct attrs *x, const struct attrs *y)
{
	uint16_t f = x->flags;
	if (x == y)
		return true;
	if (f != y->flags || x->origin != y->origin || x->aspath_len != y->aspath_len ||
	    x->ncluster != y->ncluster || x->nextcomm != y->nextcomm || x->unknown_len != y->unknown_len)
		return false;
	if ((f & AF_HAS_PMSI) && (x->pmsi_flags != y->pmsi_flags || x->pmsi_type != y->pmsi_type ||
				  x->pmsi_label != y->pmsi_label || !ip_eq(&x->pmsi_ep, &y->pmsi_ep)))
		return false;
	if (((f & AF_HAS_MED) && x->med != y->med) ||
	    ((f & AF_HAS_LOCAL_PREF) && x->local_pref != y->local_pref) ||
	    ((f & AF_HAS_ORIGINATOR) && x->originator_id != y->originator_id) ||
	    ((f & AF_HAS_NEXT_HOP) && !ip_eq(&x->nexthop, &y->nexthop)))
		return false;
	return mem_eq(x->aspath, y->aspath, x->aspath_len) &&
	       mem_eq(x->cluster, y->cluster, 4 * (size_t)x->ncluster) &&
	       mem_eq(x->extcomm, y->extcomm, 8 * (size_t)x->nextcomm) &&
	       mem_eq(x->unknown, y->unknown, x->unknown_len);
}

static int tab_grow(void)
{
	size_t ncap = tab.cap ? tab.cap * 2 : 64;
	struct attrs **ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return -1;
	for (size_t i = 0; i < tab.cap; i++) {
		struct attrs *a = tab.slot[i];
		if (!a)
			continue;
		size_t j = a->hash & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = a;
	}
	free(tab.slot);
	tab.slot = ns;
	tab.cap = ncap;
	return 0;
}

/* One block: struct, extended communities (8-aligned after the struct), cluster list, AS_PATH,
 * unknown attributes. Unset optional fields are zeroed so the copy is canonical. */
static struct attrs *attrs_copy(const struct attrs *a, uint32_t h)
{
	size_t ext = 8 * (size_t)a->nextcomm, cl = 4 * (size_t)a->ncluster;
	size_t size = sizeof(struct attrs) + ext + cl + a->aspath_len + a->unknown_len;
	struct attrs *c = malloc(size);
	uint8_t *p;
	_Static_assert(sizeof(struct attrs) % 8 == 0, "variable parts must stay aligned");
	if (!c)
		return NULL;
	memset(c, 0, sizeof *c);
	c->flags = a->flags;
	c->origin = a->origin;
	if (a->flags & AF_HAS_PMSI) {
		c->pmsi_flags = a->pmsi_flags;
		c->pmsi_type = a->pmsi_type;
		c->pmsi_label = a->pmsi_label;
		c->pmsi_ep = a->pmsi_ep;
	}
	if (a->flags & AF_HAS_MED)
		c->med = a->med;
	if (a->flags & AF_HAS_LOCAL_PREF)
		c->local_pref = a->local_pref;
	if (a->flags & AF_HAS_ORIGINATOR)
		c->originator_id = a->originator_id;
	if (a->flags & AF_HAS_NEXT_HOP)
		c->nexthop = a->nexthop;
	p = (uint8_t *)(c + 1);
	if (ext) {
		memcpy(p, a->extcomm, ext);
		c->extcomm = (const uint64_t *)(void *)p;
		c->nextcomm = a->nextcomm;
		p += ext;
	}
	if (cl) {
		memcpy(p, a->cluster, cl);
		c->cluster = (const uint32_t *)(void *)p;
		c->ncluster = a->ncluster;
		p += cl;
	}
	if (a->aspath_len) {
		memcpy(p, a->aspath, a->aspath_len);
		c->aspath = p;
		c->aspath_len = a->aspath_len;
		p += a->aspath_len;
	}
	if (a->unknown_len) {
		memcpy(p, a->unknown, a->unknown_len);
		c->unknown = p;
		c->unknown_len = a->unknown_len;
	}
	c->hash = h;
	c->refcnt = 1;
	return c;
}

struct attrs *attrs_intern(const struct attrs *a)
{
	uint32_t h = attrs_hash(a);
	size_t i;
	struct attrs *c;

	if (tab.cap) {
		for (i = h & (tab.cap - 1); tab.slot[i]; i = (i + 1) & (tab.cap - 1)) {
			c = tab.slot[i];
			if (c->hash == h && attrs_equal(c, a))
				return attrs_ref(c);
		}
	}
	/* keep the load at most one half */
	if ((tab.count + 1) * 2 > tab.cap && tab_grow())
		return NULL;
	if (!(c = attrs_copy(a, h)))
		return NULL;
	for (i = h & (tab.cap - 1); tab.slot[i]; i = (i + 1) & (tab.cap - 1))
		;
	tab.slot[i] = c;
	tab.count++;
	return c;
}

struct attrs *attrs_ref(struct attrs *a)
{
	a->refcnt++;
	return a;
}

/* Remove slot i and shift later members of its probe run back (Knuth 6.4, algorithm R). */
static void tab_remove(size_t i)
{
	size_t mask = tab.cap - 1, j = i;
	tab.slot[i] = NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (!tab.slot[j])
			break;
		size_t home = tab.slot[j]->hash & mask;
		/* move j into the hole unless its home lies cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			tab.slot[i] = tab.slot[j];
			tab.slot[j] = NULL;
			i = j;
		}
	}
}

void attrs_unref(struct attrs *a)
{
	if (!a || a->refcnt == 0 || --a->refcnt)
		return;
	for (size_t i = a->hash & (tab.cap - 1); tab.slot[i]; i = (i + 1) & (tab.cap - 1)) {
		if (tab.slot[i] == a) {
			tab_remove(i);
			tab.count--;
			break;
		}
	}
	free(a);
	if (tab.count == 0) {
		/* an empty table gives its memory back (and leak checkers see nothing at exit) */
		free(tab.slot);
		tab.slot = NULL;
		tab.cap = 0;
	}
}

size_t attrs_interned_count(void)
{
	return tab.count;
}
