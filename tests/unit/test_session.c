/* SPDX-License-Identifier: Apache-2.0 */
/* Two speakers in one process over loopback TCP: sessions, routes, shutdown, collision, strangers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp.h"
#include "bgp_log.h"
#include "peer.h"
#include "testutil.h"

#define ASN 64512
#define ID_A 0x0a000001 /* 10.0.0.1 */
#define ID_B 0x0a000002

/* EVPN type 2, MAC only: RD 64512:10, MAC aa:bb:cc:dd:ee:04, VNI 10 (wire.md) */
static const char *const MACADV =
	"02 21 0000fc000000000a 00000000000000000000 00000000 30 aabbccddee04 00 00000a";

struct side {
	struct bgp *b;
	uint16_t port;
	int adds, dels, ups, downs;
	struct ipaddr last_nh;
	struct ipaddr last_src;
	bool last_src_local;
};

struct fix {
	struct ev_loop *loop;
	struct side a, b;
};

static int warn_unknown;

static void sink(int prio, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (getenv("TEST_SESSION_LOG"))
		fprintf(stderr, "%d %s\n", prio, buf);
	if (prio == LOG_WARNING && strstr(buf, "not a configured neighbor"))
		warn_unknown++;
}

static void on_best(void *ctx, int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
		    const struct ipaddr *src)
{
	struct side *s = ctx;
	if (!a) {
		s->dels++;
		return;
	}
	s->adds++;
	s->last_nh = a->nexthop;
	s->last_src_local = !src;
	if (src)
		s->last_src = *src;
}

static void on_state(void *ctx, const struct ipaddr *peer, bool up)
{
	struct side *s = ctx;
	if (up)
		s->ups++;
	else
		s->downs++;
}

static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void make_side(struct fix *f, struct side *s, uint32_t id)
{
	struct bgp_global g = { .asn = ASN, .router_id = id, .hold_time = 9, .connect_retry = 1 };
	struct bgp_hooks h = { .best_changed = on_best, .peer_state = on_state, .ctx = s };

	assert_int_equal(ipaddr_parse("127.0.0.1", &g.listen_addr), 0);
	g.listen_port = s->port;
	s->b = bgp_new(f->loop, &g, &h);
	assert_non_null(s->b);
	assert_int_equal(bgp_start(s->b), 0);
}

static void add_neighbor(struct side *s, uint16_t port)
{
	struct bgp_neighbor n = { .port = port, .remote_as = ASN, .hold_time = 9,
				  .fam_mask = FAM_ALL };
	assert_int_equal(ipaddr_parse("127.0.0.1", &n.addr), 0);
	assert_int_equal(bgp_neighbor_add(s->b, &n), 0);
	assert_int_equal(bgp_neighbor_add(s->b, &n), -1); /* duplicate */
}

/* ---- running the loop until a condition holds ---- */

struct waiter {
	bool (*pred)(struct fix *f);
	struct fix *f;
	bool done;
};

static void check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct waiter *wt = w->data;
	if (wt->pred(wt->f)) {
		wt->done = true;
		ev_break(loop, EVBREAK_ONE);
	}
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

/* Run until pred holds or secs pass; returns whether it held. */
static bool run_until(struct fix *f, bool (*pred)(struct fix *f), double secs)
{
	struct waiter wt = { pred, f, false };
	ev_check chk;
	ev_timer tick, to;

	ev_check_init(&chk, check_cb);
	chk.data = &wt;
	ev_timer_init(&tick, tick_cb, 0.02, 0.02); /* wake up to re-check */
	ev_timer_init(&to, timeout_cb, secs, 0.);
	ev_check_start(f->loop, &chk);
	ev_timer_start(f->loop, &tick);
	ev_timer_start(f->loop, &to);
	if (!pred(f))
		ev_run(f->loop, 0);
	else
		wt.done = true;
	ev_check_stop(f->loop, &chk);
	ev_timer_stop(f->loop, &tick);
	ev_timer_stop(f->loop, &to);
	return wt.done;
}

