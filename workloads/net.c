// SPDX-License-Identifier: MIT
/*
 * A shaped model as oneDNN primitives: build, run op by op, read results.
 * How the ops are made lives in net-*.c; see net-internal.h for the map.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/net-internal.h"
#include "util/util.h"

const char *precision_name(enum cp_precision p)
{
	return p == PREC_BF16 ? "bf16" : p == PREC_INT8 ? "int8" : "f32";
}

const char *layout_name(enum cp_layout l)
{
	return l == LAYOUT_NHWC ? "nhwc" : l == LAYOUT_BLOCKED ? "blocked" : "nchw";
}

int precision_from_string(const char *s, enum cp_precision *p)
{
	static const enum cp_precision all[] = { PREC_F32, PREC_BF16, PREC_INT8 };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(all); k++)
		if (s && !strcmp(s, precision_name(all[k]))) {
			*p = all[k];
			return 0;
		}
	return -EINVAL;
}

int layout_from_string(const char *s, enum cp_layout *l)
{
	static const enum cp_layout all[] = { LAYOUT_NCHW, LAYOUT_NHWC, LAYOUT_BLOCKED };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(all); k++)
		if (s && !strcmp(s, layout_name(all[k]))) {
			*l = all[k];
			return 0;
		}
	return -EINVAL;
}

const char *net_dnnl_version(void)
{
	static char buf[32];
	const dnnl_version_t *v = dnnl_version();

	snprintf(buf, sizeof(buf), "%d.%d.%d", v->major, v->minor, v->patch);
	return buf;
}

/* One scratchpad for all: ops run one at a time. */
static int scratchpad_share(struct net *net)
{
	struct net_priv *p = net_priv(net);
	size_t max = 0;
	int i, buf, err = 0;

	for (i = 0; i < net->nops; i++)
		if (net->ops[i].scratchpad_bytes > max)
			max = net->ops[i].scratchpad_bytes;
	if (!max)
		return 0;
	buf = buf_fixed(net, max);
	if (buf < 0)
		return buf;
	p->scratch = p->bufs[buf].ptr;
	p->scratch_bytes = max;
	for (i = 0; i < net->nops && !err; i++) {
		if (!net->ops[i].scratchpad_bytes)
			continue;
		err = op_mem(net, i, DNNL_ARG_SCRATCHPAD, &p->op_scratch_md[i], p->scratch);
		net->ops[i].tensors[T_SCRATCHPAD].ptr = p->scratch;
		net->ops[i].tensors[T_SCRATCHPAD].bytes = net->ops[i].scratchpad_bytes;
	}
	return err;
}

static void net_count(struct net *net)
{
	int i;

	for (i = 0; i < net->nops; i++) {
		const struct net_op *op = &net->ops[i];

		net->nconv_ops += !strcmp(op->kind, "conv") || !strcmp(op->kind, "fc");
		net->nreorders += !strcmp(op->kind, "reorder");
		net->nbn_ops += !strcmp(op->kind, "bn");
		net->nact_ops += !strcmp(op->kind, "relu") || !strcmp(op->kind, "leaky");
		net->nadd_ops += !strcmp(op->kind, "add");
		net->nsum_fused += strstr(op->post_ops, "sum") != NULL;
		net->nref_ops += op->is_ref;
	}
	net->op_count = net->nops;
}

