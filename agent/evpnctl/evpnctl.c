/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evpnctl: the operator's CLI for evpnd. Translates command words into one control request
 * (line-delimited JSON over the UNIX socket, see docs/control-protocol.md), prints the reply as
 * text tables or, with --json, as pretty JSON. Links json-c only, never the daemon's code.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "evpnctl.h"

#ifndef EVPND_VERSION
#define EVPND_VERSION "0.1.0"
#endif
#define DEFAULT_SOCKET "/run/evpnd/evpnd.sock"
#define CTL_EXIT_DRIFT 3 /* audit: the kernel and evpnd differ (1 stays "error", 2 "usage") */
#define REPLY_TIMEOUT 60 /* seconds without a byte from the daemon (not for watch) */

/* A reader of reply lines over the socket. */
struct conn {
	int fd;
	char *buf;
	size_t len, cap, start;
};

static int cli_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The next line (NUL-terminated, without its newline), or NULL at EOF (errno 0) or on error. */
static char *read_line(struct conn *c)
{
	for (;;) {
		char *nl = c->buf ? memchr(c->buf + c->start, '\n', c->len - c->start) : NULL;
		ssize_t n;

		if (nl) {
			char *line = c->buf + c->start;
			*nl = '\0';
			c->start = (size_t)(nl - c->buf) + 1;
			return line;
		}
		if (c->start) {
			memmove(c->buf, c->buf + c->start, c->len - c->start);
			c->len -= c->start;
			c->start = 0;
		}
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 1 << 17;
			char *p = realloc(c->buf, cap);
			if (!p) {
				errno = ENOMEM;
				return NULL;
			}
			c->buf = p;
			c->cap = cap;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				errno = ETIMEDOUT;
			return NULL;
		}
		if (n == 0) {
			errno = c->len ? EPROTO : 0;
			return NULL;
		}
		c->len += (size_t)n;
	}
}

