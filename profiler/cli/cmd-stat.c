// SPDX-License-Identifier: MIT
/*
 * convprof stat: one configuration, measured, printed per layer.
 */
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/cli-app.h"
#include "study/ceilings.h"
#include "core/events.h"
#include "cli/parse-options.h"
#include "core/profile.h"
#include "reports/render.h"
#include "util/util.h"

static const char *const stat_usage[] = {
	"convprof stat [<options>] <model>",
	"convprof stat [<options>] --cfg <file>",
	"convprof stat [<options>] -- <command> [<args>...]",
	"",
	"Run a model on oneDNN with pinned workers and print, per layer, the",
	"median time, GFLOP/s, memory layout, oneDNN implementation and the",
	"count of every event; events this machine cannot count are listed",
	"with the reason instead.",
	"",
	"With -- <command>, run the command (any program using the shared",
	"libdnnl.so.2, e.g. PyTorch) with convprof's hook preloaded and report its",
	"oneDNN primitives the same way: one row per position of the repeating",
	"sequence of primitives (a forward pass), (other) = time in no primitive.",
	NULL,
};

/*
 * Sort keys are checked before the run, against the events asked for, so a
 * typo does not cost a whole measurement.
 */
static int check_sort_early(const char *sort, const char *events)
{
	struct cp_run *probe;
	struct event_list l;
	int i, err;

	if (!sort)
		return 0;
	probe = cp_run_new();
	if (!events || strcmp(events, "none") != 0) {
		if (event_list_parse(events ? events : CP_DEFAULT_EVENTS, &l) == 0)
			for (i = 0; i < l.n; i++)
				cp_run_add_event(probe, l.ev[i].name, "", 1, NULL);
	}
	err = render_check_sort(probe, sort);
	cp_run_free(probe);
	return err;
}

int cmd_stat(int argc, const char **argv)
{
	struct profile_opts p = PROFILE_OPTS_INIT;
	struct render_opts ro = { .top = -1 };
	const char *format = "text";
	const struct option options[] = {
		PROFILE_OPTIONS(&p),
		PROFILE_COMMAND_OPTIONS(&p),
		OPT_GROUP("output"),
		OPT_STRING(0, "sort", &ro.sort, "<keys>",
			   "sort rows by time (text default), index (execution order), flops, an event... (comma list)"),
		OPT_INTEGER(0, "top", &ro.top, 0, 1000000, "<n>",
			    "only the first n rows (text default 15; 0: all)"),
		OPT_BOOLEAN(0, "per-thread", &ro.per_thread, "break each layer down by worker"),
		OPT_FORMAT(&format),
		OPT_END(),
	};
	struct cp_run *run = NULL;
	struct efficiency eff;
	char cmdline[512], note[256];
	int nargs, err, sep = cli_app_split(argc, argv), status = 0;
	const char **cmd_argv = sep ? argv + sep + 1 : NULL;
	int cmd_argc = sep ? argc - sep - 1 : 0;

	/* before parse_options(), which moves the operands */
	profile_cmdline(argc, argv, cmdline, sizeof(cmdline));
	nargs = parse_options(sep ? sep : argc, argv, options, stat_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (sep)
		err = cli_app_check(&p, nargs, argv, cmd_argc, stat_usage);
	else
		err = profile_check(&p, nargs, argv, stat_usage);
	if (err)
		return err;
	if (!sep && check_sort_early(ro.sort, p.events))
		return usage_error(stat_usage, "%s", cp_strerror(-1));
	ro.format = format_from_string(format);

	p.progress_fn = cli_say_measuring;
	if (sep) {
		err = cli_app_run(&p, cmd_argc, cmd_argv, cmdline, &run);
		if (err)
			return err;
	} else {
		err = profile_run(&p, cmdline, &run);
		if (err) {
			cp_die_msg("%s", cp_strerror(err));
			return 1;
		}
	}
	if (ro.sort && render_check_sort(run, ro.sort)) {
		cp_warn("%s; rows in execution order", cp_strerror(-1));
		ro.sort = "index";
	}
	if (run_efficiency(run, NULL, &eff, note, sizeof(note)) == 0)
		ro.efficiency = &eff;
	else
		ro.efficiency_note = note;
	err = render_run(run, stdout, &ro);
	if (sep)
		status = cli_app_exit(run);
	cp_run_free(run);
	return err ? 1 : status;
}
