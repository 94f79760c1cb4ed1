/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CLI_MSG_H
#define CONVPROF_CLI_MSG_H

#include <stddef.h>

/*
 * The terminal side of errors: only profiler/cli/ prints. Library code
 * returns 0 or -errno and leaves a sentence with cp_error() (util/util.h);
 * the command prints it with these.
 */

/* Print `convprof: <message>` on stderr (git's die()/error() style, no exit). */
void cp_die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print `convprof: warning: <message>` on stderr. */
void cp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Flush stdout and report a write error (full disk, closed pipe) as the
 * caller's failure: returns 0 or 1 to use as exit status.
 */
int stdout_finish(void);

/* For xalloc_set_oom(): `convprof: out of memory (allocating N bytes)`, exit 1. */
void cli_out_of_memory(size_t n) __attribute__((noreturn));

#endif
