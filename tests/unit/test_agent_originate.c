/* SPDX-License-Identifier: Apache-2.0 */
/* originate.c: the NLRI and attributes built for control requests, decoded back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "config.h"
#include "evpn.h"
#include "opaque.h"
#include "route_req.h"
#include "tenant_prefixes.h"
#include "testutil.h"

/* router id 10.0.0.1, AS 64512, no vtep-ip, no [vni] sections */
static void base_cfg(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->g.asn = 64512;
	cfg->g.router_id = 0x0a000001;
}

/* Parse the JSON request and build; returns 0 or -1 with err. */
static int build(const struct config *cfg, const char *json, uint8_t type, bool add,
		 struct orig_route *out, char *err)
{
	struct json_object *req = json_tokener_parse(json);
	struct orig_req rq;
	int r;

	assert_non_null(req);
	r = originate_parse(req, type, add, &rq, err, 256);
	if (r == 0)
		r = originate_build(cfg, &rq, out, err, 256);
	json_object_put(req);
	return r;
}

static void assert_bytes(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[256];
	long n = hex_decode(hex, want, sizeof want);

	assert_int_equal(len, n);
	assert_memory_equal(got, want, (size_t)n);
}

static void test_macadv_defaults(void **state)
{
	struct config cfg;
	struct orig_route rt;
	struct evpn_route d;
	char err[256], ip[IPADDR_STRLEN];

	base_cfg(&cfg);
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":100}", EVPN_RT_MACIP, true,
			       &rt, err), 0);
	/* auto RD type 1 10.0.0.1:100, zero ESI and tag, MAC only, label = raw VNI 100 */
	assert_bytes(rt.nlri, rt.len,
		     "02 21 0001 0a000001 0064 00000000000000000000 00000000 30 aabbccddee01 00 000064");
	assert_int_equal(evpn_decode(rt.nlri, rt.len, &d), 0);
	assert_int_equal(d.label[0], 100);
	assert_int_equal(d.ip.af, 0);
	assert_int_equal(rt.a.flags, AF_HAS_NEXT_HOP);
	assert_string_equal(ipaddr_str(&rt.a.nexthop, ip), "10.0.0.1"); /* router id */
	assert_int_equal(rt.a.nextcomm, 2);
	assert_true(rt.a.extcomm[0] == 0x0002fc0000000064ull);  /* rt:64512:100 */
	assert_true(rt.a.extcomm[1] == 0x030c000000000008ull);  /* encap vxlan */
}

static void test_macadv_all_fields(void **state)
{
	struct config cfg;
	struct orig_route rt;
	uint32_t seq;
	bool sticky;
	char err[256], ip[IPADDR_STRLEN];

	base_cfg(&cfg);
	ipaddr_parse("192.0.2.9", &cfg.vtep_ip);
	assert_int_equal(build(&cfg,
			       "{\"mac\":\"AA:BB:CC:DD:EE:04\",\"ip\":\"192.168.10.5\",\"vni\":10,"
			       "\"rd\":\"64512:10\",\"rt\":[\"64512:10\",\"65000:7\"],\"nexthop\":\"10.77.0.1\","
			       "\"etag\":7,\"seq\":5,\"sticky\":true}",
			       EVPN_RT_MACIP, true, &rt, err), 0);
	/* wire.md: the type 2 with IPv4 layout, RD type 0 64512:10 */
	assert_bytes(rt.nlri, rt.len,
		     "02 25 0000 fc00 0000000a 00000000000000000000 00000007 30 aabbccddee04 20 c0a80a05 00000a");
	assert_string_equal(ipaddr_str(&rt.a.nexthop, ip), "10.77.0.1"); /* request beats vtep-ip */
	assert_int_equal(rt.a.nextcomm, 4);
	assert_true(rt.a.extcomm[0] == 0x0002fc000000000aull);
	assert_true(rt.a.extcomm[1] == 0x0002fde800000007ull);
	assert_true(rt.a.extcomm[2] == 0x030c000000000008ull);
	assert_true(rt.a.extcomm[3] == 0x0600010000000005ull); /* mobility: sticky flag, seq 5 */
	assert_int_equal(attrs_mac_mobility(&rt.a, &seq, &sticky), 1);
	assert_int_equal(seq, 5);
	assert_true(sticky);
}

