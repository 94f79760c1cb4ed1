// SPDX-License-Identifier: MIT
/*
 * Per-layer thread scaling: which layers lose the parallel efficiency a
 * thread sweep measures, and why (see enum sweep_verdict). Busy time comes
 * from oneDNN's ITT tasks on each worker (core/busy.c), so the verdicts
 * need no hardware counters and hold in a VM.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json-out.h"
#include "study/sweep.h"
#include "util/util.h"

#define EFF_SCALES 0.8
#define IMBALANCE_MAX 0.2
#define GROWTH_MAX 1.2

static const char *const verdict_names[] = {
	[VERDICT_UNKNOWN] = "unknown", [VERDICT_SCALES] = "scales",
	[VERDICT_SERIAL] = "serial", [VERDICT_IMBALANCE] = "imbalance",
	[VERDICT_CONTENTION] = "contention", [VERDICT_OVERHEAD] = "overhead",
};

const char *sweep_verdict_name(enum sweep_verdict v)
{
	return (unsigned)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "unknown";
}

enum sweep_verdict sweep_layer_verdict(const struct sweep_layer *base, int base_threads,
				       const struct sweep_layer *l, int threads,
				       struct sweep_layer_scaling *out)
{
	struct sweep_layer_scaling r = { .imbalance = NAN, .work_growth = NAN };
	int known = !isnan(l->busy_sum) && !isnan(base->busy_sum);

	r.speedup = l->time_ms > 0 ? base->time_ms / l->time_ms : NAN;
	r.efficiency = r.speedup * base_threads / threads;
	r.lost_ms = l->time_ms - base->time_ms * base_threads / threads;
	if (known && l->busy_max > 0 && threads > 1)
		r.imbalance = 1 - l->busy_sum / threads / l->busy_max;
	if (known && base->busy_sum > 0)
		r.work_growth = l->busy_sum / base->busy_sum;
	if (isnan(r.efficiency))
		r.verdict = VERDICT_UNKNOWN;
	else if (r.efficiency >= EFF_SCALES)
		r.verdict = VERDICT_SCALES;
	else if (!known)
		r.verdict = VERDICT_UNKNOWN;
	else if (threads > 1 && l->nbusy <= 1)
		r.verdict = VERDICT_SERIAL;
	else if (r.imbalance > IMBALANCE_MAX)
		r.verdict = VERDICT_IMBALANCE;
	else if (r.work_growth > GROWTH_MAX)
		r.verdict = VERDICT_CONTENTION;
	else
		r.verdict = VERDICT_OVERHEAD;
	if (out)
		*out = r;
	return r.verdict;
}

static int has_run(const struct sweep_point *pt)
{
	return (pt->state == SWEEP_DONE || pt->state == SWEEP_PARTIAL) && pt->layers;
}

int sweep_layer_scaling(const struct sweep *s, int k, struct sweep_layer_scaling **out)
{
	const struct sweep_point *pt = &s->points[k], *base;
	int idx[SWEEP_NAXES], i, bt, t;

	*out = NULL;
	if (s->ax.base[SWEEP_THREADS] < 0 || pt->idx[SWEEP_THREADS] == s->ax.base[SWEEP_THREADS] ||
	    !has_run(pt))
		return 0;
	memcpy(idx, pt->idx, sizeof(idx));
	idx[SWEEP_THREADS] = s->ax.base[SWEEP_THREADS];
	base = &s->points[sweep_point_index(&s->ax, idx)];
	if (base->state != SWEEP_DONE || !base->layers || base->nlayers != pt->nlayers)
		return 0;
	for (i = 0; i < pt->nlayers; i++)
		if (strcmp(base->layers[i].name, pt->layers[i].name))
			return 0;
	bt = (int)sweep_axis_number(&s->ax, SWEEP_THREADS, base->idx[SWEEP_THREADS]);
	t = (int)sweep_axis_number(&s->ax, SWEEP_THREADS, pt->idx[SWEEP_THREADS]);
	*out = xcalloc((size_t)pt->nlayers + 1, sizeof(**out));
	for (i = 0; i < pt->nlayers; i++) {
		sweep_layer_verdict(&base->layers[i], bt, &pt->layers[i], t, &(*out)[i]);
		(*out)[i].layer = i;
	}
	return pt->nlayers;
}

static const struct sweep_layer_scaling *sort_base;

static int cmp_lost(const void *a, const void *b)
{
	double x = sort_base[*(const int *)a].lost_ms, y = sort_base[*(const int *)b].lost_ms;

	return x < y ? 1 : x > y ? -1 : *(const int *)a - *(const int *)b;
}

/* Rows in order of time lost, most first. */
static int *by_lost(const struct sweep_layer_scaling *sc, int n)
{
	int *order = xcalloc((size_t)n + 1, sizeof(int)), i;

	for (i = 0; i < n; i++)
		order[i] = i;
	sort_base = sc;
	qsort(order, (size_t)n, sizeof(int), cmp_lost);
	sort_base = NULL;
	return order;
}

static void fmt(char *buf, size_t len, const char *f, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, f, v);
}

