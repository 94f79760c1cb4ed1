// SPDX-License-Identifier: MIT
/*
 * Decisions taken on the layer graph (graph.h: inputs, aliases, liveness)
 * before any primitive exists: what fuses into what, and for int8 which
 * tensors share a scale and what data type they hold.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/net-internal.h"
#include "util/util.h"

static int uf_find(int *parent, int x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

static void uf_union(int *parent, int a, int b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a != b)
		parent[a] = b;
}

static int shape_eq(struct shape a, struct shape b)
{
	return a.c == b.c && a.h == b.h && a.w == b.w;
}

static int writes_own_output(enum layer_kind k)
{
	return k == LK_CONV || k == LK_CONNECTED || k == LK_SHORTCUT;
}

/*
 * int8: a pooling, upsample or concat cannot rescale, so its output shares
 * its inputs' scale (and data type); everything else quantises its own
 * output. u8 only where every tensor of the group is nonnegative by
 * construction (after a fused relu, or the image input).
 */
static void plan_int8(struct net *net, int *parent)
{
	const struct model *m = &net->model;
	const struct calib *cal = net_priv(net)->calib;
	struct layer_plan *pl = net_priv(net)->plan;
	int fusion = net->cfg.fusion, n = m->n, i, k, in[MODEL_MAX_ROUTES + 1];
	int *signedness = xcalloc(n + 1, sizeof(int));
	int *size = xcalloc(n + 1, sizeof(int));
	float *gmax = xcalloc(n + 1, sizeof(float));

	for (i = 0; i <= n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++) {
		const struct layer *l = &m->layers[i];

		if (graph_is_alias(l) || writes_own_output(l->kind))
			continue;
		for (k = graph_inputs(m, i, in) - 1; k >= 0; k--)
			uf_union(parent, i, graph_tensor(m, in[k]));
	}
	for (i = 0; i <= n; i++) {
		const struct layer *l = i < n ? &m->layers[i] : NULL;
		float mx;
		int g;

		if (l && graph_is_alias(l))
			continue;
		g = uf_find(parent, i);
		mx = cal->out[i];
		if (l && writes_own_output(l->kind)) {
			if (!fusion || l->act != ACT_RELU)
				signedness[g] = 1;
			if (!fusion)
				mx = fmaxf(mx, cal->preact[i]);
		}
		gmax[g] = fmaxf(gmax[g], mx);
		size[g]++;
		pl[i].maxabs = mx;
	}
	for (i = 0; i <= n; i++) {
		int g = uf_find(parent, i);
		float range = signedness[g] ? 127.0f : 255.0f;

		pl[i].group = g;
		pl[i].dt = signedness[g] ? dnnl_s8 : dnnl_u8;
		pl[i].scale = gmax[g] > 1e-30f ? range / gmax[g] : 1.0f;
		/* the net's results leave the last conv as f32 */
		if (i < n && pl[i].is_output && size[g] == 1 &&
		    writes_own_output(m->layers[i].kind)) {
			pl[i].dt = dnnl_f32;
			pl[i].scale = 1.0f;
		}
	}
	for (i = 0; i < n; i++)
		if (graph_is_alias(&m->layers[i])) {
			pl[i].dt = pl[graph_tensor(m, i)].dt;
			pl[i].scale = pl[graph_tensor(m, i)].scale;
		}
	free(signedness);
	free(size);
	free(gmax);
}

static int is_8bit(dnnl_data_type_t dt)
{
	return dt == dnnl_s8 || dt == dnnl_u8;
}

/*
 * A [shortcut] becomes the sum post-op of the conv before it when that conv's
 * output feeds only the shortcut and the added tensor is dead afterwards:
 * the conv then accumulates in place into the added tensor's buffer. In int8
 * the two may differ in sign (s8 added, u8 after the relu): the sum reads the
 * buffer as s8 and the conv writes u8 over it.
 */
static void plan_fusion(struct net *net)
{
	const struct model *m = &net->model;
	struct layer_plan *pl = net_priv(net)->plan;
	int i;

	for (i = 0; i + 1 < m->n; i++) {
		const struct layer *c = &m->layers[i], *s = &m->layers[i + 1];
		int f;

		if (c->kind != LK_CONV || s->kind != LK_SHORTCUT)
			continue;
		f = graph_tensor(m, s->from);
		/* not into the conv's own source: it would overwrite what it reads */
		if (f == i || f == m->n || f == graph_tensor(m, i - 1) ||
		    pl[i].last_read != i + 1 || pl[i].is_output ||
		    pl[f].last_read != i + 1 || pl[f].is_output ||
		    !shape_eq(c->out, m->layers[f].out) ||
		    (pl[i + 1].dt != pl[f].dt && !(is_8bit(pl[i + 1].dt) && is_8bit(pl[f].dt))))
			continue;
		pl[i].fuse_sum = 1;
		pl[i + 1].absorbed = 1;
	}
}

int plan_make(struct net *net)
{
	const struct model *m = &net->model;
	struct net_priv *p = net_priv(net);
	int n = m->n, i, k, nout;
	int *outs = xcalloc(n + 1, sizeof(int)), *last = xcalloc(n + 1, sizeof(int));
	int *parent = NULL;
	struct layer_plan *pl;

	pl = p->plan = xcalloc(n + 1, sizeof(*pl));
	graph_last_reads(m, last);
	for (i = 0; i <= n; i++) {
		pl[i].src = i < n ? graph_resolve(m, i) : -1;
		pl[i].last_read = last[i] == GRAPH_FOREVER ? NEVER : last[i];
		pl[i].dt = net->cfg.precision == PREC_BF16 ? dnnl_bf16 : dnnl_f32;
		pl[i].scale = 1.0f;
	}
	nout = graph_outputs(m, outs);
	for (k = 0; k < nout; k++)
		pl[outs[k]].is_output = 1;
	if (net->cfg.precision == PREC_INT8) {
		parent = xcalloc(n + 1, sizeof(int));
		plan_int8(net, parent);
	}
	if (net->cfg.fusion)
		plan_fusion(net);
	free(parent);
	free(last);
	free(outs);
	return 0;
}
