// SPDX-License-Identifier: MIT
/*
 * The per-layer view of a cp_run, for stat and report alike.
 *
 * Events that could not be counted never get a column: they are listed in
 * the header with their reason. Derived metrics (IPC, miss ratio, MPKI,
 * GB/s) appear only where every input was counted.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/render.h"
#include "util/util.h"

/* Derived metrics: name, numerator, denominator, factor. */
struct derived {
	const char *name;
	const char *num, *den;
	double factor;
	const char *help;
};

static const struct derived derived_metrics[] = {
	{ "ipc", "instructions", "cycles", 1, "instructions per cycle" },
	{ "miss%", "cache-misses", "cache-references", 100, "cache misses per reference, %" },
	{ "mpki", "LLC-load-misses", "instructions", 1000, "LLC load misses per 1000 instructions" },
	{ "l1_mpki", "L1-dcache-load-misses", "instructions", 1000, "L1d load misses per 1000 instructions" },
};

/* GB/s from LLC misses x 64 B over the layer's time. */
#define LLC_GBS "llc_gb/s"

static int ev_supported(const struct cp_run *run, const char *name)
{
	int i = cp_run_event_index(run, name);

	return i >= 0 && run->events[i].supported;
}

static double count_of(const struct cp_run *run, int layer, const char *name)
{
	int i = cp_run_event_index(run, name);

	if (i < 0 || !run->events[i].supported)
		return NAN;
	if (layer < 0)
		return run->total_counts[i];
	return *cp_run_count((struct cp_run *)run, layer, i);
}

static double row_time(const struct cp_run *run, int layer)
{
	if (layer < 0)
		return run->latency_ms;
	if (layer == run->nlayers)
		return run->other_ms;
	return run->layers[layer].time_ms;
}

static const struct cp_layer_rec *row(const struct cp_run *run, int layer)
{
	return layer == run->nlayers ? &run->other : &run->layers[layer];
}

static double derived_value(const struct cp_run *run, int layer,
			    const struct derived *d)
{
	double n = count_of(run, layer, d->num), q = count_of(run, layer, d->den);

	if (isnan(n) || isnan(q) || q <= 0)
		return NAN;
	return n / q * d->factor;
}

static double llc_gbs(const struct cp_run *run, int layer)
{
	double m = count_of(run, layer, "LLC-load-misses"), t = row_time(run, layer);

	if (isnan(m) || !(t > 0))
		return NAN;
	return m * 64.0 / (t * 1e-3) / 1e9;
}

static int derived_available(const struct cp_run *run, const struct derived *d)
{
	return ev_supported(run, d->num) && ev_supported(run, d->den);
}

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

/* ---- text and CSV ---- */

/* 4 significant digits with an SI suffix: counts stay readable in a table. */
static void fmt_count(char *buf, size_t len, double v)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T" };
	unsigned s = 0;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (fabs(v) < 10000) {
		snprintf(buf, len, v == floor(v) ? "%.0f" : "%.1f", v);
		return;
	}
	while (fabs(v) >= 1000 && s + 1 < ARRAY_SIZE(sfx)) {
		v /= 1000;
		s++;
	}
	snprintf(buf, len, fabs(v) >= 100 ? "%.1f%s" : "%.2f%s", v, sfx[s]);
}

static void fmt_num(char *buf, size_t len, double v, const char *fmt)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
}

/* The full-precision form CSV uses; empty when unknown. */
static void set_raw(struct table *t, int col, double v)
{
	if (isnan(v))
		return;
	if (v == floor(v) && fabs(v) < 1e15)
		table_set(t, col, "%.0f", v);
	else
		table_set(t, col, "%.6g", v);
}

/*
 * Which events a table shows. CSV shows everything in one table; text puts
 * the counters in one table and eBPF's columns in a second, and folds an
 * event that is 0 in every row into one line instead of a column of zeros.
 */
enum section { SEC_ALL, SEC_COUNTERS, SEC_EBPF };

