/*
 * The INI configuration (see config.h; the accepted keys are the keydef tables below).
 *
 * inih splits lines into section/name/value; our own line reader in front of it counts lines (Debian
 * builds inih without INI_HANDLER_LINENO), sees section headers first so that duplicate, unknown
 * and empty sections get their own line, and refuses lines inih would silently split.
 * The first error in file order wins; checks that need the whole file run at the end.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "family.h"

#define MAX_KEYS 16

enum sect_kind { SECT_NONE, SECT_GLOBAL, SECT_NEIGHBOR, SECT_VNI, SECT_BAD };

struct loader;

struct keydef {
	const char *name;
	int (*set)(struct loader *ld, const char *val);
	bool repeats; /* may appear on several lines (values accumulate) */
};

struct loader {
	struct config *cfg;
	FILE *f;
	char *buf;
	size_t cap;
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
	bool rt_explicit_auto;     /* current [vni]: "route-target = auto" seen */
	int global_line;
	unsigned nbr_cap, vni_cap;
	bool *nbr_hold_set;        /* per neighbor: hold-time given (else inherits [global]) */
};

/* Record "FILE:LINE: message" unless an earlier error is already recorded. */
__attribute__((format(printf, 3, 4))) static void fail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->err_line)
		return;
	ld->err_line = line > 0 ? line : 1;
	n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->cfg->path, ld->err_line);
	if (n < 0 || (size_t)n >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A value that does not parse: `[section] key: "value" <why>`. Returns -1 for the setter. */
static int bad(struct loader *ld, const char *val, const char *why)
{
	fail(ld, ld->line, "%s %s: \"%s\" %s", ld->label, ld->key, val, why);
	return -1;
}

static int get_u32(struct loader *ld, const char *val, uint32_t min, uint32_t max, uint32_t *out)
{
	char why[64];
	if (parse_u32(val, min, max, out) == 0)
		return 0;
	snprintf(why, sizeof why, "is not a number in %u-%u", min, max);
	return bad(ld, val, why);
}

static int get_bool(struct loader *ld, const char *val, bool *out)
{
	if (parse_bool(val, out) == 0)
		return 0;
	return bad(ld, val, "is not a boolean (yes/no, true/false, on/off, 1/0)");
}

static int get_asn(struct loader *ld, const char *val, uint32_t *out)
{
	if (parse_u32(val, 1, 0xffffffffu, out) == 0)
		return 0;
	return bad(ld, val, "is not an AS number (1-4294967295)");
}

/* RFC 4271 section 4.2: 0 disables keepalives, otherwise at least 3 seconds. */
static int get_hold(struct loader *ld, const char *val, uint16_t *out)
{
	uint32_t v;
	if (parse_u32(val, 0, 65535, &v) == 0 && (v == 0 || v >= 3)) {
		*out = (uint16_t)v;
		return 0;
	}
	return bad(ld, val, "is not a hold time (0 or 3-65535 seconds)");
}

static bool ip_is_zero(const struct ipaddr *a)
{
	for (size_t i = 0; i < ipaddr_len(a); i++)
		if (a->a[i])
			return false;
	return true;
}

/* A unicast-usable address: parses and is not the unspecified address. */
static int get_ip(struct loader *ld, const char *val, struct ipaddr *out)
{
	if (ipaddr_parse(val, out) == 0 && !ip_is_zero(out))
		return 0;
	return bad(ld, val, "is not an IP address");
}

static int get_ipv4_host(const char *val, uint32_t *out)
{
	struct in_addr in;
	if (inet_pton(AF_INET, val, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

/* ------------------------------------------------------------------------------------ [global] */

static int g_asn(struct loader *ld, const char *val)
{
	return get_asn(ld, val, &ld->cfg->g.asn);
}

static int g_router_id(struct loader *ld, const char *val)
{
	uint32_t id;
	/* RFC 6286: a non-zero 32-bit value; we take it in IPv4 notation only. */
	if (get_ipv4_host(val, &id) || id == 0)
		return bad(ld, val, "is not a router id (a non-zero IPv4 address)");
	ld->cfg->g.router_id = id;
	return 0;
}

/* address[:port], [v6addr]:port, bare v6addr, "*[:port]", ":port", or "none"; port 0: no listening. */
static int g_listen(struct loader *ld, const char *val)
{
	static const char why[] = "is not a listen address (address, address:port, [IPv6]:port or none)";
	struct bgp_global *g = &ld->cfg->g;
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL;
	const char *colon = strchr(val, ':');
	size_t hlen;
	uint32_t p = 179;
	struct ipaddr a;

	memset(&a, 0, sizeof a);
	if (!*val)
		return bad(ld, val, why);
	if (!strcmp(val, "none")) {
		memset(&g->listen_addr, 0, sizeof g->listen_addr);
		g->listen_port = 0;
		return 0;
	}
	if (val[0] == '[') {
		const char *end = strchr(val, ']');
		if (!end)
			return bad(ld, val, why);
		hlen = (size_t)(end - val - 1);
		if (hlen >= sizeof host)
			return bad(ld, val, why);
		memcpy(host, val + 1, hlen);
		host[hlen] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return bad(ld, val, why);
		if (ipaddr_parse(host, &a) || a.af != AF_INET6)
			return bad(ld, val, why);
	} else if (colon && strchr(colon + 1, ':')) {
		/* two colons or more: a bare IPv6 address without a port */
		if (ipaddr_parse(val, &a) || a.af != AF_INET6)
			return bad(ld, val, why);
	} else {
		hlen = colon ? (size_t)(colon - val) : strlen(val);
		if (hlen >= sizeof host)
			return bad(ld, val, why);
		memcpy(host, val, hlen);
		host[hlen] = '\0';
		if (colon)
			port = colon + 1;
		if (hlen > 0 && strcmp(host, "*") && (ipaddr_parse(host, &a) || a.af != AF_INET))
			return bad(ld, val, why);
	}
	if (port && parse_u32(port, 0, 65535, &p))
		return bad(ld, val, why);
	g->listen_addr = a;
	g->listen_port = (uint16_t)p;
	return 0;
}

static int g_control_socket(struct loader *ld, const char *val)
{
	size_t n = strlen(val);
	if (n == 0 || n >= sizeof ld->cfg->control_socket)
		return bad(ld, val, "is not a socket path (1-107 characters)");
	memcpy(ld->cfg->control_socket, val, n + 1);
	return 0;
}

static int g_hold_time(struct loader *ld, const char *val)
{
	return get_hold(ld, val, &ld->cfg->g.hold_time);
}

static int g_connect_retry(struct loader *ld, const char *val)
{
	uint32_t v;
	if (get_u32(ld, val, 1, 3600, &v))
		return -1;
	ld->cfg->g.connect_retry = (uint16_t)v;
	return 0;
}

static int g_vtep_ip(struct loader *ld, const char *val)
{
	return get_ip(ld, val, &ld->cfg->vtep_ip);
}

static int g_cluster_id(struct loader *ld, const char *val)
{
	uint32_t id;
	if ((get_ipv4_host(val, &id) == 0 || parse_u32(val, 1, 0xffffffffu, &id) == 0) && id != 0) {
		ld->cfg->g.cluster_id = id;
		return 0;
	}
	return bad(ld, val, "is not a cluster id (a non-zero IPv4 address or 1-4294967295)");
}

static int g_graceful_restart(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &ld->cfg->g.graceful_restart);
}

/* RFC 4724: the restart time is a 12-bit field. */
static int g_restart_time(struct loader *ld, const char *val)
{
	uint32_t v;
	if (get_u32(ld, val, 1, 4095, &v))
		return -1;
	ld->cfg->g.restart_time = (uint16_t)v;
	return 0;
}

/* Seconds after start-up before stale kernel entries are removed without every End-of-RIB. */
static int g_converge_timeout(struct loader *ld, const char *val)
{
	return get_u32(ld, val, 0, 3600, &ld->cfg->converge_timeout);
}

/* The event socket's receive buffer: what a burst must fit in before events are lost (ENOBUFS,
 * then a re-dump); tiny values exist to force that path in tests. At most 1 GiB (the kernel's cap). */
static int g_netlink_buffer(struct loader *ld, const char *val)
{
	return get_u32(ld, val, 4096, 1u << 30, &ld->cfg->netlink_buffer);
}

/* Duplicate address detection (as FRR's "dup-addr-detection max-moves N time M"). */
static int g_dad_max_moves(struct loader *ld, const char *val)
{
	return get_u32(ld, val, 0, 255, &ld->cfg->dad_max_moves); /* 0: off */
}

static int g_dad_window(struct loader *ld, const char *val)
{
	return get_u32(ld, val, 1, 86400, &ld->cfg->dad_window);
}

static int g_dad_freeze(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &ld->cfg->dad_freeze);
}

static int g_dad_recovery(struct loader *ld, const char *val)
{
	return get_u32(ld, val, 0, 86400, &ld->cfg->dad_recovery);
}

static const struct keydef global_keys[] = {
	{"asn", g_asn, false},
	{"router-id", g_router_id, false},
	{"listen", g_listen, false},
	{"control-socket", g_control_socket, false},
	{"hold-time", g_hold_time, false},
	{"connect-retry", g_connect_retry, false},
	{"vtep-ip", g_vtep_ip, false},
	{"cluster-id", g_cluster_id, false},
	{"graceful-restart", g_graceful_restart, false},
	{"restart-time", g_restart_time, false},
	{"converge-timeout", g_converge_timeout, false},
	{"netlink-buffer", g_netlink_buffer, false},
	{"dad-max-moves", g_dad_max_moves, false},
	{"dad-window", g_dad_window, false},
	{"dad-freeze", g_dad_freeze, false},
	{"dad-recovery", g_dad_recovery, false},
	{NULL, NULL, false},
};

/* ---------------------------------------------------------------------------- [neighbor ADDR] */

static struct bgp_neighbor *cur_nbr(struct loader *ld)
{
	return &ld->cfg->nbr[ld->cfg->nnbr - 1].n;
}

static int n_remote_as(struct loader *ld, const char *val)
{
	return get_asn(ld, val, &cur_nbr(ld)->remote_as);
}

static int n_passive(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &cur_nbr(ld)->passive);
}

static int n_families(struct loader *ld, const char *val)
{
	uint32_t m;
	if (family_mask_parse(val, &m) || m == 0)
		return bad(ld, val, "is not a list of families (evpn, opaque)");
	cur_nbr(ld)->fam_mask = m;
	return 0;
}

static int n_hold_time(struct loader *ld, const char *val)
{
	if (get_hold(ld, val, &cur_nbr(ld)->hold_time))
		return -1;
	ld->nbr_hold_set[ld->cfg->nnbr - 1] = true;
	return 0;
}

static int n_port(struct loader *ld, const char *val)
{
	uint32_t v;
	if (get_u32(ld, val, 1, 65535, &v))
		return -1;
	cur_nbr(ld)->port = (uint16_t)v;
	return 0;
}

static int n_rr_client(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &cur_nbr(ld)->rr_client);
}

