/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_GRAPH_H
#define CONVPROF_GRAPH_H

#include <limits.h>

#include "workloads/model.h"

/*
 * The layer graph of a model, written once for everything that walks it:
 * shaping (model.c), the oneDNN net's plan (net-plan.c) and the memory study
 * (study/mem.c). Layer indices are the model's; -1 is the model's input.
 *
 * A tensor is named by the layer that writes it. Some layers write none: a
 * single-input route and a yolo layer are another name for the tensor they
 * read (an alias); graph_resolve() follows aliases to the tensor.
 */

/* A tensor read until the end of the inference: a result of the model. */
#define GRAPH_FOREVER INT_MAX

/*
 * The layers whose outputs layer @i reads, in order, into @idx: the previous
 * layer for most kinds, both addends of a shortcut (previous, then from),
 * every source of a route; -1 stands for the model's input. Returns the count.
 */
int graph_inputs(const struct model *m, int i, int idx[MODEL_MAX_ROUTES]);

/* Whether @l only names the tensor it reads (one-input route, yolo). */
int graph_is_alias(const struct layer *l);

/* The layer whose tensor layer @j's output is, aliases followed; -1: the input. */
int graph_resolve(const struct model *m, int j);

/* graph_resolve() as an index for arrays of m->n + 1: the input is m->n. */
int graph_tensor(const struct model *m, int j);

/*
 * The tensors that are the model's results, resolved (m->n: the input), into
 * @outs (room for m->n): every yolo layer's input, else the last layer.
 * Returns the count.
 */
int graph_outputs(const struct model *m, int *outs);

/*
 * Liveness, into @last[m->n + 1]: for the tensor of layer r (r = m->n: the
 * model's input), the last layer that reads it, through any alias; r itself
 * when nothing does (-1 for an input nothing reads); GRAPH_FOREVER for the
 * model's results. Alias layers read nothing themselves.
 */
void graph_last_reads(const struct model *m, int *last);

#endif
