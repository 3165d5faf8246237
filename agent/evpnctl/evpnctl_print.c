/* SPDX-License-Identifier: Apache-2.0 */
/* evpnctl's text views: neighbors and routes as aligned tables (GoBGP-like), built from the JSON. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evpnctl.h"

#define MAXCOL 12 /* show vnis has 10 columns */

/* A table of strings; every cell is owned by it. */
struct table {
	size_t ncol, nrow, cap;
	char **cell; /* nrow * ncol */
};

static void table_row(struct table *t, const char *const *v)
{
	if (t->nrow == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **p = realloc(t->cell, cap * t->ncol * sizeof *p);
		if (!p) {
			fprintf(stderr, "evpnctl: out of memory\n");
			exit(1);
		}
		t->cell = p;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncol; c++) {
		char *s = strdup(v[c] ? v[c] : "");
		if (!s) {
			fprintf(stderr, "evpnctl: out of memory\n");
			exit(1);
		}
		t->cell[t->nrow * t->ncol + c] = s;
	}
	t->nrow++;
}

/* Print with every column as wide as its widest cell; right-aligned columns are listed in right. */
static void table_print(FILE *f, struct table *t, const bool *right)
{
	size_t w[MAXCOL] = { 0 };

	for (size_t r = 0; r < t->nrow; r++)
		for (size_t c = 0; c < t->ncol; c++) {
			size_t n = strlen(t->cell[r * t->ncol + c]);
			if (n > w[c])
				w[c] = n;
		}
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t c = 0; c < t->ncol; c++) {
			const char *s = t->cell[r * t->ncol + c];
			bool last = c + 1 == t->ncol;
			if (right && right[c])
				fprintf(f, "%*s", (int)w[c], s);
			else
				fprintf(f, "%-*s", last ? 0 : (int)w[c], s);
			fputs(last ? "\n" : "  ", f);
		}
	}
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static const char *str(struct json_object *o, const char *k, const char *dflt)
{
	struct json_object *v = get(o, k);

	return v && !json_object_is_type(v, json_type_null) ? json_object_get_string(v) : dflt;
}

static int64_t num(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v ? json_object_get_int64(v) : 0;
}

/* Seconds as "00:01:23", or "3d 04:05:06" past a day. */
static const char *duration(int64_t s, char *buf, size_t cap)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, cap, "%" PRId64 "d %02d:%02d:%02d", s / 86400, (int)(s % 86400 / 3600),
			 (int)(s % 3600 / 60), (int)(s % 60));
	else
		snprintf(buf, cap, "%02d:%02d:%02d", (int)(s / 3600), (int)(s % 3600 / 60), (int)(s % 60));
	return buf;
}

void cli_print_neighbors(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "Neighbor", "AS", "State", "Up/Down", "Hold", "Rcvd",
					    "Accepted", "Advertised" };
	static const bool right[] = { false, true, false, true, true, true, true, true };
	struct table t = { .ncol = 8 };
	size_t n = json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i), *rt = get(o, "routes");
		char as[16], up[32], hold[16], rc[16], ac[16], ad[16];
		const char *row[8];

		snprintf(as, sizeof as, "%" PRId64, num(o, "remote_as"));
		snprintf(hold, sizeof hold, "%" PRId64, num(o, "hold_time"));
		snprintf(rc, sizeof rc, "%" PRId64, num(rt, "received"));
		snprintf(ac, sizeof ac, "%" PRId64, num(rt, "accepted"));
		snprintf(ad, sizeof ad, "%" PRId64, num(rt, "advertised"));
		row[0] = str(o, "address", "?");
		row[1] = as;
		row[2] = str(o, "state", "?");
		row[3] = duration(num(o, "uptime"), up, sizeof up);
		row[4] = hold;
		row[5] = rc;
		row[6] = ac;
		row[7] = ad;
		table_row(&t, row);
	}
	table_print(f, &t, right);
	table_free(&t);
}

