/* SPDX-License-Identifier: Apache-2.0 */
/* Dumps (nl.h): synchronous ones for links and neighbours, the FDB's in the background (whole, or
 * chosen bridge ports), and probes of chosen FDB entries (a GET each). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_int.h"

/* A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is restarted up to this many times;
 * after that its (possibly inconsistent) result stands: the event stream carries the changes. */
#define NL_DUMP_RETRIES 8

static void put_dump_request(struct nlmsghdr *nlh, uint16_t type, uint8_t family, uint32_t ext_mask,
			     uint32_t seq, int port)
{
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = family;
		if (ext_mask)
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
	} else {
		struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
		ndm->ndm_family = family;
		ndm->ndm_ifindex = port; /* a bridge port's entries only (strict checking) */
	}
}

/* One datagram of dump replies for (portid, seq): 0 more to come, 1 done (*intr: the kernel saw
 * a concurrent change), -1 with errno (the kernel's error, or EPROTO). */
static int dump_datagram(struct nl *nl, const void *buf, size_t len, uint32_t portid, uint32_t seq,
			 bool *intr)
{
	const struct nlmsghdr *m = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (; nl_msg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
		if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
			continue; /* a stale reply of an earlier, abandoned dump */
		if (m->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		if (m->nlmsg_type == NLMSG_DONE)
			return 1;
		if (m->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr err;
			if (mnl_nlmsg_get_payload_len(m) < sizeof(err)) {
				errno = EPROTO;
				return -1;
			}
			memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
			errno = err.error < 0 ? -err.error : EPROTO;
			return -1;
		}
		nl_dispatch(nl, m, m->nlmsg_len, true);
	}
	return 0;
}

/* One pass of a dump: 1 when interrupted (restart), 0 done, -1 with errno. Replies go through
 * nl_dispatch, which ignores what is not a link or an AF_BRIDGE neighbour. */
static int dump_once(struct nl *nl, struct mnl_socket *sock, uint16_t type, uint8_t family,
		     uint32_t ext_mask, int port)
{
	uint8_t req[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	uint32_t seq = nl->dump_seq++;
	bool intr = false;

	put_dump_request(nlh, type, family, ext_mask, seq, port);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(sock, nl->dumpbuf, NL_RX_BYTES);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1; /* ENOBUFS included: the dump is incomplete */
		}
		r = dump_datagram(nl, nl->dumpbuf, (size_t)n, mnl_socket_get_portid(sock), seq, &intr);
		if (r)
			return r < 0 ? -1 : intr ? 1 : 0;
	}
}

static int dump_on(struct nl *nl, struct mnl_socket *sock, uint16_t type, uint8_t family,
		   uint32_t ext_mask, int port)
{
	int r = 1, i;

	for (i = 0; i <= NL_DUMP_RETRIES && r == 1; i++)
		r = dump_once(nl, sock, type, family, ext_mask, port);
	return r < 0 ? -1 : 0;
}

static int dump_ext(struct nl *nl, uint16_t type, uint8_t family, uint32_t ext_mask)
{
	return dump_on(nl, nl->dumps, type, family, ext_mask, 0);
}

static int dump(struct nl *nl, uint16_t type, uint8_t family)
{
	return dump_ext(nl, type, family, 0);
}

