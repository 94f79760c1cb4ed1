// SPDX-License-Identifier: MIT
/*
 * convprof mem: the memory study of a model without running it. For every
 * layer the bytes it reads and writes and whether its working set fits this
 * machine's L2 or L3; for the model its weights, the largest input+output
 * pair and the peak of activations that must be alive at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "reports/json-out.h"
#include "workloads/model.h"
#include "cli/parse-options.h"
#include "core/pin.h"
#include "reports/table.h"
#include "util/util.h"

/* model.c bounds a layer so that this many images still fit 64 bits */
#define MEM_MAX_BATCH 4096

struct mem_opts {
	const char *cfg;
	const char *sizes;
	const char *precision;
	int batch;
	const char *format;
};

struct mem_caches {
	uint64_t l2, l3;	/* one instance, bytes; 0 when hwloc has none */
};

struct mem_layer {
	struct shape out;
	uint64_t flops, weight_bytes, in_bytes, out_bytes, live_bytes;
	const char *fits;
};

/* One model at one size. */
struct mem_result {
	int w, h;
	uint64_t params, weight_bytes, flops;
	uint64_t max_in_out, peak_live, max_act;
	int max_in_out_layer, peak_layer, max_act_layer;
	struct mem_layer *layers;
};

struct mem_study {
	const struct model *m;
	const char *precision;
	int elsize, batch;
	struct mem_caches caches;
	int n;
	struct mem_result *res;
};

static const char *const mem_usage[] = {
	"convprof mem [<options>] <model>",
	"convprof mem [<options>] --cfg <file>",
	"",
	"The memory study: weights, input and output bytes of every layer, the",
	"largest input+output pair and the peak of live activations, and which",
	"of this machine's caches each layer's working set fits. No inference",
	"runs. <model> is resnet50, yolov3 or a darknet cfg file.",
	NULL,
};

static int element_size(const char *precision)
{
	return strcmp(precision, "int8") == 0 ? 1 : strcmp(precision, "bf16") == 0 ? 2 : 4;
}

static const char *fits_in(const struct mem_caches *c, uint64_t bytes)
{
	if (!c->l2 && !c->l3)
		return "unknown";
	if (c->l2 && bytes <= c->l2)
		return "L2";
	if (c->l3 && bytes <= c->l3)
		return "L3";
	return "DRAM";
}

static uint64_t tensor_bytes(const struct shape *s, int batch, int elsize)
{
	return (uint64_t)s->c * (uint64_t)s->h * (uint64_t)s->w *
	       (uint64_t)batch * (uint64_t)elsize;
}

/*
 * Which tensor holds layer @i's output: a one-layer route and a yolo layer
 * only name their input (-1: the model's input), every other layer writes
 * a tensor of its own.
 */
static int storage_of(const struct model *m, const int *owner, int i)
{
	const struct layer *l = &m->layers[i];

	if (l->kind == LK_ROUTE && l->nroutes == 1)
		return owner[l->routes[0]];
	if (l->kind == LK_YOLO)
		return i ? owner[i - 1] : -1;
	return i;
}

/*
 * Liveness: a tensor is alive from the layer that writes it to the last
 * layer that reads it or an alias of it; the input only until its readers
 * ran. live_bytes of layer j is everything alive while j runs.
 */
static void study_liveness(const struct model *m, const struct mem_study *st,
			   struct mem_result *r)
{
	int *owner = xcalloc((size_t)m->n, sizeof(int));
	int *end = xcalloc((size_t)m->n, sizeof(int));
	int i, j, o, input_end = 0;
	uint64_t input = tensor_bytes(&m->input, st->batch, st->elsize);

	for (i = 0; i < m->n; i++) {
		owner[i] = storage_of(m, owner, i);
		end[i] = -1;
	}
	for (i = 0; i < m->n; i++) {
		o = owner[i];
		if (o < 0)
			input_end = MAX(input_end, m->layers[i].last_use);
		else
			end[o] = MAX(end[o], m->layers[i].last_use);
	}
	for (j = 0; j < m->n; j++) {
		uint64_t live = j <= input_end ? input : 0;

		for (o = 0; o <= j; o++)
			if (owner[o] == o && end[o] >= j)
				live += r->layers[o].out_bytes;
		r->layers[j].live_bytes = live;
		if (live > r->peak_live) {
			r->peak_live = live;
			r->peak_layer = j;
		}
	}
	free(owner);
	free(end);
}

