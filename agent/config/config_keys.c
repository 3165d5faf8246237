/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration's schema: every key of [global], [neighbor ADDR] and [vni N], how its value is
 * parsed and checked, and where it goes in struct config. config.c reads the file. */
#include "config_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "family.h"

/* A value that does not parse: `[section] key: "value" <why>`. Returns -1 for the setter. */
static int bad(struct loader *ld, const char *val, const char *why)
{
	cfg_fail(ld, ld->line, "%s %s: \"%s\" %s", ld->label, ld->key, val, why);
	return -1;
}

int cfg_get_u32(struct loader *ld, const char *val, uint32_t min, uint32_t max, uint32_t *out)
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

bool cfg_ip_is_zero(const struct ipaddr *a)
{
	for (size_t i = 0; i < ipaddr_len(a); i++)
		if (a->a[i])
			return false;
	return true;
}

/* A unicast-usable address: parses and is not the unspecified address. */
static int get_ip(struct loader *ld, const char *val, struct ipaddr *out)
{
	if (ipaddr_parse(val, out) == 0 && !cfg_ip_is_zero(out))
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

/* A user or group name as useradd(8) accepts it; the name must exist on this host now. */
static bool name_ok(const char *val, size_t cap)
{
	size_t n = strlen(val);

	if (n == 0 || n >= cap || val[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)val[i]) && !strchr("._-$", val[i]))
			return false;
	return true;
}

static int g_user(struct loader *ld, const char *val)
{
	struct passwd pw, *r = NULL;
	char buf[4096];

	if (!name_ok(val, sizeof ld->cfg->user))
		return bad(ld, val, "is not a user name");
	if (getpwnam_r(val, &pw, buf, sizeof buf, &r) != 0 || !r)
		return bad(ld, val, "is not a user on this host");
	snprintf(ld->cfg->user, sizeof ld->cfg->user, "%s", val);
	ld->cfg->has_user = true;
	ld->cfg->uid = (uint32_t)pw.pw_uid;
	ld->cfg->gid = (uint32_t)pw.pw_gid;
	return 0;
}

static int g_control_group(struct loader *ld, const char *val)
{
	struct group gr, *r = NULL;
	char buf[4096];

	if (!name_ok(val, sizeof ld->cfg->control_group))
		return bad(ld, val, "is not a group name");
	if (getgrnam_r(val, &gr, buf, sizeof buf, &r) != 0 || !r)
		return bad(ld, val, "is not a group on this host");
	snprintf(ld->cfg->control_group, sizeof ld->cfg->control_group, "%s", val);
	ld->cfg->has_control_group = true;
	ld->cfg->control_gid = (uint32_t)gr.gr_gid;
	return 0;
}

static int g_hold_time(struct loader *ld, const char *val)
{
	return get_hold(ld, val, &ld->cfg->g.hold_time);
}

static int g_connect_retry(struct loader *ld, const char *val)
{
	uint32_t v;
	if (cfg_get_u32(ld, val, 1, 3600, &v))
		return -1;
	ld->cfg->g.connect_retry = (uint16_t)v;
	return 0;
}

static int g_send_hold_time(struct loader *ld, const char *val)
{
	uint32_t v;
	if (cfg_get_u32(ld, val, 0, 65535, &v))
		return -1;
	ld->cfg->g.send_hold_time = (uint16_t)v;
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
	if (cfg_get_u32(ld, val, 1, 4095, &v))
		return -1;
	ld->cfg->g.restart_time = (uint16_t)v;
	return 0;
}

/* Seconds after start-up before stale kernel entries are removed without every End-of-RIB. */
static int g_fdb_dump_limit(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 1000000000, &ld->cfg->fdb_dump_limit);
}

static int g_converge_timeout(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 3600, &ld->cfg->converge_timeout);
}

/* The event socket's receive buffer: what a burst must fit in before events are lost (ENOBUFS,
 * then a re-dump); tiny values exist to force that path in tests. At most 1 GiB (the kernel's cap). */
static int g_netlink_buffer(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 4096, 1u << 30, &ld->cfg->netlink_buffer);
}

/* Duplicate address detection (as FRR's "dup-addr-detection max-moves N time M"). */
static int g_dad_max_moves(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 255, &ld->cfg->dad_max_moves); /* 0: off */
}

static int g_dad_window(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 1, 86400, &ld->cfg->dad_window);
}

static int g_dad_freeze(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &ld->cfg->dad_freeze);
}

