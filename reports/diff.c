// SPDX-License-Identifier: MIT
/*
 * Two recorded runs side by side, layer by layer, with the change in time
 * and in every event both counted: the renderer behind `convprof diff`.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/diff.h"
#include "reports/json-out.h"
#include "reports/table.h"
#include "util/util.h"

/* Value of the time (ev < 0) or common event @ev for a row side; NaN if absent. */
static double side_value(const struct diff_view *d, const struct cp_run *run,
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

static double row_value(const struct diff_view *d, const struct compare_row *r,
			int ev, int is_a)
{
	return side_value(d, is_a ? d->a : d->b, is_a ? r->a : r->b, ev, is_a);
}

static const struct cp_layer_rec *row_layer(const struct diff_view *d,
					    const struct compare_row *r)
{
	return r->b >= 0 ? &d->b->layers[r->b] : &d->a->layers[r->a];
}

static const struct diff_view *sort_ctx;

static int cmp_rows(const void *x, const void *y)
{
	const struct compare_row *p = x, *q = y;
	const struct diff_view *d = sort_ctx;
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

static int set_sort(struct diff_view *d, const char *sort)
{
	static const char *const keys[] = { "delta", "ratio", "time", "name", "index" };
	const char **names;
	const char *best;
	size_t i;
	int e, n = 0, err;

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
	err = cp_error(-EINVAL, "unknown sort key '%s'%s%s%s (delta, ratio, time, name, "
		       "index, or an event counted in both runs)", d->sort,
		       best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
	free(names);
	return err;
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

static void table_row(struct table *t, const struct diff_view *d,
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

static void print_table(const struct diff_view *d, FILE *fp, enum cp_format fmt)
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
	table_print(t, fp, fmt, 0);
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

static int print_json(const struct diff_view *d, FILE *fp)
{
	json_t *root = json_object(), *layers = json_array(), *evs = json_array();
	json_t *sum = json_object();
	int i, e;

	json_object_set_new(root, "a", run_json(d->a, d->la));
	json_object_set_new(root, "b", run_json(d->b, d->lb));
	json_set_str(sum, "text", d->summary);
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
	return json_print(root, fp);
}

/* "not compared: a, b (reason)": one line per distinct reason */
void diff_print_not_compared(const struct diff_view *d, FILE *fp)
{
	const struct cp_run *r[2] = { d->a, d->b };
	const char *lab[2] = { d->la, d->lb };
	char (*why)[320] = NULL;
	const char **name = NULL;
	int i, e, j, k, n = 0, shown;

	/* events one run has but the other did not count: no column, a reason */
	for (i = 0; i < 2; i++) {
		for (e = 0; e < r[i]->nevents; e++) {
			const struct cp_event_info *ev = &r[i]->events[e];
			int o = cp_run_event_index(r[!i], ev->name);
			const struct cp_event_info *oe = o >= 0 ? &r[!i]->events[o] : NULL;

			if (ev->supported && oe && oe->supported)
				continue;	/* compared */
			if (i == 1 && oe)
				continue;	/* said from A's side */
			why = xrealloc(why, (size_t)(n + 1) * sizeof(*why));
			name = xrealloc(name, (size_t)(n + 1) * sizeof(*name));
			name[n] = ev->name;
			if (!ev->supported && oe && !oe->supported &&
			    strcmp(ev->reason, oe->reason) == 0)
				snprintf(why[n], sizeof(*why), "not supported in either run: %s",
					 ev->reason);
			else if (!ev->supported)
				snprintf(why[n], sizeof(*why), "not supported in %s: %s",
					 lab[i], ev->reason);
			else if (oe)
				snprintf(why[n], sizeof(*why), "not supported in %s: %s",
					 lab[!i], oe->reason);
			else
				snprintf(why[n], sizeof(*why), "counted in %s only", lab[i]);
			n++;
		}
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(why[j], why[i]) == 0)
				break;
		if (j < i)
			continue;
		fprintf(fp, "not compared: ");
		for (k = i, shown = 0; k < n; k++)
			if (strcmp(why[k], why[i]) == 0)
				fprintf(fp, "%s%s", shown++ ? ", " : "", name[k]);
		fprintf(fp, " (%s)\n", why[i]);
	}
	free(why);
	free(name);
}

static void print_text_header(const struct diff_view *d, FILE *fp)
{
	const struct cp_run *r[2] = { d->a, d->b };
	const char *lab[2] = { d->la, d->lb };
	int i;

	fprintf(fp, "%s\n", d->summary);
	for (i = 0; i < 2; i++)
		if (r[i]->command_argc)
			fprintf(fp, "%c (%s): run %lld, %s, %s, %d threads, %d rows (%d reorders), "
				"%.3f ms per period%s\n", 'A' + i, lab[i], (long long)r[i]->id,
				r[i]->time, r[i]->cmdline, r[i]->threads, r[i]->nlayers,
				r[i]->reorder_count, r[i]->latency_ms, r[i]->partial ? " (PARTIAL)" : "");
		else
			fprintf(fp, "%c (%s): run %lld, %s, %s %dx%d, batch %d, %s, %s, fusion %s, "
				"%d threads, latency %.3f ms%s\n", 'A' + i, lab[i],
				(long long)r[i]->id, r[i]->time, r[i]->model, r[i]->width, r[i]->height,
				r[i]->batch, r[i]->precision, r[i]->layout, r[i]->fusion ? "on" : "off",
				r[i]->threads, r[i]->latency_ms, r[i]->partial ? " (PARTIAL)" : "");
	diff_print_not_compared(d, fp);
	if (d->ntext_ev < d->c.nev) {
		fprintf(fp, "events: ");
		for (i = 0; i < d->ntext_ev; i++)
			fprintf(fp, "%s%s", i ? ", " : "",
				d->a->events[d->c.ev_a[d->text_ev[i]]].name);
		fprintf(fp, "%s(%d of %d counted in both; '-e <events>' or '--format csv' for the others)\n",
			d->ntext_ev ? " " : "time only ", d->ntext_ev, d->c.nev);
	}
	fputc('\n', fp);
}

/* Text: the time (A, B, delta, B/A), then A, B and B/A of each chosen event. */
static void text_row(struct table *t, const struct diff_view *d,
		     const struct compare_row *r, const char *name,
		     const int *evs, int nev)
{
	char buf[64];
	int e, col;

	table_add_row(t);
	table_set(t, 0, "%s", name);
	if (r->a >= 0 && r->a < d->a->nlayers)
		table_set(t, 1, "%s", d->a->layers[r->a].kind);
	if (r->b >= 0 && r->b < d->b->nlayers)
		table_set(t, 1, "%s", d->b->layers[r->b].kind);
	set_measure(t, 2, row_value(d, r, -1, 1), row_value(d, r, -1, 0), 1, 0);
	for (e = 0; e < nev; e++) {
		double va = row_value(d, r, evs[e], 1), vb = row_value(d, r, evs[e], 0);

		col = 6 + 3 * e;
		fmt_val(buf, sizeof(buf), va, 0, 0);
		table_set(t, col, "%s", buf);
		fmt_val(buf, sizeof(buf), vb, 0, 0);
		table_set(t, col + 1, "%s", buf);
		fmt_ratio(buf, sizeof(buf), va, vb, 0);
		table_set(t, col + 2, "%s", buf);
	}
	if (r->a < 0)
		table_set(t, 6 + 3 * nev, "only in %s", d->lb);
	else if (r->b < 0)
		table_set(t, 6 + 3 * nev, "only in %s", d->la);
}

static struct table *text_table(const struct diff_view *d, const int *evs, int nev)
{
	struct table *t = table_new();
	struct compare_row other = { d->a->nlayers, d->b->nlayers };
	char buf[64], h[160];
	int i, e;

	table_add_column(t, "layer", ALIGN_LEFT);
	table_add_column(t, "kind", ALIGN_LEFT);
	table_add_column(t, "ms A", ALIGN_RIGHT);
	table_add_column(t, "ms B", ALIGN_RIGHT);
	table_add_column(t, "delta", ALIGN_RIGHT);
	table_add_column(t, "B/A", ALIGN_RIGHT);
	for (e = 0; e < nev; e++) {
		const char *name = d->a->events[d->c.ev_a[evs[e]]].name;

		snprintf(h, sizeof(h), "%s A", name);
		table_add_column(t, h, ALIGN_RIGHT);
		snprintf(h, sizeof(h), "%s B", name);
		table_add_column(t, h, ALIGN_RIGHT);
		snprintf(h, sizeof(h), "%s B/A", name);
		table_add_column(t, h, ALIGN_RIGHT);
	}
	table_add_column(t, "", ALIGN_LEFT);
	for (i = 0; i < d->c.n; i++)
		text_row(t, d, &d->c.rows[i], row_layer(d, &d->c.rows[i])->name, evs, nev);
	text_row(t, d, &other, "(other)", evs, nev);
	table_add_row(t);
	table_set(t, 0, "total");
	set_measure(t, 2, d->a->latency_ms, d->b->latency_ms, 1, 0);
	for (e = 0; e < nev; e++) {
		double va = d->a->total_counts[d->c.ev_a[evs[e]]];
		double vb = d->b->total_counts[d->c.ev_b[evs[e]]];

		fmt_val(buf, sizeof(buf), va, 0, 0);
		table_set(t, 6 + 3 * e, "%s", buf);
		fmt_val(buf, sizeof(buf), vb, 0, 0);
		table_set(t, 6 + 3 * e + 1, "%s", buf);
		fmt_ratio(buf, sizeof(buf), va, vb, 0);
		table_set(t, 6 + 3 * e + 2, "%s", buf);
	}
	return t;
}

/* The widest line of @t as text. */
static size_t table_width(const struct table *t)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0, w = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return 0;
	table_print(t, fp, FMT_TEXT, 0);
	fclose(fp);
	for (p = buf; p && *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		if ((size_t)(nl - p) > w)
			w = (size_t)(nl - p);
		if (!*nl)
			break;
	}
	free(buf);
	return w;
}

/* How much an event differs between the runs: sum of |B - A| over the rows, by the larger total. */
static double ev_change(const struct diff_view *d, int ev)
{
	double ta = d->a->total_counts[d->c.ev_a[ev]], tb = d->b->total_counts[d->c.ev_b[ev]];
	double sum = 0, m = fmax(fabs(ta), fabs(tb));
	int i;

	for (i = 0; i < d->c.n; i++) {
		double va = row_value(d, &d->c.rows[i], ev, 1);
		double vb = row_value(d, &d->c.rows[i], ev, 0);

		if (!isnan(va) && !isnan(vb))
			sum += fabs(vb - va);
	}
	return m > 0 && isfinite(m) ? sum / m : 0;
}

static const struct diff_view *rank_ctx;

static int cmp_change(const void *x, const void *y)
{
	double p = ev_change(rank_ctx, *(const int *)x), q = ev_change(rank_ctx, *(const int *)y);

	if (p != q)
		return p > q ? -1 : 1;
	return *(const int *)x - *(const int *)y;
}

/* -e: the events named, each counted in both runs ("none": time only). */
static int select_named(struct diff_view *d, const char *events)
{
	char *copy = xstrdup(events), *tok, *save = NULL;
	int e, err = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "none") == 0)
			continue;
		for (e = 0; e < d->c.nev; e++)
			if (strcmp(d->a->events[d->c.ev_a[e]].name, tok) == 0)
				break;
		if (e == d->c.nev) {
			char list[1024] = "";
			size_t n = 0;
			int k;

			for (k = 0; k < d->c.nev && n < sizeof(list); k++)
				n += snprintf(list + n, sizeof(list) - n, "%s%s", k ? ", " : "",
					      d->a->events[d->c.ev_a[k]].name);
			err = cp_error(-EINVAL, "event '%s' was not counted in both runs (both counted: %s)",
				       tok, d->c.nev ? list : "none");
		} else {
			d->text_ev[d->ntext_ev++] = e;
		}
	}
	free(copy);
	return err;
}

