/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ARP / NS / NA snooping (snoop.h). The socket is created with protocol 0 (no frames yet), gets its
 * filter, and only then is bound to ETH_P_ALL on every device, so no unfiltered frame is ever
 * queued. ETH_P_ALL is needed because a bridge port's frames are consumed by the bridge's rx handler
 * before protocol-specific packet handlers run: only the taps see them, with the port as device.
 * PACKET_IGNORE_OUTGOING keeps the kernel from even running the filter on transmitted frames.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "snoop.h"
#include "wire.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define SNOOP_BATCH 256              /* frames read per wakeup: others wait for the next one */
#define SNOOP_RCVBUF (256 * 1024)

struct snoop {
	int fd;
	struct ev_loop *loop;
	ev_io w;
	snoop_cb cb;
	void *ctx;
	struct snoop_counters c;
};

/* ---- the filter ---- */

#define OFF_TYPE 12                  /* EtherType, or 0x8100 before a VLAN tag */
#define OFF_IP6_NH (14 + 6)          /* IPv6 next header */
#define OFF_ICMP6_TYPE (14 + 40)     /* the ICMPv6 type right after a fixed IPv6 header */

/* Accept ARP and ICMPv6 NS/NA (no extension headers), untagged or with one in-band 802.1Q tag (X
 * holds the tag's 4 bytes), never a frame this host sends; everything else is dropped in the kernel.
 * A tag the NIC or skb_vlan_untag() took out of band is not in the frame: it comes as auxdata. */
static const struct sock_filter filter[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 13, 0),    /* -> drop */
	BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, OFF_TYPE),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_8021Q, 0, 2),
	BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 4),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, OFF_TYPE),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 6, 0),           /* -> accept */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),          /* -> drop */
	BPF_STMT(BPF_LD | BPF_B | BPF_IND, OFF_IP6_NH),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 4),                  /* ICMPv6, else drop */
	BPF_STMT(BPF_LD | BPF_B | BPF_IND, OFF_ICMP6_TYPE),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 1, 0),                 /* NS -> accept */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),                 /* NA -> accept, else drop */
	BPF_STMT(BPF_RET | BPF_K, SNOOP_SNAPLEN),                       /* accept: the headers only */
	BPF_STMT(BPF_RET | BPF_K, 0),                                   /* drop */
};

const void *snoop_filter(size_t *n)
{
	*n = sizeof filter / sizeof filter[0];
	return filter;
}

/* ---- the parser: every read through the bounded reader (wire.h) ---- */

static bool mac_usable(const uint8_t *m)
{
	static const uint8_t zero[6];
	return !(m[0] & 1) && memcmp(m, zero, 6) != 0;
}

