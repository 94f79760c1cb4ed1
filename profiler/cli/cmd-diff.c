// SPDX-License-Identifier: MIT
/*
 * convprof diff: two recorded runs side by side, layer by layer, with the
 * change in time and in every event both counted.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "reports/compare.h"
#include "reports/json-out.h"
#include "cli/parse-options.h"
#include "store/store.h"
#include "reports/table.h"
#include "util/util.h"

struct diff_opts {
	const char *input;
	const char *sort;
	const char *format;
};

static const char *const diff_usage[] = {
	"convprof diff [-i <file>] [<a> <b>] [--sort <key>] [--format <fmt>]",
	"",
	"Compare two recorded runs layer by layer: time and every event counted in",
	"both, with the change and the ratio B/A. A and B are run ids in the -i",
	"file, files (their latest run) or FILE:ID; without them, the last two",
	"runs of the file. Runs of different models or image sizes are refused.",
	NULL,
};

struct diff_ctx {
	const struct cp_run *a, *b;
	struct comparison c;
	char la[96], lb[96];
	int sort_ev;		/* index into c.ev_a/ev_b, -1 for time */
	const char *sort;
};

static int diff_fail(int err)
{
	fflush(stdout);
	fprintf(stderr, "convprof diff: %s\n", cp_strerror(err));
	return 1;
}

/* Value of the time (ev < 0) or common event @ev for a row side; NaN if absent. */
static double side_value(const struct diff_ctx *d, const struct cp_run *run,
			 int row, int ev, int is_a)
{
	int e;

	if (row < 0)
		return NAN;
	if (ev < 0)
		return row == run->nlayers ? run->other_ms : run->layers[row].time_ms;
	e = is_a ? d->c.ev_a[ev] : d->c.ev_b[ev];
	return *cp_run_count((struct cp_run *)run, row, e);
}

static double row_value(const struct diff_ctx *d, const struct compare_row *r,
			int ev, int is_a)
{
	return side_value(d, is_a ? d->a : d->b, is_a ? r->a : r->b, ev, is_a);
}

static const struct cp_layer_rec *row_layer(const struct diff_ctx *d,
					    const struct compare_row *r)
{
	return r->b >= 0 ? &d->b->layers[r->b] : &d->a->layers[r->a];
}

static const struct diff_ctx *sort_ctx;

static int cmp_rows(const void *x, const void *y)
{
	const struct compare_row *p = x, *q = y;
	const struct diff_ctx *d = sort_ctx;
	double vp, vq;

	if (strcmp(d->sort, "name") == 0)
		return strcmp(row_layer(d, p)->name, row_layer(d, q)->name);
	if (strcmp(d->sort, "index") == 0) {
		/* B's execution order; layers only in A after */
		vp = p->b >= 0 ? p->b : 1e9 + p->a;
		vq = q->b >= 0 ? q->b : 1e9 + q->a;
		return vp < vq ? -1 : vp > vq;
	}
	if (strcmp(d->sort, "ratio") == 0) {
		vp = fabs(log(row_value(d, p, -1, 0) / row_value(d, p, -1, 1)));
		vq = fabs(log(row_value(d, q, -1, 0) / row_value(d, q, -1, 1)));
	} else if (strcmp(d->sort, "time") == 0) {
		vp = row_value(d, p, -1, 0);
		vq = row_value(d, q, -1, 0);
	} else {
		/* "delta" or an event: the absolute change */
		vp = fabs(row_value(d, p, d->sort_ev, 0) - row_value(d, p, d->sort_ev, 1));
		vq = fabs(row_value(d, q, d->sort_ev, 0) - row_value(d, q, d->sort_ev, 1));
	}
	/* rows without the value (layers in one run only) go last */
	if (!isfinite(vp) || !isfinite(vq)) {
		if (isfinite(vp) != isfinite(vq))
			return isfinite(vp) ? -1 : 1;
		vp = p->b >= 0 ? p->b : 1e9 + p->a;
		vq = q->b >= 0 ? q->b : 1e9 + q->a;
		return vp < vq ? -1 : vp > vq;
	}
	if (vp != vq)
		return vp > vq ? -1 : 1;
	return p->b - q->b;
}

