/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_FUZZ_H
#define CONVPROF_FUZZ_H

/*
 * Every harness in tests/fuzz/ defines LLVMFuzzerTestOneInput(). Built with
 * clang -fsanitize=fuzzer,address,undefined (`make fuzz`) it is libFuzzer's
 * target; built with gcc and replay.c (`make tests`) it runs each file of
 * the seed corpus and of crashes/ once, so `make check` replays every input
 * that ever crashed without a fuzzer runtime.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (an embedded NUL ends it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
