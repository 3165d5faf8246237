/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's log: one line per message on stderr,
 * "2026-11-25T20:30:01.123Z evpnd[pid]: LEVEL message" with LEVEL err, warning, notice, info or debug;
 * when stderr is the journal (JOURNAL_STREAM names it) "<N>LEVEL message" instead, so journald
 * records each line's priority and its own timestamp; or to syslog(3), facility daemon.
 * This is the only place that writes log lines; log_init() also routes bgp_log() here.
 */
#ifndef EVPND_LOG_LOG_H
#define EVPND_LOG_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

/* Start logging to stderr; debug lets LOG_DEBUG through. Installs itself as the bgp/ log sink. */
void log_init(bool debug);
enum log_target { LOG_TO_STDERR = 0, LOG_TO_SYSLOG = 1 };

/* Write messages at prio or more urgent (LOG_ERR .. LOG_DEBUG); the default is LOG_INFO. */
void log_set_level(int prio);
/* The priority of a level word (debug, info, notice, warning, err; also error, warn), or -1. */
int log_level_parse(const char *s);
/* Write to stderr (the default) or to syslog(3) with ident "evpnd" and facility daemon. */
void log_set_target(enum log_target t);
/* The target of a word ("stderr", "syslog"), or -1. */
int log_target_parse(const char *s);
/* Turn debug messages on or off (log_set_level LOG_DEBUG or LOG_INFO). */
void log_set_debug(bool debug);
/* Whether LOG_DEBUG messages are written (to skip costly formatting). */
bool log_debug_enabled(void);
/* Write one message at a syslog priority; control characters are replaced, one line guaranteed. */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_msg with a va_list (the bgp/ sink's signature). */
void log_vmsg(int prio, const char *fmt, va_list ap);
/* The level word written for prio ("err", "warning", ...). */
const char *log_level_name(int prio);

#endif
