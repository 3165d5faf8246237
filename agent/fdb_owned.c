/* The kernel FDB entries evpnd owns: remote MACs (mac_tab), interned VTEPs, the flood set. */
#include "fdb_owned.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void fo_init(struct fdb_owned *fo)
{
	memset(fo, 0, sizeof *fo);
	mac_tab_init(&fo->macs);
}

void fo_free(struct fdb_owned *fo)
{
	mac_tab_free(&fo->macs);
	free(fo->vteps);
	free(fo->vtep_slot);
	free(fo->flood);
	mob_free(&fo->mob);
	memset(fo, 0, sizeof *fo);
}

static uint32_t addr_hash(const struct nl_addr *a)
{
	uint32_t h = 2166136261u ^ a->af; /* FNV-1a */
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

uint16_t fo_vtep(struct fdb_owned *fo, const struct nl_addr *a)
{
	struct nl_addr k;
	memset(&k, 0, sizeof k); /* bytes past an IPv4 address must not split one VTEP in two */
	k.af = a->af;
	memcpy(k.a, a->a, a->af == AF_INET ? 4 : 16);
	if (fo->vtep_cap) {
		size_t m = 2 * fo->vtep_cap - 1;
		for (size_t i = addr_hash(&k) & m; fo->vtep_slot[i]; i = (i + 1) & m)
			if (addr_eq(&fo->vteps[fo->vtep_slot[i] - 1], &k))
				return (uint16_t)(fo->vtep_slot[i] - 1);
	}
	if (fo->nvtep >= FO_VTEP_NONE - 1)
		return FO_VTEP_NONE;
	if (fo->nvtep == fo->vtep_cap) {
		size_t ncap = fo->vtep_cap ? fo->vtep_cap * 2 : 16;
		struct nl_addr *nv = realloc(fo->vteps, ncap * sizeof *nv);
		if (!nv)
			return FO_VTEP_NONE;
		fo->vteps = nv;
		uint16_t *ns = calloc(2 * ncap, sizeof *ns);
		if (!ns)
			return FO_VTEP_NONE;
		for (size_t i = 0; i < fo->nvtep; i++)
			slot_insert(ns, 2 * ncap, &fo->vteps[i], (uint16_t)i);
		free(fo->vtep_slot);
		fo->vtep_slot = ns;
		fo->vtep_cap = ncap;
	}
	fo->vteps[fo->nvtep] = k;
	slot_insert(fo->vtep_slot, 2 * fo->vtep_cap, &k, (uint16_t)fo->nvtep);
	return (uint16_t)fo->nvtep++;
}

const struct nl_addr *fo_vtep_addr(const struct fdb_owned *fo, uint16_t idx)
{
	return idx < fo->nvtep ? &fo->vteps[idx] : NULL;
}

struct fo_flood *fo_flood_get(struct fdb_owned *fo, int ifindex, uint16_t vtep)
{
	/* linear: the set holds VNIs x remote VTEPs, and changes only with type-3 routes */
	for (size_t i = 0; i < fo->nflood; i++)
		if (fo->flood[i].ifindex == ifindex && fo->flood[i].vtep == vtep)
			return &fo->flood[i];
	return NULL;
}

struct fo_flood *fo_flood_put(struct fdb_owned *fo, int ifindex, uint16_t vtep, bool *created)
{
	struct fo_flood *f = fo_flood_get(fo, ifindex, vtep);
	*created = false;
	if (f)
		return f;
	if (fo->nflood == fo->flood_cap) {
		size_t ncap = fo->flood_cap ? fo->flood_cap * 2 : 16;
		struct fo_flood *nf = realloc(fo->flood, ncap * sizeof *nf);
		if (!nf)
			return NULL;
		fo->flood = nf;
		fo->flood_cap = ncap;
	}
	f = &fo->flood[fo->nflood++];
	memset(f, 0, sizeof *f);
	f->ifindex = ifindex;
	f->vtep = vtep;
	*created = true;
	return f;
}

void fo_flood_del(struct fdb_owned *fo, struct fo_flood *f)
{
	*f = fo->flood[--fo->nflood];
}

size_t fo_flood_count(const struct fdb_owned *fo, int ifindex)
{
	size_t n = 0;
	for (size_t i = 0; i < fo->nflood; i++)
		n += fo->flood[i].ifindex == ifindex;
	return n;
}

uint32_t fo_rd_hash(const uint8_t rd[8])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 8; i++)
		h = (h ^ rd[i]) * 16777619u;
	return h ? h : 1;
}
