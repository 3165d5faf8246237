/* SPDX-License-Identifier: Apache-2.0 */
/* MAC mobility and duplicate detection: the pure decisions of mobility.h (RFC 7432 section 15). */
#include "mobility.h"

#include <string.h>
#include <sys/socket.h>

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
