/* SPDX-License-Identifier: Apache-2.0 */
/* What the control socket's transport (control.c) and its commands (control_cmd.c) share. */
#ifndef EVPND_CONTROL_CONTROL_INT_H
#define EVPND_CONTROL_CONTROL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct control_env;
struct ctl_client;

/* Queue raw bytes to the client. -1 when memory runs out (the client is then closed). */
int ctl_out(struct ctl_client *cl, const char *s, size_t n);
/* Queue {"ok":true,"data":<data>} and a newline; data (may be NULL) is consumed. */
void ctl_reply_ok(struct ctl_client *cl, struct json_object *data);
/* Queue {"ok":false,"error":msg} and a newline. */
void ctl_reply_err(struct ctl_client *cl, const char *msg);
/* A reply produced as the client reads it: more(cl, state) queues the next part (a bounded amount
 * of work) and returns true when the reply is complete; it is called whenever less than
 * control-client-buffer bytes wait for the client, so a reply of any size costs that buffer or so
 * of memory and each turn of the loop a bounded amount of time. Requests after it wait for its end.
 * done(state) frees the state (also when the client goes away first). */
void ctl_stream(struct ctl_client *cl, bool (*more)(struct ctl_client *cl, void *state),
		void (*done)(void *state), void *state);
/* Called by more(): the reply has nothing more to give until ctl_stream_resume (it waits for work
 * done in the background); more is not called meanwhile, and the client's later requests wait. */
void ctl_stream_pause(struct ctl_client *cl);
/* more is called again, from the loop. Harmless once the stream or the client has ended. */
void ctl_stream_resume(struct ctl_client *cl);
/* The client watches fams (FAM_BIT; its stream never ends): it is resumed on every change of
 * those, its input is read only to notice its close, and it is never idle. */
void ctl_watching(struct ctl_client *cl, uint32_t fams);
/* The opaque key (bytes, len) now belongs to the client when ephemeral, to nobody (permanent)
 * otherwise (an add), or is forgotten (a del: ephemeral false). -1 on ENOMEM. */
int ctl_key_owner(struct ctl_client *cl, const void *key, size_t len, bool ephemeral);

/* watch.c: the watchers' shared state (the replay window, the epoch), owned by control.c. */
struct watch_hub;
struct attrs;
struct ipaddr;
struct watch_hub *watch_hub_new(void);
void watch_hub_free(struct watch_hub *h);
/* Record a best-path change for the watchers (nothing is kept before the first watch). */
void watch_hub_notify(struct watch_hub *h, const struct control_env *env, int fam,
		      const uint8_t *nlri, size_t len, const struct attrs *a, const struct ipaddr *src);
struct watch_status {
	unsigned watchers;
	uint64_t lagged;
	size_t window_bytes;
	uint64_t first_seq, next_seq;
};
void watch_hub_status(const struct watch_hub *h, struct watch_status *st);
/* show-status's "control" object: clients, watchers, the replay window, ephemeral keys. */
struct json_object *ctl_status_json(struct ctl_client *cl);
/* The client's server's hub. */
struct watch_hub *ctl_hub(struct ctl_client *cl);
/* "watch": docs/control-protocol.md. */
void cmd_watch(struct ctl_client *cl, const struct control_env *d, struct json_object *req);
/* What the client's server serves. */
const struct control_env *ctl_env(struct ctl_client *cl);
/* The "installed" field of a route object (route_json.h): whether a remote EVPN best path is in
 * the kernel, or -1 (left out) for other routes and without a kernel side. */
int ctl_installed(const struct control_env *env, int fam, const uint8_t *nlri, size_t len,
		  const struct attrs *a, bool remote, bool best);

/* control_auth.c: whether the peer of a connected control socket may use it: uid 0, evpnd's own
 * uid, or (has_group) gid as its primary or a supplementary group. who gets "pid P uid U gid G",
 * *uid the peer's uid (UINT32_MAX when unknown). */
bool ctl_peer_allowed(int fd, bool has_group, uint32_t gid, uint32_t *uid, char *who, size_t wholen);

/* control_ops.c: "metrics" (data: the Prometheus text as a string) and "show-fdb" (data: the
 * kernel FDB entries of managed devices, optional vni). */
void cmd_metrics(struct ctl_client *cl, const struct control_env *d, struct json_object *req);
void cmd_show_fdb(struct ctl_client *cl, const struct control_env *d, struct json_object *req);
/* control_ops.c: "audit" (data: the drift between evpnd's tables and a fresh kernel dump). */
void cmd_audit(struct ctl_client *cl, const struct control_env *d, struct json_object *req);
/* show-status: the engine's life cycle and the loop's busy time (engine_status). */
void cmd_show_status(struct ctl_client *cl, const struct control_env *d, struct json_object *req);

/* Run one parsed request (a JSON object) and queue its reply. */
void ctl_dispatch(struct ctl_client *cl, struct json_object *req);

#endif
