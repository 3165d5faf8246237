/* SPDX-License-Identifier: Apache-2.0 */
/* evpnctl's parts: command line -> request (evpnctl_req.c), reply -> text (evpnctl_print.c). */
#ifndef EVPND_EVPNCTL_EVPNCTL_H
#define EVPND_EVPNCTL_EVPNCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

/* How a command's reply is shown. */
enum cli_view {
	VIEW_NONE,       /* add/del: nothing on success */
	VIEW_NEIGHBORS,
	VIEW_ROUTES,
	VIEW_WATCH,      /* a stream of events follows the reply */
	VIEW_VNIS,
	VIEW_VRFS,       /* show vrfs: the routed tenants as a table */
	VIEW_VRF_ROUTES, /* show routes vrf NAME: a tenant's prefixes and what is installed */
	VIEW_STATUS,     /* show status: key: value lines */
	VIEW_MACS,
	VIEW_CLEARED,    /* clear duplicate: how many */
	VIEW_AUDIT,      /* audit: the drift, exit status 3 when there is any */
	VIEW_RELOADED,   /* reload: what was applied */
	VIEW_FDB,        /* show fdb: the kernel's entries as a table */
	VIEW_METRICS,    /* metrics: the text as it is */
	VIEW_MONITOR,    /* watch's stream, one human-readable line per event */
	VIEW_GETKEY,     /* get key: the best path's value */
	VIEW_GETKEY_ALL, /* get key --all: every path's source and value */
};

/* Build the request for the command words argv[0..argc). Returns the request, or NULL after writing
 * "evpnctl: message" to stderr; *usage is then set when the words (not a value) were wrong. */
struct json_object *cli_request(int argc, char **argv, enum cli_view *view, bool *usage);
/* The usage line of the command whose words start argv (the general one when unknown). */
void cli_usage_line(FILE *f, int argc, char **argv);
/* The full help text. */
void cli_help(FILE *f);

/* evpnctl_ops.c: the help of the command whose words start argv; -1 when there is none. */
int cli_command_help(FILE *f, int argc, char **argv);
/* evpnctl_ops.c: get key's output (every path with all, else the best's value); -1 when the key
 * has no path. */
int cli_print_key(FILE *f, struct json_object *data, bool all);
/* evpnctl_ops.c: one watch event (its line and parsed object, NULL if not JSON) as one line. */
int cli_print_event(FILE *f, const char *line, struct json_object *ev);
/* evpnctl_ops.c: show-fdb data as a table. */
void cli_print_fdb(FILE *f, struct json_object *data);
/* Print show-neighbors data as a table. */
void cli_print_neighbors(FILE *f, struct json_object *data);
/* Print show-macs data as a table. */
void cli_print_macs(FILE *f, struct json_object *data);
/* Order show-macs rows by VNI, MAC and location (evpnd sends them in its tables' order). */
void cli_sort_macs(struct json_object *data);
/* Print show-vnis data as a table. */
void cli_print_vnis(FILE *f, struct json_object *data);
/* Print show-vrfs data as a table. */
void cli_print_vrf_routes(FILE *f, struct json_object *data);
void cli_print_vrfs(FILE *f, struct json_object *data);
/* show status: one "key: value" line per field, the loop's as "loop KEY: value". */
void cli_print_status(FILE *f, struct json_object *data);
/* Print audit data: "audit: no drift" or a table of the differences. Returns how many. */
size_t cli_print_audit(FILE *f, struct json_object *data);
/* The number of differences in audit data. */
size_t cli_audit_count(struct json_object *data);
/* Print show-routes data as tables, EVPN first, then opaque. */
void cli_print_routes(FILE *f, struct json_object *data);

#endif
