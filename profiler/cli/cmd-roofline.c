// SPDX-License-Identifier: MIT
/*
 * convprof roofline: every conv layer of a recorded run against this
 * machine's measured compute and bandwidth ceilings, as a table with a
 * verdict per layer and a log-log SVG chart.
 */
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "study/ceilings.h"
#include "reports/chart.h"
#include "util/json.h"
#include "cli/parse-options.h"
#include "reports/roofline.h"
#include "store/store.h"
#include "util/util.h"

struct roofline_opts {
	const char *input;
	const char *run;
	const char *output;
	int labels;
	const char *cache;
	int no_measure;
	const char *format;
};

static const char *const roofline_usage[] = {
	"convprof roofline [-i <file>] [--run <id>] [-o <file.svg>] [--labels <n>]",
	"",
	"Place every conv layer of a recorded run on the roofline of this machine:",
	"arithmetic intensity (FLOPs per byte of weights, input and output)",
	"against achieved GFLOP/s, under the measured compute peak and STREAM",
	"bandwidth of the cores the run used, with a verdict per layer.",
	NULL,
};

static void print_efficiency_text(const struct efficiency *e, FILE *fp)
{
	fputc('\n', fp);
	efficiency_print(e, fp, FMT_TEXT);
}

int cmd_roofline(int argc, const char **argv)
{
	struct roofline_opts o = { .input = STORE_DEFAULT_PATH, .run = "latest",
				   .output = "roofline.svg", .labels = 8,
				   .format = "text" };
	const struct option options[] = {
		OPT_STRING('i', "input", &o.input, "<file>",
			   "recording file (default convprof.db)"),
		OPT_STRING(0, "run", &o.run, "<id|latest>", "which run (default latest)"),
		OPT_STRING('o', "output", &o.output, "<file.svg>",
			   "where to write the chart (default roofline.svg; 'none': no chart)"),
		OPT_INTEGER(0, "labels", &o.labels, 0, 1000, "<n>",
			    "name the n layers that lose the most time (default 8)"),
		OPT_STRING(0, "cache", &o.cache, "<file>",
			   "convprof machine's cache file (default ~/.cache/convprof/machine.json)"),
		OPT_BOOLEAN(0, "no-measure", &o.no_measure,
			    "fail instead of measuring when no ceilings are known"),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct roofline_result res = { 0 };
	struct run_ceilings rc;
	struct efficiency eff;
	struct store *st = NULL;
	struct cp_run *run = NULL;
	struct chart chart;
	enum cp_format fmt;
	char title[224];
	int64_t id = 0;
	int nargs, err, status = 1, analyzed = 0;

	nargs = parse_options(argc, argv, options, roofline_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 0)
		return usage_error(roofline_usage, "unexpected argument '%s'", argv[0]);
	if (store_parse_run_id(o.run, &id))
		return usage_error(roofline_usage, "bad run id '%s' (a number or latest)", o.run);
	fmt = format_from_string(o.format);

	err = store_open(o.input, STORE_READ, &st);
	if (!err)
		err = store_read_run(st, id, &run);
	if (!err)
		err = ceilings_for_run(run, st, o.cache,
				       o.no_measure ? CEILINGS_CACHED : CEILINGS_MEASURE, &rc);
	if (!err)
		err = roofline_analyze(run, &rc.rc, &res);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		goto out;
	}
	analyzed = 1;
	roofline_efficiency(run, &rc.rc, rc.llc_bytes, &eff);

	if (strcmp(o.output, "none") != 0) {
		char what[160];

		cp_run_title(run, what, sizeof(what));
		snprintf(title, sizeof(title), "%s, %d thread%s: roofline", what, run->threads,
			 run->threads == 1 ? "" : "s");
		roofline_chart(&res, &rc.rc, title, o.labels, &chart);
		err = chart_save_svg(&chart, o.output);
		chart_release(&chart);
		if (err) {
			cp_die_msg("%s", cp_strerror(err));
			goto out;
		}
	}
	if (fmt == FMT_JSON) {
		json_t *root = roofline_to_json(&res, &rc.rc);

		json_set_int(root, "run", run->id);
		json_set_str(root, "model", run->model);
		json_object_set_new(root, "efficiency", efficiency_to_json(&eff));
		if (strcmp(o.output, "none") != 0)
			json_set_str(root, "chart", o.output);
		err = json_print(root, stdout);
	} else {
		if (fmt == FMT_TEXT) {
			char what[160];

			cp_run_title(run, what, sizeof(what));
			printf("run %lld of '%s': %s, %d thread%s\n", (long long)run->id, o.input,
			       what, run->threads, run->threads == 1 ? "" : "s");
		}
		err = roofline_print(&res, &rc.rc, stdout, fmt);
		if (fmt == FMT_TEXT) {
			print_efficiency_text(&eff, stdout);
			if (strcmp(o.output, "none") != 0)
				printf("\nchart: %s\n", o.output);
		}
	}
	status = err ? 1 : 0;
out:
	if (analyzed)
		roofline_result_release(&res);
	cp_run_free(run);
	store_close(st);
	return status;
}
