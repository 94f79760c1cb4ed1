// SPDX-License-Identifier: MIT
/*
 * A run, or two, as one HTML file a person opens and reads: the tables of
 * the text report with every layer, and the flame graph and roofline drawn
 * inline. No network and no external file, so the page can be mailed or
 * attached to a ticket; the tables read without JavaScript, and a few
 * lines of inline script sort them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart.h"
#include "reports/flamegraph.h"
#include "reports/folded.h"
#include "reports/html.h"
#include "reports/recording.h"
#include "reports/render-int.h"
#include "reports/svg.h"
#include "util/util.h"

static const char page_style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\n"
	"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}\n"
	"pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}\n"
	"table{border-collapse:collapse;margin:.3em 0}\n"
	"th,td{padding:2px 8px;border-bottom:1px solid #e4e4e4;text-align:left;white-space:nowrap}\n"
	"th{background:#f0f0f0;position:sticky;top:0}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tfoot td{font-weight:bold;border-top:2px solid #bbb}\n"
	"tr.ref td{background:#fde2e2}\n"
	".js th.s{cursor:pointer}.js th.s:hover{background:#e2e8f0}\n"
	"th.up::after{content:' \\25B2'}th.down::after{content:' \\25BC'}\n"
	".note{color:#555}svg{max-width:100%;height:auto}\n";

/*
 * Click a header to sort by it (numbers by data-v, largest first; text
 * A to Z; click again to reverse); "#sort=<column>" sorts on load.
 */
static const char page_script[] =
	"document.documentElement.className='js';\n"
	"function cpSort(th,dir){var tb=th.closest('table').tBodies[0],"
	"i=Array.prototype.indexOf.call(th.parentNode.children,th),"
	"num=th.classList.contains('n'),rows=Array.from(tb.rows);\n"
	" if(!dir)dir=th.classList.contains('down')?1:-1;if(!num)dir=-dir;\n"
	" rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];"
	"if(num){var p=parseFloat(x.dataset.v),q=parseFloat(y.dataset.v);"
	"if(isNaN(p))return 1;if(isNaN(q))return -1;return (p-q)*dir;}"
	"return x.textContent.localeCompare(y.textContent)*dir;});\n"
	" rows.forEach(function(r){tb.appendChild(r);});\n"
	" th.parentNode.querySelectorAll('th').forEach(function(h){h.classList.remove('up','down');});\n"
	" th.classList.add((num?dir<0:dir>0)?'down':'up');}\n"
	"document.querySelectorAll('th.s').forEach(function(th){th.title='click to sort';"
	"th.addEventListener('click',function(){cpSort(th);});});\n"
	"var m=location.hash.match(/^#sort=(.+)$/);if(m){var k=decodeURIComponent(m[1]);"
	"document.querySelectorAll('table.sortable th.s').forEach(function(th){"
	"if(th.dataset.key===k)cpSort(th,-1);});}\n";

static void esc(FILE *fp, const char *s)
{
	svg_escape(fp, s ? s : "", 0);
}

/* Lines of text: each escaped (the escaper makes control characters '?'). */
static void esc_lines(FILE *fp, const char *text)
{
	const char *p = text ? text : "", *nl;

	while (*p) {
		char *line;

		nl = strchrnul(p, '\n');
		line = xcalloc((size_t)(nl - p) + 1, 1);
		memcpy(line, p, (size_t)(nl - p));
		esc(fp, line);
		free(line);
		if (!*nl)
			break;
		fputc('\n', fp);
		p = nl + 1;
	}
}

static void th(FILE *fp, const char *label, int numeric)
{
	fprintf(fp, "<th class=\"s%s\" data-key=\"", numeric ? " n" : "");
	esc(fp, label);
	fputs("\">", fp);
	esc(fp, label);
	fputs("</th>", fp);
}

/* A number: shown as @fmt (NULL: a count with an SI suffix), exact in data-v. */
static void td_num(FILE *fp, double v, const char *fmt)
{
	char buf[64];

	if (isnan(v)) {
		fputs("<td class=\"n\" data-v=\"\">-</td>", fp);
		return;
	}
	if (fmt)
		snprintf(buf, sizeof(buf), fmt, v);
	else
		fmt_si(buf, sizeof(buf), v, 0);
	fprintf(fp, "<td class=\"n\" data-v=\"%.17g\">%s</td>", v, buf);
}

