/* SPDX-License-Identifier: Apache-2.0 */
/* (ifindex, IP) -> neighbour entries: linear probing, deletion by backward shift (no tombstones) */
#include <stdlib.h>
#include <string.h>

#include "neigh_tab.h"

#define NB_MIN 64

void nb_tab_init(struct nb_tab *t)
{
	memset(t, 0, sizeof *t);
}

void nb_tab_free(struct nb_tab *t)
{
	free(t->e);
	memset(t, 0, sizeof *t);
}

/* FNV-1a over the key's bytes that matter. */
static size_t hash(int ifindex, const struct ipaddr *ip)
{
	uint32_t h = 2166136261u;
	size_t n = ipaddr_len(ip);
	uint8_t k[4];

	memcpy(k, &ifindex, 4);
	for (size_t i = 0; i < 4; i++)
		h = (h ^ k[i]) * 16777619u;
	h = (h ^ ip->af) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ip->a[i]) * 16777619u;
	return h;
}

static bool same(const struct nb_ent *e, int ifindex, const struct ipaddr *ip)
{
	return e->ifindex == ifindex && e->ip.af == ip->af && !memcmp(e->ip.a, ip->a, ipaddr_len(ip));
}

struct nb_ent *nb_tab_get(const struct nb_tab *t, int ifindex, const struct ipaddr *ip)
{
	if (!t->cap || ifindex == 0)
		return NULL;
	for (size_t i = hash(ifindex, ip) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct nb_ent *e = &t->e[i];
		if (!e->ifindex)
			return NULL;
		if (same(e, ifindex, ip))
			return e;
	}
}

static int grow(struct nb_tab *t)
{
	size_t cap = t->cap ? t->cap * 2 : NB_MIN;
	struct nb_ent *ne = calloc(cap, sizeof *ne);

	if (!ne)
		return -1;
	for (size_t j = 0; j < t->cap; j++) {
		const struct nb_ent *e = &t->e[j];
		size_t i;
		if (!e->ifindex)
			continue;
		for (i = hash(e->ifindex, &e->ip) & (cap - 1); ne[i].ifindex; i = (i + 1) & (cap - 1))
			;
		ne[i] = *e;
	}
	free(t->e);
	t->e = ne;
	t->cap = cap;
	return 0;
}

struct nb_ent *nb_tab_put(struct nb_tab *t, int ifindex, const struct ipaddr *ip, bool *created)
{
	struct nb_ent *e = nb_tab_get(t, ifindex, ip);
	size_t i;

	*created = false;
	if (e)
		return e;
	if (ifindex == 0)
		return NULL;
	/* at most 3/4 full, so a probe always ends at a free slot */
	if ((t->n + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return NULL;
	for (i = hash(ifindex, ip) & (t->cap - 1); t->e[i].ifindex; i = (i + 1) & (t->cap - 1))
		;
	e = &t->e[i];
	memset(e, 0, sizeof *e);
	e->ifindex = ifindex;
	e->ip.af = ip->af;
	memcpy(e->ip.a, ip->a, ipaddr_len(ip)); /* the rest stays zero: hash and compare skip it */
	t->n++;
	*created = true;
	return e;
}

void nb_tab_del(struct nb_tab *t, struct nb_ent *e)
{
	size_t mask = t->cap - 1, i = (size_t)(e - t->e), j = i;

	/* shift back every later entry of the run that the hole would cut off from its home slot */
	for (;;) {
		j = (j + 1) & mask;
		if (!t->e[j].ifindex)
			break;
		size_t home = hash(t->e[j].ifindex, &t->e[j].ip) & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->e[i] = t->e[j];
			i = j;
		}
	}
	memset(&t->e[i], 0, sizeof t->e[i]);
	t->n--;
}
