// SPDX-License-Identifier: MIT
/*
 * convprof: git/perf-style dispatch. One table of commands; each lives in
 * cmd-<name>.c and parses its own options.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/parse-options.h"
#include "util/util.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *summary;
};

static const struct cmd_struct commands[] = {
	{ "list", cmd_list, "list the events and models convprof can measure here, and why not" },
	{ "topology", cmd_topology, "show the hwloc topology, caches and a pinning plan" },
	{ "machine", cmd_machine, "measure this machine's peak GFLOP/s and GB/s per number of cores" },
	{ "mem", cmd_mem, "weights and activation footprint of a model against this machine's caches" },
	{ "stat", cmd_stat, "run a model and count time and events per layer" },
	{ "record", cmd_record, "profile a model and append the run to a recording file" },
	{ "sweep", cmd_sweep, "measure every combination of batch, threads, processes, precision, layout, fusion, size" },
	{ "report", cmd_report, "show a recorded run per layer, layout, kind, impl or stage" },
	{ "diff", cmd_diff, "compare two recorded runs layer by layer" },
	{ "roofline", cmd_roofline, "place a recorded run's conv layers under this machine's measured roofline" },
	{ "flamegraph", cmd_flamegraph, "draw a recorded run (or two, differential) as an SVG flame graph" },
};

static const struct cmd_struct *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_main_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: convprof [--version] [--help] <command> [<options>]\n\n"
		    "convprof profiles the convolution layers of CNN inference on CPUs.\n\n"
		    "commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "   %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'convprof help <command>' or 'convprof <command> --help' shows a command's options;\n"
		    "'man convprof-<command>' describes it in full.\n");
}

static int unknown_cmd(const char *name)
{
	const char *names[ARRAY_SIZE(commands)], *best;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	best = closest_name(name, names, (int)ARRAY_SIZE(commands), 3);
	if (best)
		cp_die_msg("'%s' is not a convprof command; did you mean '%s'?",
			   name, best);
	else
		cp_die_msg("'%s' is not a convprof command; see 'convprof --help'",
			   name);
	return EXIT_USAGE;
}

static int run_cmd(const struct cmd_struct *cmd, int argc, const char **argv)
{
	int status = cmd->fn(argc, argv);
	int out = stdout_finish();

	return status ? status : out;
}

int main(int argc, const char **argv)
{
	const struct cmd_struct *cmd;

	xalloc_set_oom(cli_out_of_memory);
	if (argc < 2) {
		fprintf(stderr, "usage: convprof [--version] [--help] <command> [<options>]\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("convprof version %s\n", CP_VERSION);
		return stdout_finish();
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_main_help(stdout);
		return stdout_finish();
	}
	if (strcmp(argv[1], "help") == 0) {
		const char *help_argv[] = { NULL, "--help", NULL };

		if (argc < 3) {
			print_main_help(stdout);
			return stdout_finish();
		}
		cmd = find_cmd(argv[2]);
		if (!cmd)
			return unknown_cmd(argv[2]);
		help_argv[0] = cmd->name;
		return run_cmd(cmd, 2, help_argv);
	}
	if (argv[1][0] == '-') {
		cp_die_msg("unknown option '%s'; see 'convprof --help'", argv[1]);
		return EXIT_USAGE;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return unknown_cmd(argv[1]);
	return run_cmd(cmd, argc - 1, argv + 1);
}