/* Not a host's own address: unspecified, loopback, multicast, limited broadcast. */
static bool ip4_usable(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

static bool ip6_usable(const uint8_t *a)
{
	static const uint8_t unspec[16], loop[16] = { [15] = 1 };
	return a[0] != 0xff && memcmp(a, unspec, 16) != 0 && memcmp(a, loop, 16) != 0;
}

/* ARP for IPv4 over Ethernet (RFC 826): requests and replies, gratuitous ones included, bind the
 * sender. A probe (RFC 5227, sender IP 0) binds nothing; nor does a sender MAC that is not the
 * frame's source: that is someone answering for another (proxy ARP). */
static int parse_arp(struct rbuf *r, const uint8_t *src, struct snoop_binding *out)
{
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	const uint8_t *sha, *spa, *rest;

	if (rbuf_u16(r, &htype) < 0 || rbuf_u16(r, &ptype) < 0 || rbuf_u8(r, &hlen) < 0 ||
	    rbuf_u8(r, &plen) < 0 || rbuf_u16(r, &op) < 0 || rbuf_take(r, 6, &sha) < 0 ||
	    rbuf_take(r, 4, &spa) < 0 || rbuf_take(r, 10, &rest) < 0)
		return -1; /* the target's MAC and IP must be there too */
	if (htype != 1 || ptype != ETH_P_IP || hlen != 6 || plen != 4 || (op != 1 && op != 2))
		return -1;
	if (!ip4_usable(spa) || !mac_usable(sha) || memcmp(sha, src, 6) != 0)
		return 0;
	memcpy(out->mac, sha, 6);
	out->ip.af = AF_INET;
	memcpy(out->ip.a, spa, 4);
	out->kind = SNOOP_ARP;
	return 1;
}

/* The ICMPv6 checksum (RFC 4443 section 2.3) over the pseudo-header and msg: 0 when valid. */
static uint16_t icmp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
	uint32_t sum = (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + 58;

	for (size_t i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(msg[i] << 8 | msg[i + 1]);
	if (len & 1)
		sum += (uint32_t)msg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The link-layer address option of type want among opts (RFC 4861 section 4.6.1): 1 found,
 * 0 absent, -1 malformed options. */
static int nd_lladdr(struct rbuf opts, uint8_t want, const uint8_t **mac)
{
	while (rbuf_left(&opts)) {
		uint8_t type, units;
		struct rbuf o;
		const uint8_t *m;

		if (rbuf_u8(&opts, &type) < 0 || rbuf_u8(&opts, &units) < 0 || !units ||
		    rbuf_sub(&opts, (size_t)units * 8 - 2, &o) < 0)
			return -1; /* a zero length must be discarded (section 4.6) */
		if (type == want && !*mac) {
			if (rbuf_take(&o, 6, &m) < 0)
				return -1;
			*mac = m;
		}
	}
	return *mac != NULL;
}

/* IPv6 NS/NA (RFC 4861 sections 4.3, 4.4, 7.1.1, 7.1.2): hop limit 255, code 0, valid checksum.
 * NS binds its source address to its source link-layer option (DAD's unspecified source binds
 * nothing); NA binds its target to its target link-layer option, else to the frame's source. */
static int parse_nd(struct rbuf *r, const uint8_t *src, struct snoop_binding *out)
{
	const uint8_t *vtc, *ip_src, *ip_dst, *target, *hdr, *flags, *ll = NULL;
	uint16_t plen;
	uint8_t nh, hops, type;
	struct rbuf icmp, body, opts;
	int rc;

	if (rbuf_take(r, 4, &vtc) < 0 || rbuf_u16(r, &plen) < 0 || rbuf_u8(r, &nh) < 0 ||
	    rbuf_u8(r, &hops) < 0 || rbuf_take(r, 16, &ip_src) < 0 || rbuf_take(r, 16, &ip_dst) < 0)
		return -1;
	if ((vtc[0] >> 4) != 6 || nh != 58)
		return -1; /* the filter let it through as ICMPv6 */
	if (rbuf_sub(r, plen, &icmp) < 0)
		return -1; /* truncated (or longer than the snap length) */
	if (icmp6_csum(ip_src, ip_dst, rbuf_ptr(&icmp), rbuf_left(&icmp)) != 0)
		return -1;
	body = icmp;
	if (rbuf_take(&body, 4, &hdr) < 0 || rbuf_take(&body, 4, &flags) < 0 ||
	    rbuf_take(&body, 16, &target) < 0)
		return -1; /* type, code, checksum; flags/reserved; target */
	type = hdr[0];
	if ((type != 135 && type != 136) || hdr[1] != 0 || hops != 255)
		return -1;
	opts = body;
	rc = nd_lladdr(opts, type == 135 ? 1 : 2, &ll);
	if (rc < 0)
		return -1;
	if (type == 135) {
		if (!ip6_usable(ip_src) || !ll)
			return 0;
		memcpy(out->ip.a, ip_src, 16);
		out->kind = SNOOP_NS;
	} else {
		if (!ip6_usable(target))
			return 0;
		if (!ll)
			ll = src;
		memcpy(out->ip.a, target, 16);
		out->kind = SNOOP_NA;
	}
	if (!mac_usable(ll) || memcmp(ll, src, 6) != 0)
		return 0;
	memcpy(out->mac, ll, 6);
	out->ip.af = AF_INET6;
	return 1;
}

int snoop_parse(const uint8_t *frame, size_t len, struct snoop_binding *out)
{
	struct rbuf r;
	const uint8_t *dst, *src;
	uint16_t type, tci;

	rbuf_init(&r, frame, len);
	memset(out, 0, sizeof *out);
	if (rbuf_take(&r, 6, &dst) < 0 || rbuf_take(&r, 6, &src) < 0 || rbuf_u16(&r, &type) < 0)
		return -1;
	if (type == ETH_P_8021Q) {
		if (rbuf_u16(&r, &tci) < 0 || rbuf_u16(&r, &type) < 0)
			return -1;
		out->vlan = tci & 0x0fff;
	}
	if (type == ETH_P_ARP)
		return parse_arp(&r, src, out);
	if (type == ETH_P_IPV6)
		return parse_nd(&r, src, out);
	return 0;
}

/* ---- the socket ---- */

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snoop *s = w->data;
	uint8_t frame[SNOOP_SNAPLEN];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	(void)loop;
	(void)revents;

	for (int i = 0; i < SNOOP_BATCH; i++) {
		struct sockaddr_ll sll;
		struct iovec iov = { frame, sizeof frame };
		struct msghdr msg = { .msg_name = &sll, .msg_namelen = sizeof sll, .msg_iov = &iov,
				      .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
		struct snoop_binding b;
		uint16_t vlan = 0;
		ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT);

		if (n < 0)
			return; /* EAGAIN; nothing else is expected of an unbound packet socket */
		s->c.frames++;
		if (sll.sll_pkttype == PACKET_OUTGOING || sll.sll_ifindex <= 0)
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata aux;
			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
			    c->cmsg_len < CMSG_LEN(sizeof aux))
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof aux);
			if (aux.tp_status & TP_STATUS_VLAN_VALID)
				vlan = aux.tp_vlan_tci & 0x0fff;
		}
		switch (snoop_parse(frame, (size_t)n > sizeof frame ? sizeof frame : (size_t)n, &b)) {
		case 1:
			s->c.bindings++;
			s->cb(s->ctx, sll.sll_ifindex, vlan ? vlan : b.vlan, b.mac, &b.ip);
			break;
		case -1:
			s->c.malformed++;
			break;
		}
	}
}

