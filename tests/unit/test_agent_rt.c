/* SPDX-License-Identifier: Apache-2.0 */
/* rt_filter.c and its users: per-VNI import and export route-target sets from the configuration,
 * the import decision of remote routes (macs.c), "installed" in route objects, the sets in
 * `show vnis`, and the default-gateway / router's-MAC communities in route JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn.h"
#include "agent_fixture.h"
#include "engine.h"
#include "originate.h"
#include "control.h"
#include "control_int.h"
#include "macs_show.h"
#include "route_json.h"
#include "rt_filter.h"
#include "testutil.h"
#include "wire.h"

#define RT(asn, n) (0x0002000000000000ull | ((uint64_t)(asn) << 32) | (uint32_t)(n))

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0xa };
static struct cfg_vni vnis[2];
static struct config cfg;

/* AS 64512, router id 10.88.0.2; [vni 100]: import-rt = 64512:999; [vni 200]: route-target =
 * 64512:7 with import-rt = auto 64512:8 and export-rt = 64512:9. VNI 300: no section. */
static void base_cfg(void)
{
	memset(&cfg, 0, sizeof cfg);
	memset(vnis, 0, sizeof vnis);
	cfg.g.asn = 64512;
	cfg.g.router_id = 0x0a580002;
	cfg.converge_timeout = 10;
	vnis[0].vni = 100;
	vnis[0].rd_auto = vnis[0].rt_auto = true;
	vnis[0].import_rt[vnis[0].nimport++] = RT(64512, 999);
	vnis[1].vni = 200;
	vnis[1].rd_auto = true;
	vnis[1].rt[vnis[1].nrt++] = RT(64512, 7);
	vnis[1].import_auto = true;
	vnis[1].import_rt[vnis[1].nimport++] = RT(64512, 8);
	vnis[1].import_rt[vnis[1].nimport++] = RT(64512, 7); /* the same as route-target: once */
	vnis[1].export_rt[vnis[1].nexport++] = RT(64512, 9);
	cfg.vni = vnis;
	cfg.nvni = 2;
}

static void test_sets(void **state)
{
	uint64_t s[CFG_MAX_RT];
	struct rt_import im;
	(void)state;

	base_cfg();
	/* import-rt alone replaces the automatic import RT, exactly; export stays auto */
	rtf_import_set(&cfg, 100, &im);
	assert_int_equal(im.n, 1);
	assert_true(im.rt[0] == 0x0002fc00000003e7ull && im.wild == 0); /* 64512:999, exact */
	assert_int_equal(rtf_export_set(&cfg, 100, s), 1);
	assert_true(s[0] == 0x0002fc0000000064ull); /* 64512:100 */
	/* route-target goes both ways; each direction adds its own, auto and duplicates once; the
	 * auto-derived import RT is a wildcard (*:200), the configured ones exact */
	rtf_import_set(&cfg, 200, &im);
	assert_int_equal(im.n, 3);
	assert_true(im.rt[0] == RT(64512, 7) && im.rt[1] == RT(64512, 8) && im.rt[2] == RT(0, 200));
	assert_int_equal(im.wild, 1u << 2);
	assert_int_equal(rtf_export_set(&cfg, 200, s), 2);
	assert_true(s[0] == RT(64512, 7) && s[1] == RT(64512, 9));
	/* no section: *:VNI in, ASN:VNI out */
	rtf_import_set(&cfg, 300, &im);
	assert_true(im.n == 1 && im.rt[0] == RT(0, 300) && im.wild == 1);
	/* a 4-byte ASN: its low 16 bits and the whole VNI, in the 2-octet-AS form (as FRR derives
	 * it: the AS4 form would cut the VNI to 16 bits) */
	cfg.g.asn = 4200000000u;
	assert_int_equal(rtf_export_set(&cfg, 300, s), 1);
	assert_true(s[0] == RT(4200000000u & 0xffff, 300));
	assert_true(s[0] == rtf_auto(&cfg, 300));
	/* RFC 8365 section 5.1.2.1: type 1 (VXLAN) above the VNI, both ways */
	cfg.g.asn = 64512;
	cfg.auto_rt_rfc8365 = true;
	assert_int_equal(rtf_export_set(&cfg, 70000, s), 1);
	assert_true(s[0] == RT(64512, 0x10000000u | 70000));
	rtf_import_set(&cfg, 70000, &im);
	assert_true(im.n == 1 && im.rt[0] == RT(0, 0x10000000u | 70000) && im.wild == 1);
	cfg.auto_rt_rfc8365 = false;
	/* "*:NN" in route-target: imported as a wildcard, exported as ASN:NN */
	vnis[1].rt[1] = RT(0, 77);
	vnis[1].rt_wild = 1u << 1;
	vnis[1].nrt = 2;
	rtf_import_set(&cfg, 200, &im);
	assert_true(im.n == 4 && im.rt[1] == RT(0, 77) && im.wild == (1u << 1 | 1u << 3));
	assert_int_equal(rtf_export_set(&cfg, 200, s), 3);
	assert_true(s[1] == RT(64512, 77));
	base_cfg();
	/* a full set is cut at CFG_MAX_RT, never overrun */
	for (unsigned i = 0; i < CFG_MAX_RT; i++)
		vnis[1].export_rt[i] = RT(1, i + 100);
	vnis[1].nexport = CFG_MAX_RT;
	vnis[1].export_auto = true;
	assert_int_equal(rtf_export_set(&cfg, 200, s), CFG_MAX_RT);
	assert_true(s[0] == RT(64512, 7) && s[CFG_MAX_RT - 1] == RT(1, 100 + CFG_MAX_RT - 2));
}

