// SPDX-License-Identifier: MIT
/*
 * Conv and connected layers: weights prepared once (BN folded, quantised,
 * reordered into the format the primitive chose), the activation and a
 * following [shortcut] as post-ops where fusion is on, and BN and the
 * activation as ops of their own where it is off.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/net-internal.h"
#include "util/util.h"

/* What one conv or inner product is being built with; retried with less. */
struct wspec {
	int i;
	const struct layer *l;
	int fc;
	int fold;		/* BN folded into weights and bias */
	int with_bias;
	int post_act;		/* the layer's activation as a post-op */
	int sum;		/* the next [shortcut] as a sum post-op */
	int from;		/* its added tensor */
	float s_src, s_dst;
	float *s_w;		/* int8: per output channel */
	dnnl_data_type_t dst_dt;
	dnnl_memory_desc_t src, wei, bias, dst;
};

static dnnl_data_type_t wei_dt(const struct net *net)
{
	return net->cfg.precision == PREC_INT8 ? dnnl_s8 :
	       net->cfg.precision == PREC_BF16 ? dnnl_bf16 : dnnl_f32;
}

static int l_outputs(const struct layer *l)
{
	return l->kind == LK_CONNECTED ? l->output : l->filters;
}

static int node_of(const struct net *net, int j)
{
	int r = graph_resolve(&net->model, j);

	return r < 0 ? net->model.n : r;
}

static float act_alpha(enum activation a)
{
	return a == ACT_LEAKY ? LEAKY_SLOPE : 0.0f;
}

/* Where the conv writes and at what scale, given what is fused. */
static void wspec_dst(struct net *net, struct wspec *w)
{
	struct net_priv *p = net_priv(net);
	const struct layer_plan *pl = &p->plan[w->i];
	const struct layer *l = w->l;
	dnnl_format_tag_t tag = layout_tag(net->cfg.layout);

	if (w->sum) {
		w->dst_dt = p->plan[w->i + 1].dt;
		w->s_dst = p->plan[w->i + 1].scale;
		w->dst = p->tens[p->layer_tensor[w->from]].md;
		w->dst.data_type = w->dst_dt;
		return;
	}
	w->dst_dt = pl->dt;
	w->s_dst = pl->scale;
	/* an unfused BN comes after: the conv's raw output has its own range */
	if (!w->fold && l->batch_normalize && net->cfg.precision == PREC_INT8 &&
	    pl->dt != dnnl_f32) {
		w->dst_dt = dnnl_s8;
		w->s_dst = p->calib->raw[w->i] > 1e-30f ? 127.0f / p->calib->raw[w->i] : 1.0f;
	}
	if (w->fc) {
		dnnl_dims_t d = { net->model.batch, l->output };

		dnnl_memory_desc_init_by_tag(&w->dst, 2, d, w->dst_dt,
					     tag == dnnl_format_tag_any ? dnnl_format_tag_any :
					     dnnl_nc);
	} else {
		md_init(&w->dst, net->model.batch, l->out.c, l->out.h, l->out.w, w->dst_dt, tag);
	}
}

/* The attributes: int8 output scales and the fused post-ops, all or nothing. */
static dnnl_status_t wspec_attr(struct net *net, const struct wspec *w,
				dnnl_primitive_attr_t attr)
{
	const struct layer *l = w->l;
	dnnl_status_t s = dnnl_success;
	dnnl_post_ops_t po = NULL;
	int o, n = l_outputs(l);

	if (net->cfg.precision == PREC_INT8) {
		float *osc = xmalloc(n * sizeof(float));

		for (o = 0; o < n; o++)
			osc[o] = w->s_dst / (w->s_src * w->s_w[o]);
		s = dnnl_primitive_attr_set_output_scales(attr, n, 1 << 1, osc);
		free(osc);
	}
	if (s == dnnl_success)
		s = dnnl_post_ops_create(&po);
	if (s == dnnl_success && w->post_act && l->act != ACT_LINEAR)
		s = dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu,
						 act_alpha(l->act), 0.0f);
	if (s == dnnl_success && w->sum) {
		const struct layer *sc = &net->model.layers[w->i + 1];
		struct net_priv *p = net_priv(net);
		const struct net_tensor *tf = &p->tens[p->layer_tensor[w->from]];

		s = dnnl_post_ops_append_sum_v2(po, w->s_dst / tf->scale,
						tf->md.data_type == w->dst_dt ?
						dnnl_data_type_undef : tf->md.data_type);
		if (s == dnnl_success && sc->act != ACT_LINEAR)
			s = dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu,
							 act_alpha(sc->act), 0.0f);
	}
	if (s == dnnl_success)
		s = dnnl_primitive_attr_set_post_ops(attr, po);
	dnnl_post_ops_destroy(po);
	return s;
}

