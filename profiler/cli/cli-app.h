/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CLI_APP_H
#define CONVPROF_CLI_APP_H

#include "convprof/run.h"
#include "core/app.h"
#include "core/profile.h"

/* Index of the first "--" in @argv (the command follows it), or 0. */
int cli_app_split(int argc, const char **argv);

/*
 * The options of a `-- <command>` run: a command, no model, none of the
 * options that describe a built-in model. 0, or EXIT_USAGE after the error.
 */
int cli_app_check(struct profile_opts *p, int nargs, const char **args,
		  int cmd_argc, const char *const *usage);

/* Run and measure; on failure print the error and return the exit code (127: not found). */
int cli_app_run(const struct profile_opts *p, int cmd_argc, const char **cmd_argv,
		const char *cmdline, struct cp_run **run);

/*
 * After rendering: say how a command that failed ended, and the exit code
 * convprof gives (the command's status, 128 + signal), 0 if it succeeded.
 */
int cli_app_exit(const struct cp_run *run);

#endif
