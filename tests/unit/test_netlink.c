/* SPDX-License-Identifier: Apache-2.0 */
/* netlink/ against the real kernel, in a private network namespace made by this process (the
 * `ip` and `bridge` children inherit it; it vanishes with the process). Skipped without the right. */
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>
#include <linux/neighbour.h>

#include "nl.h"
#include "testutil.h"

#define MAX_FDB 40000

static bool have_ns;
static struct ev_loop *loop;
static struct nl *nl;

/* What the hooks saw since the last reset. */
static struct nl_link links[64];
static bool link_deleted[64];
static int nlinks;
static struct nl_fdb fdbs[MAX_FDB];
static bool fdb_deleted[MAX_FDB];
static int nfdbs;
static int overflows;
static struct { enum nl_op op; struct nl_fdb f; int err; } refusals[16];
static int nrefusals;

static void on_link(void *ctx, const struct nl_link *l, bool deleted)
{
	if (nlinks < 64) {
		link_deleted[nlinks] = deleted;
		links[nlinks++] = *l;
	}
}

static int nevents_ours; /* events for test_10k_replaces' entries (its echoes are filtered) */

static void on_fdb(void *ctx, const struct nl_fdb *f, bool deleted)
{
	if (f->mac[3] == 0x10 && (f->flags & NTF_SELF) && f->dst.af == AF_INET && !deleted)
		nevents_ours++;
	if (nfdbs < MAX_FDB) {
		fdb_deleted[nfdbs] = deleted;
		fdbs[nfdbs++] = *f;
	}
}

static void on_overflow(void *ctx)
{
	overflows++;
}

static void on_refused(void *ctx, enum nl_op op, const struct nl_fdb *f, int err)
{
	if (nrefusals < 16) {
		refusals[nrefusals].op = op;
		refusals[nrefusals].f = *f;
		refusals[nrefusals++].err = err;
	}
}

static void reset(void)
{
	nlinks = nfdbs = overflows = nrefusals = 0;
}

static int sh(const char *cmd)
{
	int r = system(cmd);
	return r == 0 ? 0 : -1;
}

/* Run the loop until cond() holds or about a second has passed. */
static bool run_until(bool (*cond)(void))
{
	int i;

	for (i = 0; i < 100 && !cond(); i++) {
		ev_run(loop, EVRUN_NOWAIT);
		if (!cond())
			ev_sleep(0.01);
	}
	return cond();
}

static int ifindex(const char *name)
{
	return (int)if_nametoindex(name);
}

static struct nl_addr v4(const char *s)
{
	struct nl_addr a = { .af = AF_INET };
	inet_pton(AF_INET, s, a.a);
	return a;
}

static struct nl_addr v6(const char *s)
{
	struct nl_addr a = { .af = AF_INET6 };
	inet_pton(AF_INET6, s, a.a);
	return a;
}

static const uint8_t mac_remote[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t mac_zero[6];

/* A remote MAC the way FRR installs it (docs/wire.md). */
static struct nl_fdb remote(const uint8_t mac[6], const char *dev, const char *bridge, struct nl_addr dst)
{
	struct nl_fdb f = { 0 };
	f.ifindex = ifindex(dev);
	f.master = ifindex(bridge);
	memcpy(f.mac, mac, 6);
	f.state = NUD_REACHABLE;
	f.flags = NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED;
	f.dst = dst;
	f.protocol = 186;
	return f;
}

static struct nl_fdb flood(const char *dev, struct nl_addr dst)
{
	struct nl_fdb f = { 0 };
	f.ifindex = ifindex(dev);
	f.state = NUD_NOARP | NUD_PERMANENT;
	f.flags = NTF_SELF;
	f.dst = dst;
	return f;
}

/* Count the dumped entries with this MAC on ifindex having all of flags, dst when given, and
 * master when not -1 (the bridge's entries carry NDA_MASTER, the VXLAN device's carry NTF_SELF). */
static int dumped(const uint8_t mac[6], int ifi, uint8_t flags, const struct nl_addr *dst, int master)
{
	int i, n = 0;

	reset();
	assert_int_equal(nl_dump_fdb(nl), 0);
	for (i = 0; i < nfdbs; i++) {
		const struct nl_fdb *f = &fdbs[i];
		if (memcmp(f->mac, mac, 6) || f->ifindex != ifi || (f->flags & flags) != flags)
			continue;
		if (dst && (f->dst.af != dst->af || memcmp(f->dst.a, dst->a, 16)))
			continue;
		if (master != -1 && f->master != master)
			continue;
		n++;
	}
	return n;
}

/* How many lines of `bridge fdb show dev <dev>` contain needle. */
static int bridge_lines(const char *dev, const char *needle)
{
	char cmd[128], line[512];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "bridge fdb show dev %s", dev);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, needle))
			n++;
	pclose(p);
	return n;
}

