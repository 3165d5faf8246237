/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The INI configuration (see config.h): reading the file; the keys are in config_keys.c.
 *
 * inih splits lines into section/name/value; our own line reader in front of it counts lines (Debian
 * builds inih without INI_HANDLER_LINENO), sees section headers first so that duplicate, unknown
 * and empty sections get their own line, and refuses lines inih would silently split.
 * The first error in file order wins; checks that need the whole file run at the end.
 */
#include "config_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Record "FILE:LINE: message" unless an earlier error is already recorded. */
void cfg_fail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->err_line)
		return;
	ld->err_line = line > 0 ? line : 1;
	n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->cfg->path, ld->err_line);
	if (n < 0 || (size_t)n >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------------------ sections */

/* Grow *arr (of elem-sized items, *cap of them) so one more fits. */
static int grow(void **arr, unsigned *cap, unsigned used, size_t elem)
{
	if (used < *cap)
		return 0;
	unsigned ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static void open_global(struct loader *ld)
{
	if (ld->global_line) {
		cfg_fail(ld, ld->line, "[global] duplicate section (first on line %d)", ld->global_line);
		return;
	}
	ld->global_line = ld->line;
	ld->kind = SECT_GLOBAL;
	ld->keys = cfg_global_keys;
}

static void open_neighbor(struct loader *ld, const char *arg)
{
	struct config *cfg = ld->cfg;
	struct ipaddr a;
	unsigned old_cap = ld->nbr_cap;

	if (ipaddr_parse(arg, &a) || cfg_ip_is_zero(&a)) {
		cfg_fail(ld, ld->line, "%s \"%s\" is not an IP address", ld->label, arg);
		return;
	}
	/* an IPv4-mapped IPv6 address is the IPv4 neighbor: sessions would match either to it */
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	bool mapped = a.af == AF_INET6 && !memcmp(a.a, v4mapped, sizeof v4mapped);
	if (mapped) {
		uint8_t v4[4];
		memcpy(v4, a.a + 12, 4);
		memset(&a, 0, sizeof a);
		a.af = AF_INET;
		memcpy(a.a, v4, 4);
	}
	for (unsigned i = 0; i < cfg->nnbr; i++)
		if (!ipaddr_cmp(&cfg->nbr[i].n.addr, &a)) {
			char b[IPADDR_STRLEN];
			if (mapped)
				cfg_fail(ld, ld->line, "%s duplicate section: the same neighbor as "
					 "[neighbor %s] (line %d)", ld->label, ipaddr_str(&a, b),
					 cfg->nbr[i].line);
			else
				cfg_fail(ld, ld->line, "%s duplicate section (first on line %d)",
					 ld->label, cfg->nbr[i].line);
			return;
		}
	if (grow((void **)&cfg->nbr, &ld->nbr_cap, cfg->nnbr, sizeof *cfg->nbr)) {
		cfg_fail(ld, ld->line, "out of memory");
		return;
	}
	if (ld->nbr_cap != old_cap) {
		bool *h = realloc(ld->nbr_hold_set, ld->nbr_cap * sizeof *h);
		if (!h) {
			cfg_fail(ld, ld->line, "out of memory");
			return;
		}
		ld->nbr_hold_set = h;
	}
	struct cfg_neighbor *cn = &cfg->nbr[cfg->nnbr];
	memset(cn, 0, sizeof *cn);
	cn->line = ld->line;
	cn->n.addr = a;
	cn->n.port = 179;
	cn->n.fam_mask = FAM_ALL;
	ld->nbr_hold_set[cfg->nnbr] = false;
	cfg->nnbr++;
	ld->kind = SECT_NEIGHBOR;
	ld->keys = cfg_neighbor_keys;
}

static void open_vni(struct loader *ld, const char *arg)
{
	struct config *cfg = ld->cfg;
	uint32_t vni;

	if (parse_u32(arg, 1, 16777215, &vni)) {
		cfg_fail(ld, ld->line, "%s \"%s\" is not a VNI (1-16777215)", ld->label, arg);
		return;
	}
	for (unsigned i = 0; i < cfg->nvni; i++)
		if (cfg->vni[i].vni == vni) {
			cfg_fail(ld, ld->line, "%s duplicate section (first on line %d)", ld->label,
			     cfg->vni[i].line);
			return;
		}
	if (grow((void **)&cfg->vni, &ld->vni_cap, cfg->nvni, sizeof *cfg->vni)) {
		cfg_fail(ld, ld->line, "out of memory");
		return;
	}
	struct cfg_vni *v = &cfg->vni[cfg->nvni++];
	memset(v, 0, sizeof *v);
	v->vni = vni;
	v->line = ld->line;
	v->rd_auto = true;
	v->rt_auto = true;
	ld->kind = SECT_VNI;
	ld->keys = cfg_vni_keys;
}

/* A VRF device's name as the kernel takes it: 1-15 characters, no '/', no blank, not "." or "..". */
static bool vrf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-@+", s[i]))
			return false;
	return true;
}

static void open_vrf(struct loader *ld, const char *arg)
{
	struct config *cfg = ld->cfg;

	if (!vrf_name_ok(arg)) {
		cfg_fail(ld, ld->line, "%s \"%s\" is not a VRF device name (1-15 letters, digits, '.', "
			 "'_', '-', '@' or '+')", ld->label, arg);
		return;
	}
	for (unsigned i = 0; i < cfg->nvrf; i++)
		if (!strcmp(cfg->vrf[i].name, arg)) {
			cfg_fail(ld, ld->line, "%s duplicate section (first on line %d)", ld->label,
				 cfg->vrf[i].line);
			return;
		}
	if (grow((void **)&cfg->vrf, &ld->vrf_cap, cfg->nvrf, sizeof *cfg->vrf)) {
		cfg_fail(ld, ld->line, "out of memory");
		return;
	}
	struct cfg_vrf *v = &cfg->vrf[cfg->nvrf++];
	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "%s", arg);
	v->line = ld->line;
	v->r.line = ld->line;
	v->r.rd_auto = true;
	v->r.rt_auto = true;
	v->advertise_connected = true;
	ld->kind = SECT_VRF;
	ld->keys = cfg_vrf_keys;
}