static void study_one(const struct model *m, const struct mem_study *st,
		      struct mem_result *r)
{
	int i, k, n, idx[MODEL_MAX_ROUTES];

	r->w = m->input.w;
	r->h = m->input.h;
	r->layers = xcalloc((size_t)m->n, sizeof(*r->layers));
	for (i = 0; i < m->n; i++) {
		const struct layer *l = &m->layers[i];
		struct mem_layer *ml = &r->layers[i];

		ml->out = l->out;
		ml->flops = l->flops * (uint64_t)st->batch;
		ml->weight_bytes = l->params * (uint64_t)st->elsize;
		ml->out_bytes = tensor_bytes(&l->out, st->batch, st->elsize);
		/* every tensor the layer reads: both addends, every routed layer */
		n = model_layer_inputs(m, i, idx);
		for (k = 0; k < n; k++)
			ml->in_bytes += tensor_bytes(idx[k] < 0 ? &m->input : &m->layers[idx[k]].out,
						     st->batch, st->elsize);
		ml->fits = fits_in(&st->caches, ml->weight_bytes + ml->in_bytes + ml->out_bytes);

		r->params += l->params;
		r->weight_bytes += ml->weight_bytes;
		r->flops += ml->flops;
		if (ml->in_bytes + ml->out_bytes > r->max_in_out) {
			r->max_in_out = ml->in_bytes + ml->out_bytes;
			r->max_in_out_layer = i;
		}
		if (ml->out_bytes > r->max_act) {
			r->max_act = ml->out_bytes;
			r->max_act_layer = i;
		}
	}
	study_liveness(m, st, r);
}

static void caches_probe(struct mem_caches *c)
{
	hwloc_topology_t topo = NULL;
	struct topo_summary s;

	memset(c, 0, sizeof(*c));
	if (topology_load(&topo, NULL, NULL))
		return;
	topology_summarize(topo, &s);
	c->l2 = topo_cache_size(&s, 2);
	c->l3 = topo_cache_size(&s, 3);
	hwloc_topology_destroy(topo);
}

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
	const char *where = fits_in(c, bytes);
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

