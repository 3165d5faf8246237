/* SPDX-License-Identifier: Apache-2.0 */
/* bgp/peer_policy.c (RFC 4456 loop check, max-routes, rate limit) and bgp/sock_sec.c on loopback
 * sockets (TCP MD5 keys, the saved SYN's TTL for GTSM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"
#include "peer_policy.h"
#include "testutil.h"

static void test_rr_loop(void **state)
{
	uint32_t cl[3] = { 0x01010101, 0x0a000001, 0x02020202 };
	struct attrs a;

	(void)state;
	memset(&a, 0, sizeof a);
	assert_false(rr_loop(&a, 0x0a000001, 0x0a000001));
	/* ORIGINATOR_ID: only when present (flag) and equal to our router id */
	a.originator_id = 0x0a000001;
	assert_false(rr_loop(&a, 0x0a000001, 0x0b000001));
	a.flags |= AF_HAS_ORIGINATOR;
	assert_true(rr_loop(&a, 0x0a000001, 0x0b000001));
	assert_false(rr_loop(&a, 0x0a000002, 0x0b000001));
	/* CLUSTER_LIST: our cluster id anywhere in the list */
	a.flags = 0;
	a.cluster = cl;
	a.ncluster = 3;
	assert_true(rr_loop(&a, 0x0c000001, 0x01010101));
	assert_true(rr_loop(&a, 0x0c000001, 0x02020202));
	assert_true(rr_loop(&a, 0x0c000001, 0x0a000001));
	assert_false(rr_loop(&a, 0x0c000001, 0x03030303));
	/* the router id alone in the CLUSTER_LIST is not a loop when our cluster id differs */
	assert_false(rr_loop(&a, 0x01010101, 0x03030303));
	a.ncluster = 0;
	assert_false(rr_loop(&a, 0x0c000001, 0x01010101));
}

static void test_maxr(void **state)
{
	bool warned = false;

	(void)state;
	assert_int_equal(maxr_check(1000000, 0, &warned), MAXR_OK); /* 0: no limit */
	assert_false(warned);
	assert_int_equal(maxr_check(8, 10, &warned), MAXR_OK);
	assert_int_equal(maxr_check(9, 10, &warned), MAXR_WARN); /* 90% */
	assert_true(warned);
	assert_int_equal(maxr_check(9, 10, &warned), MAXR_OK);   /* once */
	assert_int_equal(maxr_check(10, 10, &warned), MAXR_OK);  /* at the limit: allowed */
	assert_int_equal(maxr_check(11, 10, &warned), MAXR_EXCEED);
	/* rounding: 90% of 15 is 13.5: 13 is below, 14 warns */
	warned = false;
	assert_int_equal(maxr_check(13, 15, &warned), MAXR_OK);
	assert_int_equal(maxr_check(14, 15, &warned), MAXR_WARN);
	/* a jump straight past the limit is the limit, not a warning */
	warned = false;
	assert_int_equal(maxr_check(100, 10, &warned), MAXR_EXCEED);
	/* limit 1: the first path warns (100%), the second exceeds */
	warned = false;
	assert_int_equal(maxr_check(1, 1, &warned), MAXR_WARN);
	assert_int_equal(maxr_check(2, 1, &warned), MAXR_EXCEED);
	/* no overflow near 2^32 */
	warned = false;
	assert_int_equal(maxr_check(0xfffffff0u, 0xffffffffu, &warned), MAXR_WARN);
	assert_int_equal(maxr_check(0xffffffffu, 0xffffffffu, &warned), MAXR_OK);
}

