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

#include "study/sweep.h"
#include "util/util.h"

#define EFF_SCALES 0.8
#define IMBALANCE_MAX 0.2
#define GROWTH_MAX 1.2

static const char *const verdict_names[] = {
	[VERDICT_UNKNOWN] = "unknown", [VERDICT_SCALES] = "scales",
	[VERDICT_SERIAL] = "serial", [VERDICT_IMBALANCE] = "imbalance",
	[VERDICT_CONTENTION] = "contention", [VERDICT_OVERHEAD] = "overhead",
	[VERDICT_NOISE] = "not measurable",
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
	int known = !isnan(l->busy_sum) && !isnan(base->busy_sum), noisy;

	r.speedup = l->time_ms > 0 ? base->time_ms / l->time_ms : NAN;
	r.speedup_spread = r.speedup * sqrt(l->noise * l->noise + base->noise * base->noise);
	r.efficiency = r.speedup * base_threads / threads;
	r.lost_ms = l->time_ms - base->time_ms * base_threads / threads;
	/* the speedup, or the efficiency against the threshold, inside the noise */
	noisy = r.speedup_spread > fabs(r.speedup - 1) ||
		r.speedup_spread * base_threads / threads > fabs(r.efficiency - EFF_SCALES);
	if (known && l->busy_max > 0 && threads > 1)
		r.imbalance = 1 - l->busy_sum / threads / l->busy_max;
	if (known && base->busy_sum > 0)
		r.work_growth = l->busy_sum / base->busy_sum;
	if (isnan(r.efficiency))
		r.verdict = VERDICT_UNKNOWN;
	else if (noisy)
		r.verdict = VERDICT_NOISE;
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
	if (noisy && r.speedup_spread > fabs(r.speedup - 1))
		r.speedup = r.efficiency = NAN;
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
int *sweep_layers_by_lost(const struct sweep_layer_scaling *sc, int n)
{
	int *order = xcalloc((size_t)n + 1, sizeof(int)), i;

	for (i = 0; i < n; i++)
		order[i] = i;
	sort_base = sc;
	qsort(order, (size_t)n, sizeof(int), cmp_lost);
	sort_base = NULL;
	return order;
}

/* The combination with the most threads that has a partner, or -1. */
int sweep_layers_top_point(const struct sweep *s, double *threads)
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
	best = sweep_layers_top_point(s, &threads);
	if (best < 0)
		return;
	n = sweep_layer_scaling(s, best, &sc);
	order = sweep_layers_by_lost(sc, n);
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