static int ndumped_bg, ndumped_bg_ours, dump_done_calls, dump_done_err;

/* Dumps (the synchronous ones too) report here: recorded as present, as the tests read them. */
static void on_fdb_dumped(void *ctx, const struct nl_fdb *f)
{
	(void)ctx;
	if (nfdbs < MAX_FDB) {
		fdb_deleted[nfdbs] = false;
		fdbs[nfdbs++] = *f;
	}
	ndumped_bg++;
	if (f->mac[3] == 0x10 && (f->flags & NTF_SELF) && f->dst.af == AF_INET)
		ndumped_bg_ours++;
}

static void on_dump_done(void *ctx, int err)
{
	(void)ctx;
	dump_done_calls++;
	dump_done_err = err;
}

static int group_setup(void **state)
{
	static const struct nl_hooks h = { .link = on_link, .fdb = on_fdb, .overflow = on_overflow,
					   .refused = on_refused, .fdb_dumped = on_fdb_dumped };

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipping\n", strerror(errno));
		return 0;
	}
	have_ns = true;
	if (sh("ip link add br0 type bridge && "
	       "ip link add vx0 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning && "
	       "ip link set vx0 master br0 && "
	       "ip link add vp0 type veth peer name vp1 && ip link set vp0 master br0 && "
	       "ip link add br6 type bridge && "
	       "ip link add vx6 type vxlan id 200 local fd00::1 dstport 4789 nolearning && "
	       "ip link set vx6 master br6 && "
	       "for d in br0 vx0 vp0 vp1 br6 vx6; do ip link set $d up || exit 1; done") < 0)
		return -1;
	loop = ev_loop_new(EVFLAG_AUTO);
	nl = nl_open(loop, &h, 64u << 20);
	return nl ? 0 : -1;
}

static int group_teardown(void **state)
{
	nl_close(nl);
	if (loop)
		ev_loop_destroy(loop);
	return 0;
}

static void need_ns(void)
{
	if (!have_ns)
		TEST_SKIP("no network namespace of its own (unshare(CLONE_NEWNET) needs root)");
	reset();
}

static const struct nl_link *find_link(const char *name)
{
	int i;

	for (i = nlinks - 1; i >= 0; i--)
		if (strcmp(links[i].name, name) == 0)
			return &links[i];
	return NULL;
}

static void test_dump_links(void **state)
{
	const struct nl_link *br, *vx, *vp, *vx6;
	uint8_t local[4] = { 10, 0, 0, 1 };

	need_ns();
	assert_int_equal(nl_dump_links(nl), 0);
	br = find_link("br0");
	vx = find_link("vx0");
	vp = find_link("vp0");
	vx6 = find_link("vx6");
	assert_non_null(br);
	assert_non_null(vx);
	assert_non_null(vp);
	assert_non_null(vx6);
	assert_int_equal(br->kind, NL_LINK_BRIDGE);
	assert_int_equal(br->ifindex, ifindex("br0"));
	assert_true(br->up);
	assert_int_equal(vx->kind, NL_LINK_VXLAN);
	assert_int_equal(vx->vni, 100);
	assert_int_equal(vx->local.af, AF_INET);
	assert_memory_equal(vx->local.a, local, 4);
	assert_int_equal(vx->dstport, 4789);
	assert_false(vx->learning);
	assert_false(vx->external);
	assert_int_equal(vx->master, br->ifindex);
	assert_true(vx->up);
	assert_int_equal(vp->kind, NL_LINK_OTHER);
	assert_int_equal(vp->master, br->ifindex);
	assert_int_equal(vx6->vni, 200);
	assert_int_equal(vx6->local.af, AF_INET6);
	assert_memory_equal(vx6->local.a, v6("fd00::1").a, 16);
	assert_int_equal(vx6->master, ifindex("br6"));
}

