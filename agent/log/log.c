/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's log writer (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "bgp_log.h"

#define LOG_LINE_MAX 1024

static int level = LOG_INFO;
static enum log_target target = LOG_TO_STDERR;
static bool journal;    /* stderr is the journal's stream: "<N>" priority prefixes */
static pid_t log_pid;

/* systemd sets JOURNAL_STREAM=DEV:INO for the stream it connected; it applies only while
 * stderr still is that stream (not after a redirection by a wrapper). */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(bool debug)
{
	level = debug ? LOG_DEBUG : LOG_INFO;
	log_pid = getpid();
	journal = stderr_is_journal();
	bgp_log_set_sink(log_vmsg);
}

void log_set_level(int prio)
{
	level = prio < LOG_ERR ? LOG_ERR : prio > LOG_DEBUG ? LOG_DEBUG : prio;
}

int log_level_parse(const char *s)
{
	static const struct { const char *w; int prio; } words[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "notice", LOG_NOTICE },
		{ "warning", LOG_WARNING }, { "warn", LOG_WARNING }, { "err", LOG_ERR },
		{ "error", LOG_ERR },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(s, words[i].w))
			return words[i].prio;
	return -1;
}

void log_set_target(enum log_target t)
{
	if (t == LOG_TO_SYSLOG && target != LOG_TO_SYSLOG)
		openlog("evpnd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (t != LOG_TO_SYSLOG && target == LOG_TO_SYSLOG)
		closelog();
	target = t;
}

int log_target_parse(const char *s)
{
	if (!strcmp(s, "stderr"))
		return LOG_TO_STDERR;
	if (!strcmp(s, "syslog"))
		return LOG_TO_SYSLOG;
	return -1;
}

void log_set_debug(bool debug)
{
	level = debug ? LOG_DEBUG : LOG_INFO;
}

bool log_debug_enabled(void)
{
	return level >= LOG_DEBUG;
}

const char *log_level_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "err";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* One write(2) per line so lines from a crash or a pipe reader never interleave mid-line. */
static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t n, start;
	int r;

	if ((prio < LOG_ERR ? LOG_ERR : prio) > level)
		return;
	if (target == LOG_TO_SYSLOG || journal) {
		/* syslog and the journal stamp lines themselves */
		n = 0;
		r = journal && target != LOG_TO_SYSLOG
			? snprintf(line, sizeof line, "<%d>%s ", prio & 7, log_level_name(prio))
			: snprintf(line, sizeof line, "%s ", log_level_name(prio));
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
		r = snprintf(line + n, sizeof line - n, ".%03ldZ evpnd[%ld]: %s ", ts.tv_nsec / 1000000L,
			     (long)(log_pid ? log_pid : getpid()), log_level_name(prio));
	}
	if (r < 0)
		return;
	n += (size_t)r;
	start = n;
	r = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	if (r < 0)
		r = 0;
	if ((size_t)r >= sizeof line - n - 1) {
		/* truncated: say so rather than cut silently */
		n = sizeof line - 2;
		memcpy(line + n - 3, "...", 3);
	} else {
		n += (size_t)r;
	}
	while (n > start && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--; /* a caller's own line end is not part of the message */
	/* Messages may quote peer data: keep each message on one line and free of escapes. */
	for (size_t i = start; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f)
			line[i] = c == '\t' ? ' ' : '?';
	}
	while (n > start && line[n - 1] == ' ')
		n--;
	if (target == LOG_TO_SYSLOG) {
		line[n] = '\0';
		syslog(prio, "%s", line);
		return;
	}
	line[n++] = '\n';
	write_all(line, n);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}