/* Build with @params (borrowed); @cal is the f32 pass's ranges for int8. */
static int net_build_with(struct net *net, const struct model *m,
			  const struct net_config *cfg, struct layer_params *params,
			  const struct calib *cal)
{
	struct net_priv *p;
	dnnl_status_t s;
	int i, buf, err;

	memset(net, 0, sizeof(*net));
	net->cfg = *cfg;
	net->model = *m;
	net->model.layers = xmalloc(m->n * sizeof(*m->layers));
	memcpy(net->model.layers, m->layers, m->n * sizeof(*m->layers));
	p = net->priv = xcalloc(1, sizeof(*p));
	p->params = params;
	p->calib = cal;
	p->valid_upto = -1;
	p->layer_tensor = xmalloc((m->n + 1) * sizeof(int));
	p->layer_op = xmalloc((m->n + 1) * sizeof(int));
	for (i = 0; i <= m->n; i++)
		p->layer_tensor[i] = p->layer_op[i] = -1;

	p->need_wait = dnnl_version()->cpu_runtime != DNNL_RUNTIME_OMP &&
		       dnnl_version()->cpu_runtime != DNNL_RUNTIME_SEQ;
	s = dnnl_engine_create(&net->engine, dnnl_cpu, 0);
	if (s == dnnl_success)
		s = dnnl_stream_create(&net->stream, net->engine, dnnl_stream_default_flags);
	if (s != dnnl_success) {
		err = cp_error(-ENODEV, "cannot create a oneDNN CPU engine: %d", s);
		goto out;
	}
	err = plan_make(net);
	if (err)
		goto out;
	p->ninput = (size_t)m->batch * m->input.c * m->input.h * m->input.w;
	buf = buf_fixed(net, p->ninput * sizeof(float));
	if (buf < 0) {
		err = buf;
		goto out;
	}
	p->input = p->bufs[buf].ptr;
	input_fill(p->input, p->ninput, cfg->seed);
	for (i = 0; i < m->n && !err; i++)
		err = layer_emit(net, i);
	if (!err)
		err = outputs_emit(net);
	if (!err)
		err = scratchpad_share(net);
	if (!err)
		net_count(net);
out:
	p->params = NULL;
	p->calib = NULL;
	return err;
}

static float maxabs(const struct tensor_ref *t)
{
	const float *x = t->ptr;
	size_t k, n = t->bytes / sizeof(float);
	float mx = 0.0f;

	for (k = 0; k < n; k++)
		mx = fmaxf(mx, fabsf(x[k]));
	return mx;
}

/*
 * int8 ranges from one f32 pass on the same input, unfused so that every
 * intermediate (raw conv, BN, activation) is seen: per-tensor max |x|.
 */
static int calibrate(const struct model *m, const struct net_config *cfg,
		     struct layer_params *params, struct calib *cal)
{
	struct net_config c = *cfg;
	struct net cn;
	int i, k, err;

	c.precision = PREC_F32;
	c.fusion = 0;
	c.layout = LAYOUT_BLOCKED;
	memset(&c.allocator, 0, sizeof(c.allocator));
	err = net_build_with(&cn, m, &c, params, NULL);
	if (err)
		goto out;
	cal->out = xcalloc(m->n + 1, sizeof(float));
	cal->preact = xcalloc(m->n + 1, sizeof(float));
	cal->raw = xcalloc(m->n + 1, sizeof(float));
	for (i = 0; i < cn.nops && !err; i++) {
		const struct net_op *op = &cn.ops[i];
		float mx;
		int l = op->layer;

		err = net_exec_op(&cn, i);
		mx = maxabs(&op->tensors[T_DST]);
		if (!strcmp(op->name, "reorder.input"))
			cal->out[m->n] = cal->preact[m->n] = mx;
		if (l < 0 || !strncmp(op->kind, "reorder", 7))
			continue;
		/* ops come in order conv, bn, act: each later one overrides */
		if (!strcmp(op->kind, "conv") || !strcmp(op->kind, "fc"))
			cal->raw[l] = mx;
		if (strcmp(op->kind, "relu") && strcmp(op->kind, "leaky"))
			cal->preact[l] = mx;
		cal->out[l] = mx;
	}
	for (k = 0; k < m->n; k++) {
		int r = graph_resolve(m, k);

		r = r < 0 ? m->n : r;
		cal->out[k] = cal->out[r];
		cal->preact[k] = cal->preact[r];
		cal->raw[k] = cal->raw[r];
	}
out:
	net_release(&cn);
	return err;
}