void sweep_layers_print(const struct sweep *s, FILE *fp, int top)
{
	int k, i, n;

	for (k = 0; k < s->npoints; k++) {
		const struct sweep_point *pt = &s->points[k];
		struct sweep_layer_scaling *sc;
		struct table *t;
		char label[160], v[32];
		int *order;

		n = sweep_layer_scaling(s, k, &sc);
		if (!n)
			continue;
		sweep_point_label(s, pt, -1, label, sizeof(label));
		fprintf(fp, "\nper layer, #%d (%s) against %d thread%s: the %d that lose the most time\n",
			k + 1, label,
			(int)sweep_axis_number(&s->ax, SWEEP_THREADS, s->ax.base[SWEEP_THREADS]),
			sweep_axis_number(&s->ax, SWEEP_THREADS, s->ax.base[SWEEP_THREADS]) == 1 ? "" : "s",
			MIN(top, n));
		t = table_new();
		table_add_column(t, "#", ALIGN_RIGHT);
		table_add_column(t, "layer", ALIGN_LEFT);
		table_add_column(t, "time_ms", ALIGN_RIGHT);
		table_add_column(t, "lost_ms", ALIGN_RIGHT);
		table_add_column(t, "speedup", ALIGN_RIGHT);
		table_add_column(t, "efficiency%", ALIGN_RIGHT);
		table_add_column(t, "imbalance", ALIGN_RIGHT);
		table_add_column(t, "work_growth", ALIGN_RIGHT);
		table_add_column(t, "verdict", ALIGN_LEFT);
		order = by_lost(sc, n);
		for (i = 0; i < n && i < top; i++) {
			const struct sweep_layer_scaling *r = &sc[order[i]];

			table_add_row(t);
			table_set(t, 0, "%d", r->layer);
			table_set(t, 1, "%s", pt->layers[r->layer].name);
			table_set(t, 2, "%.3f", pt->layers[r->layer].time_ms);
			table_set(t, 3, "%.3f", r->lost_ms);
			fmt(v, sizeof(v), "%.2fx", r->speedup);
			table_set(t, 4, "%s", v);
			fmt(v, sizeof(v), "%.0f", r->efficiency * 100);
			table_set(t, 5, "%s", v);
			fmt(v, sizeof(v), "%.2f", r->imbalance);
			table_set(t, 6, "%s", v);
			fmt(v, sizeof(v), "%.2fx", r->work_growth);
			table_set(t, 7, "%s", v);
			table_set(t, 8, "%s", sweep_verdict_name(r->verdict));
		}
		table_print(t, fp, FMT_TEXT, 0);
		table_free(t);
		free(order);
		free(sc);
	}
}

json_t *sweep_layers_json(const struct sweep *s, int k)
{
	const struct sweep_point *pt = &s->points[k];
	struct sweep_layer_scaling *sc;
	json_t *a = json_array();
	int n = sweep_layer_scaling(s, k, &sc), i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_set_int(o, "index", i);
		json_set_str(o, "name", pt->layers[i].name);
		json_set_num(o, "time_ms", pt->layers[i].time_ms);
		json_set_num(o, "lost_ms", sc[i].lost_ms);
		json_set_num(o, "speedup", sc[i].speedup);
		json_set_num(o, "efficiency", sc[i].efficiency);
		json_set_num(o, "imbalance", sc[i].imbalance);
		json_set_num(o, "work_growth", sc[i].work_growth);
		json_set_str(o, "verdict", sweep_verdict_name(sc[i].verdict));
		json_array_append_new(a, o);
	}
	free(sc);
	return a;
}

/* The combination with the most threads that has a partner, or -1. */
static int top_point(const struct sweep *s, double *threads)
{
	struct sweep_layer_scaling *sc;
	int k, best = -1;

	*threads = 0;
	for (k = 0; k < s->npoints; k++) {
		double t = sweep_axis_number(&s->ax, SWEEP_THREADS, s->points[k].idx[SWEEP_THREADS]);

		if (t <= *threads)
			continue;
		if (sweep_layer_scaling(s, k, &sc) > 0) {
			best = k;
			*threads = t;
		}
		free(sc);
	}
	return best;
}

void sweep_layers_summary(const struct sweep *s, char *buf, size_t len, int top)
{
	struct sweep_layer_scaling *sc;
	int best, n, i, *order;
	double threads;
	size_t used;

	buf[0] = '\0';
	best = top_point(s, &threads);
	if (best < 0)
		return;
	n = sweep_layer_scaling(s, best, &sc);
	order = by_lost(sc, n);
	used = (size_t)snprintf(buf, len, "Layers that lose the most at %.0f threads:", threads);
	for (i = 0; i < n && i < top && used < len; i++) {
		const struct sweep_layer_scaling *r = &sc[order[i]];

		used += (size_t)snprintf(buf + used, len - used, "%s %s (%.3f ms over ideal, %s)",
					 i ? "," : "", s->points[best].layers[r->layer].name,
					 r->lost_ms, sweep_verdict_name(r->verdict));
	}
	if (used < len)
		snprintf(buf + used, len - used, ".");
	free(order);
	free(sc);
}

json_t *sweep_layers_losing_json(const struct sweep *s, int top)
{
	struct sweep_layer_scaling *sc;
	json_t *a = json_array();
	int best, n, i, *order;
	double threads;

	best = top_point(s, &threads);
	if (best < 0)
		return a;
	n = sweep_layer_scaling(s, best, &sc);
	order = by_lost(sc, n);
	for (i = 0; i < n && i < top; i++) {
		const struct sweep_layer_scaling *r = &sc[order[i]];
		json_t *o = json_object();

		json_set_int(o, "combination", best + 1);
		json_set_int(o, "threads", (long long)threads);
		json_set_int(o, "index", r->layer);
		json_set_str(o, "name", s->points[best].layers[r->layer].name);
		json_set_num(o, "lost_ms", r->lost_ms);
		json_set_str(o, "verdict", sweep_verdict_name(r->verdict));
		json_array_append_new(a, o);
	}
	free(order);
	free(sc);
	return a;
}
