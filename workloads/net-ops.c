// SPDX-License-Identifier: MIT
/*
 * The pieces every op is built from: buffers (through the caller's
 * allocator), tensors that share buffers once dead, memory objects, and the
 * op rows themselves with what oneDNN chose for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/net-internal.h"
#include "util/util.h"

#define ALIGN 64

void *buf_data_alloc(struct net *net, size_t bytes)
{
	const struct net_allocator *a = &net->cfg.allocator;
	size_t size = (bytes + ALIGN - 1) / ALIGN * ALIGN;
	void *p;

	if (!size)
		size = ALIGN;
	/*
	 * Not touched here: the first inference faults the pages in, where the
	 * profiler attributes them to the op and tensor that touched them (and
	 * where a NUMA policy set by the allocator places them). Every op writes
	 * all of its output, channel padding of blocked formats included.
	 */
	p = a->alloc ? a->alloc(size, a->ctx) : aligned_alloc(ALIGN, size);
	return p;
}

void buf_data_free(struct net *net, void *ptr, size_t bytes)
{
	const struct net_allocator *a = &net->cfg.allocator;
	size_t size = (bytes + ALIGN - 1) / ALIGN * ALIGN;

	if (!ptr)
		return;
	if (a->free)
		a->free(ptr, size ? size : ALIGN, a->ctx);
	else if (!a->alloc)
		free(ptr);
}

static int buf_add(struct net *net, size_t bytes, int pooled)
{
	struct net_priv *p = net_priv(net);
	struct net_buf *b;
	void *ptr = buf_data_alloc(net, bytes);

	if (!ptr)
		return cp_error(-ENOMEM, "cannot allocate %zu bytes for the net", bytes);
	ALLOC_GROW(p->bufs, p->nbufs + 1, p->alloc_bufs);
	b = &p->bufs[p->nbufs];
	b->ptr = ptr;
	b->bytes = bytes;
	b->refs = 1;
	b->pooled = pooled;
	return p->nbufs++;
}

/* A buffer that lives as long as the net: weights, the input, the output. */
int buf_fixed(struct net *net, size_t bytes)
{
	return buf_add(net, bytes, 0);
}

/* The smallest dead activation buffer that fits, else a new one. */
static int buf_acquire(struct net *net, size_t bytes)
{
	struct net_priv *p = net_priv(net);
	int i, best = -1;

	for (i = 0; i < p->nbufs; i++) {
		struct net_buf *b = &p->bufs[i];

		if (!b->pooled || b->refs || b->bytes < bytes)
			continue;
		if (best < 0 || b->bytes < p->bufs[best].bytes)
			best = i;
	}
	if (best < 0)
		return buf_add(net, bytes, 1);
	p->bufs[best].refs = 1;
	return best;
}

int tensor_new(struct net *net, const dnnl_memory_desc_t *md, float scale,
	       int dies_after, int share_buf)
{
	struct net_priv *p = net_priv(net);
	struct net_tensor *t;
	int buf = share_buf;

	if (buf >= 0)
		p->bufs[buf].refs++;
	else
		buf = buf_acquire(net, md_bytes(md));
	if (buf < 0)
		return buf;
	ALLOC_GROW(p->tens, p->ntens + 1, p->alloc_tens);
	t = &p->tens[p->ntens];
	t->md = *md;
	t->buf = buf;
	t->scale = scale;
	t->dies_after = dies_after;
	t->live = 1;
	return p->ntens++;
}

void tensor_release(struct net *net, int t)
{
	struct net_priv *p = net_priv(net);

	if (t < 0 || !p->tens[t].live)
		return;
	p->tens[t].live = 0;
	p->bufs[p->tens[t].buf].refs--;
}

