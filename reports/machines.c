// SPDX-License-Identifier: MIT
/*
 * Machines compared through their runs: what people who choose inference
 * hardware ask (throughput per TOPS of peak, per GB/s of DRAM bandwidth,
 * per MB of on-chip memory, per core), each figure against what was
 * measured on the machine that ran it, and the source of every figure.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/machines.h"
#include "util/util.h"

static int host_of(struct machines_cmp *m, const struct cp_run *run, const char *file)
{
	const struct cp_machine_rec *r = &run->machine;
	struct machines_host *h;
	int i;

	for (i = 0; i < m->nhosts; i++) {
		const struct cp_machine_rec *o = m->hosts[i].rec;

		if (strcmp(o->cpu_model, r->cpu_model) == 0 && o->cores == r->cores &&
		    strcmp(o->hostname, r->hostname) == 0)
			return i;
	}
	m->hosts = xrealloc(m->hosts, (size_t)(m->nhosts + 1) * sizeof(*m->hosts));
	h = &m->hosts[m->nhosts];
	memset(h, 0, sizeof(*h));
	h->rec = r;
	h->file = file;
	h->llc_mib = NAN;
	return m->nhosts++;
}

void machines_add_run(struct machines_cmp *m, const struct cp_run *run,
		      const char *file, const struct roofline_ceilings *c,
		      uint64_t llc_bytes, const char *note)
{
	struct machines_run *r;
	struct machines_host *h;
	int i, hi = host_of(m, run, file);
	uint64_t llc = llc_bytes ? llc_bytes : run->machine.l3;

	h = &m->hosts[hi];
	m->runs = xrealloc(m->runs, (size_t)(m->nruns + 1) * sizeof(*m->runs));
	r = &m->runs[m->nruns++];
	r->run = run;
	r->file = file;
	r->host = hi;
	roofline_efficiency(run, c, llc, &r->eff);
	if (isnan(h->llc_mib) && llc) {
		h->llc_mib = (double)llc / (1024.0 * 1024.0);
		snprintf(h->llc_source, sizeof(h->llc_source), "%s",
			 llc_bytes ? "every instance of the last level, from convprof machine"
				   : "the L3 the run recorded (hwloc)");
	}
	if (!c) {
		if (!h->note[0] && note)
			snprintf(h->note, sizeof(h->note), "%s", note);
		return;
	}
	for (i = 0; i < h->nceil; i++)
		if (strcmp(h->ceil[i].precision, run->precision) == 0 &&
		    h->ceil[i].cores == run->threads)
			return;
	if (h->nceil == (int)ARRAY_SIZE(h->ceil))
		return;
	snprintf(h->ceil[i].precision, sizeof(h->ceil[i].precision), "%s", run->precision);
	h->ceil[i].cores = run->threads;
	h->ceil[i].peak_gops = c->peak_gflops;
	h->ceil[i].bw_gbs = c->bw_gbs;
	snprintf(h->ceil[i].peak_source, sizeof(h->ceil[i].peak_source), "%s",
		 c->peak_source ? c->peak_source : "");
	snprintf(h->ceil[i].bw_source, sizeof(h->ceil[i].bw_source), "%s",
		 c->bw_source ? c->bw_source : "");
	h->nceil++;
}

void machines_release(struct machines_cmp *m)
{
	free(m->runs);
	free(m->hosts);
	memset(m, 0, sizeof(*m));
}

static void set_num(struct table *t, int col, double v, const char *fmt, int csv)
{
	if (isnan(v))
		table_set(t, col, "%s", csv ? "" : "-");
	else if (csv)
		table_set(t, col, "%.6g", v);
	else
		table_set(t, col, fmt, v);
}

static void runs_table(const struct machines_cmp *m, FILE *fp, enum cp_format fmt)
{
	static const char *const cols[] = {
		"file", "run", "machine", "model", "size", "batch", "precision", "threads",
		"img/s", "latency_ms", "img/s per TOPS", "img/s per GB/s",
		"img/s per MiB LLC", "img/s per core",
	};
	int csv = fmt == FMT_CSV, i;
	struct table *t = table_new();

	for (i = 0; i < (int)ARRAY_SIZE(cols); i++)
		table_add_column(t, cols[i], i == 1 || i == 2 || i == 5 || i >= 7 ?
				 ALIGN_RIGHT : ALIGN_LEFT);
	if (csv) {
		table_add_column(t, "cpu_model", ALIGN_LEFT);
		table_add_column(t, "peak_gops", ALIGN_RIGHT);
		table_add_column(t, "bw_gbs", ALIGN_RIGHT);
		table_add_column(t, "llc_mib", ALIGN_RIGHT);
	}
	for (i = 0; i < m->nruns; i++) {
		const struct machines_run *r = &m->runs[i];
		const struct cp_run *run = r->run;

		table_add_row(t);
		table_set(t, 0, "%s", r->file);
		table_set(t, 1, "%lld", (long long)run->id);
		table_set(t, 2, "%d", r->host + 1);
		table_set(t, 3, "%s", run->model);
		if (run->width > 0)
			table_set(t, 4, "%dx%d", run->width, run->height);
		else	/* a command run: no input size of its own */
			table_set(t, 4, "-");
		table_set(t, 5, "%d", run->batch);
		table_set(t, 6, "%s", run->precision);
		table_set(t, 7, "%d", run->threads);
		set_num(t, 8, r->eff.ips, "%.2f", csv);
		set_num(t, 9, run->latency_ms, "%.3f", csv);
		set_num(t, 10, r->eff.ips_per_peak_tops, "%.2f", csv);
		set_num(t, 11, r->eff.ips_per_gbs, "%.3f", csv);
		set_num(t, 12, r->eff.ips_per_llc_mib, "%.3f", csv);
		set_num(t, 13, r->eff.ips_per_core, "%.2f", csv);
		if (csv) {
			table_set(t, 14, "%s", run->machine.cpu_model);
			set_num(t, 15, r->eff.peak_gops, "", 1);
			set_num(t, 16, r->eff.bw_gbs, "", 1);
			set_num(t, 17, r->eff.llc_mib, "", 1);
		}
	}
	table_print(t, fp, fmt, 0);
	table_free(t);
}

