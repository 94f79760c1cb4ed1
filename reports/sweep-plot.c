// SPDX-License-Identifier: MIT
/*
 * The sweep's charts: latency and throughput against batch, throughput
 * and parallel efficiency against threads and processes (a line per
 * setting of the other axes), and a grouped bar chart for each of
 * precision, layout and fusion. Only the charts whose axis has two values
 * or more: a chart of one point says nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/chart.h"
#include "reports/sweep-out.h"
#include "util/util.h"

enum metric { M_LATENCY, M_IPS, M_EFFICIENCY };

struct plot_ctx {
	const struct sweep *s;
	const char *dir;
	char **written;
	int n;
	size_t alloc;
};

static double metric_of(const struct sweep_point *pt, enum metric m, enum sweep_axis x)
{
	if (pt->state != SWEEP_DONE)
		return NAN;
	switch (m) {
	case M_LATENCY: return pt->latency_ms;
	case M_IPS: return pt->ips;
	default: return pt->efficiency[x] * 100;
	}
}

/* The name of a line or a bar group: what differs from the others. */
static void group_name(const struct sweep *s, const struct sweep_point *pt, int skip,
		       char *buf, size_t len)
{
	sweep_point_label(s, pt, skip, buf, len);
	if (!buf[0])
		snprintf(buf, len, "%s", s->model);
}