int op_new(struct net *net, const char *name, const char *kind, int layer)
{
	struct net_priv *p = net_priv(net);
	size_t alloc = p->alloc_ops;
	struct net_op *op;

	ALLOC_GROW(net->ops, net->nops + 1, p->alloc_ops);
	if (alloc != p->alloc_ops) {
		p->op_dst_buf = xrealloc(p->op_dst_buf, p->alloc_ops * sizeof(int));
		p->op_scratch_md = xrealloc(p->op_scratch_md,
					    p->alloc_ops * sizeof(dnnl_memory_desc_t));
	}
	op = &net->ops[net->nops];
	memset(op, 0, sizeof(*op));
	memset(&p->op_scratch_md[net->nops], 0, sizeof(dnnl_memory_desc_t));
	p->op_dst_buf[net->nops] = -1;
	snprintf(op->name, sizeof(op->name), "%s", name);
	snprintf(op->kind, sizeof(op->kind), "%s", kind);
	op->layer = layer;
	if (layer >= 0)
		snprintf(op->stage, sizeof(op->stage), "%s", net->model.layers[layer].stage);
	return net->nops++;
}

int op_mem(struct net *net, int i, int arg, const dnnl_memory_desc_t *md, void *ptr)
{
	struct net_priv *p = net_priv(net);
	struct net_op *op = &net->ops[i];
	dnnl_memory_t mem = NULL;
	dnnl_status_t s;

	s = dnnl_memory_create(&mem, md, net->engine, ptr);
	if (s != dnnl_success)
		return dnnl_fail(s, "memory", op->name);
	ALLOC_GROW(p->mems, p->nmems + 1, p->alloc_mems);
	p->mems[p->nmems++] = mem;
	op->args = xrealloc(op->args, (op->nargs + 1) * sizeof(*op->args));
	op->args[op->nargs].arg = arg;
	op->args[op->nargs].memory = mem;
	op->nargs++;
	return 0;
}

int op_tensor_arg(struct net *net, int i, int arg, int t, int role)
{
	struct net_priv *p = net_priv(net);
	const struct net_tensor *ten = &p->tens[t];
	void *ptr = p->bufs[ten->buf].ptr;

	if (role >= 0 && !net->ops[i].tensors[role].ptr) {
		net->ops[i].tensors[role].ptr = ptr;
		net->ops[i].tensors[role].bytes = md_bytes(&ten->md);
	}
	if (role == T_DST)
		p->op_dst_buf[i] = ten->buf;
	return op_mem(net, i, arg, &ten->md, ptr);
}

dnnl_primitive_attr_t attr_new(void)
{
	dnnl_primitive_attr_t attr = NULL;

	if (dnnl_primitive_attr_create(&attr) != dnnl_success)
		return NULL;
	dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
	return attr;
}

static void dims4(const dnnl_memory_desc_t *md, int *d)
{
	int k;

	for (k = 0; k < 4; k++)
		d[k] = k < md->ndims ? (int)md->dims[k] : 1;
}

/*
 * Create the op's primitive from @pd (which this consumes) and record what
 * oneDNN chose: implementation, formats, sizes.
 */
int op_finish(struct net *net, int i, dnnl_primitive_desc_t pd)
{
	struct net_priv *p = net_priv(net);
	struct net_op *op = &net->ops[i];
	const dnnl_memory_desc_t *src, *wei, *dst, *bias, *sp;
	const char *impl = NULL;
	dnnl_status_t s;
	int k, nin = 1, err = 0;

	s = dnnl_primitive_create(&op->prim, pd);
	if (s != dnnl_success) {
		err = dnnl_fail(s, "primitive", op->name);
		goto out;
	}
	dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
	snprintf(op->impl, sizeof(op->impl), "%s", impl ? impl : "unknown");
	op->is_ref = strstr(op->impl, "ref") != NULL;

	src = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
	wei = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
	bias = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1);
	dst = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
	md_name(src, 0, op->src_fmt, sizeof(op->src_fmt));
	md_name(wei, 1, op->wei_fmt, sizeof(op->wei_fmt));
	md_name(dst, 0, op->dst_fmt, sizeof(op->dst_fmt));
	if (src)
		snprintf(op->dtype, sizeof(op->dtype), "%s", dt_name(src->data_type));
	dnnl_primitive_desc_query(pd, dnnl_query_num_of_inputs_s32, 0, &nin);
	op->in_bytes = 0;
	for (k = 0; k < nin; k++)
		op->in_bytes += md_bytes(dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, k));
	op->out_bytes = md_bytes(dst);
	if (wei && wei->ndims)
		op->weight_bytes = md_bytes(wei) + (bias ? md_bytes(bias) : 0);
	if (src)
		dims4(src, op->in_dims);
	if (dst)
		dims4(dst, op->out_dims);
	if (sp && sp->ndims) {
		p->op_scratch_md[i] = *sp;
		op->scratchpad_bytes = md_bytes(sp);
	}
