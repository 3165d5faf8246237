/* SPDX-License-Identifier: Apache-2.0 */
/* The libFuzzer entry point every tests/fuzz/fuzz_<target>.c defines; replay.c drives it without
 * libFuzzer so the regression inputs run in the normal (gcc) build. */
#ifndef EVPND_FUZZ_H
#define EVPND_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input through the target; returns 0 (libFuzzer's contract). A bug crashes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The invariant a harness checks on the code under test: a broken one aborts with a message so the
 * fuzzer (and the replay test) reports the input. */
#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond))                                                                    \
			fuzz_fail(__FILE__, __LINE__, #cond);                                   \
	} while (0)

/* Report a broken invariant and abort (tests are the one place abort() is right). */
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
