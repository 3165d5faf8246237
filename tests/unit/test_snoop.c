/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/snoop.c: the ARP/NS/NA parser on frames the kernel sent (captured with tcpdump between two
 * namespaces: `ping`, `ping -6`, an IPv6 address added with ndisc_notify) and on hand-built ones;
 * every truncation of a valid frame is rejected, each from a heap copy of exactly its length (ASan
 * sees any read past it). Then the socket itself on the loopback device of a private namespace:
 * the filter passes ARP and NS/NA, tagged or not, and drops everything else in the kernel. */
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "snoop.h"
#include "testutil.h"

/* ---- captured from the kernel (tcpdump -xx) ---- */

/* 02:00:00:00:01:01 asks who has 192.168.100.2 (ping) */
#define ARP_REQ "ffffffffffff 020000000101 0806 0001 0800 06 04 0001" \
	"020000000101 c0a86401 000000000000 c0a86402"
/* the answer: 192.168.100.2 is at 02:00:00:00:02:01 */
#define ARP_REP "020000000101 020000000201 0806 0001 0800 06 04 0002" \
	"020000000201 c0a86402 020000000101 c0a86401"
/* fd00::1 solicits fd00::2, source link-layer option 02:00:00:00:01:01 */
#define NS_SLLA "3333ff000002 020000000101 86dd 6000 0000 0020 3aff" \
	"fd000000000000000000000000000001 ff0200000000000000000001ff000002" \
	"8700 7c97 00000000 fd000000000000000000000000000002 0101 020000000101"
/* fd00::2 answers (solicited, override), target link-layer option 02:00:00:00:02:01 */
#define NA_TLLA "020000000101 020000000201 86dd 6000 0000 0020 3aff" \
	"fd000000000000000000000000000002 fd000000000000000000000000000001" \
	"8800 1a9b 60000000 fd000000000000000000000000000002 0201 020000000201"
/* unsolicited NA to all nodes for a new address (ndisc_notify = 1) */
#define NA_UNSOL "333300000001 020000000201 86dd 6000 0000 0020 3aff" \
	"fd000000000000000000000000000022 ff020000000000000000000000000001" \
	"8800 5859 20000000 fd000000000000000000000000000022 0201 020000000201"
/* DAD: from ::, with a nonce option (RFC 7527) */
#define NS_DAD "3333ff000022 020000000201 86dd 6000 0000 0020 3aff" \
	"00000000000000000000000000000000 ff0200000000000000000001ff000022" \
	"8700 de3d 00000000 fd000000000000000000000000000022 0e01 537b7d5ac046"
/* a router solicitation: ICMPv6, not NS/NA */
#define RS "333300000002 020000000201 86dd 6000 0000 0010 3aff" \
	"fe8000000000000000ff0000fe000201 ff020000000000000000000000000002" \
	"8500 772c 00000000 0101 020000000201"

/* ---- built by hand ---- */

/* a gratuitous ARP request (sender = target 192.168.100.9), padded to 60 bytes as on the wire */
#define GARP "ffffffffffff 020000000309 0806 0001 0800 06 04 0001" \
	"020000000309 c0a86409 000000000000 c0a86409" "000000000000000000000000000000000000"
/* the same with an 802.1Q tag, VLAN 10 */
#define GARP_TAG "ffffffffffff 020000000309 8100 000a 0806 0001 0800 06 04 0001" \
	"020000000309 c0a86409 000000000000 c0a86409"
/* an ARP probe (RFC 5227): sender IP 0 */
#define ARP_PROBE "ffffffffffff 020000000309 0806 0001 0800 06 04 0001" \
	"020000000309 00000000 000000000000 c0a86409"
/* proxy ARP: the sender MAC is not the frame's source */
#define ARP_PROXY "020000000101 020000000777 0806 0001 0800 06 04 0002" \
	"020000000201 c0a86402 020000000101 c0a86401"
/* NA_TLLA without its option: the Ethernet source is the target's MAC (checksum recomputed) */
#define NA_NOOPT "020000000101 020000000201 86dd 6000 0000 0018 3aff" \
	"fd000000000000000000000000000002 fd000000000000000000000000000001" \
	"8800 20a5 60000000 fd000000000000000000000000000002"

static uint8_t *frame_of(const char *hex, size_t *len)
{
	uint8_t tmp[512];
	long n = hex_decode(hex, tmp, sizeof tmp);
	uint8_t *f;

	assert_true(n > 0);
	f = malloc((size_t)n);
	assert_non_null(f);
	memcpy(f, tmp, (size_t)n);
	*len = (size_t)n;
	return f;
}

