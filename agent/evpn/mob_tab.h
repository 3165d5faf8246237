/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mobility side table: the per (VNI, MAC) state beyond the common case, in 24-byte slots with
 * open addressing and linear probing on (VNI, MAC), where all entries of one key sit in that key's
 * probe run, so loading or replacing a key's entries is one short scan. Only the MAC owner (macs.c)
 * keeps it; the records' meaning is in mobility.h.
 *
 * The common case -- one remote route, no sequence number, installed -- is only its installed
 * entry. Anything else (a sequence number, several candidates, a local MAC that also has remote
 * claims, a duplicate-detection record) lives here. Moved MACs only: no per-MAC malloc.
 */
#ifndef EVPND_EVPN_MOB_TAB_H
#define EVPND_EVPN_MOB_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One remote candidate, or (MOB_LOCAL) the local MAC's record. 24 bytes. */
struct mob_ent {
	uint32_t vni;
	uint8_t mac[6];
	uint16_t vtep;      /* remote: vteps.h index */
	uint32_t rdh;       /* remote: macs_rd_hash of the route's RD (never 0) */
	uint32_t seq;       /* remote: the route's sequence; local: the sequence we advertise */
	uint8_t flags;      /* MOB_* */
	uint8_t moves;      /* MOB_DAD: moves counted in the current window (in what was padding) */
	uint16_t prev;      /* MOB_DAD: the location before the last one (MOB_LOC_*, VTEP index) */
};
_Static_assert(sizeof(struct mob_ent) == 24, "struct mob_ent outgrew its 24-byte slot");

enum {
	MOB_USED = 1 << 0,    /* slot in use */
	MOB_LOCAL = 1 << 1,   /* the local MAC's record (seq, warned) */
	MOB_STICKY = 1 << 2,  /* remote: the route has the static flag */
	MOB_HASSEQ = 1 << 3,  /* remote: the route has the MAC mobility community */
	MOB_WARNED = 1 << 4,  /* local: a remote claim on this static MAC was logged */
	/* duplicate address detection: one record per MAC that moved (or just went away) recently;
	 * vtep = last known location, rdh = window start (since MOB_DUP: detection time), seq = time of
	 * the last location change, all in seconds */
	MOB_DAD = 1 << 5,
	MOB_DUP = 1 << 6,     /* MOB_DAD: marked duplicate */
};

/* Locations in a MOB_DAD record besides VTEP indexes. */
#define MOB_LOC_LOCAL 0xfffeu
#define MOB_LOC_NONE 0xffffu

struct mob_tab {
	struct mob_ent *e;
	size_t cap;         /* power of two, or 0 */
	size_t n;
};

/* Most remote candidates kept per (VNI, MAC): a move has two, a misconfiguration a few more. */
#define MOB_MAX 8
/* Most entries of one key: the candidates, the local record and the DAD record. */
#define MOB_KEY_MAX (MOB_MAX + 2)

/* An empty table (no allocation until the first insert). */
void mob_init(struct mob_tab *t);
/* Free the slots. */
void mob_free(struct mob_tab *t);
/* Copy the entries of (vni, mac) to out (at most max); returns how many there are. */
size_t mob_get(const struct mob_tab *t, uint32_t vni, const uint8_t mac[6], struct mob_ent *out,
	       size_t max);
/* Replace the entries of (vni, mac) with in[0..n) (their keys and MOB_USED are set here);
 * -1 when memory runs out (the key then has no entries). */
int mob_set(struct mob_tab *t, uint32_t vni, const uint8_t mac[6], const struct mob_ent *in, size_t n);
/* Drop every entry of vni; keep_local keeps the local and DAD records. */
void mob_drop_vni(struct mob_tab *t, uint32_t vni, bool keep_local);

#endif
