// SPDX-License-Identifier: MIT
/*
 * The per-layer view of a cp_run, for stat and report alike: the header
 * and the tables, in text and CSV (JSON: render-json.c; values and row
 * order: render-value.c).
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
#include "reports/render-app.h"
#include "reports/render-int.h"
#include "reports/workers.h"
#include "util/util.h"

/* 4 significant digits with an SI suffix: counts stay readable in a table. */
static void fmt_count(char *buf, size_t len, double v)
{
	fmt_si(buf, len, v, 0);
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
	int workers[3];		/* busy_ms, wait_ms, imbalance (reports/workers.c) */
	int nderived;
	const struct derived *derived[ARRAY_SIZE(derived_metrics)];
	int derived_col[ARRAY_SIZE(derived_metrics)];
};

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
		workers_add_columns(t, run, c->workers);
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
	workers_fill(t, run, layer, -1, c->workers, csv);
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
		workers_fill(t, run, layer, th, c->workers, csv);
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
	workers_fill(t, run, -1, -1, c->workers, csv);
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
	if (run->command_argc)
		render_command_header(run, fp);
	else
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
	for (i = 0; i < run->nevents && run->command_argc; i++) {
		double r = run->events[i].running_ratio;
		int j, first = 1;

		if (!run->events[i].supported || isnan(r) || r >= 0.999)
			continue;
		for (j = 0; j < i; j++)	/* said with an earlier one */
			if (run->events[j].supported && run->events[j].running_ratio == r)
				break;
		if (j < i)
			continue;
		fputs("sampled: ", fp);
		for (j = i; j < run->nevents; j++)
			if (run->events[j].supported && run->events[j].running_ratio == r) {
				fprintf(fp, "%s%s", first ? "" : ", ", run->events[j].name);
				first = 0;
			}
		fprintf(fp, " read in %.0f%% of the executions (one block in --count-every), "
			"scaled\n", r * 100);
	}
	for (i = 0; i < run->nevents && !run->command_argc; i++) {
		double r = run->events[i].running_ratio;

		if (run->events[i].supported && !isnan(r) && r < 0.999)
			fprintf(fp, "multiplexed: %s counted %.0f%% of the time, scaled\n",
				run->events[i].name, r * 100);
	}
	workers_print_note(run, fp);
	if (run->numa[0])
		fprintf(fp, "numa: %s\n", run->numa);
	if (run->numa_warning[0])
		fprintf(fp, "WARNING: %s\n", run->numa_warning);
	if (run->rotate)
		fprintf(fp, "rotation: one event group per iteration; each group saw whole iterations\n");
	if (!strcmp(run->grouping, "primitive"))
		fprintf(fp, "iterations: no repeating sequence of primitives: one row per primitive, totals over the run (%.3f ms)",
			run->latency_ms);
	else if (run->command_argc)
		fprintf(fp, "iterations: %d periods of %d primitives seen, %d measured after %d warm-up; %.3f ms per period (median)",
			run->periods, run->nlayers, run->iterations, run->warmup, run->latency_ms);
	else
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
	if (run->partial && run->command_argc)
		fprintf(fp, "PARTIAL: the command %s; this is what it ran until then\n",
			render_exit_sentence(run, NULL, 0));
	else if (run->partial)
		fprintf(fp, "PARTIAL: the run was interrupted; these are the iterations it finished\n");
	for (i = 0; i < run->nlayers; i++)
		nref += run->layers[i].is_ref;
	if (nref)
		fprintf(fp, "WARNING: %d op%s ran on oneDNN reference kernels (impl ref:*), typically ~1000x slower: see the marked rows\n",
			nref, nref == 1 ? "" : "s");
	fputc('\n', fp);
}

/* A row of the eBPF table with nothing in any of its columns. */
static int ebpf_row_zero(const struct cp_run *run, int layer)
{
	int i;

	for (i = 0; i < run->nevents && i < 256; i++) {
		double v = *cp_run_count((struct cp_run *)run, layer, i);

		if (shown(run, i, SEC_EBPF) && v != 0 && !isnan(v))
			return 0;
	}
	return 1;
}

