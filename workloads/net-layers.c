// SPDX-License-Identifier: MIT
/*
 * The ops of the layers that are not conv or connected: shortcut (binary
 * add), maxpool and global avgpool, upsample (nearest resampling), route
 * (concat), and the net's output reorders. Formats: nchw/nhwc everywhere in
 * those layouts; in blocked, these ops follow their producer's format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/net-internal.h"
#include "util/util.h"

static int node_of(const struct net *net, int j)
{
	int r = graph_resolve(&net->model, j);

	return r < 0 ? net->model.n : r;
}

static struct shape node_shape(const struct net *net, int r)
{
	return r == net->model.n ? net->model.input : net->model.layers[r].out;
}

/* What a non-conv op wants of its source: the layout's tag, or whatever it is. */
static const dnnl_memory_desc_t *want_src(struct net *net, int j, dnnl_memory_desc_t *md)
{
	int r = node_of(net, j);
	struct shape s = node_shape(net, r);

	if (net->cfg.layout == LAYOUT_BLOCKED)
		return NULL;
	md_init(md, net->model.batch, s.c, s.h, s.w, net_priv(net)->plan[r].dt,
		layout_tag(net->cfg.layout));
	return md;
}

static void dst_any(struct net *net, const struct layer *l, dnnl_data_type_t dt,
		    dnnl_memory_desc_t *md)
{
	md_init(md, net->model.batch, l->out.c, l->out.h, l->out.w, dt,
		layout_tag(net->cfg.layout));
}

/* The op's output tensor in the format the primitive chose. */
static int dst_tensor(struct net *net, int i, int op, const dnnl_memory_desc_t *md,
		      float scale, int share)
{
	struct net_priv *p = net_priv(net);
	int t = tensor_new(net, md, scale, p->plan[i].last_read, share);

	if (t < 0)
		return t;
	p->layer_tensor[i] = t;
	p->layer_op[i] = op;
	return op_tensor_arg(net, op, DNNL_ARG_DST, t, T_DST);
}

/* int8: each addend rescaled into the sum's scale; @post: the activation fused */
static dnnl_status_t binary_pd(struct net *net, int i, int t0, int t1,
			       const dnnl_memory_desc_t *dst, int post, dnnl_primitive_desc_t *pd)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	dnnl_primitive_attr_t attr = attr_new();
	dnnl_post_ops_t po = NULL;
	dnnl_binary_desc_t d;
	dnnl_status_t s = dnnl_success;

	if (net->cfg.precision == PREC_INT8) {
		float s0 = p->plan[i].scale / p->tens[t0].scale;
		float s1 = p->plan[i].scale / p->tens[t1].scale;

		s = dnnl_primitive_attr_set_scales(attr, DNNL_ARG_SRC_0, 1, 0, &s0);
		if (s == dnnl_success)
			s = dnnl_primitive_attr_set_scales(attr, DNNL_ARG_SRC_1, 1, 0, &s1);
	}
	if (s == dnnl_success && post) {
		s = dnnl_post_ops_create(&po);
		if (s == dnnl_success)
			s = dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu,
							 l->act == ACT_LEAKY ? LEAKY_SLOPE : 0.0f,
							 0.0f);
		if (s == dnnl_success)
			s = dnnl_primitive_attr_set_post_ops(attr, po);
		dnnl_post_ops_destroy(po);
	}
	if (s == dnnl_success)
		s = dnnl_binary_desc_init(&d, dnnl_binary_add, &p->tens[t0].md, &p->tens[t1].md,
					  dst);
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(pd, &d, attr, net->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	return s;
}

