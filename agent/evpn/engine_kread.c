/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the kernel past fdb-dump-limit (engine_kread.h): the record, the ports, the probes. */
#include "engine_kread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "krecord.h"
#include "log.h"
#include "reconcile.h"

void engine_record_open(struct engine *e)
{
	char path[sizeof e->rec.path];

	krec_path(path, sizeof path, e->cfg->control_socket);
	if (krec_open(&e->rec, path) < 0) {
		log_msg(LOG_WARNING, "kernel record %s: %s; installs are not recorded (every start "
			"dumps the kernel's FDB)", path, strerror(errno));
		return;
	}
	e->kq.rec = &e->rec;
	if (e->rec.nprev)
		log_msg(LOG_INFO, "kernel record %s: %llu entr%s from the previous run", path,
			(unsigned long long)e->rec.nprev, e->rec.nprev == 1 ? "y" : "ies");
}

int engine_dump_ports(struct engine *e, size_t *n, void (*done)(void *ctx, int err))
{
	size_t k = vt_bridge_ports(&e->vt, NULL, 0);
	int *ports = k ? malloc(k * sizeof *ports) : NULL;
	int rc;

	if (k && !ports)
		return -1;
	*n = vt_bridge_ports(&e->vt, ports, k);
	rc = nl_dump_fdb_ports_async(e->nl, ports, *n, done);
	free(ports);
	return rc;
}

bool engine_probe_resync(const struct engine *e)
{
	return !e->probe_broken &&
	       macs_remote_count(e->macs) + flood_count(&e->flood) > e->cfg->fdb_dump_limit;
}

static bool probe_next(void *ctx, struct nl_fdb *f)
{
	struct engine *e = ctx;
	uint8_t mac[6];
	int okey;

	if (macs_remote_layout(e->macs) != e->probe_layout) {
		/* entries moved: asking again for some is cheaper than missing one */
		e->probe_layout = macs_remote_layout(e->macs);
		e->probe_pos = 0;
	}
	while (macs_remote_next(e->macs, &e->probe_pos, &okey, mac))
		if (kreq_mac_key(&e->kq, okey, mac, f))
			return true;
	return false;
}

static void on_probe_done(void *ctx, int err)
{
	struct engine *e = ctx;

	if (err == EINVAL || err == EOPNOTSUPP) {
		/* a kernel without FDB GETs (before 4.20): dump from now on */
		log_msg(LOG_WARNING, "kernel: FDB entries cannot be asked for one by one (%s): "
			"resyncs dump the whole FDB", strerror(err));
		e->probe_broken = true;
	}
	e->probe_done(e, err);
}

static void on_probe_ports_done(void *ctx, int err)
{
	struct engine *e = ctx;

	if (!err) {
		e->probe_pos = 0;
		e->probe_layout = macs_remote_layout(e->macs);
		if (nl_fdb_probe_async(e->nl, probe_next, on_probe_done) == 0)
			return;
		err = errno;
	}
	e->probe_done(e, err);
}

int engine_probe_start(struct engine *e, void (*done)(void *ctx, int err))
{
	size_t n;

	e->probe_done = done;
	if (engine_dump_ports(e, &n, on_probe_ports_done) < 0)
		return -1;
	log_msg(LOG_INFO, "kernel: reading %zu bridge port%s and asking for each of %zu remote MAC "
		"entries (no full FDB dump)", n, n == 1 ? "" : "s", macs_remote_count(e->macs));
	return 0;
}

/* Up to fdb-dump-limit (100k) the whole dump is cheap (about 2 s at 100k MACs,
 * docs/kernel-costs.md) and also finds extern_learn entries someone else left on evpnd's devices;
 * above it one dump reply alone costs the kernel tens of milliseconds and the dump minutes. */
bool engine_record_restart(const struct engine *e)
{
	return e->rec.fd >= 0 && e->rec.nprev > e->cfg->fdb_dump_limit;
}

/* The ports' dumps start in the loop's first iteration, not inside the start-up's: at a million
 * MACs the kernel walks its bridge table once inside the request (tens of milliseconds). */
