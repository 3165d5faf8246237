/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-socket requests: the input is what one client writes to the socket before it shuts down
 * its side. A real control socket (control_open) serves a daemon with a real speaker (routes added
 * by add-macadv / add-key land in its RIB, watch streams its changes), and the client reads every
 * reply: so line framing, the JSON parse, the field checks of every command and the commands
 * themselves run as they do in evpnd. Invariants: the server always ends the exchange, every reply
 * is one line holding a JSON object with a boolean "ok", and the speaker is freed clean.
 */
#include <errno.h>
#include <ev.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "attr.h"
#include "bgp.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "fuzz.h"
#include "reload.h"

#define ROUNDS_MAX 100000 /* loop turns before a silent server counts as hung */

static struct daemon d;
static char dir[64], sock_path[96];

static void cleanup(void)
{
	control_close(d.ctl);
	d.ctl = NULL;
	rmdir(dir);
}

static void best_changed(void *ctx, int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
			 const struct ipaddr *src)
{
	control_notify(d.ctl, fam, nlri, len, a, src);
}

static int reload_cb(void *ctx, char *msg, size_t msglen)
{
	return reload_config(ctx, msg, msglen);
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/evpnd-fuzz-control.%d", (int)getpid());
	snprintf(sock_path, sizeof sock_path, "%s/ctl.sock", dir);
	d.loop = ev_loop_new(EVFLAG_AUTO);
	FUZZ_CHECK(d.loop != NULL);
	config_defaults(&d.cfg, "fuzz.conf"); /* the control socket's limits among them */
	d.cfg.g.asn = 64512;
	d.cfg.g.router_id = 0x0a000001u;
	ipaddr_from_v4(&d.cfg.g.nexthop, 0x0a000001u);
	d.ctl_env.cfg = &d.cfg;
	d.ctl_env.reload = reload_cb;
	d.ctl_env.ctx = &d;
	d.ctl = control_open(d.loop, sock_path, &d.ctl_env);
	FUZZ_CHECK(d.ctl != NULL);
	atexit(cleanup);
}

static struct bgp *speaker(void)
{
	struct bgp_hooks h = { .best_changed = best_changed };
	struct bgp_neighbor n = { .remote_as = 64512, .passive = true, .hold_time = 90,
				  .fam_mask = FAM_ALL };
	struct bgp *b = bgp_new(d.loop, &d.cfg.g, &h);

	FUZZ_CHECK(b != NULL);
	ipaddr_from_v4(&n.addr, 0x0a000002u);
	FUZZ_CHECK(bgp_neighbor_add(b, &n) == 0);
	return b;
}

/* Every reply line: one JSON object with a boolean "ok" (or a watch event with "event"). */
static void check_replies(char *out, size_t len)
{
	size_t start = 0;

	FUZZ_CHECK(len == 0 || out[len - 1] == '\n');
	while (start < len) {
		char *nl = memchr(out + start, '\n', len - start);
		struct json_object *o, *ok;
		FUZZ_CHECK(nl != NULL);
		*nl = '\0';
		o = json_tokener_parse(out + start);
		FUZZ_CHECK(o != NULL && json_object_is_type(o, json_type_object));
		if (!json_object_object_get_ex(o, "event", NULL))
			FUZZ_CHECK(json_object_object_get_ex(o, "ok", &ok) &&
				   json_object_is_type(ok, json_type_boolean));
		json_object_put(o);
		start = (size_t)(nl - out) + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t sent = 0, outlen = 0, outcap = 1 << 16;
	char *out = malloc(outcap);
	bool closed = false;
	int fd;

	if (!d.loop)
		setup();
	FUZZ_CHECK(out != NULL);
	d.bgp = d.ctl_env.bgp = speaker();
	strcpy(sa.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	if (size == 0)
		shutdown(fd, SHUT_WR);
	for (int round = 0; !closed; round++) {
		FUZZ_CHECK(round < ROUNDS_MAX);
		if (sent < size) {
			ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else
				FUZZ_CHECK(errno == EAGAIN || errno == EPIPE || errno == ECONNRESET);
			if (n < 0 && errno != EAGAIN)
				sent = size; /* the server gave up on us: stop writing */
			if (sent == size)
				shutdown(fd, SHUT_WR);
		}
		ev_run(d.loop, EVRUN_NOWAIT);
		for (;;) {
			if (outcap - outlen < 4096) {
				char *p = realloc(out, outcap * 2);
				FUZZ_CHECK(p != NULL);
				out = p;
				outcap *= 2;
			}
			ssize_t n = recv(fd, out + outlen, outcap - outlen, 0);
			if (n > 0) {
				outlen += (size_t)n;
				continue;
			}
			if (n == 0 || errno == ECONNRESET)
				closed = true;
			break;
		}
	}
	close(fd);
	ev_run(d.loop, EVRUN_NOWAIT); /* the reaper frees the closed client */
	check_replies(out, outlen);
	free(out);
	bgp_free(d.bgp);
	d.bgp = d.ctl_env.bgp = NULL;
	FUZZ_CHECK(attrs_interned_count() == 0);
	return 0;
}
