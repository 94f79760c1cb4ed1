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
#include "cli/parse-options.h"
#include "core/busy.h"
#include "core/profile.h"
#include "store/store.h"
#include "util/util.h"

static const char *const record_usage[] = {
	"convprof record [-o <file>] [<options>] <model>",
	"convprof record [-o <file>] [<options>] --cfg <file>",
	"",
	"Profile a model like stat, with eBPF and sampling where the machine",
	"allows, and append the run to a recording file (default convprof.db)",
	"for report, diff and flamegraph.",
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
		OPT_END(),
	};
	struct store *st = NULL;
	struct cp_run *run = NULL;
	char cmdline[512];
	int nargs, err, status = 1;

	profile_cmdline(argc, argv, cmdline, sizeof(cmdline));
	nargs = parse_options(argc, argv, options, record_usage);
	if (nargs < 0)
		return EXIT_USAGE;
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
	err = profile_run(&p, cmdline, &run);
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
	if (!quiet)
		fprintf(stderr, "convprof record: run %lld%s written to %s: %s %dx%d, %d rows, %d iterations, latency %.3f ms\n",
			(long long)run->id, run->partial ? " (partial)" : "", output,
			run->model, run->width, run->height, run->nlayers,
			run->iterations, run->latency_ms);
	status = 0;
out:
	cp_run_free(run);
	store_close(st);
	return status;
}
