/* SPDX-License-Identifier: Apache-2.0 */
/* The BGP core's log sink (see log.h). */
#include "bgp_log.h"

#include <stddef.h>

static log_sink_fn sink;

void bgp_log_set_sink(log_sink_fn fn)
{
	sink = fn;
}

void bgp_log(int prio, const char *fmt, ...)
{
	va_list ap;
	if (!sink)
		return;
	va_start(ap, fmt);
	sink(prio, fmt, ap);
	va_end(ap);
}