/* The axis's value indices by increasing value. */
static void sorted_values(const struct sweep_axes *ax, enum sweep_axis a, int *order)
{
	int i, j, t;

	for (i = 0; i < ax->n[a]; i++)
		order[i] = i;
	for (i = 1; i < ax->n[a]; i++)
		for (j = i; j > 0 && sweep_axis_number(ax, a, order[j]) <
			    sweep_axis_number(ax, a, order[j - 1]); j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

static int save(struct plot_ctx *p, struct chart *c, const char *name)
{
	char *path = xasprintf("%s/%s", p->dir, name);
	char fixed[256];
	int err;

	chart_set_subtitle(c, "%s", sweep_fixed_label(p->s, fixed, sizeof(fixed)));
	err = chart_save_svg(c, path);
	chart_release(c);
	if (err) {
		free(path);
		return err;
	}
	ALLOC_GROW(p->written, (size_t)p->n + 1, p->alloc);
	p->written[p->n++] = path;
	return 0;
}

static int line_chart(struct plot_ctx *p, enum sweep_axis x, enum metric m,
		      const char *name)
{
	static const char *const ylabel[] = {
		[M_LATENCY] = "latency (ms, median)", [M_IPS] = "throughput (images/s)",
		[M_EFFICIENCY] = "parallel efficiency (%)",
	};
	static const char *const yname[] = {
		[M_LATENCY] = "latency", [M_IPS] = "throughput",
		[M_EFFICIENCY] = "parallel efficiency",
	};
	const struct sweep *s = p->s;
	int *order = xcalloc((size_t)s->ax.n[x], sizeof(int));
	char title[160], label[256];
	struct chart c;
	int k, i, series, nseries = 0, one = -1;

	snprintf(title, sizeof(title), "%s: %s vs %s", s->model, yname[m],
		 x == SWEEP_PROCS ? "processes" : sweep_axis_name(x));
	chart_init(&c, title);
	chart_axis_set(&c.x, x == SWEEP_PROCS ? "processes (aggregate)" : sweep_axis_name(x),
		       CHART_LINEAR);
	c.x.integer = 1;
	chart_axis_set(&c.y, ylabel[m], CHART_LINEAR);
	sorted_values(&s->ax, x, order);
	for (k = 0; k < s->npoints; k++) {
		const struct sweep_point *pt = &s->points[k];
		int idx[SWEEP_NAXES];

		if (pt->idx[x] != 0)
			continue;	/* one line per setting of the other axes */
		group_name(s, pt, x, label, sizeof(label));
		series = chart_add_series(&c, label, CHART_LINE, NULL);
		memcpy(idx, pt->idx, sizeof(idx));
		for (i = 0; i < s->ax.n[x]; i++) {
			idx[x] = order[i];
			chart_add_point(&c, series, sweep_axis_number(&s->ax, x, order[i]),
					metric_of(&s->points[sweep_point_index(&s->ax, idx)], m, x),
					NULL, NULL);
		}
		nseries++;
		one = k;
	}
	if (m == M_EFFICIENCY) {
		chart_add_ceiling(&c, 100, NAN, "ideal scaling", NULL);
	} else if (m == M_IPS && nseries == 1 && s->ax.base[x] >= 0) {
		/* one line: show what linear scaling from the baseline would give */
		int idx[SWEEP_NAXES];
		const struct sweep_point *b;

		memcpy(idx, s->points[one].idx, sizeof(idx));
		idx[x] = s->ax.base[x];
		b = &s->points[sweep_point_index(&s->ax, idx)];
		if (b->state == SWEEP_DONE)
			chart_add_ceiling(&c, NAN, b->ips / sweep_axis_number(&s->ax, x, s->ax.base[x]),
					  NULL, "ideal scaling");
	}
	if (x == SWEEP_PROCS)
		chart_add_footnote(&c, "processes run at the same time on disjoint cores; throughput is their sum, latency their median");
	free(order);
	return save(p, &c, name);
}

static int bar_chart(struct plot_ctx *p, enum sweep_axis a, const char *name)
{
	const struct sweep *s = p->s;
	char title[160], label[256], v[48];
	struct chart c;
	int k, i, cat = 0;

	snprintf(title, sizeof(title), "%s: throughput by %s", s->model, sweep_axis_name(a));
	chart_init(&c, title);
	chart_axis_set(&c.y, "throughput (images/s)", CHART_LINEAR);
	for (i = 0; i < s->ax.n[a]; i++) {
		sweep_axis_value(&s->ax, a, i, v, sizeof(v));
		if (a == SWEEP_FUSION)
			snprintf(v, sizeof(v), "%s", s->ax.fusion[i] ? "fused" : "unfused");
		chart_add_series(&c, v, CHART_BARS, NULL);
	}
	for (k = 0; k < s->npoints; k++) {
		const struct sweep_point *pt = &s->points[k];
		int idx[SWEEP_NAXES];

		if (pt->idx[a] != 0)
			continue;	/* one group per setting of the other axes */
		group_name(s, pt, a, label, sizeof(label));
		chart_add_category(&c, label);
		memcpy(idx, pt->idx, sizeof(idx));
		for (i = 0; i < s->ax.n[a]; i++) {
			idx[a] = i;
			chart_add_point(&c, i, cat,
					metric_of(&s->points[sweep_point_index(&s->ax, idx)], M_IPS, a),
					NULL, NULL);
		}
		cat++;
	}
	return save(p, &c, name);
}

int sweep_plot(const struct sweep *s, const char *dir, char ***written, int *n)
{
	struct plot_ctx p = { .s = s, .dir = dir };
	struct stat st;
	int err = 0;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return cp_error(-errno, "cannot create '%s': %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cp_error(-ENOTDIR, "'%s' is not a directory", dir);
	if (s->ax.n[SWEEP_BATCH] > 1) {
		err = line_chart(&p, SWEEP_BATCH, M_LATENCY, "latency-batch.svg");
		if (!err)
			err = line_chart(&p, SWEEP_BATCH, M_IPS, "throughput-batch.svg");
	}
	if (!err && s->ax.n[SWEEP_THREADS] > 1) {
		err = line_chart(&p, SWEEP_THREADS, M_IPS, "throughput-threads.svg");
		if (!err)
			err = line_chart(&p, SWEEP_THREADS, M_EFFICIENCY, "efficiency-threads.svg");
	}
	if (!err && s->ax.n[SWEEP_PROCS] > 1) {
		err = line_chart(&p, SWEEP_PROCS, M_IPS, "throughput-procs.svg");
		if (!err)
			err = line_chart(&p, SWEEP_PROCS, M_EFFICIENCY, "efficiency-procs.svg");
	}
	if (!err && s->ax.n[SWEEP_PRECISION] > 1)
		err = bar_chart(&p, SWEEP_PRECISION, "precision.svg");
	if (!err && s->ax.n[SWEEP_LAYOUT] > 1)
		err = bar_chart(&p, SWEEP_LAYOUT, "layout.svg");
	if (!err && s->ax.n[SWEEP_FUSION] > 1)
		err = bar_chart(&p, SWEEP_FUSION, "fusion.svg");
	*written = p.written;
	*n = p.n;
	return err;
}
