/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A load generator for a BGP route reflector (scripts/bench.sh --rr): C iBGP clients, each from
 * its own address, each announcing M EVPN type-2 routes, then withdrawing them. It speaks just
 * enough BGP (RFC 4271 OPEN/KEEPALIVE/UPDATE, RFC 4760 MP_REACH/MP_UNREACH for L2VPN EVPN,
 * RFC 6793 4-octet AS) and counts, per client, the distinct routes of the other clients it holds.
 * Not a test; libc only.
 *   rr_load REFLECTOR CLIENTS ROUTES FIRST_SRC [TIMEOUT_S]
 * Client i (0..C-1) binds FIRST_SRC + i (IPv4, on an interface of this namespace), router id the
 * same, AS 64512; its route r is MAC 02:II:II:00:RR:RR, RD FIRST_SRC+i:1, label 100, next hop
 * its address, RT 64512:100. Phases, each timed from its start (CLOCK_MONOTONIC):
 *   established  every session up (a KEEPALIVE after our OPEN was answered)
 *   announce     every client sends its routes; done when each holds the (C-1)*M of the others
 *   withdraw     every client withdraws them; done when none holds any
 * Prints one JSON line: {"clients":C,"routes":M,"established_s":..,"announce_s":..,
 * "withdraw_s":..,"updates_in":..,"nlri_in":..}; exit 0, 1 on timeout (with what is missing),
 * 2 on usage or system errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define AS 64512
#define HOLD 180
#define INBUF (1 << 17)
#define MAXMSG 4096
#define NLRI_LEN 35 /* type 2, MAC only: type, length, 33 bytes */
#define CONNECTING 32

enum phase { P_CONNECT, P_ANNOUNCE, P_WITHDRAW, P_DONE };

struct client {
	int fd;
	uint32_t addr; /* host order */
	bool connected, open_sent, up;
	uint8_t *out;
	size_t outoff, outlen, outcap;
	uint8_t in[INBUF];
	size_t inlen;
	uint8_t *have; /* bitmap over (origin client, route) */
	uint64_t nhave;
	double last_ka;
};

static struct client *cl;
static unsigned C, M;
static uint32_t refl;
static int ep;
static uint64_t updates_in, nlri_in;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "rr_load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void out_put(struct client *c, const void *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 8192;
		while (cap < c->outlen + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (!c->out)
			die("realloc");
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void flush_out(struct client *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			die("send");
		}
		c->outoff += (size_t)n;
	}
	c->outoff = c->outlen = 0;
}

static size_t hdr(uint8_t *b, size_t len, uint8_t type)
{
	memset(b, 0xff, 16);
	b[16] = (uint8_t)(len >> 8);
	b[17] = (uint8_t)len;
	b[18] = type;
	return 19;
}

static void send_open(struct client *c)
{
	uint8_t b[64];
	const uint8_t caps[] = { 2, 14, 1, 4, 0, 25, 0, 70,                  /* MP L2VPN EVPN */
				 65, 4, 0, 0, AS >> 8, AS & 255,             /* 4-octet AS */
				 2, 0 };                                     /* route refresh */
	size_t n = 19;
	b[n++] = 4;
	b[n++] = AS >> 8;
	b[n++] = AS & 255;
	b[n++] = HOLD >> 8;
	b[n++] = HOLD & 255;
	uint32_t id = htonl(c->addr);
	memcpy(b + n, &id, 4);
	n += 4;
	b[n++] = (uint8_t)sizeof caps;
	memcpy(b + n, caps, sizeof caps);
	n += sizeof caps;
	hdr(b, n, 1);
	out_put(c, b, n);
}

static void send_keepalive(struct client *c)
{
	uint8_t b[19];
	hdr(b, 19, 4);
	out_put(c, b, 19);
}

static void put_nlri(uint8_t *p, unsigned ci, unsigned r)
{
	uint32_t a = htonl(cl[ci].addr);
	memset(p, 0, NLRI_LEN);
	p[0] = 2;
	p[1] = 33;
	p[2] = 0; /* RD type 1: IP:number */
	p[3] = 1;
	memcpy(p + 4, &a, 4);
	p[8] = 0;
	p[9] = 1;
	/* ESI (10) and Ethernet tag (4) zero */
	p[24] = 48;
	p[25] = 0x02;
	p[26] = (uint8_t)(ci >> 8);
	p[27] = (uint8_t)ci;
	p[28] = 0;
	p[29] = (uint8_t)(r >> 8);
	p[30] = (uint8_t)r;
	p[31] = 0; /* IP length */
	p[32] = 0; /* label: VNI 100, raw 24 bits (RFC 8365) */
	p[33] = 0;
	p[34] = 100;
}