/* A line whose first non-blank character is '[': "[global]", "[neighbor ADDR]", "[vni N]",
 * "[vrf NAME]". */
static void open_section(struct loader *ld, const char *p)
{
	const char *end = strchr(p, ']');
	char name[80], *word, *arg, *extra;
	size_t n;

	ld->kind = SECT_BAD;
	ld->keys = NULL;
	ld->rt_explicit_auto = false;
	memset(ld->key_line, 0, sizeof ld->key_line);
	snprintf(ld->label, sizeof ld->label, "[?]");
	if (!end) {
		cfg_fail(ld, ld->line, "section header without closing ']'");
		return;
	}
	const char *after = end + 1 + strspn(end + 1, " \t\r\n");
	if (*after && *after != ';' && *after != '#') {
		cfg_fail(ld, ld->line, "unexpected text after section header: \"%.*s\"",
		     (int)strcspn(after, "\r\n"), after);
		return;
	}
	n = (size_t)(end - p - 1);
	if (n >= sizeof name) {
		cfg_fail(ld, ld->line, "section name too long");
		return;
	}
	memcpy(name, p + 1, n);
	name[n] = '\0';
	word = name + strspn(name, " \t");
	word[strcspn(word, " \t")] = '\0';
	arg = word + strlen(word);
	if (arg < name + n)
		arg++;
	arg += strspn(arg, " \t");
	extra = arg + strcspn(arg, " \t");
	if (*extra)
		*extra++ = '\0';
	extra += strspn(extra, " \t");
	snprintf(ld->label, sizeof ld->label, *arg ? "[%s %s]" : "[%s]", word, arg);

	if (!strcmp(word, "global") && !*arg)
		open_global(ld);
	else if (!strcmp(word, "neighbor") && *arg && !*extra)
		open_neighbor(ld, arg);
	else if (!strcmp(word, "vni") && *arg && !*extra)
		open_vni(ld, arg);
	else if (!strcmp(word, "vrf") && *arg && !*extra)
		open_vrf(ld, arg);
	else
		cfg_fail(ld, ld->line,
		     "unknown section [%.*s] (expected [global], [neighbor ADDRESS], [vni NUMBER] or "
		     "[vrf NAME])", (int)n, p + 1);
}

