/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BGP messages as a peer sends them: the input is the byte stream of one session, framed with
 * msg_check_header exactly as peer_io.c does, each message handled as peer_msg.c handles it: OPEN
 * and NOTIFICATION and ROUTE-REFRESH decoded, every UPDATE parsed (every family, every attribute)
 * and applied to a real RIB, with an iBGP route-reflector client and an eBGP neighbour taking the
 * exports. Invariants: what the RIB exports parses back without error at the receiving neighbour,
 * every route prints, and nothing (attribute sets included) outlives the RIB.
 */
#include <json-c/json.h>
#include <string.h>

#include "attr.h"
#include "family.h"
#include "fuzz.h"
#include "msg.h"
#include "rib.h"
#include "update.h"

#define LOCAL_AS 64512
#define ROUTER_ID 0x0a000001u

struct sink {
	bool ebgp;
	unsigned msgs;
};

/* The neighbour's side of an export: every UPDATE we send must be one it accepts whole. */
static void sink_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct sink *s = ctx;
	struct attr_ctx actx = { .ebgp = s->ebgp, .as4 = true };
	struct update u;
	struct bgp_err err = { 0 };
	uint16_t mlen;
	uint8_t type;

	s->msgs++;
	FUZZ_CHECK(len >= BGP_HDR_LEN && len <= BGP_MAX_MSG);
	FUZZ_CHECK(msg_check_header(msg, &mlen, &type, &err) == 0);
	FUZZ_CHECK(mlen == len && type == BGP_UPDATE);
	FUZZ_CHECK(update_parse(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &actx, &u, &err) == ATTR_OK);
}

static void walk_cb(void *ctx, const struct rib_route *r)
{
	char buf[1024];
	struct json_object *o = json_object_new_object();

	FUZZ_CHECK(family_table[r->fam].print(r->nlri, r->len, buf, sizeof buf) >= 0);
	FUZZ_CHECK(memchr(buf, '\0', sizeof buf) != NULL);
	family_table[r->fam].to_json(r->nlri, r->len, r->a, o);
	FUZZ_CHECK(json_object_to_json_string(o) != NULL);
	json_object_put(o);
	(*(unsigned *)ctx)++;
}

/* peer_msg.c's apply_nlri: every NLRI of one MP attribute's field, a NULL a withdraws. */
static void apply_nlri(struct rib *rib, struct rib_peer *src, int fam, struct rbuf r, struct attrs *a)
{
	struct rbuf one;

	while (rbuf_left(&r)) {
		if (family_table[fam].next(&r, &one) < 0)
			break;
		if (a)
			rib_update(rib, src, fam, rbuf_ptr(&one), rbuf_left(&one), a);
		else
			rib_withdraw(rib, src, fam, rbuf_ptr(&one), rbuf_left(&one));
	}
}

static void handle_update(struct rib *rib, struct rib_peer *src, const uint8_t *body, size_t len)
{
	static struct update u; /* as the speaker keeps one (bgp->upd): it is big */
	struct attr_ctx actx = { .ebgp = src->kind == SRC_EBGP, .as4 = true };
	struct bgp_err err = { 0 };
	enum attr_verdict v = update_parse(body, len, &actx, &u, &err);

	if (v == ATTR_RESET) {
		FUZZ_CHECK(err.code != 0);
		return;
	}
	if (u.eor)
		return;
	if (u.ap.has_reach && u.reach_fam >= 0) {
		FUZZ_CHECK(u.reach_fam < FAM_COUNT);
		struct attrs *a = v == ATTR_WITHDRAW ? NULL : attrs_intern(&u.ap.a);
		apply_nlri(rib, src, u.reach_fam, u.ap.reach_nlri, a);
		attrs_unref(a);
	}
	if (u.ap.has_unreach && u.unreach_fam >= 0) {
		FUZZ_CHECK(u.unreach_fam < FAM_COUNT);
		apply_nlri(rib, src, u.unreach_fam, u.ap.unreach_nlri, NULL);
	}
}

