/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket's transport: a UNIX stream listener, one non-blocking client per connection
 * with its own input buffer (one request line of at most CTL_REQ_MAX bytes) and output buffer, and
 * the watch subscriptions. A client is never freed inside a callback that may still use it: a dead
 * client is closed at once and freed by the reaper (an ev_check) at the end of the loop iteration.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <ev.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "control_admit.h"
#include "control_int.h"
#include "bgp.h"
#include "config.h"
#include "engine.h"
#include "ephemeral.h"
#include "family.h"
#include "log.h"
#include "opaque.h"
#include "route_json.h"
#include "route_req.h"

#define CTL_REQ_MAX 65536              /* bytes of one request line, newline excluded */
#define CTL_PAUSE_OUT (1u << 20)       /* pending output beyond which requests are not read */
#define CTL_ACCEPT_BURST 32
#define CTL_TICK 5.0                   /* seconds between idle checks (and refusal log lines) */
/* After a fatal error reply, unread input would turn close() into a RST that destroys the reply
 * in the peer's buffer; so shut our side and discard input for a while first (a 10 MB request
 * must still read its "request too long"). */
#define CTL_LINGER_SECS 2.0
#define CTL_LINGER_BYTES (64u << 20)

struct ctl_client {
	struct control *c;
	struct ctl_client *next;
	int fd;
	ev_io rio, wio;
	char *in;
	size_t inlen, incap;
	char *out;
	size_t outoff, outlen, outcap;
	uint32_t uid;                  /* the peer's (UINT32_MAX: unknown) */
	ev_tstamp active;              /* when it last sent something */
	bool watching;                 /* its stream is a watch (watch.c) ... */
	uint32_t watch_fams;           /* ... of these families (FAM_BIT): others do not wake it */
	bool dead;                     /* closed; freed by the reaper */
	bool closing;                  /* close once the output is written */
	bool eof;                      /* the peer shut down its side */
	bool draining;                 /* reply sent and our side shut: discarding input until EOF */
	size_t discarded;
	ev_timer linger;               /* bounds the draining */
	/* a reply still being produced (ctl_stream) */
	bool (*more)(struct ctl_client *cl, void *state);
	void (*more_done)(void *state);
	void *more_state;
	bool paused;                   /* the stream waits for ctl_stream_resume */
};

