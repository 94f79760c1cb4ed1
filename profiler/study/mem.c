// SPDX-License-Identifier: MIT
/*
 * convprof mem's numbers (study/mem.h): bytes per layer, cache fit, the
 * model's weights and the peak of live activations.
 */
#include <stdlib.h>
#include <string.h>

#include "core/pin.h"
#include "study/mem.h"
#include "workloads/graph.h"
#include "util/util.h"

int mem_element_size(const char *precision)
{
	return strcmp(precision, "int8") == 0 ? 1 : strcmp(precision, "bf16") == 0 ? 2 : 4;
}

const char *mem_fits(const struct mem_caches *c, uint64_t bytes)
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
 * Liveness: a tensor is alive from the layer that writes it to the last
 * layer that reads it or an alias of it (graph_last_reads()); the input only
 * until its readers ran. live_bytes of layer j is everything alive while j
 * runs.
 */
static void study_liveness(const struct model *m, const struct mem_study *st,
			   struct mem_result *r)
{
	int *last = xcalloc((size_t)m->n + 1, sizeof(int));
	int j, o;
	uint64_t input = tensor_bytes(&m->input, st->batch, st->elsize);

	graph_last_reads(m, last);
	for (j = 0; j < m->n; j++) {
		uint64_t live = j <= last[m->n] ? input : 0;

		for (o = 0; o <= j; o++)
			if (!graph_is_alias(&m->layers[o]) && last[o] >= j)
				live += r->layers[o].out_bytes;
		r->layers[j].live_bytes = live;
		if (live > r->peak_live) {
			r->peak_live = live;
			r->peak_layer = j;
		}
	}
	free(last);
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
		n = graph_inputs(m, i, idx);
		for (k = 0; k < n; k++)
			ml->in_bytes += tensor_bytes(idx[k] < 0 ? &m->input : &m->layers[idx[k]].out,
						     st->batch, st->elsize);
		ml->fits = mem_fits(&st->caches, ml->weight_bytes + ml->in_bytes + ml->out_bytes);

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

void mem_caches_probe(struct mem_caches *c)
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

void mem_study_init(struct mem_study *st, const struct model *m, const char *precision,
		    int batch, const struct mem_caches *caches)
{
	memset(st, 0, sizeof(*st));
	st->m = m;
	st->precision = precision;
	st->elsize = mem_element_size(precision);
	st->batch = batch;
	st->caches = *caches;
}

void mem_study_add(struct mem_study *st)
{
	st->res = xrealloc(st->res, (size_t)(st->n + 1) * sizeof(*st->res));
	memset(&st->res[st->n], 0, sizeof(*st->res));
	study_one(st->m, st, &st->res[st->n]);
	st->n++;
}

void mem_study_release(struct mem_study *st)
{
	int s;

	for (s = 0; s < st->n; s++)
		free(st->res[s].layers);
	free(st->res);
	memset(st, 0, sizeof(*st));
}