static bool seen_local_mac(void)
{
	static const uint8_t m[6] = { 2, 0, 0, 0, 0, 1 };
	int i;

	for (i = 0; i < nfdbs; i++)
		if (!memcmp(fdbs[i].mac, m, 6) && !fdb_deleted[i])
			return true;
	return false;
}

static void test_fdb_event_and_dump(void **state)
{
	static const uint8_t m[6] = { 2, 0, 0, 0, 0, 1 };
	const struct nl_fdb *f = NULL;
	int i;

	need_ns();
	assert_int_equal(sh("bridge fdb add 02:00:00:00:00:01 dev vp0 master static"), 0);
	assert_true(run_until(seen_local_mac));
	for (i = 0; i < nfdbs; i++)
		if (!memcmp(fdbs[i].mac, m, 6))
			f = &fdbs[i];
	assert_non_null(f);
	assert_int_equal(f->ifindex, ifindex("vp0"));
	assert_int_equal(f->master, ifindex("br0"));
	assert_int_equal(f->state, NUD_NOARP);
	/* the bridge reports its entries with NDA_MASTER, not NTF_MASTER */
	assert_int_equal(f->flags & NTF_SELF, 0);
	assert_int_equal(dumped(m, ifindex("vp0"), 0, NULL, ifindex("br0")), 1);
}

/* Events seen for mac_remote, added/changed (deleted false) or removed (deleted true). */
static int remote_events(bool deleted)
{
	int i, n = 0;

	for (i = 0; i < nfdbs; i++)
		if (!memcmp(fdbs[i].mac, mac_remote, 6) && fdb_deleted[i] == deleted)
			n++;
	return n;
}

static bool remote_deleted_seen(void)
{
	return remote_events(true) > 0;
}

static void test_remote_replace_del(void **state)
{
	struct nl_addr d2 = v4("10.0.0.2"), d3 = v4("10.0.0.3");
	struct nl_fdb f;
	int vx = ifindex("vx0");

	need_ns();
	f = remote(mac_remote, "vx0", "br0", d2);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &f), 0);
	assert_int_equal(nl_pending(nl), 1);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nl_pending(nl), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 dst 10.0.0.2 self extern_learn"), 1);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 extern_learn master br0"), 1);
	assert_int_equal(dumped(mac_remote, vx, NTF_SELF | NTF_EXT_LEARNED, &d2, -1), 1);
	assert_int_equal(dumped(mac_remote, vx, NTF_EXT_LEARNED, NULL, ifindex("br0")), 1);
	/* the echoes of our own extern_learn installs are filtered out in the kernel */
	reset();
	run_until(remote_deleted_seen); /* nothing to wait for: about a second of events */
	assert_int_equal(remote_events(false), 0);

	/* a new VTEP replaces both entries in place */
	f.dst = d3;
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &f), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 dst 10.0.0.3 self extern_learn"), 1);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 dst 10.0.0.2"), 0);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 extern_learn master br0"), 1);
	assert_int_equal(dumped(mac_remote, vx, NTF_SELF, &d3, -1), 1);
	assert_int_equal(dumped(mac_remote, vx, NTF_SELF, &d2, -1), 0);

	/* deleted with the same flags: both go */
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &f), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02"), 0);
	assert_int_equal(dumped(mac_remote, vx, 0, NULL, -1), 0);
	/* deletions still come through: an owned entry removed by someone else can be put back */
	assert_true(run_until(remote_deleted_seen));
}

