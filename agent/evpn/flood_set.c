/* SPDX-License-Identifier: Apache-2.0 */
/* The flood set (flood_set.h). */
#include "flood_set.h"

#include <stdlib.h>
#include <string.h>

void flood_set_init(struct flood_set *s)
{
	memset(s, 0, sizeof *s);
}

void flood_set_free(struct flood_set *s)
{
	free(s->e);
	memset(s, 0, sizeof *s);
}

struct fl_ent *flood_set_get(struct flood_set *s, int okey, uint16_t vtep)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].okey == okey && s->e[i].vtep == vtep)
			return &s->e[i];
	return NULL;
}

struct fl_ent *flood_set_put(struct flood_set *s, int okey, uint16_t vtep, bool *created)
{
	struct fl_ent *f = flood_set_get(s, okey, vtep);
	*created = false;
	if (f)
		return f;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct fl_ent *ne = realloc(s->e, ncap * sizeof *ne);
		if (!ne)
			return NULL;
		s->e = ne;
		s->cap = ncap;
	}
	f = &s->e[s->n++];
	memset(f, 0, sizeof *f);
	f->okey = okey;
	f->vtep = vtep;
	*created = true;
	return f;
}

void flood_set_del(struct flood_set *s, struct fl_ent *e)
{
	*e = s->e[--s->n];
}

size_t flood_set_count(const struct flood_set *s, int okey)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->e[i].okey == okey;
	return n;
}