static void test_macadv_ipv6_and_zero_ip(void **state)
{
	struct config cfg;
	struct orig_route rt;
	struct evpn_route d;
	char err[256], ip[IPADDR_STRLEN];

	base_cfg(&cfg);
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"ip\":\"2001:db8::1\",\"vni\":100}",
			       EVPN_RT_MACIP, true, &rt, err), 0);
	assert_int_equal(evpn_decode(rt.nlri, rt.len, &d), 0);
	assert_string_equal(ipaddr_str(&d.ip, ip), "2001:db8::1");
	assert_int_equal(rt.len, 2 + 49);
	/* a zero or non-unicast address is refused, never silently turned into something else */
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"ip\":\"0.0.0.0\",\"vni\":100}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_string_equal(err, "ip 0.0.0.0 is no host address (leave ip out for a MAC-only route)");
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"ip\":\"::\",\"vni\":100}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"ip\":\"224.0.0.5\",\"vni\":100}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_string_equal(err, "ip 224.0.0.5 is not a host's unicast address");
	assert_int_equal(build(&cfg, "{\"mac\":\"00:00:00:00:00:00\",\"vni\":100}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_string_equal(err, "MAC address 00:00:00:00:00:00 is not a host's");
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":100,\"nexthop\":\"0.0.0.0\"}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_string_equal(err, "next hop 0.0.0.0 is not a VTEP's address (leave nexthop out for ours)");
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":100,\"nexthop\":\"::\"}",
			       EVPN_RT_MACIP, true, &rt, err), -1);
	assert_int_equal(build(&cfg, "{\"ip\":\"224.0.0.1\",\"vni\":100}", EVPN_RT_IMET, true, &rt, err), -1);
	assert_string_equal(err, "the originator IP address 224.0.0.1 is not a unicast address (a VTEP's)");
	assert_int_equal(build(&cfg, "{\"ip\":\"255.255.255.255\",\"vni\":100}", EVPN_RT_IMET, true, &rt,
			       err), -1);
	/* a delete of such a route is refused the same way: nothing can have added it */
	assert_int_equal(build(&cfg, "{\"ip\":\"10.77.0.1\",\"vni\":100}", EVPN_RT_IMET, true, &rt, err), 0);
}

static void test_multicast(void **state)
{
	struct config cfg;
	struct orig_route rt;
	char err[256], ip[IPADDR_STRLEN];

	base_cfg(&cfg);
	ipaddr_parse("10.77.0.1", &cfg.vtep_ip);
	/* seq is no multicast field: no MAC mobility community on a type 3 */
	assert_int_equal(build(&cfg, "{\"ip\":\"10.77.0.1\",\"vni\":11,\"rd\":\"64512:11\",\"seq\":3}",
			       EVPN_RT_IMET, true, &rt, err), 0);
	/* wire.md type 3 */
	assert_bytes(rt.nlri, rt.len, "03 11 0000 fc00 0000000b 00000000 20 0a4d0001");
	assert_int_equal(rt.a.flags, AF_HAS_NEXT_HOP | AF_HAS_PMSI);
	assert_int_equal(rt.a.pmsi_flags, 0);
	assert_int_equal(rt.a.pmsi_type, PMSI_INGRESS_REPL);
	assert_int_equal(rt.a.pmsi_label, 11);
	assert_string_equal(ipaddr_str(&rt.a.pmsi_ep, ip), "10.77.0.1");
	assert_string_equal(ipaddr_str(&rt.a.nexthop, ip), "10.77.0.1"); /* vtep-ip */
	assert_int_equal(rt.a.nextcomm, 2);
	assert_true(rt.a.extcomm[0] == 0x0002fc000000000bull);
	assert_true(rt.a.extcomm[1] == 0x030c000000000008ull);
}