static int set_sort(struct diff_ctx *d, const char *sort, const char *const *usage)
{
	static const char *const keys[] = { "delta", "ratio", "time", "name", "index" };
	const char **names;
	const char *best;
	size_t i;
	int e, n = 0, status;

	d->sort = sort ? sort : "delta";
	d->sort_ev = -1;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(d->sort, keys[i]) == 0)
			return 0;
	for (e = 0; e < d->c.nev; e++)
		if (strcmp(d->a->events[d->c.ev_a[e]].name, d->sort) == 0) {
			d->sort_ev = e;
			return 0;
		}
	names = xcalloc(ARRAY_SIZE(keys) + (size_t)d->c.nev, sizeof(char *));
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		names[n++] = keys[i];
	for (e = 0; e < d->c.nev; e++)
		names[n++] = d->a->events[d->c.ev_a[e]].name;
	best = closest_name(d->sort, names, n, 4);
	status = usage_error(usage, "unknown sort key '%s'%s%s%s (delta, ratio, time, name, "
			     "index, or an event counted in both runs)", d->sort,
			     best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
	free(names);
	return status;
}

/* Counts: 4 significant digits with an SI suffix, as render.c prints them. */
static void fmt_si(char *buf, size_t len, double v, int sign)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T", "P" };
	unsigned s = 0;

	if (fabs(v) < 10000) {
		snprintf(buf, len, v == floor(v) ? (sign ? "%+.0f" : "%.0f")
						 : (sign ? "%+.1f" : "%.1f"), v);
		return;
	}
	while (fabs(v) >= 1000 && s + 1 < ARRAY_SIZE(sfx)) {
		v /= 1000;
		s++;
	}
	snprintf(buf, len, fabs(v) >= 100 ? (sign ? "%+.1f%s" : "%.1f%s")
					  : (sign ? "%+.2f%s" : "%.2f%s"), v, sfx[s]);
}

static void fmt_val(char *buf, size_t len, double v, int is_time, int csv)
{
	if (isnan(v))
		snprintf(buf, len, csv ? "" : "-");
	else if (csv)
		snprintf(buf, len, "%.10g", v);
	else if (is_time)
		snprintf(buf, len, "%.3f", v);
	else
		fmt_si(buf, len, v, 0);
}

static void fmt_delta(char *buf, size_t len, double a, double b, int is_time, int csv)
{
	double dlt = b - a;

	if (isnan(dlt))
		snprintf(buf, len, csv ? "" : "-");
	else if (csv)
		snprintf(buf, len, "%.10g", dlt);
	else if (is_time)
		snprintf(buf, len, "%+.3f", dlt);
	else
		fmt_si(buf, len, dlt, 1);
}

static void fmt_ratio(char *buf, size_t len, double a, double b, int csv)
{
	if (isnan(a) || isnan(b) || a == 0)
		snprintf(buf, len, csv ? "" : "-");
	else
		snprintf(buf, len, csv ? "%.6g" : "%.2fx", b / a);
}

/* Cells of one measure (time or an event) for one row: A, B, delta, ratio. */
static void set_measure(struct table *t, int col, double a, double b, int is_time, int csv)
{
	char buf[64];

	fmt_val(buf, sizeof(buf), a, is_time, csv);
	table_set(t, col, "%s", buf);
	fmt_val(buf, sizeof(buf), b, is_time, csv);
	table_set(t, col + 1, "%s", buf);
	fmt_delta(buf, sizeof(buf), a, b, is_time, csv);
	table_set(t, col + 2, "%s", buf);
	fmt_ratio(buf, sizeof(buf), a, b, csv);
	table_set(t, col + 3, "%s", buf);
}

static void add_measure_columns(struct table *t, const char *what, const char *la,
				const char *lb)
{
	char h[256];

	snprintf(h, sizeof(h), "%s %s", what, la);
	table_add_column(t, h, ALIGN_RIGHT);
	snprintf(h, sizeof(h), "%s %s", what, lb);
	table_add_column(t, h, ALIGN_RIGHT);
	snprintf(h, sizeof(h), "%s delta", what);
	table_add_column(t, h, ALIGN_RIGHT);
	snprintf(h, sizeof(h), "%s ratio", what);
	table_add_column(t, h, ALIGN_RIGHT);
}

