/* SPDX-License-Identifier: Apache-2.0 */
/* The record of installed entries (krecord.h). */
#include "krecord.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "wire.h"

#define MAGIC "EVPNDFDB2 "
#define BOOT_ID_LEN 36
/* MAGIC, the boot id, " ", the live count (krec_set_live, 12 digits), "\n" */
#define LIVE_AT (sizeof(MAGIC) - 1 + BOOT_ID_LEN + 1)
#define LIVE_LEN 12
#define HDR_LEN (LIVE_AT + LIVE_LEN + 1)
#define BUF_FLUSH (64u * 1024)
/* Records are 12-byte slots, so a start counts them by the file's size and finds a write cut short
 * by a crash without reading them: a MAC or an IPv4 flood entry takes one, an IPv6 flood entry two
 * (KREC6_HEAD with the address's first 7 bytes, KREC6_TAIL with the other 9). */
#define SLOT 12
#define REC_MAX (2 * SLOT)
enum { KREC6_HEAD = 3, KREC6_TAIL = 4 };
#define PREV_MAX (1u << 30) /* a record past 1 GiB is not ours: no record */

/* This boot's id: a record written before a reboot describes a kernel that is gone. */
static void boot_id(char id[BOOT_ID_LEN + 1])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	memset(id, '?', BOOT_ID_LEN);
	id[BOOT_ID_LEN] = '\0';
	if (f) {
		if (!fgets(id, BOOT_ID_LEN + 1, f) || strlen(id) != BOOT_ID_LEN)
			memset(id, '?', BOOT_ID_LEN);
		id[BOOT_ID_LEN] = '\0';
		fclose(f);
	}
}

void krec_path(char *out, size_t outlen, const char *sock)
{
	size_t n = strlen(sock);

	if (n >= 5 && !strcmp(sock + n - 5, ".sock"))
		n -= 5;
	snprintf(out, outlen, "%.*s.fdb", (int)n, sock);
}

size_t krec_decode(const uint8_t *p, size_t len, struct krec_key *k)
{
	struct rbuf r, t;
	uint32_t okey;
	uint8_t type, tail;

	rbuf_init(&r, p, len < REC_MAX ? len : REC_MAX);
	memset(k, 0, sizeof *k);
	if (rbuf_sub(&r, SLOT, &t) || rbuf_u8(&t, &type) || rbuf_u32(&t, &okey))
		return 0;
	k->okey = (int32_t)okey;
	switch (type) {
	case KREC_MAC:
		k->type = KREC_MAC;
		return rbuf_bytes(&t, k->mac, 6) ? 0 : SLOT;
	case KREC_FLOOD:
		k->type = KREC_FLOOD;
		if (rbuf_u8(&t, &k->dst.af) || k->dst.af != AF_INET || rbuf_bytes(&t, k->dst.a, 4))
			return 0;
		return SLOT;
	case KREC6_HEAD:
		k->type = KREC_FLOOD;
		k->dst.af = AF_INET6;
		if (rbuf_bytes(&t, k->dst.a, 7) || rbuf_sub(&r, SLOT, &t) || rbuf_u8(&t, &tail) ||
		    tail != KREC6_TAIL || rbuf_bytes(&t, k->dst.a + 7, 9))
			return 0;
		return 2 * SLOT;
	default:
		return 0;
	}
}