static bool never(struct fix *f)
{
	return false;
}

static struct bgp_neighbor_info info_of(struct bgp *b);

static void info_cb(void *ctx, const struct bgp_neighbor_info *n)
{
	*(struct bgp_neighbor_info *)ctx = *n;
}

static struct bgp_neighbor_info info_of(struct bgp *b)
{
	struct bgp_neighbor_info n;
	memset(&n, 0, sizeof n);
	bgp_neighbors(b, info_cb, &n);
	return n;
}

static bool both_up(struct fix *f)
{
	return info_of(f->a.b).established && info_of(f->b.b).established;
}

/* ---- fixture: A and B configured with each other, started at the same moment ---- */

static int setup(void **state)
{
	static struct fix fx;
	struct fix *f = &fx;

	memset(f, 0, sizeof *f);
	bgp_log_set_sink(sink);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->a.port = free_port();
	f->b.port = free_port();
	while (f->b.port == f->a.port)
		f->b.port = free_port();
	make_side(f, &f->a, ID_A);
	make_side(f, &f->b, ID_B);
	/* both listen before either connects: the two connections cross (RFC 4271 section 6.8) */
	add_neighbor(&f->a, f->b.port);
	add_neighbor(&f->b, f->a.port);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	bgp_free(f->a.b);
	bgp_free(f->b.b);
	ev_loop_destroy(f->loop);
	return 0;
}

static int conns(const struct bgp *b)
{
	return !!b->peers->conn[CONN_OUT] + !!b->peers->conn[CONN_IN];
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	return ntohs(sin.sin_port);
}

static uint16_t remote_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	assert_int_equal(getpeername(fd, (struct sockaddr *)&sin, &sl), 0);
	return ntohs(sin.sin_port);
}

static void test_established_one_session(void **state)
{
	struct fix *f = *state;
	struct bgp_neighbor_info na, nb;

	assert_true(run_until(f, both_up, 5));
	run_until(f, never, 0.3); /* let the collision loser finish closing */

	na = info_of(f->a.b);
	nb = info_of(f->b.b);
	assert_string_equal(na.state, "established");
	assert_string_equal(nb.state, "established");
	assert_int_equal(na.hold_time, 9);
	assert_int_equal(na.keepalive, 3);
	assert_int_equal(na.remote_id, ID_B);
	assert_int_equal(nb.remote_id, ID_A);
	assert_int_equal(na.fam_mask, FAM_ALL);
	assert_int_equal(na.flaps, 0);
	assert_int_equal(f->a.ups, 1);
	assert_int_equal(f->b.ups, 1);

	/* exactly one TCP connection is left, and both ends agree which */
	assert_int_equal(conns(f->a.b), 1);
	assert_int_equal(conns(f->b.b), 1);
	int fa = f->a.b->peers->est->fd, fb = f->b.b->peers->est->fd;
	assert_int_equal(local_port(fa), remote_port(fb));
	assert_int_equal(remote_port(fa), local_port(fb));
	/* A has the lower id: it keeps the connection B initiated */
	assert_int_equal(f->a.b->peers->est->dir, CONN_IN);
	assert_int_equal(f->b.b->peers->est->dir, CONN_OUT);

	/* each sent its (empty) table and End-of-RIB for both families */
	assert_true(na.eor_rcvd[FAM_EVPN] && na.eor_rcvd[FAM_OPAQUE]);
	assert_true(nb.eor_rcvd[FAM_EVPN]);
}

static bool both_up_b(struct fix *f)
{
	return info_of(f->b.b).established;
}

static bool b_has_route(struct fix *f)
{
	return f->b.adds > 0;
}

static bool b_lost_route(struct fix *f)
{
	return f->b.dels > 0;
}

static bool b_down(struct fix *f)
{
	return f->b.downs > 0 && f->b.dels > 0;
}

