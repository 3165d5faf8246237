/* SPDX-License-Identifier: Apache-2.0 */
/* agent/config.c: values, defaults and "FILE:LINE: message" errors from real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "family.h"

#include "conf_fixture.h"

static void load_ok(const char *text, struct config *cfg)
{
	char err[512];
	write_conf(text);
	int r = config_load(path, cfg, err, sizeof err);
	if (r)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(err, "");
}

/* The load fails with exactly "PATH:line: msg". */
static void load_err(const char *text, int line, const char *msg)
{
	struct config cfg;
	char err[512], want[512];
	write_conf(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:%d: %s", path, line, msg);
	assert_string_equal(err, want);
	/* a failed load leaves nothing to free */
	assert_null(cfg.nbr);
	assert_null(cfg.vni);
}

static uint32_t v4(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static void assert_ip(const struct ipaddr *a, const char *s)
{
	struct ipaddr want;
	assert_int_equal(ipaddr_parse(s, &want), 0);
	assert_int_equal(a->af, want.af);
	assert_memory_equal(a->a, want.a, ipaddr_len(&want));
}

#define MIN_GLOBAL "[global]\nasn = 64512\nrouter-id = 10.0.0.1\n"

static void test_full(void **state)
{
	struct config cfg;
	(void)state;
	load_ok("# evpnd test configuration\n"
		"[global]\n"
		"asn = 4200000000\n"
		"router-id = 10.0.0.1\n"
		"listen = 10.0.0.1:1179\n"
		"control-socket = /tmp/x/evpnd.sock ; inline comment\n"
		"hold-time = 30\n"
		"connect-retry = 10\n"
		"vtep-ip = 192.0.2.1\n"
		"cluster-id = 1.2.3.4\n"
		"graceful-restart = no\n"
		"restart-time = 300\n"
		"\n"
		"[neighbor 10.0.0.2]\n"
		"remote-as = 64512\n"
		"passive = yes\n"
		"families = opaque\n"
		"hold-time = 0\n"
		"port = 1179\n"
		"route-reflector-client = true\n"
		"local-address = 10.0.0.1\n"
		"\n"
		"[neighbor 2001:db8::2]\n"
		"remote-as = 65000\n"
		"\n"
		"[vni 100]\n"
		"rd = 10.0.0.1:100\n"
		"route-target = 64512:100 65000:100\n"
		"route-target = 10.0.0.1:5 4200000000:7\n"
		"[vni 16777215]\n"
		"rd = 64512:16777215\n",
		&cfg);
	assert_int_equal(cfg.g.asn, 4200000000u);
	assert_int_equal(cfg.g.router_id, v4("10.0.0.1"));
	assert_ip(&cfg.g.listen_addr, "10.0.0.1");
	assert_int_equal(cfg.g.listen_port, 1179);
	assert_string_equal(cfg.control_socket, "/tmp/x/evpnd.sock");
	assert_int_equal(cfg.g.hold_time, 30);
	assert_int_equal(cfg.g.connect_retry, 10);
	assert_ip(&cfg.vtep_ip, "192.0.2.1");
	assert_ip(&cfg.g.nexthop, "192.0.2.1"); /* vtep-ip is the local next hop */
	assert_int_equal(cfg.g.cluster_id, v4("1.2.3.4"));
	assert_false(cfg.g.graceful_restart);
	assert_int_equal(cfg.g.restart_time, 300);
	assert_string_equal(cfg.path, path);

	assert_int_equal(cfg.nnbr, 2);
	const struct bgp_neighbor *n = &cfg.nbr[0].n;
	assert_int_equal(cfg.nbr[0].line, 14);
	assert_ip(&n->addr, "10.0.0.2");
	assert_int_equal(n->remote_as, 64512);
	assert_true(n->passive);
	assert_int_equal(n->fam_mask, FAM_BIT(FAM_OPAQUE));
	assert_int_equal(n->hold_time, 0); /* explicit 0 is kept, not replaced by [global] */
	assert_int_equal(n->port, 1179);
	assert_true(n->rr_client);
	assert_ip(&n->local_addr, "10.0.0.1");
	n = &cfg.nbr[1].n;
	assert_int_equal(cfg.nbr[1].line, 23);
	assert_ip(&n->addr, "2001:db8::2");
	assert_int_equal(n->remote_as, 65000);
	assert_int_equal(n->hold_time, 30); /* inherits [global] */

	assert_int_equal(cfg.nvni, 2);
	const struct cfg_vni *v = config_vni(&cfg, 100);
	assert_non_null(v);
	assert_int_equal(v->line, 26);
	assert_false(v->rd_auto);
	static const uint8_t rd1[8] = {0x00, 0x01, 10, 0, 0, 1, 0x00, 0x64};
	assert_memory_equal(v->rd.b, rd1, 8);
	assert_false(v->rt_auto);
	assert_int_equal(v->nrt, 4);
	assert_true(v->rt[0] == 0x0002fc0000000064ull); /* 64512:100, 2-octet AS */
	assert_true(v->rt[1] == 0x0002fde800000064ull); /* 65000:100 */
	assert_true(v->rt[2] == 0x01020a0000010005ull); /* 10.0.0.1:5, IPv4 form */
	assert_true(v->rt[3] == 0x0202fa56ea000007ull); /* 4200000000:7, 4-octet AS form */
	v = config_vni(&cfg, 16777215);
	assert_non_null(v);
	static const uint8_t rd0[8] = {0x00, 0x00, 0xfc, 0x00, 0x00, 0xff, 0xff, 0xff};
	assert_memory_equal(v->rd.b, rd0, 8);
	assert_true(v->rt_auto);
	assert_int_equal(v->nrt, 0);
	assert_null(config_vni(&cfg, 5));
	config_free(&cfg);
	assert_null(cfg.nbr);
	assert_int_equal(cfg.nnbr, 0);
}

static void test_defaults(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 64513\n[vni 10]\n", &cfg);
	assert_int_equal(cfg.g.listen_addr.af, 0); /* every address */
	assert_int_equal(cfg.g.listen_port, 179);
	assert_string_equal(cfg.control_socket, CFG_DEFAULT_SOCKET);
	assert_string_equal(cfg.control_socket, "/run/evpnd/evpnd.sock");
	assert_int_equal(cfg.g.hold_time, 90);
	assert_int_equal(cfg.g.connect_retry, 3);
	assert_int_equal(cfg.vtep_ip.af, 0);
	assert_ip(&cfg.g.nexthop, "10.0.0.1"); /* router-id without vtep-ip */
	assert_int_equal(cfg.g.cluster_id, 0);
	assert_true(cfg.g.graceful_restart);
	assert_int_equal(cfg.g.restart_time, 120);
	assert_int_equal(cfg.converge_timeout, 10);

	assert_int_equal(cfg.nnbr, 1);
	const struct bgp_neighbor *n = &cfg.nbr[0].n;
	assert_false(n->passive);
	assert_int_equal(n->fam_mask, FAM_ALL);
	assert_int_equal(n->hold_time, 90);
	assert_int_equal(n->port, 179);
	assert_false(n->rr_client);
	assert_int_equal(n->local_addr.af, 0);

	assert_int_equal(cfg.nvni, 1);
	assert_true(cfg.vni[0].rd_auto);
	assert_true(cfg.vni[0].rt_auto);
	assert_int_equal(cfg.vni[0].nrt, 0);
	config_free(&cfg);

	/* [global] after the neighbors still gives them its hold-time; no neighbors at all is fine */
	load_ok("[neighbor 10.0.0.2]\nremote-as = 1\n[global]\nhold-time = 9\nasn = 1\nrouter-id = 1.1.1.1\n",
		&cfg);
	assert_int_equal(cfg.nbr[0].n.hold_time, 9);
	config_free(&cfg);
	load_ok(MIN_GLOBAL, &cfg);
	assert_int_equal(cfg.nnbr, 0);
	assert_int_equal(cfg.nvni, 0);
	config_free(&cfg);
}

static void test_comments(void **state)
{
	struct config cfg;
	(void)state;
	load_ok("; leading comment\n"
		"# hash comment\n"
		"  [global]   ; the global section\r\n"
		"asn = 64512 ; inline\r\n"
		"router-id=10.0.0.1\n"
		"\t\n"
		"  hold-time = 45\n" /* indentation is not a continuation */
		"[ vni   7 ] # comment\n"
		"route-target = auto\n",
		&cfg);
	assert_int_equal(cfg.g.asn, 64512);
	assert_int_equal(cfg.g.hold_time, 45);
	assert_int_equal(cfg.nvni, 1);
	assert_int_equal(cfg.vni[0].vni, 7);
	assert_true(cfg.vni[0].rt_auto);
	config_free(&cfg);
}

static void test_errors(void **state)
{
	(void)state;
	load_err(MIN_GLOBAL "\n[neighbor 10.0.0.2]\nremote-as = abc\n", 6,
		 "[neighbor 10.0.0.2] remote-as: \"abc\" is not an AS number (1-4294967295)");
	load_err("[global]\nasn = 0\n", 2, "[global] asn: \"0\" is not an AS number (1-4294967295)");
	load_err("[global]\nasn = 4294967296\n", 2,
		 "[global] asn: \"4294967296\" is not an AS number (1-4294967295)");
	load_err("[global]\nasn = 1\nrouter-id = ::1\n", 3,
		 "[global] router-id: \"::1\" is not a router id (a non-zero IPv4 address)");
	load_err("[global]\nasn = 1\nrouter-id = 0.0.0.0\n", 3,
		 "[global] router-id: \"0.0.0.0\" is not a router id (a non-zero IPv4 address)");
	load_err(MIN_GLOBAL "connect-retry = 0\n", 4,
		 "[global] connect-retry: \"0\" is not a number in 1-3600");
	load_err(MIN_GLOBAL "connect-retry = 3601\n", 4,
		 "[global] connect-retry: \"3601\" is not a number in 1-3600");
	load_err(MIN_GLOBAL "converge-timeout = 3601\n", 4,
		 "[global] converge-timeout: \"3601\" is not a number in 0-3600");
	load_err(MIN_GLOBAL "restart-time = 4096\n", 4,
		 "[global] restart-time: \"4096\" is not a number in 1-4095");
	load_err(MIN_GLOBAL "graceful-restart = maybe\n", 4,
		 "[global] graceful-restart: \"maybe\" is not a boolean (yes/no, true/false, on/off, 1/0)");
	load_err(MIN_GLOBAL "vtep-ip = 10.0.0\n", 4, "[global] vtep-ip: \"10.0.0\" is not an IP address");
	load_err(MIN_GLOBAL "cluster-id = x\n", 4,
		 "[global] cluster-id: \"x\" is not a cluster id (a non-zero IPv4 address or 1-4294967295)");
	load_err(MIN_GLOBAL "asn = \n", 4, "[global] asn: duplicate key (first set on line 2)");
	load_err(MIN_GLOBAL "colour = blue\n", 4, "[global] unknown key \"colour\"");
	load_err("asn = 1\n[global]\n", 1, "\"asn\" outside of any section (expected [global] first)");
	load_err(MIN_GLOBAL "[bogus]\nx = 1\n", 4,
		 "unknown section [bogus] (expected [global], [neighbor ADDRESS], [vni NUMBER] or [vrf NAME])");
	load_err(MIN_GLOBAL "[neighbor]\n", 4,
		 "unknown section [neighbor] (expected [global], [neighbor ADDRESS], [vni NUMBER] or [vrf NAME])");
	load_err(MIN_GLOBAL "[global x]\n", 4,
		 "unknown section [global x] (expected [global], [neighbor ADDRESS], [vni NUMBER] or [vrf NAME])");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.300]\n", 4,
		 "[neighbor 10.0.0.300] \"10.0.0.300\" is not an IP address");
	load_err(MIN_GLOBAL "[vni 0]\n", 4, "[vni 0] \"0\" is not a VNI (1-16777215)");
	load_err(MIN_GLOBAL "[vni 16777216]\n", 4, "[vni 16777216] \"16777216\" is not a VNI (1-16777215)");
	load_err(MIN_GLOBAL "[global\n", 4, "section header without closing ']'");
	load_err(MIN_GLOBAL "[vni 5] junk\n", 4, "unexpected text after section header: \"junk\"");
	load_err(MIN_GLOBAL "just words\n", 4,
		 "syntax error: expected \"key = value\", a [section] or a comment");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nport = 0\n", 6,
		 "[neighbor 10.0.0.2] port: \"0\" is not a number in 1-65535");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nlocal-address = ::1\n", 6,
		 "[neighbor 10.0.0.2] local-address: \"::1\" is not of the neighbor's address family");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\npassive = 2\n", 6,
		 "[neighbor 10.0.0.2] passive: \"2\" is not a boolean (yes/no, true/false, on/off, 1/0)");
	load_err(MIN_GLOBAL "[vni 5]\nrd = 1.2.3:4\n", 5,
		 "[vni 5] rd: \"1.2.3:4\" is not a route distinguisher (auto, ASN:NN or A.B.C.D:NN)");
	load_err(MIN_GLOBAL "[vni 5]\nroute-target = 1:1 x\n", 5,
		 "[vni 5] route-target: \"1:1 x\" is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)");
	load_err(MIN_GLOBAL "[vni 5]\nrd = auto\nrd = auto\n", 6, "[vni 5] rd: duplicate key (first set on line 5)");
	/* the first error in file order wins, also over a later syntax error */
	load_err(MIN_GLOBAL "hold-time = x\nnonsense\n", 4,
		 "[global] hold-time: \"x\" is not a hold time (0 or 3-65535 seconds)");
	load_err(MIN_GLOBAL "nonsense\nhold-time = x\n", 4,
		 "syntax error: expected \"key = value\", a [section] or a comment");
}

