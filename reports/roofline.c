// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "reports/roofline.h"
#include "util/util.h"

static const char *const verdict_names[] = {
	[ROOFLINE_COMPUTE] = "compute-bound",
	[ROOFLINE_BANDWIDTH] = "bandwidth-bound",
	[ROOFLINE_LATENCY] = "neither: latency/overhead",
	[ROOFLINE_REFERENCE] = "reference kernel",
	[ROOFLINE_UNMEASURED] = "not measured",
};

/* Fixed per verdict, so charts of different runs read alike. */
static const char *const verdict_colors[] = {
	[ROOFLINE_COMPUTE] = "#0072B2",
	[ROOFLINE_BANDWIDTH] = "#009E73",
	[ROOFLINE_LATENCY] = "#E69F00",
	[ROOFLINE_REFERENCE] = "#D55E00",
	[ROOFLINE_UNMEASURED] = "#999999",
};

const char *roofline_verdict_name(enum roofline_verdict v)
{
	if ((unsigned)v >= ARRAY_SIZE(verdict_names))
		return "unknown";
	return verdict_names[v];
}

/* ---- bandwidth per layer ---- */

/* See ROOFLINE_MC_BYTES_PER_COUNT in roofline.h for what these must count. */
static const char *const mc_prefixes[] = {
	"umc", "imc", "uncore_imc", "amd_df", "data_fabric",
};

static int is_mc_event(const char *name)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(mc_prefixes); i++) {
		n = strlen(mc_prefixes[i]);
		if (strncmp(name, mc_prefixes[i], n) == 0 &&
		    (!name[n] || strchr(":_/.-0123456789", name[n])))
			return 1;
	}
	return 0;
}

static double count_at(const struct cp_run *run, int layer, int ev)
{
	return run->counts[(long)layer * run->nevents + ev];
}

/* Bytes the memory controllers moved during @layer; NaN without such events. */
static double mc_bytes(const struct cp_run *run, int layer)
{
	double sum = 0, v;
	int i, n = 0;

	for (i = 0; i < run->nevents; i++) {
		if (!run->events[i].supported || !is_mc_event(run->events[i].name))
			continue;
		v = count_at(run, layer, i);
		if (isnan(v))
			return NAN;	/* a partial sum would understate */
		sum += v;
		n++;
	}
	return n ? sum * ROOFLINE_MC_BYTES_PER_COUNT : NAN;
}

static double llc_bytes(const struct cp_run *run, int layer)
{
	int ev = cp_run_event_index(run, "LLC-load-misses");

	if (ev < 0 || !run->events[ev].supported)
		return NAN;
	return count_at(run, layer, ev) * ROOFLINE_LINE_BYTES;
}

/* The best source this run has for @layer: counters, else the model. */
static void layer_bandwidth(const struct cp_run *run, int layer,
			    struct roofline_layer *rl)
{
	double s = rl->time_ms * 1e-3, b;

	rl->bw_gbs = NAN;
	rl->bw_source = "model-bytes";
	if (!(s > 0))
		return;
	if (!isnan(b = mc_bytes(run, layer))) {
		rl->bw_source = "memory-controller";
	} else if (!isnan(b = llc_bytes(run, layer))) {
		rl->bw_source = "llc-misses";
	} else {
		b = rl->bytes;
	}
	rl->bw_gbs = b / s / 1e9;
}

/* ---- analysis ---- */

static int ceilings_check(const struct roofline_ceilings *c)
{
	if (!c || !isfinite(c->peak_gflops) || c->peak_gflops <= 0)
		return cp_error(-EINVAL, "roofline needs the measured peak GFLOP/s of the cores used (run 'convprof machine')");
	if (!isfinite(c->bw_gbs) || c->bw_gbs <= 0)
		return cp_error(-EINVAL, "roofline needs the measured memory bandwidth (run 'convprof machine')");
	return 0;
}

static void layer_verdict(struct roofline_layer *rl, const struct cp_layer_rec *l,
			  double ridge)
{
	if (l->is_ref) {
		rl->verdict = ROOFLINE_REFERENCE;
	} else if (isnan(rl->fraction)) {
		rl->verdict = ROOFLINE_UNMEASURED;
	} else if (rl->fraction >= ROOFLINE_BOUND_FRACTION) {
		rl->verdict = rl->ai >= ridge ? ROOFLINE_COMPUTE : ROOFLINE_BANDWIDTH;
	} else {
		rl->verdict = ROOFLINE_LATENCY;
	}
}