static void on_ports_start(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	size_t n;
	(void)loop;
	(void)revents;

	if (engine_dump_ports(e, &n, e->probe_done) < 0) {
		e->probe_done(e, errno);
		return;
	}
	log_msg(LOG_INFO, "kernel: reading the local MACs of %zu bridge port%s; the previous run's "
		"%llu recorded entries stand until initial convergence (no full FDB dump)", n,
		n == 1 ? "" : "s", (unsigned long long)e->rec.nprev);
}

int engine_record_dump_ports(struct engine *e, void (*done)(void *ctx, int err))
{
	uint64_t live = e->rec.live_prev;

	e->by_record = true;
	/* the routes to come fill the tables up to the previous run's size: made room for now, their
	 * growth would rehash a million entries in one iteration */
	if (live && (macs_remote_reserve(e->macs, live) < 0 ||
		     (e->bgp && bgp_reserve(e->bgp, FAM_EVPN, live + live / 64) < 0)))
		log_msg(LOG_WARNING, "cannot make room for %llu remote MACs at once: out of memory",
			(unsigned long long)live);
	e->probe_done = done;
	ev_timer_init(&e->rec_sweep_w, on_ports_start, 0., 0.);
	e->rec_sweep_w.data = e;
	if (!e->loop)
		on_ports_start(NULL, &e->rec_sweep_w, 0);
	else
		ev_timer_start(e->loop, &e->rec_sweep_w);
	return 0;
}

/* One step of the sweep: at most ENGINE_RECORD_SWEEP_STEP records, so a million of them never
 * hold the loop; the timer fires again in the next iteration until the record is read. */
static void on_sweep(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	struct krec_key k;
	size_t i;
	(void)revents;

	for (i = 0; i < ENGINE_RECORD_SWEEP_STEP; i++) {
		bool held, vni;
		if (!krec_prev_next(&e->rec, &k))
			break;
		vni = vt_by_okey(&e->vt, k.okey) != NULL;
		if (k.type == KREC_MAC) {
			held = macs_remote_has(e->macs, k.okey, k.mac);
			if (rc_recorded(held, vni) == RC_DELETE) {
				kreq_mac(&e->kq, NL_FDB_DEL, k.okey, k.mac, VTEP_NONE, false);
				e->rec_macs++;
			}
		} else {
			held = flood_has(&e->flood, k.okey, vtep_index(&e->vteps, &k.dst));
			if (rc_recorded(held, vni) == RC_DELETE) {
				kreq_flood_del_addr(&e->kq, k.okey, &k.dst);
				e->rec_flood++;
			}
		}
	}
	if (i == ENGINE_RECORD_SWEEP_STEP) {
		ev_timer_set(w, 0., 0.);
		ev_timer_start(loop, w);
		return;
	}
	log_msg(LOG_INFO, "initial convergence: %llu MAC entr%s and %llu flood entr%s of the "
		"previous run's record no longer wanted: removed where still there (%.2f s)",
		(unsigned long long)e->rec_macs, e->rec_macs == 1 ? "y" : "ies",
		(unsigned long long)e->rec_flood, e->rec_flood == 1 ? "y" : "ies",
		ev_time() - e->rec_t0);
	krec_prev_free(&e->rec);
}

void engine_record_sweep_start(struct engine *e)
{
	if (!e->rec.prev)
		return;
	if (!e->by_record || !e->loop) {
		krec_prev_free(&e->rec); /* a full dump adopted what the kernel had: the tables know */
		return;
	}
	e->rec_t0 = ev_time();
	ev_timer_init(&e->rec_sweep_w, on_sweep, 0., 0.);
	e->rec_sweep_w.data = e;
	ev_timer_start(e->loop, &e->rec_sweep_w);
}

struct rewrite {
	struct engine *e;
	struct krecord *r;
	bool paced;                /* krec_rewrite_begin's new file, not krec_rewrite's walk */
};