static void test_missing(void **state)
{
	struct config cfg;
	char err[512], want[512];
	(void)state;
	load_err("[global]\nrouter-id = 10.0.0.1\n", 1, "[global] asn is required");
	load_err("; c\n[global]\nasn = 1\n", 2, "[global] router-id is required");
	load_err("[vni 5]\n\n\n", 3, "no [global] section (asn and router-id are required)");
	load_err("", 1, "no [global] section (asn and router-id are required)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\npassive = yes\n[neighbor 10.0.0.3]\n", 4,
		 "[neighbor 10.0.0.2] remote-as is required");

	snprintf(want, sizeof want, "%s/none.conf: No such file or directory", dir);
	char missing[160];
	snprintf(missing, sizeof missing, "%s/none.conf", dir);
	assert_int_equal(config_load(missing, &cfg, err, sizeof err), -1);
	assert_string_equal(err, want);
}

static void test_duplicates(void **state)
{
	(void)state;
	load_err(MIN_GLOBAL "[global]\n", 4, "[global] duplicate section (first on line 1)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\n\n[neighbor 10.0.0.2]\n", 7,
		 "[neighbor 10.0.0.2] duplicate section (first on line 4)");
	/* the same address written differently is still the same neighbor */
	load_err(MIN_GLOBAL "[neighbor 2001:db8::1]\nremote-as = 1\n[neighbor 2001:DB8:0::1]\n", 6,
		 "[neighbor 2001:DB8:0::1] duplicate section (first on line 4)");
	load_err(MIN_GLOBAL "[vni 10]\n[vni 11]\n[vni 10]\n", 6, "[vni 10] duplicate section (first on line 4)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nremote-as = 1\n", 6,
		 "[neighbor 10.0.0.2] remote-as: duplicate key (first set on line 5)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nfamilies = evpn\nfamilies = opaque\n", 7,
		 "[neighbor 10.0.0.2] families: duplicate key (first set on line 6)");
	load_err(MIN_GLOBAL "router-id = 10.0.0.2\n", 4,
		 "[global] router-id: duplicate key (first set on line 3)");
	/* a key may come again in a different section */
	struct config cfg;
	load_ok(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nhold-time = 3\n"
			   "[neighbor 10.0.0.3]\nremote-as = 1\nhold-time = 4\n",
		&cfg);
	assert_int_equal(cfg.nbr[0].n.hold_time, 3);
	assert_int_equal(cfg.nbr[1].n.hold_time, 4);
	config_free(&cfg);
}