struct control {
	struct ev_loop *loop;
	const struct control_env *env;
	int fd;
	ev_io lio;
	ev_timer retry;                /* re-arms accept after running out of descriptors */
	ev_check reaper;
	ev_timer tick;                 /* idle clients, refusal counts */
	struct ctl_client *clients;
	unsigned nclients;
	struct watch_hub *hub;
	struct eph *eph;               /* ephemeral keys and their connections */
	bool stopping;                 /* control_close: nothing is withdrawn any more */
	struct ctl_refusals refusals;  /* logged at most once per CTL_REFUSED_LOG_SECS */
	bool has_group;                /* [global] control-group: its members may connect */
	uint32_t gid;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void client_process(struct ctl_client *cl);

const struct control_env *ctl_env(struct ctl_client *cl)
{
	return cl->c->env;
}

struct watch_hub *ctl_hub(struct ctl_client *cl)
{
	return cl->c->hub;
}

/* What a stream may queue for its client before waiting for it to read. */
static size_t stream_low(const struct control *c)
{
	return c->env && c->env->cfg ? c->env->cfg->ctl_client_buffer : 256u << 10;
}

int ctl_installed(const struct control_env *env, int fam, const uint8_t *nlri, size_t len,
		  const struct attrs *a, bool remote, bool best)
{
	if (!remote || fam != FAM_EVPN || !env || !env->engine)
		return -1;
	return best && a && engine_route_installed(env->engine, nlri, len, a);
}

static size_t pending(const struct ctl_client *cl)
{
	return cl->outlen - cl->outoff;
}

/* An ephemeral key of a closed connection: withdrawn (key-only NLRI: the RIB keys opaque routes
 * by key). */
static void eph_withdraw(void *ctx, const void *key, size_t len)
{
	struct control *c = ctx;
	uint8_t nlri[ORIG_OPAQUE_MAX + 2];
	struct wbuf w;

	wbuf_init(&w, nlri, sizeof nlri);
	if (opaque_encode(&w, key, len, NULL, 0) < 0 || w.err)
		return;
	bgp_local_del(c->env->bgp, FAM_OPAQUE, nlri, w.len);
}

/* Close the client now; its memory goes at the end of the loop iteration. */
static void client_kill(struct ctl_client *cl)
{
	size_t n;

	if (cl->dead)
		return;
	n = eph_drop(cl->c->eph, cl, cl->c->env && cl->c->env->bgp && !cl->c->stopping ? eph_withdraw : NULL,
		     cl->c);
	if (n)
		log_msg(LOG_INFO, "control: a client closed: %zu ephemeral key%s withdrawn", n, n == 1 ? "" : "s");
	ev_io_stop(cl->c->loop, &cl->rio);
	ev_io_stop(cl->c->loop, &cl->wio);
	ev_timer_stop(cl->c->loop, &cl->linger);
	close(cl->fd);
	cl->fd = -1;
	cl->dead = true;
	cl->c->nclients--;
	ev_check_start(cl->c->loop, &cl->c->reaper);
}

static void stream_end(struct ctl_client *cl)
{
	if (cl->more_done)
		cl->more_done(cl->more_state);
	cl->more = NULL;
	cl->more_done = NULL;
	cl->more_state = NULL;
	cl->paused = false;
}

/* Let a streamed reply produce while little waits for the client: a few steps at most, so that a
 * filter matching nothing in a large table does not hold the loop either. */
static void stream_pump(struct ctl_client *cl)
{
	for (int i = 0; i < 8 && cl->more && !cl->paused && !cl->dead && pending(cl) < stream_low(cl->c); i++)
		if (cl->more(cl, cl->more_state))
			stream_end(cl);
}

void ctl_stream(struct ctl_client *cl, bool (*more)(struct ctl_client *cl, void *state),
		void (*done)(void *state), void *state)
{
	cl->more = more;
	cl->more_done = done;
	cl->more_state = state;
	stream_pump(cl);
	if (cl->more && !cl->dead)
		ev_io_start(cl->c->loop, &cl->wio); /* the rest as the client reads */
}

void ctl_stream_pause(struct ctl_client *cl)
{
	cl->paused = true;
}

void ctl_stream_resume(struct ctl_client *cl)
{
	if (!cl->more || cl->dead)
		return;
	cl->paused = false;
	ev_io_start(cl->c->loop, &cl->wio); /* its next part from the loop */
}

static void client_free(struct ctl_client *cl)
{
	stream_end(cl);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static void reap_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct control *c = w->data;
	struct ctl_client **pp = &c->clients;

	while (*pp) {
		struct ctl_client *cl = *pp;
		if (cl->dead) {
			*pp = cl->next;
			client_free(cl);
		} else {
			pp = &cl->next;
		}
	}
	ev_check_stop(loop, w);
}

int ctl_out(struct ctl_client *cl, const char *s, size_t n)
{
	if (cl->dead)
		return -1;
	if (cl->outoff && cl->outoff == cl->outlen)
		cl->outoff = cl->outlen = 0;
	if (n > cl->outcap - cl->outlen) {
		size_t need = cl->outlen + n;
		size_t cap = cl->outcap ? cl->outcap : 4096;
		char *p;
		while (cap < need)
			cap *= 2;
		p = realloc(cl->out, cap);
		if (!p) {
			log_msg(LOG_ERR, "control: out of memory for a client's reply; closing it");
			client_kill(cl);
			return -1;
		}
		cl->out = p;
		cl->outcap = cap;
	}
	memcpy(cl->out + cl->outlen, s, n);
	cl->outlen += n;
	ev_io_start(cl->c->loop, &cl->wio);
	return 0;
}

void ctl_reply_ok(struct ctl_client *cl, struct json_object *data)
{
	const char *s = json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	static const char head[] = "{\"ok\":true,\"data\":";

	if (ctl_out(cl, head, sizeof head - 1) == 0 && ctl_out(cl, s, strlen(s)) == 0)
		ctl_out(cl, "}\n", 2);
	json_object_put(data);
}

void ctl_reply_err(struct ctl_client *cl, const char *msg)
{
	struct json_object *o = json_object_new_object();
	const char *s;

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (ctl_out(cl, s, strlen(s)) == 0)
		ctl_out(cl, "\n", 1);
	json_object_put(o);
}

void ctl_watching(struct ctl_client *cl, uint32_t fams)
{
	cl->watching = true;
	cl->watch_fams = fams;
	ev_io_start(cl->c->loop, &cl->rio); /* to see it close; what it sends is dropped */
}

int ctl_key_owner(struct ctl_client *cl, const void *key, size_t len, bool ephemeral)
{
	return eph_set(cl->c->eph, key, len, ephemeral ? cl : NULL);
}

/* An error reply, then close once it is written: for garbage on the connection. */
static void client_fail(struct ctl_client *cl, const char *msg)
{
	ctl_reply_err(cl, msg);
	cl->closing = true;
	ev_io_stop(cl->c->loop, &cl->rio);
}

static void handle_line(struct ctl_client *cl, char *line, size_t len)
{
	struct json_tokener *tok;
	struct json_object *req;
	enum json_tokener_error jerr;
	size_t end;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	tok = json_tokener_new();
	if (!tok) {
		client_fail(cl, "out of memory");
		return;
	}
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!req || jerr != json_tokener_success || end != len) {
		char msg[128];
		snprintf(msg, sizeof msg, "bad request: not one JSON value (%s)",
			 jerr == json_tokener_success ? "trailing characters"
			 : jerr == json_tokener_continue ? "unexpected end of line"
			 : json_tokener_error_desc(jerr));
		json_object_put(req);
		client_fail(cl, msg);
		return;
	}
	if (!json_object_is_type(req, json_type_object))
		ctl_reply_err(cl, "bad request: not a JSON object");
	else
		ctl_dispatch(cl, req);
	json_object_put(req);
}

