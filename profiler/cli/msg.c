// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/msg.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* stdout may be a pipe to a pager: keep the order of what the user sees */
	fflush(stdout);
	fprintf(stderr, "%s%s\n", prefix, buf);
}

void cp_die_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("convprof: ", fmt, ap);
	va_end(ap);
}

void cp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("convprof: warning: ", fmt, ap);
	va_end(ap);
}

int stdout_finish(void)
{
	int failed = ferror(stdout);

	if (fflush(stdout) != 0)
		failed = 1;
	if (failed) {
		/* a reader that went away (| head) is not an error worth a line */
		if (errno == EPIPE)
			return 1;
		fprintf(stderr, "convprof: write error on standard output: %s\n",
			strerror(errno ? errno : EIO));
		return 1;
	}
	return 0;
}

void cli_out_of_memory(size_t n)
{
	fprintf(stderr, "convprof: out of memory (allocating %zu bytes)\n", n);
	exit(1);
}
