// SPDX-License-Identifier: MIT
/*
 * convprof report: a recorded run, per layer or grouped, as a table, CSV,
 * JSON (the stat contract) or folded stacks.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "study/ceilings.h"
#include "reports/chrome.h"
#include "reports/folded.h"
#include "reports/group.h"
#include "reports/html.h"
#include "reports/json-out.h"
#include "reports/recording.h"
#include "cli/parse-options.h"
#include "reports/render.h"
#include "store/store.h"
#include "util/output.h"
#include "util/util.h"

struct report_opts {
	const char *input;
	const char *run;
	const char *by;
	const char *sort;
	int top;
	const char *format;
	const char *weight;
	int per_thread;
	int list;
	const char *output;	/* html, chrome: -o FILE */
};

static const char *const report_usage[] = {
	"convprof report [-i <file>] [--run <id>] [--by <field>] [--sort <keys>] [--top <n>] [--format <fmt>]",
	"convprof report [-i <file>] [--run <id>] --format html [-o <file>]",
	"convprof report [-i <file>] [--run <id>] --format chrome [-o <file>]",
	"convprof report [-i <file>] --list",
	"",
	"Show a run recorded by 'convprof record': one row per layer (or per",
	"layout, kind, implementation or stage with --by), the events counted",
	"and those that could not be, and why. --format folded prints stacks for",
	"flame graphs (flamegraph.pl, speedscope); --format html one page with",
	"every table, the flame graph and the roofline, for a browser; --format",
	"chrome a run recorded with --timeline as Chrome trace event JSON",
	"(Perfetto UI, chrome://tracing).",
	NULL,
};

static const char *const report_formats[] = { "text", "csv", "json", "folded", "html", "chrome", NULL };

static int report_fail(int err, const char *path)
{
	fflush(stdout);
	/* the first report in a fresh directory: say where recordings come from */
	if (err == -ENOENT && access(path, F_OK) && strcmp(path, STORE_DEFAULT_PATH) == 0)
		fprintf(stderr, "convprof report: no '%s' here; record a run with "
			"'convprof record <model>'\n", path);
	else
		fprintf(stderr, "convprof report: %s\n", cp_strerror(err));
	return 1;
}

static int list_runs(const struct report_opts *o)
{
	struct store *s = NULL;
	struct store_run_info *v = NULL;
	int n = 0, err;

	err = store_open(o->input, STORE_READ, &s);
	if (!err)
		err = store_list_runs(s, &v, &n);
	store_close(s);
	if (err)
		return report_fail(err, o->input);
	err = runs_render(v, n, o->input, format_from_string(o->format), stdout);
	free(v);
	return err ? 1 : 0;
}

static int check_options(const struct report_opts *o, int folded, int html)
{
	int chrome = strcmp(o->format, "chrome") == 0;

	if (o->output && !html && !chrome)
		return usage_error(report_usage, "-o applies to --format html and chrome");
	if (html && (o->by || o->sort || o->top >= 0 || o->per_thread || o->weight))
		return usage_error(report_usage, "--by, --sort, --top, --per-thread and --weight "
				   "do not apply to html: the page has every layer and sorts itself");
	if (chrome && (o->by || o->sort || o->top >= 0 || o->per_thread || o->weight || o->list))
		return usage_error(report_usage, "--format chrome takes only -i, --run and -o");
	if (o->list && (o->run || o->by || o->sort || o->top >= 0 || o->weight ||
			o->per_thread || folded))
		return usage_error(report_usage, "--list takes only -i and --format");
	if (o->weight && !folded)
		return usage_error(report_usage, "--weight applies to --format folded");
	if (folded && (o->by || o->sort || o->top >= 0 || o->per_thread))
		return usage_error(report_usage, "--by, --sort, --top and --per-thread "
				   "apply to the table formats, not to folded");
	return 0;
}

static int html_cb(FILE *fp, const void *arg)
{
	return html_report_write(arg, fp);
}

/* The page, with the roofline when this machine's ceilings are known. */
static int report_html(const struct report_opts *o, const struct cp_run *run,
		       struct store *st)
{
	struct render_opts ro = { .format = FMT_TEXT, .top = -1 };
	struct html_report h = { .run = run, .path = o->input, .ro = &ro };
	struct roofline_result roof = { 0 };
	struct run_ceilings rc;
	struct efficiency eff;
	char note[256], roof_note[256];
	int err, analyzed = 0;

	if (run_efficiency(run, st, &eff, note, sizeof(note)) == 0)
		ro.efficiency = &eff;
	err = ceilings_for_run(run, st, NULL, CEILINGS_CACHED, &rc);
	if (!err)
		err = roofline_analyze(run, &rc.rc, &roof);
	if (!err) {
		analyzed = 1;
		h.roof = &roof;
		h.ceilings = &rc.rc;
	} else {
		snprintf(roof_note, sizeof(roof_note), "%s", cp_strerror(err));
		h.roof_note = roof_note;
	}
	err = o->output ? output_write(o->output, html_cb, &h) :
	      html_report_write(&h, stdout);
	if (analyzed)
		roofline_result_release(&roof);
	if (err && o->output) {
		fprintf(stderr, "convprof report: %s\n", cp_strerror(err));
		return 1;
	}
	return 0;
}