static void test_flood_entries(void **state)
{
	struct nl_addr d2 = v4("10.0.0.2"), d3 = v4("10.0.0.3");
	struct nl_fdb a = flood("vx0", d2), b = flood("vx0", d3);
	int vx = ifindex("vx0");

	need_ns();
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_APPEND, &a), 0);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_APPEND, &b), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx0", "00:00:00:00:00:00 dst"), 2);
	assert_int_equal(bridge_lines("vx0", "00:00:00:00:00:00 dst 10.0.0.3 self permanent"), 1);
	assert_int_equal(dumped(mac_zero, vx, NTF_SELF, &d2, -1), 1);
	assert_int_equal(dumped(mac_zero, vx, NTF_SELF, &d3, -1), 1);

	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &a), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx0", "00:00:00:00:00:00 dst"), 1);
	assert_int_equal(dumped(mac_zero, vx, NTF_SELF, &d2, -1), 0);
	assert_int_equal(dumped(mac_zero, vx, NTF_SELF, &d3, -1), 1);

	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &b), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(bridge_lines("vx0", "00:00:00:00:00:00 dst"), 0);
}

static void test_refused(void **state)
{
	static const uint8_t m[6] = { 2, 0, 0, 0, 0, 0x77 };
	struct nl_fdb bad = remote(m, "vx0", "br0", v4("10.0.0.2"));
	struct nl_fdb gone = remote(m, "vx0", "br0", v4("10.0.0.2"));
	struct nl_fdb good = remote(mac_remote, "vx0", "br0", v4("10.0.0.9"));

	need_ns();
	bad.ifindex = 9999;
	/* the good one in between shows a refusal does not stop the rest of the batch */
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &bad), 0);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &good), 0);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &gone), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 2);
	assert_int_equal(refusals[0].op, NL_FDB_REPLACE);
	assert_int_equal(refusals[0].f.ifindex, 9999);
	assert_memory_equal(refusals[0].f.mac, m, 6);
	assert_int_equal(refusals[0].err, ENODEV);
	assert_int_equal(refusals[1].op, NL_FDB_DEL);
	assert_int_equal(refusals[1].f.ifindex, ifindex("vx0"));
	assert_int_equal(refusals[1].err, ENOENT);
	assert_int_equal(bridge_lines("vx0", "02:00:00:00:00:02 dst 10.0.0.9 self extern_learn"), 1);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &good), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 2);
}

static void test_ipv6_dst(void **state)
{
	struct nl_addr d = v6("fd00::2");
	struct nl_fdb f = remote(mac_remote, "vx6", "br6", d);
	struct nl_fdb fl = flood("vx6", v6("fd00::3"));

	need_ns();
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &f), 0);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_APPEND, &fl), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vx6", "02:00:00:00:00:02 dst fd00::2 self extern_learn"), 1);
	assert_int_equal(bridge_lines("vx6", "00:00:00:00:00:00 dst fd00::3 self permanent"), 1);
	assert_int_equal(dumped(mac_remote, ifindex("vx6"), NTF_SELF, &d, -1), 1);
}

static void test_10k_replaces(void **state)
{
	struct nl_fdb f = remote(mac_remote, "vx0", "br0", v4("10.0.0.2"));
	int i, n = 10000, found = 0, vx = ifindex("vx0");

	need_ns();
	for (i = 0; i < n; i++) {
		f.mac[0] = 0x02;
		f.mac[3] = 0x10;
		f.mac[4] = (uint8_t)(i >> 8);
		f.mac[5] = (uint8_t)i;
		assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &f), 0);
	}
	assert_int_equal(nl_pending(nl), n);
	assert_int_equal(nl_drain(nl, 20000), 0);
	assert_int_equal(nl_pending(nl), 0);
	assert_int_equal(nrefusals, 0);
	reset();
	assert_int_equal(nl_dump_fdb(nl), 0);
	for (i = 0; i < nfdbs; i++)
		if (fdbs[i].ifindex == vx && fdbs[i].mac[3] == 0x10 && (fdbs[i].flags & NTF_SELF) &&
		    fdbs[i].dst.af == AF_INET)
			found++;
	assert_int_equal(found, n);
}

static bool seen_vx_delete(void)
{
	int i;

	for (i = 0; i < nlinks; i++)
		if (link_deleted[i] && strcmp(links[i].name, "vxdel") == 0)
			return true;
	return false;
}

