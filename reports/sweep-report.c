// SPDX-License-Identifier: MIT
/*
 * The sweep's table (text, CSV), its JSON object and the summary
 * paragraph. Text shows the axes that vary as columns and names the rest
 * once in the header; CSV and JSON always carry every field.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "reports/sweep-out.h"
#include "reports/table.h"
#include "util/util.h"

static const char *const state_names[] = {
	[SWEEP_NOT_RUN] = "not run", [SWEEP_DONE] = "done",
	[SWEEP_PARTIAL] = "partial", [SWEEP_FAILED] = "failed",
};

/* The short headers of the text table. */
static const char *const axis_heads[SWEEP_NAXES] = {
	[SWEEP_SIZE] = "size", [SWEEP_BATCH] = "batch",
	[SWEEP_PRECISION] = "prec", [SWEEP_LAYOUT] = "layout",
	[SWEEP_FUSION] = "fusion", [SWEEP_PROCS] = "procs",
	[SWEEP_THREADS] = "threads",
};

/* The ratio fields: axis, JSON/CSV name. */
static const struct {
	enum sweep_axis axis;
	const char *ratio, *efficiency;
} ratio_fields[] = {
	{ SWEEP_THREADS, "speedup_threads", "efficiency_threads" },
	{ SWEEP_PROCS, "speedup_procs", "efficiency_procs" },
	{ SWEEP_PRECISION, "precision_ratio", NULL },
	{ SWEEP_LAYOUT, "layout_ratio", NULL },
	{ SWEEP_FUSION, "fusion_ratio", NULL },
};

static int varies(const struct sweep *s, enum sweep_axis a)
{
	return s->ax.n[a] > 1;
}

static int has_result(const struct sweep_point *pt)
{
	return pt->state == SWEEP_DONE || pt->state == SWEEP_PARTIAL;
}

static void set_num(struct table *t, int col, const char *fmt, double v)
{
	if (isfinite(v))
		table_set(t, col, fmt, v);
}

/* "12", "12,13" or "12-15": a point's run ids. */
static char *run_ids(const struct sweep_point *pt, char *buf, size_t len)
{
	size_t n = 0;
	int i, consecutive = pt->nprocs > 2;

	buf[0] = '\0';
	for (i = 1; i < pt->nprocs; i++)
		consecutive &= pt->procs[i].run_id == pt->procs[i - 1].run_id + 1;
	if (!pt->nprocs || !pt->procs[0].run_id)
		return buf;
	if (consecutive) {
		snprintf(buf, len, "%lld-%lld", (long long)pt->procs[0].run_id,
			 (long long)pt->procs[pt->nprocs - 1].run_id);
		return buf;
	}
	for (i = 0; i < pt->nprocs && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%lld", i ? "," : "",
				      (long long)pt->procs[i].run_id);
	return buf;
}

/* "vs nchw", "vs 1 thread", "vs unfused". */
static char *base_name(const struct sweep *s, enum sweep_axis a, char *buf, size_t len)
{
	int b = s->ax.base[a];

	switch (a) {
	case SWEEP_FUSION:
		snprintf(buf, len, "%s", s->ax.fusion[b] ? "fused" : "unfused");
		break;
	case SWEEP_THREADS:
		snprintf(buf, len, "%d thread%s", s->ax.threads[b], s->ax.threads[b] == 1 ? "" : "s");
		break;
	case SWEEP_PROCS:
		snprintf(buf, len, "%d process%s", s->ax.procs[b], s->ax.procs[b] == 1 ? "" : "es");
		break;
	default:
		sweep_axis_value(&s->ax, a, b, buf, len);
		break;
	}
	return buf;
}

/* ---- summary figures (text and JSON agree) ---- */

/*
 * Geometric mean of the ratios of the done points with value @v on @a;
 * *@noisy: the pairs left out because their ratio is inside its noise.
 */
static double mean_ratio(const struct sweep *s, enum sweep_axis a, int v, int *pairs,
			 int *noisy)
{
	double sum = 0;
	int k;

	*pairs = *noisy = 0;
	for (k = 0; k < s->npoints; k++) {
		const struct sweep_point *pt = &s->points[k];

		*noisy += pt->state == SWEEP_DONE && pt->idx[a] == v && pt->ratio_noisy[a];
		if (pt->state != SWEEP_DONE || pt->idx[a] != v || !(pt->ratio[a] > 0))
			continue;
		sum += log(pt->ratio[a]);
		(*pairs)++;
	}
	return *pairs ? exp(sum / *pairs) : NAN;
}

