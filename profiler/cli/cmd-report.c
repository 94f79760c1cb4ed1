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
#include "reports/json-out.h"
#include "cli/parse-options.h"
#include "reports/render.h"
#include "store/store.h"
#include "reports/table.h"
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
	const char *output;	/* chrome: -o FILE */
};

static const char *const report_usage[] = {
	"convprof report [-i <file>] [--run <id>] [--by <field>] [--sort <keys>] [--top <n>] [--format <fmt>]",
	"convprof report [-i <file>] [--run <id>] --format chrome [-o <file>]",
	"convprof report [-i <file>] --list",
	"",
	"Show a run recorded by 'convprof record': one row per layer (or per",
	"layout, kind, implementation or stage with --by), the events counted",
	"and those that could not be, and why. --format folded prints stacks for",
	"flame graphs (flamegraph.pl, speedscope); --format chrome writes a run",
	"recorded with --timeline as Chrome trace event JSON (Perfetto UI,",
	"chrome://tracing).",
	NULL,
};

static const char *const report_formats[] = { "text", "csv", "json", "folded", "chrome", NULL };

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

static void print_run_header(const struct cp_run *run, const char *path, FILE *fp)
{
	const struct cp_machine_rec *m = &run->machine;
	char buf[32];

	fprintf(fp, "run: %lld of '%s', recorded %s by convprof %s, oneDNN %s\n",
		(long long)run->id, path, run->time[0] ? run->time : "?",
		run->convprof_version[0] ? run->convprof_version : "?",
		run->dnnl_version[0] ? run->dnnl_version : "?");
	if (run->cmdline[0])
		fprintf(fp, "cmdline: %s\n", run->cmdline);
	/* what the recorder did not know stays out, rather than reading 0 */
	fprintf(fp, "machine: %s", m->cpu_model[0] ? m->cpu_model : "unknown CPU");
	if (m->cores)
		fprintf(fp, ", %d cores", m->cores);
	if (m->pus)
		fprintf(fp, ", %d PUs", m->pus);
	if (m->numa_nodes)
		fprintf(fp, ", %d NUMA node%s", m->numa_nodes, m->numa_nodes == 1 ? "" : "s");
	if (m->l1d)
		fprintf(fp, ", L1d %s", fmt_bytes(buf, sizeof(buf), m->l1d));
	if (m->l2)
		fprintf(fp, ", L2 %s", fmt_bytes(buf, sizeof(buf), m->l2));
	if (m->l3)
		fprintf(fp, ", L3 %s", fmt_bytes(buf, sizeof(buf), m->l3));
	if (m->memory)
		fprintf(fp, ", memory %s", fmt_bytes(buf, sizeof(buf), m->memory));
	fputc('\n', fp);
	if (m->kernel[0] || m->hostname[0])
		fprintf(fp, "system: Linux %s on %s\n", m->kernel[0] ? m->kernel : "?",
			m->hostname[0] ? m->hostname : "?");
	if (m->isa[0])
		fprintf(fp, "isa: %s\n", m->isa);
}

/* What the stat JSON lacks about a recorded run: where and on what it ran. */
static void add_recording_json(json_t *root, const struct cp_run *run, const char *path)
{
	const struct cp_machine_rec *m = &run->machine;
	json_t *mj = json_object();

	json_set_str(root, "file", path);
	json_set_str(root, "time", run->time);
	json_set_str(root, "cmdline", run->cmdline);
	json_set_str(root, "convprof_version", run->convprof_version);
	json_set_str(root, "dnnl_version", run->dnnl_version);
	json_set_str(mj, "cpu_model", m->cpu_model);
	json_set_str(mj, "isa", m->isa);
	json_set_str(mj, "kernel", m->kernel);
	json_set_str(mj, "hostname", m->hostname);
	json_set_int(mj, "pus", m->pus);
	json_set_int(mj, "cores", m->cores);
	json_set_int(mj, "numa_nodes", m->numa_nodes);
	json_set_int(mj, "packages", m->packages);
	json_set_int(mj, "l1d_bytes", (long long)m->l1d);
	json_set_int(mj, "l2_bytes", (long long)m->l2);
	json_set_int(mj, "l3_bytes", (long long)m->l3);
	json_set_int(mj, "memory_bytes", (long long)m->memory);
	json_object_set_new(root, "machine", mj);
}

