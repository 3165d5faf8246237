/* SPDX-License-Identifier: Apache-2.0 */
/* Readiness and status for systemd's Type=notify services: the sd_notify(3) datagram protocol,
 * without linking libsystemd. */
#ifndef EVPND_AGENT_SD_NOTIFY_H
#define EVPND_AGENT_SD_NOTIFY_H

/* Send state ("READY=1", "STOPPING=1", "STATUS=...", newline-separated) to $NOTIFY_SOCKET.
 * 0 when sent or when $NOTIFY_SOCKET is unset (not started by systemd); -1 with errno otherwise. */
int sd_notify_send(const char *state);

#endif