struct columns {
	int name, kind, layout, impl, time, share, gflops, flag;	/* -1: absent */
	int ev_col[256];	/* column of event i, -1: not in this table */
	int gbs;
	int nderived;
	const struct derived *derived[ARRAY_SIZE(derived_metrics)];
	int derived_col[ARRAY_SIZE(derived_metrics)];
};

static int is_ebpf(const struct cp_event_info *e)
{
	return strcmp(e->source, "ebpf") == 0;
}

/* 0 in every row, (other) and the total: measured, and nothing happened. */
static int all_zero(const struct cp_run *run, int ev)
{
	int i;

	if (run->total_counts[ev] != 0)
		return 0;
	for (i = 0; i <= run->nlayers; i++)
		if (*cp_run_count((struct cp_run *)run, i, ev) != 0)
			return 0;
	return 1;
}

static int shown(const struct cp_run *run, int ev, enum section sec)
{
	const struct cp_event_info *e = &run->events[ev];

	if (!e->supported || ev >= 256)
		return 0;
	if (sec == SEC_ALL)
		return 1;
	if ((sec == SEC_EBPF) != is_ebpf(e))
		return 0;
	return !all_zero(run, ev);
}

static void add_columns(struct table *t, const struct cp_run *run,
			struct columns *c, int csv, enum section sec)
{
	int i, ebpf = sec == SEC_EBPF;
	size_t d;

	memset(c, -1, sizeof(*c));
	c->nderived = 0;
	table_add_column(t, "#", ALIGN_RIGHT);
	c->name = table_add_column(t, "layer", ALIGN_LEFT);
	if (!ebpf) {
		c->kind = table_add_column(t, "kind", ALIGN_LEFT);
		c->layout = table_add_column(t, "layout", ALIGN_LEFT);
		c->impl = table_add_column(t, "impl", ALIGN_LEFT);
		c->time = table_add_column(t, "time_ms", ALIGN_RIGHT);
		c->share = table_add_column(t, "share%", ALIGN_RIGHT);
		c->gflops = table_add_column(t, "GFLOP/s", ALIGN_RIGHT);
	}
	for (i = 0; i < run->nevents && i < 256; i++)
		if (shown(run, i, sec))
			c->ev_col[i] = table_add_column(t, run->events[i].name, ALIGN_RIGHT);
	if (ebpf)
		return;
	for (d = 0; d < ARRAY_SIZE(derived_metrics); d++) {
		if (!derived_available(run, &derived_metrics[d]))
			continue;
		c->derived[c->nderived] = &derived_metrics[d];
		c->derived_col[c->nderived++] =
			table_add_column(t, derived_metrics[d].name, ALIGN_RIGHT);
	}
	c->gbs = ev_supported(run, "LLC-load-misses") ?
		 table_add_column(t, LLC_GBS, ALIGN_RIGHT) : -1;
	c->flag = table_add_column(t, csv ? "flag" : "", ALIGN_LEFT);
}

static void set_value(struct table *t, int col, double v, int csv,
		      const char *fmt)
{
	char buf[64];

	if (csv) {
		set_raw(t, col, v);
	} else if (fmt) {
		fmt_num(buf, sizeof(buf), v, fmt);
		table_set(t, col, "%s", buf);
	} else {
		fmt_count(buf, sizeof(buf), v);
		table_set(t, col, "%s", buf);
	}
}

static void fill_values(struct table *t, const struct cp_run *run, int layer,
			const struct columns *c, int csv, int thread)
{
	int i;
	double v;

	for (i = 0; i < run->nevents && i < 256; i++) {
		if (c->ev_col[i] < 0)
			continue;
		if (thread >= 0)
			v = run->thread_counts ?
			    *cp_run_thread_count((struct cp_run *)run,
						 layer < 0 ? run->nlayers : layer,
						 thread, i) : NAN;
		else
			v = layer < 0 ? run->total_counts[i] :
			    *cp_run_count((struct cp_run *)run, layer, i);
		set_value(t, c->ev_col[i], v, csv, NULL);
	}
	if (thread >= 0)
		return;
	for (i = 0; i < c->nderived; i++)
		set_value(t, c->derived_col[i], derived_value(run, layer, c->derived[i]),
			  csv, "%.2f");
	if (c->gbs >= 0)
		set_value(t, c->gbs, llc_gbs(run, layer < 0 ? -1 : layer), csv, "%.2f");
}