void cli_print_vrf_routes(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "Prefix", "Kind", "Via", "Router MAC", "Seq", "Routes",
					    "State" };
	static const bool right[] = { false, false, false, false, true, true, false };
	struct table t = { .ncol = 7 };
	size_t n = json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i);
		char seq[16], routes[16];
		const char *row[7];
		bool inst = json_object_get_boolean(get(o, "installed"));

		snprintf(seq, sizeof seq, "%" PRId64, num(o, "seq"));
		snprintf(routes, sizeof routes, "%" PRId64, num(o, "routes"));
		row[0] = str(o, "prefix", "?");
		row[1] = str(o, "kind", "?");
		row[2] = str(o, "via", "-");
		row[3] = str(o, "router_mac", "-");
		row[4] = seq;
		row[5] = routes;
		/* local: our own route wins (the prefix is here); waiting: the tenant is down or the
		 * winner cannot be installed */
		row[6] = inst ? "installed" : json_object_get_boolean(get(o, "local")) ? "local" : "waiting";
		table_row(&t, row);
	}
	table_print(f, &t, right);
	table_free(&t);
}

void cli_print_vrfs(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "VRF", "L3VNI", "Table", "VXLAN", "Bridge", "Router MAC",
					    "RD", "L2 VNIs", "Routes", "State" };
	struct table t = { .ncol = 10 };
	size_t n = json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i), *l2 = get(o, "l2vnis");
		char l3[16], tab[16] = "-", vnis[256] = "-", st[160], routes[48];
		size_t m = json_object_is_type(l2, json_type_array) ? json_object_array_length(l2) : 0;
		const char *row[10];

		snprintf(l3, sizeof l3, "%" PRId64, num(o, "l3vni"));
		if (get(o, "table"))
			snprintf(tab, sizeof tab, "%" PRId64, num(o, "table"));
		for (size_t j = 0, len = 0; j < m && len < sizeof vnis; j++) {
			int w = snprintf(vnis + len, sizeof vnis - len, "%s%" PRId64, j ? "," : "",
					 json_object_get_int64(json_object_array_get_idx(l2, j)));
			if (w < 0)
				break;
			len += (size_t)w;
		}
		snprintf(st, sizeof st, "%s%s%s%s", str(o, "state", "?"), get(o, "why") ? " (" : "",
			 str(o, "why", ""), get(o, "why") ? ")" : "");
		row[0] = str(o, "name", "?");
		row[1] = l3;
		row[2] = tab;
		row[3] = str(o, "vxlan", "-");
		row[4] = str(o, "bridge", "-");
		row[5] = str(o, "router_mac", "-");
		row[6] = str(o, "rd", "-");
		/* hosts+prefixes installed, via how many VTEPs */
		snprintf(routes, sizeof routes, "%" PRId64 "+%" PRId64 "/%" PRId64, num(o, "host_routes"),
			 num(o, "prefix_routes"), num(o, "remote_vteps"));
		row[7] = vnis;
		row[8] = routes;
		row[9] = st;
		table_row(&t, row);
	}
	table_print(f, &t, NULL);
	table_free(&t);
}

void cli_print_vnis(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "VNI", "VXLAN", "Bridge", "VTEP", "RD", "RT", "State",
					    "Local", "Remote", "Flood" };
	static const bool right[] = { true, false, false, false, false, false, false, true, true, false };
	struct table t = { .ncol = 10 };
	size_t n = json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i);
		char vni[16], loc[16], rem[16], rts[256] = "", flood[512] = "", br[40];
		const char *row[10];
		struct json_object *lists[2] = { get(o, "rt"), get(o, "flood") };
		char *bufs[2] = { rts, flood };
		size_t caps[2] = { sizeof rts, sizeof flood };

		for (int k = 0; k < 2; k++) {
			size_t m = json_object_is_type(lists[k], json_type_array)
				   ? json_object_array_length(lists[k]) : 0, len = 0;
			for (size_t j = 0; j < m && len < caps[k]; j++) {
				int w = snprintf(bufs[k] + len, caps[k] - len, "%s%s", j ? "," : "",
						 json_object_get_string(json_object_array_get_idx(lists[k], j)));
				if (w < 0)
					break;
				len += (size_t)w;
			}
			if (!m)
				snprintf(bufs[k], caps[k], "-");
		}
		snprintf(vni, sizeof vni, "%" PRId64, num(o, "vni"));
		snprintf(loc, sizeof loc, "%" PRId64, num(o, "local_macs"));
		snprintf(rem, sizeof rem, "%" PRId64, num(o, "remote_macs"));
		row[0] = vni;
		row[1] = str(o, "vxlan", "?");
		row[2] = str(o, "bridge", "-");
		if (get(o, "vlan")) { /* VLAN-aware bridge, one VXLAN device: the VLAN says which VNI */
			snprintf(br, sizeof br, "%s vlan %" PRId64, row[2], num(o, "vlan"));
			row[2] = br;
		}
		row[3] = str(o, "vtep_ip", "-");
		row[4] = str(o, "rd", "-");
		row[5] = rts;
		row[6] = str(o, "state", "?");
		row[7] = loc;
		row[8] = rem;
		row[9] = flood;
		table_row(&t, row);
	}
	table_print(f, &t, right);
	table_free(&t);
}