/* All of client ci's routes, packed into UPDATEs: announced, or withdrawn. */
static void send_routes(unsigned ci, bool withdraw)
{
	struct client *c = &cl[ci];
	uint8_t b[MAXMSG];
	unsigned r = 0;
	uint32_t nh = htonl(c->addr);

	while (r < M) {
		size_t n = 19 + 4, attr0;
		b[19] = b[20] = 0; /* no withdrawn routes */
		attr0 = n;
		if (!withdraw) {
			const uint8_t fixed[] = { 0x40, 1, 1, 0,                 /* ORIGIN IGP */
						  0x40, 2, 0,                    /* AS_PATH empty */
						  0x40, 5, 4, 0, 0, 0, 100,      /* LOCAL_PREF 100 */
						  0xc0, 16, 16,                  /* EXT_COMMUNITIES */
						  0x00, 0x02, AS >> 8, AS & 255, 0, 0, 0, 100, /* RT */
						  0x03, 0x0c, 0, 0, 0, 0, 0, 8 }; /* encap VXLAN */
			memcpy(b + n, fixed, sizeof fixed);
			n += sizeof fixed;
		}
		/* MP_(UN)REACH_NLRI, extended length */
		size_t a = n;
		b[n++] = 0x90;
		b[n++] = withdraw ? 15 : 14;
		n += 2;
		size_t v = n;
		b[n++] = 0;
		b[n++] = 25;
		b[n++] = 70;
		if (!withdraw) {
			b[n++] = 4;
			memcpy(b + n, &nh, 4);
			n += 4;
			b[n++] = 0;
		}
		while (r < M && n + NLRI_LEN <= MAXMSG) {
			put_nlri(b + n, ci, r++);
			n += NLRI_LEN;
		}
		b[a + 2] = (uint8_t)((n - v) >> 8);
		b[a + 3] = (uint8_t)(n - v);
		b[21] = (uint8_t)((n - attr0) >> 8);
		b[22] = (uint8_t)(n - attr0);
		hdr(b, n, 2);
		out_put(c, b, n);
	}
}