static int wspec_pd(struct net *net, const struct wspec *w, dnnl_primitive_desc_t *pd)
{
	const struct layer *l = w->l;
	dnnl_primitive_attr_t attr = attr_new();
	dnnl_status_t s;

	s = attr ? wspec_attr(net, w, attr) : dnnl_out_of_memory;
	if (s == dnnl_success && w->fc) {
		dnnl_inner_product_desc_t d;

		s = dnnl_inner_product_forward_desc_init(&d, dnnl_forward_inference, &w->src,
							 &w->wei, w->with_bias ? &w->bias : NULL,
							 &w->dst);
		if (s == dnnl_success)
			s = dnnl_primitive_desc_create(pd, &d, attr, net->engine, NULL);
	} else if (s == dnnl_success) {
		dnnl_convolution_desc_t d;
		dnnl_dims_t stride = { l->stride, l->stride };
		dnnl_dims_t pad_l = { l->pad_t, l->pad_l }, pad_r = { l->pad_b, l->pad_r };

		s = dnnl_convolution_forward_desc_init(&d, dnnl_forward_inference,
						       dnnl_convolution_direct, &w->src, &w->wei,
						       w->with_bias ? &w->bias : NULL, &w->dst,
						       stride, pad_l, pad_r);
		if (s == dnnl_success)
			s = dnnl_primitive_desc_create(pd, &d, attr, net->engine, NULL);
	}
	dnnl_primitive_attr_destroy(attr);
	return s == dnnl_success ? 0 : dnnl_fail(s, w->fc ? "inner product" : "convolution",
						 l->name);
}

/* User-format f32 weights as darknet stores them: oihw, goihw when grouped. */
static void wei_user_md(const struct layer *l, int fc, dnnl_memory_desc_t *md)
{
	int g = l->groups > 1 ? l->groups : 1;

	if (fc) {
		md_init(md, l->output, l->in.c, l->in.h, l->in.w, dnnl_f32, dnnl_oihw);
	} else if (g == 1) {
		md_init(md, l->filters, l->in.c, l->size, l->size, dnnl_f32, dnnl_oihw);
	} else {
		dnnl_dims_t d = { g, l->filters / g, l->in.c / g, l->size, l->size };

		dnnl_memory_desc_init_by_tag(md, 5, d, dnnl_f32, dnnl_goihw);
	}
}

static void po_add(char *buf, size_t len, const char *what)
{
	size_t k = strlen(buf);

	snprintf(buf + k, len - k, "%s%s", k ? "+" : "", what);
}

static const char *act_name(enum activation a)
{
	return a == ACT_RELU ? "relu" : a == ACT_LEAKY ? "leaky" : "linear";
}

static void post_ops_name(const struct net *net, const struct wspec *w, char *buf,
			  size_t len)
{
	buf[0] = '\0';
	if (w->fold)
		po_add(buf, len, "bn");
	if (w->post_act && w->l->act != ACT_LINEAR)
		po_add(buf, len, act_name(w->l->act));
	if (w->sum) {
		po_add(buf, len, "sum");
		if (net->model.layers[w->i + 1].act != ACT_LINEAR)
			po_add(buf, len, act_name(net->model.layers[w->i + 1].act));
	}
}

/*
 * The effective f32 weights (BN folded when it is) into the primitive's
 * format, quantised per output channel for int8, and the bias after them in
 * the same buffer, scaled into the accumulator's domain for int8.
 */