int roofline_analyze(const struct cp_run *run, const struct roofline_ceilings *c,
		     struct roofline_result *out)
{
	double denom = run->latency_ms;
	int i, n = 0, err;

	memset(out, 0, sizeof(*out));
	err = ceilings_check(c);
	if (err)
		return err;
	/* shares as stat prints them: of the end-to-end latency */
	if (!(denom > 0)) {
		denom = 0;
		for (i = 0; i < run->nlayers; i++)
			if (run->layers[i].time_ms > 0)
				denom += run->layers[i].time_ms;
	}
	out->peak_gflops = c->peak_gflops;
	out->bw_gbs = c->bw_gbs;
	out->ridge_ai = c->peak_gflops / c->bw_gbs;
	snprintf(out->model, sizeof(out->model), "%s", run->model);
	snprintf(out->precision, sizeof(out->precision), "%s", run->precision);
	out->batch = run->batch;
	out->threads = run->threads;
	out->layers = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(*out->layers));

	for (i = 0; i < run->nlayers; i++) {
		const struct cp_layer_rec *l = &run->layers[i];
		struct roofline_layer *rl;
		double t = l->time_ms;

		if (strcmp(l->kind, "conv") && strcmp(l->kind, "fc"))
			continue;
		rl = &out->layers[n++];
		rl->index = i;
		snprintf(rl->name, sizeof(rl->name), "%s", l->name);
		snprintf(rl->kind, sizeof(rl->kind), "%s", l->kind);
		rl->time_ms = t > 0 ? t : NAN;
		rl->share = t > 0 && denom > 0 ? t / denom : NAN;
		rl->flops = (double)l->flops;
		rl->bytes = (double)l->weight_bytes + (double)l->in_bytes + (double)l->out_bytes;
		rl->ai = rl->flops > 0 && rl->bytes > 0 ? rl->flops / rl->bytes : NAN;
		/* ms x 1e6: exact for the round numbers tests and people use */
		rl->gflops = rl->flops > 0 && t > 0 ? rl->flops / (t * 1e6) : NAN;
		rl->attainable = isnan(rl->ai) ? NAN : MIN(c->peak_gflops, c->bw_gbs * rl->ai);
		rl->fraction = rl->gflops / rl->attainable;
		rl->lost_ms = rl->time_ms * (1 - MIN(rl->fraction, 1.0));
		layer_verdict(rl, l, out->ridge_ai);
		layer_bandwidth(run, i, rl);
	}
	out->nlayers = n;
	return 0;
}

void roofline_result_release(struct roofline_result *r)
{
	free(r->layers);
	memset(r, 0, sizeof(*r));
}

static const struct roofline_result *worst_r;