/* The Network column: the family's print form plus the VNI. */
static void evpn_network(struct json_object *o, char *buf, size_t cap)
{
	const char *type = str(o, "type", "?");
	int n;

	if (strcmp(type, "macadv") == 0)
		n = snprintf(buf, cap, "[type:macadv][rd:%s][etag:%" PRId64 "][mac:%s][ip:%s]",
			     str(o, "rd", "?"), num(o, "etag"), str(o, "mac", "?"), str(o, "ip", "<nil>"));
	else if (strcmp(type, "multicast") == 0)
		n = snprintf(buf, cap, "[type:multicast][rd:%s][etag:%" PRId64 "][ip:%s]", str(o, "rd", "?"),
			     num(o, "etag"), str(o, "originator", "<nil>"));
	else if (strcmp(type, "prefix") == 0)
		n = snprintf(buf, cap, "[type:prefix][rd:%s][esi:%s][etag:%" PRId64 "][prefix:%s]",
			     str(o, "rd", "?"), str(o, "esi", "0"), num(o, "etag"), str(o, "ip", "<nil>"));
	else
		n = snprintf(buf, cap, "[type:%s][rd:%s][esi:%s][etag:%" PRId64 "]", type, str(o, "rd", "?"),
			     str(o, "esi", "0"), num(o, "etag"));
	if (n >= 0 && (size_t)n < cap && get(o, "vni") && !json_object_is_type(get(o, "vni"), json_type_null))
		snprintf(buf + n, cap - (size_t)n, " vni %" PRId64, num(o, "vni"));
}

/* The Attrs column: "[rt:64512:100 encap:vxlan seq:0]" */
static void evpn_attrs(struct json_object *o, char *buf, size_t cap)
{
	struct json_object *rts = get(o, "route_targets"), *pmsi = get(o, "pmsi");
	size_t n = 0;

#define ADD(...)                                                                       \
	do {                                                                           \
		if (n < cap) {                                                         \
			int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);              \
			n += w_ > 0 ? (size_t)w_ : 0;                                  \
		}                                                                      \
	} while (0)
	ADD("[");
	for (size_t i = 0; rts && i < json_object_array_length(rts); i++)
		ADD("%srt:%s", n > 1 ? " " : "", json_object_get_string(json_object_array_get_idx(rts, i)));
	if (str(o, "encap", NULL))
		ADD("%sencap:%s", n > 1 ? " " : "", str(o, "encap", ""));
	if (strcmp(str(o, "type", ""), "macadv") == 0)
		ADD("%sseq:%" PRId64, n > 1 ? " " : "", num(o, "seq"));
	if (json_object_get_boolean(get(o, "sticky")))
		ADD("%ssticky", n > 1 ? " " : "");
	if (str(o, "router_mac", NULL))
		ADD("%srouter-mac:%s", n > 1 ? " " : "", str(o, "router_mac", ""));
	if (pmsi && json_object_is_type(pmsi, json_type_object))
		ADD("%spmsi:%s:%" PRId64 ":%s", n > 1 ? " " : "", str(pmsi, "type", "?"), num(pmsi, "label"),
		    str(pmsi, "endpoint", "<nil>"));
	ADD("]");
#undef ADD
}

