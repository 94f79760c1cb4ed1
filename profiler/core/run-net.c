// SPDX-License-Identifier: MIT
/* Glue between the oneDNN net and the runner / the run record. */
#include <string.h>

#include "core/run-net.h"
#include "util/util.h"

static int exec_net_op(void *ctx, int op)
{
	return net_exec_op(ctx, op);
}

static const struct tensor_ref *net_op_tensors(void *ctx, int op)
{
	struct net *net = ctx;

	return net->ops[op].tensors;
}

void workload_from_net(struct workload *w, struct net *net)
{
	memset(w, 0, sizeof(*w));
	w->nops = net->nops;
	w->exec = exec_net_op;
	w->ctx = net;
	w->tensors = net_op_tensors;
}

void run_fill_layers(struct cp_run *run, const struct net *net)
{
	int i;

	run->op_count = net->nops;
	run->reorder_count = 0;
	for (i = 0; i < net->nops && i < run->nlayers; i++) {
		const struct net_op *op = &net->ops[i];
		struct cp_layer_rec *l = &run->layers[i];

		l->index = i;
		snprintf(l->name, sizeof(l->name), "%s", op->name);
		snprintf(l->kind, sizeof(l->kind), "%s", op->kind);
		snprintf(l->stage, sizeof(l->stage), "%s", op->stage);
		snprintf(l->post_ops, sizeof(l->post_ops), "%s", op->post_ops);
		snprintf(l->layout, sizeof(l->layout), "%s", op->src_fmt);
		snprintf(l->wei_fmt, sizeof(l->wei_fmt), "%s", op->wei_fmt);
		snprintf(l->dst_fmt, sizeof(l->dst_fmt), "%s", op->dst_fmt);
		snprintf(l->impl, sizeof(l->impl), "%s", op->impl);
		snprintf(l->dtype, sizeof(l->dtype), "%s", op->dtype);
		l->is_ref = op->is_ref;
		l->cfg_layer = op->layer;
		l->flops = op->flops;
		/* the cfg layer's parameters (BN included) go to its main op only,
		 * so that the rows add up to the model's count */
		if (op->layer >= 0 && op->layer < net->model.n &&
		    strcmp(op->name, net->model.layers[op->layer].name) == 0 &&
		    (strcmp(op->kind, "conv") == 0 || strcmp(op->kind, "fc") == 0))
			l->params = net->model.layers[op->layer].params;
		l->weight_bytes = op->weight_bytes;
		l->in_bytes = op->in_bytes;
		l->out_bytes = op->out_bytes;
		l->scratchpad_bytes = op->scratchpad_bytes;
		memcpy(l->in_dims, op->in_dims, sizeof(l->in_dims));
		memcpy(l->out_dims, op->out_dims, sizeof(l->out_dims));
		l->kernel = op->kernel;
		l->stride = op->stride;
		l->pad = op->pad;
		if (strcmp(op->kind, "reorder") == 0)
			run->reorder_count++;
	}
}