out:
	dnnl_primitive_desc_destroy(pd);
	return err;
}

/*
 * A reorder op from tensor @from (or, when -1, the user memory @from_md at
 * @from_ptr) into tensor @to (or @to_md at @to_ptr), scaled by @scale.
 */
static int reorder_op(struct net *net, const char *name, int layer,
		      int from, const dnnl_memory_desc_t *from_md, void *from_ptr,
		      int to, const dnnl_memory_desc_t *to_md, void *to_ptr, float scale)
{
	struct net_priv *p = net_priv(net);
	dnnl_primitive_attr_t attr = attr_new();
	dnnl_primitive_desc_t pd = NULL;
	struct net_op *o;
	dnnl_status_t s;
	int op, err;

	if (from >= 0)
		from_md = &p->tens[from].md;
	if (to >= 0)
		to_md = &p->tens[to].md;
	op = op_new(net, name, "reorder", layer);
	s = scale != 1.0f ? dnnl_primitive_attr_set_output_scales(attr, 1, 0, &scale) :
	    dnnl_success;
	if (s == dnnl_success)
		s = dnnl_reorder_primitive_desc_create(&pd, from_md, net->engine, to_md,
						       net->engine, attr);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "reorder", name);
	err = op_finish(net, op, pd);
	if (err)
		return err;
	o = &net->ops[op];
	if (from >= 0) {
		err = op_tensor_arg(net, op, DNNL_ARG_FROM, from, T_SRC);
	} else {
		err = op_mem(net, op, DNNL_ARG_FROM, from_md, from_ptr);
		o->tensors[T_SRC].ptr = from_ptr;
		o->tensors[T_SRC].bytes = md_bytes(from_md);
	}
	if (err)
		return err;
	if (to >= 0)
		return op_tensor_arg(net, op, DNNL_ARG_TO, to, T_DST);
	o->tensors[T_DST].ptr = to_ptr;
	o->tensors[T_DST].bytes = md_bytes(to_md);
	return op_mem(net, op, DNNL_ARG_TO, to_md, to_ptr);
}

/* The input, reordered once per run from the user's f32 NCHW buffer. */
static int input_emit(struct net *net, const dnnl_memory_desc_t *want)
{
	struct net_priv *p = net_priv(net);
	const struct layer_plan *pl = &p->plan[net->model.n];
	const struct shape *in = &net->model.input;
	dnnl_memory_desc_t user, md;
	int t;

	md_init(&user, net->model.batch, in->c, in->h, in->w, dnnl_f32, dnnl_nchw);
	if (want && want->format_kind != dnnl_format_kind_any)
		md = *want;
	else if (md_init(&md, net->model.batch, in->c, in->h, in->w, pl->dt,
			 net->cfg.layout == LAYOUT_BLOCKED ? dnnl_nChw16c :
			 layout_tag(net->cfg.layout)))
		return cp_error(-EINVAL, "cannot describe the input");
	t = tensor_new(net, &md, pl->scale, pl->last_read, -1);
	if (t < 0)
		return t;
	p->layer_tensor[net->model.n] = t;
	return reorder_op(net, "reorder.input", -1, -1, &user, p->input, t, NULL, NULL,
			  pl->scale);
}