/* Run every complete request in the input buffer, unless the client's output is backed up. */
static void client_process(struct ctl_client *cl)
{
	size_t start = 0;

	while (!cl->dead && !cl->closing && !cl->more && pending(cl) < CTL_PAUSE_OUT) {
		char *nl = memchr(cl->in + start, '\n', cl->inlen - start);
		if (!nl)
			break;
		*nl = '\0';
		handle_line(cl, cl->in + start, (size_t)(nl - (cl->in + start)));
		start = (size_t)(nl - cl->in) + 1;
	}
	if (cl->dead)
		return;
	memmove(cl->in, cl->in + start, cl->inlen - start);
	cl->inlen -= start;
	if (cl->closing)
		return;
	if (cl->watching)
		return;
	if (pending(cl) >= CTL_PAUSE_OUT || cl->more) {
		ev_io_stop(cl->c->loop, &cl->rio); /* resumed by write_cb once drained */
		return;
	}
	/* every complete line has been run: what is left is a line still arriving */
	if (cl->inlen > CTL_REQ_MAX) {
		client_fail(cl, "request too long (at most 65536 bytes)");
	} else if (cl->eof) {
		/* the peer half-closed: answer what it sent, then close */
		cl->closing = true;
		if (pending(cl) == 0)
			client_kill(cl);
	} else {
		ev_io_start(cl->c->loop, &cl->rio);
	}
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;
	ssize_t n;

	if (cl->draining || cl->watching) {
		char sink[16384];
		n = read(cl->fd, sink, sizeof sink);
		if (cl->watching) {
			/* a watcher's close ends its watch (and frees its slot) at once */
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
				client_kill(cl);
			return;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		cl->discarded += n > 0 ? (size_t)n : 0;
		if (n <= 0 || cl->discarded > CTL_LINGER_BYTES)
			client_kill(cl);
		return;
	}
	if (cl->inlen == CTL_REQ_MAX + 1) {
		client_process(cl); /* a full buffer: never read 0 bytes and take it for EOF */
		return;
	}
	if (cl->incap - cl->inlen < 4096 && cl->incap < CTL_REQ_MAX + 1) {
		size_t cap = cl->incap ? cl->incap * 2 : 4096;
		char *p;
		if (cap > CTL_REQ_MAX + 1)
			cap = CTL_REQ_MAX + 1;
		p = realloc(cl->in, cap);
		if (!p) {
			client_kill(cl);
			return;
		}
		cl->in = p;
		cl->incap = cap;
	}
	n = read(cl->fd, cl->in + cl->inlen, cl->incap - cl->inlen);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			client_kill(cl);
		return;
	}
	if (n == 0) {
		ev_io_stop(loop, w);
		cl->eof = true;
	}
	cl->active = ev_now(loop);
	cl->inlen += (size_t)n;
	client_process(cl);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;

	/* a streamed reply: a few pumps per turn of the loop; the watcher stays on for the rest */
	for (int pumps = 0;;) {
		ssize_t n;
		if (cl->more && !cl->paused && pending(cl) < stream_low(cl->c)) {
			if (pumps++ == 4)
				return;
			stream_pump(cl);
			if (cl->dead)
				return;
		}
		if (!pending(cl)) {
			if (cl->more && !cl->paused)
				continue;
			break;
		}
		n = send(cl->fd, cl->out + cl->outoff, pending(cl), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				client_kill(cl);
			return;
		}
		cl->outoff += (size_t)n;
	}
	ev_io_stop(loop, w);
	cl->outoff = cl->outlen = 0;
	if (cl->outcap > CTL_PAUSE_OUT) {
		/* a big reply was sent: give its memory back */
		free(cl->out);
		cl->out = NULL;
		cl->outcap = 0;
	}
	if (cl->closing) {
		if (cl->eof || shutdown(cl->fd, SHUT_WR) < 0) {
			client_kill(cl);
			return;
		}
		cl->draining = true;
		ev_io_start(loop, &cl->rio);
		ev_timer_start(loop, &cl->linger);
		return;
	}
	client_process(cl);
}