static size_t encode(uint8_t *p, const struct krec_key *k)
{
	struct wbuf w;

	memset(p, 0, REC_MAX);
	wbuf_init(&w, p, REC_MAX);
	if (k->type == KREC_FLOOD && k->dst.af == AF_INET6) {
		wbuf_u8(&w, KREC6_HEAD);
		wbuf_u32(&w, (uint32_t)k->okey);
		wbuf_bytes(&w, k->dst.a, 7);
		wbuf_u8(&w, KREC6_TAIL);
		wbuf_bytes(&w, k->dst.a + 7, 9);
		return w.err ? 0 : 2 * SLOT;
	}
	wbuf_u8(&w, k->type);
	wbuf_u32(&w, (uint32_t)k->okey);
	if (k->type == KREC_MAC) {
		wbuf_bytes(&w, k->mac, 6);
	} else {
		wbuf_u8(&w, AF_INET);
		wbuf_bytes(&w, k->dst.a, 4);
	}
	return w.err ? 0 : SLOT;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
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

static int write_header(int fd)
{
	char h[HDR_LEN + 1], id[BOOT_ID_LEN + 1];

	boot_id(id);
	snprintf(h, sizeof h, MAGIC "%s %0*u\n", id, LIVE_LEN, 0u);
	return write_all(fd, (const uint8_t *)h, HDR_LEN);
}

/* Map a file of this boot as r->prev (mapped, not read: at a million entries a read alone takes a
 * start-up tens of milliseconds; the sweep touches its pages a step at a time). False: not one of
 * ours, or not this boot. */
static bool read_prev(struct krecord *r, int fd)
{
	char want[HDR_LEN + 1], id[BOOT_ID_LEN + 1];
	uint8_t h[HDR_LEN];
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0 || st.st_size < (off_t)HDR_LEN || st.st_size > (off_t)PREV_MAX ||
	    pread(fd, h, HDR_LEN, 0) != (ssize_t)HDR_LEN)
		return false;
	boot_id(id);
	snprintf(want, sizeof want, MAGIC "%s ", id);
	if (memcmp(h, want, LIVE_AT) || strchr(id, '?') || h[HDR_LEN - 1] != '\n')
		return false;
	for (size_t i = LIVE_AT; i < LIVE_AT + LIVE_LEN; i++) {
		if (h[i] < '0' || h[i] > '9')
			return false;
		r->live_prev = r->live_prev * 10 + (uint64_t)(h[i] - '0');
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return false;
	r->live = r->live_prev;
	/* whole slots only: a write cut short by a crash ends the file (an IPv6 entry cut after its
	 * first slot is skipped when read) */
	r->prev = p;
	r->prevmap = (size_t)st.st_size;
	r->prevpos = HDR_LEN;
	r->prevlen = HDR_LEN + ((size_t)st.st_size - HDR_LEN) / SLOT * SLOT;
	r->nprev = ((size_t)st.st_size - HDR_LEN) / SLOT;
	return true;
}

int krec_open(struct krecord *r, const char *path)
{
	int fd;

	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->rw_fd = -1;
	if (snprintf(r->path, sizeof r->path, "%s", path) >= (int)sizeof r->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* the control socket's directory (/run/evpnd) is made when the socket opens, later */
		char dir[sizeof r->path], *slash;
		snprintf(dir, sizeof dir, "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) == 0 || errno == EEXIST)
				fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		}
	}
	if (fd < 0)
		return -1;
	if (read_prev(r, fd)) {
		/* keep appending: until the sweep is done, the previous run's keys must stay written */
		r->nrec = r->nprev;
		if (ftruncate(fd, (off_t)r->prevlen) < 0 ||
		    lseek(fd, 0, SEEK_END) < 0) {
			int e = errno;
			close(fd);
			krec_prev_free(r);
			errno = e;
			return -1;
		}
	} else if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 || write_header(fd) < 0) {
		int e = errno;
		close(fd);
		(void)unlink(path);
		errno = e;
		return -1;
	}
	r->fd = fd;
	return 0;
}

/* A write failed: an incomplete record must not be trusted by the next start. */
static void fail(struct krecord *r, int err)
{
	krec_rewrite_abort(r); /* renamed over the path, it would bring back what is incomplete */
	log_msg(LOG_ERR, "kernel record %s: %s; not kept (a restart will dump the kernel's FDB)",
		r->path, strerror(err));
	(void)ftruncate(r->fd, 0); /* no header: not trusted, even where it cannot be removed */
	close(r->fd);
	r->fd = -1;
	(void)unlink(r->path);
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
	errno = err;
}

int krec_flush(struct krecord *r)
{
	if (r->fd < 0 || !r->len)
		return r->fd < 0 && r->len ? -1 : 0;
	if (write_all(r->fd, r->buf, r->len) < 0) {
		fail(r, errno);
		return -1;
	}
	r->len = 0;
	return 0;
}

/* Room for one more record in a buffer; false when memory runs out. */
static bool room(uint8_t **buf, size_t len, size_t *cap)
{
	if (*cap - len >= REC_MAX)
		return true;
	size_t ncap = *cap ? *cap * 2 : BUF_FLUSH + REC_MAX;
	uint8_t *b = realloc(*buf, ncap);
	if (!b)
		return false;
	*buf = b;
	*cap = ncap;
	return true;
}

void krec_rewrite_abort(struct krecord *r)
{
	char tmp[sizeof r->path + 4];

	if (r->rw_fd < 0)
		return;
	close(r->rw_fd);
	r->rw_fd = -1;
	snprintf(tmp, sizeof tmp, "%s.new", r->path);
	(void)unlink(tmp);
	free(r->rw_buf);
	r->rw_buf = NULL;
	r->rw_len = r->rw_cap = 0;
}

static void rw_put(struct krecord *r, const uint8_t *rec, size_t n)
{
	if (!room(&r->rw_buf, r->rw_len, &r->rw_cap)) {
		krec_rewrite_abort(r); /* the old file stays: still a superset */
		return;
	}
	memcpy(r->rw_buf + r->rw_len, rec, n);
	r->rw_len += n;
	r->rw_nrec += n / SLOT;
	if (r->rw_len >= BUF_FLUSH) {
		if (write_all(r->rw_fd, r->rw_buf, r->rw_len) < 0)
			krec_rewrite_abort(r);
		else
			r->rw_len = 0;
	}
}

