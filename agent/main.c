/* SPDX-License-Identifier: Apache-2.0 */
/* evpnd: arguments, configuration, the libev loop and signals around the BGP speaker. */
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "engine.h"
#include "log.h"
#include "metrics_http.h"
#include "privs.h"
#include "reload.h"
#include "sd_notify.h"

#define DEFAULT_CONFIG "/etc/evpnd/evpnd.conf"
/* The event socket's receive buffer: a burst of 100k FDB changes must not overflow it. */
#define NL_RCVBUF (64u << 20)

enum { OPT_CHECK_CONFIG = 256, OPT_LOG };

/* -l / --log: the command line wins over the file's log-level / log (-1: the file decides) */
static int opt_log_level = -1, opt_log_target = -1;

static const struct option long_opts[] = {
	{"config", required_argument, NULL, 'f'},
	{"debug", no_argument, NULL, 'd'},
	{"socket", required_argument, NULL, 's'},
	{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	{"log-level", required_argument, NULL, 'l'},
	{"log", required_argument, NULL, OPT_LOG},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: evpnd [-f FILE] [-d | -l LEVEL] [--log TARGET] [-s SOCKET]\n"
		"       evpnd --check-config [-f FILE]\n"
		"EVPN-VXLAN tunnel-endpoint agent: a BGP speaker for the EVPN and opaque families.\n"
		"Runs in the foreground and logs to stderr (or syslog: log = syslog).\n"
		"\n"
		"  -f, --config FILE    configuration file (default " DEFAULT_CONFIG ")\n"
		"  -d, --debug          also log debug messages (same as -l debug)\n"
		"  -l, --log-level LEVEL  debug, info, notice, warning or err (overrides log-level)\n"
		"      --log TARGET     stderr or syslog (overrides log in the file)\n"
		"  -s, --socket SOCKET  control socket path (overrides control-socket in the file;\n"
		"                       default " CFG_DEFAULT_SOCKET ")\n"
		"      --check-config   check the configuration file, print \"FILE: ok\" or the error,\n"
		"                       and exit 0 or 1\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"
		"\n"
		"Signals: SIGTERM and SIGINT stop the daemon, exit status 0: the kernel FDB stays, and\n"
		"neighbors that negotiated graceful restart keep our routes until we are back (the\n"
		"others get a Cease); SIGKILL leaves the same state behind.\n"
		"SIGHUP reloads the configuration file (a bad one is rejected, the running one stays).\n"
		"Exit status: 0 after a clean stop, 1 on configuration or start-up errors, 2 on bad usage.\n");
}

/* "*:179", "10.0.0.1:179" or "[::1]:179", for messages. */
static const char *listen_str(const struct bgp_global *g, char *buf, size_t cap)
{
	char a[IPADDR_STRLEN];
	if (!g->listen_addr.af)
		snprintf(buf, cap, "*:%u", g->listen_port);
	else if (g->listen_addr.af == AF_INET6)
		snprintf(buf, cap, "[%s]:%u", ipaddr_str(&g->listen_addr, a), g->listen_port);
	else
		snprintf(buf, cap, "%s:%u", ipaddr_str(&g->listen_addr, a), g->listen_port);
	return buf;
}

static void on_best_changed(void *ctx, int fam, const uint8_t *nlri, size_t len, const struct attrs *a,
			    const struct ipaddr *src)
{
	struct daemon *d = ctx;
	if (d->engine)
		engine_best_changed(d->engine, fam, nlri, len, a, src);
	if (d->ctl)
		control_notify(d->ctl, fam, nlri, len, a, src);
}

static void on_peer_state(void *ctx, const struct ipaddr *peer, bool up)
{
	char a[IPADDR_STRLEN];
	(void)ctx;
	log_msg(LOG_NOTICE, "neighbor %s %s", ipaddr_str(peer, a), up ? "up" : "down");
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	(void)revents;
	log_msg(LOG_NOTICE, "received %s, stopping", w->signum == SIGINT ? "SIGINT" : "SIGTERM");
	sd_notify_send("STOPPING=1");
	if (d->engine)
		engine_stopping(d->engine); /* the kernel FDB stays as it is for the next start */
	bgp_stop(d->bgp);
	if (d->ctl) {
		control_close(d->ctl);
		d->ctl = NULL;
	}
	ev_break(loop, EVBREAK_ALL);
}

/* SIGHUP: read the configuration again; a bad one is logged and changes nothing (reload.h). */
static void on_hup(struct ev_loop *loop, ev_signal *w, int revents)
{
	char msg[1024];
	(void)loop;
	(void)revents;
	log_msg(LOG_NOTICE, "received SIGHUP, reloading the configuration");
	reload_config(w->data, msg, sizeof msg); /* logs what it did or why not */
}

/* `evpnctl reload`: as SIGHUP (control.h's reload hook). */
static int reload_cb(void *ctx, char *msg, size_t msglen)
{
	return reload_config(ctx, msg, msglen);
}

/* Everything that needs more than CAP_NET_ADMIN is open: keep only that (and the user asked
 * for). -1 (logged) on failure: never run with more than intended. */