static int weights_emit(struct net *net, int op, const struct wspec *w,
			const float *ew, const float *eb,
			const dnnl_memory_desc_t *wmd, const dnnl_memory_desc_t *bmd)
{
	struct net_priv *p = net_priv(net);
	int n = l_outputs(w->l), o, int8 = net->cfg.precision == PREC_INT8, buf, err;
	size_t wbytes = (md_bytes(wmd) + 63) / 64 * 64, bbytes = w->with_bias ? n * 4 : 0;
	dnnl_memory_desc_t user;
	float *bias;
	char *ptr;

	buf = buf_fixed(net, wbytes + bbytes);
	if (buf < 0)
		return buf;
	ptr = p->bufs[buf].ptr;
	wei_user_md(w->l, w->fc, &user);
	err = reorder_once(net, &user, (void *)ew, wmd, ptr, int8 ? w->s_w : NULL, n,
			   user.ndims == 5 ? 3 : 1);
	if (err)
		return err;
	err = op_mem(net, op, DNNL_ARG_WEIGHTS, wmd, ptr);
	if (!err && w->with_bias) {
		bias = (float *)(ptr + wbytes);
		for (o = 0; o < n; o++)
			bias[o] = int8 ? eb[o] * w->s_src * w->s_w[o] : eb[o];
		err = op_mem(net, op, DNNL_ARG_BIAS, bmd, bias);
	}
	net->ops[op].tensors[T_WEIGHTS].ptr = ptr;
	net->ops[op].tensors[T_WEIGHTS].bytes = wbytes + bbytes;
	net->ops[op].weight_bytes = md_bytes(wmd) + bbytes;
	return err;
}

static uint64_t wlayer_flops(const struct net *net, const struct layer *l, int fc)
{
	uint64_t b = net->model.batch;

	if (fc)
		return 2 * b * l->output * l->in.c * l->in.h * l->in.w;
	return 2 * b * l->filters * (l->in.c / (l->groups > 1 ? l->groups : 1)) *
	       l->size * l->size * l->out.h * l->out.w;
}

static void wspec_init(struct net *net, int i, struct wspec *w, float *ew, float *eb)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	const struct layer_params *lp = &p->params[i];
	int src = node_of(net, i - 1), n = l_outputs(l), o;
	size_t per = lp->nw / lp->n, k;

	memset(w, 0, sizeof(*w));
	w->i = i;
	w->l = l;
	w->fc = l->kind == LK_CONNECTED;
	w->fold = net->cfg.fusion && l->batch_normalize;
	w->with_bias = w->fold || !l->batch_normalize;
	w->post_act = net->cfg.fusion;
	w->sum = p->plan[i].fuse_sum;
	if (w->sum) {
		w->from = node_of(net, net->model.layers[i + 1].from);
		int ts = p->layer_tensor[node_of(net, i - 1)], tf = p->layer_tensor[w->from];

		if (tf < 0 || (ts >= 0 && p->tens[ts].buf == p->tens[tf].buf) ||
		    p->bufs[p->tens[tf].buf].refs != 1) {
			w->sum = 0;
			p->plan[i].fuse_sum = 0;
			p->plan[i + 1].absorbed = 0;
		}
	}
	w->s_src = p->plan[src].scale;
	if (w->fold || !l->batch_normalize)
		params_fold_bn(lp, ew, eb);
	else
		memcpy(ew, lp->w, lp->nw * sizeof(float));
	if (net->cfg.precision == PREC_INT8) {
		w->s_w = xmalloc(n * sizeof(float));
		for (o = 0; o < n; o++) {
			float mx = 0.0f;

			for (k = 0; k < per; k++)
				mx = fmaxf(mx, fabsf(ew[o * per + k]));
			w->s_w[o] = mx > 1e-30f ? 127.0f / mx : 1.0f;
		}
	}
	if (w->fc || net->cfg.layout == LAYOUT_BLOCKED)
		md_init(&w->src, net->model.batch, l->in.c, l->in.h, l->in.w, p->plan[src].dt,
			dnnl_format_tag_any);
	else
		md_init(&w->src, net->model.batch, l->in.c, l->in.h, l->in.w, p->plan[src].dt,
			layout_tag(net->cfg.layout));
	wei_user_md(l, w->fc, &w->wei);
	dnnl_memory_desc_init_by_tag(&w->wei, w->wei.ndims, w->wei.dims, wei_dt(net),
				     dnnl_format_tag_any);
	{
		dnnl_dims_t d = { n };

		dnnl_memory_desc_init_by_tag(&w->bias, 1, d, dnnl_f32, dnnl_x);
	}
}

/* Give up one fusion: first the sum (the shortcut becomes a binary op), then
 * the activation post-op (an eltwise op). */