struct seen {
	int n;
	struct ipaddr nh;
	const struct rib_peer *src;
};

static void lookup_cb(void *ctx, const struct rib_route *r)
{
	struct seen *s = ctx;
	s->n++;
	s->nh = r->a->nexthop;
	s->src = r->src;
}

static void add_route(struct side *s, uint8_t *nlri, size_t *len)
{
	uint64_t ext[2] = { extc_rt_make(ASN, 10), extc_encap(TUNNEL_VXLAN) };
	struct attrs tmpl;
	long l = hex_decode(MACADV, nlri, 64);

	assert_int_equal(l, 35);
	*len = (size_t)l;
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.extcomm = ext;
	tmpl.nextcomm = 2;
	assert_int_equal(bgp_local_add(s->b, FAM_EVPN, nlri, *len, &tmpl), 0);
}

static void test_route_and_withdraw(void **state)
{
	struct fix *f = *state;
	uint8_t nlri[64];
	size_t len;
	struct seen sn = { 0 };
	char buf[IPADDR_STRLEN];

	assert_true(run_until(f, both_up, 5));
	add_route(&f->a, nlri, &len);
	assert_int_equal(f->a.adds, 1); /* A's own best hook saw it as local */
	assert_true(f->a.last_src_local);

	assert_true(run_until(f, b_has_route, 3));
	assert_string_equal(ipaddr_str(&f->b.last_nh, buf), "10.0.0.1"); /* A's router id */
	assert_false(f->b.last_src_local);
	assert_string_equal(ipaddr_str(&f->b.last_src, buf), "127.0.0.1");
	assert_int_equal(rib_lookup(bgp_rib(f->b.b), FAM_EVPN, nlri, len, lookup_cb, &sn), 1);
	assert_string_equal(ipaddr_str(&sn.nh, buf), "10.0.0.1");
	assert_string_equal(bgp_src_str(sn.src, buf), "127.0.0.1");
	assert_string_equal(bgp_src_str(NULL, buf), "local");

	struct bgp_neighbor_info na = info_of(f->a.b), nb = info_of(f->b.b);
	assert_int_equal(na.advertised[FAM_EVPN], 1);
	assert_int_equal(nb.rcvd[FAM_EVPN], 1);
	assert_int_equal(nb.accepted[FAM_EVPN], 1);
	assert_true(nb.updates_in >= 2); /* End-of-RIB and the route */

	assert_int_equal(bgp_local_del(f->a.b, FAM_EVPN, nlri, len), 0);
	assert_int_equal(bgp_local_del(f->a.b, FAM_EVPN, nlri, len), 1);
	assert_true(run_until(f, b_lost_route, 3));
	assert_int_equal(rib_count(bgp_rib(f->b.b), FAM_EVPN), 0);
}

static void test_stop_drops_routes(void **state)
{
	struct fix *f = *state;
	uint8_t nlri[64];
	size_t len;

	assert_true(run_until(f, both_up, 5));
	add_route(&f->a, nlri, &len);
	assert_true(run_until(f, b_has_route, 3));

	bgp_stop(f->a.b);
	assert_true(run_until(f, b_down, 3));
	assert_int_equal(rib_count(bgp_rib(f->b.b), FAM_EVPN), 0);
	struct bgp_neighbor_info nb = info_of(f->b.b);
	assert_false(nb.established);
	assert_int_equal(nb.flaps, 1);
	assert_string_equal(nb.last_error, "received Cease/Administrative Shutdown");
	assert_string_equal(info_of(f->a.b).state, "idle");
}

/* ---- a stranger: connections from an address nobody configured are closed ---- */

struct stranger {
	int fd;
	bool closed;
};

static void stranger_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct stranger *s = w->data;
	uint8_t buf[64];
	ssize_t n = recv(s->fd, buf, sizeof buf, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		s->closed = true;
		ev_break(loop, EVBREAK_ONE);
	}
}

