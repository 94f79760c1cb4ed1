// SPDX-License-Identifier: MIT
/*
 * convprof record: a stat run, with sampling and eBPF, appended to the
 * recording file. The file is opened before the run so a bad file fails
 * fast, and the run is written in one transaction afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/cli-app.h"
#include "cli/parse-options.h"
#include "core/busy.h"
#include "core/profile.h"
#include "store/store.h"
#include "util/util.h"

static const char *const record_usage[] = {
	"convprof record [-o <file>] [<options>] <model>",
	"convprof record [-o <file>] [<options>] --cfg <file>",
	"convprof record [-o <file>] [<options>] -- <command> [<args>...]",
	"",
	"Profile a model like stat, with eBPF and sampling where the machine",
	"allows, and append the run to a recording file (default convprof.db)",
	"for report, diff and flamegraph.",
	"",
	"With -- <command>, profile the oneDNN primitives of any program using the",
	"shared libdnnl.so.2 (see convprof-stat(1)) and record them the same way.",
	NULL,
};

int cmd_record(int argc, const char **argv)
{
	struct profile_opts p = PROFILE_OPTS_INIT;
	const char *output = STORE_DEFAULT_PATH;
	int quiet = 0;
	const struct option options[] = {
		OPT_STRING('o', "output", &output, "<file>",
			   "recording file to append to (default convprof.db)"),
		OPT_BOOLEAN('q', "quiet", &quiet, "print nothing but errors"),
		OPT_INTEGER_OPTARG("timeline", &p.timeline, 1, BUSY_MAX_TIMELINE, 3, "[=<n>]",
				   "keep per-worker begin/end of every layer for n iterations (default 3, at most 64)"),
		PROFILE_OPTIONS(&p),
		PROFILE_COMMAND_OPTIONS(&p),
		OPT_END(),
	};
	struct store *st = NULL;
	struct cp_run *run = NULL;
	char cmdline[512];
	int nargs, err, status = 1, sep = cli_app_split(argc, argv);
	const char **cmd_argv = sep ? argv + sep + 1 : NULL;
	int cmd_argc = sep ? argc - sep - 1 : 0;

	profile_cmdline(argc, argv, cmdline, sizeof(cmdline));
	nargs = parse_options(sep ? sep : argc, argv, options, record_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (sep)
		err = cli_app_check(&p, nargs, argv, cmd_argc, record_usage);
	else
		err = profile_check(&p, nargs, argv, record_usage);
	if (err)
		return err;
	if (p.timeline && p.no_busy)
		return usage_error(record_usage, "--timeline needs the busy time --no-busy turns off");
	p.quiet = quiet;

	err = store_open(output, STORE_APPEND, &st);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		return 1;
	}
	p.progress_fn = cli_say_measuring;
	if (sep) {
		status = cli_app_run(&p, cmd_argc, cmd_argv, cmdline, &run);
		if (status)
			goto out;
		status = 1;
		err = 0;
	} else {
		err = profile_run(&p, cmdline, &run);
	}
	if (err) {
		cp_die_msg("%s%s", cp_strerror(err),
			   err == -EINTR ? ": nothing recorded" : "");
		goto out;
	}
	if (p.timeline && !run->nslices && !quiet)
		cp_warn("no timeline recorded: %s", run->busy_note[0] ? run->busy_note :
			"no oneDNN task was seen");
	err = run->partial ? store_write_partial(st, run) : store_write_run(st, run);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		goto out;
	}
	if (!quiet && sep && !strcmp(run->grouping, "primitive"))
		fprintf(stderr, "convprof record: run %lld%s written to %s: %s, %d rows (one per primitive, no period), %.3f ms in all\n",
			(long long)run->id, run->partial ? " (partial)" : "", output,
			run->model, run->nlayers, run->latency_ms);
	else if (!quiet && sep)
		fprintf(stderr, "convprof record: run %lld%s written to %s: %s, %d rows (one per position), %d periods measured, %.3f ms per period\n",
			(long long)run->id, run->partial ? " (partial)" : "", output,
			run->model, run->nlayers, run->iterations, run->latency_ms);
	else if (!quiet)
		fprintf(stderr, "convprof record: run %lld%s written to %s: %s %dx%d, %d rows, %d iterations, latency %.3f ms\n",
			(long long)run->id, run->partial ? " (partial)" : "", output,
			run->model, run->width, run->height, run->nlayers,
			run->iterations, run->latency_ms);
	status = sep ? cli_app_exit(run) : 0;
out:
	cp_run_free(run);
	store_close(st);
	return status;
}