static int cmp_lost(const void *a, const void *b)
{
	const struct roofline_layer *x = &worst_r->layers[*(const int *)a];
	const struct roofline_layer *y = &worst_r->layers[*(const int *)b];

	if (x->lost_ms != y->lost_ms)
		return x->lost_ms > y->lost_ms ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

int roofline_worst(const struct roofline_result *r, int n, int *idx)
{
	int *all, i, m = 0;

	if (n <= 0 || !r->nlayers)
		return 0;
	all = xmalloc((size_t)r->nlayers * sizeof(int));
	for (i = 0; i < r->nlayers; i++)
		if (r->layers[i].lost_ms > 0)
			all[m++] = i;
	worst_r = r;
	qsort(all, (size_t)m, sizeof(int), cmp_lost);
	m = MIN(m, n);
	memcpy(idx, all, (size_t)m * sizeof(int));
	free(all);
	return m;
}

/* ---- chart ---- */

static const char *ops_unit(const struct roofline_result *r)
{
	return strcmp(r->precision, "int8") == 0 ? "GOP/s" : "GFLOP/s";
}

int roofline_chart(const struct roofline_result *r, const struct roofline_ceilings *c,
		   const char *title, int nlabels, struct chart *out)
{
	int series[ARRAY_SIZE(verdict_names)], *worst, nworst, i, v, unmeasured = 0;
	char pk[32], bw[32], peak_label[96], bw_label[96], *tip;

	chart_init(out, title);
	chart_set_subtitle(out, "%s, batch %d, %d thread%s; peak %s %s, memory %s GB/s",
			   r->precision, r->batch, r->threads, r->threads == 1 ? "" : "s",
			   chart_fmt_num(pk, sizeof(pk), c->peak_gflops), ops_unit(r),
			   chart_fmt_num(bw, sizeof(bw), c->bw_gbs));
	chart_axis_set(&out->x, "arithmetic intensity (FLOP per model byte)", CHART_LOG);
	chart_axis_set(&out->y, ops_unit(r), CHART_LOG);
	snprintf(peak_label, sizeof(peak_label), "peak %s %s", pk, ops_unit(r));
	snprintf(bw_label, sizeof(bw_label), "memory %s GB/s", bw);
	chart_add_ceiling(out, c->peak_gflops, c->bw_gbs, peak_label, bw_label);

	/* one series per verdict present, in a fixed order */
	for (v = 0; v < (int)ARRAY_SIZE(verdict_names); v++) {
		series[v] = -1;
		if (v == ROOFLINE_UNMEASURED)
			continue;
		for (i = 0; i < r->nlayers; i++)
			if ((int)r->layers[i].verdict == v && !isnan(r->layers[i].gflops))
				break;
		if (i < r->nlayers)
			series[v] = chart_add_series(out, verdict_names[v], CHART_MARKERS,
						     verdict_colors[v]);
	}
	worst = xmalloc((size_t)MAX(nlabels, 1) * sizeof(int));
	nworst = roofline_worst(r, nlabels, worst);
	for (i = 0; i < r->nlayers; i++) {
		const struct roofline_layer *l = &r->layers[i];
		int j, named = 0;

		if (isnan(l->gflops) || isnan(l->ai) || series[l->verdict] < 0) {
			unmeasured++;
			continue;
		}
		for (j = 0; j < nworst; j++)
			named |= worst[j] == i;
		tip = xasprintf("%s (%s): AI %.3g FLOP/B, %.4g %s = %.0f%% of attainable %.4g; %.3f ms, %.1f%% of the time; %s",
				l->name, l->kind, l->ai, l->gflops, ops_unit(r), l->fraction * 100,
				l->attainable, l->time_ms, l->share * 100, verdict_names[l->verdict]);
		chart_add_point(out, series[l->verdict], l->ai, l->gflops,
				named ? l->name : NULL, tip);
		free(tip);
	}
	free(worst);
	chart_add_footnote(out, "peak: %s; memory: %s",
			   c->peak_source ? c->peak_source : "source not given",
			   c->bw_source ? c->bw_source : "source not given");
	chart_add_footnote(out, "intensity from model bytes: weights + input + output of a layer, each once per inference");
	if (nworst)
		chart_add_footnote(out, "named: the %d layer%s whose gap to the roof costs the most time, time x (1 - fraction of attainable)",
				   nworst, nworst == 1 ? "" : "s");
	if (unmeasured)
		chart_add_footnote(out, "%d layer%s not drawn: not measured", unmeasured,
				   unmeasured == 1 ? "" : "s");
	return 0;
}

/* ---- tables ---- */

static void set_num(struct table *t, int col, double v, const char *fmt, int csv)
{
	if (isnan(v)) {
		if (!csv)
			table_set(t, col, "-");
		return;
	}
	if (csv)
		table_set(t, col, "%.6g", v);
	else
		table_set(t, col, fmt, v);
}

static void print_header(const struct roofline_result *r,
			 const struct roofline_ceilings *c, FILE *fp)
{
	fprintf(fp, "model: %s, %s, batch %d, %d thread%s\n", r->model, r->precision,
		r->batch, r->threads, r->threads == 1 ? "" : "s");
	fprintf(fp, "peak: %.1f %s (%s)\n", c->peak_gflops, ops_unit(r),
		c->peak_source ? c->peak_source : "source not given");
	fprintf(fp, "memory: %.1f GB/s (%s)\n", c->bw_gbs,
		c->bw_source ? c->bw_source : "source not given");
	fprintf(fp, "ridge point: %.2f FLOP/byte\n", r->ridge_ai);
	fprintf(fp, "intensity: FLOPs per model byte (weights + input + output of a layer, each once per inference)\n");
	fprintf(fp, "verdict: compute- or bandwidth-bound at %.0f%% or more of the attainable %s, else neither\n\n",
		ROOFLINE_BOUND_FRACTION * 100, ops_unit(r));
}

static void print_worst(const struct roofline_result *r, FILE *fp)
{
	int idx[5], n, i;

	n = roofline_worst(r, (int)ARRAY_SIZE(idx), idx);
	if (!n)
		return;
	fprintf(fp, "\nmost time lost below the roof:");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s %.3f ms", i ? "," : "", r->layers[idx[i]].name,
			r->layers[idx[i]].lost_ms);
	fputc('\n', fp);
}