/* inih's callback: one name = value pair of the current section. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	(void)section; /* our reader tracked it, with its line */

	if (ld->kind == SECT_BAD)
		return 0; /* the header's error is already recorded */
	if (ld->kind == SECT_NONE) {
		cfg_fail(ld, ld->line, "\"%s\" outside of any section (expected [global] first)", name);
		return 0;
	}
	for (int i = 0; ld->keys[i].name; i++) {
		if (strcmp(ld->keys[i].name, name))
			continue;
		if (ld->key_line[i] && !ld->keys[i].repeats) {
			cfg_fail(ld, ld->line, "%s %s: duplicate key (first set on line %d)", ld->label, name,
			     ld->key_line[i]);
			return 0;
		}
		if (!ld->key_line[i])
			ld->key_line[i] = ld->line;
		ld->key = name;
		return ld->keys[i].set(ld, value) == 0;
	}
	cfg_fail(ld, ld->line, "%s unknown key \"%s\"", ld->label, name);
	return 0;
}

/* inih's line source: whole lines only, counted, with section headers handled here first. A line
 * is read into a buffer of inih's line size and no further: one that does not fit ends the read (a
 * file of one endless line, /dev/zero, costs that buffer and stops). */
static char *read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	size_t n = 0, max = num > 2 ? (size_t)num - 1 : 1;
	bool nul = false;
	const char *p;
	int c;

	if (ld->stop)
		return NULL;
	if (ld->cap < max + 1) {
		char *b = realloc(ld->buf, max + 1);
		if (!b) {
			cfg_fail(ld, ld->line + 1, "out of memory");
			return NULL;
		}
		ld->buf = b;
		ld->cap = max + 1;
	}
	while (n < max && (c = getc(ld->f)) != EOF) {
		nul |= c == '\0';
		ld->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0)
		return NULL;
	ld->buf[n] = '\0';
	ld->line++;
	if (n == max && ld->buf[n - 1] != '\n' && getc(ld->f) != EOF) {
		cfg_fail(ld, ld->line, "line longer than %zu characters", max - 1);
		ld->stop = true;
		return NULL;
	}
	if (nul) {
		cfg_fail(ld, ld->line, "NUL byte in line");
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	p = ld->buf;
	if (ld->line == 1 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a UTF-8 BOM, which inih skips too */
	p += strspn(p, " \t");
	if (*p == '[')
		open_section(ld, p);
	memcpy(str, ld->buf, n + 1);
	return str;
}

/* Whole-file checks: required keys and values that depend on other sections. */
static void finish(struct loader *ld)
{
	struct config *cfg = ld->cfg;

	if (!ld->global_line) {
		cfg_fail(ld, ld->line, "no [global] section (asn and router-id are required)");
		return;
	}
	if (!cfg->g.asn)
		cfg_fail(ld, ld->global_line, "[global] asn is required");
	if (!cfg->g.router_id)
		cfg_fail(ld, ld->global_line, "[global] router-id is required");
	for (unsigned i = 0; i < cfg->nnbr; i++) {
		struct cfg_neighbor *cn = &cfg->nbr[i];
		char a[IPADDR_STRLEN];
		if (!cn->n.remote_as)
			cfg_fail(ld, cn->line, "[neighbor %s] remote-as is required", ipaddr_str(&cn->n.addr, a));
		else if (cn->n.local_as && (cn->n.remote_as == cfg->g.asn || cn->n.local_as == cn->n.remote_as))
			cfg_fail(ld, cn->line, "[neighbor %s] local-as %u: only for an eBGP neighbor, and not "
				 "its remote-as", ipaddr_str(&cn->n.addr, a), cn->n.local_as);
		else if (cn->n.ebgp_multihop && cn->n.remote_as == cfg->g.asn)
			cfg_fail(ld, cn->line, "[neighbor %s] ebgp-multihop: the neighbor is iBGP (remote-as "
				 "= asn)", ipaddr_str(&cn->n.addr, a));
		else if (cn->n.ebgp_multihop && cn->n.ttl_security)
			cfg_fail(ld, cn->line, "[neighbor %s] ebgp-multihop and ttl-security exclude each "
				 "other (GTSM is one hop)", ipaddr_str(&cn->n.addr, a));
		if (!ld->nbr_hold_set[i])
			cn->n.hold_time = cfg->g.hold_time;
	}
	for (unsigned i = 0; i < cfg->nvrf; i++) {
		const struct cfg_vrf *v = &cfg->vrf[i];
		if (!v->l3vni) {
			cfg_fail(ld, v->line, "[vrf %s] l3vni is required", v->name);
			continue;
		}
		for (unsigned j = 0; j < i; j++)
			if (cfg->vrf[j].l3vni == v->l3vni)
				cfg_fail(ld, v->line, "[vrf %s] l3vni %u is [vrf %s]'s too (line %d)", v->name,
					 v->l3vni, cfg->vrf[j].name, cfg->vrf[j].line);
		for (unsigned j = 0; j < cfg->nvni; j++)
			if (cfg->vni[j].vni == v->l3vni)
				cfg_fail(ld, v->line, "[vrf %s] l3vni %u has a [vni %u] section (line %d): an "
					 "L3 VNI carries no L2 segment", v->name, v->l3vni, v->l3vni,
					 cfg->vni[j].line);
	}
	if (cfg->vtep_ip.af)
		cfg->g.nexthop = cfg->vtep_ip;
	else
		ipaddr_from_v4(&cfg->g.nexthop, cfg->g.router_id);
}

void config_defaults(struct config *cfg, const char *path)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->path, sizeof cfg->path, "%s", path);
	snprintf(cfg->control_socket, sizeof cfg->control_socket, "%s", CFG_DEFAULT_SOCKET);
	cfg->g.listen_port = 179;
	cfg->g.hold_time = 90;
	cfg->g.connect_retry = 3;
	cfg->g.graceful_restart = true;
	cfg->g.restart_time = 120;
	cfg->g.gr_forwarding = FAM_BIT(FAM_EVPN); /* the kernel FDB outlives evpnd */
	cfg->converge_timeout = 10;
	cfg->fdb_dump_limit = CFG_FDB_DUMP_LIMIT;
	cfg->netlink_buffer = CFG_DEFAULT_NETLINK_BUFFER;
	cfg->dad_max_moves = 5;
	cfg->dad_window = 180;
	cfg->ctl_max_clients = 128;
	cfg->ctl_max_per_user = 32;
	cfg->ctl_idle_timeout = 300;
	cfg->ctl_client_buffer = 256u << 10;
	cfg->watch_max = 64;
	cfg->watch_window = 32u << 20;
	cfg->opaque_max_key = 1024;
	cfg->opaque_max_value = 3072;
}