/* Parse hex; with mod, change byte at of to val first. */
static int parse_hex(const char *hex, struct snoop_binding *b, long at, uint8_t val)
{
	size_t len;
	uint8_t *f = frame_of(hex, &len);
	int rc;

	if (at >= 0) {
		assert_true((size_t)at < len);
		f[at] = val;
	}
	rc = snoop_parse(f, len, b);
	free(f);
	return rc;
}

static void check_binding(const char *hex, int af, const char *ip, const char *mac, uint16_t vlan,
			  uint8_t kind)
{
	struct snoop_binding b;
	uint8_t want_ip[16], want_mac[6];

	assert_int_equal(parse_hex(hex, &b, -1, 0), 1);
	assert_int_equal(inet_pton(af, ip, want_ip), 1);
	assert_int_equal(hex_decode(mac, want_mac, 6), 6);
	assert_int_equal(b.ip.af, af);
	assert_memory_equal(b.ip.a, want_ip, af == AF_INET ? 4 : 16);
	assert_memory_equal(b.mac, want_mac, 6);
	assert_int_equal(b.vlan, vlan);
	assert_int_equal(b.kind, kind);
}

static void test_captured(void **state)
{
	struct snoop_binding b;
	(void)state;

	check_binding(ARP_REQ, AF_INET, "192.168.100.1", "020000000101", 0, SNOOP_ARP);
	check_binding(ARP_REP, AF_INET, "192.168.100.2", "020000000201", 0, SNOOP_ARP);
	check_binding(NS_SLLA, AF_INET6, "fd00::1", "020000000101", 0, SNOOP_NS);
	check_binding(NA_TLLA, AF_INET6, "fd00::2", "020000000201", 0, SNOOP_NA);
	check_binding(NA_UNSOL, AF_INET6, "fd00::22", "020000000201", 0, SNOOP_NA);
	assert_int_equal(parse_hex(NS_DAD, &b, -1, 0), 0);  /* unspecified source: no binding */
	assert_int_equal(parse_hex(RS, &b, -1, 0), -1);     /* ICMPv6, but not NS/NA */
}

static void test_built(void **state)
{
	struct snoop_binding b;
	(void)state;

	check_binding(GARP, AF_INET, "192.168.100.9", "020000000309", 0, SNOOP_ARP);
	check_binding(GARP_TAG, AF_INET, "192.168.100.9", "020000000309", 10, SNOOP_ARP);
	check_binding(NA_NOOPT, AF_INET6, "fd00::2", "020000000201", 0, SNOOP_NA);
	assert_int_equal(parse_hex(ARP_PROBE, &b, -1, 0), 0);
	assert_int_equal(parse_hex(ARP_PROXY, &b, -1, 0), 0);
	/* sender IPs that are no host's: multicast, broadcast, loopback */
	assert_int_equal(parse_hex(GARP, &b, 28, 224), 0);
	assert_int_equal(parse_hex(GARP, &b, 28, 255), 0);
	assert_int_equal(parse_hex(GARP, &b, 28, 127), 0);
	/* a multicast source and sender MAC */
	assert_int_equal(parse_hex(ARP_REQ, &b, 6, 0x03), 0);
	/* ARP fields: hardware type, protocol type, lengths, opcode */
	assert_int_equal(parse_hex(ARP_REQ, &b, 15, 6), -1);
	assert_int_equal(parse_hex(ARP_REQ, &b, 17, 0xdd), -1);
	assert_int_equal(parse_hex(ARP_REQ, &b, 18, 8), -1);
	assert_int_equal(parse_hex(ARP_REQ, &b, 19, 16), -1);
	assert_int_equal(parse_hex(ARP_REQ, &b, 21, 3), -1);
	/* IPv6: a bad checksum, a hop limit other than 255, a code other than 0, a zero-length
	 * option, a payload length past the frame, another next header */
	assert_int_equal(parse_hex(NA_TLLA, &b, 57, 0x9c), -1);
	assert_int_equal(parse_hex(NA_TLLA, &b, 21, 64), -1);
	assert_int_equal(parse_hex(NA_TLLA, &b, 55, 1), -1);
	assert_int_equal(parse_hex(NA_TLLA, &b, 79, 0), -1);
	assert_int_equal(parse_hex(NA_TLLA, &b, 19, 0x28), -1);
	assert_int_equal(parse_hex(NA_TLLA, &b, 20, 17), -1);
	/* the option names another MAC than the frame's source (someone answering for another) */
	assert_int_equal(parse_hex(NA_TLLA, &b, 11, 0x77), 0); /* the source is outside the checksum */
	/* not ARP, not IPv6 */
	assert_int_equal(parse_hex(ARP_REQ, &b, 13, 0x00), 0);
}

