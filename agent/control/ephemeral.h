/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ephemeral opaque keys: which control connection owns which key, so that its keys can be
 * withdrawn when it closes. The latest add of a key owns it (an add without "ephemeral" makes it
 * permanent again); the table only records, the caller withdraws.
 */
#ifndef EVPND_CONTROL_EPHEMERAL_H
#define EVPND_CONTROL_EPHEMERAL_H

#include <stdbool.h>
#include <stddef.h>

struct eph;

struct eph *eph_new(void);
void eph_free(struct eph *t);
/* key now belongs to owner (NULL: to nobody, the key is permanent). -1 on ENOMEM (nothing
 * changed). */
int eph_set(struct eph *t, const void *key, size_t len, const void *owner);
/* Whether owner holds any key. */
bool eph_owns(const struct eph *t, const void *owner);
/* Forget every key of owner, calling cb for each (before it is forgotten); the number of keys. */
size_t eph_drop(struct eph *t, const void *owner, void (*cb)(void *ctx, const void *key, size_t len),
		void *ctx);
/* Keys held, for metrics. */
size_t eph_count(const struct eph *t);

#endif