static void hosts_text(const struct machines_cmp *m, FILE *fp)
{
	struct table *t = table_new();
	int i, j;

	table_add_column(t, "machine", ALIGN_RIGHT);
	table_add_column(t, "cpu", ALIGN_LEFT);
	table_add_column(t, "cores", ALIGN_RIGHT);
	table_add_column(t, "PUs", ALIGN_RIGHT);
	table_add_column(t, "host", ALIGN_LEFT);
	table_add_column(t, "LLC MiB", ALIGN_RIGHT);
	table_add_column(t, "precision", ALIGN_LEFT);
	table_add_column(t, "on cores", ALIGN_RIGHT);
	table_add_column(t, "peak GOP/s", ALIGN_RIGHT);
	table_add_column(t, "GB/s", ALIGN_RIGHT);
	for (i = 0; i < m->nhosts; i++) {
		const struct machines_host *h = &m->hosts[i];

		for (j = 0; j < (h->nceil ? h->nceil : 1); j++) {
			table_add_row(t);
			table_set(t, 0, "%d", i + 1);
			table_set(t, 1, "%s", h->rec->cpu_model[0] ? h->rec->cpu_model : "?");
			table_set(t, 2, "%d", h->rec->cores);
			table_set(t, 3, "%d", h->rec->pus);
			table_set(t, 4, "%s", h->rec->hostname[0] ? h->rec->hostname : "?");
			set_num(t, 5, h->llc_mib, "%.1f", 0);
			if (!h->nceil) {
				table_set(t, 8, "-");
				table_set(t, 9, "-");
				continue;
			}
			table_set(t, 6, "%s", h->ceil[j].precision);
			table_set(t, 7, "%d", h->ceil[j].cores);
			set_num(t, 8, h->ceil[j].peak_gops, "%.1f", 0);
			set_num(t, 9, h->ceil[j].bw_gbs, "%.1f", 0);
		}
	}
	table_print(t, fp, FMT_TEXT, 0);
	table_free(t);
	/* where each figure came from */
	for (i = 0; i < m->nhosts; i++) {
		const struct machines_host *h = &m->hosts[i];

		fprintf(fp, "machine %d: first seen in '%s'", i + 1, h->file);
		if (h->llc_source[0])
			fprintf(fp, "; LLC: %s", h->llc_source);
		fputc('\n', fp);
		for (j = 0; j < h->nceil; j++)
			fprintf(fp, "  %s on %d core%s: peak: %s; bandwidth: %s\n",
				h->ceil[j].precision, h->ceil[j].cores,
				h->ceil[j].cores == 1 ? "" : "s", h->ceil[j].peak_source,
				h->ceil[j].bw_source);
		if (!h->nceil)
			fprintf(fp, "  no ceilings: %s\n", h->note[0] ? h->note : "unknown");
	}
}