static bool stranger_closed(struct fix *f, uint16_t port)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	struct stranger s = { .fd = socket(AF_INET, SOCK_STREAM, 0) };
	ev_io w;
	ev_timer to;

	assert_true(s.fd >= 0);
	inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons(port);
	assert_int_equal(bind(s.fd, (struct sockaddr *)&src, sizeof src), 0);
	assert_int_equal(connect(s.fd, (struct sockaddr *)&dst, sizeof dst), 0);
	ev_io_init(&w, stranger_cb, s.fd, EV_READ);
	w.data = &s;
	ev_timer_init(&to, timeout_cb, 3, 0);
	ev_io_start(f->loop, &w);
	ev_timer_start(f->loop, &to);
	ev_run(f->loop, 0);
	ev_io_stop(f->loop, &w);
	ev_timer_stop(f->loop, &to);
	close(s.fd);
	return s.closed;
}

static void test_unknown_source(void **state)
{
	struct fix *f = *state;

	warn_unknown = 0;
	assert_true(stranger_closed(f, f->a.port));
	assert_true(stranger_closed(f, f->a.port));
	assert_int_equal(warn_unknown, 1); /* logged once per address */
	assert_true(run_until(f, both_up, 5)); /* the real neighbor is unaffected */
}

/* ---- a fake GoBGP: a raw socket replaying captured messages (tests/data) ---- */

struct raw {
	int fd;
	bool eof;
	size_t len;
	uint8_t buf[16384];
};

static void raw_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct raw *r = w->data;
	ssize_t n = recv(r->fd, r->buf + r->len, sizeof r->buf - r->len, 0);
	if (n > 0)
		r->len += (size_t)n;
	else if (n == 0 || errno != EAGAIN)
		r->eof = true;
}

static struct raw *g_raw;

/* The type of the index-th message the speaker sent the fake peer, -1 when not (yet) there. */
static int raw_type(const struct raw *r, int index, const uint8_t **msg)
{
	size_t off = 0;
	for (int i = 0; off + BGP_HDR_LEN <= r->len; i++) {
		size_t l = (size_t)(r->buf[off + 16] << 8 | r->buf[off + 17]);
		if (l < BGP_HDR_LEN || off + l > r->len)
			return -1;
		if (i == index) {
			if (msg)
				*msg = r->buf + off;
			return r->buf[off + 18];
		}
		off += l;
	}
	return -1;
}

static int want_index, want_type;

static bool raw_has(struct fix *f)
{
	return raw_type(g_raw, want_index, NULL) == want_type;
}

static bool raw_eof(struct fix *f)
{
	return g_raw->eof;
}

static const struct capture_frame *frame(const struct capture_frame *v, int n, int no)
{
	for (int i = 0; i < n; i++)
		if (v[i].frame == no)
			return &v[i];
	fail_msg("capture frame %d missing", no);
	return NULL;
}

static void raw_send(struct raw *r, const uint8_t *p, size_t len)
{
	assert_int_equal(send(r->fd, p, len, 0), (ssize_t)len);
}

/* A passive speaker B (id 10.0.0.2) with the fake peer 127.0.0.1 configured as remote_as. */
static void fake_setup(struct fix *f, struct raw *r, ev_io *w, uint32_t remote_as)
{
	struct bgp_neighbor n = { .remote_as = remote_as, .passive = true, .hold_time = 9,
				  .fam_mask = FAM_ALL };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(f->b.port) };

	memset(f, 0, sizeof *f);
	bgp_log_set_sink(sink);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->b.port = free_port();
	make_side(f, &f->b, ID_B);
	assert_int_equal(ipaddr_parse("127.0.0.1", &n.addr), 0);
	assert_int_equal(bgp_neighbor_add(f->b.b, &n), 0);

	memset(r, 0, sizeof *r);
	g_raw = r;
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons(f->b.port);
	assert_int_equal(connect(r->fd, (struct sockaddr *)&dst, sizeof dst), 0);
	ev_io_init(w, raw_cb, r->fd, EV_READ);
	w->data = r;
	ev_io_start(f->loop, w);
}