/* The net's result, dequantised into the user's f32 NCHW @ptr. */
int output_reorder(struct net *net, const char *name, int t, float *ptr)
{
	struct net_priv *p = net_priv(net);
	const dnnl_memory_desc_t *md = &p->tens[t].md;
	dnnl_memory_desc_t user;

	md_init(&user, md->dims[0], md->dims[1], md->ndims > 2 ? md->dims[2] : 1,
		md->ndims > 3 ? md->dims[3] : 1, dnnl_f32, dnnl_nchw);
	return reorder_op(net, name, -1, t, NULL, NULL, -1, &user, ptr,
			  1.0f / p->tens[t].scale);
}

/*
 * The tensor of layer @j (-1: the input) as @want describes it: the layer's
 * own tensor when it matches (or @want is NULL or "any"), else a reorder op
 * into a temporary that dies with the consumer.
 */
int src_get(struct net *net, int j, const dnnl_memory_desc_t *want,
	    const char *consumer, const char *what, int *tensor)
{
	struct net_priv *p = net_priv(net);
	int r = graph_resolve(&net->model, j), node, t, err;
	char name[80];

	node = r < 0 ? net->model.n : r;
	if (node == net->model.n && p->layer_tensor[node] < 0) {
		err = input_emit(net, want);
		if (err)
			return err;
	}
	t = p->layer_tensor[node];
	if (t < 0)
		return cp_error(-EINVAL, "'%s' reads the output of layer %d, which is fused away",
				consumer, j);
	if (!want || want->format_kind == dnnl_format_kind_any || md_same(want, &p->tens[t].md)) {
		*tensor = t;
		return 0;
	}
	snprintf(name, sizeof(name), "reorder.%s.%s", consumer, what);
	err = tensor_new(net, want, p->tens[t].scale, -1, -1);
	if (err < 0)
		return err;
	ALLOC_GROW(p->temps, p->ntemps + 1, p->alloc_temps);
	p->temps[p->ntemps++] = err;
	*tensor = err;
	return reorder_op(net, name, p->ndone, t, NULL, NULL, err, NULL, NULL, 1.0f);
}

/* A reorder at build time (weights into the primitive's format). */
int reorder_once(struct net *net, const dnnl_memory_desc_t *src_md, void *src,
		 const dnnl_memory_desc_t *dst_md, void *dst,
		 const float *scales, int nscales, int mask)
{
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_t prim = NULL;
	dnnl_memory_t ms = NULL, md = NULL;
	dnnl_status_t s;
	dnnl_exec_arg_t args[2];

	s = dnnl_primitive_attr_create(&attr);
	if (s == dnnl_success && scales)
		s = dnnl_primitive_attr_set_output_scales(attr, nscales, mask, scales);
	if (s == dnnl_success)
		s = dnnl_reorder_primitive_desc_create(&pd, src_md, net->engine, dst_md,
						       net->engine, attr);
	if (s == dnnl_success)
		s = dnnl_primitive_create(&prim, pd);
	if (s == dnnl_success)
		s = dnnl_memory_create(&ms, src_md, net->engine, src);
	if (s == dnnl_success)
		s = dnnl_memory_create(&md, dst_md, net->engine, dst);
	if (s == dnnl_success) {
		args[0].arg = DNNL_ARG_FROM;
		args[0].memory = ms;
		args[1].arg = DNNL_ARG_TO;
		args[1].memory = md;
		s = dnnl_primitive_execute(prim, net->stream, 2, args);
	}
	if (s == dnnl_success)
		s = dnnl_stream_wait(net->stream);
	dnnl_memory_destroy(ms);
	dnnl_memory_destroy(md);
	dnnl_primitive_destroy(prim);
	dnnl_primitive_desc_destroy(pd);
	dnnl_primitive_attr_destroy(attr);
	return s == dnnl_success ? 0 : dnnl_fail(s, "weight reorder", "build");
}
