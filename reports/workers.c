// SPDX-License-Identifier: MIT
/*
 * Busy, wait and imbalance per layer and worker (see workers.h). A run
 * without busy times (an old recording, --no-busy, no ITT collector) gets
 * no columns at all, so its tables read as before.
 */
#include <math.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/workers.h"
#include "util/util.h"

double imbalance_of(const double *busy, int n)
{
	double sum = 0, max = 0;
	int i;

	if (n < 2)
		return NAN;
	for (i = 0; i < n; i++) {
		if (isnan(busy[i]))
			return NAN;
		sum += busy[i];
		max = MAX(max, busy[i]);
	}
	return max > 0 ? 1 - sum / n / max : NAN;
}

int workers_known(const struct cp_run *run)
{
	return run->busy_ms && run->nthreads > 0;
}

static double busy_at(const struct cp_run *run, int layer, int th)
{
	return run->busy_ms[(long)layer * run->nthreads + th];
}

static double layer_time(const struct cp_run *run, int layer)
{
	if (layer < 0)
		return run->latency_ms;
	if (layer == run->nlayers)
		return run->other_ms;
	return run->layers[layer].time_ms;
}

/* Busy of worker @th in row @layer; the whole inference for -1. */
static double busy_one(const struct cp_run *run, int layer, int th)
{
	double sum = 0;
	int l;

	if (layer >= 0)
		return busy_at(run, layer, th);
	for (l = 0; l <= run->nlayers; l++)
		sum += busy_at(run, l, th);
	return sum;
}

double workers_busy(const struct cp_run *run, int layer, int th)
{
	double sum = 0;
	int i;

	if (!workers_known(run))
		return NAN;
	if (th >= 0)
		return th < run->nthreads ? busy_one(run, layer, th) : NAN;
	for (i = 0; i < run->nthreads; i++)
		sum += busy_one(run, layer, i);
	return sum / run->nthreads;
}

double workers_wait(const struct cp_run *run, int layer, int th)
{
	double b = workers_busy(run, layer, th), t = layer_time(run, layer);

	if (isnan(b) || isnan(t))
		return NAN;
	/* busy is a median over iterations as the time is: never below 0 */
	return t > b ? t - b : 0;
}

double workers_imbalance(const struct cp_run *run, int layer)
{
	double v[64];
	int i, n = MIN(run->nthreads, 64);

	if (!workers_known(run))
		return NAN;
	for (i = 0; i < n; i++)
		v[i] = busy_one(run, layer, i);
	return imbalance_of(v, n);
}

void workers_add_columns(struct table *t, const struct cp_run *run, int *cols)
{
	cols[0] = cols[1] = cols[2] = -1;
	if (!workers_known(run))
		return;
	cols[0] = table_add_column(t, "busy_ms", ALIGN_RIGHT);
	cols[1] = table_add_column(t, "wait_ms", ALIGN_RIGHT);
	if (run->nthreads > 1)
		cols[2] = table_add_column(t, "imbalance", ALIGN_RIGHT);
}

static void put(struct table *t, int col, double v, int csv, const char *fmt)
{
	if (col < 0 || isnan(v))
		return;
	if (csv)
		table_set(t, col, "%.6g", v);
	else
		table_set(t, col, fmt, v);
}

void workers_fill(struct table *t, const struct cp_run *run, int layer, int th,
		  const int *cols, int csv)
{
	double b;

	if (cols[0] < 0)
		return;
	b = workers_busy(run, layer, th);
	put(t, cols[0], b, csv, b < 0.01 ? "%.4f" : "%.3f");
	b = workers_wait(run, layer, th);
	put(t, cols[1], b, csv, b < 0.01 ? "%.4f" : "%.3f");
	if (th < 0)
		put(t, cols[2], workers_imbalance(run, layer), csv, "%.2f");
}

void workers_print_note(const struct cp_run *run, FILE *fp)
{
	if (!run->busy_note[0])
		return;
	if (workers_known(run))
		fprintf(fp, "note: busy time: %s\n", run->busy_note);
	else
		fprintf(fp, "busy: unknown (%s)\n", run->busy_note);
}

void workers_layer_json(json_t *row, const struct cp_run *run, int layer)
{
	json_t *a;
	int th;

	if (!workers_known(run))
		return;
	if (run->nthreads > 1)
		json_set_num(row, "imbalance", workers_imbalance(run, layer));
	a = json_array();
	for (th = 0; th < run->nthreads; th++) {
		json_t *w = json_object();

		json_set_int(w, "worker", th);
		json_set_num(w, "busy_ms", workers_busy(run, layer, th));
		json_set_num(w, "wait_ms", workers_wait(run, layer, th));
		json_array_append_new(a, w);
	}
	json_object_set_new(row, "workers", a);
}

void workers_root_json(json_t *root, const struct cp_run *run)
{
	if (run->busy_note[0])
		json_set_str(root, "busy_note", run->busy_note);
}