/* Entries in a /proc/self directory: the process's threads (task) or open descriptors (fd). */
static int proc_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The dump threads ended (each closes its own sockets): waits up to 2 s for it, a bound, not a
 * figure. */
static bool dump_threads_gone(int tasks)
{
	for (int i = 0; i < 200; i++) {
		if (proc_count("/proc/self/task") == tasks)
			return true;
		usleep(10000);
	}
	return false;
}

/* The background dump: the loop reads it a slice at a time, every entry goes to fdb_dumped (none to
 * the event hook), done comes once; a second one is refused while it runs, and a cancelled one
 * reports nothing more. Runs after test_10k_replaces: 10,000 entries of ours are there. */
static void test_dump_background(void **state)
{
	int events0, turns = 0;

	need_ns();
	nl_flush(nl);
	assert_int_equal(nl_drain(nl, 2000), 0);
	ndumped_bg = ndumped_bg_ours = dump_done_calls = 0;
	reset();
	events0 = nevents_ours;
	int tasks0 = proc_count("/proc/self/task"), fds0 = proc_count("/proc/self/fd");
	assert_int_equal(nl_dump_fdb_async(nl, on_dump_done), 0);
	assert_true(nl_dump_async_running(nl));
	/* the kernel's walks are a thread's (it waits while its replies are not read: 20,000 of them
	 * fill the socket pair), not the loop's */
	assert_int_equal(proc_count("/proc/self/task"), tasks0 + 1);
	assert_int_equal(nl_dump_fdb_async(nl, on_dump_done), -1);
	assert_int_equal(errno, EBUSY);
	while (!dump_done_calls && turns < 100000) {
		ev_run(loop, EVRUN_ONCE);
		turns++;
	}
	assert_int_equal(dump_done_calls, 1);
	assert_int_equal(dump_done_err, 0);
	assert_false(nl_dump_async_running(nl));
	assert_int_equal(ndumped_bg_ours, 10000);
	assert_int_equal(nevents_ours, events0); /* dumped entries never look like events */
	assert_true(dump_threads_gone(tasks0));
	assert_int_equal(proc_count("/proc/self/fd"), fds0);

	/* cancelled: nothing more is reported, and the next one starts */
	ndumped_bg = 0;
	assert_int_equal(nl_dump_fdb_async(nl, on_dump_done), 0);
	nl_dump_async_cancel(nl);
	int before = ndumped_bg;
	for (int i = 0; i < 10; i++)
		ev_run(loop, EVRUN_NOWAIT);
	assert_int_equal(ndumped_bg, before);
	assert_int_equal(dump_done_calls, 1);
	assert_true(dump_threads_gone(tasks0)); /* the cancelled thread ended, its sockets closed */
	assert_int_equal(proc_count("/proc/self/fd"), fds0);
	assert_int_equal(nl_dump_fdb_async(nl, on_dump_done), 0);
	while (dump_done_calls < 2)
		ev_run(loop, EVRUN_ONCE);
	assert_int_equal(dump_done_err, 0);
}

/* A dump of chosen bridge ports: the kernel filters it (NDA_IFINDEX under strict checking), so only
 * those ports' entries come, none of the 10,000 on vx0; a port that went away is skipped; no port
 * at all is done at once. */
static void test_dump_ports(void **state)
{
	int vp0, ports[3], n77 = 0, others = 0;

	need_ns();
	vp0 = (int)if_nametoindex("vp0");
	assert_true(vp0 > 0);
	assert_int_equal(sh("for i in 1 2 3; do bridge fdb add 02:00:00:77:00:0$i dev vp0 master static "
			    "|| exit 1; done"), 0);
	ports[0] = 99999; /* gone (never was) */
	ports[1] = vp0;
	ports[2] = 99998;
	for (int i = 0; i < 10; i++)
		ev_run(loop, EVRUN_NOWAIT); /* the adds' events first: only the dump's reports count */
	ndumped_bg = ndumped_bg_ours = dump_done_calls = 0;
	reset();
	assert_int_equal(nl_dump_fdb_ports_async(nl, ports, 3, on_dump_done), 0);
	while (!dump_done_calls)
		ev_run(loop, EVRUN_ONCE);
	assert_int_equal(dump_done_err, 0);
	assert_int_equal(ndumped_bg_ours, 0);
	for (int i = 0; i < nfdbs; i++) {
		if (fdbs[i].ifindex != vp0)
			others++;
		else if (fdbs[i].mac[3] == 0x77 && fdbs[i].master)
			n77++;
	}
	assert_int_equal(others, 0);
	assert_int_equal(n77, 3);
	assert_false(nl_dump_async_running(nl));

	dump_done_calls = 0;
	assert_int_equal(nl_dump_fdb_ports_async(nl, NULL, 0, on_dump_done), 0);
	assert_int_equal(dump_done_calls, 1);
	assert_int_equal(dump_done_err, 0);
	assert_int_equal(sh("for i in 1 2 3; do bridge fdb del 02:00:00:77:00:0$i dev vp0 master; done"), 0);
}