static void fill_row(struct table *t, const struct cp_run *run, int layer,
		     const struct columns *c, int csv)
{
	const struct cp_layer_rec *l = row(run, layer);
	double time = row_time(run, layer);
	double gflops = render_value(run, layer, "gflops");
	double share = render_value(run, layer, "share");
	char buf[64];

	table_add_row(t);
	if (layer < run->nlayers)
		table_set(t, 0, "%d", l->index);
	table_set(t, c->name, "%s", l->name);
	table_set(t, c->kind, "%s", l->kind);
	table_set(t, c->layout, "%s", l->layout);
	table_set(t, c->impl, "%s", l->impl);
	if (csv) {
		set_raw(t, c->time, time);
		set_raw(t, c->share, share);
		set_raw(t, c->gflops, gflops);
	} else {
		fmt_num(buf, sizeof(buf), time, time < 0.01 ? "%.4f" : "%.3f");
		table_set(t, c->time, "%s", buf);
		fmt_num(buf, sizeof(buf), share, "%.1f");
		table_set(t, c->share, "%s", buf);
		fmt_num(buf, sizeof(buf), gflops, "%.1f");
		table_set(t, c->gflops, "%s", l->flops ? buf : "");
	}
	fill_values(t, run, layer, c, csv, -1);
	if (l->is_ref)
		table_set(t, c->flag, csv ? "ref" : "<< REFERENCE KERNEL (slow)");
}

static void fill_thread_rows(struct table *t, const struct cp_run *run,
			     int layer, const struct columns *c, int csv)
{
	int th;

	for (th = 0; th < run->nthreads; th++) {
		table_add_row(t);
		if (csv) {
			table_set(t, c->name, "%s", row(run, layer)->name);
			table_set(t, c->kind, "worker %d", th);
		} else {
			table_set(t, c->name, "  worker %d", th);
		}
		fill_values(t, run, layer, c, csv, th);
	}
}

static void fill_total(struct table *t, const struct cp_run *run,
		       const struct columns *c, int csv)
{
	char buf[64];
	uint64_t flops = 0;
	int i;

	for (i = 0; i < run->nlayers; i++)
		flops += run->layers[i].flops;
	table_add_row(t);
	table_set(t, c->name, "total");
	if (csv) {
		set_raw(t, c->time, run->latency_ms);
		set_raw(t, c->share, 100);
	} else {
		fmt_num(buf, sizeof(buf), run->latency_ms, "%.3f");
		table_set(t, c->time, "%s", buf);
		table_set(t, c->share, "100.0");
	}
	if (flops && run->latency_ms > 0) {
		double g = (double)flops / (run->latency_ms * 1e-3) / 1e9;

		if (csv)
			set_raw(t, c->gflops, g);
		else
			table_set(t, c->gflops, "%.1f", g);
	}
	fill_values(t, run, -1, c, csv, -1);
}