int nl_dump_fdb_dev(struct nl *nl, int ifindex)
{
	/* the kernel filters by device only with strict checking, which the shared dump socket
	 * cannot have (its other requests are not strict-shaped): a socket for this dump */
	struct mnl_socket *s = nl_open_sock(0, false);
	int one = 1, rc, e;

	if (!s)
		return -1;
	rc = mnl_socket_setsockopt(s, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (rc == 0)
		rc = dump_on(nl, s, RTM_GETNEIGH, AF_BRIDGE, 0, ifindex);
	e = errno;
	mnl_socket_close(s);
	errno = e;
	return rc;
}

int nl_dump_links(struct nl *nl)
{
	if (dump(nl, RTM_GETLINK, AF_UNSPEC) < 0)
		return -1;
	/* the ports' VLAN tunnel maps: after the links, so the VXLAN devices are known first */
	return nl->h.vlan_map ? dump_ext(nl, RTM_GETLINK, AF_BRIDGE, RTEXT_FILTER_BRVLAN) : 0;
}

int nl_dump_fdb(struct nl *nl)
{
	return dump(nl, RTM_GETNEIGH, AF_BRIDGE);
}

int nl_dump_routes(struct nl *nl)
{
	if (dump(nl, RTM_GETROUTE, AF_INET) < 0)
		return -1;
	return dump(nl, RTM_GETROUTE, AF_INET6);
}

int nl_dump_addrs(struct nl *nl)
{
	return dump(nl, RTM_GETADDR, AF_UNSPEC);
}

int nl_dump_neigh(struct nl *nl)
{
	if (dump(nl, RTM_GETNEIGH, AF_INET) < 0)
		return -1;
	return dump(nl, RTM_GETNEIGH, AF_INET6);
}

/* ---- the background FDB dump ---- */

static void adump_finish(struct nl *nl, int err)
{
	void (*done)(void *ctx, int err) = nl->adump_done;

	nl_dump_async_cancel(nl);
	if (done)
		done(nl->h.ctx, err);
}

/* Request k of a background dump (the whole FDB, or port k's entries) at buf: its length. */
static size_t adump_put(const struct nl *nl, uint8_t *buf, size_t k)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	put_dump_request(nlh, RTM_GETNEIGH, AF_BRIDGE, 0, nl->adump_seq0 + (uint32_t)k,
			 nl->adump_ports ? nl->adump_ports[k] : 0);
	return NLMSG_ALIGN(nlh->nlmsg_len);
}

/* Go on to the next dump of a background dump: its replies are the ones read from now on. The
 * thread asked for it already; without one, ask. */
static int adump_request(struct nl *nl)
{
	uint8_t req[64];
	size_t k = nl->adump_ports ? nl->adump_next++ : 0;

	nl->adump_seq = nl->adump_seq0 + (uint32_t)k;
	if (nl->adump_threaded)
		return 0;
	size_t len = adump_put(nl, req, k);
	return mnl_socket_sendto(nl->adump, req, len) < 0 ? -1 : 0;
}

/* Hand every request of the dump to a thread (nl_dump_thread): its kernel walks leave the loop. */
static int adump_thread_start(struct nl *nl, size_t nreq)
{
	uint8_t *reqs = malloc(nreq * 64);
	size_t len = 0;
	int fd;

	if (!reqs)
		return -1;
	for (size_t k = 0; k < nreq; k++)
		len += adump_put(nl, reqs + len, k);
	fd = nl_dump_thread(nl->adump, nl->adump_portid, reqs, len);
	free(reqs);
	if (fd < 0)
		return -1;
	nl->adump_threaded = true;
	nl->adump_fd = fd;
	return 0;
}

/* One dump of a background dump ended (err: positive errno, or 0): go on with the next port, or
 * finish. A port that went away meanwhile (ENODEV) has no entries to report. */
static void adump_next(struct nl *nl, int err)
{
	if (nl->adump_ports && nl->adump_next < nl->adump_nports && (!err || err == ENODEV)) {
		if (adump_request(nl) == 0)
			return;
		err = errno;
	}
	adump_finish(nl, err == ENODEV && nl->adump_ports ? 0 : err);
}

/* One slice: read until the dump ends or the slice's time is used (one read at least). A change
 * that interrupts the kernel's walk (NLM_F_DUMP_INTR) does not restart it: the events carry the
 * change, and a restart under steady churn of a large table would never end. */
static void adump_slice(struct nl *nl, bool whole)
{
	double t0 = nl_mono_ms();
	bool intr = false;

	do {
		ssize_t n = nl->adump_threaded ? recv(nl->adump_fd, nl->dumpbuf, NL_RX_BYTES, 0)
						: mnl_socket_recvfrom(nl->adump, nl->dumpbuf, NL_RX_BYTES);
		int r;

		if (n == 0) {
			adump_finish(nl, EPIPE); /* the thread ended before the dump's end: cannot be */
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && !whole)
				return; /* the kernel builds the next reply on our next read */
			if (errno == EAGAIN)
				continue;
			adump_finish(nl, errno); /* ENOBUFS included: the dump is incomplete */
			return;
		}
		r = dump_datagram(nl, nl->dumpbuf, (size_t)n, nl->adump_portid, nl->adump_seq, &intr);
		if (!nl->adump)
			return; /* a hook cancelled it */
		if (r) {
			adump_next(nl, r < 0 ? errno : 0);
			if (!nl->adump)
				return;
		}
	} while (whole || nl_mono_ms() - t0 < NL_DUMP_SLICE_MS);
}

