/* SPDX-License-Identifier: Apache-2.0 */
/* The ephemeral-key table (ephemeral.h): a chained hash on the key bytes, plus a count per owner
 * kept in a small list, so that an idle check (eph_owns) does not walk the keys. */
#include "ephemeral.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ekey {
	struct ekey *next;
	const void *owner;
	size_t len;
	uint8_t key[];
};

struct eowner {
	struct eowner *next;
	const void *owner;
	size_t n;
};

struct eph {
	struct ekey **b;
	size_t nb, n;
	struct eowner *owners;
};

static uint64_t hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

struct eph *eph_new(void)
{
	return calloc(1, sizeof(struct eph));
}

void eph_free(struct eph *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nb; i++)
		for (struct ekey *k = t->b[i], *nx; k; k = nx) {
			nx = k->next;
			free(k);
		}
	for (struct eowner *o = t->owners, *nx; o; o = nx) {
		nx = o->next;
		free(o);
	}
	free(t->b);
	free(t);
}

static struct eowner **owner_at(struct eph *t, const void *owner)
{
	struct eowner **pp = &t->owners;

	while (*pp && (*pp)->owner != owner)
		pp = &(*pp)->next;
	return pp;
}

/* One key more (d = 1) or less (d = -1) for owner; -1 on ENOMEM. */
static int owner_add(struct eph *t, const void *owner, int d)
{
	struct eowner **pp = owner_at(t, owner), *o = *pp;

	if (!o) {
		if (d < 0)
			return 0;
		o = calloc(1, sizeof *o);
		if (!o)
			return -1;
		o->owner = owner;
		*pp = o;
	}
	o->n = d > 0 ? o->n + 1 : o->n - 1;
	if (o->n == 0) {
		*pp = o->next;
		free(o);
	}
	return 0;
}

static int grow(struct eph *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64;
	struct ekey **b = calloc(nb, sizeof *b);

	if (!b)
		return -1;
	for (size_t i = 0; i < t->nb; i++)
		for (struct ekey *k = t->b[i], *nx; k; k = nx) {
			size_t j = hash(k->key, k->len) & (nb - 1);
			nx = k->next;
			k->next = b[j];
			b[j] = k;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

static struct ekey **find(struct eph *t, const void *key, size_t len)
{
	struct ekey **pp;

	if (!t->nb)
		return NULL;
	for (pp = &t->b[hash(key, len) & (t->nb - 1)]; *pp; pp = &(*pp)->next)
		if ((*pp)->len == len && memcmp((*pp)->key, key, len) == 0)
			return pp;
	return NULL;
}

int eph_set(struct eph *t, const void *key, size_t len, const void *owner)
{
	struct ekey **pp = find(t, key, len), *k;

	if (pp) {
		k = *pp;
		if (k->owner == owner)
			return 0;
		if (owner && owner_add(t, owner, 1) < 0)
			return -1;
		owner_add(t, k->owner, -1);
		if (!owner) {
			*pp = k->next;
			free(k);
			t->n--;
		} else {
			k->owner = owner;
		}
		return 0;
	}
	if (!owner)
		return 0;
	if (t->n >= t->nb && grow(t) < 0)
		return -1;
	k = malloc(sizeof *k + len);
	if (!k || owner_add(t, owner, 1) < 0) {
		free(k);
		return -1;
	}
	k->owner = owner;
	k->len = len;
	memcpy(k->key, key, len);
	pp = &t->b[hash(key, len) & (t->nb - 1)];
	k->next = *pp;
	*pp = k;
	t->n++;
	return 0;
}

bool eph_owns(const struct eph *t, const void *owner)
{
	for (const struct eowner *o = t->owners; o; o = o->next)
		if (o->owner == owner)
			return true;
	return false;
}

size_t eph_drop(struct eph *t, const void *owner, void (*cb)(void *ctx, const void *key, size_t len),
		void *ctx)
{
	size_t n = 0;

	if (!eph_owns(t, owner))
		return 0;
	for (size_t i = 0; i < t->nb; i++) {
		struct ekey **pp = &t->b[i];
		while (*pp) {
			struct ekey *k = *pp;
			if (k->owner != owner) {
				pp = &k->next;
				continue;
			}
			if (cb)
				cb(ctx, k->key, k->len);
			*pp = k->next;
			free(k);
			t->n--;
			n++;
		}
	}
	struct eowner **op = owner_at(t, owner), *o = *op;
	*op = o->next;
	free(o);
	return n;
}

size_t eph_count(const struct eph *t)
{
	return t->n;
}