static void print_header(const struct cp_run *run, FILE *fp,
			 const struct render_opts *o)
{
	char cpus[256] = "";
	size_t n = 0;
	int i, j, nref = 0, shown;

	for (i = 0; i < run->nthreads && n < sizeof(cpus); i++)
		if (run->thread_recs[i].cpu_planned >= 0)
			n += snprintf(cpus + n, sizeof(cpus) - n, "%s%d", n ? "," : "",
				      run->thread_recs[i].cpu_planned);
	fprintf(fp, "model: %s %dx%d, batch %d, %s, layout %s, fusion %s\n",
		run->model, run->width, run->height, run->batch, run->precision,
		run->layout, run->fusion ? "on" : "off");
	fprintf(fp, "threads: %d, pinned %s%s%s%s\n", run->threads, run->pin,
		cpus[0] ? " (cpus " : "", cpus, cpus[0] ? ")" : "");
	if (run->membind[0])
		fprintf(fp, "membind: %s\n", run->membind);
	fprintf(fp, "backend: %s%s%s%s\n", run->backend,
		run->backend_reason[0] ? " (" : "", run->backend_reason,
		run->backend_reason[0] ? ")" : "");
	/* events not counted, grouped by reason so a VM's list stays short */
	for (i = 0; i < run->nevents; i++) {
		const struct cp_event_info *e = &run->events[i];

		if (e->supported)
			continue;
		for (j = 0; j < i; j++)
			if (!run->events[j].supported &&
			    strcmp(run->events[j].reason, e->reason) == 0)
				break;
		if (j < i)
			continue;
		fprintf(fp, "not supported: ");
		shown = 0;
		for (j = i; j < run->nevents; j++)
			if (!run->events[j].supported &&
			    strcmp(run->events[j].reason, e->reason) == 0)
				fprintf(fp, "%s%s", shown++ ? ", " : "", run->events[j].name);
		fprintf(fp, " (%s)\n", e->reason);
	}
	/* how counted events were counted, once per distinct note */
	for (i = 0; i < run->nevents; i++) {
		const struct cp_event_info *e = &run->events[i];

		if (!e->supported || !e->reason[0])
			continue;
		for (j = 0; j < i; j++)
			if (run->events[j].supported &&
			    strcmp(run->events[j].reason, e->reason) == 0)
				break;
		if (j < i)
			continue;
		fprintf(fp, "note: ");
		shown = 0;
		for (j = i; j < run->nevents; j++)
			if (run->events[j].supported &&
			    strcmp(run->events[j].reason, e->reason) == 0)
				shown++;
		if (shown > 1)
			fprintf(fp, "%s and %d more: %s\n", e->name, shown - 1, e->reason);
		else
			fprintf(fp, "%s: %s\n", e->name, e->reason);
	}
	for (i = 0; i < run->nevents; i++) {
		double r = run->events[i].running_ratio;

		if (run->events[i].supported && !isnan(r) && r < 0.999)
			fprintf(fp, "multiplexed: %s counted %.0f%% of the time, scaled\n",
				run->events[i].name, r * 100);
	}
	if (run->numa[0])
		fprintf(fp, "numa: %s\n", run->numa);
	if (run->numa_warning[0])
		fprintf(fp, "WARNING: %s\n", run->numa_warning);
	if (run->rotate)
		fprintf(fp, "rotation: one event group per iteration; each group saw whole iterations\n");
	fprintf(fp, "iterations: %d measured after %d warm-up; latency %.3f ms (median), %.2f img/s",
		run->iterations, run->warmup, run->latency_ms, run->throughput_ips);
	if (!isnan(run->overhead_pct))
		fprintf(fp, "; per-layer instrumentation overhead %.2f%%", run->overhead_pct);
	if (!isnan(run->overhead_pct) && !isnan(run->overhead_spread_pct))
		fprintf(fp, " (noise \u00b1%.2f%%)", run->overhead_spread_pct);
	else if (run->overhead_reason[0])
		fprintf(fp, "; per-layer instrumentation overhead %s", run->overhead_reason);
	fputc('\n', fp);
	if (run->op_count)
		fprintf(fp, "ops: %d primitives (%d reorders)\n", run->op_count,
			run->reorder_count);
	if (o->efficiency) {
		const struct efficiency *e = o->efficiency;

		fprintf(fp, "efficiency: MAC utilisation %.1f%% (%.1f of %.1f G%s/s %s peak on %d core%s); "
			"%.2f img/s per peak TOPS, %.3f per GB/s, %.3f per MiB LLC, %.2f per core\n",
			e->mac_util * 100, e->gops, e->peak_gops,
			strcmp(e->precision, "int8") ? "FLOP" : "OP", e->precision, e->cores,
			e->cores == 1 ? "" : "s", e->ips_per_peak_tops, e->ips_per_gbs,
			e->ips_per_llc_mib, e->ips_per_core);
	} else if (o->efficiency_note) {
		fprintf(fp, "efficiency: unknown (%s)\n", o->efficiency_note);
	}
	if (run->partial)
		fprintf(fp, "PARTIAL: the run was interrupted; these are the iterations it finished\n");
	for (i = 0; i < run->nlayers; i++)
		nref += run->layers[i].is_ref;
	if (nref)
		fprintf(fp, "WARNING: %d op%s ran on oneDNN reference kernels (impl ref:*), typically ~1000x slower: see the marked rows\n",
			nref, nref == 1 ? "" : "s");
	fputc('\n', fp);
}

