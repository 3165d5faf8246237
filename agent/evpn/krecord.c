/* The record of installed entries (krecord.h). */
#include "krecord.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "wire.h"

#define MAGIC "EVPNDFDB1 "
#define BOOT_ID_LEN 36
#define HDR_LEN (sizeof(MAGIC) - 1 + BOOT_ID_LEN + 1)
#define BUF_FLUSH (64u * 1024)
#define REC_MAX 22 /* type, okey, af, 16 address bytes */
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
	struct rbuf r;
	uint32_t okey;

	rbuf_init(&r, p, len);
	memset(k, 0, sizeof *k);
	if (rbuf_u8(&r, &k->type) || rbuf_u32(&r, &okey))
		return 0;
	k->okey = (int32_t)okey;
	if (k->type == KREC_MAC) {
		if (rbuf_bytes(&r, k->mac, 6))
			return 0;
	} else if (k->type == KREC_FLOOD) {
		if (rbuf_u8(&r, &k->dst.af) || (k->dst.af != AF_INET && k->dst.af != AF_INET6) ||
		    rbuf_bytes(&r, k->dst.a, k->dst.af == AF_INET ? 4 : 16))
			return 0;
	} else {
		return 0;
	}
	return len - rbuf_left(&r);
}

static size_t encode(uint8_t *p, const struct krec_key *k)
{
	struct wbuf w;

	wbuf_init(&w, p, REC_MAX);
	wbuf_u8(&w, k->type);
	wbuf_u32(&w, (uint32_t)k->okey);
	if (k->type == KREC_MAC) {
		wbuf_bytes(&w, k->mac, 6);
	} else {
		wbuf_u8(&w, k->dst.af);
		wbuf_bytes(&w, k->dst.a, k->dst.af == AF_INET ? 4 : 16);
	}
	return w.err ? 0 : w.len;
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
	snprintf(h, sizeof h, MAGIC "%s\n", id);
	return write_all(fd, (const uint8_t *)h, HDR_LEN);
}

/* Read a file of this boot into r->prev (records only). False: not one of ours, or not this boot. */
static bool read_prev(struct krecord *r, int fd)
{
	char want[HDR_LEN + 1], id[BOOT_ID_LEN + 1];
	struct stat st;
	uint8_t *p;
	size_t got = 0;

	if (fstat(fd, &st) < 0 || st.st_size < (off_t)HDR_LEN || st.st_size > (off_t)PREV_MAX)
		return false;
	p = malloc((size_t)st.st_size);
	if (!p)
		return false;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	boot_id(id);
	snprintf(want, sizeof want, MAGIC "%s\n", id);
	if (got < HDR_LEN || memcmp(p, want, HDR_LEN) || strchr(id, '?')) {
		free(p);
		return false;
	}
	memmove(p, p + HDR_LEN, got - HDR_LEN);
	r->prev = p;
	r->prevlen = got - HDR_LEN;
	r->prevpos = 0;
	/* count the whole records; a tail cut by a crash mid-write ends the file */
	for (size_t at = 0, n; at < r->prevlen; at += n) {
		struct krec_key k;
		n = krec_decode(p + at, r->prevlen - at, &k);
		if (!n) {
			r->prevlen = at;
			break;
		}
		r->nprev++;
	}
	return true;
}

int krec_open(struct krecord *r, const char *path)
{
	int fd;

	memset(r, 0, sizeof *r);
	r->fd = -1;
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
		if (ftruncate(fd, (off_t)(HDR_LEN + r->prevlen)) < 0 ||
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

void krec_add(struct krecord *r, const struct krec_key *k)
{
	if (r->fd < 0)
		return;
	if (r->cap - r->len < REC_MAX) {
		size_t cap = r->cap ? r->cap * 2 : BUF_FLUSH + REC_MAX;
		uint8_t *b = realloc(r->buf, cap);
		if (!b) {
			fail(r, ENOMEM);
			return;
		}
		r->buf = b;
		r->cap = cap;
	}
	r->len += encode(r->buf + r->len, k);
	r->nrec++;
	if (r->len >= BUF_FLUSH)
		(void)krec_flush(r);
}

bool krec_prev_next(struct krecord *r, struct krec_key *k)
{
	size_t n;

	if (!r->prev || r->prevpos >= r->prevlen)
		return false;
	n = krec_decode(r->prev + r->prevpos, r->prevlen - r->prevpos, k);
	if (!n)
		return false;
	r->prevpos += n;
	return true;
}

void krec_prev_free(struct krecord *r)
{
	free(r->prev);
	r->prev = NULL;
	r->prevlen = r->prevpos = 0;
	r->nprev = 0;
}

/* Where the directory is not ours to write (privileges dropped to `user`, /run/evpnd root's), the
 * file is rewritten where it is: a crash in those milliseconds leaves it short of some entries, whose
 * leftovers a restart then does not sweep (`evpnctl audit` reports them). */
static int rewrite_in_place(struct krecord *r, void (*walk)(void *ctx, struct krecord *r), void *ctx)
{
	if (ftruncate(r->fd, 0) < 0 || lseek(r->fd, 0, SEEK_SET) < 0 || write_header(r->fd) < 0) {
		fail(r, errno);
		return -1;
	}
	r->nrec = 0;
	walk(ctx, r);
	return krec_flush(r);
}

int krec_rewrite(struct krecord *r, void (*walk)(void *ctx, struct krecord *r), void *ctx)
{
	char tmp[sizeof r->path + 4];
	int old = r->fd, fd, e;
	uint64_t nrec = r->nrec;

	if (old < 0)
		return 0;
	if (krec_flush(r) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.new", r->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return rewrite_in_place(r, walk, ctx);
	if (fd < 0)
		return -1;
	if (write_header(fd) < 0)
		goto bad;
	r->fd = fd;
	r->nrec = 0;
	walk(ctx, r);
	if (r->fd >= 0)
		(void)krec_flush(r);
	if (r->fd < 0) { /* a write failed: fail() closed the new file and removed the record */
		e = errno;
		close(old);
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	if (rename(tmp, r->path) < 0) {
		e = errno;
		close(r->fd);
		r->fd = old; /* the old file is still whole, and still a superset */
		r->nrec = nrec;
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	close(old);
	return 0;
bad:
	e = errno;
	close(fd);
	(void)unlink(tmp);
	errno = e;
	return -1;
}

void krec_close(struct krecord *r)
{
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