static int best_point(const struct sweep *s, int latency)
{
	int k, best = -1;

	for (k = 0; k < s->npoints; k++) {
		const struct sweep_point *pt = &s->points[k];

		if (pt->state != SWEEP_DONE)
			continue;
		if (best < 0 || (latency ? pt->latency_ms < s->points[best].latency_ms :
				 pt->ips > s->points[best].ips))
			best = k;
	}
	return best;
}

static int largest_value(const struct sweep *s, enum sweep_axis a)
{
	int i, best = 0;

	for (i = 1; i < s->ax.n[a]; i++)
		if (sweep_axis_number(&s->ax, a, i) > sweep_axis_number(&s->ax, a, best))
			best = i;
	return best;
}

/* ---- text and CSV ---- */

static void print_header(const struct sweep *s, FILE *fp)
{
	char v[256], b[64];
	int a, i, n = 0, runs = 0;
	int64_t lo = 0, hi = 0;

	fprintf(fp, "sweep: %s, %d combination%s", s->model, s->npoints,
		s->npoints == 1 ? "" : "s");
	for (a = 0; a < SWEEP_NAXES; a++) {
		if (!varies(s, a))
			continue;
		fprintf(fp, "%s%s ", n++ ? " x " : ": ", sweep_axis_name(a));
		for (i = 0; i < s->ax.n[a]; i++)
			fprintf(fp, "%s%s", i ? "," : "", sweep_axis_value(&s->ax, a, i, v, sizeof(v)));
	}
	fprintf(fp, "\neach: %s\n", sweep_fixed_label(s, v, sizeof(v)));
	for (i = 0; i < s->npoints; i++) {
		const struct sweep_point *pt = &s->points[i];

		for (a = 0; a < pt->nprocs; a++) {
			if (!pt->procs[a].run_id)
				continue;
			lo = runs++ ? MIN(lo, pt->procs[a].run_id) : pt->procs[a].run_id;
			hi = MAX(hi, pt->procs[a].run_id);
		}
	}
	if (!s->recording)
		fprintf(fp, "recorded: nothing (--no-record)\n");
	else if (runs == 1)
		fprintf(fp, "recorded: 1 run (id %lld) in %s\n", (long long)lo, s->recording);
	else if (runs)
		fprintf(fp, "recorded: %d runs (ids %lld-%lld) in %s\n", runs,
			(long long)lo, (long long)hi, s->recording);
	else
		fprintf(fp, "recorded: no run in %s\n", s->recording);
	for (i = 0; i < (int)ARRAY_SIZE(ratio_fields); i++) {
		a = ratio_fields[i].axis;
		if (s->ax.base[a] < 0)
			continue;
		base_name(s, a, b, sizeof(b));
		if (a == SWEEP_THREADS || a == SWEEP_PROCS)
		{
			int bv = (int)sweep_axis_number(&s->ax, a, s->ax.base[a]);

			fprintf(fp, "%s: throughput against %s, the rest equal; efficiency = speedup",
				a == SWEEP_THREADS ? "speedup" : "process speedup", b);
			if (bv != 1)
				fprintf(fp, " x %d", bv);
			fprintf(fp, " / %s\n", sweep_axis_name(a));
		}
		else
			fprintf(fp, "vs %s: throughput against %s, the rest equal\n", b, b);
	}
	if (!s->ceil.available)
		fprintf(fp, "left out: MAC utilisation, img/s per peak TOPS and per GB/s: %s\n",
			s->ceil.why);
	else
		fprintf(fp, "ceilings: %s, measured %s%s: peak and STREAM triad of the cores used\n",
			s->ceil.file, s->ceil.measured_at, s->ceil.quick ? " (--quick)" : "");
	fputc('\n', fp);
}

struct cols {
	int idx, axis[SWEEP_NAXES], status, lat, ips;
	int ratio[ARRAY_SIZE(ratio_fields)], eff[ARRAY_SIZE(ratio_fields)];
	int per_core, llc_mib, per_llc, peak, mac, per_tops, bw, per_gbs, runs;
};