static void print_table(const struct cp_run *run, FILE *fp,
			const struct render_opts *o, const int *order, int n,
			enum section sec)
{
	int csv = o->format == FMT_CSV, i;
	struct table *t = table_new();
	struct columns c;

	add_columns(t, run, &c, csv, sec);
	for (i = 0; i < n; i++) {
		fill_row(t, run, order[i], &c, csv);
		if (o->per_thread)
			fill_thread_rows(t, run, order[i], &c, csv);
	}
	fill_row(t, run, run->nlayers, &c, csv);
	if (o->per_thread)
		fill_thread_rows(t, run, run->nlayers, &c, csv);
	fill_total(t, run, &c, csv);
	table_print(t, fp, o->format, 0);
	table_free(t);
}

/* "zero in every row: a, b" for the columns text folded away */
static void print_zero_events(const struct cp_run *run, FILE *fp)
{
	int i, n = 0;

	for (i = 0; i < run->nevents; i++) {
		if (!run->events[i].supported || !all_zero(run, i))
			continue;
		fprintf(fp, "%s%s", n++ ? ", " : "\nzero in every row: ",
			run->events[i].name);
	}
	if (n)
		fputc('\n', fp);
}

static int has_ebpf_columns(const struct cp_run *run)
{
	int i;

	for (i = 0; i < run->nevents; i++)
		if (shown(run, i, SEC_EBPF))
			return 1;
	return 0;
}

int render_run(const struct cp_run *run, FILE *fp, const struct render_opts *o)
{
	int csv = o->format == FMT_CSV, i, n, *order;

	if (o->format == FMT_JSON)
		return json_print(run_to_json(run, o), fp);
	if (!csv && !o->no_header)
		print_header(run, fp, o);
	order = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(int));
	render_order(run, o->sort, order);
	n = o->top > 0 && o->top < run->nlayers ? o->top : run->nlayers;
	if (csv) {
		print_table(run, fp, o, order, n, SEC_ALL);
	} else {
		print_table(run, fp, o, order, n, SEC_COUNTERS);
		if (has_ebpf_columns(run)) {
			fprintf(fp, "\neBPF, per inference (faults:first:*: the cold first iteration)\n");
			print_table(run, fp, o, order, n, SEC_EBPF);
		}
		print_zero_events(run, fp);
	}
	free(order);
	if (!csv && run->nthreads && !o->no_header) {
		fputc('\n', fp);
		for (i = 0; i < run->nthreads; i++) {
			const struct cp_thread_rec *r = &run->thread_recs[i];
			char cpu[16] = "any", mig[32] = "not counted";

			if (r->cpu_planned >= 0)
				snprintf(cpu, sizeof(cpu), "%d", r->cpu_planned);
			if (!isnan(r->migrations))
				snprintf(mig, sizeof(mig), "%.0f", r->migrations);
			fprintf(fp, "worker %d: planned cpu %s, ran on cpus %s, migrations %s\n",
				r->worker, cpu, r->cpus_actual[0] ? r->cpus_actual : "?", mig);
		}
	}
	return ferror(fp) ? -EIO : 0;
}

/* ---- JSON (the contract in DESIGN.md) ---- */

