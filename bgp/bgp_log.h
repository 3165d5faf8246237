/* SPDX-License-Identifier: Apache-2.0 */
/* Logging from the BGP core goes to one sink that the agent installs (agent/log.c writes it). */
#ifndef EVPND_BGP_BGP_LOG_H
#define EVPND_BGP_BGP_LOG_H

#include <stdarg.h>
#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

typedef void (*log_sink_fn)(int prio, const char *fmt, va_list ap);

/* Install the sink; NULL discards everything (the default, which unit tests use). */
void bgp_log_set_sink(log_sink_fn fn);
/* Log one message at a syslog priority through the sink. */
void bgp_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
