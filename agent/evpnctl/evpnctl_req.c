/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evpnctl's command words -> one control request. Values are checked here as well as in the daemon
 * so a typo gets its message before any connection is made.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evpnctl.h"

#define VNI_MAX 16777215u

static const char *const usage_lines[][3] = {
	/* first word, second word, the rest */
	{ "show", "neighbors", "" },
	{ "show", "routes", "[evpn|opaque] [vni N] | vrf NAME" },
	{ "show", "vnis", "" },
	{ "show", "vrfs", "" },
	{ "show", "status", "" },
	{ "show", "macs", "[vni N] [MAC]" },
	{ "show", "fdb", "[vni N] [force]" },
	{ "clear", "duplicate", "[vni N] [MAC]" },
	{ "clear", "neighbor", "ADDRESS" },
	{ "audit", "", "[force]" },
	{ "reload", "", "" },
	{ "add", "macadv",
	  "MAC [IP] vni N [rd RD] [rt RT]... [nexthop IP] [etag N] [seq N] [sticky]" },
	{ "del", "macadv", "MAC [IP] vni N [rd RD] [etag N]" },
	{ "add", "multicast", "IP vni N [rd RD] [rt RT]... [nexthop IP] [etag N]" },
	{ "del", "multicast", "IP vni N [rd RD] [etag N]" },
	{ "add", "key", "KEY value VALUE" },
	{ "del", "key", "KEY" },
	{ "get", "key", "KEY [--all]" },
	{ "watch", "[evpn|opaque]", "[vni N] [key-prefix P] [source local|peer] [since EPOCH:SEQ]" },
	{ "monitor", "[evpn|opaque]", "[vni N] [key-prefix P] [source local|peer] [since EPOCH:SEQ]" },
	{ "metrics", "", "" },
	{ "help", "[COMMAND]", "" },
};

void cli_usage_line(FILE *f, int argc, char **argv)
{
	bool any = false;

	for (size_t i = 0; i < sizeof usage_lines / sizeof usage_lines[0]; i++) {
		const char *const *u = usage_lines[i];
		if (argc < 1 || strcmp(argv[0], u[0]) != 0)
			continue;
		if (argc >= 2 && u[1][0] && u[1][0] != '[' && strcmp(argv[1], u[1]) != 0)
			continue;
		fprintf(f, "usage: evpnctl %s%s%s%s%s\n", u[0], u[1][0] ? " " : "", u[1],
			u[2][0] ? " " : "", u[2]);
		any = true;
	}
	if (!any)
		fprintf(f, "usage: evpnctl [-s SOCK] [--json] COMMAND ... (evpnctl --help lists them)\n");
}