static int wspec_reduce(struct net *net, struct wspec *w)
{
	struct net_priv *p = net_priv(net);

	if (w->sum) {
		w->sum = 0;
		p->plan[w->i].fuse_sum = 0;
		p->plan[w->i + 1].absorbed = 0;
		return 1;
	}
	if (w->post_act && w->l->act != ACT_LINEAR) {
		w->post_act = 0;
		return 1;
	}
	return 0;
}

static int pd_is_ref(dnnl_primitive_desc_t pd)
{
	const char *impl = NULL;

	dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
	return impl && strstr(impl, "ref");
}

/*
 * Build the primitive descriptor, giving up fusions that oneDNN rejects, or
 * that only its reference kernel takes when a less fused op has a fast one
 * (f32 nchw gemm conv takes no sum after an eltwise).
 */
static int wspec_create(struct net *net, struct wspec *w, dnnl_primitive_desc_t *pd)
{
	struct net_priv *p = net_priv(net);
	dnnl_primitive_desc_t ref_pd = NULL;
	struct wspec ref_w;
	int err;

	for (;;) {
		wspec_dst(net, w);
		err = wspec_pd(net, w, pd);
		if (!err && !pd_is_ref(*pd)) {
			dnnl_primitive_desc_destroy(ref_pd);
			return 0;
		}
		if (!err && !ref_pd) {
			ref_pd = *pd;
			ref_w = *w;
		} else if (!err) {
			dnnl_primitive_desc_destroy(*pd);
		}
		if (!wspec_reduce(net, w))
			break;
	}
	if (!ref_pd)
		return err;
	*w = ref_w;
	*pd = ref_pd;
	if (w->sum) {
		p->plan[w->i].fuse_sum = 1;
		p->plan[w->i + 1].absorbed = 1;
	}
	cp_error_clear();
	return 0;
}

int wlayer_emit(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	const struct layer_params *lp = &p->params[i];
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_desc_t src, wei, bias, dst, tmd;
	float *ew = xmalloc(lp->nw * sizeof(float)), *eb = xmalloc(lp->n * sizeof(float));
	struct wspec w;
	int op, ts, t, err;

	wspec_init(net, i, &w, ew, eb);
	err = wspec_create(net, &w, &pd);
	if (err)
		goto out;
	src = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
	wei = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
	bias = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1);
	dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	err = src_get(net, i - 1, &src, l->name, "src", &ts);
	if (err) {
		dnnl_primitive_desc_destroy(pd);
		goto out;
	}
	op = op_new(net, l->name, w.fc ? "fc" : "conv", i);
	err = op_finish(net, op, pd);
	if (err)
		goto out;
	if (w.sum) {
		const struct net_tensor *tf = &p->tens[p->layer_tensor[w.from]];

		t = tensor_new(net, &w.dst, w.s_dst, p->plan[i + 1].last_read, tf->buf);
		p->layer_tensor[i] = -1;
		p->layer_tensor[i + 1] = t;
	} else {
		if (w.fc)
			md_init(&tmd, net->model.batch, l->output, 1, 1, w.dst_dt,
				net->cfg.layout == LAYOUT_NHWC ? dnnl_nhwc : dnnl_nchw);
		else
			tmd = dst;
		t = tensor_new(net, &tmd, w.s_dst, p->plan[i].last_read, -1);
		p->layer_tensor[i] = t;
	}
	if (t < 0) {
		err = t;
		goto out;
	}
	err = op_tensor_arg(net, op, DNNL_ARG_SRC, ts, T_SRC);
	if (!err)
		err = weights_emit(net, op, &w, ew, eb, &wei, &bias);
	if (err)
		goto out;
	if (w.fc) {
		/* the 2-D result is the same bytes as the tensor's (n, c, 1, 1) */
		err = op_mem(net, op, DNNL_ARG_DST, &dst, p->bufs[p->tens[t].buf].ptr);
		net->ops[op].tensors[T_DST].ptr = p->bufs[p->tens[t].buf].ptr;
		net->ops[op].tensors[T_DST].bytes = md_bytes(&dst);
		p->op_dst_buf[op] = p->tens[t].buf;
	} else {
		err = op_tensor_arg(net, op, DNNL_ARG_DST, t, T_DST);
	}
	if (err)
		goto out;
	net->ops[op].flops = wlayer_flops(net, l, w.fc);
	if (!w.fc) {
		net->ops[op].kernel = l->size;
		net->ops[op].stride = l->stride;
		net->ops[op].pad = l->pad_t;
	}
	post_ops_name(net, &w, net->ops[op].post_ops, sizeof(net->ops[op].post_ops));
	p->layer_op[i] = op;
	if (w.sum)
		p->layer_op[i + 1] = op;
	if (l->batch_normalize && !w.fold) {
		err = bn_emit(net, i, t, w.s_dst, p->plan[i].scale);
		if (err)
			goto out;
		p->tens[t].scale = p->plan[i].scale;
	}
	if (l->act != ACT_LINEAR && !w.post_act)
		err = act_emit(net, i, t, l->act);