int roofline_print(const struct roofline_result *r, const struct roofline_ceilings *c,
		   FILE *fp, enum cp_format fmt)
{
	int csv = fmt == FMT_CSV, i, col[13];
	struct table *t;

	if (fmt == FMT_JSON)
		return json_print(roofline_to_json(r, c), fp);
	t = table_new();
	col[0] = table_add_column(t, csv ? "index" : "#", ALIGN_RIGHT);
	col[1] = table_add_column(t, csv ? "name" : "layer", ALIGN_LEFT);
	col[2] = table_add_column(t, "kind", ALIGN_LEFT);
	col[3] = table_add_column(t, csv ? "time_ms" : "ms", ALIGN_RIGHT);
	col[4] = table_add_column(t, csv ? "share" : "share%", ALIGN_RIGHT);
	col[5] = table_add_column(t, csv ? "ai" : "FLOP/B", ALIGN_RIGHT);
	col[6] = table_add_column(t, csv ? "gflops" : ops_unit(r), ALIGN_RIGHT);
	col[7] = table_add_column(t, csv ? "attainable_gflops" : "attainable", ALIGN_RIGHT);
	col[8] = table_add_column(t, csv ? "fraction" : "of roof", ALIGN_RIGHT);
	col[9] = table_add_column(t, csv ? "lost_ms" : "lost ms", ALIGN_RIGHT);
	col[10] = table_add_column(t, csv ? "bw_gbs" : "GB/s", ALIGN_RIGHT);
	col[11] = table_add_column(t, csv ? "bw_source" : "from", ALIGN_LEFT);
	col[12] = table_add_column(t, "verdict", ALIGN_LEFT);
	for (i = 0; i < r->nlayers; i++) {
		const struct roofline_layer *l = &r->layers[i];

		table_add_row(t);
		table_set(t, col[0], "%d", l->index);
		table_set(t, col[1], "%s", l->name);
		table_set(t, col[2], "%s", l->kind);
		set_num(t, col[3], l->time_ms, "%.3f", csv);
		set_num(t, col[4], csv ? l->share : l->share * 100, "%.1f", csv);
		set_num(t, col[5], l->ai, "%.2f", csv);
		set_num(t, col[6], l->gflops, "%.1f", csv);
		set_num(t, col[7], l->attainable, "%.1f", csv);
		set_num(t, col[8], csv ? l->fraction : l->fraction * 100, "%.0f%%", csv);
		set_num(t, col[9], l->lost_ms, "%.3f", csv);
		set_num(t, col[10], l->bw_gbs, "%.2f", csv);
		table_set(t, col[11], "%s", l->bw_source);
		table_set(t, col[12], "%s", roofline_verdict_name(l->verdict));
	}
	if (!csv)
		print_header(r, c, fp);
	table_print(t, fp, fmt, 0);
	table_free(t);
	if (!csv)
		print_worst(r, fp);
	return ferror(fp) ? -EIO : 0;
}

