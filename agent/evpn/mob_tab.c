/* SPDX-License-Identifier: Apache-2.0 */
/* The mobility side table (mob_tab.h): open addressing on (VNI, MAC), every entry of a key in its probe run. */
#include "mob_tab.h"

#include <stdlib.h>
#include <string.h>

#include "mac_tab.h"

#define MIN_CAP 16

static bool key_eq(const struct mob_ent *e, uint32_t vni, const uint8_t mac[6])
{
	return e->vni == vni && memcmp(e->mac, mac, 6) == 0;
}

void mob_init(struct mob_tab *t)
{
	memset(t, 0, sizeof *t);
}

void mob_free(struct mob_tab *t)
{
	free(t->e);
	mob_init(t);
}

size_t mob_get(const struct mob_tab *t, uint32_t vni, const uint8_t mac[6], struct mob_ent *out,
	       size_t max)
{
	size_t n = 0;
	if (!t->cap)
		return 0;
	/* every entry of a key is in the probe run from its home slot to the next free slot */
	size_t m = t->cap - 1;
	for (size_t i = (size_t)mac_hash((uint32_t)vni, mac) & m; t->e[i].flags & MOB_USED; i = (i + 1) & m) {
		if (!key_eq(&t->e[i], vni, mac))
			continue;
		if (n < max)
			out[n] = t->e[i];
		n++;
	}
	return n;
}

static void del_slot(struct mob_tab *t, size_t i)
{
	size_t m = t->cap - 1, j = i;

	/* backward shift (as in mac_tab.c): no tombstones, and runs stay contiguous */
	for (;;) {
		j = (j + 1) & m;
		if (!(t->e[j].flags & MOB_USED))
			break;
		size_t home = (size_t)mac_hash((uint32_t)t->e[j].vni, t->e[j].mac) & m;
		bool stay = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (stay)
			continue;
		t->e[i] = t->e[j];
		i = j;
	}
	memset(&t->e[i], 0, sizeof t->e[i]);
	t->n--;
}

static void del_key(struct mob_tab *t, uint32_t vni, const uint8_t mac[6])
{
	if (!t->cap)
		return;
	size_t m = t->cap - 1, home = (size_t)mac_hash((uint32_t)vni, mac) & m;
	bool again = true;
	while (again) { /* a deletion shifts the run: rescan it */
		again = false;
		for (size_t i = home; t->e[i].flags & MOB_USED; i = (i + 1) & m) {
			if (key_eq(&t->e[i], vni, mac)) {
				del_slot(t, i);
				again = true;
				break;
			}
		}
	}
}

static void place(struct mob_ent *slots, size_t cap, const struct mob_ent *e)
{
	size_t i = (size_t)mac_hash((uint32_t)e->vni, e->mac) & (cap - 1);
	while (slots[i].flags & MOB_USED)
		i = (i + 1) & (cap - 1);
	slots[i] = *e;
}

static int grow(struct mob_tab *t, size_t need)
{
	size_t ncap = t->cap ? t->cap : MIN_CAP;
	while (need * 2 > ncap)
		ncap *= 2;
	if (ncap == t->cap)
		return 0;
	struct mob_ent *ne = calloc(ncap, sizeof *ne);
	if (!ne)
		return -1;
	for (size_t j = 0; j < t->cap; j++)
		if (t->e[j].flags & MOB_USED)
			place(ne, ncap, &t->e[j]);
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

int mob_set(struct mob_tab *t, uint32_t vni, const uint8_t mac[6], const struct mob_ent *in, size_t n)
{
	del_key(t, vni, mac);
	if (!n)
		return 0;
	if (grow(t, t->n + n) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct mob_ent e = in[k];
		e.vni = vni;
		memcpy(e.mac, mac, 6);
		e.flags |= MOB_USED;
		place(t->e, t->cap, &e);
		t->n++;
	}
	return 0;
}

void mob_drop_vni(struct mob_tab *t, uint32_t vni, bool keep_local)
{
	for (size_t i = 0; i < t->cap; i++) {
		/* a deletion may shift a later entry into slot i: look at it again */
		while ((t->e[i].flags & MOB_USED) && t->e[i].vni == vni &&
		       !(keep_local && (t->e[i].flags & (MOB_LOCAL | MOB_DAD))))
			del_slot(t, i);
	}
}

