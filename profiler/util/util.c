// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

static __thread char errmsg[512];

int cp_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void cp_error_clear(void)
{
	errmsg[0] = '\0';
}

const char *cp_strerror(int err)
{
	if (errmsg[0])
		return errmsg;
	return strerror(err < 0 ? -err : err);
}

static void (*oom_fn)(size_t n);

void xalloc_set_oom(void (*fn)(size_t n))
{
	oom_fn = fn;
}

/* Library code does not print or exit: the program says how to end. */
static void *oom(size_t n)
{
	if (oom_fn)
		oom_fn(n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : oom(strlen(s) + 1);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return oom(strlen(fmt));
	return s;
}

void grow_array(void **p, size_t *alloc, size_t need, size_t size)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need)
		n = n * 3 / 2 + 1;
	*p = xrealloc(*p, n * size);
	memset((char *)*p + *alloc * size, 0, (n - *alloc) * size);
	*alloc = n;
}

int levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int *prev2, *prev, *cur, *tmp, d;

	prev2 = xcalloc(lb + 1, sizeof(int));
	prev = xcalloc(lb + 1, sizeof(int));
	cur = xcalloc(lb + 1, sizeof(int));
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			d = prev[j - 1] + (a[i - 1] != b[j - 1]);
			d = MIN(d, prev[j] + 1);
			d = MIN(d, cur[j - 1] + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				d = MIN(d, prev2[j - 2] + 1);
			cur[j] = d;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

const char *closest_name(const char *given, const char *const *cand, int n,
			 int max_distance)
{
	const char *best = NULL;
	int i, d, bestd = max_distance + 1;

	for (i = 0; n < 0 ? cand[i] != NULL : i < n; i++) {
		if (!cand[i])
			continue;
		d = levenshtein(given, cand[i]);
		if (*given && strncmp(cand[i], given, strlen(given)) == 0)
			d = MIN(d, 1);
		if (d < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return best;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_long_list(const char *s, long min, long max, long **out)
{
	char *copy = xstrdup(s), *tok, *save = NULL;
	long *v = NULL;
	size_t n = 0, alloc = 0;
	int err = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		ALLOC_GROW(v, n + 1, alloc);
		err = parse_long(tok, min, max, &v[n]);
		if (err)
			break;
		n++;
	}
	/* "1,,2", "1," and "" are all mistakes, not shorter lists */
	if (!err && (n == 0 || strstr(s, ",,") || s[0] == ',' ||
		     s[strlen(s) - 1] == ','))
		err = -EINVAL;
	free(copy);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	return (int)n;
}

char *fmt_si(char *buf, size_t len, double v, int sign)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T", "P", "E" };
	unsigned s = 0;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (fabs(v) < 10000) {
		snprintf(buf, len, v == floor(v) ? (sign ? "%+.0f" : "%.0f")
						 : (sign ? "%+.1f" : "%.1f"), v);
		return buf;
	}
	while (fabs(v) >= 1000 && s + 1 < ARRAY_SIZE(sfx)) {
		v /= 1000;
		s++;
	}
	snprintf(buf, len, fabs(v) >= 100 ? (sign ? "%+.1f%s" : "%.1f%s")
					  : (sign ? "%+.2f%s" : "%.2f%s"), v, sfx[s]);
	return buf;
}

char *fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(unit)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v == floor(v))
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