static void linger_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	client_kill(w->data);
}

/* How many clients of uid are connected. */
static unsigned clients_of(const struct control *c, uint32_t uid)
{
	unsigned n = 0;

	for (const struct ctl_client *cl = c->clients; cl; cl = cl->next)
		n += !cl->dead && cl->uid == uid;
	return n;
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control *c = w->data;

	for (int i = 0; i < CTL_ACCEPT_BURST; i++) {
		struct ctl_client *cl;
		char who[96], why[160];
		const char *no;
		uint32_t uid;
		bool allowed;
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* level-triggered accept would spin: pause for a second */
				log_msg(LOG_WARNING, "control: accept: %s; pausing for 1 s", strerror(errno));
				ev_io_stop(loop, &c->lio);
				ev_timer_start(loop, &c->retry);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				log_msg(LOG_WARNING, "control: accept: %s", strerror(errno));
			}
			return;
		}
		allowed = ctl_peer_allowed(fd, c->has_group, c->gid, &uid, who, sizeof who);
		/* a client turned away for its credentials takes a slot while its input drains: it is
		 * admitted to that as anyone else is, so a flood of them cannot take root's slots */
		no = ctl_admit(c->nclients, clients_of(c, uid), uid,
			       c->env && c->env->cfg ? c->env->cfg->ctl_max_clients : 128,
			       c->env && c->env->cfg ? c->env->cfg->ctl_max_per_user : 32, why, sizeof why);
		if (no && !allowed)
			no = "permission denied: root or the control-group only";
		if (no) {
			/* one line, then closed: nothing of ours to drain for */
			char line[256];
			int n = snprintf(line, sizeof line, "{\"ok\":false,\"error\":\"%s\"}\n", no);
			ssize_t r = send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)r;
			close(fd);
			ctl_refused(&c->refusals, ev_now(loop), who, no);
			continue;
		}
		cl = calloc(1, sizeof *cl);
		if (!cl) {
			close(fd);
			continue;
		}
		cl->c = c;
		cl->fd = fd;
		cl->uid = uid;
		cl->active = ev_now(loop);
		ev_io_init(&cl->rio, read_cb, fd, EV_READ);
		ev_io_init(&cl->wio, write_cb, fd, EV_WRITE);
		ev_timer_init(&cl->linger, linger_cb, CTL_LINGER_SECS, 0.0);
		cl->rio.data = cl->wio.data = cl->linger.data = cl;
		cl->next = c->clients;
		c->clients = cl;
		c->nclients++;
		ev_io_start(loop, &cl->rio);
		if (!allowed) {
			/* told why, then closed the way a garbage request is (its input drained) */
			ctl_refused(&c->refusals, ev_now(loop), who, "not root nor in the control-group");
			client_fail(cl, "permission denied: root or the control-group only");
		}
	}
}

