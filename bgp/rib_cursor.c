/* SPDX-License-Identifier: Apache-2.0 */
/* Walks of the RIB over many turns of the loop that miss nothing (rib.h, rib_cursor): registered
 * with the RIB, whose deletions and growths move them back (rib.c, walks_rewind, walks_migrated). */
#include "rib.h"
#include "rib_int.h"

void rib_cursor_open(struct rib *rib, struct rib_cursor *c, int fam)
{
	rib_cursor_close(rib, c);
	c->fam = fam;
	c->pos = 0;
	c->next = rib->cursors;
	rib->cursors = c;
}

void rib_cursor_close(struct rib *rib, struct rib_cursor *c)
{
	for (struct rib_cursor **pp = &rib->cursors; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->next = NULL;
}

bool rib_cursor_next(struct rib *rib, struct rib_cursor *c, size_t max,
		     void (*cb)(void *ctx, const struct rib_route *r), void *ctx)
{
	return rib_walk_next(rib, c->fam, &c->pos, max, cb, ctx);
}
