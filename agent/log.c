/* The daemon's log writer (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "bgp_log.h"

#define LOG_LINE_MAX 1024

static bool debug_on;
static pid_t log_pid;

void log_init(bool debug)
{
	debug_on = debug;
	log_pid = getpid();
	bgp_log_set_sink(log_vmsg);
}

void log_set_debug(bool debug)
{
	debug_on = debug;
}

bool log_debug_enabled(void)
{
	return debug_on;
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

	if (prio >= LOG_DEBUG && !debug_on)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof line - n, ".%03ldZ evpnd[%ld]: %s ", ts.tv_nsec / 1000000L,
		     (long)(log_pid ? log_pid : getpid()), log_level_name(prio));
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
