/* SPDX-License-Identifier: Apache-2.0 */
/* [global] keys for operations: log, log-level, metrics-listen, metrics-allow-remote, and the
 * control socket's limits. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

static int bad(struct loader *ld, const char *val, const char *why)
{
	cfg_fail(ld, ld->line, "%s %s: \"%s\" %s", ld->label, ld->key, val, why);
	return -1;
}

int cfg_g_log(struct loader *ld, const char *val)
{
	int t = log_target_parse(val);
	if (t < 0)
		return bad(ld, val, "is not a log target (stderr or syslog)");
	ld->cfg->log_target = t;
	return 0;
}

int cfg_g_log_level(struct loader *ld, const char *val)
{
	int p = log_level_parse(val);
	if (p < 0)
		return bad(ld, val, "is not a log level (debug, info, notice, warning or err)");
	ld->cfg->log_level = p;
	ld->cfg->log_level_set = true;
	return 0;
}

/* ADDR:PORT or [IPv6]:PORT (the port is required: there is no registered default), or "none". */
int cfg_g_metrics_listen(struct loader *ld, const char *val)
{
	static const char why[] = "is not a metrics address (ADDRESS:PORT, [IPv6]:PORT or none)";
	char host[INET6_ADDRSTRLEN + 2];
	const char *port;
	struct ipaddr a;
	uint32_t p;
	size_t hlen;

	if (!strcmp(val, "none")) {
		memset(&ld->cfg->metrics_addr, 0, sizeof ld->cfg->metrics_addr);
		ld->cfg->metrics_port = 0;
		return 0;
	}
	if (val[0] == '[') {
		const char *end = strchr(val, ']');
		if (!end || end[1] != ':')
			return bad(ld, val, why);
		hlen = (size_t)(end - val - 1);
		if (hlen >= sizeof host)
			return bad(ld, val, why);
		memcpy(host, val + 1, hlen);
		port = end + 2;
	} else {
		const char *colon = strrchr(val, ':');
		if (!colon || strchr(val, ':') != colon)
			return bad(ld, val, why);
		hlen = (size_t)(colon - val);
		if (hlen >= sizeof host)
			return bad(ld, val, why);
		memcpy(host, val, hlen);
		port = colon + 1;
	}
	host[hlen] = '\0';
	if (ipaddr_parse(host, &a) < 0 || (val[0] == '[') != (a.af == AF_INET6) ||
	    parse_u32(port, 1, 65535, &p) < 0)
		return bad(ld, val, why);
	ld->cfg->metrics_addr = a;
	ld->cfg->metrics_port = (uint16_t)p;
	return 0;
}

int cfg_g_metrics_allow_remote(struct loader *ld, const char *val)
{
	if (parse_bool(val, &ld->cfg->metrics_allow_remote) == 0)
		return 0;
	return bad(ld, val, "is not a boolean (yes/no, true/false, on/off, 1/0)");
}

/* The control socket's limits (docs/control-protocol.md): a number each, in its range. The opaque
 * sizes stop at what one BGP UPDATE carries; key plus value are checked when a key is added. */
static const struct {
	const char *key;
	size_t off;
	uint32_t min, max;
} limits[] = {
	{ "control-max-clients", offsetof(struct config, ctl_max_clients), 8, 65536 },
	{ "control-max-clients-per-user", offsetof(struct config, ctl_max_per_user), 1, 65536 },
	{ "control-idle-timeout", offsetof(struct config, ctl_idle_timeout), 0, 86400 },
	{ "control-client-buffer", offsetof(struct config, ctl_client_buffer), 65536, 1u << 30 },
	{ "watch-max", offsetof(struct config, watch_max), 1, 65536 },
	{ "watch-replay-window", offsetof(struct config, watch_window), 65536, 1u << 30 },
	{ "opaque-max-key", offsetof(struct config, opaque_max_key), 1, 3584 },
	{ "opaque-max-value", offsetof(struct config, opaque_max_value), 0, 3584 },
};

int cfg_g_control(struct loader *ld, const char *val)
{
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (strcmp(ld->key, limits[i].key) == 0)
			return cfg_get_u32(ld, val, limits[i].min, limits[i].max,
					   (uint32_t *)((char *)ld->cfg + limits[i].off));
	return bad(ld, val, "is not a control limit"); /* a key in the schema without a row here */
}