static void test_route_targets(void **state)
{
	struct config cfg;
	char text[2048];
	(void)state;
	load_ok(MIN_GLOBAL "[vni 10]\nroute-target = 64512:10\n; between\nroute-target = 64512:11, 64512:12\n"
			   "route-target =\t64512:13\n",
		&cfg);
	assert_false(cfg.vni[0].rt_auto);
	assert_int_equal(cfg.vni[0].nrt, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_true(cfg.vni[0].rt[i] == (0x0002fc0000000000ull | (10 + i)));
	config_free(&cfg);

	load_err(MIN_GLOBAL "[vni 10]\nroute-target = 64512:10\nroute-target = 64512:10\n", 6,
		 "[vni 10] route-target: \"64512:10\" lists route target 64512:10 twice");
	load_err(MIN_GLOBAL "[vni 10]\nroute-target = auto\nroute-target = 64512:10\n", 6,
		 "[vni 10] route-target: \"64512:10\" mixes auto with explicit route targets");
	load_err(MIN_GLOBAL "[vni 10]\nroute-target = 64512:10 auto\n", 5,
		 "[vni 10] route-target: \"64512:10 auto\" mixes auto with explicit route targets");
	load_err(MIN_GLOBAL "[vni 10]\nroute-target =\n", 5,
		 "[vni 10] route-target: \"\" is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)");

	/* CFG_MAX_RT over two lines fits; one more does not */
	int n = snprintf(text, sizeof text, MIN_GLOBAL "[vni 10]\nroute-target =");
	for (int i = 0; i < CFG_MAX_RT / 2; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, " 1:%d", i);
	n += snprintf(text + n, sizeof text - (size_t)n, "\nroute-target =");
	for (int i = CFG_MAX_RT / 2; i < CFG_MAX_RT; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, " 1:%d", i);
	snprintf(text + n, sizeof text - (size_t)n, "\n");
	load_ok(text, &cfg);
	assert_int_equal(cfg.vni[0].nrt, CFG_MAX_RT);
	config_free(&cfg);
	snprintf(text + n, sizeof text - (size_t)n, "\nroute-target = 2:2\n");
	char msg[96];
	snprintf(msg, sizeof msg, "[vni 10] route-target: \"2:2\" has more than %d route targets", CFG_MAX_RT);
	load_err(text, 7, msg);
}

static void test_families(void **state)
{
	static const struct {
		const char *val;
		uint32_t mask;
	} ok[] = {
		{"evpn", FAM_BIT(FAM_EVPN)},
		{"opaque", FAM_BIT(FAM_OPAQUE)},
		{"evpn opaque", FAM_ALL},
		{"opaque,evpn", FAM_ALL},
		{"evpn, opaque", FAM_ALL},
	};
	char text[256];
	struct config cfg;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nfamilies = %s\n",
			 ok[i].val);
		load_ok(text, &cfg);
		assert_int_equal(cfg.nbr[0].n.fam_mask, ok[i].mask);
		config_free(&cfg);
	}
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nfamilies = evpn ipv4\n", 5,
		 "[neighbor 10.0.0.2] families: \"evpn ipv4\" is not a list of families (evpn, opaque)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nfamilies = ,\n", 5,
		 "[neighbor 10.0.0.2] families: \",\" is not a list of families (evpn, opaque)");
}