static void td_str(FILE *fp, const char *s)
{
	fputs("<td>", fp);
	esc(fp, s);
	fputs("</td>", fp);
}

/* Lines of text, escaped, as a <pre>. */
static void pre_text(FILE *fp, const char *text)
{
	fputs("<pre>", fp);
	esc_lines(fp, text);
	fputs("</pre>\n", fp);
}

/* An SVG document inline: from its <svg> element on, the XML prolog dropped. */
static void inline_svg(FILE *fp, const char *doc)
{
	const char *s = doc ? strstr(doc, "<svg") : NULL;

	if (s)
		fputs(s, fp);
	fputc('\n', fp);
}

static void page_begin(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"generator\" content=\"convprof\">\n<title>", fp);
	esc(fp, title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", page_style);
	esc(fp, title);
	fputs("</h1>\n", fp);
}

static int page_end(FILE *fp)
{
	fprintf(fp, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
	return ferror(fp) ? -EIO : 0;
}

/* Counters shown as columns: counted, not eBPF, not 0 everywhere. */
static int counter_column(const struct cp_run *run, int ev)
{
	return run->events[ev].supported && !is_ebpf(&run->events[ev]) && !all_zero(run, ev);
}

static void layer_cells(FILE *fp, const struct cp_run *run, int layer)
{
	const struct cp_layer_rec *l = row(run, layer);
	size_t d;
	int i;

	td_num(fp, row_time(run, layer), "%.3f");
	td_num(fp, render_value(run, layer, "share"), "%.1f");
	td_num(fp, l->flops ? render_value(run, layer, "gflops") : NAN, "%.1f");
	for (i = 0; i < run->nevents; i++)
		if (counter_column(run, i))
			td_num(fp, *cp_run_count((struct cp_run *)run, layer, i), NULL);
	for (d = 0; d < RENDER_NDERIVED; d++)
		if (derived_available(run, &derived_metrics[d]))
			td_num(fp, derived_value(run, layer, &derived_metrics[d]), "%.2f");
}

static void layer_table(FILE *fp, const struct cp_run *run)
{
	size_t d;
	int i;

	fputs("<h2>Layers</h2>\n<p class=\"note\">Every layer in execution order; "
	      "click a column to sort.</p>\n<table id=\"layers\" class=\"sortable\">\n"
	      "<thead><tr>", fp);
	th(fp, "#", 1);
	th(fp, "layer", 0);
	th(fp, "kind", 0);
	th(fp, "layout", 0);
	th(fp, "impl", 0);
	th(fp, "time_ms", 1);
	th(fp, "share%", 1);
	th(fp, "GFLOP/s", 1);
	for (i = 0; i < run->nevents; i++)
		if (counter_column(run, i))
			th(fp, run->events[i].name, 1);
	for (d = 0; d < RENDER_NDERIVED; d++)
		if (derived_available(run, &derived_metrics[d]))
			th(fp, derived_metrics[d].name, 1);
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (i = 0; i < run->nlayers; i++) {
		const struct cp_layer_rec *l = &run->layers[i];

		fprintf(fp, "<tr%s>", l->is_ref ? " class=\"ref\" title=\"oneDNN reference kernel (slow)\"" : "");
		td_num(fp, l->index, "%.0f");
		td_str(fp, l->name);
		td_str(fp, l->kind);
		td_str(fp, l->layout);
		td_str(fp, l->impl);
		layer_cells(fp, run, i);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n<tfoot>\n<tr><td></td><td>(other)</td><td>other</td><td></td><td></td>", fp);
	layer_cells(fp, run, run->nlayers);
	fputs("</tr>\n<tr><td></td><td>total</td><td></td><td></td><td></td>", fp);
	td_num(fp, run->latency_ms, "%.3f");
	td_num(fp, 100, "%.1f");
	{
		double flops = 0;

		for (i = 0; i < run->nlayers; i++)
			flops += (double)run->layers[i].flops;
		td_num(fp, flops && run->latency_ms > 0 ?
		       flops / (run->latency_ms * 1e-3) / 1e9 : NAN, "%.1f");
	}
	for (i = 0; i < run->nevents; i++)
		if (counter_column(run, i))
			td_num(fp, run->total_counts[i], NULL);
	for (d = 0; d < RENDER_NDERIVED; d++)
		if (derived_available(run, &derived_metrics[d]))
			td_num(fp, derived_value(run, -1, &derived_metrics[d]), "%.2f");
	fputs("</tr>\n</tfoot>\n</table>\n", fp);
}

static void worker_table(FILE *fp, const struct cp_run *run)
{
	int i, l;

	if (!run->nthreads)
		return;
	fputs("<h2>Workers</h2>\n<table id=\"workers\" class=\"sortable\">\n<thead><tr>", fp);
	th(fp, "worker", 1);
	th(fp, "planned cpu", 0);
	th(fp, "ran on cpus", 0);
	th(fp, "migrations", 1);
	if (run->busy_ms) {
		th(fp, "busy_ms", 1);
		th(fp, "busy%", 1);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (i = 0; i < run->nthreads; i++) {
		const struct cp_thread_rec *r = &run->thread_recs[i];
		char cpu[16] = "any";

		if (r->cpu_planned >= 0)
			snprintf(cpu, sizeof(cpu), "%d", r->cpu_planned);
		fputs("<tr>", fp);
		td_num(fp, r->worker, "%.0f");
		td_str(fp, cpu);
		td_str(fp, r->cpus_actual[0] ? r->cpus_actual : "?");
		td_num(fp, r->migrations, "%.0f");
		if (run->busy_ms) {
			double busy = 0;

			/* a worker's busy time per inference, over every layer and (other) */
			for (l = 0; l <= run->nlayers && !isnan(busy); l++)
				busy += *cp_run_busy((struct cp_run *)run, l, i);
			td_num(fp, busy, "%.3f");
			td_num(fp, run->latency_ms > 0 ? busy / run->latency_ms * 100 : NAN, "%.1f");
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
}

static int ebpf_column(const struct cp_run *run, int ev)
{
	return run->events[ev].supported && is_ebpf(&run->events[ev]) && !all_zero(run, ev);
}

/* The eBPF counts of the layers where one is not 0. */
static void ebpf_table(FILE *fp, const struct cp_run *run)
{
	int i, l, ncol = 0, hidden = 0;

	for (i = 0; i < run->nevents; i++)
		ncol += ebpf_column(run, i);
	if (!ncol)
		return;
	fputs("<h2>eBPF, per inference</h2>\n<table id=\"ebpf\" class=\"sortable\">\n<thead><tr>", fp);
	th(fp, "#", 1);
	th(fp, "layer", 0);
	for (i = 0; i < run->nevents; i++)
		if (ebpf_column(run, i))
			th(fp, run->events[i].name, 1);
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (l = 0; l <= run->nlayers; l++) {
		int nonzero = 0;

		for (i = 0; i < run->nevents; i++) {
			double v = *cp_run_count((struct cp_run *)run, l, i);

			nonzero |= ebpf_column(run, i) && v != 0 && !isnan(v);
		}
		if (!nonzero) {
			hidden += l < run->nlayers;
			continue;
		}
		fputs("<tr>", fp);
		td_num(fp, l < run->nlayers ? run->layers[l].index : NAN, "%.0f");
		td_str(fp, row(run, l)->name);
		for (i = 0; i < run->nevents; i++)
			if (ebpf_column(run, i))
				td_num(fp, *cp_run_count((struct cp_run *)run, l, i), NULL);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n<tfoot><tr><td></td><td>total</td>", fp);
	for (i = 0; i < run->nevents; i++)
		if (ebpf_column(run, i))
			td_num(fp, run->total_counts[i], NULL);
	fputs("</tr></tfoot>\n</table>\n", fp);
	if (hidden)
		fprintf(fp, "<p class=\"note\">%d layer%s with 0 in every eBPF column not shown.</p>\n",
			hidden, hidden == 1 ? "" : "s");
}

/* "zero in every row: ..." as the text report says it */
static void zero_note(FILE *fp, const struct cp_run *run)
{
	int i, n = 0;

	for (i = 0; i < run->nevents; i++) {
		if (!run->events[i].supported || !all_zero(run, i))
			continue;
		fputs(n++ ? ", " : "<p class=\"note\">zero in every row: ", fp);
		esc(fp, run->events[i].name);
	}
	if (n)
		fputs("</p>\n", fp);
}

static void flame_section(FILE *fp, const struct cp_run *run, const struct cp_run *base)
{
	struct folded f, fb;
	struct flame_opts fo = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	fprintf(fp, "<h2>%s</h2>\n", base ? "Differential flame graph (B, coloured by the change from A)"
		: "Flame graph");
	if (folded_build(run, NULL, &f)) {
		fputs("<p class=\"note\">no stacks: ", fp);
		esc(fp, cp_strerror(-1));
		fputs("</p>\n", fp);
		return;
	}
	if (base && folded_build(base, NULL, &fb)) {
		folded_release(&f);
		return;
	}
	mem = open_memstream(&buf, &len);
	if (mem) {
		flamegraph_svg(run, &f, base, base ? &fb : NULL, &fo, mem);
		fclose(mem);
		inline_svg(fp, buf);
	}
	free(buf);
	folded_release(&f);
	if (base)
		folded_release(&fb);
}

static void roofline_section(FILE *fp, const struct html_report *h)
{
	const struct cp_run *run = h->run;
	struct chart chart;
	char title[256], what[160], *buf = NULL;
	size_t len = 0;
	FILE *mem;

	fputs("<h2>Roofline</h2>\n", fp);
	if (!h->roof || !h->ceilings) {
		fputs("<p class=\"note\">roofline: unknown (", fp);
		esc(fp, h->roof_note ? h->roof_note : "the machine's ceilings are not known");
		fputs(")</p>\n", fp);
		return;
	}
	cp_run_title(run, what, sizeof(what));
	snprintf(title, sizeof(title), "%s, %d thread%s: roofline", what, run->threads,
		 run->threads == 1 ? "" : "s");
	roofline_chart(h->roof, h->ceilings, title, 8, &chart);
	mem = open_memstream(&buf, &len);
	if (mem) {
		chart_write_svg(&chart, mem);
		fclose(mem);
		inline_svg(fp, buf);
	}
	free(buf);
	chart_release(&chart);
}

int html_report_write(const struct html_report *h, FILE *fp)
{
	const struct cp_run *run = h->run;
	struct render_opts ro = h->ro ? *h->ro : (struct render_opts){ 0 };
	char title[256], what[160], *buf = NULL;
	size_t len = 0;
	FILE *mem;

	cp_run_title(run, what, sizeof(what));
	snprintf(title, sizeof(title), "convprof: %s", what);
	page_begin(fp, title);
	mem = open_memstream(&buf, &len);
	if (mem) {
		if (h->path)
			recording_print_header(run, h->path, mem);
		render_print_header(run, mem, &ro);
		fclose(mem);
		pre_text(fp, buf);
	}
	free(buf);
	layer_table(fp, run);
	zero_note(fp, run);
	worker_table(fp, run);
	ebpf_table(fp, run);
	flame_section(fp, run, NULL);
	roofline_section(fp, h);
	return page_end(fp);
}

static void diff_cells(FILE *fp, double a, double b, const char *fmt)
{
	char buf[64];

	td_num(fp, a, fmt);
	td_num(fp, b, fmt);
	if (fmt || isnan(b - a))
		td_num(fp, b - a, "%+.3f");
	else
		fprintf(fp, "<td class=\"n\" data-v=\"%.17g\">%s</td>", b - a,
			fmt_si(buf, sizeof(buf), b - a, 1));
	td_num(fp, a != 0 && !isnan(a) ? b / a : NAN, "%.2fx");
}

/* An event 0 in every row of both runs: no columns, named in a note. */
static int diff_ev_zero(const struct diff_view *d, int ev)
{
	return all_zero(d->a, d->c.ev_a[ev]) && all_zero(d->b, d->c.ev_b[ev]);
}

int html_diff_write(const struct diff_view *d, FILE *fp)
{
	const struct cp_run *r[2] = { d->a, d->b };
	const char *lab[2] = { d->la, d->lb };
	struct compare_row other = { d->a->nlayers, d->b->nlayers };
	char title[320];
	int i, e;

	snprintf(title, sizeof(title), "convprof diff: %s", d->summary);
	page_begin(fp, title);
	fputs("<pre>", fp);
	for (i = 0; i < 2; i++) {
		fprintf(fp, "%c (", 'A' + i);
		esc(fp, lab[i]);
		fprintf(fp, "): run %lld, ", (long long)r[i]->id);
		esc(fp, r[i]->time);
		fputs(", ", fp);
		esc(fp, r[i]->model);
		if (r[i]->command_argc)
			fputs(" (a command), ", fp);
		else
			fprintf(fp, " %dx%d, batch %d, ", r[i]->width, r[i]->height, r[i]->batch);
		esc(fp, r[i]->precision);
		fputs(", ", fp);
		esc(fp, r[i]->layout);
		fprintf(fp, ", fusion %s, %d threads, latency %.3f ms%s\n",
			r[i]->fusion ? "on" : "off", r[i]->threads, r[i]->latency_ms,
			r[i]->partial ? " (PARTIAL)" : "");
	}
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		if (mem) {
			diff_print_not_compared(d, mem);
			fclose(mem);
			esc_lines(fp, buf);
		}
		free(buf);
	}
	fputs("</pre>\n<h2>Layers</h2>\n<table id=\"layers\" class=\"sortable\">\n<thead><tr>", fp);
	th(fp, "layer", 0);
	th(fp, "kind", 0);
	th(fp, "ms A", 1);
	th(fp, "ms B", 1);
	th(fp, "ms delta", 1);
	th(fp, "ms B/A", 1);
	for (e = 0; e < d->c.nev; e++) {
		char h[160];
		const char *name = d->a->events[d->c.ev_a[e]].name;

		if (diff_ev_zero(d, e))
			continue;
		snprintf(h, sizeof(h), "%s A", name);
		th(fp, h, 1);
		snprintf(h, sizeof(h), "%s B", name);
		th(fp, h, 1);
		snprintf(h, sizeof(h), "%s delta", name);
		th(fp, h, 1);
		snprintf(h, sizeof(h), "%s B/A", name);
		th(fp, h, 1);
	}
	th(fp, "in", 0);
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (i = 0; i <= d->c.n; i++) {
		const struct compare_row *row = i < d->c.n ? &d->c.rows[i] : &other;
		const struct cp_layer_rec *l = i < d->c.n ? diff_row_layer(d, row) : NULL;

		if (i == d->c.n)
			fputs("</tbody>\n<tfoot>\n", fp);
		fputs("<tr>", fp);
		td_str(fp, l ? l->name : "(other)");
		td_str(fp, l ? l->kind : "other");
		diff_cells(fp, diff_value(d, row, -1, 1), diff_value(d, row, -1, 0), "%.3f");
		for (e = 0; e < d->c.nev; e++)
			if (!diff_ev_zero(d, e))
				diff_cells(fp, diff_value(d, row, e, 1),
					   diff_value(d, row, e, 0), NULL);
		td_str(fp, row->a < 0 ? d->lb : row->b < 0 ? d->la : "both");
		fputs("</tr>\n", fp);
	}
	fputs("<tr><td>total</td><td></td>", fp);
	diff_cells(fp, d->a->latency_ms, d->b->latency_ms, "%.3f");
	for (e = 0; e < d->c.nev; e++)
		if (!diff_ev_zero(d, e))
			diff_cells(fp, d->a->total_counts[d->c.ev_a[e]],
				   d->b->total_counts[d->c.ev_b[e]], NULL);
	fputs("<td>both</td></tr>\n</tfoot>\n</table>\n", fp);
	for (e = 0, i = 0; e < d->c.nev; e++) {
		if (!diff_ev_zero(d, e))
			continue;
		fputs(i++ ? ", " : "<p class=\"note\">zero in every row of both runs: ", fp);
		esc(fp, d->a->events[d->c.ev_a[e]].name);
	}
	if (i)
		fputs("</p>\n", fp);
	flame_section(fp, d->b, d->a);
	return page_end(fp);
}