struct snoop *snoop_open(struct ev_loop *loop, size_t rcvbuf, snoop_cb cb, void *ctx)
{
	struct sock_fprog prog = { sizeof filter / sizeof filter[0], (struct sock_filter *)filter };
	struct sockaddr_ll sll;
	struct snoop *s;
	int one = 1, buf = (int)(rcvbuf && rcvbuf < (1u << 30) ? rcvbuf : SNOOP_RCVBUF), e;

	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->loop = loop;
	s->cb = cb;
	s->ctx = ctx;
	/* protocol 0: no frame is queued before the filter is attached and the socket bound */
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		goto fail;
	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
	    setsockopt(s->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0 ||
	    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf) < 0)
		goto fail;
	/* kernels before 4.20 lack it: the filter drops outgoing frames there, at a small cost */
	(void)setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = 0; /* every device */
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		goto fail;
	if (loop) {
		ev_io_init(&s->w, on_readable, s->fd, EV_READ);
		s->w.data = s;
		ev_io_start(loop, &s->w);
	}
	return s;
fail:
	e = errno;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	errno = e;
	return NULL;
}

void snoop_close(struct snoop *s)
{
	if (!s)
		return;
	if (s->loop)
		ev_io_stop(s->loop, &s->w);
	close(s->fd);
	free(s);
}

void snoop_counters(struct snoop *s, struct snoop_counters *c)
{
	struct tpacket_stats st;
	socklen_t len = sizeof st;

	/* reading the kernel's statistics resets them: keep the sum */
	if (getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		s->c.drops += st.tp_drops;
	*c = s->c;
}
