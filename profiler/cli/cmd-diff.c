// SPDX-License-Identifier: MIT
/*
 * convprof diff: two recorded runs side by side, layer by layer, with the
 * change in time and in every event both counted (reports/diff.c renders).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "reports/diff.h"
#include "reports/html.h"
#include "cli/parse-options.h"
#include "store/store.h"
#include "util/output.h"
#include "util/util.h"

struct diff_opts {
	const char *input;
	const char *sort;
	const char *format;
	const char *events;
	const char *output;
};

static const char *const diff_formats[] = { "text", "csv", "json", "html", NULL };

static const char *const diff_usage[] = {
	"convprof diff [-i <file>] [<a> <b>] [-e <events>] [--sort <key>] [--format <fmt>]",
	"convprof diff [-i <file>] [<a> <b>] --format html [-o <file>]",
	"",
	"Compare two recorded runs layer by layer: time and the events counted in",
	"both, with the change and the ratio B/A. Text shows task-clock and the",
	"events that changed most, as many as fit 200 columns (-e chooses); CSV",
	"and JSON show every event. A and B are run ids in the -i",
	"file, files (their latest run) or FILE:ID; without them, the last two",
	"runs of the file. Runs of different models or image sizes are refused.",
	NULL,
};

static int diff_fail(int err)
{
	fflush(stdout);
	fprintf(stderr, "convprof diff: %s\n", cp_strerror(err));
	return 1;
}

static int html_cb(FILE *fp, const void *arg)
{
	return html_diff_write(arg, fp);
}

/* The two operands: run ids, files, FILE:ID; none: the last two runs. */
static int load_pair(const struct diff_opts *o, int nargs, const char **argv,
		     struct cp_run **a, struct cp_run **b)
{
	struct store *s = NULL;
	struct store_run_info *v = NULL;
	int n = 0, err;

	if (nargs == 2) {
		err = store_load_ref(argv[0], o->input, a);
		return err ? err : store_load_ref(argv[1], o->input, b);
	}
	err = store_open(o->input, STORE_READ, &s);
	if (!err)
		err = store_list_runs(s, &v, &n);
	if (!err && n < 2)
		err = cp_error(-ENOENT, "'%s' holds %d run%s; diff needs two", o->input,
			       n, n == 1 ? "" : "s");
	if (!err)
		err = store_read_run(s, v[n - 2].id, a);
	if (!err)
		err = store_read_run(s, v[n - 1].id, b);
	free(v);
	store_close(s);
	return err;
}

int cmd_diff(int argc, const char **argv)
{
	struct diff_opts o = { .input = STORE_DEFAULT_PATH, .format = "text" };
	const struct option options[] = {
		OPT_STRING('i', "input", &o.input, "<file>",
			   "recording that run ids refer to (default convprof.db)"),
		OPT_STRING(0, "sort", &o.sort, "<key>",
			   "delta (default: |time change|), ratio, time, name, index or an event"),
		OPT_STRING('e', "events", &o.events, "<events>",
			   "text: the events to show (comma list, 'none': time only)"),
		OPT_CHOICE(0, "format", &o.format, diff_formats, "<fmt>",
			   "output format: text, csv, json or html"),
		OPT_STRING('o', "output", &o.output, "<file>",
			   "html: write the page to this file (default standard output)"),
		OPT_END(),
	};
	struct cp_run *a = NULL, *b = NULL;
	struct diff_view d;
	int nargs, err, status = 0, inited = 0, html;

	nargs = parse_options(argc, argv, options, diff_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs == 1 || nargs > 2)
		return usage_error(diff_usage, "expected two runs (or none: the last two)");
	html = strcmp(o.format, "html") == 0;
	if (o.output && !html)
		return usage_error(diff_usage, "-o applies to --format html");
	err = load_pair(&o, nargs, argv, &a, &b);
	if (!err)
		err = compare_check(a, b);
	if (err) {
		status = diff_fail(err);
		goto out;
	}
	err = diff_view_init(&d, a, b, nargs == 2 ? argv[0] : NULL,
			     nargs == 2 ? argv[1] : NULL, o.sort, o.events);
	if (err) {
		status = usage_error(diff_usage, "%s", cp_strerror(err));
		goto out;
	}
	inited = 1;
	if (html && o.output) {
		err = output_write(o.output, html_cb, &d);
		if (err)
			status = diff_fail(err);
	} else if (html) {
		html_diff_write(&d, stdout);
	} else {
		diff_render(&d, stdout, format_from_string(o.format));
	}
out:
	if (inited)
		diff_view_release(&d);
	cp_run_free(a);
	cp_run_free(b);
	return status;
}
