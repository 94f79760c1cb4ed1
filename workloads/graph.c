// SPDX-License-Identifier: MIT
/*
 * Who reads whom in a model's layer graph, which layers are aliases, how
 * long each tensor lives: the one implementation the shapes, the net and
 * the memory study share (graph.h).
 */
#include <stdlib.h>

#include "workloads/graph.h"
#include "util/util.h"

int graph_inputs(const struct model *m, int i, int idx[MODEL_MAX_ROUTES])
{
	const struct layer *l = &m->layers[i];
	int k;

	switch (l->kind) {
	case LK_ROUTE:
		for (k = 0; k < l->nroutes; k++)
			idx[k] = l->routes[k];
		return l->nroutes;
	case LK_SHORTCUT:
		idx[0] = i - 1;
		idx[1] = l->from;
		return 2;
	default:
		idx[0] = i - 1;
		return 1;
	}
}

int graph_is_alias(const struct layer *l)
{
	return (l->kind == LK_ROUTE && l->nroutes == 1) || l->kind == LK_YOLO;
}

int graph_resolve(const struct model *m, int j)
{
	while (j >= 0 && graph_is_alias(&m->layers[j]))
		j = m->layers[j].kind == LK_ROUTE ? m->layers[j].routes[0] : j - 1;
	return j;
}

int graph_tensor(const struct model *m, int j)
{
	j = graph_resolve(m, j);
	return j < 0 ? m->n : j;
}

int graph_outputs(const struct model *m, int *outs)
{
	int i, n = 0;

	for (i = 0; i < m->n; i++)
		if (m->layers[i].kind == LK_YOLO)
			outs[n++] = graph_tensor(m, i - 1);
	if (!n)
		outs[n++] = graph_tensor(m, m->n - 1);
	return n;
}

void graph_last_reads(const struct model *m, int *last)
{
	int n = m->n, i, k, nin, in[MODEL_MAX_ROUTES];
	int *outs = xcalloc((size_t)n + 1, sizeof(int));

	for (i = 0; i <= n; i++)
		last[i] = i < n ? i : -1;
	for (i = 0; i < n; i++) {
		if (graph_is_alias(&m->layers[i]))
			continue;
		nin = graph_inputs(m, i, in);
		for (k = 0; k < nin; k++) {
			int r = graph_tensor(m, in[k]);

			if (last[r] < i)
				last[r] = i;
		}
	}
	nin = graph_outputs(m, outs);
	for (k = 0; k < nin; k++)
		last[outs[k]] = GRAPH_FOREVER;
	free(outs);
}
