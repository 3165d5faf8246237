/* evpnd: arguments, configuration, the libev loop and signals around the BGP speaker. */
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "glue.h"
#include "log.h"

#define DEFAULT_CONFIG "/etc/evpnd/evpnd.conf"
/* The event socket's receive buffer: a burst of 100k FDB changes must not overflow it. */
#define NL_RCVBUF (64u << 20)

enum { OPT_CHECK_CONFIG = 256 };

static const struct option long_opts[] = {
	{"config", required_argument, NULL, 'f'},
	{"debug", no_argument, NULL, 'd'},
	{"socket", required_argument, NULL, 's'},
	{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: evpnd [-f FILE] [-d] [-s SOCKET]\n"
		"       evpnd --check-config [-f FILE]\n"
		"EVPN-VXLAN tunnel-endpoint agent: a BGP speaker for the EVPN and opaque families.\n"
		"Runs in the foreground and logs to stderr.\n"
		"\n"
		"  -f, --config FILE    configuration file (default " DEFAULT_CONFIG ")\n"
		"  -d, --debug          also log debug messages\n"
		"  -s, --socket SOCKET  control socket path (overrides control-socket in the file;\n"
		"                       default " CFG_DEFAULT_SOCKET ")\n"
		"      --check-config   check the configuration file, print \"FILE: ok\" or the error,\n"
		"                       and exit 0 or 1\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"
		"\n"
		"Signals: SIGTERM and SIGINT stop the daemon (a Cease to every neighbor), exit status 0.\n"
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
	if (d->glue)
		glue_best_changed(d->glue, fam, nlri, len, a, src);
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
	if (d->glue)
		d->glue->stopping = true; /* the kernel FDB stays as it is for the next start */
	bgp_stop(d->bgp);
	if (d->ctl) {
		control_close(d->ctl);
		d->ctl = NULL;
	}
	ev_break(loop, EVBREAK_ALL);
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
static int start_kernel(struct daemon *d, struct glue *g)
{
	if (glue_init(g, &d->cfg, d->loop, d->bgp)) {
		log_msg(LOG_ERR, "cannot set up the VNI table: out of memory");
		return -1;
	}
	d->glue = g;
	if (glue_start(g, NL_RCVBUF)) {
		int e = errno;
		log_msg(LOG_ERR, "cannot use rtnetlink (the bridge FDB and VXLAN devices): %s%s",
			strerror(e), e == EPERM || e == EACCES ? " (evpnd needs CAP_NET_ADMIN)" : "");
		return -1;
	}
	return 0;
}

static int run(const char *path, const char *sock)
{
	struct daemon d;
	struct glue glue;
	char err[512], rid[IPADDR_STRLEN];
	struct ipaddr rid_a;
	ev_signal sig_term, sig_int;
	int rc = 1;

	memset(&d, 0, sizeof d);
	if (config_load(path, &d.cfg, err, sizeof err)) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	if (sock)
		snprintf(d.cfg.control_socket, sizeof d.cfg.control_socket, "%s", sock);
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
	/* the speaker exists before the kernel dump (local MACs become routes), and starts after it */
	if (create_speaker(&d) || start_kernel(&d, &glue) || start_speaker(&d))
		goto out;
	d.ctl = control_open(d.loop, d.cfg.control_socket, &d);
	if (!d.ctl) {
		log_msg(LOG_ERR, "cannot open control socket %s: %s", d.cfg.control_socket, strerror(errno));
		goto out;
	}
	log_msg(LOG_INFO, "control socket %s", d.cfg.control_socket);

	ev_run(d.loop, 0);
	log_msg(LOG_NOTICE, "stopped");
	rc = 0;
out:
	if (d.loop) {
		ev_signal_stop(d.loop, &sig_term);
		ev_signal_stop(d.loop, &sig_int);
	}
	if (d.ctl)
		control_close(d.ctl);
	if (d.glue) {
		glue_stop(d.glue);
		d.glue = NULL;
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

	while ((c = getopt_long(argc, argv, "f:ds:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'd':
			debug = true;
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