static json_t *counts_object(const struct cp_run *run, int layer, int thread)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < run->nevents; i++) {
		double v;

		if (!run->events[i].supported)
			continue;
		if (thread >= 0)
			v = *cp_run_thread_count((struct cp_run *)run, layer, thread, i);
		else
			v = layer < 0 ? run->total_counts[i] :
			    *cp_run_count((struct cp_run *)run, layer, i);
		/* a count that could not be taken is absent, never 0 */
		if (!isnan(v))
			json_object_set_new(o, run->events[i].name, json_num(v));
	}
	return o;
}

static json_t *derived_object(const struct cp_run *run, int layer)
{
	json_t *o = json_object();
	size_t d;
	double v;

	for (d = 0; d < ARRAY_SIZE(derived_metrics); d++) {
		v = derived_value(run, layer, &derived_metrics[d]);
		if (!isnan(v))
			json_set_num(o, derived_metrics[d].name, v);
	}
	v = llc_gbs(run, layer);
	if (!isnan(v))
		json_set_num(o, LLC_GBS, v);
	return o;
}

static json_t *dims(const int *d)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < 4; i++)
		json_array_append_new(a, json_integer(d[i]));
	return a;
}

static json_t *layer_json(const struct cp_run *run, int layer, int per_thread)
{
	const struct cp_layer_rec *l = row(run, layer);
	json_t *o = json_object();
	int th;

	json_set_int(o, "index", l->index);
	json_set_str(o, "name", l->name);
	json_set_str(o, "kind", l->kind);
	json_set_str(o, "stage", l->stage);
	json_set_str(o, "layout", l->layout);
	json_set_str(o, "weights_layout", l->wei_fmt);
	json_set_str(o, "dst_layout", l->dst_fmt);
	json_set_str(o, "impl", l->impl);
	json_set_bool(o, "reference_kernel", l->is_ref);
	json_set_str(o, "dtype", l->dtype);
	json_set_str(o, "post_ops", l->post_ops);
	json_set_int(o, "flops", (long long)l->flops);
	json_set_int(o, "params", (long long)l->params);
	json_set_int(o, "weight_bytes", (long long)l->weight_bytes);
	json_set_int(o, "in_bytes", (long long)l->in_bytes);
	json_set_int(o, "out_bytes", (long long)l->out_bytes);
	json_object_set_new(o, "in_dims", dims(l->in_dims));
	json_object_set_new(o, "out_dims", dims(l->out_dims));
	if (l->kernel) {
		json_set_int(o, "kernel", l->kernel);
		json_set_int(o, "stride", l->stride);
		json_set_int(o, "pad", l->pad);
	}
	json_set_num(o, "time_ms", l->time_ms);
	json_set_num(o, "share_pct", render_value(run, layer, "share"));
	json_set_num(o, "gflops", render_value(run, layer, "gflops"));
	if (!isnan(l->remote_share))
		json_set_num(o, "remote_share", l->remote_share);
	json_object_set_new(o, "counts", counts_object(run, layer, -1));
	json_object_set_new(o, "derived", derived_object(run, layer));
	if (per_thread && run->thread_counts) {
		json_t *a = json_array();

		for (th = 0; th < run->nthreads; th++) {
			json_t *t = json_object();

			json_set_int(t, "worker", th);
			json_object_set_new(t, "counts", counts_object(run, layer, th));
			json_array_append_new(a, t);
		}
		json_object_set_new(o, "threads", a);
	}
	return o;
}

