/* SPDX-License-Identifier: Apache-2.0 */
/* Control commands for operations: "metrics" (Prometheus text) and "show-status" (the engine's
 * life cycle and the loop's health). */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>

#include "control.h"
#include "control_int.h"
#include "engine.h"
#include "metrics.h"

void cmd_metrics(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct metrics_src src = { d->bgp, d->engine };
	size_t len;
	char *s;

	(void)req;
	s = metrics_text(&src, &len);
	if (!s) {
		ctl_reply_err(cl, "out of memory building the metrics");
		return;
	}
	ctl_reply_ok(cl, json_object_new_string_len(s, (int)len));
	free(s);
}

/* ---- show-status ---- */

static struct json_object *num(double v)
{
	return json_object_new_double(v);
}

void cmd_show_status(struct ctl_client *cl, const struct control_env *d, struct json_object *req)
{
	struct json_object *o = json_object_new_object(), *lo;
	struct engine_status st;
	uint64_t slow = 0;

	(void)req;
	if (!d->engine) {
		ctl_reply_err(cl, "no kernel side (evpnd runs without netlink)");
		json_object_put(o);
		return;
	}
	engine_status(d->engine, &st);
	json_object_object_add(o, "adopted", json_object_new_boolean(st.adopted));
	json_object_object_add(o, "converged", json_object_new_boolean(st.converged));
	json_object_object_add(o, "dump_running", json_object_new_boolean(st.dumping));
	json_object_object_add(o, "dump_running_seconds", num(st.dump_running));
	json_object_object_add(o, "dump_last_seconds", num(st.dump_last));
	json_object_object_add(o, "resyncs", json_object_new_int64((int64_t)st.resyncs));
	json_object_object_add(o, "netlink_overflows", json_object_new_int64((int64_t)st.overflows));
	json_object_object_add(o, "kernel_refusals", json_object_new_int64((int64_t)st.refused));
	json_object_object_add(o, "pending_requests", json_object_new_int64((int64_t)st.pending));
	lo = json_object_new_object();
	for (int i = 1; i <= LOOP_STAT_BUCKETS; i++) /* the buckets above 50 ms */
		if (loop_stat_bounds[i - 1] >= 0.05)
			slow += st.loop->bucket[i];
	json_object_object_add(lo, "iterations", json_object_new_int64((int64_t)st.loop->n));
	json_object_object_add(lo, "max_seconds", num(st.loop->max));
	json_object_object_add(lo, "mean_seconds", num(st.loop->n ? st.loop->sum / (double)st.loop->n : 0));
	json_object_object_add(lo, "over_50ms", json_object_new_int64((int64_t)slow));
	json_object_object_add(lo, "max_cpu_seconds", num(st.loop->max_cpu));
	json_object_object_add(lo, "over_50ms_cpu", json_object_new_int64((int64_t)st.loop->over_slow_cpu));
	json_object_object_add(o, "loop", lo);
	json_object_object_add(o, "control", ctl_status_json(cl));
	ctl_reply_ok(cl, o);
}