int cmd_report(int argc, const char **argv)
{
	struct report_opts o = { .input = STORE_DEFAULT_PATH, .format = "text", .top = -1 };
	const struct option options[] = {
		OPT_STRING('i', "input", &o.input, "<file>",
			   "recording to read (default convprof.db)"),
		OPT_STRING(0, "run", &o.run, "<id>", "run id or 'latest' (default)"),
		OPT_CHOICE(0, "by", &o.by, group_by_choices, "<field>",
			   "one row per layout, kind, impl or stage instead of per layer"),
		OPT_STRING(0, "sort", &o.sort, "<keys>",
			   "sort rows by keys, largest first: time (text default), index (execution order), flops, an event, ..."),
		OPT_INTEGER(0, "top", &o.top, 0, 1000000, "<n>",
			    "only the first n rows (text default 15; 0: all)"),
		OPT_CHOICE(0, "format", &o.format, report_formats, "<fmt>",
			   "output format: text, csv, json, folded, html or chrome"),
		OPT_STRING('o', "output", &o.output, "<file>",
			   "html, chrome: write to this file (default standard output)"),
		OPT_STRING(0, "weight", &o.weight, "<event>",
			   "folded: weigh stacks by this event (default: time in us)"),
		OPT_BOOLEAN(0, "per-thread", &o.per_thread, "break each row down by worker"),
		OPT_BOOLEAN(0, "list", &o.list, "list the runs in the file"),
		OPT_END(),
	};
	struct render_opts ro = { 0 };
	struct store *st = NULL;
	struct efficiency eff;
	char note[256];
	struct cp_run *run = NULL, *grouped = NULL, *shown;
	enum group_by by = GROUP_LAYOUT;
	int folded, html, nargs, err, status = 0;
	int64_t id = 0;

	nargs = parse_options(argc, argv, options, report_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 0)
		return usage_error(report_usage, "unexpected argument '%s'", argv[0]);
	folded = strcmp(o.format, "folded") == 0;
	html = strcmp(o.format, "html") == 0;
	status = check_options(&o, folded, html);
	if (status)
		return status;
	if (o.list)
		return list_runs(&o);
	if (store_parse_run_id(o.run, &id))
		return usage_error(report_usage, "%s", cp_strerror(-1));
	/* one open (and integrity check) serves the run and the ceilings */
	err = store_open(o.input, STORE_READ, &st);
	if (!err)
		err = store_read_run(st, id, &run);
	if (err) {
		store_close(st);
		return report_fail(err, o.input);
	}

	if (html) {
		status = report_html(&o, run, st);
		goto out;
	}
	if (strcmp(o.format, "chrome") == 0) {
		err = o.output ? chrome_save(run, o.output) : chrome_write(run, stdout);
		if (err)
			status = report_fail(err, o.input);
		goto out;
	}
	if (folded) {
		struct folded f;

		err = folded_build(run, o.weight, &f);
		if (err) {
			status = usage_error(report_usage, "%s", cp_strerror(err));
			goto out;
		}
		folded_print(run, &f, stdout);
		folded_release(&f);
		goto out;
	}

	shown = run;
	ro.format = format_from_string(o.format);
	ro.sort = o.sort;
	ro.top = o.top;
	ro.per_thread = o.per_thread;
	if (o.by) {
		group_by_parse(o.by, &by);
		grouped = group_run(run, by);
		shown = grouped;
		ro.row_noun = "group";
		if (!ro.sort)
			ro.sort = "time";
	}
	err = render_check_sort(shown, ro.sort);
	if (err) {
		status = usage_error(report_usage, "%s", cp_strerror(err));
		goto out;
	}
	/* only a known efficiency is shown: a report is about the run, not this machine */
	if (!o.by && run_efficiency(run, st, &eff, note, sizeof(note)) == 0)
		ro.efficiency = &eff;
	if (ro.format == FMT_JSON) {
		json_t *root = run_to_json(shown, &ro);

		recording_add_json(root, run, o.input);
		if (o.by)
			json_set_str(root, "grouped_by", group_by_name(by));
		json_print(root, stdout);
		goto out;
	}
	if (ro.format == FMT_TEXT) {
		recording_print_header(run, o.input, stdout);
		if (o.by)
			printf("grouped by %s: %d groups of %d layers\n", group_by_name(by),
			       shown->nlayers, run->nlayers);
	}
	render_run(shown, stdout, &ro);
out:
	store_close(st);
	cp_run_free(grouped);
	cp_run_free(run);
	return status;
}