static json_t *to_json(const struct machines_cmp *m)
{
	json_t *root = json_object(), *runs = json_array(), *hosts = json_array();
	char size[32];
	int i, j;

	for (i = 0; i < m->nruns; i++) {
		const struct machines_run *r = &m->runs[i];
		const struct cp_run *run = r->run;
		json_t *o = json_object();

		json_set_str(o, "file", r->file);
		json_set_int(o, "run", run->id);
		json_set_int(o, "machine", r->host + 1);
		json_set_str(o, "model", run->model);
		snprintf(size, sizeof(size), "%dx%d", run->width, run->height);
		json_set_str(o, "size", size);
		json_set_int(o, "batch", run->batch);
		json_set_str(o, "precision", run->precision);
		json_set_int(o, "threads", run->threads);
		json_set_num(o, "ips", r->eff.ips);
		json_set_num(o, "latency_ms", run->latency_ms);
		json_set_num(o, "ips_per_peak_tops", r->eff.ips_per_peak_tops);
		json_set_num(o, "ips_per_gbs", r->eff.ips_per_gbs);
		json_set_num(o, "ips_per_llc_mib", r->eff.ips_per_llc_mib);
		json_set_num(o, "ips_per_core", r->eff.ips_per_core);
		json_array_append_new(runs, o);
	}
	for (i = 0; i < m->nhosts; i++) {
		const struct machines_host *h = &m->hosts[i];
		json_t *o = json_object(), *ceil = json_array();

		json_set_int(o, "machine", i + 1);
		json_set_str(o, "cpu_model", h->rec->cpu_model);
		json_set_int(o, "cores", h->rec->cores);
		json_set_int(o, "pus", h->rec->pus);
		json_set_str(o, "hostname", h->rec->hostname);
		json_set_str(o, "file", h->file);
		json_set_num(o, "llc_mib", h->llc_mib);
		json_set_str(o, "llc_source", h->llc_source);
		for (j = 0; j < h->nceil; j++) {
			json_t *c = json_object();

			json_set_str(c, "precision", h->ceil[j].precision);
			json_set_int(c, "cores", h->ceil[j].cores);
			json_set_num(c, "peak_gops", h->ceil[j].peak_gops);
			json_set_num(c, "bw_gbs", h->ceil[j].bw_gbs);
			json_set_str(c, "peak_source", h->ceil[j].peak_source);
			json_set_str(c, "bw_source", h->ceil[j].bw_source);
			json_array_append_new(ceil, c);
		}
		json_object_set_new(o, "ceilings", ceil);
		if (!h->nceil)
			json_set_str(o, "note", h->note);
		json_array_append_new(hosts, o);
	}
	json_object_set_new(root, "runs", runs);
	json_object_set_new(root, "machines", hosts);
	return root;
}

int machines_render(const struct machines_cmp *m, FILE *fp, enum cp_format fmt)
{
	if (fmt == FMT_JSON)
		return json_print(to_json(m), fp);
	runs_table(m, fp, fmt);
	if (fmt == FMT_TEXT) {
		fputc('\n', fp);
		hosts_text(m, fp);
	}
	return ferror(fp) ? -EIO : 0;
}
