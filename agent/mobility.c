/* MAC mobility: the side table of (VNI, MAC) -> candidates, and the RFC 7432 section 15 decision. */
#include "mobility.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

int mob_addr_cmp(const struct nl_addr *x, const struct nl_addr *y)
{
	if (!x || !y)
		return x ? -1 : y ? 1 : 0;
	if (x->af != y->af)
		return x->af == AF_INET ? -1 : y->af == AF_INET ? 1 : (x->af < y->af ? -1 : 1);
	return memcmp(x->a, y->a, x->af == AF_INET ? 4 : 16);
}

/* The sequence for comparisons: no community is below an explicit 0 (GoBGP's -1). */
static int64_t eff_seq(const struct mob_ent *e)
{
	return (e->flags & MOB_HASSEQ) ? (int64_t)e->seq : -1;
}

int mob_cmp(const struct mob_ent *x, const struct nl_addr *xa, const struct mob_ent *y,
	    const struct nl_addr *ya)
{
	bool sx = x->flags & MOB_STICKY, sy = y->flags & MOB_STICKY;
	if (sx != sy)
		return sx ? -1 : 1;
	int64_t qx = eff_seq(x), qy = eff_seq(y);
	if (qx != qy)
		return qx > qy ? -1 : 1;
	return mob_addr_cmp(xa, ya);
}

int mob_best(const struct mob_view *w)
{
	int b = -1;
	for (size_t i = 0; i < w->n; i++)
		if (b < 0 || mob_cmp(&w->c[i], w->addr[i], &w->c[b], w->addr[b]) < 0)
			b = (int)i;
	return b;
}

bool mob_local_wins(const struct mob_view *w, int best, const struct nl_addr *lvtep)
{
	if (!w->local)
		return false;
	if (best < 0 || w->lsticky)
		return true;
	struct mob_ent l;
	memset(&l, 0, sizeof l);
	l.seq = w->lseq;
	if (w->lseq)
		l.flags |= MOB_HASSEQ;
	/* a tie with ourselves (the same VTEP) cannot happen: our own routes are not candidates */
	return mob_cmp(&l, lvtep, &w->c[best], w->addr[best]) < 0;
}

uint32_t mob_next_seq(const struct mob_view *w)
{
	uint32_t hi = 0;
	if (!w->n)
		return 0;
	for (size_t i = 0; i < w->n; i++)
		if (w->c[i].seq > hi)
			hi = w->c[i].seq;
	return hi == UINT32_MAX ? hi : hi + 1;
}

/* ---- duplicate address detection ---- */

void mob_dad_init(struct mob_ent *d, uint16_t loc, uint32_t now)
{
	memset(d, 0, sizeof *d);
	d->flags = MOB_DAD;
	d->vtep = loc;
	d->prev = MOB_LOC_NONE;
	d->rdh = now;
	d->seq = now;
}

bool mob_dad_move(struct mob_ent *d, uint16_t loc, uint32_t now, uint32_t window, uint32_t max_moves)
{
	/* going away is no move: the next place it shows up is compared with the last one */
	if (loc == MOB_LOC_NONE || loc == d->vtep)
		return false;
	bool first = d->vtep == MOB_LOC_NONE;
	d->prev = d->vtep;
	d->vtep = loc;
	d->seq = now;
	if (first || (d->flags & MOB_DUP) || !max_moves)
		return false;
	if (!d->moves || now - d->rdh > window) {
		d->moves = 0;
		d->rdh = now;
	}
	if (d->moves < UINT8_MAX)
		d->moves++;
	if (d->moves < max_moves)
		return false;
	d->flags |= MOB_DUP;
	d->rdh = now;
	return true;
}

bool mob_dad_due(const struct mob_ent *d, uint32_t now, uint32_t recovery)
{
	return (d->flags & MOB_DUP) && recovery && now - d->rdh >= recovery;
}

void mob_dad_clear(struct mob_ent *d, uint32_t now)
{
	d->flags &= (uint8_t)~MOB_DUP;
	d->moves = 0;
	d->rdh = now;
}

bool mob_dad_idle(const struct mob_ent *d, uint32_t now, uint32_t window)
{
	return !(d->flags & MOB_DUP) && now - d->seq > window && (!d->moves || now - d->rdh > window);
}