static void test_hold_time(void **state)
{
	struct config cfg;
	(void)state;
	load_err(MIN_GLOBAL "hold-time = 1\n", 4, "[global] hold-time: \"1\" is not a hold time (0 or 3-65535 seconds)");
	load_err(MIN_GLOBAL "hold-time = 2\n", 4, "[global] hold-time: \"2\" is not a hold time (0 or 3-65535 seconds)");
	load_err(MIN_GLOBAL "hold-time = 65536\n", 4,
		 "[global] hold-time: \"65536\" is not a hold time (0 or 3-65535 seconds)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 1\nhold-time = 2\n", 6,
		 "[neighbor 10.0.0.2] hold-time: \"2\" is not a hold time (0 or 3-65535 seconds)");
	load_ok(MIN_GLOBAL "hold-time = 0\n", &cfg);
	assert_int_equal(cfg.g.hold_time, 0);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "hold-time = 3\n", &cfg);
	assert_int_equal(cfg.g.hold_time, 3);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "hold-time = 65535\n", &cfg);
	assert_int_equal(cfg.g.hold_time, 65535);
	config_free(&cfg);
}

static void test_listen(void **state)
{
	static const struct {
		const char *val;
		const char *addr; /* NULL: every address */
		uint16_t port;
	} ok[] = {
		{"0.0.0.0", "0.0.0.0", 179},
		{"10.0.0.1:1179", "10.0.0.1", 1179},
		{"[::1]:179", "::1", 179},
		{"[2001:db8::1]:1790", "2001:db8::1", 1790},
		{"[::1]", "::1", 179},
		{"::1", "::1", 179},
		{"none", NULL, 0},
		{"127.0.0.1:0", "127.0.0.1", 0},
		{"*:1179", NULL, 1179},
		{":1179", NULL, 1179},
		{"*", NULL, 179},
	};
	static const char *const bad[] = {"10.0.0.1:", "10.0.0.1:65536", "[::1]:x", "[::1", "[10.0.0.1]:179",
					  "::1:179x", "host:179", "10.0.0.1:179:1", "[::1]179", ""};
	char text[256], msg[256];
	struct config cfg;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, MIN_GLOBAL "listen = %s\n", ok[i].val);
		load_ok(text, &cfg);
		if (ok[i].addr)
			assert_ip(&cfg.g.listen_addr, ok[i].addr);
		else
			assert_int_equal(cfg.g.listen_addr.af, 0);
		assert_int_equal(cfg.g.listen_port, ok[i].port);
		config_free(&cfg);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, MIN_GLOBAL "listen = %s\n", bad[i]);
		snprintf(msg, sizeof msg,
			 "[global] listen: \"%s\" is not a listen address (address, address:port, [IPv6]:port or none)",
			 bad[i]);
		load_err(text, 4, msg);
	}
}