static void table_row(struct table *t, const struct diff_ctx *d,
		      const struct compare_row *r, const char *name, int csv)
{
	char only[128] = "both";
	int e;

	table_add_row(t);
	table_set(t, 0, "%s", name);
	if (r->a >= 0 && r->a < d->a->nlayers)
		table_set(t, 1, "%s", d->a->layers[r->a].kind);
	if (r->b >= 0 && r->b < d->b->nlayers)
		table_set(t, 1, "%s", d->b->layers[r->b].kind);
	if (r->a < 0)
		snprintf(only, sizeof(only), csv ? "b" : "only in %s", d->lb);
	else if (r->b < 0)
		snprintf(only, sizeof(only), csv ? "a" : "only in %s", d->la);
	set_measure(t, 2, row_value(d, r, -1, 1), row_value(d, r, -1, 0), 1, csv);
	for (e = 0; e < d->c.nev; e++)
		set_measure(t, 6 + 4 * e, row_value(d, r, e, 1), row_value(d, r, e, 0), 0, csv);
	if (csv || r->a < 0 || r->b < 0)
		table_set(t, 6 + 4 * d->c.nev, "%s", only);
}

static void print_table(const struct diff_ctx *d, enum cp_format fmt)
{
	struct table *t = table_new();
	struct compare_row other = { d->a->nlayers, d->b->nlayers };
	int csv = fmt == FMT_CSV, i, e;

	table_add_column(t, "layer", ALIGN_LEFT);
	table_add_column(t, "kind", ALIGN_LEFT);
	add_measure_columns(t, "ms", d->la, d->lb);
	for (e = 0; e < d->c.nev; e++)
		add_measure_columns(t, d->a->events[d->c.ev_a[e]].name, d->la, d->lb);
	table_add_column(t, csv ? "in" : "", ALIGN_LEFT);
	for (i = 0; i < d->c.n; i++)
		table_row(t, d, &d->c.rows[i], row_layer(d, &d->c.rows[i])->name, csv);
	table_row(t, d, &other, "(other)", csv);
	table_add_row(t);
	table_set(t, 0, "total");
	set_measure(t, 2, d->a->latency_ms, d->b->latency_ms, 1, csv);
	for (e = 0; e < d->c.nev; e++)
		set_measure(t, 6 + 4 * e, d->a->total_counts[d->c.ev_a[e]],
			    d->b->total_counts[d->c.ev_b[e]], 0, csv);
	if (csv)
		table_set(t, 6 + 4 * d->c.nev, "both");
	table_print(t, stdout, fmt, 0);
	table_free(t);
}

static json_t *measure_json(double a, double b)
{
	json_t *m = json_object();

	json_set_num(m, "a", a);
	json_set_num(m, "b", b);
	json_set_num(m, "delta", b - a);
	json_set_num(m, "ratio", a != 0 ? b / a : NAN);
	return m;
}

static json_t *run_json(const struct cp_run *run, const char *label)
{
	json_t *r = json_object();

	json_set_int(r, "run", run->id);
	json_set_str(r, "label", label);
	json_set_str(r, "time", run->time);
	json_set_str(r, "model", run->model);
	json_set_int(r, "width", run->width);
	json_set_int(r, "height", run->height);
	json_set_int(r, "batch", run->batch);
	json_set_str(r, "precision", run->precision);
	json_set_str(r, "layout", run->layout);
	json_set_bool(r, "fusion", run->fusion);
	json_set_int(r, "threads", run->threads);
	json_set_bool(r, "partial", run->partial);
	json_set_num(r, "latency_ms", run->latency_ms);
	return r;
}

static void print_json(const struct diff_ctx *d, const char *summary)
{
	json_t *root = json_object(), *layers = json_array(), *evs = json_array();
	json_t *sum = json_object();
	int i, e;

	json_object_set_new(root, "a", run_json(d->a, d->la));
	json_object_set_new(root, "b", run_json(d->b, d->lb));
	json_set_str(sum, "text", summary);
	json_set_num(sum, "speedup", compare_speedup(d->a, d->b));
	json_object_set_new(sum, "latency_ms", measure_json(d->a->latency_ms, d->b->latency_ms));
	json_object_set_new(root, "summary", sum);
	for (e = 0; e < d->c.nev; e++)
		json_array_append_new(evs, json_string(d->a->events[d->c.ev_a[e]].name));
	json_object_set_new(root, "events", evs);
	for (i = 0; i < d->c.n; i++) {
		const struct compare_row *r = &d->c.rows[i];
		const struct cp_layer_rec *l = row_layer(d, r);
		json_t *o = json_object(), *counts = json_object();

		json_set_str(o, "name", l->name);
		json_set_str(o, "kind", l->kind);
		json_set_str(o, "in", r->a < 0 ? "b" : r->b < 0 ? "a" : "both");
		if (r->a >= 0)
			json_set_int(o, "index_a", r->a);
		if (r->b >= 0)
			json_set_int(o, "index_b", r->b);
		json_object_set_new(o, "time_ms", measure_json(row_value(d, r, -1, 1),
							       row_value(d, r, -1, 0)));
		for (e = 0; e < d->c.nev; e++) {
			double a = row_value(d, r, e, 1), b = row_value(d, r, e, 0);

			if (!isnan(a) || !isnan(b))
				json_object_set_new(counts, d->a->events[d->c.ev_a[e]].name,
						    measure_json(a, b));
		}
		json_object_set_new(o, "counts", counts);
		json_array_append_new(layers, o);
	}
	json_object_set_new(root, "layers", layers);
	json_object_set_new(root, "other_ms", measure_json(d->a->other_ms, d->b->other_ms));
	json_print(root, stdout);
}

