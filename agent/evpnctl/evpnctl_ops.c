/* SPDX-License-Identifier: Apache-2.0 */
/* evpnctl: per-command help, `monitor`'s one line per event, and `show fdb`'s table. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evpnctl.h"

struct cmd_help {
	const char *w1, *w2; /* command words ("" when one word) */
	const char *text;
};

static const struct cmd_help helps[] = {
	{ "show", "neighbors", "Each configured BGP neighbor: address, AS, state, uptime, messages and "
	  "routes\nreceived/accepted/advertised, last error. --json adds per-family counts.\n" },
	{ "show", "routes", "The RIB: every path, best marked \"*>\". evpn or opaque keeps one family; "
	  "vni N keeps\nthe EVPN routes of VNI N (by label or route target). vrf NAME: the routed "
	  "tenant's prefixes\ninstead (host routes from MAC+IP routes, prefix routes from type-5), each "
	  "installed in the\nVRF's table via a VTEP (with its router MAC), local (our own route wins) or "
	  "waiting.\n" },
	{ "show", "vnis", "The VNIs found in the kernel: VXLAN device, bridge, VTEP, RD, route targets, "
	  "state,\nlocal and remote MAC counts and flood list.\n" },
	{ "show", "vrfs", "The routed tenants: each [vrf] section (name, L3 VNI, RD, route targets, "
	  "advertise)\nwith what the kernel has of it: the VRF device's table, the L3 VNI's VXLAN device, "
	  "its\nbridge and router MAC (the bridge's address), the L2 VNIs whose bridges are in the VRF, "
	  "and\nstate up, or incomplete with what is missing; Routes: the host and prefix routes evpnd "
	  "installed\nin the VRF's table, and the VTEPs they go through (host+prefix/VTEPs).\n" },
	{ "show", "status", "The daemon's state: whether the kernel's entries are adopted (the start-up "
	  "dump ended)\nand initial convergence reached, the reconcile dump running and the last one's "
	  "time,\nresyncs, overflows, refusals, requests pending, and the event loop's longest "
	  "iteration.\n" },
	{ "show", "macs", "Local and remote MACs: VNI, location (local port or remote VTEP), sequence "
	  "number,\nflags (sticky, duplicate, frozen), moves in the dad-window, age. vni N and MAC "
	  "select.\n" },
	{ "show", "fdb", "What the kernel's FDB holds for the managed VXLAN devices and their bridges, "
	  "from a\nfresh dump (evpnd's tables are not touched): VNI, MAC, device, VLAN, remote VTEP "
	  "(dst),\nflags, state and kind (remote: installed from a route; flood: BUM replication entry;\n"
	  "local: learned on a bridge port; other). vni N keeps one VNI. The dump runs in the\n"
	  "background (evpnd serves everything else meanwhile). Past fdb-dump-limit installed\n"
	  "entries evpnd refuses without force: the dump costs the kernel minutes at a million MACs.\n" },
	{ "clear", "duplicate", "End the duplicate state of the matching MACs (every duplicate MAC without "
	  "vni/MAC);\nprints how many were cleared.\n" },
	{ "clear", "neighbor", "Reset the BGP session with ADDRESS (Cease/Administrative Reset); evpnd "
	  "connects again\n0.1 s later.\n" },
	{ "audit", "", "Compare evpnd's tables with a fresh read of the kernel FDB (remote MACs, flood "
	  "entries,\nlocal MACs) and list the differences. Exit status 3 when there are any. The read\n"
	  "runs in the background (evpnd serves everything else meanwhile). Past fdb-dump-limit\n"
	  "installed entries it reads only what evpnd owns (scope \"owned\": each bridge port's\n"
	  "entries and a GET per half of every remote MAC; seconds at a million MACs), which does not\n"
	  "check flood lists or entries others put on evpnd's devices; force reads everything (a\n"
	  "whole dump: minutes of kernel time at a million MACs). With [vrf] sections it also compares\n"
	  "the routed tenants' routes and router-MAC neighbours and FDB entries with the kernel's\n"
	  "(tenant-route-*, router-mac-*: missing, wrong, extra).\n" },
	{ "reload", "", "Read evpnd.conf again and apply what changed (as SIGHUP). A file that does not "
	  "load,\nor changes what needs a restart, is refused with its errors.\n" },
	{ "add", "macadv", "Originate a MAC/IP advertisement (RFC 7432 type 2). rd, rt and nexthop "
	  "default from\nevpnd.conf; seq sets the MAC mobility sequence number; sticky marks a static "
	  "MAC.\n" },
	{ "del", "macadv", "Withdraw a MAC/IP advertisement originated with add macadv.\n" },
	{ "add", "multicast", "Originate an inclusive multicast route (type 3, PMSI ingress "
	  "replication) for IP,\nthe originating VTEP.\n" },
	{ "del", "multicast", "Withdraw an inclusive multicast route originated with add multicast.\n" },
	{ "add", "key", "Originate a key/value route of GoBGP's opaque family (it stays until del key; "
	  "an\napplication that wants its keys gone with it adds them \"ephemeral\" over the control "
	  "socket).\n" },
	{ "del", "key", "Withdraw an opaque key route originated with add key.\n" },
	{ "get", "key", "Print the best value of KEY (exit status 1 when no hypervisor publishes it); "
	  "--all: one\nline per source with its value, the best marked \"*>\".\n" },
	{ "watch", "", "Print the best paths (one \"snapshot\" JSON object each), then {\"event\":"
	  "\"synced\"}, then one\nJSON object per change, each with its sequence number, until evpnd "
	  "closes; then\n\"resume with: since EPOCH:SEQ\" on stderr. since EPOCH:SEQ gets exactly the "
	  "events after\nSEQ, or a fresh snapshot marked \"resync\" when evpnd no longer holds them. "
	  "Filters: evpn or\nopaque, vni N, key-prefix P, source local|peer.\n" },
	{ "monitor", "", "Like watch, one human-readable line per event: time, event, family, route "
	  "type, VNI,\nMAC [IP], next hop or key, source, sequence.\n" },
	{ "metrics", "", "Print evpnd's metrics in Prometheus text format (the same text the optional "
	  "HTTP\nlistener, [global] metrics-listen, serves at /metrics).\n" },
	{ "help", "", "Show the general help, or the help of COMMAND.\n" },
};