/* Returns how many of the @n layers it left out (eBPF: rows of zeros). */
static int print_table(const struct cp_run *run, FILE *fp,
		       const struct render_opts *o, const int *order, int n,
		       enum section sec)
{
	int csv = o->format == FMT_CSV, i, skipped = 0;
	struct table *t = table_new();
	struct columns c;

	add_columns(t, run, &c, csv, sec);
	for (i = 0; i < n; i++) {
		if (sec == SEC_EBPF && ebpf_row_zero(run, order[i])) {
			skipped++;
			continue;
		}
		fill_row(t, run, order[i], &c, csv);
		if (o->per_thread)
			fill_thread_rows(t, run, order[i], &c, csv);
	}
	if (sec != SEC_EBPF || !ebpf_row_zero(run, run->nlayers)) {
		fill_row(t, run, run->nlayers, &c, csv);
		if (o->per_thread)
			fill_thread_rows(t, run, run->nlayers, &c, csv);
	}
	fill_total(t, run, &c, csv);
	table_print(t, fp, o->format, 0);
	table_free(t);
	return skipped;
}

/*
 * "... 43 more layers, 12.3% of the time ('--top 0' shows all)": what a
 * hotspots-first table left out, so nobody mistakes the top for the whole.
 */
static void print_more(const struct cp_run *run, FILE *fp,
		       const struct render_opts *o, const int *order, int n)
{
	double ms = 0;
	int i;

	if (n >= run->nlayers)
		return;
	for (i = n; i < run->nlayers; i++)
		ms += row_time(run, order[i]);
	fprintf(fp, "... %d more %s%s, %.1f%% of the time ('--top 0' shows all)\n",
		run->nlayers - n, o->row_noun ? o->row_noun : "layer",
		run->nlayers - n == 1 ? "" : "s",
		run->latency_ms > 0 ? ms / run->latency_ms * 100 : 0.0);
}

/*
 * "zero in every row: a, b" for the columns text folded away, and the
 * layers the eBPF table left out for having only zeros
 */
static void print_zero_events(const struct cp_run *run, FILE *fp,
			      const struct render_opts *o, int zero_rows)
{
	int i, n = 0;

	for (i = 0; i < run->nevents; i++) {
		if (!run->events[i].supported || !all_zero(run, i))
			continue;
		fprintf(fp, "%s%s", n++ ? ", " : "\nzero in every row: ",
			run->events[i].name);
	}
	if (zero_rows)
		fprintf(fp, "%szero in every eBPF column: %d %s%s (not shown)",
			n ? "; " : "\n", zero_rows, o->row_noun ? o->row_noun : "layer",
			zero_rows == 1 ? "" : "s");
	if (n || zero_rows)
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
	int csv = o->format == FMT_CSV, i, n, top, zero_rows = 0, *order;

	if (o->format == FMT_JSON)
		return json_print(run_to_json(run, o), fp);
	if (!csv && !o->no_header)
		print_header(run, fp, o);
	order = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(int));
	/* text leads with the hotspots; CSV keeps every row in execution order */
	render_order(run, o->sort ? o->sort : csv ? NULL : "time", order);
	top = o->top >= 0 ? o->top : csv ? 0 : RENDER_TOP_DEFAULT;
	n = top > 0 && top < run->nlayers ? top : run->nlayers;
	if (csv) {
		print_table(run, fp, o, order, n, SEC_ALL);
	} else {
		print_table(run, fp, o, order, n, SEC_COUNTERS);
		print_more(run, fp, o, order, n);
		if (has_ebpf_columns(run)) {
			fprintf(fp, "\neBPF, per inference (faults:first:*: the cold first iteration)\n");
			zero_rows = print_table(run, fp, o, order, n, SEC_EBPF);
		}
		print_zero_events(run, fp, o, zero_rows);
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

void render_print_header(const struct cp_run *run, FILE *fp,
			 const struct render_opts *o)
{
	print_header(run, fp, o);
}