static int g_dad_recovery(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 86400, &ld->cfg->dad_recovery);
}

static int g_arp_suppress(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &ld->cfg->arp_suppress);
}

static int g_auto_rt_format(struct loader *ld, const char *val)
{
	if (!strcmp(val, "asn-vni"))
		ld->cfg->auto_rt_rfc8365 = false;
	else if (!strcmp(val, "rfc8365"))
		ld->cfg->auto_rt_rfc8365 = true;
	else
		return bad(ld, val, "is not asn-vni or rfc8365");
	return 0;
}

static int g_arp_snoop(struct loader *ld, const char *val)
{
	ld->cfg->arp_snoop_set = true;
	return get_bool(ld, val, &ld->cfg->arp_snoop);
}

static int g_arp_snoop_age(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 1, 86400, &ld->cfg->arp_snoop_age);
}

const struct keydef cfg_global_keys[] = {
	{"asn", g_asn, false},
	{"router-id", g_router_id, false},
	{"listen", g_listen, false},
	{"control-socket", g_control_socket, false},
	{"hold-time", g_hold_time, false},
	{"connect-retry", g_connect_retry, false},
	{"send-hold-time", g_send_hold_time, false},
	{"vtep-ip", g_vtep_ip, false},
	{"cluster-id", g_cluster_id, false},
	{"graceful-restart", g_graceful_restart, false},
	{"restart-time", g_restart_time, false},
	{"converge-timeout", g_converge_timeout, false},
	{"fdb-dump-limit", g_fdb_dump_limit, false},
	{"netlink-buffer", g_netlink_buffer, false},
	{"dad-max-moves", g_dad_max_moves, false},
	{"dad-window", g_dad_window, false},
	{"dad-freeze", g_dad_freeze, false},
	{"dad-recovery", g_dad_recovery, false},
	{"arp-suppress", g_arp_suppress, false},
	{"arp-snoop", g_arp_snoop, false},
	{"auto-rt-format", g_auto_rt_format, false},
	{"arp-snoop-age", g_arp_snoop_age, false},
	{"log", cfg_g_log, false},
	{"log-level", cfg_g_log_level, false},
	{"metrics-listen", cfg_g_metrics_listen, false},
	{"metrics-allow-remote", cfg_g_metrics_allow_remote, false},
	{"user", g_user, false},
	{"control-group", g_control_group, false},
	{"control-max-clients", cfg_g_control, false},
	{"control-max-clients-per-user", cfg_g_control, false},
	{"control-idle-timeout", cfg_g_control, false},
	{"control-client-buffer", cfg_g_control, false},
	{"watch-max", cfg_g_control, false},
	{"watch-replay-window", cfg_g_control, false},
	{"opaque-max-key", cfg_g_control, false},
	{"opaque-max-value", cfg_g_control, false},
	{NULL, NULL, false},
};
/* key_line[] has a slot per key: a table that outgrew it would write past it */
_Static_assert(sizeof cfg_global_keys / sizeof cfg_global_keys[0] <= MAX_KEYS + 1, "MAX_KEYS is too small");

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
	if (cfg_get_u32(ld, val, 1, 65535, &v))
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

/* TCP MD5 (RFC 2385): the kernel takes keys of up to 80 bytes; printable ASCII so the same key can
 * be typed into FRR's and GoBGP's configurations. */
static int n_password(struct loader *ld, const char *val)
{
	size_t n = strlen(val);
	if (n == 0 || n > BGP_PASSWORD_MAX)
		return bad(ld, "(hidden)", "is not a password (1-80 characters)");
	for (size_t i = 0; i < n; i++)
		if (val[i] < 0x21 || val[i] > 0x7e)
			return bad(ld, "(hidden)", "is not a password (printable characters, no spaces)");
	memcpy(cur_nbr(ld)->password, val, n + 1);
	return 0;
}

static int n_ttl_security(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &cur_nbr(ld)->ttl_security);
}

static int n_max_routes(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 0xffffffffu, &cur_nbr(ld)->max_routes); /* 0: no limit */
}

/* Seconds the session stays down after max-routes closed it (FRR's "maximum-prefix N restart M",
 * there in minutes); 0: until evpnd restarts. */
static int n_max_routes_restart(struct loader *ld, const char *val)
{
	return cfg_get_u32(ld, val, 0, 86400, &cur_nbr(ld)->max_routes_restart);
}