static void test_vni_config_defaults(void **state)
{
	struct config cfg;
	struct cfg_vni v[2];
	struct orig_route rt;
	char err[256];

	base_cfg(&cfg);
	memset(v, 0, sizeof v);
	v[0].vni = 100;
	rd_parse("65000:42", &v[0].rd);
	v[0].nrt = 2;
	v[0].rt[0] = extc_rt_make(65000, 1);
	v[0].rt[1] = extc_rt_make(65000, 2);
	v[1].vni = 200;
	v[1].rd_auto = true;
	v[1].rt_auto = true;
	cfg.vni = v;
	cfg.nvni = 2;

	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":100}", EVPN_RT_MACIP, true,
			       &rt, err), 0);
	assert_memory_equal(rt.nlri + 2, "\x00\x00\xfd\xe8\x00\x00\x00\x2a", 8);
	assert_int_equal(rt.a.nextcomm, 3);
	assert_true(rt.a.extcomm[0] == 0x0002fde800000001ull);
	assert_true(rt.a.extcomm[1] == 0x0002fde800000002ull);

	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":200}", EVPN_RT_MACIP, true,
			       &rt, err), 0);
	assert_memory_equal(rt.nlri + 2, "\x00\x01\x0a\x00\x00\x01\x00\xc8", 8);
	assert_true(rt.a.extcomm[0] == 0x0002fc00000000c8ull);
}

static void test_errors(void **state)
{
	static const struct {
		const char *json;
		uint8_t type;
		const char *err;
	} cases[] = {
		{ "{\"mac\":\"zz\",\"vni\":1}", EVPN_RT_MACIP, "bad MAC address \"zz\"" },
		{ "{\"mac\":\"01:00:5e:00:00:01\",\"vni\":1}", EVPN_RT_MACIP,
		  "MAC address \"01:00:5e:00:00:01\" is a multicast address" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\"}", EVPN_RT_MACIP, "missing field \"vni\"" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":0}", EVPN_RT_MACIP, "vni 0 out of range (1..16777215)" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":16777216}", EVPN_RT_MACIP,
		  "vni 16777216 out of range (1..16777215)" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":\"10\"}", EVPN_RT_MACIP,
		  "field \"vni\" must be an integer" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"ip\":\"1.2.3\"}", EVPN_RT_MACIP,
		  "bad IP address \"1.2.3\"" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"rd\":\"x:1\"}", EVPN_RT_MACIP,
		  "bad route distinguisher \"x:1\"" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"rt\":[\"64512\"]}", EVPN_RT_MACIP,
		  "bad route target \"64512\"" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"rt\":[1]}", EVPN_RT_MACIP,
		  "field \"rt\" must be an array of strings" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"sticky\":1}", EVPN_RT_MACIP,
		  "field \"sticky\" must be true or false" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":10,\"etag\":-1}", EVPN_RT_MACIP,
		  "etag -1 out of range (0..4294967295)" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":70000}", EVPN_RT_MACIP,
		  "VNI 70000 needs an rd: the automatic router-id:VNI holds 16 bits" },
		{ "{\"vni\":10}", EVPN_RT_IMET, "missing field \"ip\"" },
		{ "{\"ip\":\"0.0.0.0\",\"vni\":10}", EVPN_RT_IMET, "the originator IP address must not be zero" },
		{ "{\"mac\":\"aa:bb:cc:dd:ee:01\\n\",\"vni\":1}", EVPN_RT_MACIP,
		  "bad MAC address \"aa:bb:cc:dd:ee:01\\x0a\"" },
	};
	struct config cfg;
	struct orig_route rt;
	char err[256];

	base_cfg(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		assert_int_equal(build(&cfg, cases[i].json, cases[i].type, true, &rt, err), -1);
		assert_string_equal(err, cases[i].err);
	}
	/* a larger VNI with an explicit RD is fine */
	assert_int_equal(build(&cfg, "{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":70000,\"rd\":\"1.2.3.4:5\"}",
			       EVPN_RT_MACIP, true, &rt, err), 0);
	assert_true(rt.a.extcomm[0] == 0x0002fc0000011170ull);
}