/*
 * The events text shows: @events, or task-clock then those that changed
 * most, as many as fit in DIFF_TEXT_WIDTH columns.
 */
static int select_events(struct diff_view *d, const char *events)
{
	int *cand, n = 0, e, i;

	d->text_ev = xcalloc((size_t)(d->c.nev ? d->c.nev : 1), sizeof(int));
	d->ntext_ev = 0;
	if (events)
		return select_named(d, events);
	cand = xcalloc((size_t)(d->c.nev ? d->c.nev : 1), sizeof(int));
	for (e = 0; e < d->c.nev; e++) {
		if (strcmp(d->a->events[d->c.ev_a[e]].name, "task-clock") == 0)
			d->text_ev[d->ntext_ev++] = e;
		else if (ev_change(d, e) > 0)
			cand[n++] = e;
	}
	rank_ctx = d;
	qsort(cand, (size_t)n, sizeof(int), cmp_change);
	rank_ctx = NULL;
	for (i = 0; i < n; i++) {
		struct table *t;
		size_t w;

		d->text_ev[d->ntext_ev] = cand[i];
		t = text_table(d, d->text_ev, d->ntext_ev + 1);
		w = table_width(t);
		table_free(t);
		if (w > DIFF_TEXT_WIDTH)
			break;
		d->ntext_ev++;
	}
	free(cand);
	return 0;
}

