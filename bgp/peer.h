/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The speaker's private structures, shared by bgp.c, listen.c, peer.c, peer_io.c and peer_msg.c only.
 * A peer (one configured neighbor) owns up to two connections, the one it initiated and the one the
 * neighbor initiated, each with its own FSM state until collision detection (RFC 4271 section 6.8)
 * keeps one.
 */
#ifndef EVPND_BGP_PEER_H
#define EVPND_BGP_PEER_H

#include <ev.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "fsm.h"
#include "msg.h"
#include "peer_policy.h"
#include "rib.h"

enum conn_dir { CONN_OUT = 0, CONN_IN = 1 };

/* Every session reads into the speaker's one buffer of CONN_INBUF bytes (many messages per call)
 * and keeps of its own only the start of a message that a read cut, at most a message: a session
 * between messages holds no input buffer, as it holds no output buffer once its output is written
 * (a reflector's thousand idle sessions cost 20 MB with 4 KiB in and 16 KiB out kept each). */
/* 16 KiB, not 64: one read's routes are handled in the loop turn that reads them, and 64 KiB of
 * MAC routes (1,900) took 40-60 ms of CPU at a million MACs on a busy machine (scripts/bench.sh);
 * the rest waits in the socket for the next turn. */
#define CONN_INBUF 16384
/* An output buffer's first size, doubled as a backlog needs: most of what a reflector's clients
 * are sent between table walks is a few changes, and a thousand buffers of 16 KiB each (as they
 * started) held 100 B per path more at 1,000 clients x 100 routes than 4 KiB (or 1 KiB) does. */
#define CONN_OUT_FIRST 4096
/* The most a session may have waiting to be written: whole tables wait for the socket to drain
 * (RIB_OUT_HIGH), so only changes pile up, for a neighbor that reads nothing; beyond this it is
 * reset (Cease, out of resources) rather than grow without limit until its send hold timer. */
#define CONN_OUT_MAX (32u << 20)
#define SEND_HOLD_MIN 480.0      /* seconds, RFC 9687's suggested send hold time */
#define HOLD_LARGE 240.0         /* seconds, RFC 4271 section 8.2.2 (OpenSent) */
#define BACKOFF_MAX 30.0         /* seconds: cap of the doubling restart interval */
#define LOG_UNKNOWN_MAX 256      /* unknown source addresses remembered for log-once */

struct peer;

/* A growable output buffer: bytes [off, len) are still to be written. */
struct obuf {
	uint8_t *p;
	size_t off, len, cap;
};

struct conn {
	struct peer *peer;
	int fd;
	enum conn_dir dir;
	enum fsm_state st;
	bool open_rcvd;
	struct bgp_open open;       /* the neighbor's OPEN once open_rcvd */
	uint16_t hold_time;         /* negotiated */
	uint16_t keepalive;
	struct bgp_err notify;      /* what A_SEND_NOTIFY sends (code 0: FSM error) */
	ev_io rio, wio;
	ev_timer hold, ka;
	ev_timer send_hold;         /* RFC 9687: runs while output waits; reset by every write */
	bool out_full;              /* CONN_OUT_MAX reached: reset at the next turn of the loop */
	struct obuf out;
	size_t in_len, in_cap;      /* a message cut by the last read: its first in_len bytes */
	uint8_t *in;                /* NULL when none */
};

struct peer {
	struct bgp *bgp;
	struct bgp_neighbor cfg;
	struct rib_peer rp;
	struct conn *conn[2];       /* by enum conn_dir */
	struct conn *est;           /* the Established connection, or NULL */
	enum fsm_state st;          /* Idle, Connect or Active: the state without a live session */
	bool admin_down;            /* stopped: no automatic restart */
	ev_timer retry;             /* ConnectRetryTimer; in Idle, the automatic restart */
	double backoff;             /* current retry/restart interval, seconds */
	double since;               /* CLOCK_MONOTONIC of the last state change */
	struct ratelim errlog;      /* remote errors (NOTIFICATIONs, malformed UPDATEs): rate limit */
	bool maxr_warned;           /* max-routes 90% warning given this session */
	bool limit_down;            /* closed by max-routes: the retry timer is the restart delay */
	bool eor_rcvd[FAM_COUNT];
	/* graceful restart (RFC 4724), as helper */
	ev_timer gr_timer;          /* down: its restart time; back up: the wait for its End-of-RIB */
	uint32_t gr_fams;           /* families its last OPEN listed in the GR capability */
	uint16_t gr_time;           /* the restart time it advertised */
	bool gr_hard;               /* this session ended with a NOTIFICATION: no graceful restart */
	uint64_t msgs_in, msgs_out, updates_in;
	uint32_t flaps;
	char last_error[96];
	char name[IPADDR_STRLEN];
	struct peer *next;
	/* messages by type (bgp_stats.c): [0] unknown types, [1..5] OPEN .. ROUTE-REFRESH */
	uint64_t msgs_in_type[6], msgs_out_type[6];
};

struct bgp {
	struct ev_loop *loop;
	struct bgp_global g;
	struct bgp_hooks h;
	struct rib *rib;
	struct rib_peer local;
	struct peer *peers, **peers_tail;
	bool started;
	double started_at;          /* CLOCK_MONOTONIC of bgp_start: our OPENs say "restarted" a while */
	int lfd;
	bool lfd_v6;                /* the listening socket is IPv6 (IPv4 peers arrive mapped) */
	ev_io lio;
	ev_prepare flush;
	ev_idle more;               /* keeps the loop from sleeping while the flush has more to do */
	struct ipaddr unknown[LOG_UNKNOWN_MAX]; /* sources already logged as unknown */
	unsigned nunknown;
	struct update *upd;         /* parse scratch (large): one UPDATE at a time */
	uint8_t *rbuf;              /* CONN_INBUF bytes: every session's reads (peer_io.c) */
};

