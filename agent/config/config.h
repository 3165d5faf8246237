/* SPDX-License-Identifier: Apache-2.0 */
/* The INI configuration (inih) as a value, with errors that name the file and line. */
#ifndef EVPND_CONFIG_CONFIG_H
#define EVPND_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "types.h"

#define CFG_MAX_RT 16
#define CFG_DEFAULT_SOCKET "/run/evpnd/evpnd.sock"
#define CFG_FDB_DUMP_LIMIT 100000 /* [global] fdb-dump-limit's default */
#define CFG_DEFAULT_NETLINK_BUFFER 67108864u

struct cfg_vni {
	uint32_t vni;
	bool rd_auto;             /* rd = auto: router-id:VNI (RFC 7432 section 7.9) */
	struct rd rd;
	bool rt_auto;             /* route-target = auto: ASN:VNI (RFC 8365) */
	unsigned nrt;
	uint64_t rt[CFG_MAX_RT];  /* extended communities */
	uint32_t rt_wild;         /* bit i: rt[i] was "*:NN" (0:NN here; rt_filter.h) */
	/* import-rt / export-rt: beside route-target's, for one direction only (rt_filter.h) */
	unsigned nimport, nexport;
	uint64_t import_rt[CFG_MAX_RT];
	uint64_t export_rt[CFG_MAX_RT];
	uint32_t import_wild;     /* bit i: import_rt[i] was "*:NN" */
	bool import_auto, export_auto; /* "auto" (ASN:VNI) listed among them */
	bool arp_suppress_set;    /* arp-suppress given here: it overrides [global]'s */
	bool arp_suppress;
	bool arp_snoop_set;       /* arp-snoop given here: it overrides [global]'s */
	bool arp_snoop;
	int line;
};

/* A routed tenant (symmetric IRB, RFC 9135): a VRF device of this name, its L3 VNI. The kernel
 * side is discovered (docs/configuration.md, "Routed tenants"): the L3 VNI's VXLAN device is never
 * an L2 VNI (no type-3 route, no flood entry, no MAC routes of its own). */
struct cfg_vrf {
	char name[16];            /* the VRF device's name (IFNAMSIZ) */
	uint32_t l3vni;           /* required */
	/* rd, route-target, import-rt, export-rt as for [vni N] (r.vni is l3vni): defaults
	 * router-id:L3VNI and ASN:L3VNI; config_vni(cfg, l3vni) finds it */
	struct cfg_vni r;
	bool advertise_connected; /* advertise = connected (default) | none: type-5 routes for the
				   * VRF's connected prefixes */
	int line;
};

struct cfg_neighbor {
	struct bgp_neighbor n;    /* hold_time resolved against [global] */
	int line;
};

struct config {
	char path[256];
	struct bgp_global g;
	char control_socket[108];
	struct ipaddr vtep_ip;    /* [global] vtep-ip: af 0 when unset */
	bool auto_rt_rfc8365;     /* [global] auto-rt-format = rfc8365: RFC 8365 5.1.2.1 layout */
	uint32_t converge_timeout; /* [global] converge-timeout: seconds to wait for End-of-RIB (10) */
	uint32_t fdb_dump_limit; /* [global] fdb-dump-limit: a larger record is read instead
				      * of the kernel's whole FDB at start-up (100000) */
	uint32_t netlink_buffer;  /* [global] netlink-buffer: event socket receive buffer, bytes (64 MiB) */
	uint32_t dad_max_moves;   /* [global] dad-max-moves: moves that make a MAC duplicate (5) */
	uint32_t dad_window;      /* [global] dad-window: seconds the moves are counted in (180) */
	bool dad_freeze;          /* [global] dad-freeze: leave a duplicate MAC's kernel entry as it is */
	uint32_t dad_recovery;    /* [global] dad-recovery: seconds until a duplicate recovers, 0 never */
	bool arp_suppress;        /* [global] arp-suppress: ARP/ND suppression (agent/evpn/macs_ip.c), off */
	bool arp_snoop_set;       /* [global] arp-snoop given (else each VNI follows its arp-suppress) */
	bool arp_snoop;           /* [global] arp-snoop: learn local MAC+IP from ARP/NS/NA frames */
	uint32_t arp_snoop_age;   /* [global] arp-snoop-age: seconds a binding lives unrefreshed, 0 = 300 */
	/* privileges (privs.h): [global] user drops to that user once the sockets are open; [global]
	 * control-group opens the control socket to that group (mode 0660) besides root */
	bool has_user;
	char user[33];
	uint32_t uid, gid;        /* the user's, as resolved when the file was read */
	bool has_control_group;
	char control_group[33];
	uint32_t control_gid;
	/* the control socket's limits (docs/control-protocol.md); a reload applies them */
	uint32_t ctl_max_clients;     /* [global] control-max-clients (128) */
	uint32_t ctl_max_per_user;    /* [global] control-max-clients-per-user (32; root has no cap) */
	uint32_t ctl_idle_timeout;    /* [global] control-idle-timeout: seconds, 0 never (300) */
	uint32_t ctl_client_buffer;   /* [global] control-client-buffer: bytes a stream queues (256 KiB) */
	uint32_t watch_max;           /* [global] watch-max: watchers at once (64) */
	uint32_t watch_window;        /* [global] watch-replay-window: bytes of events kept (32 MiB) */
	uint32_t opaque_max_key;      /* [global] opaque-max-key: bytes of a key added here (1024) */
	uint32_t opaque_max_value;    /* [global] opaque-max-value: bytes of its value (3072) */
	/* logging and metrics (config_ops.c) */
	int log_target;           /* [global] log: enum log_target (log.h), stderr by default */
	bool log_level_set;       /* [global] log-level given */
	int log_level;            /* its syslog priority (LOG_ERR .. LOG_DEBUG) */
	struct ipaddr metrics_addr; /* [global] metrics-listen: af 0 when off (the default) */
	uint16_t metrics_port;
	bool metrics_allow_remote; /* [global] metrics-allow-remote: a non-loopback metrics-listen */
	struct cfg_neighbor *nbr;
	unsigned nnbr;
	struct cfg_vni *vni;
	unsigned nvni;
	struct cfg_vrf *vrf;
	unsigned nvrf;
};

/* cfg as a file with only a [global] section would leave it (path recorded as its name), for
 * callers that build a configuration by hand. */
void config_defaults(struct config *cfg, const char *path);
/* Load and validate path into cfg. On error returns -1 with "FILE:LINE: message" in err. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
/* Free what config_load allocated. */
void config_free(struct config *cfg);
/* Whether arp-suppress applies to vni ([vni N] overrides [global]). */
bool config_arp_suppress(const struct config *cfg, uint32_t vni);
/* Whether arp-snoop applies to vni ([vni N], else [global], else the VNI's arp-suppress). */
bool config_arp_snoop(const struct config *cfg, uint32_t vni);
/* Whether arp-snoop may apply to some VNI (a VNI without a [vni N] section included). */
bool config_arp_snoop_any(const struct config *cfg);
/* The per-VNI overrides for vni ([vni N], or the RD and RTs of the [vrf] whose l3vni it is), or
 * NULL. */
const struct cfg_vni *config_vni(const struct config *cfg, uint32_t vni);
/* The [vrf] section whose l3vni is vni, or NULL. */
const struct cfg_vrf *config_vrf_by_l3vni(const struct config *cfg, uint32_t vni);
/* The [vrf NAME] section, or NULL. */
const struct cfg_vrf *config_vrf(const struct config *cfg, const char *name);

#endif