static void add_columns(const struct sweep *s, struct table *t, int csv, struct cols *c)
{
	size_t i;
	int a, both = varies(s, SWEEP_THREADS) && varies(s, SWEEP_PROCS);
	char head[64], b[48];

	memset(c, -1, sizeof(*c));
	c->idx = table_add_column(t, csv ? "index" : "#", ALIGN_RIGHT);
	for (a = 0; a < SWEEP_NAXES; a++)
		if (csv || varies(s, a))
			c->axis[a] = table_add_column(t, csv ? sweep_axis_name(a) : axis_heads[a],
						      a == SWEEP_SIZE || a == SWEEP_PRECISION ||
						      a == SWEEP_LAYOUT || a == SWEEP_FUSION ?
						      ALIGN_LEFT : ALIGN_RIGHT);
	if (csv)
		c->status = table_add_column(t, "status", ALIGN_LEFT);
	c->lat = table_add_column(t, "latency_ms", ALIGN_RIGHT);
	c->ips = table_add_column(t, csv ? "throughput_ips" : "img/s", ALIGN_RIGHT);
	for (i = 0; i < ARRAY_SIZE(ratio_fields); i++) {
		a = ratio_fields[i].axis;
		if (!csv && s->ax.base[a] < 0)
			continue;
		if (csv) {
			c->ratio[i] = table_add_column(t, ratio_fields[i].ratio, ALIGN_RIGHT);
			if (ratio_fields[i].efficiency)
				c->eff[i] = table_add_column(t, ratio_fields[i].efficiency, ALIGN_RIGHT);
			continue;
		}
		if (ratio_fields[i].efficiency) {
			const char *tag = !both ? "" : a == SWEEP_THREADS ? "/t" : "/p";

			snprintf(head, sizeof(head), "speedup%s", tag);
			c->ratio[i] = table_add_column(t, head, ALIGN_RIGHT);
			snprintf(head, sizeof(head), "eff%%%s", tag);
			c->eff[i] = table_add_column(t, head, ALIGN_RIGHT);
		} else {
			snprintf(head, sizeof(head), "vs %s", base_name(s, a, b, sizeof(b)));
			c->ratio[i] = table_add_column(t, head, ALIGN_RIGHT);
		}
	}
	c->per_core = table_add_column(t, csv ? "ips_per_core" : "img/s/core", ALIGN_RIGHT);
	if (csv)
		c->llc_mib = table_add_column(t, "llc_mib", ALIGN_RIGHT);
	c->per_llc = table_add_column(t, csv ? "ips_per_llc_mib" : "img/s/MiB-LLC", ALIGN_RIGHT);
	if (s->ceil.available) {
		if (csv)
			c->peak = table_add_column(t, "peak_gops", ALIGN_RIGHT);
		c->mac = table_add_column(t, csv ? "mac_utilization" : "MAC%", ALIGN_RIGHT);
		c->per_tops = table_add_column(t, csv ? "ips_per_peak_tops" : "img/s/TOPS", ALIGN_RIGHT);
		if (csv)
			c->bw = table_add_column(t, "bw_gbs", ALIGN_RIGHT);
		c->per_gbs = table_add_column(t, csv ? "ips_per_gbs" : "img/s/(GB/s)", ALIGN_RIGHT);
	}
	if (csv || s->recording)
		c->runs = table_add_column(t, "runs", ALIGN_LEFT);
}