int net_build(struct net *net, const struct model *m, const struct net_config *cfg)
{
	struct layer_params *params = NULL;
	struct calib cal = { NULL, NULL, NULL };
	struct model sm = *m;
	int err;

	memset(net, 0, sizeof(*net));
	if (cfg->batch < 1 || m->n < 1)
		return cp_error(-EINVAL, "cannot build '%s': %s", m->name,
				m->n < 1 ? "the model has no layers" : "batch must be at least 1");
	/* the config's size and batch win over the model's shape */
	sm.layers = xmalloc(m->n * sizeof(*m->layers));
	memcpy(sm.layers, m->layers, m->n * sizeof(*m->layers));
	if ((cfg->width && cfg->width != m->input.w) || (cfg->height && cfg->height != m->input.h) ||
	    cfg->batch != m->batch)
		err = model_shape(&sm, cfg->width ? cfg->width : m->input.w,
				  cfg->height ? cfg->height : m->input.h, cfg->batch);
	else
		err = 0;
	if (!err)
		err = params_load(&sm, cfg, &params);
	if (!err && cfg->precision == PREC_INT8)
		err = calibrate(&sm, cfg, params, &cal);
	if (!err)
		err = net_build_with(net, &sm, cfg, params, cfg->precision == PREC_INT8 ? &cal : NULL);
	if (err)
		net_release(net);
	params_free(params, sm.n);
	free(sm.layers);
	free(cal.out);
	free(cal.preact);
	free(cal.raw);
	return err;
}

/*
 * On the CPU engine with the OpenMP (or sequential) runtime a primitive runs
 * to completion inside dnnl_primitive_execute(): its parallel regions join
 * before it returns, and oneDNN's cpu_stream_t::wait() is an empty function
 * for these runtimes. So the hot path waits only for a library built with
 * another runtime (a threadpool one queues work).
 */
int net_exec_op(struct net *net, int i)
{
	struct net_priv *p = net_priv(net);
	struct net_op *op;
	dnnl_status_t s;

	if (i < 0 || i >= net->nops)
		return cp_error(-EINVAL, "no op %d in a net of %d", i, net->nops);
	op = &net->ops[i];
	s = dnnl_primitive_execute(op->prim, net->stream, op->nargs, op->args);
	if (s == dnnl_success && p->need_wait)
		s = dnnl_stream_wait(net->stream);
	if (s != dnnl_success) {
		p->valid_upto = -1;
		return cp_error(-EIO, "oneDNN failed to run '%s': %d", op->name, s);
	}
	p->valid_upto = i == 0 || i == p->valid_upto + 1 ? i : -1;
	if (p->valid_upto == net->nops - 1)
		p->out_valid = 1;
	return 0;
}

int net_run(struct net *net)
{
	int i, err;

	for (i = 0; i < net->nops; i++) {
		err = net_exec_op(net, i);
		if (err)
			return err;
	}
	return 0;
}

int net_output(struct net *net, const float **out, size_t *n)
{
	struct net_priv *p = net_priv(net);
	int err;

	if (!p->out_valid) {
		err = net_run(net);
		if (err)
			return err;
	}
	*out = p->out;
	*n = p->nout;
	return 0;
}

float *net_input(struct net *net, size_t *n)
{
	struct net_priv *p = net_priv(net);

	p->out_valid = 0;
	p->valid_upto = -1;
	*n = p->ninput;
	return p->input;
}

/* Whether op @op's output in buffer @buf is still there. */
static int layer_intact(struct net *net, int op, int buf)
{
	struct net_priv *p = net_priv(net);
	int k;

	if (p->valid_upto < op)
		return 0;
	for (k = op + 1; k <= p->valid_upto; k++)
		if (p->op_dst_buf[k] == buf)
			return 0;
	return 1;
}

/*
 * Buffers are reused once a tensor is dead, so a layer's output may have been
 * overwritten: then the ops up to it run again (same input, same result).
 */