static int list_runs(const struct report_opts *o)
{
	struct store *s = NULL;
	struct store_run_info *v = NULL;
	enum cp_format fmt = format_from_string(o->format);
	int n = 0, i, err;

	err = store_open(o->input, STORE_READ, &s);
	if (!err)
		err = store_list_runs(s, &v, &n);
	store_close(s);
	if (err)
		return report_fail(err, o->input);
	if (fmt == FMT_JSON) {
		json_t *root = json_object(), *arr = json_array();

		for (i = 0; i < n; i++) {
			json_t *r = json_object();

			json_set_int(r, "id", v[i].id);
			json_set_str(r, "time", v[i].time);
			json_set_str(r, "model", v[i].model);
			json_set_int(r, "width", v[i].width);
			json_set_int(r, "height", v[i].height);
			json_set_int(r, "batch", v[i].batch);
			json_set_str(r, "precision", v[i].precision);
			json_set_str(r, "layout", v[i].layout);
			json_set_bool(r, "fusion", v[i].fusion);
			json_set_int(r, "threads", v[i].threads);
			json_set_int(r, "layers", v[i].nlayers);
			json_set_num(r, "latency_ms", v[i].latency_ms);
			json_set_bool(r, "partial", v[i].partial);
			json_array_append_new(arr, r);
		}
		json_set_str(root, "file", o->input);
		json_object_set_new(root, "runs", arr);
		err = json_print(root, stdout);
	} else {
		struct table *t = table_new();
		static const char *const cols[] = {
			"run", "time", "model", "size", "batch", "precision", "layout",
			"fusion", "threads", "layers", "latency_ms", "",
		};

		for (i = 0; i < (int)ARRAY_SIZE(cols); i++)
			table_add_column(t, cols[i], i == 0 || (i >= 8 && i <= 10) ||
					 i == 4 ? ALIGN_RIGHT : ALIGN_LEFT);
		for (i = 0; i < n; i++) {
			table_add_row(t);
			table_set(t, 0, "%lld", (long long)v[i].id);
			table_set(t, 1, "%s", v[i].time);
			table_set(t, 2, "%s", v[i].model);
			table_set(t, 3, "%dx%d", v[i].width, v[i].height);
			table_set(t, 4, "%d", v[i].batch);
			table_set(t, 5, "%s", v[i].precision);
			table_set(t, 6, "%s", v[i].layout);
			table_set(t, 7, "%s", v[i].fusion ? "on" : "off");
			table_set(t, 8, "%d", v[i].threads);
			table_set(t, 9, "%d", v[i].nlayers);
			if (isnan(v[i].latency_ms))
				table_set(t, 10, "-");
			else
				table_set(t, 10, "%.3f", v[i].latency_ms);
			if (v[i].partial)
				table_set(t, 11, "partial");
		}
		if (!n && fmt == FMT_TEXT)
			printf("'%s' holds no runs\n", o->input);
		else
			table_print(t, stdout, fmt, 0);
		table_free(t);
	}
	free(v);
	return err ? 1 : 0;
}

static int check_options(const struct report_opts *o, int folded)
{
	int chrome = strcmp(o->format, "chrome") == 0;

	if (o->output && !chrome)
		return usage_error(report_usage, "-o applies to --format chrome");
	if (chrome && (o->by || o->sort || o->top || o->per_thread || o->weight || o->list))
		return usage_error(report_usage, "--format chrome takes only -i, --run and -o");
	if (o->list && (o->run || o->by || o->sort || o->top || o->weight ||
			o->per_thread || folded))
		return usage_error(report_usage, "--list takes only -i and --format");
	if (o->weight && !folded)
		return usage_error(report_usage, "--weight applies to --format folded");
	if (folded && (o->by || o->sort || o->top || o->per_thread))
		return usage_error(report_usage, "--by, --sort, --top and --per-thread "
				   "apply to the table formats, not to folded");
	return 0;
}

int cmd_report(int argc, const char **argv)
{
	struct report_opts o = { .input = STORE_DEFAULT_PATH, .format = "text" };
	const struct option options[] = {
		OPT_STRING('i', "input", &o.input, "<file>",
			   "recording to read (default convprof.db)"),
		OPT_STRING(0, "run", &o.run, "<id>", "run id or 'latest' (default)"),
		OPT_CHOICE(0, "by", &o.by, group_by_choices, "<field>",
			   "one row per layout, kind, impl or stage instead of per layer"),
		OPT_STRING(0, "sort", &o.sort, "<keys>",
			   "sort rows by keys, largest first: time, flops, an event, ..."),
		OPT_INTEGER(0, "top", &o.top, 1, 1000000, "<n>", "only the first n rows"),
		OPT_CHOICE(0, "format", &o.format, report_formats, "<fmt>",
			   "output format: text, csv, json, folded or chrome"),
		OPT_STRING('o', "output", &o.output, "<file>",
			   "chrome: write the trace to this file (default: stdout)"),
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
	int folded, nargs, err, status = 0;
	int64_t id = 0;

	nargs = parse_options(argc, argv, options, report_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 0)
		return usage_error(report_usage, "unexpected argument '%s'", argv[0]);
	folded = strcmp(o.format, "folded") == 0;
	status = check_options(&o, folded);
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

		add_recording_json(root, run, o.input);
		if (o.by)
			json_set_str(root, "grouped_by", group_by_name(by));
		json_print(root, stdout);
		goto out;
	}
	if (ro.format == FMT_TEXT) {
		print_run_header(run, o.input, stdout);
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
