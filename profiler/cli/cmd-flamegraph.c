// SPDX-License-Identifier: MIT
/*
 * convprof flamegraph: a recorded run as a self-contained SVG, or two runs
 * as a differential one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "reports/compare.h"
#include "reports/flamegraph.h"
#include "reports/folded.h"
#include "cli/parse-options.h"
#include "store/store.h"
#include "util/output.h"
#include "util/util.h"

struct flamegraph_opts {
	const char *input;
	const char *run;
	const char *output;
	const char *weight;
	const char *color;
	int diff;
};

static const char *const flamegraph_usage[] = {
	"convprof flamegraph [-i <file>] [--run <id>] [-o <file.svg>] [--weight <event>] [--color kind|layout]",
	"convprof flamegraph [-i <file>] --diff <a> <b> [-o <file.svg>] [--weight <event>]",
	"",
	"Draw a recorded run as an SVG flame graph: the model, its stages, its",
	"layers (as wide as their time, or an event) and the sampled frames under",
	"them. --diff draws B's graph coloured by the change from A.",
	NULL,
};

static int flamegraph_fail(int err)
{
	fflush(stdout);
	fprintf(stderr, "convprof flamegraph: %s\n", cp_strerror(err));
	return 1;
}

struct svg_args {
	const struct cp_run *b, *a;
	const struct folded *fb, *fa;
	const struct flame_opts *fo;
};

static int svg_write_cb(FILE *fp, const void *arg)
{
	const struct svg_args *s = arg;

	return flamegraph_svg(s->b, s->fb, s->a, s->fa, s->fo, fp);
}

/*
 * A file is replaced whole or not at all (a full disk, a bad weight never
 * leave half an SVG); "-", a FIFO or a device is written straight through.
 */
static int write_svg(const char *path, const struct cp_run *b, const struct folded *fb,
		     const struct cp_run *a, const struct folded *fa,
		     const struct flame_opts *fo)
{
	struct svg_args s = { .b = b, .a = a, .fb = fb, .fa = fa, .fo = fo };

	return output_write(path, svg_write_cb, &s);
}

int cmd_flamegraph(int argc, const char **argv)
{
	struct flamegraph_opts o = {
		.input = STORE_DEFAULT_PATH, .output = "flamegraph.svg", .color = "kind",
	};
	const struct option options[] = {
		OPT_STRING('i', "input", &o.input, "<file>",
			   "recording to read (default convprof.db)"),
		OPT_STRING(0, "run", &o.run, "<id>", "run id or 'latest' (default)"),
		OPT_STRING('o', "output", &o.output, "<file.svg>",
			   "where to write the SVG (default flamegraph.svg; - for stdout)"),
		OPT_STRING(0, "weight", &o.weight, "<event>",
			   "frame widths by this event (default: time in us)"),
		OPT_CHOICE(0, "color", &o.color, flame_color_choices, "<by>",
			   "colour layers by kind (default) or layout"),
		OPT_BOOLEAN(0, "diff", &o.diff,
			    "differential graph of runs <a> and <b> (ids, files or FILE:ID)"),
		OPT_END(),
	};
	struct cp_run *a = NULL, *b = NULL;
	struct folded fa = { 0 }, fb = { 0 };
	struct flame_opts fo = { 0 };
	char la[96], lb[96], sub[400];
	int nargs, err = 0, status = 0;
	int64_t id = 0;

	nargs = parse_options(argc, argv, options, flamegraph_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (o.diff && nargs != 2)
		return usage_error(flamegraph_usage, "--diff needs two runs");
	if (!o.diff && nargs)
		return usage_error(flamegraph_usage, "unexpected argument '%s'", argv[0]);
	if (o.diff && o.run)
		return usage_error(flamegraph_usage, "--run and --diff exclude each other");
	if (!o.output[0])
		return usage_error(flamegraph_usage, "empty output file name");
	fo.color = strcmp(o.color, "layout") == 0 ? FLAME_BY_LAYOUT : FLAME_BY_KIND;

	if (o.diff) {
		err = store_load_ref(argv[0], o.input, &a);
		if (!err)
			err = store_load_ref(argv[1], o.input, &b);
		if (!err)
			err = compare_check(a, b);
	} else {
		if (store_parse_run_id(o.run, &id))
			return usage_error(flamegraph_usage, "%s", cp_strerror(-1));
		err = store_load_run(o.input, id, &b);
	}
	if (err) {
		status = flamegraph_fail(err);
		goto out;
	}
	err = folded_build(b, o.weight, &fb);
	if (!err && a)
		err = folded_build(a, o.weight, &fa);
	if (err) {
		status = usage_error(flamegraph_usage, "%s", cp_strerror(err));
		goto out;
	}
	if (a) {
		compare_labels(a, b, argv[0], argv[1], la, lb, sizeof(la));
		snprintf(sub, sizeof(sub), "B = %s (run %lld) against A = %s (run %lld)",
			 lb, (long long)b->id, la, (long long)a->id);
	} else if (b->command_argc > 0) {
		char what[160];

		cp_run_title(b, what, sizeof(what));
		snprintf(sub, sizeof(sub), "run %lld: %s, %d threads%s", (long long)b->id, what,
			 b->threads, b->partial ? ", PARTIAL" : "");
	} else {
		snprintf(sub, sizeof(sub), "run %lld: batch %d, %s, %s, fusion %s, %d threads%s",
			 (long long)b->id, b->batch, b->precision, b->layout,
			 b->fusion ? "on" : "off", b->threads, b->partial ? ", PARTIAL" : "");
	}
	fo.subtitle = sub;
	err = write_svg(o.output, b, &fb, a, &fa, &fo);
	if (err) {
		status = flamegraph_fail(err);
		goto out;
	}
	if (strcmp(o.output, "-") && strcmp(o.output, "/dev/stdout"))
		printf("wrote '%s'\n", o.output);
out:
	folded_release(&fa);
	folded_release(&fb);
	cp_run_free(a);
	cp_run_free(b);
	return status;
}
