/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC owner's state (macs_state.h): its life cycle, its clock, and its read-only answers:
 * entries, sequences, duplicate state, counts and the rows of `show macs`. One walk of the local table and one of the installed table (O(MACs), fine for
 * a show command), with what the side table knows of the few MACs that moved. A MAC that never
 * moved has no timestamp anywhere (no per-MAC memory for the quiet million), so it has no age.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "macs_int.h"
#include "vni.h"

uint32_t macs_test_now;

uint32_t macs_now(const struct macs *m)
{
	return m->env.loop ? (uint32_t)ev_now(m->env.loop) : macs_test_now;
}

struct macs *macs_new(const struct macs_env *env)
{
	struct macs *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->env = *env;
	mac_tab_init(&m->local);
	mac_tab_init(&m->remote);
	mac_tab_init(&m->gone_remote);
	mac_tab_init(&m->gone_local);
	mob_init(&m->mob);
	nb_tab_init(&m->nb_remote);
	nb_tab_init(&m->nb_local);
	return m;
}

void macs_stop(struct macs *m)
{
	m->stopping = true;
	if (m->env.loop && ev_cb(&m->dad_w))
		ev_timer_stop(m->env.loop, &m->dad_w);
}

void macs_free(struct macs *m)
{
	if (!m)
		return;
	macs_stop(m);
	mac_tab_free(&m->local);
	mac_tab_free(&m->remote);
	mac_tab_free(&m->gone_remote);
	mac_tab_free(&m->gone_local);
	mob_free(&m->mob);
	nb_tab_free(&m->nb_remote);
	nb_tab_free(&m->nb_local);
	free(m->lost);
	free(m->pend);
	free(m);
}

uint32_t macs_local_seq(const struct macs *m, const struct vni *v, const uint8_t mac[6])
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&m->mob, v->vni, mac, tmp, MOB_KEY_MAX);
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
		if (tmp[i].flags & MOB_LOCAL)
			return tmp[i].seq;
	return 0;
}

bool macs_is_dup(const struct macs *m, const struct vni *v, const uint8_t mac[6])
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&m->mob, v->vni, mac, tmp, MOB_KEY_MAX);
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++)
		if ((tmp[i].flags & (MOB_DAD | MOB_DUP)) == (MOB_DAD | MOB_DUP))
			return true;
	return false;
}

size_t macs_side_get(const struct macs *m, uint32_t vni, const uint8_t mac[6], struct mob_ent *out,
		     size_t max)
{
	return mob_get(&m->mob, vni, mac, out, max);
}

void macs_counts(const struct macs *m, struct macs_counts *out)
{
	out->remote = m->remote.n;
	out->local = m->local.n;
	out->side = m->mob.n;
	out->neigh_remote = m->nb_remote.n;
	out->neigh_local = m->nb_local.n;
	out->moves = m->moves;
	out->duplicates = m->duplicates;
}

bool macs_neigh_remote_get(const struct macs *m, int bridge, const struct ipaddr *ip,
			   struct macs_neigh *out)
{
	const struct nb_ent *e = nb_tab_get(&m->nb_remote, bridge, ip);

	if (!e)
		return false;
	memcpy(out->mac, e->mac, 6);
	out->stale = e->flags & NB_STALE;
	return true;
}

const struct mac_tab *macs_remote_tab(const struct macs *m)
{
	return &m->remote;
}

const struct mac_tab *macs_local_tab(const struct macs *m)
{
	return &m->local;
}

/* ---- show macs ---- */

struct rows {
	const struct macs *m;
	uint32_t vni;
	const uint8_t *mac;
	uint32_t now;
	void (*cb)(void *ctx, const struct macs_row *r);
	void *ctx;
};

/* The DAD record and the sequence of one MAC (remote: of candidate (vtep, rdh); local: ours). */
static bool lookup(const struct macs *m, uint32_t vni, const uint8_t mac[6], bool local,
		   uint16_t vtep, uint32_t rdh, struct mob_ent *dad, uint32_t *seq)
{
	struct mob_ent tmp[MOB_KEY_MAX];
	size_t n = mob_get(&m->mob, vni, mac, tmp, MOB_KEY_MAX);
	bool has = false;

	*seq = 0;
	for (size_t i = 0; i < n && i < MOB_KEY_MAX; i++) {
		if (tmp[i].flags & MOB_DAD) {
			*dad = tmp[i];
			has = true;
		} else if (local ? (tmp[i].flags & MOB_LOCAL) != 0
				 : !(tmp[i].flags & MOB_LOCAL) && tmp[i].vtep == vtep && tmp[i].rdh == rdh) {
			*seq = tmp[i].seq;
		}
	}
	return has;
}