static void print_text_header(const struct diff_ctx *d, const char *summary)
{
	const struct cp_run *r[2] = { d->a, d->b };
	const char *lab[2] = { d->la, d->lb };
	int i, e, j, n;

	printf("%s\n", summary);
	for (i = 0; i < 2; i++)
		if (r[i]->command_argc)
			printf("%c (%s): run %lld, %s, %s, %d threads, %d rows (%d reorders), %.3f ms per period%s\n",
			       'A' + i, lab[i], (long long)r[i]->id, r[i]->time, r[i]->cmdline,
			       r[i]->threads, r[i]->nlayers, r[i]->reorder_count, r[i]->latency_ms,
			       r[i]->partial ? " (PARTIAL)" : "");
		else
			printf("%c (%s): run %lld, %s, %s %dx%d, batch %d, %s, %s, fusion %s, "
			       "%d threads, latency %.3f ms%s\n", 'A' + i, lab[i],
			       (long long)r[i]->id, r[i]->time, r[i]->model, r[i]->width, r[i]->height,
			       r[i]->batch, r[i]->precision, r[i]->layout, r[i]->fusion ? "on" : "off",
			       r[i]->threads, r[i]->latency_ms, r[i]->partial ? " (PARTIAL)" : "");
	/* events one run has but the other did not count: no column, a reason */
	for (i = 0; i < 2; i++) {
		for (e = 0; e < r[i]->nevents; e++) {
			const struct cp_event_info *ev = &r[i]->events[e];

			for (j = 0, n = 0; j < d->c.nev; j++)
				n += strcmp(d->a->events[d->c.ev_a[j]].name, ev->name) == 0;
			if (n || (i == 1 && cp_run_event_index(d->a, ev->name) >= 0))
				continue;
			if (!ev->supported)
				printf("not compared: %s (not supported in %s: %s)\n", ev->name,
				       lab[i], ev->reason);
			else
				printf("not compared: %s (counted in %s only)\n", ev->name, lab[i]);
		}
	}
	putchar('\n');
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
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct cp_run *a = NULL, *b = NULL;
	struct diff_ctx d;
	char summary[256];
	int nargs, err, status = 0;

	memset(&d, 0, sizeof(d));
	nargs = parse_options(argc, argv, options, diff_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs == 1 || nargs > 2)
		return usage_error(diff_usage, "expected two runs (or none: the last two)");
	err = load_pair(&o, nargs, argv, &a, &b);
	if (!err)
		err = compare_check(a, b);
	if (err) {
		status = diff_fail(err);
		goto out;
	}
	d.a = a;
	d.b = b;
	compare_match(a, b, &d.c);
	compare_labels(a, b, nargs == 2 ? argv[0] : NULL, nargs == 2 ? argv[1] : NULL,
		       d.la, d.lb, sizeof(d.la));
	status = set_sort(&d, o.sort, diff_usage);
	if (status)
		goto out;
	sort_ctx = &d;
	qsort(d.c.rows, (size_t)d.c.n, sizeof(*d.c.rows), cmp_rows);
	compare_summary(a, b, &d.c, d.la, d.lb, summary, sizeof(summary));

	if (format_from_string(o.format) == FMT_JSON) {
		print_json(&d, summary);
	} else {
		if (format_from_string(o.format) == FMT_TEXT)
			print_text_header(&d, summary);
		print_table(&d, format_from_string(o.format));
	}
out:
	compare_release(&d.c);
	cp_run_free(a);
	cp_run_free(b);
	return status;
}