/* Every CTL_TICK: close the clients idle past control-idle-timeout (a watcher, a holder of
 * ephemeral keys, or a client waiting for a reply is not idle), and log the refusals not yet told. */
static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct control *c = w->data;
	uint32_t idle = c->env && c->env->cfg ? c->env->cfg->ctl_idle_timeout : 300;
	ev_tstamp now = ev_now(loop);
	unsigned closed = 0;

	(void)revents;
	ctl_refused_flush(&c->refusals, now);
	if (!idle)
		return;
	for (struct ctl_client *cl = c->clients; cl; cl = cl->next) {
		if (cl->dead || cl->watching || cl->more || cl->closing || pending(cl) ||
		    now - cl->active < idle || eph_owns(c->eph, cl))
			continue;
		client_kill(cl);
		closed++;
	}
	if (closed)
		log_msg(LOG_INFO, "control: closed %u client%s idle for %u s (control-idle-timeout)", closed,
			closed == 1 ? "" : "s", idle);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct control *c = w->data;

	ev_timer_stop(loop, w);
	ev_io_start(loop, &c->lio);
}

/* mkdir -p for the socket's directory; the last component of path is the socket itself. */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t n = strlen(path);

	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		if (!strchr(p + 1, '/')) {
			*p = '\0';
			return mkdir(dir, 0755) < 0 && errno != EEXIST ? -1 : 0;
		}
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Remove a socket left by a daemon that died; refuse when one still answers or it is no socket. */
static int clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (r == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sa->sun_path) < 0 && errno != ENOENT ? -1 : 0;
}