static void fake_teardown(struct fix *f, struct raw *r, ev_io *w)
{
	ev_io_stop(f->loop, w);
	close(r->fd);
	bgp_free(f->b.b);
	ev_loop_destroy(f->loop);
}

static void expect(struct fix *f, int index, int type)
{
	want_index = index;
	want_type = type;
	if (!run_until(f, raw_has, 3))
		fail_msg("message %d of type %d not received (got %d)", index, type,
			 raw_type(g_raw, index, NULL));
}

static void test_fake_gobgp(void **state)
{
	static struct fix fx;
	static struct raw r;
	struct fix *f = &fx;
	struct capture_frame *cap;
	int ncap = capture_load(&cap);
	const uint8_t *m = NULL;
	ev_io w;
	char buf[IPADDR_STRLEN];

	assert_true(ncap > 0);
	fake_setup(f, &r, &w, ASN);
	raw_send(&r, frame(cap, ncap, 4)->bytes, frame(cap, ncap, 4)->len); /* GoBGP's OPEN */
	expect(f, 0, BGP_OPEN);
	expect(f, 1, BGP_KEEPALIVE);
	raw_type(&r, 0, &m);
	assert_int_equal(m[BGP_HDR_LEN], 4);                          /* version */
	assert_int_equal(m[BGP_HDR_LEN + 3] << 8 | m[BGP_HDR_LEN + 4], 9); /* our hold time */
	raw_send(&r, frame(cap, ncap, 8)->bytes, frame(cap, ncap, 8)->len); /* KEEPALIVE */
	assert_true(run_until(f, both_up_b, 3));
	struct bgp_neighbor_info nb = info_of(f->b.b);
	assert_int_equal(nb.hold_time, 9); /* min(90, 9) */
	assert_int_equal(nb.remote_id, 0x0a4d0002);
	assert_int_equal(nb.fam_mask, FAM_ALL);

	/* frame 19: macadv aa:bb:cc:dd:ee:04 RD 64512:10 from next hop 10.77.0.1 */
	raw_send(&r, frame(cap, ncap, 19)->bytes, frame(cap, ncap, 19)->len);
	assert_true(run_until(f, b_has_route, 3));
	assert_string_equal(ipaddr_str(&f->b.last_nh, buf), "10.77.0.1");
	assert_int_equal(rib_count(bgp_rib(f->b.b), FAM_EVPN), 1);
	/* frame 57 withdraws it */
	raw_send(&r, frame(cap, ncap, 57)->bytes, frame(cap, ncap, 57)->len);
	assert_true(run_until(f, b_lost_route, 3));
	assert_int_equal(rib_count(bgp_rib(f->b.b), FAM_EVPN), 0);

	/* the same route again, then an UPDATE whose attribute length overruns the message */
	raw_send(&r, frame(cap, ncap, 19)->bytes, frame(cap, ncap, 19)->len);
	f->b.dels = 0;
	uint8_t bad[4096];
	size_t blen = frame(cap, ncap, 19)->len;
	memcpy(bad, frame(cap, ncap, 19)->bytes, blen);
	bad[BGP_HDR_LEN + 3] += 0x10; /* total path attribute length */
	raw_send(&r, bad, blen);
	assert_true(run_until(f, raw_eof, 3));
	int i = 0;
	while (raw_type(&r, i, &m) >= 0 && raw_type(&r, i, &m) != BGP_NOTIFICATION)
		i++;
	assert_int_equal(raw_type(&r, i, &m), BGP_NOTIFICATION);
	assert_int_equal(m[BGP_HDR_LEN], ERR_UPDATE);
	assert_true(run_until(f, b_lost_route, 3)); /* the session took its routes along */
	nb = info_of(f->b.b);
	assert_false(nb.established);
	assert_true(strncmp(nb.last_error, "sent UPDATE Message Error/", 26) == 0);
	fake_teardown(f, &r, &w);
	free(cap);
}