static void test_ratelim(void **state)
{
	struct ratelim r = { 0 };
	uint32_t held = 99;

	(void)state;
	assert_true(ratelim_ok(&r, 100.0, 10.0, &held));
	assert_int_equal(held, 0);
	for (int i = 0; i < 5; i++)
		assert_false(ratelim_ok(&r, 100.5 + i, 10.0, &held));
	assert_int_equal(r.suppressed, 5);
	assert_false(ratelim_ok(&r, 109.99, 10.0, &held));
	assert_true(ratelim_ok(&r, 110.0, 10.0, &held));
	assert_int_equal(held, 6);
	assert_int_equal(r.suppressed, 0);
	assert_true(ratelim_ok(&r, 200.0, 10.0, &held));
	assert_int_equal(held, 0);
	/* a clock at 0 (first call) still arms the limit */
	struct ratelim z = { 0 };
	assert_true(ratelim_ok(&z, 0.0, 10.0, &held));
	assert_false(ratelim_ok(&z, 1.0, 10.0, &held));
	/* time going backwards (a new clock base) lets a line through rather than muting forever */
	assert_true(ratelim_ok(&r, 50.0, 10.0, &held));
}

/* ---- loopback sockets ---- */

static int listener(uint16_t *port, bool save_syn)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	if (save_syn)
		assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof one), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A non-blocking connect to 127.0.0.1:port; 1 if it completed within ms, 0 if not. */
static int connect_within(int fd, uint16_t port, int ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t el = sizeof err;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
		return 0;
	if (poll(&pf, 1, ms) != 1)
		return 0;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	return err == 0;
}

static void test_syn_ttl(void **state)
{
	static const int ttls[] = { 255, 64, 1 };
	uint16_t port;
	int l = listener(&port, true);

	(void)state;
	for (size_t i = 0; i < sizeof ttls / sizeof ttls[0]; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), a;
		assert_int_equal(setsockopt(c, IPPROTO_IP, IP_TTL, &ttls[i], sizeof ttls[i]), 0);
		assert_int_equal(connect_within(c, port, 2000), 1);
		a = accept(l, NULL, NULL);
		assert_true(a >= 0);
		assert_int_equal(sock_syn_ttl(a), ttls[i]);
		assert_int_equal(sock_syn_ttl(a), -1); /* read once: the kernel frees it */
		/* after sock_gtsm, what the client sends with TTL < 255 never arrives */
		assert_int_equal(sock_gtsm(a, AF_INET), 0);
		assert_int_equal(send(c, "x", 1, 0), 1);
		struct pollfd pf = { .fd = a, .events = POLLIN };
		assert_int_equal(poll(&pf, 1, ttls[i] == 255 ? 2000 : 300), ttls[i] == 255 ? 1 : 0);
		close(a);
		close(c);
	}
	close(l);
}

static void test_md5(void **state)
{
	struct ipaddr lo;
	uint16_t port;
	int l = listener(&port, false), c, a;

	(void)state;
	ipaddr_from_v4(&lo, INADDR_LOOPBACK);
	if (sock_md5(l, &lo, "s3cret", false) < 0 && errno == ENOPROTOOPT)
		TEST_SKIP("this kernel has no TCP MD5 signatures (CONFIG_TCP_MD5SIG)");
	/* the right key */
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(sock_md5(c, &lo, "s3cret", false), 0);
	assert_int_equal(connect_within(c, port, 2000), 1);
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	close(a);
	close(c);
	/* a wrong key, and no key: the SYN is dropped, never answered */
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(sock_md5(c, &lo, "wrong", false), 0);
	assert_int_equal(connect_within(c, port, 500), 0);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect_within(c, port, 500), 0);
	close(c);
	/* a key longer than the kernel takes is refused before the kernel sees it */
	char big[BGP_PASSWORD_MAX + 2];
	memset(big, 'k', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(sock_md5(l, &lo, big, false), -1);
	/* removed (empty key): plain connections are answered again */
	assert_int_equal(sock_md5(l, &lo, "", false), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect_within(c, port, 2000), 1);
	close(c);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr_loop), cmocka_unit_test(test_maxr),
		cmocka_unit_test(test_ratelim), cmocka_unit_test(test_syn_ttl),
		cmocka_unit_test(test_md5),
	};
	return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