static int shortcut_emit(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	int n0 = node_of(net, i - 1), n1 = node_of(net, l->from), t0, t1, op, share = -1, err;
	int post = net->cfg.fusion && l->act != ACT_LINEAR;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_desc_t want, dst, md;
	dnnl_status_t s;

	if (p->plan[i].absorbed)
		return 0;
	err = src_get(net, i - 1, want_src(net, i - 1, &md), l->name, "src", &t0);
	if (err)
		return err;
	/* both sources in one format: mixed ones send binary to a slow kernel */
	want = p->tens[t0].md;
	want.data_type = p->plan[n1].dt;
	err = src_get(net, l->from, &want, l->name, "src1", &t1);
	if (err)
		return err;
	want = p->tens[t0].md;
	want.data_type = p->plan[i].dt;
	s = binary_pd(net, i, t0, t1, &want, post, &pd);
	if (s != dnnl_success && post) {
		post = 0;	/* the activation as an op of its own, then */
		s = binary_pd(net, i, t0, t1, &want, post, &pd);
	}
	if (s != dnnl_success)
		return dnnl_fail(s, "binary add", l->name);
	dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	op = op_new(net, l->name, "add", i);
	err = op_finish(net, op, pd);
	if (err)
		return err;
	/* in place into the first source when nothing reads it afterwards */
	if (p->plan[n0].last_read == i && !p->plan[n0].is_output &&
	    p->bufs[p->tens[t0].buf].refs == 1 && md_same(&dst, &p->tens[t0].md))
		share = p->tens[t0].buf;
	err = op_tensor_arg(net, op, DNNL_ARG_SRC_0, t0, T_SRC);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_SRC_1, t1, -1);
	if (!err)
		err = dst_tensor(net, i, op, &dst, p->plan[i].scale, share);
	if (err)
		return err;
	if (post)
		snprintf(net->ops[op].post_ops, sizeof(net->ops[op].post_ops), "%s",
			 l->act == ACT_LEAKY ? "leaky" : "relu");
	else if (l->act != ACT_LINEAR)
		err = act_emit(net, i, p->layer_tensor[i], l->act);
	return err;
}

static int pool_emit(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	int avg = l->kind == LK_AVGPOOL, ts, op, err;
	dnnl_dims_t kernel, stride, pad_l = { 0, 0 }, pad_r = { 0, 0 }, dil = { 0, 0 };
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_desc_t md, dst;
	dnnl_pooling_v2_desc_t d;
	dnnl_status_t s;

	err = src_get(net, i - 1, want_src(net, i - 1, &md), l->name, "src", &ts);
	if (err)
		return err;
	dst_any(net, l, p->tens[ts].md.data_type, &dst);
	if (avg) {
		kernel[0] = l->in.h;
		kernel[1] = l->in.w;
		stride[0] = stride[1] = 1;
	} else {
		kernel[0] = kernel[1] = l->size;
		stride[0] = stride[1] = l->stride;
		pad_l[0] = l->pad_t;
		pad_l[1] = l->pad_l;
		pad_r[0] = l->pad_b;
		pad_r[1] = l->pad_r;
	}
	attr = attr_new();
	s = dnnl_pooling_v2_forward_desc_init(&d, dnnl_forward_inference,
					      avg ? dnnl_pooling_avg_exclude_padding :
					      dnnl_pooling_max, &p->tens[ts].md, &dst, stride,
					      kernel, dil, pad_l, pad_r);
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(&pd, &d, attr, net->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "pooling", l->name);
	dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	op = op_new(net, l->name, avg ? "avgpool" : "maxpool", i);
	err = op_finish(net, op, pd);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_SRC, ts, T_SRC);
	if (!err)
		err = dst_tensor(net, i, op, &dst, p->tens[ts].scale, -1);
	net->ops[op].kernel = kernel[0];
	net->ops[op].stride = stride[0];
	net->ops[op].pad = pad_l[0];
	return err;
}

static int upsample_emit(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_desc_t md, dst;
	dnnl_resampling_desc_t d;
	dnnl_status_t s;
	int ts, op, err;

	err = src_get(net, i - 1, want_src(net, i - 1, &md), l->name, "src", &ts);
	if (err)
		return err;
	dst_any(net, l, p->tens[ts].md.data_type, &dst);
	attr = attr_new();
	s = dnnl_resampling_forward_desc_init(&d, dnnl_forward_inference,
					      dnnl_resampling_nearest, NULL, &p->tens[ts].md,
					      &dst);
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(&pd, &d, attr, net->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "resampling", l->name);
	dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	op = op_new(net, l->name, "upsample", i);
	err = op_finish(net, op, pd);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_SRC, ts, T_SRC);
	if (!err)
		err = dst_tensor(net, i, op, &dst, p->tens[ts].scale, -1);
	net->ops[op].stride = l->stride;
	return err;
}