static int n_local_address(struct loader *ld, const char *val)
{
	struct bgp_neighbor *n = cur_nbr(ld);
	struct ipaddr a;
	if (get_ip(ld, val, &a))
		return -1;
	if (a.af != n->addr.af)
		return bad(ld, val, "is not of the neighbor's address family");
	n->local_addr = a;
	return 0;
}

static const struct keydef neighbor_keys[] = {
	{"remote-as", n_remote_as, false},
	{"passive", n_passive, false},
	{"families", n_families, false},
	{"hold-time", n_hold_time, false},
	{"port", n_port, false},
	{"route-reflector-client", n_rr_client, false},
	{"local-address", n_local_address, false},
	{NULL, NULL, false},
};

/* -------------------------------------------------------------------------------------- [vni N] */

static struct cfg_vni *cur_vni(struct loader *ld)
{
	return &ld->cfg->vni[ld->cfg->nvni - 1];
}

static int v_rd(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	if (!strcmp(val, "auto")) {
		v->rd_auto = true;
		return 0;
	}
	if (rd_parse(val, &v->rd))
		return bad(ld, val, "is not a route distinguisher (auto, ASN:NN or A.B.C.D:NN)");
	v->rd_auto = false;
	return 0;
}

/* One or more RTs per line, or "auto" alone; several lines accumulate. */
static int v_route_target(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	const char *s = val;
	char word[64];
	bool any = false;

	while (*s) {
		size_t n = strcspn(s, " \t,");
		if (n == 0) {
			s++;
			continue;
		}
		any = true;
		if (n >= sizeof word)
			return bad(ld, val, "is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)");
		memcpy(word, s, n);
		word[n] = '\0';
		s += n;
		if (!strcmp(word, "auto")) {
			if (v->nrt > 0)
				return bad(ld, val, "mixes auto with explicit route targets");
			ld->rt_explicit_auto = true;
			v->rt_auto = true;
			continue;
		}
		uint64_t rt;
		if (ld->rt_explicit_auto)
			return bad(ld, val, "mixes auto with explicit route targets");
		if (extc_rt_parse(word, &rt))
			return bad(ld, val, "is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)");
		for (unsigned i = 0; i < v->nrt; i++)
			if (v->rt[i] == rt) {
				char why[96];
				snprintf(why, sizeof why, "lists route target %s twice", word);
				return bad(ld, val, why);
			}
		if (v->nrt >= CFG_MAX_RT) {
			char why[64];
			snprintf(why, sizeof why, "has more than %d route targets", CFG_MAX_RT);
			return bad(ld, val, why);
		}
		v->rt[v->nrt++] = rt;
		v->rt_auto = false;
	}
	if (!any)
		return bad(ld, val, "is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)");
	return 0;
}

