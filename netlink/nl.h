/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel side of evpnd over rtnetlink: link discovery (bridges, VXLAN devices), the bridge FDB
 * event stream, and a pipelined, batched writer for FDB entries. Knows nothing of BGP: it speaks
 * in the small value types below, and the agent maps them to routes.
 */
#ifndef EVPND_NETLINK_NL_H
#define EVPND_NETLINK_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct nl;

/* An address-family-tagged address: af is 0 (none), AF_INET or AF_INET6. */
struct nl_addr {
	uint8_t af;
	uint8_t a[16];
};

enum nl_link_kind { NL_LINK_OTHER = 0, NL_LINK_BRIDGE, NL_LINK_VXLAN, NL_LINK_VRF };

/* A network device as evpnd cares about it. */
struct nl_link {
	int ifindex;
	char name[16];
	uint8_t kind;          /* enum nl_link_kind */
	int master;            /* ifindex of its master (a bridge, or a bridge's VRF), 0 if none */
	bool up;               /* administratively up (IFF_UP) */
	uint8_t mac[6];
	/* VXLAN devices only */
	uint32_t vni;          /* IFLA_VXLAN_ID (0 in external / collect-metadata mode) */
	struct nl_addr local;  /* IFLA_VXLAN_LOCAL / LOCAL6 (af 0 when unset) */
	uint16_t dstport;      /* host order */
	bool learning;         /* IFLA_VXLAN_LEARNING */
	bool external;         /* IFLA_VXLAN_COLLECT_METADATA: one device for many VNIs */
	bool vnifilter;        /* IFLA_VXLAN_VNIFILTER: it accepts only the VNIs of `bridge vni` */
	/* bridges only */
	bool vlan_filtering;   /* IFLA_BR_VLAN_FILTERING: a VLAN-aware bridge */
	/* VRF devices only */
	uint32_t vrf_table;    /* IFLA_VRF_TABLE */
};

/* One VLAN-to-VNI mapping of a bridge port with vlan_tunnel on (`bridge vlan add dev vx0 vid 10
 * tunnel_info id 1010`): how a VLAN-aware bridge sends one VLAN into one VNI of a shared,
 * external (collect-metadata) VXLAN device. */
struct nl_vlan_tunnel {
	uint16_t vlan;
	uint32_t vni;
};

/* The most mappings a port can have: one per VLAN ID (1..4094). */
#define NL_VLAN_MAX 4096

/* An AF_BRIDGE neighbour (FDB) entry, as the kernel reports it or as evpnd asks for it. */
struct nl_fdb {
	int ifindex;           /* the bridge port, or the VXLAN device for remote entries */
	int master;            /* NDA_MASTER: the bridge (0 when absent) */
	uint8_t mac[6];
	uint16_t vlan;         /* NDA_VLAN, 0 when absent */
	uint16_t state;        /* NUD_* */
	uint8_t flags;         /* NTF_* */
	uint8_t protocol;      /* NDA_PROTOCOL, 0 when absent */
	struct nl_addr dst;    /* NDA_DST: the remote VTEP of a VXLAN entry */
	uint32_t vni;          /* NDA_VNI, 0 when absent */
	uint32_t src_vni;      /* NDA_SRC_VNI: the VNI of an external VXLAN device's entry, 0 when absent */
};

enum nl_op {
	NL_FDB_REPLACE = 0,    /* RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE */
	NL_FDB_APPEND,         /* RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND (flood list entries) */
	NL_FDB_DEL,            /* RTM_DELNEIGH */
	NL_NEIGH_REPLACE,      /* AF_INET/AF_INET6 RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE (neigh.c) */
	NL_NEIGH_DEL,          /* AF_INET/AF_INET6 RTM_DELNEIGH */
	NL_PORT_SUPPRESS,      /* RTM_SETLINK AF_BRIDGE: a bridge port's neigh_suppress (neigh.c) */
	NL_ROUTE_REPLACE,      /* RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE (route.c) */
	NL_ROUTE_DEL,          /* RTM_DELROUTE */
};

/* The protocol and metric of the routes evpnd installs in a tenant's table: `proto bgp metric 20`
 * as FRR's zebra writes its EVPN routes, so an operator reads them alike; a route dump finds
 * evpnd's own by both. */
#define NL_ROUTE_PROTO 186
#define NL_ROUTE_METRIC 20

/* An address of a device (RTM_NEWADDR): a connected prefix of the device's VRF. */
struct nl_ifaddr {
	int ifindex;
	struct nl_addr addr;   /* the address itself (IFA_LOCAL, else IFA_ADDRESS) */
	uint8_t plen;          /* its prefix length */
	uint8_t scope;         /* RT_SCOPE_* (link for fe80::/10) */
};

/* A route in a VRF's table toward a remote VTEP: dst/plen via gw, onlink, on device oif (the L3
 * VNI's bridge). gw of dst's family is RTA_GATEWAY; of the other family RTA_VIA (an IPv4 prefix
 * over an IPv6 underlay; the kernel takes no IPv4 gateway for an IPv6 prefix, so the caller gives
 * ::ffff:a.b.c.d then). */
