// SPDX-License-Identifier: MIT
/* Per-layer thread scaling of a sweep (study/sweep-layers.c) as text and JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/sweep-out.h"
#include "reports/table.h"
#include "util/util.h"

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
		order = sweep_layers_by_lost(sc, n);
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
			if (r->verdict == VERDICT_NOISE)
				table_set(t, 8, "not measurable (noise \u00b1%.0f%%)",
					  r->speedup_spread * 100);
			else
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
		json_set_num(o, "speedup_spread", sc[i].speedup_spread);
		json_set_num(o, "efficiency", sc[i].efficiency);
		json_set_num(o, "imbalance", sc[i].imbalance);
		json_set_num(o, "work_growth", sc[i].work_growth);
		json_set_str(o, "verdict", sweep_verdict_name(sc[i].verdict));
		json_array_append_new(a, o);
	}
	free(sc);
	return a;
}

json_t *sweep_layers_losing_json(const struct sweep *s, int top)
{
	struct sweep_layer_scaling *sc;
	json_t *a = json_array();
	int best, n, i, *order;
	double threads;

	best = sweep_layers_top_point(s, &threads);
	if (best < 0)
		return a;
	n = sweep_layer_scaling(s, best, &sc);
	order = sweep_layers_by_lost(sc, n);
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
