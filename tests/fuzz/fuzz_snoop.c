/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frames as the snooping socket reads them (ARP, IPv6 NS/NA, with or without a VLAN tag): the input
 * is one frame handed to snoop_parse. Invariants: a binding has a unicast MAC, an IPv4 or IPv6
 * address, a VLAN id below 4096 and a known kind.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "snoop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snoop_binding b;
	int r;

	memset(&b, 0xa5, sizeof b);
	r = snoop_parse(data, size, &b);
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r == 1) {
		FUZZ_CHECK(b.ip.af == AF_INET || b.ip.af == AF_INET6);
		FUZZ_CHECK(b.vlan < 4096);
		FUZZ_CHECK(b.kind >= SNOOP_ARP && b.kind <= SNOOP_NA);
		FUZZ_CHECK(!(b.mac[0] & 1));
	}
	return 0;
}