static void test_match(void **state)
{
	struct rt_import set = { .rt = { RT(64512, 100), RT(64512, 999) }, .n = 2 };
	uint64_t ext[3] = { 0x030c000000000008ull, RT(64512, 5), RT(64512, 999) };
	struct attrs a;
	(void)state;

	memset(&a, 0, sizeof a);
	a.extcomm = ext;
	a.nextcomm = 3;
	assert_true(rtf_match(&set, &a));
	assert_true(rtf_accepts(&set, &a));
	a.nextcomm = 2; /* encap and 64512:5 only */
	assert_false(rtf_match(&set, &a));
	assert_false(rtf_accepts(&set, &a));
	/* a non-RT community with an RT's low bytes is no RT */
	ext[1] = 0x0600fc00000003e7ull;
	assert_false(rtf_match(&set, &a));
	/* no RT at all: installed by label (GoBGP's rib add without rt) */
	assert_true(rtf_accepts(&set, &a));
	a.nextcomm = 0;
	assert_true(rtf_accepts(&set, &a));
	assert_false(rtf_match(&set, &a));
	assert_false(rtf_accepts(&set, NULL));
	set.n = 0;
	assert_false(rtf_match(&set, NULL));

	/* exact entries: another AS with the same number is not matched */
	set.n = 2;
	a.nextcomm = 2;
	ext[1] = RT(65001, 999);
	assert_false(rtf_match(&set, &a));
	/* a wildcard *:999 matches any global administrator: 2-octet AS, 4-octet AS, IPv4 */
	set.wild = 1u << 1;
	set.rt[1] = RT(0, 999);
	assert_true(rtf_match(&set, &a));
	ext[1] = 0x0202fa56ea0103e7ull; /* 4200000001:999 */
	assert_true(rtf_match(&set, &a));
	ext[1] = 0x01020102030403e7ull;
	assert_true(rtf_match(&set, &a));
	ext[1] = RT(65001, 998);
	assert_false(rtf_match(&set, &a));
	/* a 16-bit local administrator cannot hold 70000: no false match on its low bits */
	set.rt[1] = RT(0, 70000);
	ext[1] = 0x0202fa56ea010000ull | (70000 & 0xffff);
	assert_false(rtf_match(&set, &a));
	ext[1] = RT(65001, 70000);
	assert_true(rtf_match(&set, &a));
	/* an opaque community whose low bytes are 70000 is no RT */
	ext[1] = 0x0300000000000000ull | 70000;
	assert_false(rtf_match(&set, &a));
	char buf[32];
	assert_string_equal(rtf_entry_str(&set, 1, buf, sizeof buf), "*:70000");
	assert_string_equal(rtf_entry_str(&set, 0, buf, sizeof buf), "64512:100");
}

static void test_originate_export(void **state)
{
	struct orig_req rq;
	struct orig_route r;
	char err[128];
	(void)state;

	base_cfg();
	memset(&rq, 0, sizeof rq);
	rq.type = EVPN_RT_MACIP;
	rq.vni = 200;
	memcpy(rq.mac.b, MAC_A, 6);
	assert_int_equal(originate_build(&cfg, &rq, &r, err, sizeof err), 0);
	assert_int_equal(r.a.nextcomm, 3);
	assert_true(r.a.extcomm[0] == RT(64512, 7) && r.a.extcomm[1] == RT(64512, 9));
	assert_true(r.a.extcomm[2] == 0x030c000000000008ull);
	rq.vni = 100; /* import-rt does not leak into what we send */
	assert_int_equal(originate_build(&cfg, &rq, &r, err, sizeof err), 0);
	assert_int_equal(r.a.nextcomm, 2);
	assert_true(r.a.extcomm[0] == RT(64512, 100));
}

/* ---- the engine: a VNI table with VNIs 100 and 200 attached ---- */

static void add_vni(struct engine *g, int br, int vx, uint32_t vni)
{
	fixture_vni(g, br, vx, 0, vni);
	assert_true(vt_by_vni(&g->vt, vni)->active);
}