static void emit(struct rows *s, struct macs_row *r, const struct mob_ent *dad)
{
	const struct config *c = s->m->env.cfg;
	bool dup = dad && (dad->flags & MOB_DUP);

	r->duplicate = dup;
	r->frozen = dup && c->dad_freeze;
	r->moves = dad && (dup || s->now - dad->rdh <= c->dad_window) ? dad->moves : 0;
	r->has_age = dad != NULL;
	r->age = dad ? s->now - dad->seq : 0;
	s->cb(s->ctx, r);
}

static bool wanted(const struct rows *s, const struct vni *v, const uint8_t mac[6])
{
	return v && (!s->vni || v->vni == s->vni) && (!s->mac || !memcmp(s->mac, mac, 6));
}

static bool rows_local_cb(void *ctx, struct mac_ent *e)
{
	struct rows *s = ctx;
	struct vni *v = vt_by_lkey(s->m->env.vt, e->ifindex);
	struct macs_row r;
	struct mob_ent dad;

	if (!wanted(s, v, e->mac))
		return false;
	memset(&r, 0, sizeof r);
	r.vni = v->vni;
	memcpy(r.mac, e->mac, 6);
	r.where = MACS_LOCAL;
	r.v = v;
	r.port = e->aux;
	r.sticky = e->flags & MENT_STICKY;
	bool has = lookup(s->m, v->vni, e->mac, true, 0, 0, &dad, &r.seq);
	emit(s, &r, has ? &dad : NULL);
	return false;
}

static bool rows_remote_cb(void *ctx, struct mac_ent *e)
{
	struct rows *s = ctx;
	struct vni *v = vt_by_okey(s->m->env.vt, e->ifindex);
	struct macs_row r;
	struct mob_ent dad;

	if ((e->flags & MENT_STALE) || !wanted(s, v, e->mac))
		return false;
	/* a MAC both local and installed (a frozen duplicate) shows twice: both are in the kernel */
	memset(&r, 0, sizeof r);
	r.vni = v->vni;
	memcpy(r.mac, e->mac, 6);
	r.where = MACS_REMOTE;
	r.v = v;
	r.vtep = e->vtep;
	r.sticky = e->flags & MENT_STICKY;
	bool has = lookup(s->m, v->vni, e->mac, false, e->vtep, e->aux, &dad, &r.seq);
	emit(s, &r, has ? &dad : NULL);
	return false;
}

/* A duplicate that is neither local nor installed any more still needs to be seen (and cleared). */
static void rows_dup(struct rows *s, const struct mob_ent *e)
{
	const struct macs *m = s->m;

	if ((e->flags & (MOB_USED | MOB_DAD | MOB_DUP)) != (MOB_USED | MOB_DAD | MOB_DUP))
		return;
	struct vni *v = vt_by_vni(m->env.vt, e->vni);
	if (!wanted(s, v, e->mac) || (v->lkey && mac_tab_get(&m->local, v->lkey, e->mac)) ||
	    mac_tab_get(&m->remote, v->okey, e->mac))
		return;
	struct macs_row r;
	memset(&r, 0, sizeof r);
	r.vni = v->vni;
	memcpy(r.mac, e->mac, 6);
	r.where = MACS_NOWHERE;
	r.v = v;
	emit(s, &r, e);
}

bool macs_rows_next(const struct macs *m, struct macs_rows_pos *at, uint32_t vni,
		    const uint8_t *mac, size_t max, void (*cb)(void *ctx, const struct macs_row *r),
		    void *ctx)
{
	struct rows s = { m, vni, mac, macs_now(m), cb, ctx };
	const struct mac_ent *e;

	for (size_t n = 0; n < max; n++) {
		switch (at->phase) {
		case 0:
			if ((e = mac_tab_next(&m->local, &at->pos)) != NULL) {
				rows_local_cb(&s, (struct mac_ent *)e);
				continue;
			}
			break;
		case 1:
			if ((e = mac_tab_next(&m->remote, &at->pos)) != NULL) {
				rows_remote_cb(&s, (struct mac_ent *)e);
				continue;
			}
			break;
		case 2:
			if (at->pos < m->mob.cap) {
				rows_dup(&s, &m->mob.e[at->pos++]);
				continue;
			}
			break;
		default:
			return true;
		}
		at->phase++;
		at->pos = 0;
	}
	return at->phase > 2;
}

void macs_rows(const struct macs *m, uint32_t vni, const uint8_t *mac,
	       void (*cb)(void *ctx, const struct macs_row *r), void *ctx)
{
	struct macs_rows_pos at = { 0 };

	while (!macs_rows_next(m, &at, vni, mac, SIZE_MAX, cb, ctx))
		;
}