/* bgp.c */
/* The configured neighbor with this address, or NULL. */
struct peer *bgp_peer_find(struct bgp *b, const struct ipaddr *a);
/* Seconds of CLOCK_MONOTONIC. */
double bgp_mono_now(void);

/* listen.c */
/* Open the listening socket (if listen_port) and start accepting. -1 with errno set. */
int listen_open(struct bgp *b);
/* Stop accepting and close the listening socket. */
void listen_close(struct bgp *b);
/* Apply p's session security to the listening socket, if open: its TCP MD5 key (RFC 2385: the
 * listener must know the key for the SYN to be answered) and, for GTSM, TTL 255 on SYN-ACKs.
 * -1 with errno set. */
int listen_peer_auth(struct bgp *b, const struct peer *p);

/* peer.c: the FSM driver */
/* Create a peer for n (not started). NULL on allocation failure or when the RIB is full. */
struct peer *peer_new(struct bgp *b, const struct bgp_neighbor *n);
/* Unregister from the RIB and free (the peer must be stopped). */
void peer_free(struct peer *p);
/* End-of-RIB for fam from p: drop what its graceful restart left stale in fam. */
void peer_gr_eor(struct peer *p, int fam);
/* Close p's connections without a NOTIFICATION (a graceful restart of ours: the neighbor keeps
 * our routes); no automatic restart. */
void peer_stop_silent(struct peer *p);
/* Administrative start (EV_START). */
void peer_start(struct peer *p);
/* Administrative stop: Cease/2 to any session, close everything, no restart. */
void peer_stop(struct peer *p);
/* Feed one event to connection c. Returns false when c was freed. */
bool conn_event(struct conn *c, enum fsm_event e);
/* The state shown to operators: Established, else the most advanced connection, else p->st. */
enum fsm_state peer_state(const struct peer *p);
/* Take an accepted socket for p (RFC 4271 section 6.8 for an existing session). */
void peer_accept(struct peer *p, int fd);
/* RFC 4271 section 6.8: an OPEN arrived on connection dir while the other connection is in
 * other_st (other_open: it has received an OPEN too). Returns the direction to close, or -1. */
int peer_collision(enum conn_dir dir, enum fsm_state other_st, bool other_open, uint32_t local_id,
		   uint32_t remote_id);

/* peer_io.c: sockets and buffers */
/* Wrap a connected (or connecting) socket. NULL on allocation failure (fd is closed). */
struct conn *conn_new(struct peer *p, int fd, enum conn_dir dir, bool connecting);
/* Best-effort write of pending output, then close and free; clears the peer's pointers. */
void conn_free(struct conn *c);
/* Queue one whole message for c; counts it. */
void conn_queue(struct conn *c, const uint8_t *msg, size_t len);
/* Bytes waiting to be written on c. */
size_t conn_backlog(const struct conn *c);
/* Write what waits on an Established c as far as the socket takes it, now; an error is left for
 * the write watcher to find. */
void conn_push(struct conn *c);
/* Send e (when not NULL) on a socket no connection owns, best effort, and close it. */
void conn_reject(int fd, const struct bgp_err *e);
/* Start a non-blocking outgoing connection for p as its CONN_OUT. -1 when it failed at once. */
int conn_connect(struct peer *p);

/* Fill a socket address for a:port; returns its length (0 for af 0). */
socklen_t sockaddr_from_ipaddr(const struct ipaddr *a, uint16_t port, struct sockaddr_storage *ss);
/* The address of a socket address, IPv4-mapped IPv6 turned into IPv4. */
void ipaddr_from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a);

/* sock_sec.c: session security on sockets */
/* Install (key "" : remove) the TCP MD5 key (RFC 2385) for peer on fd; v6sock: fd is an IPv6
 * socket (IPv4 peers are given as mapped addresses). -1 with errno set. */
int sock_md5(int fd, const struct ipaddr *peer, const char *key, bool v6sock);
/* GTSM (RFC 5082) on a connected or connecting socket of family af: send with TTL/hop limit 255
 * and drop segments arriving with less. -1 with errno set. */
int sock_gtsm(int fd, int af);
/* Send with TTL (hop limit) ttl on fd of family af. -1 with errno set. */
int sock_ttl(int fd, int af, int ttl);
/* The TTL peer p's sessions send with: 1 for eBGP (ebgp-multihop's when set), 0 (the system's)
 * for iBGP; ttl-security sets its own 255. */
int peer_ttl(const struct peer *p);
/* The TTL (hop limit) of the SYN saved by TCP_SAVE_SYN on an accepted socket, or -1. */
int sock_syn_ttl(int fd);
/* This namespace's TCP MD5 drop counters (/proc/net/netstat TcpExt): segments without a signature
 * where a key is set, signed where none is, and failing the check. -1 when unavailable. */
int tcp_md5_counters(uint64_t v[3]);

/* peer.c: max-routes */
/* Close every connection of p with e (Cease/1) and keep it down for restart seconds (0: until
 * evpnd restarts). */
void peer_stop_limit(struct peer *p, const struct bgp_err *e, uint32_t restart);

/* peer_msg.c: messages */
/* Handle one framed message (header included). Returns false when c was freed. */
bool conn_handle(struct conn *c, const uint8_t *msg, uint16_t len, uint8_t type);
/* Queue our OPEN on c. */
void conn_send_open(struct conn *c);
/* Queue a KEEPALIVE on c. */
void conn_send_keepalive(struct conn *c);
/* Queue c->notify (an FSM error when its code is 0) and record it as the last error. */
void conn_send_notify(struct conn *c);

#endif
