/* The INI configuration (inih) as a value, with errors that name the file and line. */
#ifndef EVPND_AGENT_CONFIG_H
#define EVPND_AGENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "types.h"

#define CFG_MAX_RT 16
#define CFG_DEFAULT_SOCKET "/run/evpnd/evpnd.sock"

struct cfg_vni {
	uint32_t vni;
	bool rd_auto;             /* rd = auto: router-id:VNI (RFC 7432 section 7.9) */
	struct rd rd;
	bool rt_auto;             /* route-target = auto: ASN:VNI (RFC 8365) */
	unsigned nrt;
	uint64_t rt[CFG_MAX_RT];  /* extended communities */
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
	uint32_t converge_timeout; /* [global] converge-timeout: seconds to wait for End-of-RIB (10) */
	struct cfg_neighbor *nbr;
	unsigned nnbr;
	struct cfg_vni *vni;
	unsigned nvni;
};

/* Load and validate path into cfg. On error returns -1 with "FILE:LINE: message" in err. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
/* Free what config_load allocated. */
void config_free(struct config *cfg);
/* The per-VNI overrides for vni, or NULL. */
const struct cfg_vni *config_vni(const struct config *cfg, uint32_t vni);

#endif