static void print_evpn(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "  ", "Network", "Next Hop", "Age", "Source", "Attrs" };
	struct table t = { .ncol = 6 };
	size_t n = json_object_array_length(data);

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i);
		char net[512], attrs[1024], age[32];
		const char *row[6];

		if (strcmp(str(o, "family", ""), "evpn") != 0)
			continue;
		evpn_network(o, net, sizeof net);
		evpn_attrs(o, attrs, sizeof attrs);
		row[0] = json_object_get_boolean(get(o, "best")) ? "*>" : "* ";
		row[1] = net;
		row[2] = str(o, "nexthop", "-");
		row[3] = duration(num(o, "age"), age, sizeof age);
		row[4] = str(o, "source", "?");
		row[5] = attrs;
		table_row(&t, row);
	}
	if (t.nrow > 1)
		table_print(f, &t, NULL);
	table_free(&t);
}

/* Opaque keys and values are bytes: show what is not printable ASCII as \xNN. */
static const char *printable(struct json_object *v, char *buf, size_t cap)
{
	const char *s = v ? json_object_get_string(v) : "";
	size_t len = v ? (size_t)json_object_get_string_len(v) : 0, n = 0;

	for (size_t i = 0; i < len && n + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

static void print_opaque(FILE *f, struct json_object *data, bool gap)
{
	static const char *const head[] = { "  ", "Key", "Value", "Next Hop", "Source" };
	struct table t = { .ncol = 5 };
	size_t n = json_object_array_length(data);

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i);
		char key[1024], val[4096];
		const char *row[5];

		if (strcmp(str(o, "family", ""), "opaque") != 0)
			continue;
		row[0] = json_object_get_boolean(get(o, "best")) ? "*>" : "* ";
		row[1] = printable(get(o, "key"), key, sizeof key);
		row[2] = printable(get(o, "value"), val, sizeof val);
		row[3] = str(o, "nexthop", "-");
		row[4] = str(o, "source", "?");
		table_row(&t, row);
	}
	if (t.nrow > 1) {
		if (gap)
			fputc('\n', f);
		table_print(f, &t, NULL);
	}
	table_free(&t);
}

void cli_print_routes(FILE *f, struct json_object *data)
{
	bool any_evpn = false;

	if (!json_object_is_type(data, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(data) && !any_evpn; i++)
		any_evpn = strcmp(str(json_object_array_get_idx(data, i), "family", ""), "evpn") == 0;
	print_evpn(f, data);
	print_opaque(f, data, any_evpn);
}

static int mac_row_cmp(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
	int64_t d = num(x, "vni") - num(y, "vni");
	int c;

	if (d)
		return d < 0 ? -1 : 1;
	c = strcmp(str(x, "mac", ""), str(y, "mac", ""));
	return c ? c : strcmp(str(x, "location", ""), str(y, "location", ""));
}

void cli_sort_macs(struct json_object *data)
{
	if (json_object_is_type(data, json_type_array))
		json_object_array_sort(data, mac_row_cmp);
}

void cli_print_macs(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "VNI", "MAC", "Location", "Seq", "Flags", "Moves", "Age" };
	static const bool right[] = { true, false, false, true, false, true, true };
	struct table t = { .ncol = 7 };
	size_t n = json_object_is_type(data, json_type_array) ? json_object_array_length(data) : 0;

	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(data, i), *b;
		char vni[16], loc[64], seq[16], flags[32] = "", moves[16], age[32];
		const char *row[7], *l = str(o, "location", "-");

		if (strcmp(l, "local") == 0)
			snprintf(loc, sizeof loc, "local %s", str(o, "port", "?"));
		else
			snprintf(loc, sizeof loc, "%s", str(o, "vtep", "-"));
		static const char *const fl[] = { "sticky", "duplicate", "frozen" };
		for (int k = 0; k < 3; k++)
			if (json_object_object_get_ex(o, fl[k], &b) && json_object_get_boolean(b))
				snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "%s%s",
					 flags[0] ? "," : "", fl[k]);
		snprintf(vni, sizeof vni, "%" PRId64, num(o, "vni"));
		snprintf(seq, sizeof seq, "%" PRId64, num(o, "seq"));
		snprintf(moves, sizeof moves, "%" PRId64, num(o, "moves"));
		if (get(o, "age"))
			duration(num(o, "age"), age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		row[0] = vni;
		row[1] = str(o, "mac", "?");
		row[2] = loc;
		row[3] = seq;
		row[4] = flags[0] ? flags : "-";
		row[5] = moves;
		row[6] = age;
		table_row(&t, row);
	}
	table_print(f, &t, right);
	table_free(&t);
}