void cli_help(FILE *f)
{
	fputs("usage: evpnctl [-s SOCK] [--json] COMMAND ...\n"
	      "\n"
	      "Show and change the state of evpnd through its control socket.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --socket SOCK  control socket (default /run/evpnd/evpnd.sock)\n"
	      "  -j, --json         print the reply's data as JSON (also accepted after the command)\n"
	      "  -h, --help         show this help and exit\n"
	      "  -V, --version      show the version and exit\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof usage_lines / sizeof usage_lines[0]; i++) {
		const char *const *u = usage_lines[i];
		fprintf(f, "  %s%s%s%s%s\n", u[0], u[1][0] ? " " : "", u[1], u[2][0] ? " " : "", u[2]);
	}
	fputs("\n"
	      "  show vnis     the VNIs found in the kernel: VXLAN device, bridge, VTEP, RD, RTs, state,\n"
	      "                local and remote MAC counts, flood list\n"
	      "  show vrfs     the routed tenants ([vrf] sections) and what the kernel has of each: VRF\n"
	      "                table, L3 VNI device, its bridge and router MAC, the L2 VNIs in the VRF,\n"
	      "                the host and prefix routes installed in it\n"
	      "  show routes   the RIB: every path, best marked \"*>\"; vni N keeps the EVPN routes of VNI N;\n"
	      "                vrf NAME: the routed tenant's prefixes and the routes installed for them\n"
	      "  add/del       originate or withdraw a local route (macadv: RFC 7432 type 2, multicast:\n"
	      "                type 3 with a PMSI ingress-replication tunnel, key: GoBGP's opaque family)\n"
	      "  show macs     local and remote MACs: VNI, location (local port or remote VTEP), sequence,\n"
	      "                flags (sticky, duplicate, frozen), moves in the dad-window, age\n"
	      "  clear duplicate  end the duplicate state of the matching MACs (all without vni/MAC)\n"
	      "  clear neighbor   reset the BGP session with ADDRESS (Cease/Administrative Reset) and\n"
	      "                   connect again 0.1 s later\n"
	      "  audit         compare evpnd's tables with a fresh read of the kernel FDB (remote MACs,\n"
	      "                flood entries, local MACs) and list the differences; exit status 3 when\n"
	      "                there are any; past fdb-dump-limit entries only what evpnd owns, unless\n"
	      "                \"force\" (a whole dump: minutes of kernel time at a million MACs);\n"
	      "                routed tenants' routes and router-MAC entries too\n"
	      "  get key       the best value of an opaque key; --all: every source's, best marked\n"
	      "  watch         the best paths (\"snapshot\" events), \"synced\", then one JSON object per\n"
	      "                change until evpnd closes; since EPOCH:SEQ resumes after that event\n"
	      "                (docs/control-protocol.md); the filters keep a VNI, keys starting with P,\n"
	      "                or routes of this evpnd (local) or of its neighbors (peer)\n"
	      "  monitor       watch, one human-readable line per event\n"
	      "  show fdb      the kernel FDB of the managed VXLAN devices and bridges (a fresh dump;\n"
	      "                \"force\" past fdb-dump-limit entries)\n"
	      "  metrics       the metrics in Prometheus text format\n"
	      "  help COMMAND  (or COMMAND --help) the help of one command\n"
	      "  reload        read evpnd.conf again and apply what changed (as SIGHUP); a file that\n"
	      "                does not load, or changes what needs a restart, is refused with its errors\n"
	      "\n"
	      "Values: MAC aa:bb:cc:dd:ee:ff; IP IPv4 or IPv6 (macadv: the host's IP, multicast: the\n"
	      "originating VTEP); VNI 1..16777215; RD and RT ASN:NN or A.B.C.D:NN; etag and seq 0..4294967295.\n"
	      "rd defaults to [vni N] rd in evpnd.conf, else router-id:VNI; rt to [vni N] route-targets,\n"
	      "else ASN:VNI; nexthop to vtep-ip, else the router id. sticky marks a static MAC (RFC 7432\n"
	      "section 15); seq sets its MAC mobility sequence number.\n"
	      "\n"
	      "Exit status: 0 success, 1 an error from evpnd or the connection, 2 a usage error,\n"
	      "3 audit found drift.\n", f);
}