json_t *run_to_json(const struct cp_run *run, const struct render_opts *o)
{
	json_t *root = json_object(), *cfg = json_object(), *cpus = json_array();
	json_t *evs = json_array(), *total = json_object(), *layers = json_array();
	json_t *threads = json_array(), *other;
	int i, *order, n;
	char size[32];

	if (run->id)
		json_set_int(root, "run", run->id);
	json_set_str(root, "model", run->model);
	snprintf(size, sizeof(size), "%dx%d", run->width, run->height);
	json_set_str(cfg, "size", size);
	json_set_int(cfg, "width", run->width);
	json_set_int(cfg, "height", run->height);
	json_set_int(cfg, "batch", run->batch);
	json_set_str(cfg, "precision", run->precision);
	json_set_str(cfg, "layout", run->layout);
	json_set_bool(cfg, "fusion", run->fusion);
	json_set_int(cfg, "threads", run->threads);
	json_set_str(cfg, "pin", run->pin);
	for (i = 0; i < run->nthreads; i++)
		if (run->thread_recs[i].cpu_planned >= 0)
			json_array_append_new(cpus, json_integer(run->thread_recs[i].cpu_planned));
	json_object_set_new(cfg, "cpus", cpus);
	if (run->membind[0])
		json_set_str(cfg, "membind", run->membind);
	json_object_set_new(root, "config", cfg);
	json_set_str(root, "backend", run->backend);
	json_set_str(root, "backend_reason", run->backend_reason);
	if (run->numa[0])
		json_set_str(root, "numa", run->numa);
	if (run->numa_warning[0])
		json_set_str(root, "numa_warning", run->numa_warning);
	for (i = 0; i < run->nevents; i++) {
		json_t *e = json_object();

		json_set_str(e, "name", run->events[i].name);
		json_set_str(e, "source", run->events[i].source);
		json_set_bool(e, "supported", run->events[i].supported);
		if (run->events[i].supported) {
			json_object_set_new(e, "reason", json_null());
			/* how it was counted, e.g. the huge-page mode for faults */
			if (run->events[i].reason[0])
				json_set_str(e, "note", run->events[i].reason);
			if (!isnan(run->events[i].running_ratio))
				json_set_num(e, "running_ratio", run->events[i].running_ratio);
		} else {
			json_set_str(e, "reason", run->events[i].reason);
		}
		json_array_append_new(evs, e);
	}
	json_object_set_new(root, "events", evs);
	json_set_int(root, "iterations", run->iterations);
	json_set_int(root, "warmup", run->warmup);
	json_set_bool(root, "rotate", run->rotate);
	json_set_bool(root, "partial", run->partial);
	json_set_num(total, "latency_ms", run->latency_ms);
	json_set_num(total, "throughput_ips", run->throughput_ips);
	json_set_num(total, "layers_ms", run->layers_ms);
	json_set_num(total, "other_ms", run->other_ms);
	json_set_num(total, "overhead_pct", run->overhead_pct);
	json_set_num(total, "overhead_spread_pct", run->overhead_spread_pct);
	json_object_set_new(total, "overhead_reason", run->overhead_reason[0] ?
			    json_string(run->overhead_reason) : json_null());
	json_set_int(total, "ops", run->op_count);
	json_set_int(total, "reorders", run->reorder_count);
	json_object_set_new(total, "counts", counts_object(run, -1, -1));
	json_object_set_new(total, "derived", derived_object(run, -1));
	json_object_set_new(root, "total", total);
	if (o && o->efficiency)
		json_object_set_new(root, "efficiency", efficiency_to_json(o->efficiency));

	order = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(int));
	render_order(run, o ? o->sort : NULL, order);
	n = o && o->top > 0 && o->top < run->nlayers ? o->top : run->nlayers;
	for (i = 0; i < n; i++)
		json_array_append_new(layers, layer_json(run, order[i], o && o->per_thread));
	free(order);
	json_object_set_new(root, "layers", layers);
	other = layer_json(run, run->nlayers, o && o->per_thread);
	json_object_del(other, "index");
	json_object_set_new(root, "other", other);
	for (i = 0; i < run->nthreads; i++) {
		const struct cp_thread_rec *r = &run->thread_recs[i];
		json_t *t = json_object();

		json_set_int(t, "worker", r->worker);
		if (r->cpu_planned >= 0)
			json_set_int(t, "cpu", r->cpu_planned);
		else
			json_object_set_new(t, "cpu", json_null());
		json_set_str(t, "cpus_actual", r->cpus_actual);
		json_set_num(t, "migrations", r->migrations);
		json_array_append_new(threads, t);
	}
	json_object_set_new(root, "threads", threads);
	return root;
}