static void test_long_line(void **state)
{
	char text[600];
	(void)state;
	int n = snprintf(text, sizeof text, MIN_GLOBAL "[vni 10]\nroute-target =");
	while (n < 500)
		n += snprintf(text + n, sizeof text - (size_t)n, " 64512:1");
	snprintf(text + n, sizeof text - (size_t)n, "\nrd = auto\n");
	/* not split into a second line behind our back */
	load_err(text, 5, "line longer than 198 characters");
}

/* converge-timeout: seconds before stale kernel entries go without every End-of-RIB; 0 is allowed */
static void test_converge_timeout(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL "converge-timeout = 30\n", &cfg);
	assert_int_equal(cfg.converge_timeout, 30);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "converge-timeout = 0\n", &cfg);
	assert_int_equal(cfg.converge_timeout, 0);
	config_free(&cfg);
	load_err(MIN_GLOBAL "converge-timeout = soon\n", 4,
		 "[global] converge-timeout: \"soon\" is not a number in 0-3600");
}

/* netlink-buffer: bytes, 64 MiB by default; below one page a socket could not hold one event */
static void test_netlink_buffer(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL, &cfg);
	assert_int_equal(cfg.netlink_buffer, 67108864);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "netlink-buffer = 4096\n", &cfg);
	assert_int_equal(cfg.netlink_buffer, 4096);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "netlink-buffer = 1073741824\n", &cfg);
	assert_int_equal(cfg.netlink_buffer, 1073741824);
	config_free(&cfg);
	load_err(MIN_GLOBAL "netlink-buffer = 4095\n", 4,
		 "[global] netlink-buffer: \"4095\" is not a number in 4096-1073741824");
	load_err(MIN_GLOBAL "netlink-buffer = 1073741825\n", 4,
		 "[global] netlink-buffer: \"1073741825\" is not a number in 4096-1073741824");
}