static bool is_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool is_mac(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* "ASN:NN" or "A.B.C.D:NN" (RD and RT share the syntax); ranges are the daemon's to check. */
static bool is_rd(const char *s)
{
	const char *colon = strrchr(s, ':');
	char left[64];
	uint32_t v;
	unsigned char ip[4];

	if (!colon || (size_t)(colon - s) >= sizeof left || !is_u32(colon + 1, 0, UINT32_MAX, &v))
		return false;
	memcpy(left, s, (size_t)(colon - s));
	left[colon - s] = '\0';
	return is_u32(left, 0, UINT32_MAX, &v) || inet_pton(AF_INET, left, ip) == 1;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "evpnctl: message" on stderr; returns -1 */
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "evpnctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static bool is_family(const char *s)
{
	return strcmp(s, "evpn") == 0 || strcmp(s, "opaque") == 0;
}

/* The keyword arguments of an EVPN route command. allowed lists the words it takes. */
static int evpn_args(struct json_object *req, int argc, char **argv, const char *const *allowed,
		     bool *usage)
{
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i];
		bool ok = false;
		uint32_t v;

		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(*a, k) == 0;
		if (!ok) {
			*usage = true;
			return fail("unexpected \"%s\"", k);
		}
		if (json_object_object_get_ex(req, k, NULL)) {
			*usage = true;
			return fail("\"%s\" given twice", k);
		}
		if (strcmp(k, "sticky") == 0) {
			json_object_object_add(req, k, json_object_new_boolean(1));
			continue;
		}
		if (i + 1 >= argc) {
			*usage = true;
			return fail("\"%s\" needs a value", k);
		}
		if (strcmp(k, "rt") == 0) {
			struct json_object *rts = json_object_new_array();
			json_object_object_add(req, k, rts);
			/* rt A B ... and rt A rt B both work */
			while (i + 1 < argc) {
				const char *s = argv[i + 1];
				bool keyword = false;
				for (const char *const *a = allowed; *a; a++)
					keyword |= strcmp(*a, s) == 0;
				if (keyword && strcmp(s, "rt") != 0)
					break;
				i++;
				if (keyword)
					continue;
				if (!is_rd(s))
					return fail("bad route target \"%s\"", s);
				json_object_array_add(rts, json_object_new_string(s));
			}
			if (json_object_array_length(rts) == 0) {
				*usage = true;
				return fail("\"%s\" needs a value", k);
			}
			continue;
		}
		const char *s = argv[++i];
		if (strcmp(k, "vni") == 0) {
			if (!is_u32(s, 1, VNI_MAX, &v))
				return fail("bad VNI \"%s\" (1..16777215)", s);
			json_object_object_add(req, k, json_object_new_int64(v));
		} else if (strcmp(k, "etag") == 0 || strcmp(k, "seq") == 0) {
			if (!is_u32(s, 0, UINT32_MAX, &v))
				return fail("bad %s \"%s\" (0..4294967295)", k, s);
			json_object_object_add(req, k, json_object_new_int64(v));
		} else if (strcmp(k, "rd") == 0) {
			if (!is_rd(s))
				return fail("bad route distinguisher \"%s\"", s);
			json_object_object_add(req, k, json_object_new_string(s));
		} else if (strcmp(k, "nexthop") == 0) {
			if (!is_ip(s))
				return fail("bad IP address \"%s\"", s);
			json_object_object_add(req, k, json_object_new_string(s));
		}
	}
	if (!json_object_object_get_ex(req, "vni", NULL)) {
		*usage = true;
		return fail("missing vni N");
	}
	return 0;
}

static const char *const add_mac_words[] = { "vni", "rd", "rt", "nexthop", "etag", "seq", "sticky",
					     NULL };
static const char *const del_words[] = { "vni", "rd", "etag", NULL };
static const char *const add_mc_words[] = { "vni", "rd", "rt", "nexthop", "etag", NULL };

static int macadv(struct json_object *req, bool add, int argc, char **argv, bool *usage)
{
	const char *const *words = add ? add_mac_words : del_words;
	int i = 0;

	if (argc < 1) {
		*usage = true;
		return fail("missing MAC");
	}
	if (!is_mac(argv[0]))
		return fail("bad MAC address \"%s\"", argv[0]);
	json_object_object_add(req, "mac", json_object_new_string(argv[0]));
	i = 1;
	if (i < argc) {
		bool keyword = false;
		for (const char *const *a = words; *a; a++)
			keyword |= strcmp(*a, argv[i]) == 0;
		if (!keyword) {
			if (!is_ip(argv[i]) && !strpbrk(argv[i], ".:")) {
				*usage = true; /* a misspelt keyword rather than an address */
				return fail("unexpected \"%s\"", argv[i]);
			}
			if (!is_ip(argv[i]))
				return fail("bad IP address \"%s\"", argv[i]);
			json_object_object_add(req, "ip", json_object_new_string(argv[i]));
			i++;
		}
	}
	return evpn_args(req, argc - i, argv + i, words, usage);
}

