/* SPDX-License-Identifier: Apache-2.0 */
/* VTEP interning (vteps.h): FNV-1a over the address, linear probing on a slot array twice the size. */
#include "vteps.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void vteps_init(struct vteps *t)
{
	memset(t, 0, sizeof *t);
}

void vteps_free(struct vteps *t)
{
	free(t->addr);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static uint32_t addr_hash(const struct nl_addr *a)
{
	uint32_t h = 2166136261u ^ a->af;
	for (int i = 0; i < 16; i++)
		h = (h ^ a->a[i]) * 16777619u;
	return h;
}

static bool addr_eq(const struct nl_addr *x, const struct nl_addr *y)
{
	return x->af == y->af && memcmp(x->a, y->a, sizeof x->a) == 0;
}

static void slot_insert(uint16_t *slots, size_t nslots, const struct nl_addr *a, uint16_t idx)
{
	size_t i = addr_hash(a) & (nslots - 1);
	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = (uint16_t)(idx + 1);
}

uint16_t vtep_index(struct vteps *t, const struct nl_addr *a)
{
	struct nl_addr k;
	memset(&k, 0, sizeof k); /* bytes past an IPv4 address must not split one VTEP in two */
	k.af = a->af;
	memcpy(k.a, a->a, a->af == AF_INET ? 4 : 16);
	if (t->cap) {
		size_t m = 2 * t->cap - 1;
		for (size_t i = addr_hash(&k) & m; t->slot[i]; i = (i + 1) & m)
			if (addr_eq(&t->addr[t->slot[i] - 1], &k))
				return (uint16_t)(t->slot[i] - 1);
	}
	if (t->n >= VTEP_NONE - 1)
		return VTEP_NONE;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct nl_addr *na = realloc(t->addr, ncap * sizeof *na);
		if (!na)
			return VTEP_NONE;
		t->addr = na;
		uint16_t *ns = calloc(2 * ncap, sizeof *ns);
		if (!ns)
			return VTEP_NONE;
		for (size_t i = 0; i < t->n; i++)
			slot_insert(ns, 2 * ncap, &t->addr[i], (uint16_t)i);
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	t->addr[t->n] = k;
	slot_insert(t->slot, 2 * t->cap, &k, (uint16_t)t->n);
	return (uint16_t)t->n++;
}

const struct nl_addr *vtep_addr(const struct vteps *t, uint16_t idx)
{
	return idx < t->n ? &t->addr[idx] : NULL;
}
