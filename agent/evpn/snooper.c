/* SPDX-License-Identifier: Apache-2.0 */
/* arp-snoop's socket and ageing timer (snooper.h); the bindings' trust is decided by macs_ip.c. */
#include "snooper.h"

#include <errno.h>
#include <ev.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "macs_ip.h"
#include "snoop.h"

#define AGE_DEFAULT 300             /* arp-snoop-age when unset */

struct snoop_state {
	struct snoop *s;
	struct ev_loop *loop;
	struct macs *m;
	ev_timer age_w;
};

static void on_bind(void *ctx, int ifindex, uint16_t vlan, const uint8_t mac[6],
		    const struct nl_addr *addr)
{
	struct snoop_state *st = ctx;
	macs_snooped(st->m, ifindex, vlan, mac, addr);
}

static void on_age(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snoop_state *st = w->data;
	(void)loop;
	(void)revents;
	macs_snoop_age(st->m);
}

struct snoop_state *snooper_start(struct ev_loop *loop, const struct config *cfg, struct macs *m)
{
	struct snoop_state *st;
	double age = cfg->arp_snoop_age ? cfg->arp_snoop_age : AGE_DEFAULT;

	if (!loop || !config_arp_snoop_any(cfg))
		return NULL;
	st = calloc(1, sizeof *st);
	if (!st) {
		log_msg(LOG_ERR, "arp-snoop: out of memory: not snooping");
		return NULL;
	}
	st->loop = loop;
	st->m = m;
	st->s = snoop_open(loop, 0, on_bind, st);
	if (!st->s) {
		log_msg(LOG_WARNING, "arp-snoop: cannot open a packet socket: %s; not snooping",
			strerror(errno));
		free(st);
		return NULL;
	}
	/* a binding lives between age/2 and age without a frame refreshing it */
	ev_timer_init(&st->age_w, on_age, age / 2, age / 2);
	st->age_w.data = st;
	ev_timer_start(loop, &st->age_w);
	log_msg(LOG_INFO, "arp-snoop: learning local MAC+IP bindings from ARP/NS/NA on bridge ports");
	return st;
}

void snooper_stop(struct snoop_state *st)
{
	if (!st)
		return;
	ev_timer_stop(st->loop, &st->age_w);
	snoop_close(st->s);
	free(st);
}