static void handle(struct rib *rib, struct rib_peer *src, const uint8_t *msg, uint16_t len, uint8_t type)
{
	const uint8_t *body = msg + BGP_HDR_LEN;
	size_t blen = len - BGP_HDR_LEN;
	struct bgp_open o;
	struct bgp_err err = { 0 };
	uint16_t afi;
	uint8_t safi;

	switch (type) {
	case BGP_OPEN:
		if (msg_open_decode(body, blen, &o, &err) < 0) {
			FUZZ_CHECK(err.code == ERR_OPEN && err.data_len <= sizeof err.data);
			(void)msg_err_subcode_name(err.code, err.subcode);
		}
		break;
	case BGP_UPDATE:
		handle_update(rib, src, body, blen);
		break;
	case BGP_NOTIFICATION:
		if (msg_notification_decode(body, blen, &err) == 0)
			FUZZ_CHECK(err.data_len <= sizeof err.data);
		FUZZ_CHECK(msg_err_code_name(err.code) && msg_err_subcode_name(err.code, err.subcode));
		break;
	case BGP_ROUTE_REFRESH:
		if (msg_refresh_decode(body, blen, &afi, &safi) == 0) {
			int fam = family_find(afi, safi);
			if (fam >= 0)
				rib_peer_refresh(rib, src, fam);
		}
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rib_config cfg = { .local_as = LOCAL_AS, .router_id = ROUTER_ID };
	struct rib *rib = rib_new(&cfg, NULL, NULL);
	struct sink ibgp_sink = { .ebgp = false }, ebgp_sink = { .ebgp = true };
	struct rib_peer src = { .kind = SRC_IBGP, .rr_client = true, .remote_as = LOCAL_AS,
				.router_id = 0x0a000002u, .fam_mask = FAM_ALL };
	struct rib_peer client = { .kind = SRC_IBGP, .rr_client = true, .remote_as = LOCAL_AS,
				   .router_id = 0x0a000003u, .fam_mask = FAM_ALL,
				   .send = sink_send, .ctx = &ibgp_sink };
	struct rib_peer ext = { .kind = SRC_EBGP, .remote_as = 65001, .router_id = 0x0a000004u,
				.fam_mask = FAM_ALL, .send = sink_send, .ctx = &ebgp_sink };
	size_t off = 0;
	unsigned routes = 0;

	FUZZ_CHECK(rib != NULL);
	ipaddr_from_v4(&src.addr, 0x0a000002u);
	ipaddr_from_v4(&client.addr, 0x0a000003u);
	ipaddr_from_v4(&ext.addr, 0x0a000004u);
	ipaddr_from_v4(&ext.nexthop_self, ROUTER_ID);
	FUZZ_CHECK(rib_peer_add(rib, &src) == 0 && rib_peer_add(rib, &client) == 0 &&
		   rib_peer_add(rib, &ext) == 0);
	rib_peer_up(rib, &src);
	rib_peer_up(rib, &client);
	rib_peer_up(rib, &ext);

	/* peer_io.c's framing loop; a bad header ends the session */
	while (size - off >= BGP_HDR_LEN) {
		struct bgp_err err = { 0 };
		uint16_t len;
		uint8_t type;

		if (msg_check_header(data + off, &len, &type, &err) < 0) {
			FUZZ_CHECK(err.code == ERR_HEADER);
			break;
		}
		FUZZ_CHECK(len >= BGP_HDR_LEN && len <= BGP_MAX_MSG);
		if (size - off < len)
			break;
		handle(rib, &src, data + off, len, type);
		off += len;
	}
	rib_flush(rib);
	for (int f = 0; f < FAM_COUNT; f++)
		rib_walk(rib, f, walk_cb, &routes);
	rib_peer_down(rib, &src);
	rib_flush(rib);
	for (int f = 0; f < FAM_COUNT; f++)
		FUZZ_CHECK(rib_count(rib, f) == 0);
	rib_peer_remove(rib, &ext);
	rib_peer_remove(rib, &client);
	rib_peer_remove(rib, &src);
	rib_free(rib);
	FUZZ_CHECK(attrs_interned_count() == 0);
	return 0;
}
