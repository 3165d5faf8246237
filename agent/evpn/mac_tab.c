/* (ifindex, MAC) -> small entry: linear probing with backward-shift deletion (no tombstones, so a
 * table that churns through millions of MACs never degrades). Load factor at most 3/4; the
 * capacity goes 64, 96, 128, 192, ... (x1.5, x4/3) and a hash maps to its home slot by
 * multiplication (h * cap >> 32), so a million MACs fill 1.5 M slots, not 2 M (docs/memory.md). */
#include "mac_tab.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CAP 64

static size_t home(const struct mac_tab *t, int ifindex, const uint8_t mac[6])
{
	return (size_t)((mac_hash((uint32_t)ifindex, mac) >> 32) * t->cap >> 32);
}

static size_t next(const struct mac_tab *t, size_t i)
{
	return i + 1 == t->cap ? 0 : i + 1;
}

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
	for (size_t i = home(t, ifindex, mac);; i = next(t, i)) {
		struct mac_ent *e = &t->e[i];
		if (!e->ifindex)
			return NULL;
		if (key_eq(e, ifindex, mac))
			return e;
	}
}

/* The table's next size: a power of two grows by half, one and a half times one to the next power
 * of two. */
static size_t cap_next(size_t cap)
{
	return !cap ? MIN_CAP : (cap & (cap - 1)) ? cap / 3 * 4 : cap + cap / 2;
}

static int resize(struct mac_tab *t, size_t cap)
{
	struct mac_tab n = { .n = t->n, .cap = cap };

	n.e = calloc(n.cap, sizeof *n.e);
	if (!n.e)
		return -1;
	for (size_t j = 0; j < t->cap; j++) {
		const struct mac_ent *o = &t->e[j];
		if (!o->ifindex)
			continue;
		size_t i = home(&n, o->ifindex, o->mac);
		while (n.e[i].ifindex)
			i = next(&n, i);
		n.e[i] = *o;
	}
	free(t->e);
	*t = n;
	return 0;
}

static int grow(struct mac_tab *t)
{
	return resize(t, cap_next(t->cap));
}

int mac_tab_reserve(struct mac_tab *t, size_t n)
{
	size_t cap = t->cap;

	while (n * 4 > cap * 3)
		cap = cap_next(cap);
	return cap == t->cap ? 0 : resize(t, cap);
}

struct mac_ent *mac_tab_put(struct mac_tab *t, int ifindex, const uint8_t mac[6], bool *created)
{
	struct mac_ent *e = mac_tab_get(t, ifindex, mac);
	*created = false;
	if (e)
		return e;
	if (ifindex == 0)
		return NULL;
	if ((t->n + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return NULL;
	size_t i = home(t, ifindex, mac);
	while (t->e[i].ifindex)
		i = next(t, i);
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
	size_t i = (size_t)(e - t->e), j = i;

	/* backward shift: move later members of the probe run into the hole when their home slot
	 * is not cyclically between the hole and their position */
	for (;;) {
		j = next(t, j);
		if (!t->e[j].ifindex)
			break;
		size_t h = home(t, t->e[j].ifindex, t->e[j].mac);
		bool stay = i <= j ? (i < h && h <= j) : (i < h || h <= j);
		if (stay)
			continue;
		t->e[i] = t->e[j];
		i = j;
	}
	memset(&t->e[i], 0, sizeof t->e[i]);
	t->n--;
}

const struct mac_ent *mac_tab_next(const struct mac_tab *t, size_t *pos)
{
	for (; *pos < t->cap; (*pos)++)
		if (t->e[*pos].ifindex)
			return &t->e[(*pos)++];
	return NULL;
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
