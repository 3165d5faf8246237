/* SPDX-License-Identifier: Apache-2.0 */
/* Session security on sockets: TCP MD5 signatures (RFC 2385) and GTSM (RFC 5082). */
#include "peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sock_md5(int fd, const struct ipaddr *peer, const char *key, bool v6sock)
{
	struct tcp_md5sig m;
	size_t klen = strlen(key);

	if (klen > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return -1;
	}
	memset(&m, 0, sizeof m);
	if (peer->af == AF_INET && !v6sock) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&m.tcpm_addr;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, peer->a, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&m.tcpm_addr;
		s6->sin6_family = AF_INET6;
		if (peer->af == AF_INET) {
			/* the kernel files a mapped address under AF_INET: IPv4 SYNs find it */
			s6->sin6_addr.s6_addr[10] = s6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&s6->sin6_addr.s6_addr[12], peer->a, 4);
		} else {
			memcpy(&s6->sin6_addr, peer->a, 16);
		}
	}
	m.tcpm_keylen = (uint16_t)klen; /* 0 deletes the key */
	memcpy(m.tcpm_key, key, klen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof m);
}

int sock_gtsm(int fd, int af)
{
	int ttl = 255;

	if (af == AF_INET6) {
		/* IPv4-mapped traffic on an IPv6 socket follows the IPv4 options too */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &ttl, sizeof ttl) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
		setsockopt(fd, IPPROTO_IP, IP_MINTTL, &ttl, sizeof ttl);
		return 0;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MINTTL, &ttl, sizeof ttl) < 0)
		return -1;
	return 0;
}

int sock_ttl(int fd, int af, int ttl)
{
	if (af == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl); /* IPv4-mapped peers */
		return 0;
	}
	return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
}

int sock_syn_ttl(int fd)
{
	uint8_t syn[512];
	socklen_t len = sizeof syn;

	if (getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, syn, &len) < 0 || len < 1)
		return -1;
	/* the saved headers start at the network header */
	if ((syn[0] >> 4) == 4 && len >= 20)
		return syn[8];
	if ((syn[0] >> 4) == 6 && len >= 40)
		return syn[7];
	return -1;
}

int tcp_md5_counters(uint64_t v[3])
{
	static const char *const names[3] = { "TCPMD5NotFound", "TCPMD5Unexpected", "TCPMD5Failure" };
	char hdr[4096], val[4096];
	int found = 0;
	FILE *f = fopen("/proc/net/netstat", "re");

	if (!f)
		return -1;
	/* pairs of lines: "TcpExt: name name ..." then "TcpExt: value value ..." */
	while (fgets(hdr, sizeof hdr, f) && fgets(val, sizeof val, f)) {
		char *hs, *vs, *h, *x;
		if (strncmp(hdr, "TcpExt:", 7) || strncmp(val, "TcpExt:", 7))
			continue;
		h = strtok_r(hdr + 7, " \n", &hs);
		x = strtok_r(val + 7, " \n", &vs);
		for (; h && x; h = strtok_r(NULL, " \n", &hs), x = strtok_r(NULL, " \n", &vs))
			for (int i = 0; i < 3; i++)
				if (!strcmp(h, names[i])) {
					v[i] = strtoull(x, NULL, 10);
					found++;
				}
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}