size_t cli_audit_count(struct json_object *data)
{
	struct json_object *d = get(data, "drift");

	return d && json_object_is_type(d, json_type_array) ? json_object_array_length(d) : 0;
}

/* One side of a difference: the VTEP (remote, flood) or the port (local), and "sticky". */
static void audit_side(struct json_object *o, const char *where, const char *sticky, char *buf,
		       size_t cap)
{
	struct json_object *s = get(o, sticky);

	snprintf(buf, cap, "%s%s", str(o, where, "-"),
		 s && json_object_get_boolean(s) ? " sticky" : "");
}

size_t cli_print_audit(FILE *f, struct json_object *data)
{
	static const char *const head[] = { "Kind", "VNI/VRF", "Device", "MAC/Prefix", "evpnd", "Kernel" };
	struct json_object *d = get(data, "drift"), *c = get(data, "checked");
	size_t n = cli_audit_count(data);
	struct table t = { .ncol = 6 };

	if (!n && strcmp(str(data, "scope", "all"), "owned") == 0) {
		fprintf(f, "audit: no drift (%" PRId64 " remote MACs, %" PRId64 " local MACs; %" PRId64
			" kernel FDB entries read; scope owned: flood lists and others' entries are\n"
			"checked by \"audit force\" only)\n", num(c, "remote_macs"), num(c, "local_macs"),
			num(c, "kernel_entries"));
		return 0;
	}
	if (!n) {
		fprintf(f, "audit: no drift (%" PRId64 " remote MACs, %" PRId64 " flood entries, %" PRId64
			" local MACs; %" PRId64 " kernel FDB entries)\n", num(c, "remote_macs"),
			num(c, "flood_entries"), num(c, "local_macs"), num(c, "kernel_entries"));
		return 0;
	}
	fprintf(f, "audit: %zu difference%s%s\n", n, n == 1 ? "" : "s",
		json_object_get_boolean(get(data, "converged")) ? "" : " (not yet converged)");
	table_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(d, i);
		bool local = strncmp(str(o, "kind", ""), "local-", 6) == 0;
		char vni[16], want[80], have[80];
		const char *row[6];

		if (get(o, "vrf")) {
			/* a routed tenant's route or router-MAC entry (no kernel side to show: it lacks it,
			 * or has what the kind says) */
			bool route = get(o, "prefix") != NULL;
			bool extra = strstr(str(o, "kind", ""), "-extra") != NULL; /* the kernel's, not evpnd's */
			const char *where = route ? str(o, "via", "-") : str(o, "vtep", "-");
			row[0] = str(o, "kind", "?");
			row[1] = str(o, "vrf", "?");
			row[2] = route ? "route" : str(o, "entry", "-");
			row[3] = route ? str(o, "prefix", "-") : str(o, "mac", "-");
			row[4] = extra ? "-" : where;
			row[5] = extra ? where : "-";
			table_row(&t, row);
			continue;
		}

		snprintf(vni, sizeof vni, "%" PRId64, num(o, "vni"));
		audit_side(o, local ? "port" : "vtep", "sticky", want, sizeof want);
		audit_side(o, local ? "kernel_port" : "kernel_vtep", "kernel_sticky", have, sizeof have);
		row[0] = str(o, "kind", "?");
		row[1] = get(o, "vni") && !json_object_is_type(get(o, "vni"), json_type_null) ? vni : "-";
		row[2] = str(o, "device", "-");
		row[3] = str(o, "mac", "-");
		row[4] = want;
		row[5] = have;
		table_row(&t, row);
	}
	table_print(f, &t, NULL);
	table_free(&t);
	return n;
}

void cli_print_status(FILE *f, struct json_object *data)
{
	json_object_object_foreach(data, k, v) {
		if (json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, k2, v2)
				fprintf(f, "%s %s: %s\n", k, k2, json_object_get_string(v2));
		} else {
			fprintf(f, "%s: %s\n", k, json_object_get_string(v));
		}
	}
}
