/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_UTIL_H
#define CONVPROF_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#ifndef CP_VERSION
#define CP_VERSION "0.0.0"
#endif

/*
 * Error reporting for library code. Library functions return 0 or -errno and
 * never print; when the errno alone would not tell the user what went wrong,
 * they also leave a sentence with cp_error(). Only cmd_* code prints it, with
 * cp_strerror(). The message is per thread.
 *
 * cp_error() stores the formatted message and returns @err, so the usual form
 * is `return cp_error(-EINVAL, "cpu %d does not exist", cpu);`.
 */
int cp_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forget the message left by a previous failure. */
void cp_error_clear(void);

/*
 * The sentence for a failure with return value @err: the message left by
 * cp_error() if there is one, strerror(-err) otherwise. The string belongs to
 * the library and is valid until the next cp_error() in this thread.
 */
const char *cp_strerror(int err);

/*
 * Allocation that cannot fail: out of memory calls the function given to
 * xalloc_set_oom() (convprof's main: a message, exit status 1), which must
 * not return; without one, or if it returns, abort().
 */
void xalloc_set_oom(void (*fn)(size_t n));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *@p (of *@alloc elements of @size bytes) to hold at least @need. */
void grow_array(void **p, size_t *alloc, size_t need, size_t size);
#define ALLOC_GROW(p, need, alloc) \
	grow_array((void **)&(p), &(alloc), (need), sizeof(*(p)))

/* Edit distance (insert, delete, substitute, swap), for "did you mean" hints. */
int levenshtein(const char *a, const char *b);

/*
 * The candidate closest to @given within @max_distance edits (a candidate
 * that @given is a prefix of counts as one edit), or NULL. NULL entries of
 * @cand are skipped; @n < 0 means @cand ends with NULL.
 */
const char *closest_name(const char *given, const char *const *cand, int n,
			 int max_distance);

/*
 * Strict number parsing: the whole string must be a number in range.
 * Return 0 or -EINVAL / -ERANGE.
 */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double *out);

/*
 * Parse a comma-separated list of integers ("1,2,4") into a new array.
 * Returns the count (> 0) or -EINVAL; *@out must be freed by the caller.
 */
int parse_long_list(const char *s, long min, long max, long **out);

/*
 * A count for a table: as is below 10000 ("9999", "12.5"), else 4
 * significant digits with an SI suffix up to E ("12.35M", "123.4G");
 * @sign: "+" before a positive value (a change). NaN: "-". Returns @buf.
 */
char *fmt_si(char *buf, size_t len, double v, int sign);

/* Format a byte count as "32 KiB", "1.5 MiB" into @buf. Returns @buf. */
char *fmt_bytes(char *buf, size_t len, uint64_t bytes);

/* Monotonic time in nanoseconds (vDSO: no syscall). */
uint64_t now_ns(void);

#endif