/* import-rt / export-rt: RTs and "auto" in any mix, several per line; lines accumulate. */
static int v_rt_list(struct loader *ld, const char *val, uint64_t *arr, unsigned *n, bool *has_auto)
{
	static const char why[] = "is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)";
	const char *s = val;
	char word[64];
	bool any = false;

	while (*s) {
		size_t len = strcspn(s, " \t,");
		if (len == 0) {
			s++;
			continue;
		}
		any = true;
		if (len >= sizeof word)
			return bad(ld, val, why);
		memcpy(word, s, len);
		word[len] = '\0';
		s += len;
		uint64_t rt;
		if (!strcmp(word, "auto")) {
			*has_auto = true;
			continue;
		}
		if (extc_rt_parse(word, &rt))
			return bad(ld, val, why);
		for (unsigned i = 0; i < *n; i++)
			if (arr[i] == rt) {
				char w2[96];
				snprintf(w2, sizeof w2, "lists route target %s twice", word);
				return bad(ld, val, w2);
			}
		if (*n >= CFG_MAX_RT) {
			char w2[64];
			snprintf(w2, sizeof w2, "has more than %d route targets", CFG_MAX_RT);
			return bad(ld, val, w2);
		}
		arr[(*n)++] = rt;
	}
	return any ? 0 : bad(ld, val, why);
}