struct nl_route {
	uint32_t table;
	struct nl_addr dst;
	uint8_t plen;
	struct nl_addr gw;     /* af 0 in a delete: not needed */
	int oif;
	/* as a dump reports it (requests use NL_ROUTE_PROTO and NL_ROUTE_METRIC) */
	uint8_t protocol;
	uint32_t metric;
};

/* An IP neighbour (ARP/ND) entry, as the kernel reports it or as evpnd asks for it. */
struct nl_neigh {
	int ifindex;           /* the device the entry is on (for suppression: the bridge) */
	struct nl_addr ip;     /* NDA_DST: AF_INET or AF_INET6 */
	uint8_t mac[6];        /* NDA_LLADDR (zero when absent) */
	bool has_mac;
	uint16_t state;        /* NUD_*; for NL_PORT_SUPPRESS: nonzero = on */
	uint8_t flags;         /* NTF_* */
};

struct nl_hooks {
	/* A link appeared, changed, or (deleted) went away. Also called for every link by a dump. */
	void (*link)(void *ctx, const struct nl_link *l, bool deleted);
	/* An FDB entry appeared/changed or (deleted) went away. Also called for every entry by a dump. */
	void (*fdb)(void *ctx, const struct nl_fdb *f, bool deleted);
	/* Events were lost (ENOBUFS): the agent must dump again and reconcile. */
	void (*overflow)(void *ctx);
	/* The kernel refused a request; err is a positive errno. */
	void (*refused)(void *ctx, enum nl_op op, const struct nl_fdb *f, int err);
	void *ctx;
	/* An AF_INET/AF_INET6 neighbour appeared/changed or (deleted) went away (may be NULL). */
	void (*neigh)(void *ctx, const struct nl_neigh *n, bool deleted);
	/* The complete VLAN-to-VNI tunnel map of bridge port ifindex (n 0: none, or it left its
	 * bridge), from every AF_BRIDGE link message that carries the port's VLAN information and
	 * from the link dump. m is only valid during the call (may be NULL). */
	void (*vlan_map)(void *ctx, int ifindex, const struct nl_vlan_tunnel *m, size_t n);
	/* An FDB entry reported by a dump, not by an event (NULL: dumps go through fdb). A dump is
	 * older news than the events read meanwhile: the hook decides what it still believes. */
	void (*fdb_dumped)(void *ctx, const struct nl_fdb *f);
	/* Queued requests are about to leave for the kernel (may be NULL): a write-ahead record of
	 * what is asked must reach its file here, before the kernel can act on it. */
	void (*sending)(void *ctx);
	/* The kernel refused a route request (NL_ROUTE_*); err is a positive errno (may be NULL). */
	void (*route_refused)(void *ctx, enum nl_op op, const struct nl_route *r, int err);
	/* An address appeared or (deleted) went away; also for each one by nl_dump_addrs (may be NULL:
	 * then the event socket does not join the address groups). */
	void (*ifaddr)(void *ctx, const struct nl_ifaddr *a, bool deleted);
	/* A unicast route reported by nl_dump_routes (may be NULL). */
	void (*route)(void *ctx, const struct nl_route *r);
	/* A unicast route was deleted (may be NULL: then the event socket does not join the route
	 * groups; new routes are never reported, evpnd's own echoes included). */
	void (*route_deleted)(void *ctx, const struct nl_route *r);
};

/* Open the event socket (link + neighbour groups, receive buffer of rcvbuf bytes, forced when
 * root) and the request socket, watched on loop. NULL with errno set on failure. loop may be NULL
 * (benchmarks): nothing is watched, events are not read, nl_flush/nl_drain read the acks.
 * Hooks may queue and flush, but must not call nl_close. */
struct nl *nl_open(struct ev_loop *loop, const struct nl_hooks *h, size_t rcvbuf);
/* Close both sockets; requests not yet acknowledged are dropped. */
void nl_close(struct nl *nl);
/* Dump every link through hooks.link, then every bridge port's VLAN tunnel map through
 * hooks.vlan_map, synchronously. 0, or -1 with errno. */
int nl_dump_links(struct nl *nl);
/* Dump every AF_BRIDGE FDB entry through hooks.fdb, synchronously. 0, or -1 with errno. */
/* The FDB entries of one device (the kernel filters: NDA_IFINDEX) through hooks.fdb_dumped,
 * synchronously: for a device with few entries (a routed tenant's L3 VXLAN device). */
int nl_dump_fdb_dev(struct nl *nl, int ifindex);
int nl_dump_fdb(struct nl *nl);
/* Dump every AF_BRIDGE FDB entry in the background, on a socket of its own: the loop reads the
 * kernel's replies one slice at a time (about NL_DUMP_SLICE_MS of work), so events, acks, BGP and
 * control requests are served in between, and reports each entry through hooks.fdb_dumped. Then
 * done(hooks.ctx, err) once: err 0 when the dump completed, else a positive errno (what was
 * reported is incomplete). Entries that change meanwhile may be reported either way: the event
 * stream has the last word. Without a loop it runs to the end before returning. 0, or -1 with
 * errno (EBUSY: one is running). */