/* The engine whose VNIs decide the "installed" field of route objects (as the daemon's does). */
static struct engine *json_engine;

static void setup_glue(struct engine *g)
{
	base_cfg();
	assert_int_equal(engine_init(g, &cfg, NULL, NULL), 0);
	json_engine = g;
	add_vni(g, 3, 4, 100);
	add_vni(g, 5, 6, 200);
}

/* A type-2 route for MAC_A in vni from 10.88.0.5 with route targets rt[0..nrt) (and encap). */
struct t2 {
	uint8_t nlri[64];
	size_t len;
	struct attrs a;
	uint64_t ext[4];
	struct ipaddr src;
};

static void t2_make(struct t2 *t, uint32_t vni, const uint64_t *rt, unsigned nrt)
{
	struct evpn_route r;
	struct wbuf w;

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	r.type = EVPN_RT_MACIP;
	rd_make_ip(&r.rd, 0x0a580005, (uint16_t)vni);
	memcpy(r.mac.b, MAC_A, 6);
	r.nlabels = 1;
	r.label[0] = vni;
	wbuf_init(&w, t->nlri, sizeof t->nlri);
	assert_int_equal(evpn_encode(&r, &w), 0);
	t->len = w.len;
	t->a.flags = AF_HAS_NEXT_HOP;
	ipaddr_from_v4(&t->a.nexthop, 0x0a580005);
	memcpy(t->ext, rt, nrt * sizeof *rt);
	t->ext[nrt] = extc_encap(TUNNEL_VXLAN);
	t->a.extcomm = t->ext;
	t->a.nextcomm = (uint16_t)(nrt + 1);
	ipaddr_from_v4(&t->src, 0x0a580005);
}

static bool installed(struct engine *g, int vx)
{
	return fx_remote(g, vx, MAC_A) != NULL;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, k, &v))
		return "(absent)";
	return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";
}

/* "installed" of the route's JSON object as a best-path change from src (NULL: local). */
static const char *json_installed(const struct t2 *t, const struct ipaddr *src, bool withdraw)
{
	static char out[32];
	struct control_env env = { .engine = json_engine };
	const struct attrs *a = withdraw ? NULL : &t->a;
	struct json_object *o = route_json_change(FAM_EVPN, t->nlri, t->len, a, src,
						  ctl_installed(&env, FAM_EVPN, t->nlri, t->len, a,
								src && src->af, a != NULL));
	snprintf(out, sizeof out, "%s", jstr(o, "installed"));
	json_object_put(o);
	return out;
}

/* The best path becomes MAC_A's route in vni with the one route target rt: whether it is installed
 * on the VXLAN device vx. */
static bool offer(struct engine *g, struct t2 *t, uint32_t vni, uint64_t rt, int vx)
{
	t2_make(t, vni, &rt, 1);
	engine_best_changed(g, FAM_EVPN, t->nlri, t->len, &t->a, &t->src);
	return installed(g, vx);
}