int diff_view_init(struct diff_view *d, const struct cp_run *a,
		   const struct cp_run *b, const char *name_a, const char *name_b,
		   const char *sort, const char *events)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->a = a;
	d->b = b;
	compare_match(a, b, &d->c);
	compare_labels(a, b, name_a, name_b, d->la, d->lb, sizeof(d->la));
	err = set_sort(d, sort);
	if (err) {
		compare_release(&d->c);
		return err;
	}
	sort_ctx = d;
	qsort(d->c.rows, (size_t)d->c.n, sizeof(*d->c.rows), cmp_rows);
	sort_ctx = NULL;
	err = select_events(d, events);
	if (err) {
		diff_view_release(d);
		return err;
	}
	compare_summary(a, b, &d->c, d->la, d->lb, d->summary, sizeof(d->summary));
	return 0;
}

double diff_value(const struct diff_view *d, const struct compare_row *r,
		  int ev, int is_a)
{
	return row_value(d, r, ev, is_a);
}

const struct cp_layer_rec *diff_row_layer(const struct diff_view *d,
					  const struct compare_row *r)
{
	return row_layer(d, r);
}

void diff_view_release(struct diff_view *d)
{
	compare_release(&d->c);
	free(d->text_ev);
	d->text_ev = NULL;
}

int diff_render(const struct diff_view *d, FILE *fp, enum cp_format fmt)
{
	if (fmt == FMT_JSON)
		return print_json(d, fp);
	if (fmt == FMT_TEXT) {
		struct table *t = text_table(d, d->text_ev, d->ntext_ev);

		print_text_header(d, fp);
		table_print(t, fp, FMT_TEXT, 0);
		table_free(t);
	} else {
		print_table(d, fp, fmt);
	}
	return ferror(fp) ? -EIO : 0;
}