/* A collect-metadata (external, vnifilter) device: the model of a VLAN-aware bridge with one VXLAN
 * device. Its entries are keyed by source VNI: evpnd sends NDA_SRC_VNI and reads it back. */
static void test_external_src_vni(void **state)
{
	struct nl_addr d2 = v4("10.0.0.2");
	const struct nl_link *vx;
	struct nl_fdb fl, m;
	int i, n = 0, vxi;

	need_ns();
	if (sh("ip link add vxe type vxlan local 10.0.0.1 dstport 4790 nolearning external vnifilter "
	       "&& ip link set vxe up") < 0)
		TEST_SKIP("this kernel has no VXLAN vnifilter");
	vxi = ifindex("vxe");
	assert_int_equal(nl_dump_links(nl), 0);
	vx = find_link("vxe");
	assert_non_null(vx);
	assert_true(vx->external);
	assert_true(vx->vnifilter);
	assert_int_equal(vx->vni, 0);

	fl = flood("vxe", d2);
	fl.src_vni = 1010;
	m = remote(mac_remote, "vxe", "vxe", d2);
	m.master = 0;
	m.flags = NTF_SELF | NTF_EXT_LEARNED;
	m.src_vni = 1020;
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_APPEND, &fl), 0);
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_REPLACE, &m), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vxe", "00:00:00:00:00:00 dst 10.0.0.2 src_vni 1010 self"), 1);
	assert_int_equal(bridge_lines("vxe", "02:00:00:00:00:02 dst 10.0.0.2 src_vni 1020 self"), 1);

	reset();
	assert_int_equal(nl_dump_fdb(nl), 0);
	for (i = 0; i < nfdbs; i++) {
		if (fdbs[i].ifindex != vxi)
			continue;
		if (!memcmp(fdbs[i].mac, mac_zero, 6))
			assert_int_equal(fdbs[i].src_vni, 1010);
		else
			assert_int_equal(fdbs[i].src_vni, 1020);
		n++;
	}
	assert_int_equal(n, 2);

	/* deleting needs the source VNI too: the same MAC could be in another VNI */
	assert_int_equal(nl_fdb_queue(nl, NL_FDB_DEL, &m), 0);
	assert_int_equal(nl_drain(nl, 2000), 0);
	assert_int_equal(nrefusals, 0);
	assert_int_equal(bridge_lines("vxe", "02:00:00:00:00:02"), 0);
	sh("ip link del vxe");
}

static void test_link_delete_event(void **state)
{
	need_ns();
	assert_int_equal(sh("ip link add vxdel type vxlan id 300 local 10.0.0.1 dstport 4789"), 0);
	assert_int_equal(sh("ip link del vxdel"), 0);
	assert_true(run_until(seen_vx_delete));
	assert_int_equal(overflows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_links),
		cmocka_unit_test(test_fdb_event_and_dump),
		cmocka_unit_test(test_remote_replace_del),
		cmocka_unit_test(test_flood_entries),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ipv6_dst),
		cmocka_unit_test(test_10k_replaces),
		cmocka_unit_test(test_dump_background),
		cmocka_unit_test(test_dump_ports),
		cmocka_unit_test(test_link_delete_event),
		cmocka_unit_test(test_external_src_vni),
	};
	return tu_exit(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