static int multicast(struct json_object *req, bool add, int argc, char **argv, bool *usage)
{
	if (argc < 1) {
		*usage = true;
		return fail("missing IP");
	}
	if (!is_ip(argv[0]))
		return fail("bad IP address \"%s\"", argv[0]);
	json_object_object_add(req, "ip", json_object_new_string(argv[0]));
	return evpn_args(req, argc - 1, argv + 1, add ? add_mc_words : del_words, usage);
}

static int key(struct json_object *req, bool add, int argc, char **argv, bool *usage)
{
	if (argc != (add ? 3 : 1) || (add && strcmp(argv[1], "value") != 0)) {
		*usage = true;
		return fail("%s", add ? "expected KEY value VALUE" : "expected KEY");
	}
	if (!*argv[0])
		return fail("empty key");
	json_object_object_add(req, "key", json_object_new_string(argv[0]));
	if (add)
		json_object_object_add(req, "value", json_object_new_string(argv[2]));
	return 0;
}

/* watch's words: [evpn|opaque] [vni N] [key-prefix P] [source local|peer] [since EPOCH:SEQ]. */
static int watch_args(struct json_object *req, int argc, char **argv, bool *usage)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n;

		if (is_family(w) && !json_object_object_get_ex(req, "family", NULL)) {
			json_object_object_add(req, "family", json_object_new_string(w));
			continue;
		}
		bool known = !strcmp(w, "vni") || !strcmp(w, "key-prefix") || !strcmp(w, "source") ||
			     !strcmp(w, "since");
		if (!known || !v || json_object_object_get_ex(req, strcmp(w, "key-prefix") ? w : "key_prefix", NULL)) {
			*usage = true;
			return fail(known && !v ? "%s needs a value" : "unexpected \"%s\"", w);
		}
		i++;
		if (!strcmp(w, "vni")) {
			if (!is_u32(v, 1, VNI_MAX, &n))
				return fail("bad VNI \"%s\" (1..16777215)", v);
			json_object_object_add(req, "vni", json_object_new_int64(n));
		} else if (!strcmp(w, "key-prefix")) {
			json_object_object_add(req, "key_prefix", json_object_new_string(v));
		} else if (!strcmp(w, "source")) {
			if (strcmp(v, "local") && strcmp(v, "peer"))
				return fail("source is local or peer, not \"%s\"", v);
			json_object_object_add(req, "source", json_object_new_string(v));
		} else {
			const char *colon = strrchr(v, ':');
			char *end;
			unsigned long long seq;
			if (!colon || colon == v || !colon[1])
				return fail("since takes EPOCH:SEQ (from a synced event), not \"%s\"", v);
			errno = 0;
			seq = strtoull(colon + 1, &end, 10);
			if (*end || errno || seq > (1ull << 53))
				return fail("since takes EPOCH:SEQ (from a synced event), not \"%s\"", v);
			json_object_object_add(req, "epoch", json_object_new_string_len(v, (int)(colon - v)));
			json_object_object_add(req, "since", json_object_new_int64((int64_t)seq));
		}
	}
	return 0;
}

/* [vni N] [MAC] in any order, for show macs and clear duplicate. */
enum { ARG_FAMILY = 1, ARG_MAC = 2 };

/* The filters of show commands, each at most once: "vni N" always, a family name and a MAC where
 * allowed says so. */
static int filter_args(struct json_object *req, int argc, char **argv, unsigned allowed, bool *usage)
{
	for (int i = 0; i < argc; i++) {
		uint32_t v;
		if (strcmp(argv[i], "vni") == 0 && i + 1 < argc &&
		    !json_object_object_get_ex(req, "vni", NULL)) {
			if (!is_u32(argv[++i], 1, VNI_MAX, &v))
				return fail("bad VNI \"%s\" (1..16777215)", argv[i]);
			json_object_object_add(req, "vni", json_object_new_int64(v));
		} else if ((allowed & ARG_FAMILY) && is_family(argv[i]) &&
			   !json_object_object_get_ex(req, "family", NULL)) {
			json_object_object_add(req, "family", json_object_new_string(argv[i]));
		} else if ((allowed & ARG_MAC) && is_mac(argv[i]) &&
			   !json_object_object_get_ex(req, "mac", NULL)) {
			json_object_object_add(req, "mac", json_object_new_string(argv[i]));
		} else {
			*usage = true;
			return fail("unexpected \"%s\"", argv[i]);
		}
	}
	return 0;
}