/* import-rt / export-rt: several per line, lines accumulate, auto mixes with explicit ones. */
static void test_import_export_rt(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL "[vni 100]\nimport-rt = 64512:999, 10.0.0.1:7\nimport-rt = auto\n"
			   "export-rt = 4200000000:5\n[vni 200]\nroute-target = 64512:1\n",
		&cfg);
	const struct cfg_vni *v = config_vni(&cfg, 100);
	assert_non_null(v);
	assert_true(v->rt_auto);
	assert_int_equal(v->nimport, 2);
	assert_true(v->import_rt[0] == 0x0002fc00000003e7ull);  /* 64512:999 */
	assert_true(v->import_rt[1] == 0x01020a0000010007ull);  /* 10.0.0.1:7 */
	assert_true(v->import_auto);
	assert_int_equal(v->nexport, 1);
	assert_true(v->export_rt[0] == 0x0202fa56ea000005ull);  /* 4200000000:5 */
	assert_false(v->export_auto);
	v = config_vni(&cfg, 200);
	assert_int_equal(v->nimport + v->nexport, 0);
	assert_false(v->import_auto || v->export_auto);
	config_free(&cfg);

	load_err(MIN_GLOBAL "[vni 10]\nimport-rt = 1:1\nimport-rt = 2:2 1:1\n", 6,
		 "[vni 10] import-rt: \"2:2 1:1\" lists route target 1:1 twice");
	load_err(MIN_GLOBAL "[vni 10]\nexport-rt = 1:1 x\n", 5,
		 "[vni 10] export-rt: \"1:1 x\" is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)");
	load_err(MIN_GLOBAL "[vni 10]\nexport-rt = ,\n", 5,
		 "[vni 10] export-rt: \",\" is not a list of route targets (auto, ASN:NN or A.B.C.D:NN)");
	load_err(MIN_GLOBAL "import-rt = 1:1\n", 4, "[global] unknown key \"import-rt\"");

	/* "*:NN": any global administrator, on import only (FRR's wildcard import) */
	load_ok(MIN_GLOBAL "auto-rt-format = rfc8365\n[vni 100]\nimport-rt = 64512:999 *:100 *:70000\n"
			   "[vni 200]\nroute-target = *:200, 64512:1\n", &cfg);
	assert_true(cfg.auto_rt_rfc8365);
	v = config_vni(&cfg, 100);
	assert_int_equal(v->nimport, 3);
	assert_true(v->import_rt[1] == 0x0002000000000064ull && v->import_rt[2] == 0x0002000000011170ull);
	assert_int_equal(v->import_wild, 1u << 1 | 1u << 2);
	v = config_vni(&cfg, 200);
	assert_true(v->nrt == 2 && v->rt[0] == 0x00020000000000c8ull && v->rt_wild == 1);
	config_free(&cfg);
	load_err(MIN_GLOBAL "[vni 10]\nimport-rt = *:1 *:1\n", 5,
		 "[vni 10] import-rt: \"*:1 *:1\" lists route target *:1 twice");
	load_ok(MIN_GLOBAL "[vni 10]\nimport-rt = *:1 0:1\n", &cfg); /* the wildcard and AS 0's: two */
	assert_int_equal(config_vni(&cfg, 10)->nimport, 2);
	config_free(&cfg);
	load_err(MIN_GLOBAL "[vni 10]\nexport-rt = *:5\n", 5,
		 "[vni 10] export-rt: \"*:5\" has a wildcard *:NN, which only imports (a route cannot carry it)");
	load_err(MIN_GLOBAL "[vni 10]\nimport-rt = *:x\n", 5,
		 "[vni 10] import-rt: \"*:x\" is not a list of route targets (auto, ASN:NN, A.B.C.D:NN or *:NN)");
	load_err(MIN_GLOBAL "auto-rt-format = junos\n", 4,
		 "[global] auto-rt-format: \"junos\" is not asn-vni or rfc8365");
	load_ok(MIN_GLOBAL "auto-rt-format = asn-vni\n", &cfg);
	assert_false(cfg.auto_rt_rfc8365);
	config_free(&cfg);
}