static void add_row(const struct sweep *s, struct table *t, int csv, const struct cols *c,
		    int k)
{
	const struct sweep_point *pt = &s->points[k];
	char v[64];
	size_t i;
	int a;

	table_add_row(t);
	table_set(t, c->idx, "%d%s", k + 1, !csv && pt->state == SWEEP_PARTIAL ? "*" : "");
	for (a = 0; a < SWEEP_NAXES; a++)
		if (c->axis[a] >= 0)
			table_set(t, c->axis[a], "%s", sweep_axis_value(&s->ax, a, pt->idx[a], v, sizeof(v)));
	if (csv)
		table_set(t, c->status, "%s", state_names[pt->state]);
	if (!has_result(pt)) {
		if (!csv)
			table_set(t, c->lat, "%s", state_names[pt->state]);
		return;
	}
	set_num(t, c->lat, pt->latency_ms < 100 ? "%.3f" : "%.1f", pt->latency_ms);
	set_num(t, c->ips, "%.1f", pt->ips);
	for (i = 0; i < ARRAY_SIZE(ratio_fields); i++) {
		a = ratio_fields[i].axis;
		if (c->ratio[i] >= 0 && !csv && pt->ratio_noisy[a])
			table_set(t, c->ratio[i], "%s", "noise");
		else if (c->ratio[i] >= 0)
			set_num(t, c->ratio[i], csv ? "%.6g" : "%.2f", pt->ratio[a]);
		if (c->eff[i] >= 0)
			set_num(t, c->eff[i], csv ? "%.6g" : "%.0f", pt->efficiency[a] * (csv ? 1 : 100));
	}
	set_num(t, c->per_core, "%.1f", pt->ips_per_core);
	if (c->llc_mib >= 0)
		set_num(t, c->llc_mib, "%.6g", pt->llc_mib);
	set_num(t, c->per_llc, csv ? "%.6g" : "%.2f", pt->ips_per_llc_mib);
	if (c->peak >= 0)
		set_num(t, c->peak, "%.6g", pt->peak_gops);
	if (c->mac >= 0)
		set_num(t, c->mac, csv ? "%.6g" : "%.1f", pt->mac_util * (csv ? 1 : 100));
	if (c->per_tops >= 0)
		set_num(t, c->per_tops, csv ? "%.6g" : "%.2f", pt->ips_per_peak_tops);
	if (c->bw >= 0)
		set_num(t, c->bw, "%.6g", pt->bw_gbs);
	if (c->per_gbs >= 0)
		set_num(t, c->per_gbs, csv ? "%.6g" : "%.3f", pt->ips_per_gbs);
	if (c->runs >= 0)
		table_set(t, c->runs, "%s", run_ids(pt, v, sizeof(v)));
}

/* "not measurable here (noise ±x%)" for a ratio inside its spread; "" else. */
static const char *noise_reason(const struct sweep_point *pt, int a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (pt->ratio_noisy[a])
		snprintf(buf, len, "not measurable here (noise \u00b1%.1f%%)",
			 pt->ratio_spread[a] * 100);
	return buf;
}

/* Text: the ratios the table shows as "noise", with their spread. */
static void noisy_print(const struct sweep *s, FILE *fp)
{
	char why[64];
	size_t i;
	int k;

	for (k = 0; k < s->npoints; k++)
		for (i = 0; i < ARRAY_SIZE(ratio_fields); i++)
			if (s->points[k].ratio_noisy[ratio_fields[i].axis])
				fprintf(fp, "#%d %s: %s\n", k + 1, ratio_fields[i].ratio,
					noise_reason(&s->points[k], ratio_fields[i].axis, why,
						     sizeof(why)));
}

int sweep_print(const struct sweep *s, FILE *fp, enum cp_format fmt)
{
	struct table *t;
	struct cols c;
	int k, csv = fmt == FMT_CSV, shown = 0, partial = 0;

	if (fmt == FMT_JSON)
		return json_print(sweep_to_json(s), fp);
	if (!csv)
		print_header(s, fp);
	t = table_new();
	add_columns(s, t, csv, &c);
	for (k = 0; k < s->npoints; k++) {
		/* text: what did not run would only be noise; CSV keeps every row */
		if (!csv && s->points[k].state == SWEEP_NOT_RUN)
			continue;
		add_row(s, t, csv, &c, k);
		shown++;
		partial |= s->points[k].state == SWEEP_PARTIAL;
	}
	table_print(t, fp, fmt, 0);
	table_free(t);
	if (!csv) {
		for (k = 0; k < s->npoints; k++)
			if (s->points[k].state == SWEEP_FAILED)
				fprintf(fp, "#%d failed: %s\n", k + 1, s->points[k].error);
		noisy_print(s, fp);
		if (partial)
			fprintf(fp, "* partial: interrupted during its measured iterations; compared with nothing\n");
		if (shown < s->npoints)
			fprintf(fp, "%d of %d combinations not run%s\n", s->npoints - shown,
				s->npoints, s->interrupted ? " (interrupted)" : "");
		for (k = 0; k < s->npoints && !(s->points[k].mac_util > 1); k++)
			;
		if (k < s->npoints)
			fprintf(fp, "MAC utilisation above 100%%: the peak in %s is too low (measured%s on a busy machine?); run 'convprof machine' again\n",
				s->ceil.file, s->ceil.quick ? " with --quick or" : "");
		sweep_layers_print(s, fp, 10);
		fputc('\n', fp);
		sweep_summary(s, fp, 76);
	}
	return ferror(fp) ? -EIO : 0;
}