static void test_del_ignores_add_fields(void **state)
{
	struct config cfg;
	struct json_object *req;
	struct orig_req rq;
	char err[256];

	base_cfg(&cfg);
	/* a delete builds the same key; attributes never matter, so rt is not even looked at */
	req = json_tokener_parse("{\"mac\":\"aa:bb:cc:dd:ee:01\",\"vni\":5,\"rt\":7}");
	assert_int_equal(originate_parse(req, EVPN_RT_MACIP, false, &rq, err, sizeof err), 0);
	assert_int_equal(rq.nrt, 0);
	assert_int_equal(originate_parse(req, EVPN_RT_MACIP, true, &rq, err, sizeof err), -1);
	json_object_put(req);
}

#define MK 1024 /* opaque-max-key, -value: the defaults */
#define MV 3072
static void test_opaque(void **state)
{
	struct json_object *req;
	uint8_t buf[ORIG_OPAQUE_MAX + 2];
	char err[256], big[ORIG_OPAQUE_MAX + 64];
	int n;

	req = json_tokener_parse("{\"key\":\"key1\",\"value\":\"value1\"}");
	n = originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err);
	assert_bytes(buf, (size_t)n, "0004 6b657931 76616c756531"); /* wire.md, GoBGP's bytes */
	n = originate_opaque(req, false, MK, MV, buf, sizeof buf, err, sizeof err);
	assert_bytes(buf, (size_t)n, "0004 6b657931");
	json_object_put(req);

	/* the same bytes in hex; bytes that are no UTF-8 */
	req = json_tokener_parse("{\"key_hex\":\"6B657931\",\"value_hex\":\"ff00fe\"}");
	n = originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err);
	assert_bytes(buf, (size_t)n, "0004 6b657931 ff00fe");
	json_object_put(req);
	req = json_tokener_parse("{\"key\":\"k\",\"key_hex\":\"6b\",\"value\":\"v\"}");
	assert_int_equal(originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "give key or key_hex, not both");
	json_object_put(req);
	req = json_tokener_parse("{\"key_hex\":\"6g\",\"value\":\"v\"}");
	assert_int_equal(originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "key_hex: not hex digits");
	json_object_put(req);
	req = json_tokener_parse("{\"key_hex\":\"6b6\",\"value\":\"v\"}");
	assert_int_equal(originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "key_hex: an odd number of hex digits");
	json_object_put(req);

	/* the configured limits */
	req = json_tokener_parse("{\"key\":\"abcdef\",\"value\":\"0123456789\"}");
	assert_int_equal(originate_opaque(req, true, 5, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "key too long (6 bytes, opaque-max-key 5)");
	assert_int_equal(originate_opaque(req, true, MK, 9, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "value too long (10 bytes, opaque-max-value 9)");
	json_object_put(req);

	req = json_tokener_parse("{\"key\":\"\",\"value\":\"v\"}");
	assert_int_equal(originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "empty key");
	json_object_put(req);

	req = json_tokener_parse("{\"key\":\"k\"}");
	assert_int_equal(originate_opaque(req, true, MK, MV, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "missing field \"value\"");
	json_object_put(req);

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	req = json_object_new_object();
	json_object_object_add(req, "key", json_object_new_string("k"));
	json_object_object_add(req, "value", json_object_new_string(big));
	assert_int_equal(originate_opaque(req, true, MK, ORIG_OPAQUE_MAX, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "value too long (3647 bytes, at most 3584)");
	json_object_object_add(req, "value", json_object_new_string(big + 64));
	json_object_object_add(req, "key", json_object_new_string("kk"));
	assert_int_equal(originate_opaque(req, true, MK, ORIG_OPAQUE_MAX, buf, sizeof buf, err, sizeof err), -1);
	assert_string_equal(err, "key and value too long (3585 bytes, at most 3584: one BGP message)");
	json_object_put(req);
}

/* A routed tenant's MAC+IP route (RFC 9135 symmetric IRB) as FRR 8.4 sends it
 * (docs/wire.md, "Symmetric IRB"; VM2 10.2.0.12 in VNI 200 behind h2, L3 VNI 4000, router MAC
 * 02:00:00:00:30:02): label 2 the L3 VNI, the L2 VNI's and the VRF's route targets, the Router's
 * MAC community; the RD is ours (router-id:VNI; FRR's is an index). No IP: no L3 part. */
/* FRR's lab of docs/wire.md: AS 65001, router-id 10.93.0.2, [vrf vrf-t] l3vni 4000, all auto. */
static void tenant_cfg(struct config *cfg, struct cfg_vrf *vrf)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->g.asn = 65001;
	cfg->g.router_id = 0x0a5d0002;
	memset(vrf, 0, sizeof *vrf);
	strcpy(vrf->name, "vrf-t");
	vrf->l3vni = 4000;
	vrf->r.vni = 4000;
	vrf->r.rd_auto = vrf->r.rt_auto = true;
	cfg->vrf = vrf;
	cfg->nvrf = 1;
}

static void test_symmetric_irb(void **state)
{
	struct config cfg;
	struct cfg_vrf vrf;
	struct orig_route rt;
	struct orig_req rq;
	struct evpn_route d;
	char err[256];

	(void)state;
	tenant_cfg(&cfg, &vrf);
	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_MACIP;
	memcpy(rq.mac.b, "\x02\x00\x00\x00\x02\x12", 6);
	assert_int_equal(ipaddr_parse("10.2.0.12", &rq.ip), 0);
	rq.vni = 200;
	rq.l3vni = 4000;
	memcpy(rq.rmac.b, "\x02\x00\x00\x00\x30\x02", 6);
	assert_int_equal(originate_build(&cfg, &rq, &rt, err, sizeof err), 0);
	assert_bytes(rt.nlri, rt.len, "02 28 0001 0a5d0002 00c8 00000000000000000000 00000000 "
				      "30 020000000212 20 0a02000c 0000c8 000fa0");
	assert_int_equal(evpn_decode(rt.nlri, rt.len, &d), 0);
	assert_int_equal(d.nlabels, 2);
	assert_int_equal(d.label[1], 4000);
	assert_int_equal(rt.a.nextcomm, 4);
	assert_true(rt.a.extcomm[0] == 0x0002fde9000000c8ull); /* rt:65001:200, the L2 VNI's */
	assert_true(rt.a.extcomm[1] == 0x0002fde900000fa0ull); /* rt:65001:4000, the VRF's */
	assert_true(rt.a.extcomm[2] == 0x030c000000000008ull); /* encap vxlan */
	assert_true(rt.a.extcomm[3] == 0x0603020000003002ull); /* router MAC */

	/* the MAC-only route of the same VM: one label, no VRF target, no router MAC (as FRR) */
	rq.ip.af = 0;
	assert_int_equal(originate_build(&cfg, &rq, &rt, err, sizeof err), 0);
	assert_bytes(rt.nlri, rt.len, "02 21 0001 0a5d0002 00c8 00000000000000000000 00000000 "
				      "30 020000000212 00 0000c8");
	assert_int_equal(rt.a.nextcomm, 2);
	/* a VRF exporting the L2 VNI's own target lists it once */
	vrf.r.rt_auto = false;
	vrf.r.nrt = 1;
	vrf.r.rt[0] = 0x0002fde9000000c8ull;
	assert_int_equal(ipaddr_parse("10.2.0.12", &rq.ip), 0);
	assert_int_equal(originate_build(&cfg, &rq, &rt, err, sizeof err), 0);
	assert_int_equal(rt.a.nextcomm, 3);
}

/* A connected prefix's type-5 route matches FRR 8.4's (docs/wire.md, "Symmetric IRB"): gateway IP
 * zero, label 4000, RT 65001:4000 only, encapsulation and Router's MAC, ORIGIN incomplete; the RD
 * is the [vrf]'s (router-id:L3VNI; FRR's is an index). And which addresses give one (tp_connected). */
static void test_type5(void **state)
{
	struct config cfg;
	struct cfg_vrf vrf;
	struct orig_route rt;
	struct orig_req rq;
	char err[256];
	struct nl_ifaddr a;
	struct ipaddr p;
	uint8_t plen;

	(void)state;
	tenant_cfg(&cfg, &vrf);
	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_PREFIX;
	rq.vni = 4000;
	assert_int_equal(ipaddr_parse("192.0.2.0", &rq.ip), 0);
	rq.plen = 24;
	memcpy(rq.rmac.b, "\x02\x00\x00\x00\x30\x02", 6);
	assert_int_equal(originate_build(&cfg, &rq, &rt, err, sizeof err), 0);
	assert_bytes(rt.nlri, rt.len, "05 22 0001 0a5d0002 0fa0 00000000000000000000 00000000 "
				      "18 c0000200 00000000 000fa0");
	assert_int_equal(rt.a.nextcomm, 3);
	assert_true(rt.a.extcomm[0] == 0x0002fde900000fa0ull); /* rt:65001:4000 */
	assert_true(rt.a.extcomm[1] == 0x030c000000000008ull); /* encap vxlan */
	assert_true(rt.a.extcomm[2] == 0x0603020000003002ull); /* router MAC */
	assert_int_equal(rt.a.origin, ORIGIN_INCOMPLETE);
	/* IPv6: 58 bytes */
	assert_int_equal(ipaddr_parse("2001:db8:2::", &rq.ip), 0);
	rq.plen = 64;
	assert_int_equal(originate_build(&cfg, &rq, &rt, err, sizeof err), 0);
	assert_int_equal(rt.len, 2 + 58);

	/* addresses: a subnet's address gives its prefix, masked */
	memset(&a, 0, sizeof a);
	a.ifindex = 5;
	a.addr.af = AF_INET;
	memcpy(a.addr.a, "\x0a\x02\x00\x01", 4);
	a.plen = 24;
	assert_true(tp_connected(&a, &p, &plen));
	assert_int_equal(plen, 24);
	assert_memory_equal(p.a, "\x0a\x02\x00\x00", 4);
	/* a host address (/32), a /0, link scope: none */
	a.plen = 32;
	assert_false(tp_connected(&a, &p, &plen));
	a.plen = 0;
	assert_false(tp_connected(&a, &p, &plen));
	a.plen = 24;
	a.scope = 253; /* RT_SCOPE_LINK */
	assert_false(tp_connected(&a, &p, &plen));
	/* IPv6: a global /64 yes, fe80::/64 no, /128 no */
	memset(&a, 0, sizeof a);
	a.addr.af = AF_INET6;
	assert_int_equal(ipaddr_parse("2001:db8:2::1", &p), 0);
	memcpy(a.addr.a, p.a, 16);
	a.plen = 64;
	assert_true(tp_connected(&a, &p, &plen));
	assert_int_equal(p.a[15], 0);
	a.plen = 128;
	assert_false(tp_connected(&a, &p, &plen));
	a.plen = 64;
	a.addr.a[0] = 0xfe;
	a.addr.a[1] = 0x80;
	assert_false(tp_connected(&a, &p, &plen));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macadv_defaults),
		cmocka_unit_test(test_macadv_all_fields),
		cmocka_unit_test(test_macadv_ipv6_and_zero_ip),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_vni_config_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_del_ignores_add_fields),
		cmocka_unit_test(test_opaque),
		cmocka_unit_test(test_symmetric_irb),
		cmocka_unit_test(test_type5),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