/* Messages cut anywhere by the reads (a byte at a time, a header split, the end of one with the
 * start of the next) are put together again; a session between messages keeps no input buffer. */
static void test_fake_cut_messages(void **state)
{
	static struct fix fx;
	static struct raw r;
	struct fix *f = &fx;
	struct capture_frame *cap;
	int ncap = capture_load(&cap);
	ev_io w;

	assert_true(ncap > 0);
	fake_setup(f, &r, &w, ASN);
	raw_send(&r, frame(cap, ncap, 4)->bytes, frame(cap, ncap, 4)->len); /* GoBGP's OPEN */
	expect(f, 1, BGP_KEEPALIVE);
	raw_send(&r, frame(cap, ncap, 8)->bytes, frame(cap, ncap, 8)->len);
	assert_true(run_until(f, both_up_b, 3));
	struct conn *c = f->b.b->peers->conn[CONN_IN];
	assert_non_null(c);
	assert_null(c->in);

	/* the UPDATE a byte at a time, each byte read on its own */
	const struct capture_frame *u = frame(cap, ncap, 19), *wd = frame(cap, ncap, 57);
	for (size_t i = 0; i < u->len; i++) {
		raw_send(&r, u->bytes + i, 1);
		ev_run(f->loop, EVRUN_NOWAIT);
		if (i + 1 < u->len) {
			assert_int_equal(f->b.adds, 0);
			assert_non_null(c->in);
		}
	}
	assert_true(run_until(f, b_has_route, 3));
	assert_null(c->in);
	/* the withdraw: 10 bytes (a header cut), then the rest with the UPDATE's first 30 bytes */
	uint8_t two[8192];
	memcpy(two, wd->bytes, wd->len);
	memcpy(two + wd->len, u->bytes, u->len);
	raw_send(&r, two, 10);
	ev_run(f->loop, EVRUN_NOWAIT);
	raw_send(&r, two + 10, wd->len - 10 + 30);
	assert_true(run_until(f, b_lost_route, 3));
	assert_non_null(c->in);
	assert_int_equal(c->in_len, 30);
	f->b.adds = 0;
	raw_send(&r, two + wd->len + 30, u->len - 30);
	assert_true(run_until(f, b_has_route, 3));
	assert_null(c->in);
	assert_true(f->b.b->peers->conn[CONN_IN] == c); /* the same session throughout */
	fake_teardown(f, &r, &w);
	free(cap);
}

static void test_fake_wrong_as(void **state)
{
	static struct fix fx;
	static struct raw r;
	struct fix *f = &fx;
	struct capture_frame *cap;
	int ncap = capture_load(&cap);
	const uint8_t *m = NULL;
	ev_io w;

	assert_true(ncap > 0);
	fake_setup(f, &r, &w, 65000);
	raw_send(&r, frame(cap, ncap, 4)->bytes, frame(cap, ncap, 4)->len);
	assert_true(run_until(f, raw_eof, 3));
	assert_int_equal(raw_type(&r, 0, NULL), BGP_OPEN);
	assert_int_equal(raw_type(&r, 1, &m), BGP_NOTIFICATION);
	/* OPEN Message Error / Bad Peer AS, data = the AS it sent */
	static const uint8_t want[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x17, 0x03,
					ERR_OPEN, ERR_OPEN_AS, 0xfc, 0x00 };
	assert_memory_equal(m, want, sizeof want);
	assert_string_equal(info_of(f->b.b).last_error, "sent OPEN Message Error/Bad Peer AS");
	fake_teardown(f, &r, &w);
	free(cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_established_one_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_and_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_drops_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_source, setup, teardown),
		cmocka_unit_test(test_fake_gobgp),
		cmocka_unit_test(test_fake_cut_messages),
		cmocka_unit_test(test_fake_wrong_as),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