int cli_command_help(FILE *f, int argc, char **argv)
{
	int found = 0;

	if (argc < 1)
		return -1;
	if (argc > 1 && argv[1][0] == '-')
		argc = 1; /* "show --help": every show command */
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
		const struct cmd_help *h = &helps[i];
		char *a2[2] = { argv[0], argc > 1 ? argv[1] : (char *)h->w2 };
		if (strcmp(argv[0], h->w1) != 0)
			continue;
		if (h->w2[0] && argc > 1 && strncmp(argv[1], h->w2, strlen(argv[1])) != 0)
			continue; /* "show mac" finds "show macs" */
		if (found++)
			fputc('\n', f);
		a2[1] = (char *)h->w2;
		cli_usage_line(f, h->w2[0] ? 2 : 1, a2);
		fputc('\n', f);
		fputs(h->text, f);
	}
	return found ? 0 : -1;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, k, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

int cli_print_event(FILE *f, const char *line, struct json_object *ev)
{
	struct json_object *r = NULL;
	const char *fam = str(ev, "family"), *what = str(ev, "event"), *s;
	char ts[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	if (what && (!strcmp(what, "synced") || !strcmp(what, "lagged"))) {
		return fprintf(f, "%s %-8s seq %s%s\n", ts, what, (s = str(ev, "seq")) ? s : "?",
			       !strcmp(what, "lagged") ? ": evpnd no longer holds what came after; a "
			       "fresh snapshot follows" : "") < 0 ? -1 : 0;
	}
	if (!what || !fam || !json_object_object_get_ex(ev, "route", &r)) {
		return fprintf(f, "%s\n", line) < 0 ? -1 : 0; /* unknown: shown as it came */
	}
	fprintf(f, "%s %-8s %s", ts, what, fam);
	if (!strcmp(fam, "opaque")) {
		if ((s = str(r, "key")))
			fprintf(f, " key %s", s);
		else
			fprintf(f, " key_hex %s", (s = str(r, "key_hex")) ? s : "?");
		if ((s = str(r, "value")))
			fprintf(f, " value %s", s);
		else if ((s = str(r, "value_hex")))
			fprintf(f, " value_hex %s", s);
	} else {
		fprintf(f, " %s", (s = str(r, "type")) ? s : "?");
		if ((s = str(r, "vni")))
			fprintf(f, " vni %s", s);
		if ((s = str(r, "mac")))
			fprintf(f, " %s", s);
		if ((s = str(r, "ip")))
			fprintf(f, " %s", s);
		if ((s = str(r, "originator")))
			fprintf(f, " originator %s", s);
		if ((s = str(r, "rd")))
			fprintf(f, " rd %s", s);
	}
	if ((s = str(r, "nexthop")))
		fprintf(f, " nexthop %s", s);
	if ((s = str(r, "source")))
		fprintf(f, " from %s", s);
	if (!strcmp(what, "update") && (s = str(r, "seq")) && strcmp(s, "0"))
		fprintf(f, " seq %s", s);
	if ((s = str(r, "sticky")) && !strcmp(s, "true"))
		fprintf(f, " sticky");
	return fprintf(f, "\n") < 0 ? -1 : 0;
}

int cli_print_key(FILE *f, struct json_object *data, bool all)
{
	size_t n = data && json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(data, i), *b = NULL;
		const char *v = str(r, "value"), *hex = v ? NULL : str(r, "value_hex");
		bool best = json_object_object_get_ex(r, "best", &b) && json_object_get_boolean(b);

		if (!all) {
			if (!best)
				continue;
			fprintf(f, "%s%s\n", hex ? "hex:" : "", v ? v : hex ? hex : "");
			return 0;
		}
		fprintf(f, "%s %-15s %s%s\n", best ? "*>" : "  ", (v = str(r, "source")) ? v : "-",
			hex ? "hex:" : "", str(r, "value") ? str(r, "value") : hex ? hex : "");
	}
	return n ? 0 : -1;
}

