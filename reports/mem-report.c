// SPDX-License-Identifier: MIT
/* convprof mem's text, CSV and JSON (reports/mem-report.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reports/mem-report.h"
#include "util/json.h"
#include "util/util.h"

/* 25557032 -> "25,557,032" */
static char *fmt_grouped(char *buf, size_t len, uint64_t v)
{
	char digits[32];
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void size_name(char *buf, size_t len, const struct mem_result *r)
{
	snprintf(buf, len, "%dx%d", r->w, r->h);
}

/* "fits L3 (32 MiB)", "exceeds L3 (32 MiB)" */
static const char *verdict(char *buf, size_t len, const struct mem_caches *c, uint64_t bytes)
{
	const char *where = mem_fits(c, bytes);
	char sz[32];

	if (strcmp(where, "unknown") == 0)
		snprintf(buf, len, "cache sizes unknown (hwloc describes none)");
	else if (strcmp(where, "DRAM") == 0)
		snprintf(buf, len, "exceeds %s (%s)", c->l3 ? "L3" : "L2",
			 fmt_bytes(sz, sizeof(sz), c->l3 ? c->l3 : c->l2));
	else
		snprintf(buf, len, "fits %s (%s)", where,
			 fmt_bytes(sz, sizeof(sz), strcmp(where, "L2") == 0 ? c->l2 : c->l3));
	return buf;
}

static void print_text_one(const struct mem_study *st, const struct mem_result *r, FILE *fp)
{
	const struct model *m = st->m;
	char a[32], b[32], c[32], d[32], v[96];
	struct table *t = table_new();
	int i;

	fprintf(fp, "%s at %dx%d, batch %d, %s (%d byte%s per element); this machine: L2 %s, L3 %s\n\n",
	       m->name, r->w, r->h, st->batch, st->precision, st->elsize,
	       st->elsize == 1 ? "" : "s",
	       st->caches.l2 ? fmt_bytes(a, sizeof(a), st->caches.l2) : "unknown",
	       st->caches.l3 ? fmt_bytes(b, sizeof(b), st->caches.l3) : "unknown");
	table_add_column(t, "index", ALIGN_RIGHT);
	table_add_column(t, "name", ALIGN_LEFT);
	table_add_column(t, "kind", ALIGN_LEFT);
	table_add_column(t, "out_shape", ALIGN_RIGHT);
	table_add_column(t, "MFLOPs", ALIGN_RIGHT);
	table_add_column(t, "weights", ALIGN_RIGHT);
	table_add_column(t, "in", ALIGN_RIGHT);
	table_add_column(t, "out", ALIGN_RIGHT);
	table_add_column(t, "live", ALIGN_RIGHT);
	table_add_column(t, "fits", ALIGN_LEFT);
	for (i = 0; i < m->n; i++) {
		const struct mem_layer *l = &r->layers[i];

		table_add_row(t);
		table_set(t, 0, "%d", i);
		table_set(t, 1, "%s", m->layers[i].name);
		table_set(t, 2, "%s", layer_kind_name(m->layers[i].kind));
		table_set(t, 3, "%dx%dx%d", l->out.c, l->out.h, l->out.w);
		table_set(t, 4, "%.1f", (double)l->flops / 1e6);
		table_set(t, 5, "%s", l->weight_bytes ? fmt_bytes(a, sizeof(a), l->weight_bytes) : "-");
		table_set(t, 6, "%s", fmt_bytes(b, sizeof(b), l->in_bytes));
		table_set(t, 7, "%s", fmt_bytes(c, sizeof(c), l->out_bytes));
		table_set(t, 8, "%s", fmt_bytes(d, sizeof(d), l->live_bytes));
		table_set(t, 9, "%s", l->fits);
	}
	table_print(t, fp, FMT_TEXT, 0);
	table_free(t);

	fprintf(fp, "\n  parameters          %s, %s of weights: %s\n",
	       fmt_grouped(c, sizeof(c), r->params), fmt_bytes(a, sizeof(a), r->weight_bytes),
	       verdict(v, sizeof(v), &st->caches, r->weight_bytes));
	fprintf(fp, "  FLOPs               %.3f G (2 x multiply-adds, conv and connected)\n",
	       (double)r->flops / 1e9);
	fprintf(fp, "  largest in+out      %s at %s: %s\n", fmt_bytes(a, sizeof(a), r->max_in_out),
	       m->layers[r->max_in_out_layer].name,
	       verdict(v, sizeof(v), &st->caches, r->max_in_out));
	fprintf(fp, "  peak live           %s at %s: %s\n", fmt_bytes(a, sizeof(a), r->peak_live),
	       m->layers[r->peak_layer].name,
	       verdict(v, sizeof(v), &st->caches, r->peak_live));
	fprintf(fp, "  largest activation  %s, output of %s\n", fmt_bytes(a, sizeof(a), r->max_act),
	       m->layers[r->max_act_layer].name);
}

static void print_csv(const struct mem_study *st, FILE *fp)
{
	static const char *const cols[] = {
		"size", "index", "name", "stage", "kind", "out_c", "out_h", "out_w",
		"flops", "params", "weight_bytes", "in_bytes", "out_bytes",
		"live_bytes", "fits",
	};
	const struct model *m = st->m;
	struct table *t = table_new();
	char size[32];
	size_t c;
	int s, i;

	for (c = 0; c < ARRAY_SIZE(cols); c++)
		table_add_column(t, cols[c], ALIGN_LEFT);
	for (s = 0; s < st->n; s++) {
		const struct mem_result *r = &st->res[s];

		size_name(size, sizeof(size), r);
		for (i = 0; i < m->n; i++) {
			const struct mem_layer *l = &r->layers[i];

			table_add_row(t);
			table_set(t, 0, "%s", size);
			table_set(t, 1, "%d", i);
			table_set(t, 2, "%s", m->layers[i].name);
			table_set(t, 3, "%s", m->layers[i].stage);
			table_set(t, 4, "%s", layer_kind_name(m->layers[i].kind));
			table_set(t, 5, "%d", l->out.c);
			table_set(t, 6, "%d", l->out.h);
			table_set(t, 7, "%d", l->out.w);
			table_set(t, 8, "%llu", (unsigned long long)l->flops);
			table_set(t, 9, "%llu", (unsigned long long)m->layers[i].params);
			table_set(t, 10, "%llu", (unsigned long long)l->weight_bytes);
			table_set(t, 11, "%llu", (unsigned long long)l->in_bytes);
			table_set(t, 12, "%llu", (unsigned long long)l->out_bytes);
			table_set(t, 13, "%llu", (unsigned long long)l->live_bytes);
			table_set(t, 14, "%s", l->fits);
		}
	}
	table_print(t, fp, FMT_CSV, 0);
	table_free(t);
}

static json_t *json_one(const struct mem_study *st, const struct mem_result *r)
{
	const struct model *m = st->m;
	json_t *o = json_object(), *layers = json_array();
	char size[32];
	int i;

	size_name(size, sizeof(size), r);
	json_set_str(o, "model", m->name);
	json_set_str(o, "size", size);
	json_set_int(o, "width", r->w);
	json_set_int(o, "height", r->h);
	json_set_int(o, "batch", st->batch);
	json_set_str(o, "precision", st->precision);
	json_set_int(o, "element_bytes", st->elsize);
	json_set_int(o, "params", (long long)r->params);
	json_set_int(o, "weight_bytes", (long long)r->weight_bytes);
	json_set_int(o, "flops", (long long)r->flops);
	json_set_int(o, "max_in_out_bytes", (long long)r->max_in_out);
	json_set_str(o, "max_in_out_layer", m->layers[r->max_in_out_layer].name);
	json_set_int(o, "peak_live_bytes", (long long)r->peak_live);
	json_set_str(o, "peak_live_layer", m->layers[r->peak_layer].name);
	json_set_int(o, "max_activation_bytes", (long long)r->max_act);
	json_set_str(o, "max_activation_layer", m->layers[r->max_act_layer].name);
	if (st->caches.l2)
		json_set_int(o, "l2_bytes", (long long)st->caches.l2);
	else
		json_object_set_new(o, "l2_bytes", json_null());
	if (st->caches.l3)
		json_set_int(o, "l3_bytes", (long long)st->caches.l3);
	else
		json_object_set_new(o, "l3_bytes", json_null());
	for (i = 0; i < m->n; i++) {
		const struct mem_layer *l = &r->layers[i];
		json_t *jl = json_object(), *shape = json_array();

		json_set_int(jl, "index", i);
		json_set_str(jl, "name", m->layers[i].name);
		json_set_str(jl, "stage", m->layers[i].stage);
		json_set_str(jl, "kind", layer_kind_name(m->layers[i].kind));
		json_array_append_new(shape, json_integer(l->out.c));
		json_array_append_new(shape, json_integer(l->out.h));
		json_array_append_new(shape, json_integer(l->out.w));
		json_object_set_new(jl, "out_shape", shape);
		json_set_int(jl, "flops", (long long)l->flops);
		json_set_int(jl, "params", (long long)m->layers[i].params);
		json_set_int(jl, "weight_bytes", (long long)l->weight_bytes);
		json_set_int(jl, "in_bytes", (long long)l->in_bytes);
		json_set_int(jl, "out_bytes", (long long)l->out_bytes);
		json_set_int(jl, "live_bytes", (long long)l->live_bytes);
		json_set_str(jl, "fits", l->fits);
		json_array_append_new(layers, jl);
	}
	json_object_set_new(o, "layers", layers);
	return o;
}

static int print_json(const struct mem_study *st, FILE *fp)
{
	json_t *arr, *root;
	int s;

	if (st->n == 1) {
		return json_print(json_one(st, &st->res[0]), fp);
	}
	root = json_object();
	arr = json_array();
	for (s = 0; s < st->n; s++)
		json_array_append_new(arr, json_one(st, &st->res[s]));
	json_object_set_new(root, "results", arr);
	return json_print(root, fp);
}

int mem_print(const struct mem_study *st, FILE *fp, enum cp_format fmt)
{
	int s;

	/* the names printed are the same at every size; the shapes are saved */
	if (fmt == FMT_JSON)
		return print_json(st, fp);
	if (fmt == FMT_CSV) {
		print_csv(st, fp);
	} else {
		for (s = 0; s < st->n; s++) {
			if (s)
				fputc('\n', fp);
			print_text_one(st, &st->res[s], fp);
		}
	}
	return ferror(fp) ? -EIO : 0;
}