int net_layer_output(struct net *net, int layer, const float **out, size_t *n)
{
	struct net_priv *p = net_priv(net);
	const struct net_tensor *t;
	dnnl_memory_desc_t user;
	int r, op, k, err;
	size_t cnt;

	if (layer < 0 || layer >= net->model.n)
		return cp_error(-EINVAL, "no layer %d in '%s'", layer, net->model.name);
	r = graph_resolve(&net->model, layer);
	r = r < 0 ? net->model.n : r;
	if (p->layer_tensor[r] < 0)
		return cp_error(-ENODATA, "the output of layer '%s' is fused into the next op",
				net->model.layers[layer].name);
	t = &p->tens[p->layer_tensor[r]];
	op = r == net->model.n ? 0 : p->layer_op[r];
	if (!layer_intact(net, op, t->buf))
		for (k = 0; k <= op; k++) {
			err = net_exec_op(net, k);
			if (err)
				return err;
		}
	cnt = (size_t)t->md.dims[0] * t->md.dims[1] * (t->md.ndims > 2 ? t->md.dims[2] : 1) *
	      (t->md.ndims > 3 ? t->md.dims[3] : 1);
	if (cnt > p->layer_out_n) {
		buf_data_free(net, p->layer_out, p->layer_out_n * sizeof(float));
		p->layer_out_n = 0;
		p->layer_out = buf_data_alloc(net, cnt * sizeof(float));
		if (!p->layer_out)
			return cp_error(-ENOMEM, "cannot allocate %zu bytes for a layer's output",
					cnt * sizeof(float));
		p->layer_out_n = cnt;
	}
	md_init(&user, t->md.dims[0], t->md.dims[1], t->md.ndims > 2 ? t->md.dims[2] : 1,
		t->md.ndims > 3 ? t->md.dims[3] : 1, dnnl_f32, dnnl_nchw);
	err = reorder_once(net, &t->md, p->bufs[t->buf].ptr, &user, p->layer_out, NULL, 0, 0);
	if (err)
		return err;
	for (k = 0; t->scale != 1.0f && (size_t)k < cnt; k++)
		p->layer_out[k] /= t->scale;
	*out = p->layer_out;
	*n = cnt;
	return 0;
}

int net_layer_weights(struct net *net, int layer, float **w, float **bias)
{
	const struct model *m = &net->model;
	struct layer_params *params = NULL;
	struct layer_params *lp;
	int err;

	if (layer < 0 || layer >= m->n ||
	    (m->layers[layer].kind != LK_CONV && m->layers[layer].kind != LK_CONNECTED))
		return cp_error(-EINVAL, "layer %d has no weights", layer);
	err = params_load(m, &net->cfg, &params);
	if (err)
		return err;
	lp = &params[layer];
	*w = xmalloc(lp->nw * sizeof(float));
	*bias = xmalloc(lp->n * sizeof(float));
	params_fold_bn(lp, *w, *bias);
	params_free(params, m->n);
	return 0;
}

void net_release(struct net *net)
{
	struct net_priv *p = net_priv(net);
	int i;

	for (i = 0; i < net->nops; i++) {
		dnnl_primitive_destroy(net->ops[i].prim);
		free(net->ops[i].args);
	}
	free(net->ops);
	if (p) {
		for (i = 0; i < p->nmems; i++)
			dnnl_memory_destroy(p->mems[i]);
		for (i = 0; i < p->nbufs; i++)
			buf_data_free(net, p->bufs[i].ptr, p->bufs[i].bytes);
		free(p->mems);
		free(p->bufs);
		free(p->tens);
		free(p->plan);
		free(p->layer_tensor);
		free(p->layer_op);
		free(p->op_dst_buf);
		free(p->op_scratch_md);
		free(p->temps);
		buf_data_free(net, p->layer_out, p->layer_out_n * sizeof(float));
		free(p);
	}
	if (net->stream)
		dnnl_stream_destroy(net->stream);
	if (net->engine)
		dnnl_engine_destroy(net->engine);
	free(net->model.layers);
	memset(net, 0, sizeof(*net));
}
