/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ARP and IPv6 neighbour discovery snooping on bridge ports: one AF_PACKET socket for every frame
 * received on every device of the namespace, with a classic BPF filter so the kernel hands over only
 * ARP and ICMPv6 NS/NA frames (truncated to their headers) and keeps everything else to itself.
 * Each frame that binds an IP to a MAC (a sender in ARP, a solicitation's source with its link-layer
 * option, an advertisement's target) is reported with the device it arrived on; mapping the device
 * to a VNI, and deciding whether to believe it, is the caller's job.
 */
#ifndef EVPND_NETLINK_SNOOP_H
#define EVPND_NETLINK_SNOOP_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct ev_loop;
struct snoop;

/* Largest frame prefix the filter lets through: Ethernet, one VLAN tag, IPv6 and a 200-byte
 * ICMPv6 message (an NS/NA with its options; longer ones are ignored). */
#define SNOOP_SNAPLEN 258

enum snoop_kind { SNOOP_ARP = 1, SNOOP_NS, SNOOP_NA };

/* What one frame says: ip is at mac. */
struct snoop_binding {
	uint8_t mac[6];
	struct nl_addr ip;     /* AF_INET or AF_INET6, never unspecified or multicast */
	uint16_t vlan;         /* an in-band 802.1Q tag's VLAN id, 0 when untagged */
	uint8_t kind;          /* enum snoop_kind */
};

struct snoop_counters {
	uint64_t frames;       /* frames read */
	uint64_t bindings;     /* bindings reported */
	uint64_t malformed;    /* frames the parser rejected (bad lengths, checksum, fields) */
	uint64_t drops;        /* frames the kernel dropped for want of socket buffer */
};

/* Called for each binding: ifindex is the device the frame arrived on, vlan its VLAN id (from the
 * frame's out-of-band tag, else an in-band one; 0 when untagged). */
typedef void (*snoop_cb)(void *ctx, int ifindex, uint16_t vlan, const uint8_t mac[6],
			 const struct nl_addr *ip);

/* Parse one Ethernet frame of len bytes: 1 with *out filled when it carries a binding, 0 when it
 * carries none (another protocol, a probe, DAD, a multicast sender, a proxy's answer), -1 when it is
 * malformed or truncated. Never reads past frame[len - 1]. */
int snoop_parse(const uint8_t *frame, size_t len, struct snoop_binding *out);
/* The classic BPF program the socket carries (for tests): *n instructions. */
const void *snoop_filter(size_t *n);
/* Open the socket (receive buffer rcvbuf bytes, 0 for a default) and watch it on loop. NULL with
 * errno on failure (EPERM without CAP_NET_RAW). */
struct snoop *snoop_open(struct ev_loop *loop, size_t rcvbuf, snoop_cb cb, void *ctx);
/* Stop watching and close; NULL is ignored. */
void snoop_close(struct snoop *s);
/* The counters so far (drops are fetched from the kernel). */
void snoop_counters(struct snoop *s, struct snoop_counters *c);

#endif