static void print_text_one(const struct mem_study *st, const struct mem_result *r)
{
	const struct model *m = st->m;
	char a[32], b[32], c[32], d[32], v[96];
	struct table *t = table_new();
	int i;

	printf("%s at %dx%d, batch %d, %s (%d byte%s per element); this machine: L2 %s, L3 %s\n\n",
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
	table_print(t, stdout, FMT_TEXT, 0);
	table_free(t);

	printf("\n  parameters          %s, %s of weights: %s\n",
	       fmt_grouped(c, sizeof(c), r->params), fmt_bytes(a, sizeof(a), r->weight_bytes),
	       verdict(v, sizeof(v), &st->caches, r->weight_bytes));
	printf("  FLOPs               %.3f G (2 x multiply-adds, conv and connected)\n",
	       (double)r->flops / 1e9);
	printf("  largest in+out      %s at %s: %s\n", fmt_bytes(a, sizeof(a), r->max_in_out),
	       m->layers[r->max_in_out_layer].name,
	       verdict(v, sizeof(v), &st->caches, r->max_in_out));
	printf("  peak live           %s at %s: %s\n", fmt_bytes(a, sizeof(a), r->peak_live),
	       m->layers[r->peak_layer].name,
	       verdict(v, sizeof(v), &st->caches, r->peak_live));
	printf("  largest activation  %s, output of %s\n", fmt_bytes(a, sizeof(a), r->max_act),
	       m->layers[r->max_act_layer].name);
}

static void print_csv(const struct mem_study *st)
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
	table_print(t, stdout, FMT_CSV, 0);
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

static void print_json(const struct mem_study *st)
{
	json_t *arr, *root;
	int s;

	if (st->n == 1) {
		json_print(json_one(st, &st->res[0]), stdout);
		return;
	}
	root = json_object();
	arr = json_array();
	for (s = 0; s < st->n; s++)
		json_array_append_new(arr, json_one(st, &st->res[s]));
	json_object_set_new(root, "results", arr);
	json_print(root, stdout);
}

/* "224,416x320" -> sizes; every item is checked before anything runs */
static int parse_sizes(const char *list, int **ws, int **hs)
{
	char *copy = xstrdup(list), *tok = copy, *comma;
	int n = 0;

	*ws = NULL;
	*hs = NULL;
	for (; tok; tok = comma ? comma + 1 : NULL) {
		comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		*ws = xrealloc(*ws, sizeof(int) * (size_t)(n + 1));
		*hs = xrealloc(*hs, sizeof(int) * (size_t)(n + 1));
		if (parse_size(tok, &(*ws)[n], &(*hs)[n])) {
			usage_error(mem_usage, "bad size '%s' (expected N or WxH, 1 to %d)",
				    tok, MODEL_MAX_SIZE);
			free(*ws);
			free(*hs);
			*ws = *hs = NULL;
			n = -1;
			break;
		}
		n++;
	}
	free(copy);
	return n;
}

int cmd_mem(int argc, const char **argv)
{
	struct mem_opts o = { .precision = "f32", .batch = 1, .format = "text" };
	const struct option options[] = {
		OPT_STRING(0, "cfg", &o.cfg, "<file>", "a darknet cfg instead of a built-in model"),
		OPT_STRING('s', "size", &o.sizes, "<list>",
			   "input sizes, N or WxH, comma-separated (default: the cfg's)"),
		OPT_INTEGER('b', "batch", &o.batch, 1, MEM_MAX_BATCH, "<n>",
			    "images per batch (default 1)"),
		OPT_CHOICE('p', "precision", &o.precision, precision_choices, "<p>",
			   "element size: f32 (4 bytes, default), bf16 (2) or int8 (1)"),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct mem_study st = { .n = 0 };
	struct model m = { .n = 0 };
	int *ws = NULL, *hs = NULL, nsizes = 1, nargs, err, s, ret = 1;
	enum cp_format fmt;

	nargs = parse_options(argc, argv, options, mem_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 1)
		return usage_error(mem_usage, "unexpected argument '%s'", argv[1]);
	if (nargs == 1 && o.cfg)
		return usage_error(mem_usage, "give a model or --cfg, not both");
	if (nargs == 0 && !o.cfg)
		return usage_error(mem_usage, "missing model (resnet50, yolov3 or --cfg <file>)");
	if (o.sizes) {
		nsizes = parse_sizes(o.sizes, &ws, &hs);
		if (nsizes < 0)
			return EXIT_USAGE;
	}
	fmt = format_from_string(o.format);

	err = o.cfg ? model_load_file(o.cfg, &m) : model_load(argv[0], &m);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		goto out;
	}
	st.m = &m;
	st.precision = o.precision;
	st.elsize = element_size(o.precision);
	st.batch = o.batch;
	caches_probe(&st.caches);
	st.res = xcalloc((size_t)nsizes, sizeof(*st.res));
	/* every size is shaped before anything is printed: no half tables */
	for (s = 0; s < nsizes; s++) {
		err = model_shape(&m, ws ? ws[s] : 0, hs ? hs[s] : 0, o.batch);
		if (err) {
			cp_die_msg("%s", cp_strerror(err));
			goto out;
		}
		study_one(&m, &st, &st.res[st.n++]);
	}
	/* the names printed are the same at every size; the shapes are saved */
	if (fmt == FMT_JSON) {
		print_json(&st);
	} else if (fmt == FMT_CSV) {
		print_csv(&st);
	} else {
		for (s = 0; s < st.n; s++) {
			if (s)
				putchar('\n');
			print_text_one(&st, &st.res[s]);
		}
	}
	ret = 0;
out:
	for (s = 0; s < st.n; s++)
		free(st.res[s].layers);
	free(st.res);
	free(ws);
	free(hs);
	model_release(&m);
	return ret;
}
