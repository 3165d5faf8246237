/* (ifindex, MAC) -> small entry: linear probing with backward-shift deletion (no tombstones, so a
 * table that churns through millions of MACs never degrades). Load factor at most 1/2. */
#include "mac_tab.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CAP 64

static bool key_eq(const struct mac_ent *e, int ifindex, const uint8_t mac[6])
{
	return e->ifindex == ifindex && memcmp(e->mac, mac, 6) == 0;
}

void mac_tab_init(struct mac_tab *t)
{
	memset(t, 0, sizeof *t);
}

void mac_tab_free(struct mac_tab *t)
{
	free(t->e);
	mac_tab_init(t);
}

struct mac_ent *mac_tab_get(const struct mac_tab *t, int ifindex, const uint8_t mac[6])
{
	if (!t->cap || ifindex == 0)
		return NULL;
	size_t m = t->cap - 1;
	for (size_t i = (size_t)mac_hash((uint32_t)ifindex, mac) & m;; i = (i + 1) & m) {
		struct mac_ent *e = &t->e[i];
		if (!e->ifindex)
			return NULL;
		if (key_eq(e, ifindex, mac))
			return e;
	}
}

static int grow(struct mac_tab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : MIN_CAP;
	struct mac_ent *ne = calloc(ncap, sizeof *ne);
	if (!ne)
		return -1;
	for (size_t j = 0; j < t->cap; j++) {
		const struct mac_ent *o = &t->e[j];
		if (!o->ifindex)
			continue;
		size_t i = (size_t)mac_hash((uint32_t)o->ifindex, o->mac) & (ncap - 1);
		while (ne[i].ifindex)
			i = (i + 1) & (ncap - 1);
		ne[i] = *o;
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

struct mac_ent *mac_tab_put(struct mac_tab *t, int ifindex, const uint8_t mac[6], bool *created)
{
	struct mac_ent *e = mac_tab_get(t, ifindex, mac);
	*created = false;
	if (e)
		return e;
	if (ifindex == 0)
		return NULL;
	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	size_t m = t->cap - 1, i = (size_t)mac_hash((uint32_t)ifindex, mac) & m;
	while (t->e[i].ifindex)
		i = (i + 1) & m;
	e = &t->e[i];
	memset(e, 0, sizeof *e);
	e->ifindex = ifindex;
	memcpy(e->mac, mac, 6);
	t->n++;
	*created = true;
	return e;
}

void mac_tab_del(struct mac_tab *t, struct mac_ent *e)
{
	size_t m = t->cap - 1, i = (size_t)(e - t->e), j = i;

	/* backward shift: move later members of the probe run into the hole when their home slot
	 * is not cyclically between the hole and their position */
	for (;;) {
		j = (j + 1) & m;
		if (!t->e[j].ifindex)
			break;
		size_t home = (size_t)mac_hash((uint32_t)t->e[j].ifindex, t->e[j].mac) & m;
		bool stay = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (stay)
			continue;
		t->e[i] = t->e[j];
		i = j;
	}
	memset(&t->e[i], 0, sizeof t->e[i]);
	t->n--;
}

void mac_tab_walk(struct mac_tab *t, bool (*cb)(void *ctx, struct mac_ent *e), void *ctx)
{
	/* Deleting shifts later entries backward, possibly into the slot just visited: revisit it.
	 * An entry wrapped from the table's start to its end could be seen twice; callers'
	 * callbacks are idempotent for that reason. */
	for (size_t i = 0; i < t->cap; i++) {
		while (t->e[i].ifindex && cb(ctx, &t->e[i]))
			mac_tab_del(t, &t->e[i]);
	}
}