static int n_next_hop_self(struct loader *ld, const char *val)
{
	return get_bool(ld, val, &cur_nbr(ld)->next_hop_self);
}

/* A number in min..max (at most 255) into *out. */
static int get_u8(struct loader *ld, const char *val, uint8_t min, uint8_t max, uint8_t *out)
{
	uint32_t v;
	if (cfg_get_u32(ld, val, min, max, &v))
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static int n_allowas_in(struct loader *ld, const char *val)
{
	return get_u8(ld, val, 0, 10, &cur_nbr(ld)->allowas_in); /* FRR's range */
}

static int n_ebgp_multihop(struct loader *ld, const char *val)
{
	return get_u8(ld, val, 1, 255, &cur_nbr(ld)->ebgp_multihop);
}

static int n_local_as(struct loader *ld, const char *val)
{
	return get_asn(ld, val, &cur_nbr(ld)->local_as);
}

const struct keydef cfg_neighbor_keys[] = {
	{"remote-as", n_remote_as, false},
	{"passive", n_passive, false},
	{"families", n_families, false},
	{"hold-time", n_hold_time, false},
	{"port", n_port, false},
	{"route-reflector-client", n_rr_client, false},
	{"local-address", n_local_address, false},
	{"password", n_password, false},
	{"ttl-security", n_ttl_security, false},
	{"max-routes", n_max_routes, false},
	{"max-routes-restart", n_max_routes_restart, false},
	{"next-hop-self", n_next_hop_self, false},
	{"allowas-in", n_allowas_in, false},
	{"ebgp-multihop", n_ebgp_multihop, false},
	{"local-as", n_local_as, false},
	{NULL, NULL, false},
};
/* key_line[] has a slot per key: a table that outgrew it would write past it */
_Static_assert(sizeof cfg_neighbor_keys / sizeof cfg_neighbor_keys[0] <= MAX_KEYS + 1, "MAX_KEYS is too small");

/* -------------------------------------------------------------------------------------- [vni N] */

/* The RD and RT settings of the section being read: a [vni N]'s or a [vrf NAME]'s. */
static struct cfg_vni *cur_vni(struct loader *ld)
{
	if (ld->kind == SECT_VRF)
		return &ld->cfg->vrf[ld->cfg->nvrf - 1].r;
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

/* One route target word: ASN:NN, A.B.C.D:NN, or "*:NN" (any global administrator, kept as 0:NN
 * with *wild set). 0 on success. */
static int rt_word(const char *word, uint64_t *rt, bool *wild)
{
	*wild = false;
	if (word[0] == '*' && word[1] == ':') {
		uint32_t nn;
		if (parse_u32(word + 2, 0, 0xffffffffu, &nn))
			return -1;
		*rt = extc_rt_make(0, nn);
		*wild = true;
		return 0;
	}
	return extc_rt_parse(word, rt);
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
		bool wild = false;
		if (ld->rt_explicit_auto)
			return bad(ld, val, "mixes auto with explicit route targets");
		if (rt_word(word, &rt, &wild))
			return bad(ld, val, "is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)");
		for (unsigned i = 0; i < v->nrt; i++)
			if (v->rt[i] == rt && !!(v->rt_wild & 1u << i) == wild) {
				char why[96];
				snprintf(why, sizeof why, "lists route target %s twice", word);
				return bad(ld, val, why);
			}
		if (v->nrt >= CFG_MAX_RT) {
			char why[64];
			snprintf(why, sizeof why, "has more than %d route targets", CFG_MAX_RT);
			return bad(ld, val, why);
		}
		if (wild)
			v->rt_wild |= 1u << v->nrt;
		v->rt[v->nrt++] = rt;
		v->rt_auto = false;
	}
	if (!any)
		return bad(ld, val, "is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)");
	return 0;
}

/* import-rt / export-rt: RTs and "auto" in any mix, several per line; lines accumulate. "*:NN"
 * (any global administrator) only where wild is given: import-rt. */
static int v_rt_list(struct loader *ld, const char *val, uint64_t *arr, unsigned *n, bool *has_auto,
		     uint32_t *wild)
{
	const char *why = wild ? "is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)"
			       : "is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)";
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
		bool w = false;
		if (!strcmp(word, "auto")) {
			*has_auto = true;
			continue;
		}
		if (rt_word(word, &rt, &w))
			return bad(ld, val, why);
		if (w && !wild)
			return bad(ld, val, "has a wildcard *:NN, which only imports (a route cannot carry it)");
		for (unsigned i = 0; i < *n; i++)
			if (arr[i] == rt && (wild ? !!(*wild & 1u << i) : false) == w) {
				char w2[96];
				snprintf(w2, sizeof w2, "lists route target %s twice", word);
				return bad(ld, val, w2);
			}
		if (*n >= CFG_MAX_RT) {
			char w2[64];
			snprintf(w2, sizeof w2, "has more than %d route targets", CFG_MAX_RT);
			return bad(ld, val, w2);
		}
		if (w)
			*wild |= 1u << *n;
		arr[(*n)++] = rt;
	}
	return any ? 0 : bad(ld, val, why);
}