static int show(struct json_object *req, int argc, char **argv, enum cli_view *view, bool *usage)
{
	if (argc >= 1 && (strcmp(argv[0], "neighbors") == 0 || strcmp(argv[0], "neighbor") == 0)) {
		if (argc > 1) {
			*usage = true;
			return fail("unexpected \"%s\"", argv[1]);
		}
		json_object_object_add(req, "cmd", json_object_new_string("show-neighbors"));
		*view = VIEW_NEIGHBORS;
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[0], "routes") == 0 || strcmp(argv[0], "route") == 0) &&
	    strcmp(argv[1], "vrf") == 0) {
		if (argc != 3) {
			*usage = true;
			return fail(argc < 3 ? "show routes vrf: which VRF?" : "unexpected \"%s\"", argv[3]);
		}
		json_object_object_add(req, "cmd", json_object_new_string("show-vrf-routes"));
		json_object_object_add(req, "vrf", json_object_new_string(argv[2]));
		*view = VIEW_VRF_ROUTES;
		return 0;
	}
	if (argc >= 1 && (strcmp(argv[0], "routes") == 0 || strcmp(argv[0], "route") == 0)) {
		json_object_object_add(req, "cmd", json_object_new_string("show-routes"));
		*view = VIEW_ROUTES;
		return filter_args(req, argc - 1, argv + 1, ARG_FAMILY, usage);
	}
	if (argc >= 1 && (strcmp(argv[0], "macs") == 0 || strcmp(argv[0], "mac") == 0)) {
		json_object_object_add(req, "cmd", json_object_new_string("show-macs"));
		*view = VIEW_MACS;
		return filter_args(req, argc - 1, argv + 1, ARG_MAC, usage);
	}
	if (argc >= 1 && (strcmp(argv[0], "vnis") == 0 || strcmp(argv[0], "vni") == 0)) {
		if (argc > 1) {
			*usage = true;
			return fail("unexpected \"%s\"", argv[1]);
		}
		json_object_object_add(req, "cmd", json_object_new_string("show-vnis"));
		*view = VIEW_VNIS;
		return 0;
	}
	if (argc >= 1 && (strcmp(argv[0], "vrfs") == 0 || strcmp(argv[0], "vrf") == 0)) {
		if (argc > 1) {
			*usage = true;
			return fail("unexpected \"%s\"", argv[1]);
		}
		json_object_object_add(req, "cmd", json_object_new_string("show-vrfs"));
		*view = VIEW_VRFS;
		return 0;
	}
	if (argc >= 1 && strcmp(argv[0], "status") == 0) {
		if (argc > 1) {
			*usage = true;
			return fail("unexpected \"%s\"", argv[1]);
		}
		json_object_object_add(req, "cmd", json_object_new_string("show-status"));
		*view = VIEW_STATUS;
		return 0;
	}
	if (argc >= 1 && strcmp(argv[0], "fdb") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("show-fdb"));
		*view = VIEW_FDB;
		if (argc >= 2 && strcmp(argv[argc - 1], "force") == 0) {
			json_object_object_add(req, "force", json_object_new_boolean(1));
			argc--;
		}
		return filter_args(req, argc - 1, argv + 1, 0, usage);
	}
	*usage = true;
	return fail("show what? (neighbors, routes, vnis, vrfs, macs, fdb or status)");
}

struct json_object *cli_request(int argc, char **argv, enum cli_view *view, bool *usage)
{
	struct json_object *req = json_object_new_object();
	int r = -1;