/* ---- summary paragraph ---- */

struct para {
	FILE *fp;
	int width, col;
};

/* A space the paragraph does not break at: "nhwc vs nchw 1.2x" stays whole. */
#define NBSP "\x1f"

/* Append words to the paragraph, wrapping at the width. */
static void para_add(struct para *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void para_add(struct para *p, const char *fmt, ...)
{
	char buf[512], *w, *save = NULL, *c;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int len = (int)strlen(w);

		if (p->col && p->col + 1 + len > p->width) {
			fputc('\n', p->fp);
			p->col = 0;
		}
		for (c = w; (c = strchr(c, NBSP[0])); )
			*c = ' ';
		p->col += fprintf(p->fp, "%s%s", p->col ? " " : "", w);
	}
}

/* Punctuation: no space before it. */
static void para_punct(struct para *p, const char *s)
{
	p->col += fprintf(p->fp, "%s", s);
}

static void describe_best(const struct sweep *s, struct para *p, int latency)
{
	const struct sweep_point *pt;
	char label[256];
	int k = best_point(s, latency);

	if (k < 0)
		return;
	pt = &s->points[k];
	sweep_point_label(s, pt, -1, label, sizeof(label));
	if (latency)
		para_add(p, "Best latency: %.3f" NBSP "ms", pt->latency_ms);
	else
		para_add(p, "Best throughput: %.1f" NBSP "img/s", pt->ips);
	para_add(p, "(#%d%s%s).", k + 1, label[0] ? ": " : "", label);
}

void sweep_summary(const struct sweep *s, FILE *fp, int width)
{
	static const enum sweep_axis cats[] = { SWEEP_PRECISION, SWEEP_LAYOUT, SWEEP_FUSION };
	struct para p = { .fp = fp, .width = width };
	char b[48], v[48];
	size_t c;
	int i, pairs, noisy, a, n;
	double r;

	if (best_point(s, 0) < 0) {
		fprintf(fp, "No combination finished: nothing to compare.\n");
		return;
	}
	describe_best(s, &p, 0);
	describe_best(s, &p, 1);
	for (c = 0, n = 0; c < ARRAY_SIZE(cats); c++) {
		a = cats[c];
		if (s->ax.base[a] < 0)
			continue;
		base_name(s, a, b, sizeof(b));
		for (i = 0; i < s->ax.n[a]; i++) {
			if (i == s->ax.base[a])
				continue;
			r = mean_ratio(s, a, i, &pairs, &noisy);
			if (a == SWEEP_FUSION)
				snprintf(v, sizeof(v), "%s", s->ax.fusion[i] ? "fused" : "unfused");
			else
				sweep_axis_value(&s->ax, a, i, v, sizeof(v));
			if (!n++)
				para_add(&p, "Throughput ratios (geometric means over the matching pairs):");
			else
				para_punct(&p, ",");
			if (pairs)
				para_add(&p, "%s" NBSP "vs" NBSP "%s" NBSP "%.2fx", v, b, r);
			else if (noisy)
				para_add(&p, "%s vs %s: not measurable here (inside the noise)", v, b);
			else
				para_add(&p, "%s vs %s: no pair finished", v, b);
		}
	}
	if (n)
		para_punct(&p, ".");
	for (a = SWEEP_PROCS; a <= SWEEP_THREADS; a++) {
		int top;

		if (s->ax.base[a] < 0)
			continue;
		top = largest_value(s, a);
		r = mean_ratio(s, a, top, &pairs, &noisy);
		if (!pairs) {
			para_add(&p, "%s scaling: %s.", a == SWEEP_THREADS ? "Thread" : "Process",
				 noisy ? "not measurable here (inside the noise)" :
				 "no pair finished");
			continue;
		}
		para_add(&p, "%s scaling at %d %s: %.2fx speedup over %s, %.0f%% parallel efficiency.",
			 a == SWEEP_THREADS ? "Thread" : "Process",
			 (int)sweep_axis_number(&s->ax, a, top),
			 a == SWEEP_THREADS ? "threads" : "processes", r, base_name(s, a, b, sizeof(b)),
			 100 * r * sweep_axis_number(&s->ax, a, s->ax.base[a]) /
			 sweep_axis_number(&s->ax, a, top));
	}
	{
		char losing[1024];

		sweep_layers_summary(s, losing, sizeof(losing), 3);
		if (losing[0])
			para_add(&p, "%s", losing);
	}
	if (p.col)
		fputc('\n', fp);
}