static int v_import_rt(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	return v_rt_list(ld, val, v->import_rt, &v->nimport, &v->import_auto);
}

static int v_export_rt(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	return v_rt_list(ld, val, v->export_rt, &v->nexport, &v->export_auto);
}

static const struct keydef vni_keys[] = {
	{"rd", v_rd, false},
	{"route-target", v_route_target, true},
	{"import-rt", v_import_rt, true},
	{"export-rt", v_export_rt, true},
	{NULL, NULL, false},
};

/* ------------------------------------------------------------------------------------ sections */

/* Grow *arr (of elem-sized items, *cap of them) so one more fits. */
static int grow(void **arr, unsigned *cap, unsigned used, size_t elem)
{
	if (used < *cap)
		return 0;
	unsigned ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static void open_global(struct loader *ld)
{
	if (ld->global_line) {
		fail(ld, ld->line, "[global] duplicate section (first on line %d)", ld->global_line);
		return;
	}
	ld->global_line = ld->line;
	ld->kind = SECT_GLOBAL;
	ld->keys = global_keys;
}

static void open_neighbor(struct loader *ld, const char *arg)
{
	struct config *cfg = ld->cfg;
	struct ipaddr a;
	unsigned old_cap = ld->nbr_cap;

	if (ipaddr_parse(arg, &a) || ip_is_zero(&a)) {
		fail(ld, ld->line, "%s \"%s\" is not an IP address", ld->label, arg);
		return;
	}
	for (unsigned i = 0; i < cfg->nnbr; i++)
		if (!ipaddr_cmp(&cfg->nbr[i].n.addr, &a)) {
			fail(ld, ld->line, "%s duplicate section (first on line %d)", ld->label,
			     cfg->nbr[i].line);
			return;
		}
	if (grow((void **)&cfg->nbr, &ld->nbr_cap, cfg->nnbr, sizeof *cfg->nbr)) {
		fail(ld, ld->line, "out of memory");
		return;
	}
	if (ld->nbr_cap != old_cap) {
		bool *h = realloc(ld->nbr_hold_set, ld->nbr_cap * sizeof *h);
		if (!h) {
			fail(ld, ld->line, "out of memory");
			return;
		}
		ld->nbr_hold_set = h;
	}
	struct cfg_neighbor *cn = &cfg->nbr[cfg->nnbr];
	memset(cn, 0, sizeof *cn);
	cn->line = ld->line;
	cn->n.addr = a;
	cn->n.port = 179;
	cn->n.fam_mask = FAM_ALL;
	ld->nbr_hold_set[cfg->nnbr] = false;
	cfg->nnbr++;
	ld->kind = SECT_NEIGHBOR;
	ld->keys = neighbor_keys;
}

static void open_vni(struct loader *ld, const char *arg)
{
	struct config *cfg = ld->cfg;
	uint32_t vni;

	if (parse_u32(arg, 1, 16777215, &vni)) {
		fail(ld, ld->line, "%s \"%s\" is not a VNI (1-16777215)", ld->label, arg);
		return;
	}
	for (unsigned i = 0; i < cfg->nvni; i++)
		if (cfg->vni[i].vni == vni) {
			fail(ld, ld->line, "%s duplicate section (first on line %d)", ld->label,
			     cfg->vni[i].line);
			return;
		}
	if (grow((void **)&cfg->vni, &ld->vni_cap, cfg->nvni, sizeof *cfg->vni)) {
		fail(ld, ld->line, "out of memory");
		return;
	}
	struct cfg_vni *v = &cfg->vni[cfg->nvni++];
	memset(v, 0, sizeof *v);
	v->vni = vni;
	v->line = ld->line;
	v->rd_auto = true;
	v->rt_auto = true;
	ld->kind = SECT_VNI;
	ld->keys = vni_keys;
}

/* A line whose first non-blank character is '[': "[global]", "[neighbor ADDR]", "[vni N]". */
static void open_section(struct loader *ld, const char *p)
{
	const char *end = strchr(p, ']');
	char name[80], *word, *arg, *extra;
	size_t n;

	ld->kind = SECT_BAD;
	ld->keys = NULL;
	ld->rt_explicit_auto = false;
	memset(ld->key_line, 0, sizeof ld->key_line);
	snprintf(ld->label, sizeof ld->label, "[?]");
	if (!end) {
		fail(ld, ld->line, "section header without closing ']'");
		return;
	}
	const char *after = end + 1 + strspn(end + 1, " \t\r\n");
	if (*after && *after != ';' && *after != '#') {
		fail(ld, ld->line, "unexpected text after section header: \"%.*s\"",
		     (int)strcspn(after, "\r\n"), after);
		return;
	}
	n = (size_t)(end - p - 1);
	if (n >= sizeof name) {
		fail(ld, ld->line, "section name too long");
		return;
	}
	memcpy(name, p + 1, n);
	name[n] = '\0';
	word = name + strspn(name, " \t");
	word[strcspn(word, " \t")] = '\0';
	arg = word + strlen(word);
	if (arg < name + n)
		arg++;
	arg += strspn(arg, " \t");
	extra = arg + strcspn(arg, " \t");
	if (*extra)
		*extra++ = '\0';
	extra += strspn(extra, " \t");
	snprintf(ld->label, sizeof ld->label, *arg ? "[%s %s]" : "[%s]", word, arg);

	if (!strcmp(word, "global") && !*arg)
		open_global(ld);
	else if (!strcmp(word, "neighbor") && *arg && !*extra)
		open_neighbor(ld, arg);
	else if (!strcmp(word, "vni") && *arg && !*extra)
		open_vni(ld, arg);
	else
		fail(ld, ld->line,
		     "unknown section [%.*s] (expected [global], [neighbor ADDRESS] or [vni NUMBER])",
		     (int)n, p + 1);
}

/* inih's callback: one name = value pair of the current section. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	(void)section; /* our reader tracked it, with its line */

	if (ld->kind == SECT_BAD)
		return 0; /* the header's error is already recorded */
	if (ld->kind == SECT_NONE) {
		fail(ld, ld->line, "\"%s\" outside of any section (expected [global] first)", name);
		return 0;
	}
	for (int i = 0; ld->keys[i].name; i++) {
		if (strcmp(ld->keys[i].name, name))
			continue;
		if (ld->key_line[i] && !ld->keys[i].repeats) {
			fail(ld, ld->line, "%s %s: duplicate key (first set on line %d)", ld->label, name,
			     ld->key_line[i]);
			return 0;
		}
		if (!ld->key_line[i])
			ld->key_line[i] = ld->line;
		ld->key = name;
		return ld->keys[i].set(ld, value) == 0;
	}
	fail(ld, ld->line, "%s unknown key \"%s\"", ld->label, name);
	return 0;
}