	*usage = false;
	*view = VIEW_NONE;
	if (argc < 1) {
		*usage = true;
		fail("missing command");
	} else if (strcmp(argv[0], "show") == 0) {
		r = show(req, argc - 1, argv + 1, view, usage);
	} else if (strcmp(argv[0], "metrics") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("metrics"));
		*view = VIEW_METRICS;
		if (argc > 1) {
			*usage = true;
			fail("unexpected \"%s\"", argv[1]);
		} else {
			r = 0;
		}
	} else if (strcmp(argv[0], "watch") == 0 || strcmp(argv[0], "monitor") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("watch"));
		*view = argv[0][0] == 'w' ? VIEW_WATCH : VIEW_MONITOR;
		r = watch_args(req, argc - 1, argv + 1, usage);
	} else if (strcmp(argv[0], "get") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("show-routes"));
		json_object_object_add(req, "family", json_object_new_string("opaque"));
		*view = VIEW_GETKEY;
		if (argc >= 2 && strcmp(argv[argc - 1], "--all") == 0) {
			*view = VIEW_GETKEY_ALL;
			argc--;
		}
		if (argc != 3 || strcmp(argv[1], "key") != 0) {
			*usage = true;
			fail(argc < 2 || strcmp(argv[1], "key") ? "get what? (key)" : "expected KEY");
		} else if (!*argv[2]) {
			fail("empty key");
		} else {
			json_object_object_add(req, "key", json_object_new_string(argv[2]));
			r = 0;
		}
	} else if (strcmp(argv[0], "audit") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("audit"));
		*view = VIEW_AUDIT;
		if (argc == 2 && strcmp(argv[1], "force") == 0) {
			json_object_object_add(req, "force", json_object_new_boolean(1));
			r = 0;
		} else if (argc > 1) {
			*usage = true;
			fail("unexpected \"%s\"", argv[1]);
		} else {
			r = 0;
		}
	} else if (strcmp(argv[0], "reload") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("reload"));
		*view = VIEW_RELOADED;
		if (argc > 1) {
			*usage = true;
			fail("unexpected \"%s\"", argv[1]);
		} else {
			r = 0;
		}
	} else if (strcmp(argv[0], "clear") == 0 && argc >= 2 && strcmp(argv[1], "neighbor") == 0) {
		json_object_object_add(req, "cmd", json_object_new_string("clear-neighbor"));
		if (argc != 3) {
			*usage = true;
			fail(argc < 3 ? "missing ADDRESS" : "unexpected \"%s\"", argv[argc - 1]);
		} else if (!is_ip(argv[2])) {
			fail("bad IP address \"%s\"", argv[2]);
		} else {
			json_object_object_add(req, "address", json_object_new_string(argv[2]));
			r = 0;
		}
	} else if (strcmp(argv[0], "clear") == 0) {
		if (argc < 2 || strcmp(argv[1], "duplicate") != 0) {
			*usage = true;
			fail("clear what? (duplicate or neighbor)");
		} else {
			json_object_object_add(req, "cmd", json_object_new_string("clear-duplicate"));
			*view = VIEW_CLEARED;
			r = filter_args(req, argc - 2, argv + 2, ARG_MAC, usage);
		}
	} else if (strcmp(argv[0], "add") == 0 || strcmp(argv[0], "del") == 0) {
		bool add = argv[0][0] == 'a';
		char cmd[32];
		const char *what = argc > 1 ? argv[1] : "";

		if (strcmp(what, "macadv") == 0 || strcmp(what, "multicast") == 0 ||
		    strcmp(what, "key") == 0) {
			snprintf(cmd, sizeof cmd, "%s-%s", argv[0], what);
			json_object_object_add(req, "cmd", json_object_new_string(cmd));
			if (what[0] == 'k')
				r = key(req, add, argc - 2, argv + 2, usage);
			else if (what[1] == 'a')
				r = macadv(req, add, argc - 2, argv + 2, usage);
			else
				r = multicast(req, add, argc - 2, argv + 2, usage);
		} else {
			*usage = true;
			fail("%s what? (macadv, multicast or key)", argv[0]);
		}
	} else {
		*usage = true;
		fail("unknown command \"%s\"", argv[0]);
	}
	if (r < 0) {
		json_object_put(req);
		return NULL;
	}
	return req;
}