out:
	free(w.s_w);
	free(ew);
	free(eb);
	return err;
}

/*
 * BatchNorm as its own op, in place. For int8 the statistics move into the
 * integer domain: with x = q_in/s_in and y = q_out/s_out,
 * q_out = s_out γ (q_in − s_in μ) / √(s_in²(σ²+ε)) + s_out β.
 */
int bn_emit(struct net *net, int i, int t, float s_in, float s_out)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	const struct layer_params *lp = &p->params[i];
	dnnl_batch_normalization_desc_t d;
	dnnl_primitive_attr_t attr = attr_new();
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_desc_t cmd;
	char name[80];
	int n = lp->n, op, buf, c, err = 0;
	float *prm;
	dnnl_status_t s;

	snprintf(name, sizeof(name), "%s.bn", l->name);
	s = dnnl_batch_normalization_forward_desc_init(&d, dnnl_forward_inference,
						       &p->tens[t].md, BN_EPSILON * s_in * s_in,
						       dnnl_use_global_stats | dnnl_use_scale |
						       dnnl_use_shift);
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(&pd, &d, attr, net->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "batch normalization", name);
	op = op_new(net, name, "bn", i);
	err = op_finish(net, op, pd);
	if (err)
		return err;
	buf = buf_fixed(net, 4 * n * sizeof(float));
	if (buf < 0)
		return buf;
	prm = p->bufs[buf].ptr;
	for (c = 0; c < n; c++) {
		prm[c] = lp->mean[c] * s_in;
		prm[n + c] = lp->var[c] * s_in * s_in;
		prm[2 * n + c] = lp->scales[c] * s_out;
		prm[3 * n + c] = lp->bias[c] * s_out;
	}
	{
		dnnl_dims_t dn = { n };

		dnnl_memory_desc_init_by_tag(&cmd, 1, dn, dnnl_f32, dnnl_x);
	}
	err = op_tensor_arg(net, op, DNNL_ARG_SRC, t, T_SRC);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_DST, t, T_DST);
	if (!err)
		err = op_mem(net, op, DNNL_ARG_MEAN, &cmd, prm);
	if (!err)
		err = op_mem(net, op, DNNL_ARG_VARIANCE, &cmd, prm + n);
	if (!err)
		err = op_mem(net, op, DNNL_ARG_SCALE, &cmd, prm + 2 * n);
	if (!err)
		err = op_mem(net, op, DNNL_ARG_SHIFT, &cmd, prm + 3 * n);
	net->ops[op].tensors[T_WEIGHTS].ptr = prm;
	net->ops[op].tensors[T_WEIGHTS].bytes = 4 * n * sizeof(float);
	net->ops[op].weight_bytes = 4 * n * sizeof(float);
	p->layer_op[i] = op;
	return err;
}

/* The activation as its own op, in place (a scale-free op: int8 keeps its scale). */
int act_emit(struct net *net, int i, int t, enum activation a)
{
	struct net_priv *p = net_priv(net);
	const struct layer *l = &net->model.layers[i];
	dnnl_eltwise_desc_t d;
	dnnl_primitive_attr_t attr = attr_new();
	dnnl_primitive_desc_t pd = NULL;
	char name[80];
	dnnl_status_t s;
	int op, err;

	snprintf(name, sizeof(name), "%s.%s", l->name, act_name(a));
	s = dnnl_eltwise_forward_desc_init(&d, dnnl_forward_inference, dnnl_eltwise_relu,
					   &p->tens[t].md, act_alpha(a), 0.0f);
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(&pd, &d, attr, net->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	if (s != dnnl_success)
		return dnnl_fail(s, "eltwise", name);
	op = op_new(net, name, act_name(a), i);
	err = op_finish(net, op, pd);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_SRC, t, T_SRC);
	if (!err)
		err = op_tensor_arg(net, op, DNNL_ARG_DST, t, T_DST);
	p->layer_op[i] = op;
	return err;
}