static int v_import_rt(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	return v_rt_list(ld, val, v->import_rt, &v->nimport, &v->import_auto, &v->import_wild);
}

static int v_export_rt(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	return v_rt_list(ld, val, v->export_rt, &v->nexport, &v->export_auto, NULL);
}

static int v_arp_suppress(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	v->arp_suppress_set = true;
	return get_bool(ld, val, &v->arp_suppress);
}

bool config_arp_suppress(const struct config *cfg, uint32_t vni)
{
	const struct cfg_vni *v = config_vni(cfg, vni);
	return v && v->arp_suppress_set ? v->arp_suppress : cfg->arp_suppress;
}

static int v_arp_snoop(struct loader *ld, const char *val)
{
	struct cfg_vni *v = cur_vni(ld);
	v->arp_snoop_set = true;
	return get_bool(ld, val, &v->arp_snoop);
}

/* Off by default only where suppression is off: snooped MAC+IP routes are what suppression on the
 * other hypervisors answers from. */
bool config_arp_snoop(const struct config *cfg, uint32_t vni)
{
	const struct cfg_vni *v = config_vni(cfg, vni);
	if (v && v->arp_snoop_set)
		return v->arp_snoop;
	return cfg->arp_snoop_set ? cfg->arp_snoop : config_arp_suppress(cfg, vni);
}

bool config_arp_snoop_any(const struct config *cfg)
{
	if (config_arp_snoop(cfg, 0)) /* VNI 0 never has a section: what unlisted VNIs get */
		return true;
	for (unsigned i = 0; i < cfg->nvni; i++)
		if (config_arp_snoop(cfg, cfg->vni[i].vni))
			return true;
	return false;
}

const struct keydef cfg_vni_keys[] = {
	{"rd", v_rd, false},
	{"route-target", v_route_target, true},
	{"import-rt", v_import_rt, true},
	{"export-rt", v_export_rt, true},
	{"arp-suppress", v_arp_suppress, false},
	{"arp-snoop", v_arp_snoop, false},
	{NULL, NULL, false},
};
/* key_line[] has a slot per key: a table that outgrew it would write past it */
_Static_assert(sizeof cfg_vni_keys / sizeof cfg_vni_keys[0] <= MAX_KEYS + 1, "MAX_KEYS is too small");

/* ---- [vrf NAME] ---- */

static int vr_l3vni(struct loader *ld, const char *val)
{
	struct cfg_vrf *v = &ld->cfg->vrf[ld->cfg->nvrf - 1];
	uint32_t n;

	if (parse_u32(val, 1, 16777215, &n))
		return bad(ld, val, "is not a VNI (1-16777215)");
	v->l3vni = n;
	v->r.vni = n;
	return 0;
}

static int vr_advertise(struct loader *ld, const char *val)
{
	struct cfg_vrf *v = &ld->cfg->vrf[ld->cfg->nvrf - 1];

	if (!strcmp(val, "connected"))
		v->advertise_connected = true;
	else if (!strcmp(val, "none"))
		v->advertise_connected = false;
	else
		return bad(ld, val, "is not connected or none");
	return 0;
}

const struct keydef cfg_vrf_keys[] = {
	{"l3vni", vr_l3vni, false},
	{"rd", v_rd, false},
	{"route-target", v_route_target, true},
	{"import-rt", v_import_rt, true},
	{"export-rt", v_export_rt, true},
	{"advertise", vr_advertise, false},
	{NULL, NULL, false},
};
/* key_line[] has a slot per key: a table that outgrew it would write past it */
_Static_assert(sizeof cfg_vrf_keys / sizeof cfg_vrf_keys[0] <= MAX_KEYS + 1, "MAX_KEYS is too small");