/* int8: the sources of one concat share a scale (net-plan.c sees to it). */
static int route_emit(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	dnnl_memory_desc_t mds[MODEL_MAX_ROUTES], md, dst;
	int ts[MODEL_MAX_ROUTES], k, op, err;
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_status_t s;

	for (k = 0; k < l->nroutes; k++) {
		err = src_get(net, l->routes[k], want_src(net, l->routes[k], &md), l->name,
			      "src", &ts[k]);
		if (err)
			return err;
		mds[k] = p->tens[ts[k]].md;
	}
	dst_any(net, l, mds[0].data_type, &dst);
	attr = attr_new();
	s = dnnl_concat_primitive_desc_create(&pd, &dst, l->nroutes, 1, mds, attr, net->engine);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "concat", l->name);
	dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	op = op_new(net, l->name, "concat", i);
	err = op_finish(net, op, pd);
	for (k = 0; !err && k < l->nroutes; k++)
		err = op_tensor_arg(net, op, DNNL_ARG_MULTIPLE_SRC + k, ts[k], k ? -1 : T_SRC);
	if (!err)
		err = dst_tensor(net, i, op, &dst, p->tens[ts[0]].scale, -1);
	return err;
}

static void layer_release_dead(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	int k;

	for (k = 0; k < p->ntemps; k++)
		tensor_release(net, p->temps[k]);
	p->ntemps = 0;
	for (k = 0; k < p->ntens; k++)
		if (p->tens[k].live && p->tens[k].dies_after <= i)
			tensor_release(net, k);
}

int layer_emit(struct net *net, int i)
{
	const struct layer *l = &net->model.layers[i];
	int err = 0;

	net_priv(net)->ndone = i;
	switch (l->kind) {
	case LK_CONV:
	case LK_CONNECTED:
		err = wlayer_emit(net, i);
		break;
	case LK_SHORTCUT:
		err = shortcut_emit(net, i);
		break;
	case LK_ROUTE:
		if (l->nroutes > 1)
			err = route_emit(net, i);
		break;
	case LK_MAXPOOL:
	case LK_AVGPOOL:
		err = pool_emit(net, i);
		break;
	case LK_UPSAMPLE:
		err = upsample_emit(net, i);
		break;
	case LK_YOLO:
		break;
	}
	if (!err)
		layer_release_dead(net, i);
	return err;
}

/* Every output into the user's f32 NCHW array, one after another. */
int outputs_emit(struct net *net)
{
	struct net_priv *p = net_priv(net);
	const struct model *m = &net->model;
	int *outs = xcalloc(m->n + 1, sizeof(int)), nouts, k, y = 0, buf, err = 0;
	size_t off = 0;
	char name[80];

	nouts = graph_outputs(m, outs);
	p->nout = 0;
	for (k = 0; k < nouts; k++) {
		struct shape s = node_shape(net, outs[k]);

		p->nout += (size_t)m->batch * s.c * s.h * s.w;
	}
	buf = buf_fixed(net, p->nout * sizeof(float));
	if (buf < 0) {
		err = buf;
		goto out;
	}
	p->out = p->bufs[buf].ptr;
	p->nouts = nouts;
	for (k = 0; k < nouts && !err; k++) {
		struct shape s = node_shape(net, outs[k]);

		if (nouts == 1) {
			snprintf(name, sizeof(name), "reorder.output");
		} else {
			while (y < m->n && m->layers[y].kind != LK_YOLO)
				y++;
			snprintf(name, sizeof(name), "reorder.output.%s", m->layers[y++].name);
		}
		err = output_reorder(net, name, p->layer_tensor[outs[k]], p->out + off);
		off += (size_t)m->batch * s.c * s.h * s.w;
	}
out:
	free(outs);
	return err;
}