/* eBGP fabric keys: next-hop-self, allowas-in, ebgp-multihop, local-as, and their conflicts */
static void test_ebgp_keys(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 65100\nnext-hop-self = yes\nallowas-in = 2\n"
			   "ebgp-multihop = 3\nlocal-as = 65001\n[neighbor 10.0.0.3]\nremote-as = 65101\n", &cfg);
	const struct bgp_neighbor *n = &cfg.nbr[0].n;
	assert_true(n->next_hop_self);
	assert_int_equal(n->allowas_in, 2);
	assert_int_equal(n->ebgp_multihop, 3);
	assert_int_equal(n->local_as, 65001);
	n = &cfg.nbr[1].n; /* the defaults: the next hop kept, no loop allowed, one hop, our AS */
	assert_false(n->next_hop_self);
	assert_int_equal(n->allowas_in + n->ebgp_multihop + n->local_as, 0);
	config_free(&cfg);
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 65100\nallowas-in = 11\n", 6,
		 "[neighbor 10.0.0.2] allowas-in: \"11\" is not a number in 0-10");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 65100\nebgp-multihop = 0\n", 6,
		 "[neighbor 10.0.0.2] ebgp-multihop: \"0\" is not a number in 1-255");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 64512\nebgp-multihop = 2\n", 4,
		 "[neighbor 10.0.0.2] ebgp-multihop: the neighbor is iBGP (remote-as = asn)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 65100\nebgp-multihop = 2\nttl-security = yes\n", 4,
		 "[neighbor 10.0.0.2] ebgp-multihop and ttl-security exclude each other (GTSM is one hop)");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 64512\nlocal-as = 65001\n", 4,
		 "[neighbor 10.0.0.2] local-as 65001: only for an eBGP neighbor, and not its remote-as");
	load_err(MIN_GLOBAL "[neighbor 10.0.0.2]\nremote-as = 65001\nlocal-as = 65001\n", 4,
		 "[neighbor 10.0.0.2] local-as 65001: only for an eBGP neighbor, and not its remote-as");
}

/* duplicate address detection: FRR's defaults (5 moves in 180 s), no freeze, no automatic recovery */
static void test_dad(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL, &cfg);
	assert_int_equal(cfg.dad_max_moves, 5);
	assert_int_equal(cfg.dad_window, 180);
	assert_false(cfg.dad_freeze);
	assert_int_equal(cfg.dad_recovery, 0);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "dad-max-moves = 3\ndad-window = 20\ndad-freeze = yes\ndad-recovery = 300\n",
		&cfg);
	assert_int_equal(cfg.dad_max_moves, 3);
	assert_int_equal(cfg.dad_window, 20);
	assert_true(cfg.dad_freeze);
	assert_int_equal(cfg.dad_recovery, 300);
	config_free(&cfg);
	load_ok(MIN_GLOBAL "dad-max-moves = 0\n", &cfg); /* off */
	assert_int_equal(cfg.dad_max_moves, 0);
	config_free(&cfg);
	load_err(MIN_GLOBAL "dad-max-moves = 256\n", 4,
		 "[global] dad-max-moves: \"256\" is not a number in 0-255");
	load_err(MIN_GLOBAL "dad-window = 0\n", 4, "[global] dad-window: \"0\" is not a number in 1-86400");
	load_err(MIN_GLOBAL "dad-freeze = maybe\n", 4,
		 "[global] dad-freeze: \"maybe\" is not a boolean (yes/no, true/false, on/off, 1/0)");
	load_err(MIN_GLOBAL "dad-recovery = -1\n", 4,
		 "[global] dad-recovery: \"-1\" is not a number in 0-86400");
}

/* arp-suppress: off by default, [global] sets it for every VNI, [vni N] overrides either way */
static void test_arp_suppress(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL, &cfg);
	assert_false(cfg.arp_suppress);
	assert_false(config_arp_suppress(&cfg, 100));
	config_free(&cfg);
	load_ok(MIN_GLOBAL "arp-suppress = yes\n[vni 200]\narp-suppress = no\n[vni 300]\nrd = 1:1\n",
		&cfg);
	assert_true(cfg.arp_suppress);
	assert_true(config_arp_suppress(&cfg, 100));  /* no section: [global] */
	assert_false(config_arp_suppress(&cfg, 200)); /* overridden */
	assert_true(config_arp_suppress(&cfg, 300));  /* a section without the key: [global] */
	config_free(&cfg);
	load_ok(MIN_GLOBAL "[vni 100]\narp-suppress = on\n", &cfg);
	assert_true(config_arp_suppress(&cfg, 100));
	assert_false(config_arp_suppress(&cfg, 101));
	config_free(&cfg);
	load_err(MIN_GLOBAL "arp-suppress = maybe\n", 4,
		 "[global] arp-suppress: \"maybe\" is not a boolean (yes/no, true/false, on/off, 1/0)");
}