static void probe_slice(struct nl *nl, bool whole);

static void adump_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nl *nl = w->data;
	(void)loop;
	(void)revents;
	if (nl->probe_next)
		probe_slice(nl, false);
	else
		adump_slice(nl, false);
}

/* The background socket: blocking without a loop (the whole dump is read at once). Strict checking
 * makes the kernel read ndm_ifindex as a port filter and accept a GET's attributes. */
static int adump_open(struct nl *nl, void (*done)(void *ctx, int err))
{
	int one = 1;

	if (nl->adump) {
		errno = EBUSY;
		return -1;
	}
	nl->adump = nl_open_sock(0, nl->loop != NULL);
	if (!nl->adump)
		return -1;
	nl_set_rcvbuf(nl->adump, 1u << 20);
	nl->adump_portid = mnl_socket_get_portid(nl->adump);
	nl->adump_done = done;
	if (mnl_socket_setsockopt(nl->adump, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0) {
		int e = errno;
		nl_dump_async_cancel(nl);
		errno = e;
		return -1;
	}
	return 0;
}

static void adump_watch(struct nl *nl)
{
	ev_io_init(&nl->adump_w, adump_cb,
		   nl->adump_threaded ? nl->adump_fd : mnl_socket_get_fd(nl->adump), EV_READ);
	nl->adump_w.data = nl;
	ev_io_start(nl->loop, &nl->adump_w);
}

static int adump_start(struct nl *nl, const int *ports, size_t n, void (*done)(void *ctx, int err))
{
	if (adump_open(nl, done) < 0)
		return -1;
	if (ports) {
		if (!(nl->adump_ports = malloc(n * sizeof *ports))) {
			int e = errno;
			nl_dump_async_cancel(nl);
			errno = e;
			return -1;
		}
		memcpy(nl->adump_ports, ports, n * sizeof *ports);
		nl->adump_nports = n;
		nl->adump_next = 0;
	}
	size_t nreq = ports ? n : 1;
	nl->adump_seq0 = nl->dump_seq;
	nl->dump_seq += (uint32_t)nreq;
	if ((nl->loop && adump_thread_start(nl, nreq) < 0) || adump_request(nl) < 0) {
		int e = errno;
		nl_dump_async_cancel(nl);
		errno = e;
		return -1;
	}
	if (!nl->loop) {
		adump_slice(nl, true);
		return 0;
	}
	adump_watch(nl);
	return 0;
}

int nl_dump_fdb_async(struct nl *nl, void (*done)(void *ctx, int err))
{
	return adump_start(nl, NULL, 0, done);
}

int nl_dump_fdb_ports_async(struct nl *nl, const int *ports, size_t n,
			    void (*done)(void *ctx, int err))
{
	if (!n) {
		if (nl->adump) {
			errno = EBUSY;
			return -1;
		}
		if (done)
			done(nl->h.ctx, 0); /* nothing to read: done at once, as a dump of nothing is */
		return 0;
	}
	return adump_start(nl, ports, n, done);
}

bool nl_dump_async_running(const struct nl *nl)
{
	return nl->adump != NULL;
}

void nl_dump_async_cancel(struct nl *nl)
{
	if (!nl->adump)
		return;
	if (nl->loop)
		ev_io_stop(nl->loop, &nl->adump_w);
	if (nl->adump_threaded)
		close(nl->adump_fd); /* the thread ends, closing nl->adump */
	else
		mnl_socket_close(nl->adump);
	nl->adump_threaded = false;
	nl->adump = NULL;
	nl->adump_done = NULL;
	free(nl->adump_ports);
	nl->adump_ports = NULL;
	nl->adump_nports = nl->adump_next = 0;
	nl->probe_next = NULL;
	nl->probe_more = false;
	nl->probe_inflight = 0;
}

/* ---- probes: a GET per entry ---- */

static size_t probe_put(struct nl *nl, uint8_t *buf, const struct nl_fdb *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = nl->adump_seq;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = f->ifindex;
	mnl_attr_put(nlh, NDA_LLADDR, 6, f->mac);
	if (f->flags & NTF_MASTER) {
		/* the bridge's entry on the port: keyed by MAC and VLAN */
		ndm->ndm_flags = NTF_MASTER;
		if (f->vlan)
			mnl_attr_put_u16(nlh, NDA_VLAN, f->vlan);
	} else {
		ndm->ndm_flags = NTF_SELF; /* the VXLAN device's own entry */
		if (f->src_vni)
			mnl_attr_put_u32(nlh, NDA_VNI, f->src_vni); /* a shared device's key beside the MAC */
	}
	return nlh->nlmsg_len;
}

/* Ask for up to the window's room of keys in one sendmsg. -1 with errno when it cannot be sent. */
static int probe_send(struct nl *nl)
{
	uint8_t *buf = nl->dumpbuf;
	size_t len = 0;
	unsigned n = 0, batch = nl->probe_batch ? nl->probe_batch : NL_PROBE_WINDOW;

	while (nl->probe_more && nl->probe_inflight < NL_PROBE_WINDOW && n < batch &&
	       len + 64 <= NL_RX_BYTES) { /* a GET is under 64 bytes */
		struct nl_fdb f;
		memset(&f, 0, sizeof f);
		if (!nl->probe_next(nl->h.ctx, &f)) {
			nl->probe_more = false;
			break;
		}
		if (f.ifindex <= 0)
			continue;
		len += probe_put(nl, buf + len, &f);
		nl->probe_inflight++;
		n++;
	}
	if (!len)
		return 0;
	double t0 = nl_mono_ms();
	if (mnl_socket_sendto(nl->adump, buf, len) < 0)
		return -1;
	nl->probe_batch = nl_batch_next(nl->probe_batch, n, nl_mono_ms() - t0, NL_PROBE_WINDOW);
	return 0;
}

/* One datagram of answers: 0, or a positive errno the kernel refused a probe with (other than
 * ENOENT and ENODEV: the entry, or its device, is not there). */
static int probe_datagram(struct nl *nl, const void *buf, size_t len)
{
	const struct nlmsghdr *m = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (; nl_msg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
		if (m->nlmsg_seq != nl->adump_seq || m->nlmsg_pid != nl->adump_portid)
			continue;
		if (nl->probe_inflight)
			nl->probe_inflight--;
		if (m->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr err;
			int e;
			if (mnl_nlmsg_get_payload_len(m) < sizeof(err))
				return EPROTO;
			memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
			e = -err.error;
			if (e && e != ENOENT && e != ENODEV)
				return e;
			continue;
		}
		nl_dispatch(nl, m, m->nlmsg_len, true);
		if (!nl->adump)
			return 0; /* a hook cancelled it */
	}
	return 0;
}

/* Ask and read for about NL_DUMP_SLICE_MS (all of it when whole). Whenever it returns unfinished,
 * probes are in flight: their answers wake the loop's watcher. */
static void probe_slice(struct nl *nl, bool whole)
{
	double t0 = nl_mono_ms();

	for (;;) {
		ssize_t n;
		int e;

		if (probe_send(nl) < 0) {
			adump_finish(nl, errno);
			return;
		}
		if (!nl->probe_more && !nl->probe_inflight) {
			adump_finish(nl, 0);
			return;
		}
		if (!whole && nl_mono_ms() - t0 >= NL_DUMP_SLICE_MS)
			return;
		n = mnl_socket_recvfrom(nl->adump, nl->dumpbuf, NL_RX_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && !whole)
				return;
			adump_finish(nl, errno); /* ENOBUFS included: answers were lost */
			return;
		}
		e = probe_datagram(nl, nl->dumpbuf, (size_t)n);
		if (!nl->adump)
			return;
		if (e) {
			adump_finish(nl, e);
			return;
		}
	}
}

int nl_fdb_probe_async(struct nl *nl, bool (*next)(void *ctx, struct nl_fdb *f),
		       void (*done)(void *ctx, int err))
{
	if (adump_open(nl, done) < 0)
		return -1;
	nl->adump_seq = nl->dump_seq++;
	nl->probe_next = next;
	nl->probe_more = true;
	nl->probe_inflight = 0;
	if (!nl->loop) {
		probe_slice(nl, true);
		return 0;
	}
	adump_watch(nl);
	probe_slice(nl, false); /* the first probes: their answers wake the watcher */
	return 0;
}
