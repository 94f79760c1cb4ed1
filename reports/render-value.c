// SPDX-License-Identifier: MIT
/*
 * A row's value for any column (time, share, an event, a derived metric)
 * and the row order a --sort list gives, for every per-layer renderer.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/render-int.h"
#include "util/util.h"

const struct derived derived_metrics[RENDER_NDERIVED] = {
	{ "ipc", "instructions", "cycles", 1, "instructions per cycle" },
	{ "miss%", "cache-misses", "cache-references", 100, "cache misses per reference, %" },
	{ "mpki", "LLC-load-misses", "instructions", 1000, "LLC load misses per 1000 instructions" },
	{ "l1_mpki", "L1-dcache-load-misses", "instructions", 1000, "L1d load misses per 1000 instructions" },
};

double render_value(const struct cp_run *run, int layer, const char *key)
{
	const struct cp_layer_rec *l;
	size_t i;
	double t;

	if (layer < 0 || layer > run->nlayers)
		return NAN;
	l = row(run, layer);
	t = row_time(run, layer);
	if (strcmp(key, "index") == 0)
		return layer == run->nlayers ? run->nlayers : l->index;
	if (strcmp(key, "time") == 0 || strcmp(key, "time_ms") == 0)
		return t;
	if (strcmp(key, "share") == 0)
		return run->latency_ms > 0 ? t / run->latency_ms * 100 : NAN;
	if (strcmp(key, "flops") == 0)
		return (double)l->flops;
	if (strcmp(key, "gflops") == 0)
		return l->flops && t > 0 ? (double)l->flops / (t * 1e-3) / 1e9 : NAN;
	if (strcmp(key, "bytes") == 0)
		return (double)(l->weight_bytes + l->in_bytes + l->out_bytes);
	if (strcmp(key, LLC_GBS) == 0)
		return llc_gbs(run, layer);
	for (i = 0; i < ARRAY_SIZE(derived_metrics); i++)
		if (strcmp(key, derived_metrics[i].name) == 0)
			return derived_value(run, layer, &derived_metrics[i]);
	return count_of(run, layer, key);
}

static int known_key(const struct cp_run *run, const char *key)
{
	static const char *const fixed[] = {
		"index", "time", "time_ms", "share", "flops", "gflops", "bytes",
		"name", LLC_GBS,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (strcmp(key, fixed[i]) == 0)
			return 1;
	for (i = 0; i < ARRAY_SIZE(derived_metrics); i++)
		if (strcmp(key, derived_metrics[i].name) == 0)
			return 1;
	return cp_run_event_index(run, key) >= 0;
}

int render_check_sort(const struct cp_run *run, const char *sort)
{
	char *copy, *tok, *save = NULL;
	int err = 0, i;

	if (!sort)
		return 0;
	copy = xstrdup(sort);
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		int ev = cp_run_event_index(run, tok);

		if (ev >= 0 && !run->events[ev].supported) {
			err = cp_error(-EINVAL, "cannot sort by '%s': it was not counted (%s)",
				       tok, run->events[ev].reason);
		} else if (!known_key(run, tok)) {
			const char **names = xcalloc((size_t)run->nevents + 8, sizeof(char *));
			const char *best;
			int n = 0;

			names[n++] = "time";
			names[n++] = "flops";
			names[n++] = "gflops";
			names[n++] = "index";
			for (i = 0; i < run->nevents; i++)
				names[n++] = run->events[i].name;
			best = closest_name(tok, names, n, 4);
			err = cp_error(-EINVAL, "unknown sort key '%s'%s%s%s (keys: index, name, time, share, flops, gflops, bytes, ipc, mpki, or an event)",
				       tok, best ? "; did you mean '" : "", best ? best : "",
				       best ? "'?" : "");
			free(names);
		}
	}
	free(copy);
	return err;
}

static const struct cp_run *sort_run;
static char **sort_keys;
static int sort_nkeys;

static int cmp_rows(const void *a, const void *b)
{
	int ra = *(const int *)a, rb = *(const int *)b, k;

	for (k = 0; k < sort_nkeys; k++) {
		double va, vb;

		if (strcmp(sort_keys[k], "name") == 0) {
			int c = strcmp(sort_run->layers[ra].name, sort_run->layers[rb].name);

			if (c)
				return c;
			continue;
		}
		va = render_value(sort_run, ra, sort_keys[k]);
		vb = render_value(sort_run, rb, sort_keys[k]);
		/* rows without the value go last */
		if (isnan(va) != isnan(vb))
			return isnan(va) ? 1 : -1;
		if (strcmp(sort_keys[k], "index") == 0 && va != vb)
			return va < vb ? -1 : 1;
		if (va != vb)
			return va > vb ? -1 : 1;
	}
	return ra - rb;
}

void render_order(const struct cp_run *run, const char *sort, int *order)
{
	char *copy = NULL, *tok, *save = NULL;
	int i;

	for (i = 0; i < run->nlayers; i++)
		order[i] = i;
	if (!sort || !*sort)
		return;
	copy = xstrdup(sort);
	sort_nkeys = 0;
	sort_keys = NULL;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		sort_keys = xrealloc(sort_keys, (size_t)(sort_nkeys + 1) * sizeof(char *));
		sort_keys[sort_nkeys++] = tok;
	}
	sort_run = run;
	qsort(order, (size_t)run->nlayers, sizeof(int), cmp_rows);
	free(sort_keys);
	sort_keys = NULL;
	free(copy);
}