/* [vrf NAME]: a routed tenant, its L3 VNI (required, its own), RD and RTs as for [vni N] */
static void test_vrf(void **state)
{
	struct config cfg;
	(void)state;
	load_ok(MIN_GLOBAL "[vrf vrf-t]\nl3vni = 4000\n[vrf blue.2]\nl3vni = 4001\nrd = 10.0.0.1:99\n"
			   "route-target = 64512:4444\nimport-rt = 65001:4001\nadvertise = none\n[vni 100]\n",
		&cfg);
	assert_int_equal(cfg.nvrf, 2);
	const struct cfg_vrf *t = config_vrf(&cfg, "vrf-t"), *b = config_vrf(&cfg, "blue.2");
	assert_non_null(t);
	assert_non_null(b);
	assert_int_equal(t->l3vni, 4000);
	assert_true(t->advertise_connected); /* the default */
	assert_true(t->r.rd_auto && t->r.rt_auto);
	assert_ptr_equal(config_vrf_by_l3vni(&cfg, 4000), t);
	assert_ptr_equal(config_vrf_by_l3vni(&cfg, 4001), b);
	assert_null(config_vrf_by_l3vni(&cfg, 100));
	assert_null(config_vrf_by_l3vni(&cfg, 0));
	assert_null(config_vrf(&cfg, "vrf"));
	/* the L3 VNI's RD and RTs are found as a VNI's are: originate and rt_filter use them */
	assert_ptr_equal(config_vni(&cfg, 4001), &b->r);
	assert_false(b->r.rd_auto);
	assert_int_equal(b->r.nrt, 1);
	assert_true(b->r.rt[0] == 0x0002fc000000115cull); /* 64512:4444 */
	assert_int_equal(b->r.nimport, 1);
	assert_false(b->advertise_connected);
	assert_int_equal(config_vni(&cfg, 100)->vni, 100);
	config_free(&cfg);
	assert_null(cfg.vrf);

	load_err(MIN_GLOBAL "[vrf t]\nrd = auto\n", 4, "[vrf t] l3vni is required");
	load_err(MIN_GLOBAL "[vrf t]\nl3vni = 0\n", 5, "[vrf t] l3vni: \"0\" is not a VNI (1-16777215)");
	load_err(MIN_GLOBAL "[vrf t]\nl3vni = 4000\nadvertise = static\n", 6,
		 "[vrf t] advertise: \"static\" is not connected or none");
	load_err(MIN_GLOBAL "[vrf t]\nl3vni = 4000\n[vrf t]\nl3vni = 4001\n", 6,
		 "[vrf t] duplicate section (first on line 4)");
	load_err(MIN_GLOBAL "[vrf a]\nl3vni = 4000\n[vrf b]\nl3vni = 4000\n", 6,
		 "[vrf b] l3vni 4000 is [vrf a]'s too (line 4)");
	load_err(MIN_GLOBAL "[vni 4000]\n[vrf a]\nl3vni = 4000\n", 5,
		 "[vrf a] l3vni 4000 has a [vni 4000] section (line 4): an L3 VNI carries no L2 segment");
	load_err(MIN_GLOBAL "[vrf a/b]\nl3vni = 1\n", 4,
		 "[vrf a/b] \"a/b\" is not a VRF device name (1-15 letters, digits, '.', '_', '-', '@' or '+')");
	load_err(MIN_GLOBAL "[vrf 0123456789abcdef]\nl3vni = 1\n", 4,
		 "[vrf 0123456789abcdef] \"0123456789abcdef\" is not a VRF device name (1-15 letters, digits, "
		 "'.', '_', '-', '@' or '+')");
	load_err(MIN_GLOBAL "[vrf t]\nl3vni = 1\narp-suppress = yes\n", 6,
		 "[vrf t] unknown key \"arp-suppress\"");
	load_err(MIN_GLOBAL "[tenant t]\n", 4,
		 "unknown section [tenant t] (expected [global], [neighbor ADDRESS], [vni NUMBER] or [vrf NAME])");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),	    cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_comments),    cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing),	    cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_route_targets), cmocka_unit_test(test_families),
		cmocka_unit_test(test_hold_time),   cmocka_unit_test(test_listen),
		cmocka_unit_test(test_long_line),   cmocka_unit_test(test_converge_timeout),
		cmocka_unit_test(test_netlink_buffer),
		cmocka_unit_test(test_dad),
		cmocka_unit_test(test_ebgp_keys),
		cmocka_unit_test(test_import_export_rt),
		cmocka_unit_test(test_arp_suppress),
		cmocka_unit_test(test_vrf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