json_t *roofline_to_json(const struct roofline_result *r, const struct roofline_ceilings *c)
{
	json_t *root = json_object(), *ceil = json_object(), *layers = json_array();
	int i;

	json_set_num(ceil, "peak_gflops", c->peak_gflops);
	json_set_num(ceil, "bw_gbs", c->bw_gbs);
	json_set_str(ceil, "peak_source", c->peak_source);
	json_set_str(ceil, "bw_source", c->bw_source);
	json_set_num(ceil, "ridge_ai", r->ridge_ai);
	json_set_num(ceil, "bound_fraction", ROOFLINE_BOUND_FRACTION);
	json_object_set_new(root, "ceilings", ceil);
	json_set_str(root, "intensity_bytes", "model");
	for (i = 0; i < r->nlayers; i++) {
		const struct roofline_layer *l = &r->layers[i];
		json_t *o = json_object();

		json_set_int(o, "index", l->index);
		json_set_str(o, "name", l->name);
		json_set_str(o, "kind", l->kind);
		json_set_num(o, "time_ms", l->time_ms);
		json_set_num(o, "share", l->share);
		json_set_num(o, "ai", l->ai);
		json_set_num(o, "gflops", l->gflops);
		json_set_num(o, "attainable_gflops", l->attainable);
		json_set_num(o, "fraction", l->fraction);
		json_set_num(o, "lost_ms", l->lost_ms);
		json_set_str(o, "verdict", roofline_verdict_name(l->verdict));
		json_set_num(o, "bw_gbs", l->bw_gbs);
		json_set_str(o, "bw_source", l->bw_source);
		json_array_append_new(layers, o);
	}
	json_object_set_new(root, "layers", layers);
	return root;
}

/* ---- efficiency ---- */

json_t *efficiency_to_json(const struct efficiency *e)
{
	json_t *o = json_object();

	json_set_str(o, "precision", e->precision);
	json_set_int(o, "cores", e->cores);
	json_set_num(o, "gops", e->gops);
	json_set_num(o, "peak_gops", e->peak_gops);
	json_set_num(o, "mac_utilization", e->mac_util);
	json_set_num(o, "ips", e->ips);
	json_set_num(o, "ips_per_peak_tops", e->ips_per_peak_tops);
	json_set_num(o, "bw_gbs", e->bw_gbs);
	json_set_num(o, "ips_per_gbs", e->ips_per_gbs);
	json_set_num(o, "llc_mib", e->llc_mib);
	json_set_num(o, "ips_per_llc_mib", e->ips_per_llc_mib);
	json_set_num(o, "ips_per_core", e->ips_per_core);
	return o;
}

int efficiency_print(const struct efficiency *e, FILE *fp, enum cp_format fmt)
{
	const char *unit = strcmp(e->precision, "int8") == 0 ? "GOP/s" : "GFLOP/s";
	const struct {
		const char *name, *text, *unit, *fmt;
		double v, scale;
	} rows[] = {
		{ "gops", "achieved", unit, "%.1f", e->gops, 1 },
		{ "peak_gops", "peak of the cores used", unit, "%.1f", e->peak_gops, 1 },
		{ "mac_utilization", "MAC utilisation", "%", "%.1f", e->mac_util, 100 },
		{ "ips", "throughput", "img/s", "%.2f", e->ips, 1 },
		{ "ips_per_peak_tops", "per peak TOPS", "img/s/TOPS", "%.2f", e->ips_per_peak_tops, 1 },
		{ "ips_per_gbs", "per GB/s of memory bandwidth", "img/s/(GB/s)", "%.3f", e->ips_per_gbs, 1 },
		{ "ips_per_llc_mib", "per MiB of last-level cache", "img/s/MiB", "%.3f", e->ips_per_llc_mib, 1 },
		{ "ips_per_core", "per core", "img/s/core", "%.2f", e->ips_per_core, 1 },
	};
	struct table *t;
	int csv = fmt == FMT_CSV, cm, cv, cu;
	size_t i;

	if (fmt == FMT_JSON)
		return json_print(efficiency_to_json(e), fp);
	t = table_new();
	cm = table_add_column(t, csv ? "metric" : "efficiency", ALIGN_LEFT);
	cv = table_add_column(t, "value", ALIGN_RIGHT);
	cu = table_add_column(t, "unit", ALIGN_LEFT);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		table_add_row(t);
		table_set(t, cm, "%s", csv ? rows[i].name : rows[i].text);
		set_num(t, cv, rows[i].v * rows[i].scale, rows[i].fmt, csv);
		table_set(t, cu, "%s", rows[i].unit);
	}
	if (!csv) {
		fprintf(fp, "cores: %d, %s", e->cores, e->precision);
		if (!isnan(e->bw_gbs))
			fprintf(fp, "; memory %.1f GB/s", e->bw_gbs);
		if (!isnan(e->llc_mib))
			fprintf(fp, "; last-level cache %.1f MiB", e->llc_mib);
		fputs("\n\n", fp);
	}
	table_print(t, fp, fmt, 0);
	table_free(t);
	return ferror(fp) ? -EIO : 0;
}