void krec_add(struct krecord *r, const struct krec_key *k)
{
	size_t n;

	if (r->fd < 0)
		return;
	if (!room(&r->buf, r->len, &r->cap)) {
		fail(r, ENOMEM);
		return;
	}
	n = encode(r->buf + r->len, k);
	if (r->rw_fd >= 0)
		rw_put(r, r->buf + r->len, n); /* the file being written must have it too */
	r->len += n;
	r->nrec += n / SLOT;
	if (r->len >= BUF_FLUSH)
		(void)krec_flush(r);
}

int krec_rewrite_begin(struct krecord *r)
{
	char tmp[sizeof r->path + 4];
	int fd;

	if (r->fd < 0 || r->rw_fd >= 0) {
		errno = r->fd < 0 ? EBADF : EBUSY;
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.new", r->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (write_header(fd) < 0) {
		int e = errno;
		close(fd);
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	r->rw_fd = fd;
	r->rw_nrec = 0;
	return 0;
}

void krec_rewrite_add(struct krecord *r, const struct krec_key *k)
{
	uint8_t rec[REC_MAX];
	size_t n;

	if (r->rw_fd < 0)
		return;
	n = encode(rec, k);
	rw_put(r, rec, n);
}

int krec_rewrite_end(struct krecord *r)
{
	char tmp[sizeof r->path + 4];

	if (r->rw_fd < 0) {
		errno = ECANCELED;
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.new", r->path);
	if ((r->rw_len && write_all(r->rw_fd, r->rw_buf, r->rw_len) < 0) || krec_flush(r) < 0 ||
	    rename(tmp, r->path) < 0) {
		int e = errno;
		krec_rewrite_abort(r);
		errno = e;
		return -1;
	}
	/* the old file's unwritten keys are in the new one too: it was written alongside */
	close(r->fd);
	r->fd = r->rw_fd;
	r->nrec = r->rw_nrec;
	r->live = 0; /* the new header says 0 until krec_set_live writes the count */
	r->rw_fd = -1;
	free(r->rw_buf);
	r->rw_buf = NULL;
	r->rw_len = r->rw_cap = 0;
	return 0;
}

bool krec_rewriting(const struct krecord *r)
{
	return r->rw_fd >= 0;
}

void krec_set_live(struct krecord *r, uint64_t n)
{
	char d[LIVE_LEN + 1];

	if (r->fd < 0 || n == r->live || n > 999999999999ull)
		return;
	snprintf(d, sizeof d, "%0*llu", LIVE_LEN, (unsigned long long)n);
	if (pwrite(r->fd, d, LIVE_LEN, LIVE_AT) == LIVE_LEN)
		r->live = n;
}

bool krec_prev_next(struct krecord *r, struct krec_key *k)
{
	while (r->prev && r->prevpos < r->prevlen) {
		size_t n = krec_decode(r->prev + r->prevpos, r->prevlen - r->prevpos, k);
		r->prevpos += n ? n : SLOT; /* a damaged slot is skipped, not the rest */
		if (n)
			return true;
	}
	return false;
}

void krec_prev_free(struct krecord *r)
{
	if (r->prev)
		munmap((void *)(uintptr_t)r->prev, r->prevmap);
	r->prev = NULL;
	r->prevlen = r->prevpos = r->prevmap = 0;
	r->nprev = 0;
}

/* Where the directory is not ours to write (privileges dropped to `user`, /run/evpnd root's), no
 * new file can be made beside the record, so it is rewritten where it is: a crash in those
 * milliseconds leaves it short of some entries, whose leftovers a restart then does not sweep
 * (`evpnctl audit` reports them). */
int krec_rewrite(struct krecord *r, void (*walk)(void *ctx, struct krecord *r), void *ctx)
{
	if (r->fd < 0)
		return 0;
	if (krec_flush(r) < 0)
		return -1;
	if (ftruncate(r->fd, 0) < 0 || lseek(r->fd, 0, SEEK_SET) < 0 || write_header(r->fd) < 0) {
		fail(r, errno);
		return -1;
	}
	r->nrec = 0;
	r->live = 0; /* the new header says 0 until krec_set_live writes the count */
	walk(ctx, r);
	return krec_flush(r);
}

void krec_close(struct krecord *r)
{
	krec_rewrite_abort(r);
	if (r->fd >= 0) {
		(void)krec_flush(r);
		if (r->fd >= 0)
			close(r->fd);
	}
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
	krec_prev_free(r);
}
