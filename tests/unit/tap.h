/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_TAP_H
#define CONVPROF_TAP_H

/*
 * Minimal TAP producer for unit tests: each check prints "ok N - what" or
 * "not ok N - what" (with the values on failure); skip() prints
 * "ok N - what # SKIP reason". tests/run-tests.sh counts them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_result(int pass, const char *file, int line,
			     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int tap_result(int pass, const char *file, int line,
			     const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass) {
		tap_failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_result(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!tap_result(g_ == w_, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!tap_result(g_ && w_ && strcmp(g_, w_) == 0, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_near(got, want, tol, ...) do { \
	double g_ = (got), w_ = (want); \
	if (!tap_result(fabs(g_ - w_) <= (tol), __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got %.10g, want %.10g (tolerance %g)\n", g_, w_, (double)(tol)); \
} while (0)

#define skip(reason, ...) do { \
	printf("ok %d - ", ++tap_n); printf(__VA_ARGS__); \
	printf(" # SKIP %s\n", (reason)); fflush(stdout); \
} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