static struct json_object *parse_line(const char *line)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	struct json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, line, (int)strlen(line));
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static void print_json(struct json_object *v)
{
	puts(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int usage_error(int argc, char **argv)
{
	cli_usage_line(stderr, argc, argv);
	return 2;
}

/* Read the reply; on success show it according to view. Returns the exit status. */
static int handle_reply(struct conn *c, const char *path, enum cli_view view, bool json)
{
	struct json_object *reply, *ok = NULL, *data = NULL, *err = NULL;
	char *line = read_line(c);
	int status = 0;

	if (!line) {
		if (errno == 0)
			fprintf(stderr, "evpnctl: %s closed the connection without a reply\n", path);
		else
			fprintf(stderr, "evpnctl: reading from %s: %s\n", path, strerror(errno));
		return 1;
	}
	reply = parse_line(line);
	if (!reply || !json_object_object_get_ex(reply, "ok", &ok)) {
		fprintf(stderr, "evpnctl: malformed reply from %s\n", path);
		json_object_put(reply);
		return 1;
	}
	if (!json_object_get_boolean(ok)) {
		json_object_object_get_ex(reply, "error", &err);
		fprintf(stderr, "evpnctl: %s\n", err ? json_object_get_string(err) : "unknown error");
		json_object_put(reply);
		return 1;
	}
	json_object_object_get_ex(reply, "data", &data);
	if (view == VIEW_WATCH || view == VIEW_MONITOR) {
		struct timeval none = { 0 };
		struct json_object *e = NULL;
		char epoch[64] = "";
		long long last = -1;

		if (json_object_object_get_ex(data, "epoch", &e))
			snprintf(epoch, sizeof epoch, "%s", json_object_get_string(e));
		json_object_put(reply);
		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
		/* events are printed as they come, one JSON object per line */
		while ((line = read_line(c))) {
			struct json_object *ev = parse_line(line), *k = NULL, *q = NULL;
			int w = view == VIEW_MONITOR && !json ? cli_print_event(stdout, line, ev)
							       : (puts(line) == EOF ? -1 : 0);
			/* where a resume would start: the last change or synced seen */
			if (json_object_object_get_ex(ev, "event", &k) && json_object_object_get_ex(ev, "seq", &q) &&
			    strcmp(json_object_get_string(k), "snapshot") && strcmp(json_object_get_string(k), "lagged"))
				last = json_object_get_int64(q);
			json_object_put(ev);
			if (w < 0 || fflush(stdout) == EOF)
				return 1;
		}
		if (errno) {
			fprintf(stderr, "evpnctl: reading from %s: %s\n", path, strerror(errno));
			status = 1;
		}
		if (last >= 0 && epoch[0])
			fprintf(stderr, "evpnctl: the watch ended; resume with: since %s:%lld\n", epoch, last);
		return status;
	}
	if (view == VIEW_GETKEY || view == VIEW_GETKEY_ALL) {
		if (json)
			print_json(data);
		else if (cli_print_key(stdout, data, view == VIEW_GETKEY_ALL) < 0) {
			fprintf(stderr, "evpnctl: no such key\n");
			status = 1;
		}
		json_object_put(reply);
		return status;
	}
	if (view == VIEW_AUDIT && cli_audit_count(data))
		status = CTL_EXIT_DRIFT;
	if (view == VIEW_MACS)
		cli_sort_macs(data); /* evpnd streams them in its tables' order */
	if (json)
		print_json(data);
	else if (view == VIEW_AUDIT)
		cli_print_audit(stdout, data);
	else if (view == VIEW_NEIGHBORS)
		cli_print_neighbors(stdout, data);
	else if (view == VIEW_ROUTES)
		cli_print_routes(stdout, data);
	else if (view == VIEW_VNIS)
		cli_print_vnis(stdout, data);
	else if (view == VIEW_VRFS)
		cli_print_vrfs(stdout, data);
	else if (view == VIEW_VRF_ROUTES)
		cli_print_vrf_routes(stdout, data);
	else if (view == VIEW_STATUS)
		cli_print_status(stdout, data);
	else if (view == VIEW_MACS)
		cli_print_macs(stdout, data);
	else if (view == VIEW_FDB)
		cli_print_fdb(stdout, data);
	else if (view == VIEW_METRICS)
		fputs(json_object_get_string(data), stdout);
	else if (view == VIEW_RELOADED) {
		struct json_object *m = NULL;
		json_object_object_get_ex(data, "applied", &m);
		printf("reloaded: %s\n", m ? json_object_get_string(m) : "");
	} else if (view == VIEW_CLEARED) {
		struct json_object *n = NULL;
		json_object_object_get_ex(data, "cleared", &n);
		printf("%d duplicate MAC(s) cleared\n", n ? json_object_get_int(n) : 0);
	}
	json_object_put(reply);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "evpnctl: writing output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	bool json = false, usage;
	enum cli_view view;
	struct json_object *req;
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT };
	struct conn c = { .fd = -1 };
	char **words;
	const char *text;
	int nwords = 0, i, status;

	words = calloc((size_t)argc + 1, sizeof *words);
	if (!words)
		return 1;
	/* options come before the command; --json/-j is also taken after it */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (nwords == 0 && (strcmp(a, "-s") == 0 || strcmp(a, "--socket") == 0)) {
			if (++i >= argc) {
				fprintf(stderr, "evpnctl: %s needs a socket path\n", a);
				free(words);
				return usage_error(0, NULL);
			}
			path = argv[i];
		} else if (nwords == 0 && strncmp(a, "--socket=", 9) == 0) {
			path = a + 9;
		} else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
			json = true;
		} else if (nwords == 0 && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			cli_help(stdout);
			free(words);
			return 0;
		} else if (nwords == 0 && (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0)) {
			printf("evpnctl %s\n", EVPND_VERSION);
			free(words);
			return 0;
		} else if (nwords == 0 && a[0] == '-' && a[1]) {
			fprintf(stderr, "evpnctl: unknown option \"%s\"\n", a);
			free(words);
			return usage_error(0, NULL);
		} else {
			words[nwords++] = argv[i];
		}
	}
	if (nwords == 1 && strcmp(words[0], "help") == 0) {
		cli_help(stdout);
		free(words);
		return 0;
	}
	/* "help COMMAND..." and "COMMAND... --help" (or -h after the command words) */
	for (i = 1; i < argc && nwords > 0; i++) {
		/* "help --help" is help's own help */
		bool at_help = strcmp(words[0], "help") == 0 && nwords > 1 && words[1][0] != '-';
		if (at_help || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(words[0], "help") == 0) {
			status = cli_command_help(stdout, nwords - at_help, words + at_help);
			if (status < 0) {
				fprintf(stderr, "evpnctl: no command \"%s\" (evpnctl --help lists them)\n",
					words[at_help]);
				status = 2;
			}
			free(words);
			return status;
		}
	}
	req = cli_request(nwords, words, &view, &usage);
	if (!req) {
		status = usage ? usage_error(nwords, words) : 1;
		free(words);
		return status;
	}
	free(words);

	c.fd = cli_connect(path);
	if (c.fd < 0) {
		fprintf(stderr, "evpnctl: cannot connect to %s: %s\n", path, strerror(errno));
		json_object_put(req);
		return 1;
	}
	/* a forced read of the whole kernel FDB sends nothing until it is done: minutes at a million
	 * MACs (evpnd serves everyone else meanwhile) */
	if (!json_object_object_get_ex(req, "force", NULL))
		setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (send_all(c.fd, text, strlen(text)) < 0 || send_all(c.fd, "\n", 1) < 0) {
		int err = errno;
		/* evpnd turned the connection away before reading (too many clients, permission): its
		 * one-line reason is waiting to be read */
		if (err == EPIPE || err == ECONNRESET) {
			status = handle_reply(&c, path, view, json);
		} else {
			fprintf(stderr, "evpnctl: writing to %s: %s\n", path, strerror(err));
			status = 1;
		}
	} else {
		status = handle_reply(&c, path, view, json);
	}
	json_object_put(req);
	close(c.fd);
	free(c.buf);
	return status;
}
