/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BUILTIN_H
#define CONVPROF_BUILTIN_H

/* what every command uses: messages on stderr, the profiled run's options */
#include "cli/msg.h"
#include "cli/profile-options.h"

/*
 * One function per subcommand, in profiler/cmd-<name>.c. argv[0] is the
 * command's name; the return value is the process's exit status:
 * 0 success, 1 failure, 2 usage error.
 */
int cmd_topology(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_mem(int argc, const char **argv);
int cmd_stat(int argc, const char **argv);
int cmd_record(int argc, const char **argv);
int cmd_report(int argc, const char **argv);
int cmd_diff(int argc, const char **argv);
int cmd_flamegraph(int argc, const char **argv);
int cmd_machine(int argc, const char **argv);
int cmd_sweep(int argc, const char **argv);
int cmd_roofline(int argc, const char **argv);

/* profile_opts.progress_fn of stat and record: one line on stderr */
void cli_say_measuring(void *arg, int iterations, int ops);

#endif