/* ---- JSON ---- */

static json_t *axis_json(const struct sweep *s, enum sweep_axis a, int i)
{
	char v[64];

	switch (a) {
	case SWEEP_BATCH: case SWEEP_PROCS: case SWEEP_THREADS:
		return json_integer((json_int_t)sweep_axis_number(&s->ax, a, i));
	case SWEEP_FUSION:
		return json_boolean(s->ax.fusion[i]);
	default:
		return json_string(sweep_axis_value(&s->ax, a, i, v, sizeof(v)));
	}
}

static json_t *point_json(const struct sweep *s, int k)
{
	const struct sweep_point *pt = &s->points[k];
	json_t *o = json_object(), *procs = json_array(), *runs = json_array();
	size_t f;
	int a, i, j;

	json_set_int(o, "index", k + 1);
	for (a = 0; a < SWEEP_NAXES; a++)
		json_object_set_new(o, sweep_axis_name(a), axis_json(s, a, pt->idx[a]));
	json_set_int(o, "width", s->ax.size[pt->idx[SWEEP_SIZE]].w);
	json_set_int(o, "height", s->ax.size[pt->idx[SWEEP_SIZE]].h);
	json_set_str(o, "status", state_names[pt->state]);
	if (pt->state == SWEEP_FAILED)
		json_set_str(o, "error", pt->error);
	for (i = 0; i < pt->nprocs; i++) {
		const struct sweep_proc *sp = &pt->procs[i];
		json_t *p = json_object(), *cpus = json_array();

		if (sp->run_id) {
			json_set_int(p, "run", sp->run_id);
			json_array_append_new(runs, json_integer(sp->run_id));
		} else {
			json_object_set_new(p, "run", json_null());
		}
		for (j = 0; j < sp->ncpus; j++)
			json_array_append_new(cpus, json_integer(sp->cpus[j]));
		json_object_set_new(p, "cpus", cpus);
		json_set_num(p, "latency_ms", sp->latency_ms);
		json_set_num(p, "throughput_ips", sp->ips);
		json_set_num(p, "gops", sp->gops);
		json_set_bool(p, "partial", sp->partial);
		json_array_append_new(procs, p);
	}
	json_object_set_new(o, "runs", runs);
	json_object_set_new(o, "processes", procs);
	json_set_num(o, "latency_ms", pt->latency_ms);
	json_set_num(o, "noise", pt->noise);
	json_set_num(o, "throughput_ips", pt->ips);
	json_set_num(o, "gops", pt->gops);
	if (has_result(pt))
		json_set_int(o, "cores", pt->cores);
	else
		json_object_set_new(o, "cores", json_null());
	for (f = 0; f < ARRAY_SIZE(ratio_fields); f++) {
		char key[48], why[64];

		json_set_num(o, ratio_fields[f].ratio, pt->ratio[ratio_fields[f].axis]);
		snprintf(key, sizeof(key), "%s_spread", ratio_fields[f].ratio);
		json_set_num(o, key, pt->ratio_spread[ratio_fields[f].axis]);
		snprintf(key, sizeof(key), "%s_reason", ratio_fields[f].ratio);
		noise_reason(pt, ratio_fields[f].axis, why, sizeof(why));
		json_set_str(o, key, why[0] ? why : NULL);
		if (ratio_fields[f].efficiency)
			json_set_num(o, ratio_fields[f].efficiency,
				     pt->efficiency[ratio_fields[f].axis]);
	}
	json_object_set_new(o, "layers", sweep_layers_json(s, k));
	json_set_num(o, "ips_per_core", pt->ips_per_core);
	json_set_num(o, "llc_mib", pt->llc_mib);
	json_set_num(o, "ips_per_llc_mib", pt->ips_per_llc_mib);
	if (s->ceil.available) {
		json_set_num(o, "peak_gops", pt->peak_gops);
		json_set_num(o, "mac_utilization", pt->mac_util);
		json_set_num(o, "ips_per_peak_tops", pt->ips_per_peak_tops);
		json_set_num(o, "bw_gbs", pt->bw_gbs);
		json_set_num(o, "ips_per_gbs", pt->ips_per_gbs);
	}
	return o;
}