/* Every prefix shorter than the frame's meaningful length binds nothing (ASan checks the reads). */
static void truncations(const char *hex, size_t meaningful)
{
	size_t len;
	uint8_t *f = frame_of(hex, &len);
	struct snoop_binding b;

	assert_true(meaningful <= len);
	for (size_t n = 0; n < meaningful; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, f, n);
		assert_int_equal(snoop_parse(n ? cut : NULL, n, &b), -1);
		free(cut);
	}
	assert_int_equal(snoop_parse(f, meaningful, &b), 1);
	free(f);
}

static void test_truncations(void **state)
{
	(void)state;
	truncations(ARP_REQ, 42);
	truncations(ARP_REP, 42);
	truncations(GARP, 42);
	truncations(GARP_TAG, 46);
	truncations(NS_SLLA, 86);
	truncations(NA_TLLA, 86);
	truncations(NA_UNSOL, 86);
	truncations(NA_NOOPT, 78);
}

/* ---- the socket on a private namespace's loopback ---- */

struct seen {
	int n;
	int ifindex;
	uint16_t vlan;
	uint8_t mac[6];
	struct nl_addr ip;
};

static void on_bind(void *ctx, int ifindex, uint16_t vlan, const uint8_t mac[6],
		    const struct nl_addr *ip)
{
	struct seen *s = ctx;
	s->n++;
	s->ifindex = ifindex;
	s->vlan = vlan;
	memcpy(s->mac, mac, 6);
	s->ip = *ip;
}

static void send_hex(int fd, int ifindex, const char *hex)
{
	uint8_t f[512];
	long n = hex_decode(hex, f, sizeof f);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6 };

	assert_true(n > 0);
	assert_int_equal(sendto(fd, f, (size_t)n, 0, (struct sockaddr *)&sll, sizeof sll), n);
}

/* Run the loop until s has seen want bindings, or half a second. */
static void run_until(struct ev_loop *loop, struct seen *s, int want)
{
	for (int i = 0; i < 50 && s->n < want; i++) {
		usleep(10000);
		ev_run(loop, EVRUN_NOWAIT);
	}
	usleep(20000);
	ev_run(loop, EVRUN_NOWAIT); /* and nothing more arrives */
}

static void test_socket(void **state)
{
	struct ev_loop *loop;
	struct snoop *sn;
	struct snoop_counters c;
	struct seen s;
	struct ifreq ifr;
	int fd, lo;
	(void)state;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s\n", strerror(errno));
		TEST_SKIP("no network namespace of its own (unshare(CLONE_NEWNET) needs root)");
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0); /* a sender that receives nothing */
	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	lo = (int)if_nametoindex("lo");
	assert_true(lo > 0);

	loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(loop);
	memset(&s, 0, sizeof s);
	sn = snoop_open(loop, 0, on_bind, &s);
	assert_non_null(sn);

	/* on lo each frame goes out (ignored) and comes back in (seen) */
	send_hex(fd, lo, GARP);
	run_until(loop, &s, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ifindex, lo);
	assert_int_equal(s.vlan, 0);
	assert_int_equal(s.ip.af, AF_INET);
	assert_memory_equal(s.ip.a, "\xc0\xa8\x64\x09", 4);

	/* the receive path takes the tag out of band: it comes back as auxdata */
	send_hex(fd, lo, GARP_TAG);
	run_until(loop, &s, 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.vlan, 10);

	send_hex(fd, lo, NA_UNSOL);
	run_until(loop, &s, 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ip.af, AF_INET6);

	/* dropped by the filter: never read (the frame counter proves it), not just not bound */
	send_hex(fd, lo, RS);
	send_hex(fd, lo, "ffffffffffff 020000000309 0800 4500 0014 0000 0000 4011 0000"
		 "c0a86409 c0a864ff");
	run_until(loop, &s, 4);
	assert_int_equal(s.n, 3);
	snoop_counters(sn, &c);
	assert_int_equal(c.frames, 3);
	assert_int_equal(c.bindings, 3);
	assert_int_equal(c.malformed, 0);

	snoop_close(sn);
	ev_loop_destroy(loop);
	close(fd);
}

static void test_filter_shape(void **state)
{
	size_t n;
	(void)state;
	assert_non_null(snoop_filter(&n));
	assert_true(n > 4 && n < 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_filter_shape),
		cmocka_unit_test(test_socket),
	};
	return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