static const char *dash(const char *s)
{
	return s ? s : "-";
}

static void join(struct json_object *a, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
		int w = snprintf(buf + n, cap - n, "%s%s", i ? "," : "",
				 json_object_get_string(json_object_array_get_idx(a, i)));
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
	if (!buf[0])
		snprintf(buf, cap, "-");
}

void cli_print_fdb(FILE *f, struct json_object *data)
{
	size_t n = data && json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	fprintf(f, "%-8s %-17s %-12s %-12s %-5s %-16s %-7s %-28s %s\n", "VNI", "MAC", "Device", "Master",
		"VLAN", "Dst", "Kind", "Flags", "State");
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i), *fl = NULL, *st = NULL;
		char flags[96], state[64];

		json_object_object_get_ex(o, "flags", &fl);
		json_object_object_get_ex(o, "state", &st);
		join(fl, flags, sizeof flags);
		join(st, state, sizeof state);
		fprintf(f, "%-8s %-17s %-12s %-12s %-5s %-16s %-7s %-28s %s\n", dash(str(o, "vni")),
			dash(str(o, "mac")), dash(str(o, "device")), dash(str(o, "master")),
			dash(str(o, "vlan")), dash(str(o, "dst")), dash(str(o, "kind")), flags, state);
	}
	fprintf(f, "%zu entr%s\n", n, n == 1 ? "y" : "ies");
}