static void rewrite_put(const struct rewrite *w, const struct krec_key *k)
{
	if (w->paced)
		krec_rewrite_add(w->r, k);
	else
		krec_add(w->r, k);
}

static void rewrite_mac(void *ctx, int okey, const uint8_t mac[6])
{
	struct rewrite *w = ctx;
	struct krec_key k;

	memset(&k, 0, sizeof k);
	k.type = KREC_MAC;
	k.okey = okey;
	memcpy(k.mac, mac, 6);
	rewrite_put(w, &k);
}

static void rewrite_flood(void *ctx, int okey, uint16_t vtep)
{
	struct rewrite *w = ctx;
	const struct nl_addr *a = vtep_addr(&w->e->vteps, vtep);
	struct krec_key k;

	if (!a)
		return;
	memset(&k, 0, sizeof k);
	k.type = KREC_FLOOD;
	k.okey = okey;
	k.dst = *a;
	rewrite_put(w, &k);
}

static void rewrite_walk(void *ctx, struct krecord *r)
{
	struct rewrite *w = ctx;

	w->r = r;
	macs_remote_walk(w->e->macs, rewrite_mac, w);
	flood_walk(&w->e->flood, rewrite_flood, w);
}

/* Said once, and not tried again for ENGINE_RECORD_RETRY seconds (a full /run stays full a while). */
static void rewrite_failed(struct engine *e)
{
	log_msg(LOG_WARNING, "kernel record %s: rewrite failed: %s; the record goes on growing (next "
		"try in %.0f s)", e->rec.path, strerror(errno), ENGINE_RECORD_RETRY);
	e->rw_retry_at = e->loop ? ev_now(e->loop) + ENGINE_RECORD_RETRY : 0;
}

/* One step of a paced rewrite: ENGINE_RECORD_REWRITE_STEP remote MACs into the new file, then the
 * flood entries and the rename. A table that grew meanwhile is walked again (a growth moves every
 * entry, and a skipped one would be missing from the new file). */
static void rewrite_step(struct engine *e)
{
	struct rewrite w = { e, &e->rec, true };
	uint8_t mac[6];
	int okey;

	if (macs_remote_layout(e->macs) != e->rw_layout) {
		e->rw_layout = macs_remote_layout(e->macs);
		e->rw_pos = 0;
	}
	for (size_t i = 0; i < ENGINE_RECORD_REWRITE_STEP; i++) {
		if (!macs_remote_next(e->macs, &e->rw_pos, &okey, mac)) {
			flood_walk(&e->flood, rewrite_flood, &w);
			if (krec_rewriting(&e->rec) && krec_rewrite_end(&e->rec) < 0)
				rewrite_failed(e);
			return;
		}
		rewrite_mac(&w, okey, mac);
	}
}

void engine_record_tick(struct engine *e)
{
	uint64_t live;
	struct rewrite w = { e, NULL, false };

	krec_set_live(&e->rec, macs_remote_count(e->macs));
	if (krec_rewriting(&e->rec)) {
		rewrite_step(e);
		return;
	}
	if (e->rec.fd < 0 || !e->converged || e->rec.prev || e->dumping || e->resync ||
	    e->refused_round || (e->nl && nl_pending(e->nl)) ||
	    (e->loop && ev_now(e->loop) < e->rw_retry_at))
		return;
	live = macs_remote_count(e->macs) + flood_count(&e->flood);
	if (e->rec.nrec <= 2 * live + 65536)
		return;
	if (krec_rewrite_begin(&e->rec) == 0) {
		e->rw_pos = 0;
		e->rw_layout = macs_remote_layout(e->macs);
		rewrite_step(e);
		return;
	}
	/* the directory is not ours to write (privileges dropped): in place, at once */
	if ((errno != EACCES && errno != EPERM) || krec_rewrite(&e->rec, rewrite_walk, &w) < 0)
		rewrite_failed(e);
}

void engine_record_close(struct engine *e)
{
	if (e->loop)
		ev_timer_stop(e->loop, &e->rec_sweep_w);
	krec_close(&e->rec);
	e->kq.rec = NULL;
}
