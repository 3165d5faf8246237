/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the unit tests: hex vectors, the GoBGP capture, and the skip policy. */
#ifndef EVPND_TESTUTIL_H
#define EVPND_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode hex (whitespace ignored) into out; returns the byte count or -1. */
static inline long hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *hex; hex++) {
		int v;
		char c = *hex;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
			continue;
		if (c >= '0' && c <= '9') v = c - '0';
		else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
		else return -1;
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (long)n : -1;
}

struct capture_frame {
	int frame;
	char sender[48];
	int type;
	size_t len;
	uint8_t bytes[4096];
};

/* Load tests/data/gobgp-3.10-capture.tsv ($EVPND_TEST_DATA); returns the frame count, frames malloc'd. */
static inline int capture_load(struct capture_frame **out)
{
	const char *dir = getenv("EVPND_TEST_DATA");
	char path[512], line[20000];
	int n = 0, cap = 0;
	struct capture_frame *v = NULL;
	snprintf(path, sizeof path, "%s/gobgp-3.10-capture.tsv", dir ? dir : "tests/data");
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char hex[16384];
		struct capture_frame fr;
		if (line[0] == '#')
			continue;
		memset(&fr, 0, sizeof fr);
		if (sscanf(line, "%d %47s %d %16383s", &fr.frame, fr.sender, &fr.type, hex) != 4)
			continue;
		long l = hex_decode(hex, fr.bytes, sizeof fr.bytes);
		if (l < 0)
			continue;
		fr.len = (size_t)l;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, (size_t)cap * sizeof *v);
		}
		v[n++] = fr;
	}
	fclose(f);
	*out = v;
	return n;
}

/* The capture as a cmocka fixture: capture_setup/teardown as group setup, capture_frame(no) to
 * fetch a frame by its number (the test fails when it is missing). Needs cmocka.h included first. */
#ifdef fail_msg
static struct capture_frame *cap_frames;
static int cap_count;

static inline int capture_setup(void **state)
{
	(void)state;
	cap_count = capture_load(&cap_frames);
	return cap_count > 0 ? 0 : -1;
}

static inline int capture_teardown(void **state)
{
	(void)state;
	free(cap_frames);
	return 0;
}

static inline const struct capture_frame *capture_frame(int no)
{
	for (int i = 0; i < cap_count; i++)
		if (cap_frames[i].frame == no)
			return &cap_frames[i];
	fail_msg("frame %d not in the capture", no);
	return NULL;
}
#endif

/* ---- skips: a failure unless tests/allowed-skips.txt lists the test ---- */

extern char *program_invocation_short_name;

/* Whether the allowed-skips list ($EVPND_ALLOWED_SKIPS) names this program. */
static inline int tu_skip_allowed(void)
{
	const char *path = getenv("EVPND_ALLOWED_SKIPS");
	char line[512];
	size_t n = strlen(program_invocation_short_name);
	int found = 0;
	FILE *f = path ? fopen(path, "r") : NULL;

	while (f && !found && fgets(line, sizeof line, f))
		found = line[0] != '#' && !strncmp(line, program_invocation_short_name, n) &&
			(line[n] == ' ' || line[n] == '\t');
	if (f)
		fclose(f);
	return found;
}

/* Record a skip for scripts/test.sh's summary ($EVPND_SKIP_LOG), as "NAME: reason". */
static inline void tu_skip_log(const char *reason)
{
	const char *path = getenv("EVPND_SKIP_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	fprintf(stderr, "%s: SKIP: %s\n", program_invocation_short_name, reason);
	if (f) {
		fprintf(f, "%s: %s\n", program_invocation_short_name, reason);
		fclose(f);
	}
}

static int tu_skipped;

/* This test cannot run here: skip it if the list allows, else fail saying why. */
#define TEST_SKIP(reason)                                                                          \
	do {                                                                                       \
		if (!tu_skip_allowed())                                                            \
			fail_msg("cannot run here (%s), and tests/allowed-skips.txt does not allow %s " \
				 "to skip", (reason), program_invocation_short_name);                 \
		tu_skip_log(reason);                                                              \
		tu_skipped = 1;                                                                    \
		skip();                                                                            \
	} while (0)

/* main's exit status: cmocka's, or 77 (ctest: skipped) when an allowed skip happened. */
static inline int tu_exit(int failed)
{
	return failed ? failed : tu_skipped ? 77 : 0;
}

#endif
