/* SPDX-License-Identifier: Apache-2.0 */
/* What the config loader (config.c) and its key tables (config_keys.c) share. */
#ifndef EVPND_CONFIG_CONFIG_INT_H
#define EVPND_CONFIG_CONFIG_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define MAX_KEYS 64

enum sect_kind { SECT_NONE, SECT_GLOBAL, SECT_NEIGHBOR, SECT_VNI, SECT_VRF, SECT_BAD };

struct loader;

struct keydef {
	const char *name;
	int (*set)(struct loader *ld, const char *val);
	bool repeats; /* may appear on several lines (values accumulate) */
};

struct loader {
	struct config *cfg;
	FILE *f;
	char *buf;                  /* one line, inih's line size at most */
	size_t cap;
	bool stop;                  /* a line did not fit: the rest is not read */
	int line;
	/* the first error */
	char *err;
	size_t errlen;
	int err_line;
	/* the section being read */
	enum sect_kind kind;
	char label[80];            /* "[neighbor 10.0.0.2]" for messages */
	const struct keydef *keys;
	int key_line[MAX_KEYS];    /* line where each key was first set, 0: not yet */
	const char *key;           /* key being set, for messages */
	bool rt_explicit_auto;     /* current [vni] or [vrf]: "route-target = auto" seen */
	int global_line;
	unsigned nbr_cap, vni_cap, vrf_cap;
	bool *nbr_hold_set;        /* per neighbor: hold-time given (else inherits [global]) */
};

/* Record "FILE:LINE: message" unless an earlier error is already recorded. */
void cfg_fail(struct loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whether an address is unspecified (0.0.0.0 or ::): never a neighbor, VTEP or source. */
bool cfg_ip_is_zero(const struct ipaddr *a);

/* A number in [min, max] into *out; else an error naming the section, key and range, and -1. */
int cfg_get_u32(struct loader *ld, const char *val, uint32_t min, uint32_t max, uint32_t *out);

/* config_ops.c: [global] log, log-level, metrics-listen, metrics-allow-remote, and the control
 * socket's limits (control-*, watch-*, opaque-max-*: one setter, its table there). */
int cfg_g_control(struct loader *ld, const char *val);
int cfg_g_log(struct loader *ld, const char *val);
int cfg_g_log_level(struct loader *ld, const char *val);
int cfg_g_metrics_listen(struct loader *ld, const char *val);
int cfg_g_metrics_allow_remote(struct loader *ld, const char *val);

/* The accepted keys of each section, NULL-terminated. */
extern const struct keydef cfg_global_keys[];
extern const struct keydef cfg_neighbor_keys[];
extern const struct keydef cfg_vni_keys[];
extern const struct keydef cfg_vrf_keys[];

#endif