static void note_route(struct client *c, const uint8_t *p, size_t len, bool add)
{
	if (len < 33 || p[22] != 48)
		return;
	unsigned oi = (unsigned)p[24] << 8 | p[25], r = (unsigned)p[27] << 8 | p[28];
	if (oi >= C || r >= M || &cl[oi] == c)
		return;
	uint64_t bit = (uint64_t)oi * M + r;
	bool had = c->have[bit >> 3] & (1u << (bit & 7));
	if (add && !had) {
		c->have[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		c->nhave++;
	} else if (!add && had) {
		c->have[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
		c->nhave--;
	}
}

/* The NLRIs of an MP_(UN)REACH attribute value of L2VPN EVPN. */
static void mp_nlris(struct client *c, const uint8_t *v, size_t len, bool reach)
{
	size_t off;

	if (len < 3 || v[0] != 0 || v[1] != 25 || v[2] != 70)
		return;
	off = 3;
	if (reach) {
		if (len < 5)
			return;
		off = 4 + v[3] + 1; /* next hop length, next hop, reserved */
	}
	while (off + 2 <= len) {
		size_t l = v[off + 1];
		if (off + 2 + l > len)
			return;
		if (v[off] == 2)
			note_route(c, v + off + 2, l, reach);
		nlri_in++;
		off += 2 + l;
	}
}

static void handle_update(struct client *c, const uint8_t *b, size_t len)
{
	updates_in++;
	if (len < 4)
		return;
	size_t wl = (size_t)b[0] << 8 | b[1];
	if (2 + wl + 2 > len)
		return;
	size_t al = (size_t)b[2 + wl] << 8 | b[3 + wl], off = 4 + wl, end = off + al;
	if (end > len)
		return;
	while (off + 3 <= end) {
		uint8_t fl = b[off], type = b[off + 1];
		size_t l, h = (fl & 0x10) ? 4 : 3;
		if (off + h > end)
			return;
		l = (fl & 0x10) ? ((size_t)b[off + 2] << 8 | b[off + 3]) : b[off + 2];
		if (off + h + l > end)
			return;
		if (type == 14 || type == 15)
			mp_nlris(c, b + off + h, l, type == 14);
		off += h + l;
	}
}

static void handle_input(struct client *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->inlen, INBUF - c->inlen, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			die("recv");
		}
		if (n == 0) {
			fprintf(stderr, "rr_load: the reflector closed client %u's session\n",
				(unsigned)(c - cl));
			exit(1);
		}
		c->inlen += (size_t)n;
		size_t off = 0;
		while (c->inlen - off >= 19) {
			size_t ml = (size_t)c->in[off + 16] << 8 | c->in[off + 17];
			if (ml < 19 || ml > 65535) {
				fprintf(stderr, "rr_load: bad message length %zu\n", ml);
				exit(2);
			}
			if (c->inlen - off < ml)
				break;
			uint8_t type = c->in[off + 18];
			if (type == 1) {
				send_keepalive(c);
			} else if (type == 4) {
				c->up = true;
			} else if (type == 3) {
				fprintf(stderr, "rr_load: NOTIFICATION %u/%u to client %u\n", c->in[off + 19],
					c->in[off + 20], (unsigned)(c - cl));
				exit(1);
			} else if (type == 2) {
				handle_update(c, c->in + off + 19, ml - 19);
			}
			off += ml;
		}
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

static void start_connect(struct client *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	sa.sin_addr.s_addr = htonl(c->addr);
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind (is FIRST_SRC + i on an interface here?)");
	sa.sin_port = htons(179);
	sa.sin_addr.s_addr = htonl(refl);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
		die("connect");
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		die("epoll_ctl");
}

static bool all(enum phase ph)
{
	uint64_t want = (uint64_t)(C - 1) * M;
	for (unsigned i = 0; i < C; i++) {
		if (ph == P_CONNECT && !cl[i].up)
			return false;
		if (ph == P_ANNOUNCE && cl[i].nhave != want)
			return false;
		if (ph == P_WITHDRAW && cl[i].nhave != 0)
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct in_addr a;
	double timeout = 600, t0, tph, took[3] = { 0 };
	enum phase ph = P_CONNECT;
	unsigned next_connect = 0;

	if (argc < 5 || inet_pton(AF_INET, argv[1], &a) != 1) {
		fprintf(stderr, "usage: rr_load REFLECTOR CLIENTS ROUTES FIRST_SRC [TIMEOUT_S]\n");
		return 2;
	}
	refl = ntohl(a.s_addr);
	C = (unsigned)atoi(argv[2]);
	M = (unsigned)atoi(argv[3]);
	if (C < 2 || C > 65535 || M < 1 || M > 65535 || inet_pton(AF_INET, argv[4], &a) != 1) {
		fprintf(stderr, "rr_load: CLIENTS 2..65535, ROUTES 1..65535, FIRST_SRC an IPv4 address\n");
		return 2;
	}
	if (argc > 5)
		timeout = atof(argv[5]);
	cl = calloc(C, sizeof *cl);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cl || ep < 0)
		die("setup");
	for (unsigned i = 0; i < C; i++) {
		cl[i].addr = ntohl(a.s_addr) + i;
		cl[i].fd = -1;
		cl[i].have = calloc(((size_t)C * M + 7) / 8, 1);
		if (!cl[i].have)
			die("calloc");
	}
	t0 = tph = now();
	while (ph != P_DONE) {
		struct epoll_event evs[256];
		double t = now();
		int n;

		/* at most CONNECTING sessions being set up at once: a thousand handshakes at once are
		 * more than some reflectors take (FRR 8.4 drops sessions), and no client does that */
		unsigned setting_up = 0;
		for (unsigned k = 0; k < next_connect; k++)
			setting_up += !cl[k].up;
		while (setting_up < CONNECTING && next_connect < C) {
			start_connect(&cl[next_connect++]);
			setting_up++;
		}
		if (t - t0 > timeout) {
			unsigned short_by = 0;
			for (unsigned i = 0; i < C; i++)
				short_by += ph == P_CONNECT ? !cl[i].up
					  : ph == P_ANNOUNCE ? cl[i].nhave != (uint64_t)(C - 1) * M
							     : cl[i].nhave != 0;
			printf("{\"timeout\":\"%s\",\"clients_short\":%u}\n",
			       ph == P_CONNECT ? "established" : ph == P_ANNOUNCE ? "announce" : "withdraw",
			       short_by);
			return 1;
		}
		n = epoll_wait(ep, evs, 256, 100);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct client *c = evs[i].data.ptr;
			if (!c->connected && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
				int err = 0;
				socklen_t sl = sizeof err;
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
				if (err) {
					errno = err;
					die("connect to the reflector");
				}
				c->connected = true;
				send_open(c);
				c->last_ka = now();
			}
			if (evs[i].events & EPOLLIN)
				handle_input(c);
			if (c->connected)
				flush_out(c);
		}
		t = now();
		for (unsigned i = 0; i < C; i++) {
			struct client *c = &cl[i];
			if (c->up && t - c->last_ka > HOLD / 3) {
				send_keepalive(c);
				c->last_ka = t;
			}
			if (c->outlen)
				flush_out(c);
		}
		if (all(ph)) {
			took[ph] = t - tph;
			tph = t;
			ph++;
			fprintf(stderr, "rr_load: %s done after %.2f s\n",
				ph == P_ANNOUNCE ? "established" : ph == P_WITHDRAW ? "announce" : "withdraw",
				took[ph - 1]);
			if (ph == P_ANNOUNCE || ph == P_WITHDRAW)
				for (unsigned i = 0; i < C; i++) {
					send_routes(i, ph == P_WITHDRAW);
					flush_out(&cl[i]);
				}
		}
	}
	printf("{\"clients\":%u,\"routes\":%u,\"established_s\":%.3f,\"announce_s\":%.3f,"
	       "\"withdraw_s\":%.3f,\"updates_in\":%llu,\"nlri_in\":%llu}\n",
	       C, M, took[0], took[1], took[2], (unsigned long long)updates_in,
	       (unsigned long long)nlri_in);
	return 0;
}