/* inih's line source: whole lines only, counted, with section headers handled here first. */
static char *read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	ssize_t n = getline(&ld->buf, &ld->cap, ld->f);
	const char *p;

	if (n < 0)
		return NULL;
	ld->line++;
	if ((size_t)n != strlen(ld->buf)) {
		fail(ld, ld->line, "NUL byte in line");
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	if (n > num - 1) {
		/* inih would read the rest as a line of its own */
		fail(ld, ld->line, "line longer than %d characters", num - 2);
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	p = ld->buf;
	if (ld->line == 1 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a UTF-8 BOM, which inih skips too */
	p += strspn(p, " \t");
	if (*p == '[')
		open_section(ld, p);
	memcpy(str, ld->buf, (size_t)n + 1);
	return str;
}

/* Whole-file checks: required keys and values that depend on other sections. */
static void finish(struct loader *ld)
{
	struct config *cfg = ld->cfg;

	if (!ld->global_line) {
		fail(ld, ld->line, "no [global] section (asn and router-id are required)");
		return;
	}
	if (!cfg->g.asn)
		fail(ld, ld->global_line, "[global] asn is required");
	if (!cfg->g.router_id)
		fail(ld, ld->global_line, "[global] router-id is required");
	for (unsigned i = 0; i < cfg->nnbr; i++) {
		struct cfg_neighbor *cn = &cfg->nbr[i];
		char a[IPADDR_STRLEN];
		if (!cn->n.remote_as)
			fail(ld, cn->line, "[neighbor %s] remote-as is required", ipaddr_str(&cn->n.addr, a));
		if (!ld->nbr_hold_set[i])
			cn->n.hold_time = cfg->g.hold_time;
	}
	if (cfg->vtep_ip.af)
		cfg->g.nexthop = cfg->vtep_ip;
	else
		ipaddr_from_v4(&cfg->g.nexthop, cfg->g.router_id);
}

static void set_defaults(struct config *cfg, const char *path)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->path, sizeof cfg->path, "%s", path);
	snprintf(cfg->control_socket, sizeof cfg->control_socket, "%s", CFG_DEFAULT_SOCKET);
	cfg->g.listen_port = 179;
	cfg->g.hold_time = 90;
	cfg->g.connect_retry = 3;
	cfg->g.graceful_restart = true;
	cfg->g.restart_time = 120;
	cfg->converge_timeout = 10;
	cfg->netlink_buffer = CFG_DEFAULT_NETLINK_BUFFER;
	cfg->dad_max_moves = 5;
	cfg->dad_window = 180;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct loader ld;
	int ret;

	set_defaults(cfg, path);
	memset(&ld, 0, sizeof ld);
	ld.cfg = cfg;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	ld.f = fopen(path, "re");
	if (!ld.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* An indented line would otherwise continue the previous value (even "[section]"). */
	ini_allow_multiline = false;
	ret = ini_parse_stream(read_line, &ld, on_pair, &ld);
	fclose(ld.f);
	free(ld.buf);
	if (ret > 0 && (!ld.err_line || ret < ld.err_line)) {
		ld.err_line = 0;
		fail(&ld, ret, "syntax error: expected \"key = value\", a [section] or a comment");
	} else if (ret < 0 && !ld.err_line) {
		fail(&ld, ld.line, "out of memory");
	}
	if (!ld.err_line)
		finish(&ld);
	free(ld.nbr_hold_set);
	if (ld.err_line) {
		config_free(cfg);
		return -1;
	}
	return 0;
}

void config_free(struct config *cfg)
{
	free(cfg->nbr);
	free(cfg->vni);
	cfg->nbr = NULL;
	cfg->vni = NULL;
	cfg->nnbr = 0;
	cfg->nvni = 0;
}

const struct cfg_vni *config_vni(const struct config *cfg, uint32_t vni)
{
	for (unsigned i = 0; i < cfg->nvni; i++)
		if (cfg->vni[i].vni == vni)
			return &cfg->vni[i];
	return NULL;
}
