/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RENDER_INT_H
#define CONVPROF_RENDER_INT_H

/*
 * What the per-layer renderers (render.c: text and CSV, render-json.c: JSON,
 * render-value.c: values and row order) share; not for other callers, who
 * use reports/render.h.
 */
#include <math.h>
#include <string.h>

#include "reports/render.h"

/* Derived metrics: name, numerator, denominator, factor. */
struct derived {
	const char *name;
	const char *num, *den;
	double factor;
	const char *help;
};

#define RENDER_NDERIVED 4
extern const struct derived derived_metrics[RENDER_NDERIVED];

/* GB/s from LLC misses x 64 B over the layer's time. */
#define LLC_GBS "llc_gb/s"

static inline int ev_supported(const struct cp_run *run, const char *name)
{
	int i = cp_run_event_index(run, name);

	return i >= 0 && run->events[i].supported;
}

static inline double count_of(const struct cp_run *run, int layer, const char *name)
{
	int i = cp_run_event_index(run, name);

	if (i < 0 || !run->events[i].supported)
		return NAN;
	if (layer < 0)
		return run->total_counts[i];
	return *cp_run_count((struct cp_run *)run, layer, i);
}

static inline double row_time(const struct cp_run *run, int layer)
{
	if (layer < 0)
		return run->latency_ms;
	if (layer == run->nlayers)
		return run->other_ms;
	return run->layers[layer].time_ms;
}

static inline const struct cp_layer_rec *row(const struct cp_run *run, int layer)
{
	return layer == run->nlayers ? &run->other : &run->layers[layer];
}

static inline double derived_value(const struct cp_run *run, int layer,
				   const struct derived *d)
{
	double n = count_of(run, layer, d->num), q = count_of(run, layer, d->den);

	if (isnan(n) || isnan(q) || q <= 0)
		return NAN;
	return n / q * d->factor;
}

static inline double llc_gbs(const struct cp_run *run, int layer)
{
	double m = count_of(run, layer, "LLC-load-misses"), t = row_time(run, layer);

	if (isnan(m) || !(t > 0))
		return NAN;
	return m * 64.0 / (t * 1e-3) / 1e9;
}

static inline int derived_available(const struct cp_run *run,
				    const struct derived *d)
{
	return ev_supported(run, d->num) && ev_supported(run, d->den);
}

static inline int is_ebpf(const struct cp_event_info *e)
{
	return strcmp(e->source, "ebpf") == 0;
}

/* 0 in every row, (other) and the total: measured, and nothing happened. */
static inline int all_zero(const struct cp_run *run, int ev)
{
	int i;

	if (run->total_counts[ev] != 0)
		return 0;
	for (i = 0; i <= run->nlayers; i++)
		if (*cp_run_count((struct cp_run *)run, i, ev) != 0)
			return 0;
	return 1;
}

#endif