struct control *control_open(struct ev_loop *loop, const char *path, const struct control_env *env)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c;
	mode_t old;
	int err;

	if (!path || !*path || strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	if (make_parent(path) < 0 || clear_stale(&sa) < 0)
		return NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->hub = watch_hub_new();
	c->eph = eph_new();
	if (!c->hub || !c->eph) {
		watch_hub_free(c->hub);
		eph_free(c->eph);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->loop = loop;
	c->env = env;
	strcpy(c->path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	old = umask(077); /* no window in which others could connect before the chmod */
	err = bind(c->fd, (const struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (err < 0)
		goto fail;
	if (env && env->cfg && env->cfg->has_control_group) {
		/* the group reaches the socket through the file's mode; the peer check decides */
		c->has_group = true;
		c->gid = env->cfg->control_gid;
		if (chown(path, (uid_t)-1, (gid_t)c->gid) < 0 || chmod(path, 0660) < 0)
			goto fail_unlink;
	} else if (chmod(path, 0600) < 0) {
		goto fail_unlink;
	}
	if (listen(c->fd, 64) < 0)
		goto fail_unlink;
	ev_io_init(&c->lio, accept_cb, c->fd, EV_READ);
	c->lio.data = c;
	ev_timer_init(&c->retry, retry_cb, 1.0, 0.0);
	c->retry.data = c;
	ev_check_init(&c->reaper, reap_cb);
	c->reaper.data = c;
	ev_timer_init(&c->tick, tick_cb, CTL_TICK, CTL_TICK);
	c->tick.data = c;
	ev_io_start(loop, &c->lio);
	ev_timer_start(loop, &c->tick);
	return c;

fail_unlink:
	err = errno;
	unlink(path);
	errno = err;
fail:
	err = errno;
	if (c->fd >= 0)
		close(c->fd);
	watch_hub_free(c->hub);
	eph_free(c->eph);
	free(c);
	errno = err;
	return NULL;
}

void control_close(struct control *c)
{
	if (!c)
		return;
	/* evpnd stops: its keys go with it (graceful restart keeps them at the peers meanwhile) */
	c->stopping = true;
	while (c->clients) {
		struct ctl_client *cl = c->clients;
		c->clients = cl->next;
		client_kill(cl);
		client_free(cl);
	}
	ev_io_stop(c->loop, &c->lio);
	ev_timer_stop(c->loop, &c->retry);
	ev_timer_stop(c->loop, &c->tick);
	ev_check_stop(c->loop, &c->reaper);
	close(c->fd);
	unlink(c->path);
	watch_hub_free(c->hub);
	eph_free(c->eph);
	free(c);
}

void control_notify(struct control *c, int fam, const uint8_t *nlri, size_t len,
		    const struct attrs *a, const struct ipaddr *src)
{
	if (!c || fam < 0 || fam >= FAM_COUNT)
		return;
	watch_hub_notify(c->hub, c->env, fam, nlri, len, a, src);
	for (struct ctl_client *cl = c->clients; cl; cl = cl->next)
		if (cl->watching && cl->paused && (cl->watch_fams & FAM_BIT(fam)))
			ctl_stream_resume(cl); /* its next events from the loop, with others batched */
}

struct json_object *ctl_status_json(struct ctl_client *cl)
{
	struct json_object *o = json_object_new_object();
	struct control_status st;

	control_status(cl->c, &st);
	json_object_object_add(o, "clients", json_object_new_int64(st.clients));
	json_object_object_add(o, "watchers", json_object_new_int64(st.watchers));
	json_object_object_add(o, "watch_lagged", json_object_new_int64((int64_t)st.watch_lagged));
	json_object_object_add(o, "replay_window_bytes", json_object_new_int64((int64_t)st.window_bytes));
	json_object_object_add(o, "replay_window_events", json_object_new_int64((int64_t)st.window_events));
	json_object_object_add(o, "last_seq", json_object_new_int64((int64_t)st.last_seq));
	json_object_object_add(o, "ephemeral_keys", json_object_new_int64((int64_t)st.ephemeral_keys));
	return o;
}

void control_status(const struct control *c, struct control_status *st)
{
	struct watch_status ws;

	watch_hub_status(c->hub, &ws);
	st->clients = c->nclients;
	st->watchers = ws.watchers;
	st->watch_lagged = ws.lagged;
	st->window_bytes = ws.window_bytes;
	st->window_events = ws.next_seq - ws.first_seq;
	st->last_seq = ws.next_seq ? ws.next_seq - 1 : 0;
	st->ephemeral_keys = eph_count(c->eph);
}
