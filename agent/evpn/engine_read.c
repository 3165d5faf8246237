/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's reads of the kernel FDB, in the background (engine_read.h). */
#include "engine_read.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <string.h>

#include "engine.h"
#include "engine_kread.h"
#include "log.h"

int engine_read_start(struct engine *e, struct engine_read *r)
{
	if (!e->nl) {
		errno = ENOTCONN;
		return -1;
	}
	if (e->reader) {
		errno = EBUSY;
		return -1;
	}
	r->running = false;
	r->settling = false;
	e->reader = r;
	return 0;
}

void engine_read_cancel(struct engine *e, struct engine_read *r)
{
	if (e->reader != r)
		return;
	if (r->running && e->nl)
		nl_dump_async_cancel(e->nl);
	e->reader = NULL;
}

static void finish(struct engine *e, int err)
{
	struct engine_read *r = e->reader;

	e->reader = NULL;
	if (r)
		r->done(r->ctx, err);
}

static void on_read_done(void *ctx, int err)
{
	struct engine *e = ctx;
	struct engine_read *r = e->reader;

	if (err || !r || !e->loop) {
		finish(e, err);
		return;
	}
	/* the replies are in; the events of changes made before the last of them may still wait on
	 * the event socket: taken in first (engine_read_kick ends it) */
	r->settling = true;
	r->settle_turns = 0;
}

/* The GETs' keys: each half of the owned remote MACs the read has not seen. */
static bool read_next(void *ctx, struct nl_fdb *f)
{
	struct engine *e = ctx;
	struct engine_read *r = e->reader;

	if (!r)
		return false;
	if (macs_remote_layout(e->macs) != r->layout) {
		r->layout = macs_remote_layout(e->macs); /* entries moved: ask again rather than miss one */
		r->pos = 0;
		r->master_next = false;
	}
	for (;;) {
		bool master = r->master_next;
		if (!master && !macs_remote_next(e->macs, &r->pos, &r->okey, r->mac))
			return false;
		r->master_next = !master;
		if (!kreq_mac_key(&e->kq, r->okey, r->mac, f) || !r->missing(r->ctx, r->okey, r->mac, master))
			continue;
		if (master) {
			f->flags = NTF_MASTER;
			f->src_vni = 0;
		}
		return true;
	}
}

/* The dump (or the ports' dumps) ended: ask for what it did not report. */
static void on_dumped(void *ctx, int err)
{
	struct engine *e = ctx;
	struct engine_read *r = e->reader;

	if (!r)
		return;
	if (!err && r->missing) {
		r->pos = 0;
		r->master_next = false;
		r->layout = macs_remote_layout(e->macs);
		if (nl_fdb_probe_async(e->nl, read_next, on_read_done) == 0)
			return;
		err = errno;
	}
	on_read_done(e, err);
}

void engine_read_kick(struct engine *e)
{
	struct engine_read *r = e->reader;
	size_t n;
	int rc;

	if (r && r->settling) {
		if (nl_events_waiting(e->nl) && ++r->settle_turns < ENGINE_READ_SETTLE_TURNS)
			return;
		finish(e, 0);
		return;
	}
	if (!r || r->running || e->dumping || e->resync || nl_dump_async_running(e->nl))
		return;
	/* what was asked of the kernel is shown once it is there: requests are handled inside their
	 * sendmsg, so flushed ones are in the tables before the read's first request */
	nl_flush(e->nl);
	r->running = true;
	if (r->scope == ENGINE_READ_OWNED)
		rc = engine_dump_ports(e, &n, on_dumped);
	else
		rc = nl_dump_fdb_async(e->nl, on_dumped);
	if (rc < 0)
		finish(e, errno);
}

bool engine_read_dumped(struct engine *e, const struct nl_fdb *f)
{
	struct engine_read *r = e->reader;

	if (!r || !r->running || e->dumping)
		return false;
	r->entry(r->ctx, f, false, false);
	return true;
}

void engine_read_event(struct engine *e, const struct nl_fdb *f, bool deleted)
{
	struct engine_read *r = e->reader;

	if (r && r->running)
		r->entry(r->ctx, f, true, deleted);
}

void engine_read_yield(struct engine *e)
{
	struct engine_read *r = e->reader;

	if (!r || !r->running)
		return;
	nl_dump_async_cancel(e->nl);
	r->running = false;
	r->settling = false;
	log_msg(LOG_INFO, "kernel: the operator's FDB read starts again after the reconcile");
	r->restart(r->ctx);
}
