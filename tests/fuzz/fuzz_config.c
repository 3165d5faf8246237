/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The INI configuration: the input is a whole config file, loaded with config_load as evpnd loads
 * its -c file (config_load reads a path, so the input lives in a memfd reached by /proc/self/fd).
 * Invariants: an error is one line naming the file and a line; a loaded config's values are in range.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int memfd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[512];

	if (memfd < 0) {
		memfd = memfd_create("fuzz-config", MFD_CLOEXEC);
		FUZZ_CHECK(memfd >= 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	}
	FUZZ_CHECK(ftruncate(memfd, 0) == 0);
	FUZZ_CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
	if (config_load(path, &cfg, err, sizeof err) < 0) {
		FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0);
		FUZZ_CHECK(strchr(err, '\n') == NULL);
		FUZZ_CHECK(cfg.nbr == NULL && cfg.vni == NULL);
		return 0;
	}
	FUZZ_CHECK(err[0] == '\0');
	FUZZ_CHECK(cfg.g.asn != 0 && cfg.g.router_id != 0);
	FUZZ_CHECK(memchr(cfg.control_socket, '\0', sizeof cfg.control_socket) != NULL);
	for (unsigned i = 0; i < cfg.nvni; i++) {
		const struct cfg_vni *v = &cfg.vni[i];
		FUZZ_CHECK(v->nrt <= CFG_MAX_RT && v->nimport <= CFG_MAX_RT && v->nexport <= CFG_MAX_RT);
		FUZZ_CHECK(config_vni(&cfg, v->vni) != NULL);
		(void)config_arp_suppress(&cfg, v->vni);
		(void)config_arp_snoop(&cfg, v->vni);
	}
	for (unsigned i = 0; i < cfg.nnbr; i++)
		FUZZ_CHECK(cfg.nbr[i].n.remote_as != 0);
	(void)config_arp_snoop_any(&cfg);
	config_free(&cfg);
	return 0;
}