static json_t *best_json(const struct sweep *s, int latency)
{
	json_t *o;
	int k = best_point(s, latency);

	if (k < 0)
		return json_null();
	o = json_object();
	json_set_int(o, "index", k + 1);
	json_set_num(o, latency ? "latency_ms" : "throughput_ips",
		     latency ? s->points[k].latency_ms : s->points[k].ips);
	return o;
}

static json_t *summary_json(const struct sweep *s)
{
	static const enum sweep_axis cats[] = { SWEEP_PRECISION, SWEEP_LAYOUT, SWEEP_FUSION };
	json_t *o = json_object(), *ratios = json_object(), *scaling = json_object();
	char v[48];
	size_t c;
	int a, i, pairs, noisy;
	double r;

	json_object_set_new(o, "best_throughput", best_json(s, 0));
	json_object_set_new(o, "best_latency", best_json(s, 1));
	for (c = 0; c < ARRAY_SIZE(cats); c++) {
		json_t *ax;

		a = cats[c];
		if (s->ax.base[a] < 0)
			continue;
		ax = json_object();
		for (i = 0; i < s->ax.n[a]; i++) {
			json_t *e;

			if (i == s->ax.base[a])
				continue;
			e = json_object();
			r = mean_ratio(s, a, i, &pairs, &noisy);
			json_set_num(e, "ratio", r);
			json_set_int(e, "pairs", pairs);
			json_set_int(e, "noisy", noisy);
			json_object_set_new(ax, sweep_axis_value(&s->ax, a, i, v, sizeof(v)), e);
		}
		json_object_set_new(ratios, sweep_axis_name(a), ax);
	}
	for (a = SWEEP_PROCS; a <= SWEEP_THREADS; a++) {
		json_t *e;
		int top;

		if (s->ax.base[a] < 0)
			continue;
		top = largest_value(s, a);
		r = mean_ratio(s, a, top, &pairs, &noisy);
		e = json_object();
		json_set_int(e, "at", (int)sweep_axis_number(&s->ax, a, top));
		json_set_num(e, "speedup", r);
		json_set_num(e, "efficiency", r * sweep_axis_number(&s->ax, a, s->ax.base[a]) /
			     sweep_axis_number(&s->ax, a, top));
		json_set_int(e, "pairs", pairs);
		json_set_int(e, "noisy", noisy);
		json_object_set_new(scaling, sweep_axis_name(a), e);
	}
	json_object_set_new(o, "ratios", ratios);
	json_object_set_new(o, "scaling", scaling);
	json_object_set_new(o, "losing_layers", sweep_layers_losing_json(s, 3));
	return o;
}

json_t *sweep_to_json(const struct sweep *s)
{
	json_t *root = json_object(), *axes = json_object(), *bases = json_object();
	json_t *points = json_array(), *ceil;
	int a, i, complete = 1;

	json_set_str(root, "model", s->model);
	json_set_int(root, "iterations", s->iterations);
	json_set_int(root, "warmup", s->warmup);
	json_set_str(root, "recording", s->recording);
	for (a = 0; a < SWEEP_NAXES; a++) {
		json_t *v = json_array();

		for (i = 0; i < s->ax.n[a]; i++)
			json_array_append_new(v, axis_json(s, a, i));
		json_object_set_new(axes, sweep_axis_name(a), v);
		json_object_set_new(bases, sweep_axis_name(a), s->ax.base[a] < 0 ? json_null() :
				    axis_json(s, a, s->ax.base[a]));
	}
	json_object_set_new(root, "axes", axes);
	json_object_set_new(root, "baselines", bases);
	if (s->ceil.available) {
		ceil = json_object();
		json_set_str(ceil, "file", s->ceil.file);
		json_set_str(ceil, "peak_source", s->ceil.peak_source);
		json_set_str(ceil, "bw_source", s->ceil.bw_source);
		json_object_set_new(root, "ceilings", ceil);
	} else {
		json_object_set_new(root, "ceilings", json_null());
		json_set_str(root, "ceilings_unavailable", s->ceil.why);
	}
	for (i = 0; i < s->npoints; i++) {
		json_array_append_new(points, point_json(s, i));
		complete &= s->points[i].state == SWEEP_DONE;
	}
	json_set_bool(root, "complete", complete);
	json_set_bool(root, "interrupted", s->interrupted);
	json_object_set_new(root, "combinations", points);
	json_object_set_new(root, "summary", summary_json(s));
	return root;
}