int nl_dump_fdb_async(struct nl *nl, void (*done)(void *ctx, int err));
/* As nl_dump_fdb_async, but only the entries of the n bridge ports in ports (each a dump the
 * kernel filters: NDA_IFINDEX), one after the other; a port that went away is skipped. The kernel
 * still walks its bridge's whole table per reply, but a port's entries fit in a reply or two, so
 * the walk is paid once per port instead of once per 32 KiB of a full dump. */
int nl_dump_fdb_ports_async(struct nl *nl, const int *ports, size_t n,
			    void (*done)(void *ctx, int err));
/* Ask the kernel for chosen FDB entries in the background, one RTM_GETNEIGH each instead of a
 * dump (whose cost grows with the square of the table): next(hooks.ctx, f) fills the next key
 * (ifindex of the VXLAN device, mac, src_vni on a shared one; or, with NTF_MASTER in flags, the
 * bridge's entry on that port: ifindex, mac, vlan; false when none is left); each entry
 * the kernel has comes back through hooks.fdb_dumped, one it lacks (or whose device went) is
 * skipped. At most NL_PROBE_WINDOW are in flight, asked and read a slice per loop turn as a
 * background dump's replies are; then done(hooks.ctx, err), err a positive errno when the kernel
 * refused a probe (incomplete). Runs on the background dump's socket: EBUSY while one runs. */
int nl_fdb_probe_async(struct nl *nl, bool (*next)(void *ctx, struct nl_fdb *f),
		       void (*done)(void *ctx, int err));
/* Whether events wait on the event socket, unread (a change the kernel made is queued there as
 * it is made: once none waits, every change made so far has been reported). */
bool nl_events_waiting(const struct nl *nl);
/* Whether a background dump is running. */
bool nl_dump_async_running(const struct nl *nl);
/* Abandon a background dump: no more entries, and done is not called. */
void nl_dump_async_cancel(struct nl *nl);
/* Dump every IPv4 and IPv6 address through hooks.ifaddr, synchronously; 0 or -1 (errno). */
int nl_dump_addrs(struct nl *nl);
/* Dump every IPv4 and IPv6 unicast route of every table through hooks.route, synchronously (the
 * tenants' tables are small); 0 or -1 (errno). */
int nl_dump_routes(struct nl *nl);
/* Dump every AF_INET and AF_INET6 neighbour through hooks.neigh, synchronously; 0 or -1 (errno). */
int nl_dump_neigh(struct nl *nl);
/* Queue one FDB request; the caller sets flags and state (see netlink/fdb.c for the encodings
 * evpnd uses). Sent by nl_flush, many per sendmsg. -1 when memory runs out. */
int nl_fdb_queue(struct nl *nl, enum nl_op op, const struct nl_fdb *f);
/* Queue one IP neighbour request (NL_NEIGH_REPLACE or NL_NEIGH_DEL) through the same batched
 * writer; a refusal reaches hooks.refused as an nl_fdb with ifindex, mac and dst = the IP.
 * -1 when memory runs out or op is not a neighbour op. */
int nl_neigh_queue(struct nl *nl, enum nl_op op, const struct nl_neigh *n);
/* Queue one route request (NL_ROUTE_REPLACE or NL_ROUTE_DEL) through the same batched writer; a
 * refusal reaches hooks.route_refused. -1 (EINVAL) for another op or a malformed route. */
int nl_route_queue(struct nl *nl, enum nl_op op, const struct nl_route *r);
/* Queue turning a bridge port's neigh_suppress on or off (IFLA_BRPORT_NEIGH_SUPPRESS). */
int nl_port_suppress_queue(struct nl *nl, int ifindex, bool on);
/* Send queued requests in batches; acknowledgements are read as they arrive and each failure is
 * reported once through hooks.refused. Call once per loop iteration. The kernel carries requests out
 * inside the sendmsg: an iteration spends at most NL_SEND_BUDGET_MS (20 ms) sending, and what is
 * left goes in the next (an idle watcher makes sure there is one). */
void nl_flush(struct nl *nl);
/* The number the next queued request will get: requests are numbered in queue order from 0. */
uint64_t nl_next_pos(const struct nl *nl);
/* Call acked(hooks.ctx, done) whenever every request numbered below done has been acknowledged or
 * refused (NULL: stop). acked must not queue or flush. For latency measurements. */
void nl_set_acked(struct nl *nl, void (*acked)(void *ctx, uint64_t done));
/* Requests queued or sent and not yet acknowledged. */
size_t nl_pending(const struct nl *nl);
/* Wait (up to timeout_ms) until every request is sent and acknowledged, budget or not: for tests,
 * benchmarks and exit. */
int nl_drain(struct nl *nl, int timeout_ms);

#endif