static void test_install_decision(void **state)
{
	struct engine g;
	struct t2 t;
	const uint64_t rt100 = RT(64512, 100), rt999 = RT(64512, 999), rt200 = RT(64512, 200);
	(void)state;

	setup_glue(&g);
	/* VNI 100 imports 64512:999 only: the default RT of the sender is kept out */
	t2_make(&t, 100, &rt100, 1);
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_false(installed(&g, 4));
	assert_string_equal(json_installed(&t, &t.src, false), "false");
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 0);
	/* the same route with 64512:999 beside it: installed; the JSON says so */
	uint64_t both[2] = { rt100, rt999 };
	t2_make(&t, 100, both, 2);
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_true(installed(&g, 4));
	assert_string_equal(json_installed(&t, &t.src, false), "true");
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 1);
	/* a local route and a withdrawal: no "installed" / false */
	assert_string_equal(json_installed(&t, NULL, false), "(absent)");
	assert_string_equal(json_installed(&t, &t.src, true), "false");
	/* the update drops 64512:999: the entry goes, as on a withdrawal */
	t2_make(&t, 100, &rt100, 1);
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_false(installed(&g, 4));
	assert_int_equal(vt_by_vni(&g.vt, 100)->nremote, 0);
	/* VNI 200 imports auto (*:200), 64512:7 and 64512:8; its label alone is not enough */
	assert_false(offer(&g, &t, 200, rt999, 6));
	assert_true(offer(&g, &t, 200, rt200, 6));
	/* eBGP: a hypervisor in AS 65099 sends its auto RT 65099:200; VNI 200's auto import matches
	 * the local administrator whatever the AS (FRR's rule). VNI 100's explicit 64512:999 does
	 * not match 65099:999. */
	assert_false(offer(&g, &t, 200, rt999, 6));
	assert_true(offer(&g, &t, 200, RT(65099, 200), 6));
	assert_false(offer(&g, &t, 100, RT(65099, 999), 4));
	/* a VNI that is not local: nothing installed, "installed": false */
	t2_make(&t, 300, &rt999, 1);
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_string_equal(json_installed(&t, &t.src, false), "false");

	/* type 3: a flood entry is wanted only with an imported RT, and the JSON agrees */
	struct evpn_route r3;
	struct wbuf w;
	memset(&r3, 0, sizeof r3);
	r3.type = EVPN_RT_IMET;
	rd_make_ip(&r3.rd, 0x0a580005, 100);
	ipaddr_from_v4(&r3.orig, 0x0a580005);
	t2_make(&t, 100, &rt100, 1);
	wbuf_init(&w, t.nlri, sizeof t.nlri);
	assert_int_equal(evpn_encode(&r3, &w), 0);
	t.len = w.len;
	t.a.flags |= AF_HAS_PMSI;
	t.a.pmsi_type = PMSI_INGRESS_REPL;
	t.a.pmsi_label = 100;
	t.a.pmsi_ep = r3.orig;
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_int_equal(g.flood.set.n, 0); /* VNI 100 imports 64512:999 only */
	assert_string_equal(json_installed(&t, &t.src, false), "false");
	t.a.extcomm = both;
	t.a.nextcomm = 2;
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_int_equal(g.flood.set.n, 1);
	assert_string_equal(json_installed(&t, &t.src, false), "true");
	t.a.extcomm = &rt100; /* the update drops the imported RT: the flood entry goes */
	t.a.nextcomm = 1;
	engine_best_changed(&g, FAM_EVPN, t.nlri, t.len, &t.a, &t.src);
	assert_int_equal(g.flood.set.n, 0);
	t.a.extcomm = both;
	t.a.nextcomm = 2;
	t.a.pmsi_label = 300;
	assert_string_equal(json_installed(&t, &t.src, false), "false");
	engine_stop(&g);
}

static void test_show_vnis(void **state)
{
	struct engine g;
	(void)state;

	setup_glue(&g);
	struct json_object *arr = show_vnis(&g);
	assert_int_equal(json_object_array_length(arr), 2);
	struct json_object *v100 = json_object_array_get_idx(arr, 0);
	struct json_object *v200 = json_object_array_get_idx(arr, 1);
	assert_string_equal(jstr(v100, "import_rt"), "[\"64512:999\"]");
	assert_string_equal(jstr(v100, "export_rt"), "[\"64512:100\"]");
	assert_string_equal(jstr(v100, "rt"), "[\"64512:100\"]");
	assert_string_equal(jstr(v100, "rd"), "\"10.88.0.2:100\"");
	assert_string_equal(jstr(v200, "import_rt"), "[\"64512:7\",\"64512:8\",\"*:200\"]");
	assert_string_equal(jstr(v200, "export_rt"), "[\"64512:7\",\"64512:9\"]");
	json_object_put(arr);
	engine_stop(&g);
}

/* bgp/family_json.c: the router's-MAC (RFC 9135 section 8.1) and default-gateway (RFC 7432
 * section 7.8) communities of a hand-built attribute set, as a route object shows them. */
static void test_gateway_router_mac(void **state)
{
	struct t2 t;
	const uint64_t rt = RT(64512, 100);
	const struct mac rmac = { { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef } };
	(void)state;

	t2_make(&t, 100, &rt, 1);
	t.ext[2] = extc_router_mac(&rmac);
	t.ext[3] = extc_default_gw();
	t.a.nextcomm = 4;
	assert_true(t.ext[2] == 0x0603525400abcdefull); /* type 0x06, sub-type 0x03, the MAC */
	assert_true(t.ext[3] == 0x030d000000000000ull); /* type 0x03, sub-type 0x0d */
	struct json_object *o = route_json_change(FAM_EVPN, t.nlri, t.len, &t.a, &t.src, -1);
	assert_string_equal(jstr(o, "router_mac"), "\"52:54:00:ab:cd:ef\"");
	assert_string_equal(jstr(o, "default_gateway"), "true");
	assert_string_equal(jstr(o, "route_targets"), "[\"64512:100\"]");
	assert_string_equal(jstr(o, "encap"), "\"vxlan\"");
	json_object_put(o);
	/* without them: neither field */
	t.a.nextcomm = 2;
	o = route_json_change(FAM_EVPN, t.nlri, t.len, &t.a, &t.src, -1);
	assert_string_equal(jstr(o, "router_mac"), "(absent)");
	assert_string_equal(jstr(o, "default_gateway"), "(absent)");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_originate_export),
		cmocka_unit_test(test_install_decision),
		cmocka_unit_test(test_show_vnis),
		cmocka_unit_test(test_gateway_router_mac),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