static int drop_privileges(struct daemon *d)
{
	struct privs_req r = {
		.set_user = d->cfg.has_user,
		.uid = d->cfg.uid,
		.gid = d->cfg.gid,
		/* a reload may add no listener, so this is for as long as the daemon runs */
		.bind_service = d->cfg.g.listen_port && d->cfg.g.listen_port < 1024,
	};
	char err[160];

	if (privs_drop(&r, err, sizeof err) < 0) {
		log_msg(LOG_ERR, "cannot drop privileges%s%s: %s", d->cfg.has_user ? " to user " : "",
			d->cfg.has_user ? d->cfg.user : "", err);
		return -1;
	}
	log_msg(LOG_INFO, "privileges: uid %u, capabilities kept: %s%s", (unsigned)geteuid(),
		(privs_effective() >> CAP_NET_ADMIN) & 1 ? "net_admin" : "none",
		(privs_effective() >> CAP_NET_BIND_SERVICE) & 1 ? ", net_bind_service" : "");
	return 0;
}

static int check_config(const char *path)
{
	struct config cfg;
	char err[512];
	if (config_load(path, &cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	config_free(&cfg);
	printf("%s: ok\n", path);
	return 0;
}

/* Build the speaker from the configuration; -1 (logged) on failure. */
static int create_speaker(struct daemon *d)
{
	static const struct bgp_hooks hooks_tmpl = {on_best_changed, on_peer_state, NULL};
	struct bgp_hooks hooks = hooks_tmpl;

	hooks.ctx = d;
	d->bgp = bgp_new(d->loop, &d->cfg.g, &hooks);
	if (!d->bgp) {
		log_msg(LOG_ERR, "cannot create the BGP speaker: out of memory");
		return -1;
	}
	return 0;
}

/* Add the neighbors and start the speaker; -1 (logged) on failure. */
static int start_speaker(struct daemon *d)
{
	char buf[IPADDR_STRLEN + 10];

	for (unsigned i = 0; i < d->cfg.nnbr; i++) {
		if (bgp_neighbor_add(d->bgp, &d->cfg.nbr[i].n)) {
			/* config_load refuses duplicates, so this is the speaker's own limit */
			log_msg(LOG_ERR, "%s:%d: cannot add neighbor %s", d->cfg.path, d->cfg.nbr[i].line,
				ipaddr_str(&d->cfg.nbr[i].n.addr, buf));
			return -1;
		}
	}
	if (bgp_start(d->bgp)) {
		int e = errno;
		if (d->cfg.g.listen_port)
			log_msg(LOG_ERR, "cannot listen on %s: %s", listen_str(&d->cfg.g, buf, sizeof buf),
				strerror(e));
		else
			log_msg(LOG_ERR, "cannot start the BGP speaker: %s", strerror(e));
		return -1;
	}
	if (!d->cfg.g.listen_port) /* the speaker logs where it listens */
		log_msg(LOG_INFO, "not listening for BGP (listen = none)");
	return 0;
}

/* Netlink: required (evpnd exists to program the kernel FDB). -1 (logged) on failure. */
static int start_kernel(struct daemon *d, struct engine *e)
{
	if (engine_init(e, &d->cfg, d->loop, d->bgp)) {
		log_msg(LOG_ERR, "cannot set up the VNI table: out of memory");
		return -1;
	}
	d->engine = e;
	if (engine_start(e, NL_RCVBUF)) {
		int err = errno;
		log_msg(LOG_ERR, "cannot use rtnetlink (the bridge FDB and VXLAN devices): %s%s",
			strerror(err), err == EPERM || err == EACCES ? " (evpnd needs CAP_NET_ADMIN)" : "");
		return -1;
	}
	return 0;
}

/* [global] metrics-listen: loopback only unless metrics-allow-remote. -1 (logged) on failure. */
static int start_metrics(struct daemon *d)
{
	const struct ipaddr *a = &d->cfg.metrics_addr;
	static const uint8_t v6lo[16] = { [15] = 1 };
	char s[IPADDR_STRLEN];
	bool loopback = a->af == AF_INET ? a->a[0] == 127 : !memcmp(a->a, v6lo, 16);

	if (!a->af)
		return 0;
	ipaddr_str(a, s);
	if (!loopback && !d->cfg.metrics_allow_remote) {
		log_msg(LOG_ERR, "%s: metrics-listen %s is not a loopback address: set "
			"metrics-allow-remote = yes to serve metrics beyond this host", d->cfg.path, s);
		return -1;
	}
	d->metrics = metrics_http_start(d->loop, &d->metrics_src, a, d->cfg.metrics_port);
	if (!d->metrics) {
		log_msg(LOG_ERR, "cannot serve metrics on %s port %u: %s", s, d->cfg.metrics_port,
			strerror(errno));
		return -1;
	}
	log_msg(LOG_INFO, "metrics on http://%s%s%s:%u/metrics", a->af == AF_INET6 ? "[" : "", s,
		a->af == AF_INET6 ? "]" : "", d->cfg.metrics_port);
	return 0;
}

static int run(const char *path, const char *sock)
{
	struct daemon d;
	struct engine engine;
	char err[512], rid[IPADDR_STRLEN];
	struct ipaddr rid_a;
	ev_signal sig_term, sig_int, sig_hup;
	int rc = 1;

	memset(&d, 0, sizeof d);
	if (config_load(path, &d.cfg, err, sizeof err)) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	if (sock)
		snprintf(d.cfg.control_socket, sizeof d.cfg.control_socket, "%s", sock);
	log_set_target(opt_log_target >= 0 ? opt_log_target : d.cfg.log_target);
	if (opt_log_level >= 0 || d.cfg.log_level_set)
		log_set_level(opt_log_level >= 0 ? opt_log_level : d.cfg.log_level);
	ipaddr_from_v4(&rid_a, d.cfg.g.router_id);
	log_msg(LOG_NOTICE, "evpnd " EVPND_VERSION " starting: AS %u router-id %s, %u neighbor%s",
		d.cfg.g.asn, ipaddr_str(&rid_a, rid), d.cfg.nnbr, d.cfg.nnbr == 1 ? "" : "s");

	signal(SIGPIPE, SIG_IGN); /* a vanished peer or CLI client is an EPIPE, not a death */
	d.loop = ev_default_loop(EVFLAG_AUTO);
	if (!d.loop) {
		log_msg(LOG_ERR, "cannot create the event loop (libev)");
		goto out;
	}
	/* From here a SIGTERM waits for the loop instead of killing a half-started daemon. */
	ev_signal_init(&sig_term, on_signal, SIGTERM);
	ev_signal_init(&sig_int, on_signal, SIGINT);
	sig_term.data = sig_int.data = &d;
	ev_signal_start(d.loop, &sig_term);
	ev_signal_start(d.loop, &sig_int);
	ev_signal_init(&sig_hup, on_hup, SIGHUP);
	sig_hup.data = &d;
	ev_signal_start(d.loop, &sig_hup);
	d.sock_arg = sock;
	d.log_level_arg = opt_log_level >= 0;
	/* the speaker exists before the kernel dump starts (local MACs become routes); the dump runs
	 * in the background, so the listener and the control socket open at once */
	if (create_speaker(&d) || start_kernel(&d, &engine) || start_speaker(&d))
		goto out;
	engine_peers_ready(d.engine);
	d.metrics_src.bgp = d.bgp;
	d.metrics_src.engine = d.engine;
	d.ctl_env.bgp = d.bgp;
	d.ctl_env.engine = d.engine;
	d.ctl_env.cfg = &d.cfg;
	d.ctl_env.reload = reload_cb;
	d.ctl_env.ctx = &d;
	d.ctl = control_open(d.loop, d.cfg.control_socket, &d.ctl_env);
	if (!d.ctl) {
		log_msg(LOG_ERR, "cannot open control socket %s: %s", d.cfg.control_socket, strerror(errno));
		goto out;
	}
	log_msg(LOG_INFO, "control socket %s", d.cfg.control_socket);
	if (start_metrics(&d))
		goto out;
	if (drop_privileges(&d))
		goto out;
	if (sd_notify_send("READY=1\nSTATUS=running")) /* systemd Type=notify: listening; adoption may still run */
		log_msg(LOG_WARNING, "cannot notify systemd ($NOTIFY_SOCKET): %s", strerror(errno));

	ev_run(d.loop, 0);
	log_msg(LOG_NOTICE, "stopped");
	rc = 0;
out:
	if (d.loop) {
		ev_signal_stop(d.loop, &sig_term);
		ev_signal_stop(d.loop, &sig_int);
		ev_signal_stop(d.loop, &sig_hup);
		reload_free(&d);
	}
	metrics_http_stop(d.metrics);
	if (d.ctl)
		control_close(d.ctl);
	if (d.engine) {
		engine_stop(d.engine);
		d.engine = NULL;
	}
	if (d.bgp)
		bgp_free(d.bgp);
	config_free(&d.cfg);
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONFIG, *sock = NULL;
	bool debug = false, check = false;
	int c;

	while ((c = getopt_long(argc, argv, "f:dl:s:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'd':
			debug = true;
			opt_log_level = LOG_DEBUG;
			break;
		case 'l':
			opt_log_level = log_level_parse(optarg);
			if (opt_log_level < 0) {
				fprintf(stderr, "evpnd: -l: \"%s\" is not a log level (debug, info, notice, "
					"warning, err)\n", optarg);
				return 2;
			}
			break;
		case OPT_LOG:
			opt_log_target = log_target_parse(optarg);
			if (opt_log_target < 0) {
				fprintf(stderr, "evpnd: --log: \"%s\" is not stderr or syslog\n", optarg);
				return 2;
			}
			break;
		case 's':
			if (!*optarg || strlen(optarg) >= sizeof ((struct config *)0)->control_socket) {
				fprintf(stderr, "evpnd: -s: socket path must be 1-107 characters\n");
				return 2;
			}
			sock = optarg;
			break;
		case OPT_CHECK_CONFIG:
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("evpnd " EVPND_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "evpnd: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (check)
		return check_config(path);
	log_init(debug);
	return run(path, sock);
}