/* The file, opened for reading if it is a regular file: a FIFO would hold the start (or a reload)
 * until someone writes to it, a directory or a device is no configuration. NULL with err set. */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s)", path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
			 S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
			 S_ISSOCK(st.st_mode) ? "a socket" : "not a file");
		close(fd);
		return NULL;
	}
	/* a regular file never blocks; O_NONBLOCK was for the open of a FIFO */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct loader ld;
	int ret;

	config_defaults(cfg, path);
	memset(&ld, 0, sizeof ld);
	ld.cfg = cfg;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	ld.f = open_regular(path, err, errlen);
	if (!ld.f)
		return -1;
	/* An indented line would otherwise continue the previous value (even "[section]"). */
	ini_allow_multiline = false;
	ret = ini_parse_stream(read_line, &ld, on_pair, &ld);
	fclose(ld.f);
	free(ld.buf);
	if (ret > 0 && (!ld.err_line || ret < ld.err_line)) {
		ld.err_line = 0;
		cfg_fail(&ld, ret, "syntax error: expected \"key = value\", a [section] or a comment");
	} else if (ret < 0 && !ld.err_line) {
		cfg_fail(&ld, ld.line, "out of memory");
	}
	if (!ld.err_line)
		finish(&ld);
	free(ld.nbr_hold_set);
	if (ld.err_line) {
		config_free(cfg);
		return -1;
	}
	return 0;
}

void config_free(struct config *cfg)
{
	free(cfg->nbr);
	free(cfg->vni);
	free(cfg->vrf);
	cfg->nbr = NULL;
	cfg->vni = NULL;
	cfg->vrf = NULL;
	cfg->nnbr = 0;
	cfg->nvni = 0;
	cfg->nvrf = 0;
}

const struct cfg_vrf *config_vrf_by_l3vni(const struct config *cfg, uint32_t vni)
{
	for (unsigned i = 0; vni && i < cfg->nvrf; i++)
		if (cfg->vrf[i].l3vni == vni)
			return &cfg->vrf[i];
	return NULL;
}

const struct cfg_vrf *config_vrf(const struct config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nvrf; i++)
		if (!strcmp(cfg->vrf[i].name, name))
			return &cfg->vrf[i];
	return NULL;
}

const struct cfg_vni *config_vni(const struct config *cfg, uint32_t vni)
{
	const struct cfg_vrf *vrf = config_vrf_by_l3vni(cfg, vni);

	if (vrf)
		return &vrf->r;
	for (unsigned i = 0; i < cfg->nvni; i++)
		if (cfg->vni[i].vni == vni)
			return &cfg->vni[i];
	return NULL;
}
