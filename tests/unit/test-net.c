// SPDX-License-Identifier: MIT
/*
 * The oneDNN net: layouts, fusion and precisions agree with each other and
 * with naive C arithmetic; darknet weights files load; the op rows carry
 * what oneDNN chose. Small sizes keep it fast: ResNet-50 at 64x64, YOLOv3 at
 * 96x96 and a few-layer cfg.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "workloads/model.h"
#include "workloads/net.h"
#include "util/util.h"

/* conv, maxpool, three convs + shortcut (fusible), route concat, upsample, conv */
static const char tiny_cfg[] =
	"[net]\nwidth=16\nheight=16\nchannels=3\n"
	"[convolutional]\nname=c0\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
	"[maxpool]\nname=pool\nsize=2\nstride=2\n"
	"[convolutional]\nname=c2\nbatch_normalize=1\nfilters=32\nsize=3\nstride=1\npad=1\nactivation=relu\n"
	"[convolutional]\nname=c3\nbatch_normalize=1\nfilters=16\nsize=1\nstride=1\npad=1\nactivation=relu\n"
	"[convolutional]\nname=c4\nbatch_normalize=1\nfilters=32\nsize=3\nstride=1\npad=1\nactivation=linear\n"
	"[shortcut]\nname=add\nfrom=-3\nactivation=relu\n"
	"[route]\nname=cat\nlayers=-1,-5\n"
	"[upsample]\nname=up\nstride=2\n"
	"[convolutional]\nname=head\nfilters=8\nsize=1\nstride=1\npad=1\nactivation=linear\n";

/* the shortcut adds the conv's own input: in place would overwrite its source */
static const char hazard_cfg[] =
	"[net]\nwidth=8\nheight=8\nchannels=3\n"
	"[convolutional]\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=relu\n"
	"[convolutional]\nfilters=16\nsize=1\nstride=1\npad=1\nactivation=linear\n"
	"[shortcut]\nfrom=-2\nactivation=relu\n";

/* a conv with BN + leaky, a plain 1x1 conv, a connected layer */
static const char weights_cfg[] =
	"[net]\nwidth=6\nheight=5\nchannels=3\n"
	"[convolutional]\nbatch_normalize=1\nfilters=4\nsize=3\nstride=2\npad=1\nactivation=leaky\n"
	"[convolutional]\nfilters=2\nsize=1\nstride=1\npad=1\nactivation=linear\n"
	"[connected]\noutput=3\nactivation=relu\n";

static int build(struct net *net, const struct model *m, enum cp_precision p,
		 enum cp_layout l, int fusion)
{
	struct net_config cfg = { 0 };
	int err;

	cfg.batch = m->batch;
	cfg.seed = 7;
	cfg.precision = p;
	cfg.layout = l;
	cfg.fusion = fusion;
	err = net_build(net, m, &cfg);
	if (err)
		printf("# net_build %s %s fusion %d: %s\n", precision_name(p), layout_name(l),
		       fusion, cp_strerror(err));
	return err;
}

/* The net's output, copied (the net's array is reused by the next run). */
static float *output_copy(struct net *net, size_t *n)
{
	const float *out;
	float *c;

	if (net_output(net, &out, n))
		return NULL;
	c = xmalloc(*n * sizeof(float));
	memcpy(c, out, *n * sizeof(float));
	return c;
}

static double rel_diff(const float *a, const float *b, size_t n)
{
	double mx = 0, d = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		mx = fmax(mx, fabs(a[k]));
		d = fmax(d, fabs(a[k] - b[k]));
	}
	return mx > 0 ? d / mx : d;
}

static double cosine(const float *a, const float *b, size_t n)
{
	double ab = 0, aa = 0, bb = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		ab += (double)a[k] * b[k];
		aa += (double)a[k] * a[k];
		bb += (double)b[k] * b[k];
	}
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static int find_op(const struct net *net, const char *name)
{
	int i;

	for (i = 0; i < net->nops; i++)
		if (!strcmp(net->ops[i].name, name))
			return i;
	return -1;
}

/* Every op names its implementation and formats; weighted ops their weights. */
static void check_rows(const struct net *net, const char *what)
{
	int i, bad = 0, tens = 0, scratch = 1;

	for (i = 0; i < net->nops; i++) {
		const struct net_op *op = &net->ops[i];
		int weighted = !strcmp(op->kind, "conv") || !strcmp(op->kind, "fc");

		if (!op->impl[0] || !op->src_fmt[0] || !op->dst_fmt[0] || !op->dtype[0] ||
		    (weighted && (!op->wei_fmt[0] || !op->flops || !op->weight_bytes))) {
			if (!bad++)
				printf("# op %d '%s': impl '%s' src '%s' wei '%s' dst '%s'\n", i,
				       op->name, op->impl, op->src_fmt, op->wei_fmt, op->dst_fmt);
		}
		if (op->tensors[T_SRC].ptr && op->tensors[T_DST].ptr &&
		    (!weighted || op->tensors[T_WEIGHTS].ptr))
			tens++;
		if (op->scratchpad_bytes && !op->tensors[T_SCRATCHPAD].ptr)
			scratch = 0;
	}
	ok(!bad, "%s: every op has an impl, formats and a dtype", what);
	is_int(tens, net->nops, "%s: every op has its src, dst and weight ranges", what);
	ok(scratch, "%s: ops with a scratchpad point into the shared one", what);
}

/* Layer by layer: finite and neither vanishing nor exploding. */
static void check_magnitudes(struct net *net, const char *what)
{
	double lo = 1e30, hi = 0;
	int i, bad = 0, worst = -1;

	for (i = 0; i < net->model.n; i++) {
		const float *x;
		double mx = 0;
		size_t n, k;

		if (net_layer_output(net, i, &x, &n))
			continue;	/* fused into the next op */
		for (k = 0; k < n; k++) {
			if (!isfinite(x[k]))
				bad++;
			mx = fmax(mx, fabs(x[k]));
		}
		if (mx < lo)
			lo = mx;
		if (mx > hi) {
			hi = mx;
			worst = i;
		}
	}
	is_int(bad, 0, "%s: no inf or nan in any layer", what);
	ok(lo > 1e-2 && hi < 1e3, "%s: every layer's max |x| in [%.3g, %.3g] (largest at %d)",
	   what, lo, hi, worst);
}

/* out[o] = act(Σ w·in + b[o]) the slow way, for one conv layer. */
static void naive_conv(const struct layer *l, int batch, const float *in, const float *w,
		       const float *b, float *out)
{
	int n, o, c, y, x, ky, kx;

	for (n = 0; n < batch; n++)
	for (o = 0; o < l->out.c; o++)
	for (y = 0; y < l->out.h; y++)
	for (x = 0; x < l->out.w; x++) {
		double s = b[o];

		for (c = 0; c < l->in.c; c++)
		for (ky = 0; ky < l->size; ky++)
		for (kx = 0; kx < l->size; kx++) {
			int iy = y * l->stride - l->pad_t + ky, ix = x * l->stride - l->pad_l + kx;

			if (iy < 0 || ix < 0 || iy >= l->in.h || ix >= l->in.w)
				continue;
			s += (double)w[((o * l->in.c + c) * l->size + ky) * l->size + kx] *
			     in[((n * l->in.c + c) * l->in.h + iy) * l->in.w + ix];
		}
		if (l->act == ACT_RELU && s < 0)
			s = 0;
		if (l->act == ACT_LEAKY && s < 0)
			s *= 0.1;
		out[((n * l->out.c + o) * l->out.h + y) * l->out.w + x] = (float)s;
	}
}

static void check_naive_conv(struct net *net, int layer, const char *what)
{
	const struct layer *l = &net->model.layers[layer];
	float *in = NULL, *w = NULL, *b = NULL, *want = NULL;
	const float *x, *got;
	size_t n, nout;

	if (layer == 0)
		x = net_input(net, &n);
	if ((layer > 0 && net_layer_output(net, layer - 1, &x, &n)) ||
	    net_layer_weights(net, layer, &w, &b)) {
		ok(0, "%s: inputs and weights of '%s': %s", what, l->name, cp_strerror(-1));
		return;
	}
	in = xmalloc(n * sizeof(float));
	memcpy(in, x, n * sizeof(float));
	want = xmalloc((size_t)net->model.batch * l->out.c * l->out.h * l->out.w * sizeof(float));
	naive_conv(l, net->model.batch, in, w, b, want);
	if (net_layer_output(net, layer, &got, &nout) == 0) {
		double d = rel_diff(want, got, nout);

		ok(d <= 1e-4, "%s: '%s' (%dx%d stride %d) matches a naive conv (%.2g)", what,
		   l->name, l->size, l->size, l->stride, d);
	} else {
		ok(0, "%s: output of '%s': %s", what, l->name, cp_strerror(-1));
	}
	free(in);
	free(w);
	free(b);
	free(want);
}

static int layer_index(const struct model *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->layers[i].name, name))
			return i;
	return -1;
}

static void test_resnet(void)
{
	struct model m;
	struct net base, net;
	float *ref = NULL, *out;
	size_t n = 0, n2;
	int i, conv2;

	if (model_load("resnet50", &m) || model_shape(&m, 64, 64, 1)) {
		ok(0, "resnet50 loads: %s", cp_strerror(-1));
		return;
	}
	conv2 = layer_index(&m, "layer2.0.conv2");
	if (build(&base, &m, PREC_F32, LAYOUT_BLOCKED, 1) == 0) {
		ref = output_copy(&base, &n);
		is_int(n, 1000, "resnet50: 1000 outputs");
		is_int(base.nops, 58, "resnet50 fused: 58 ops (53 conv, fc, 2 pools, 2 reorders)");
		is_int(base.nconv_ops, 54, "resnet50: 53 convs and the fc");
		is_int(base.nsum_fused, 16, "resnet50 fused: all 16 shortcuts are sum post-ops");
		is_int(base.nbn_ops + base.nact_ops + base.nadd_ops, 0,
		       "resnet50 fused: no separate bn, activation or add op");
		i = find_op(&base, "layer1.1.conv3");
		is_str(i >= 0 ? base.ops[i].post_ops : "", "bn+sum+relu",
		       "resnet50: conv3 does BN, the add and its relu");
		i = find_op(&base, "layer1.0.conv1");
		is_str(i >= 0 ? base.ops[i].post_ops : "", "bn+relu", "resnet50: conv1 does BN and relu");
		is_str(base.ops[0].name, "reorder.input", "the first op is the input reorder");
		is_str(base.ops[0].src_fmt, "nchw", "the input reorder reads the user's nchw");
		ok(strcmp(base.ops[0].dst_fmt, "nchw") != 0,
		   "blocked: the input is reordered into what the first conv chose (%s)",
		   base.ops[0].dst_fmt);
		is_str(base.ops[base.nops - 1].name, "reorder.output", "the last op is the output reorder");
		is_int(base.nref_ops, 0, "resnet50 f32 blocked: no reference kernel");
		check_rows(&base, "resnet50 f32 blocked");
		check_magnitudes(&base, "resnet50 f32");
		check_naive_conv(&base, conv2, "resnet50 fused blocked");
	}
	if (!ref)
		goto out;
	if (build(&net, &m, PREC_F32, LAYOUT_NCHW, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "resnet50: nchw agrees with blocked (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		for (i = 0; i < net.nops; i++)
			if (strcmp(net.ops[i].kind, "reorder") && strcmp(net.ops[i].kind, "fc") &&
			    strcmp(net.ops[i].src_fmt, "nchw"))
				break;
		is_int(i, net.nops, "nchw: every op reads nchw");
		check_naive_conv(&net, conv2, "resnet50 fused nchw");
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_F32, LAYOUT_NHWC, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "resnet50: nhwc agrees with blocked (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_F32, LAYOUT_BLOCKED, 0) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "resnet50: unfused agrees with fused (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		is_int(net.nops, 176, "resnet50 unfused: 176 ops");
		is_int(net.nbn_ops, 53, "resnet50 unfused: 53 bn ops");
		is_int(net.nadd_ops, 16, "resnet50 unfused: 16 add ops");
		is_int(net.nact_ops, 49, "resnet50 unfused: 49 relu ops");
		check_naive_conv(&net, conv2, "resnet50 unfused blocked");
		free(out);
		net_release(&net);
	}
	/*
	 * bf16 keeps 8 significant bits (relative step 2^-8); over ~50 layers
	 * the errors add up like a random walk to a few percent of the largest
	 * output, while the direction of the output vector stays put.
	 */
	if (build(&net, &m, PREC_BF16, LAYOUT_BLOCKED, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && cosine(ref, out, n) > 0.999 && rel_diff(ref, out, n) < 0.05,
		   "resnet50 bf16 close to f32 (cosine %.5f, max diff %.3g of max)",
		   out ? cosine(ref, out, n) : 0, out ? rel_diff(ref, out, n) : -1);
		ok(!strcmp(net.ops[1].dtype, "bf16"), "bf16: conv1 reads bf16 (%s)", net.ops[1].dtype);
		free(out);
		net_release(&net);
	}
	/*
	 * int8: 256 levels per tensor, per-channel weights; each layer adds
	 * ~0.5% noise. A cosine above 0.99 on the logits is the usual bar for
	 * post-training quantisation being right (a wrong scale or sign gives
	 * far less).
	 */
	if (build(&net, &m, PREC_INT8, LAYOUT_BLOCKED, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && cosine(ref, out, n) > 0.99, "resnet50 int8 close to f32 (cosine %.5f)",
		   out ? cosine(ref, out, n) : 0);
		i = find_op(&net, "layer1.0.conv1");
		ok(i >= 0 && !strcmp(net.ops[i].dtype, "u8"), "int8: a conv after relu reads u8");
		is_int(net.nsum_fused, 16, "int8: all 16 shortcuts fused");
		is_int(net.nref_ops, 0, "int8 blocked: no reference kernel");
		check_rows(&net, "resnet50 int8");
		free(out);
		net_release(&net);
	}
	free(ref);
	net_release(&base);
out:
	model_release(&m);
}

static void test_yolov3(void)
{
	struct model m;
	struct net base, net;
	float *ref = NULL, *out;
	size_t n = 0, n2;
	int i, ref_convs = 0;

	if (model_load("yolov3", &m) || model_shape(&m, 96, 96, 1)) {
		ok(0, "yolov3 loads: %s", cp_strerror(-1));
		return;
	}
	if (build(&base, &m, PREC_F32, LAYOUT_BLOCKED, 1) == 0) {
		ref = output_copy(&base, &n);
		is_int(n, 255 * (3 * 3 + 6 * 6 + 12 * 12),
		       "yolov3: the three yolo inputs, concatenated");
		is_int(base.nsum_fused, 23, "yolov3 fused: 23 shortcuts as sum post-ops");
		is_int(find_op(&base, "reorder.output.yolo_106") > 0, 1, "one output reorder per yolo");
		i = find_op(&base, "conv_3");
		is_str(i >= 0 ? base.ops[i].post_ops : "", "bn+leaky+sum", "yolov3: conv_3 fuses the add");
		check_rows(&base, "yolov3 f32 blocked");
		check_magnitudes(&base, "yolov3 f32");
	}
	if (!ref)
		goto out;
	if (build(&net, &m, PREC_F32, LAYOUT_BLOCKED, 0) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "yolov3: unfused agrees with fused (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		is_int(net.nadd_ops, 23, "yolov3 unfused: 23 add ops");
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_F32, LAYOUT_NCHW, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "yolov3: nchw agrees with blocked (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		for (i = 0; i < net.nops; i++)
			ref_convs += !strcmp(net.ops[i].kind, "conv") && net.ops[i].is_ref;
		is_int(ref_convs, 0, "nchw: a fusion that only the reference kernel takes is given up");
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_INT8, LAYOUT_BLOCKED, 1) == 0) {
		out = output_copy(&net, &n2);
		ok(out && cosine(ref, out, n) > 0.99, "yolov3 int8 close to f32 (cosine %.5f)",
		   out ? cosine(ref, out, n) : 0);
		i = find_op(&net, "route_86");
		ok(i >= 0 && !strcmp(net.ops[i].dtype, "s8"), "int8: concat runs in s8");
		free(out);
		net_release(&net);
	}
	free(ref);
	net_release(&base);
out:
	model_release(&m);
}

static void test_tiny(void)
{
	struct model m;
	struct net base, net;
	float *ref = NULL, *out, *in;
	const float *x;
	size_t n = 0, n2, nin, k;
	int i, refs = 0, convs = 0, l2;

	if (model_parse(tiny_cfg, "tiny.cfg", &m) || model_shape(&m, 0, 0, 2)) {
		ok(0, "tiny cfg parses: %s", cp_strerror(-1));
		return;
	}
	if (build(&base, &m, PREC_F32, LAYOUT_NCHW, 1) == 0) {
		ref = output_copy(&base, &n);
		is_int(n, 2 * 8 * 16 * 16, "tiny: batch 2 x 8 x 16 x 16 outputs");
		is_int(base.nsum_fused, 1, "tiny: the shortcut fuses into c4");
		check_naive_conv(&base, 0, "tiny nchw batch 2");
		/* op by op gives what a run gives */
		for (i = 0; i < base.nops; i++)
			net_exec_op(&base, i);
		out = output_copy(&base, &n2);
		ok(out && !memcmp(out, ref, n * sizeof(float)), "net_exec_op in order = net_run");
		free(out);
		/* an early layer's buffer is reused later: it is recomputed on demand */
		l2 = layer_index(&m, "c2");
		if (net_layer_output(&base, l2, &x, &n2) == 0) {
			float *c2 = xmalloc(n2 * sizeof(float));

			memcpy(c2, x, n2 * sizeof(float));
			for (i = 0; i <= base.nops / 2; i++)
				net_exec_op(&base, i);
			ok(net_layer_output(&base, l2, &x, &n2) == 0 &&
			   !memcmp(c2, x, n2 * sizeof(float)), "a layer's output is the same however reached");
			free(c2);
		}
		is_int(net_layer_output(&base, layer_index(&m, "c4"), &x, &n2), -ENODATA,
		       "a conv fused with the shortcut has no output of its own");
		in = net_input(&base, &nin);
		for (k = 0; k < nin; k++)
			in[k] = 1.0f - in[k];
		out = output_copy(&base, &n2);
		ok(out && rel_diff(ref, out, n) > 1e-3, "a new input gives a new output");
		free(out);
		for (k = 0; k < nin; k++)
			in[k] = 1.0f - in[k];
		net_input(&base, &nin);
	}
	if (!ref)
		goto out;
	/* blocked: the input lands as nChw16c for the maxpool, the conv wants another */
	if (build(&net, &m, PREC_F32, LAYOUT_BLOCKED, 0) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "tiny: blocked unfused agrees with nchw (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		check_rows(&net, "tiny blocked");
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_F32, LAYOUT_NHWC, 0) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "tiny: nhwc unfused agrees with nchw (%.2g)",
		   out ? rel_diff(ref, out, n) : -1);
		free(out);
		net_release(&net);
	}
	/* int8 nchw convs have only oneDNN's reference kernel: slow, flagged, right */
	if (build(&net, &m, PREC_INT8, LAYOUT_NCHW, 1) == 0) {
		out = output_copy(&net, &n2);
		for (i = 0; i < net.nops; i++)
			if (!strcmp(net.ops[i].kind, "conv")) {
				convs++;
				refs += net.ops[i].is_ref;
			}
		ok(convs && refs == convs, "int8 nchw: %d of %d convs flagged is_ref", refs, convs);
		ok(out && cosine(ref, out, n) > 0.99, "int8 nchw still right (cosine %.5f)",
		   out ? cosine(ref, out, n) : 0);
		free(out);
		net_release(&net);
	}
	if (build(&net, &m, PREC_INT8, LAYOUT_BLOCKED, 0) == 0) {
		out = output_copy(&net, &n2);
		ok(out && cosine(ref, out, n) > 0.99, "int8 unfused blocked close to f32 (cosine %.5f)",
		   out ? cosine(ref, out, n) : 0);
		free(out);
		net_release(&net);
	}
	free(ref);
	net_release(&base);
out:
	model_release(&m);
}

static float wval(int k, float base, float amp)
{
	return base + amp * sinf(0.37f * k + 0.5f);
}

static int write_weights(const char *path, const struct model *m, int minor, long cut)
{
	int32_t hdr[3] = { 0, minor, 5 };
	uint64_t seen = 0;
	int i, k, kk = 0;
	FILE *f = fopen(path, "wb");
	long size;

	if (!f)
		return -1;
	fwrite(hdr, sizeof(hdr), 1, f);
	fwrite(&seen, minor >= 2 ? 8 : 4, 1, f);
	for (i = 0; i < m->n; i++) {
		const struct layer *l = &m->layers[i];
		int no = l->kind == LK_CONV ? l->filters : l->output;
		int nw = l->kind == LK_CONV ? no * l->in.c * l->size * l->size :
			 no * l->in.c * l->in.h * l->in.w;
		float v;

		for (k = 0; k < no; k++, kk++)
			fwrite((v = wval(kk, 0.0f, 0.1f), &v), 4, 1, f);
		if (l->batch_normalize) {
			for (k = 0; k < no; k++, kk++)
				fwrite((v = wval(kk, 1.0f, 0.4f), &v), 4, 1, f);
			for (k = 0; k < no; k++, kk++)
				fwrite((v = wval(kk, 0.0f, 0.2f), &v), 4, 1, f);
			for (k = 0; k < no; k++, kk++)
				fwrite((v = wval(kk, 1.0f, 0.5f), &v), 4, 1, f);
		}
		for (k = 0; k < nw; k++, kk++)
			fwrite((v = wval(kk, 0.0f, 0.6f), &v), 4, 1, f);
	}
	size = ftell(f);
	fclose(f);
	if (cut && truncate(path, size - cut) < 0)
		return -1;
	return 0;
}

/* weights_cfg by hand from the same values write_weights() wrote */
static void weights_expected(const struct model *m, const float *in, float *out)
{
	const struct layer *l0 = &m->layers[0], *l1 = &m->layers[1], *l2 = &m->layers[2];
	float w0[4 * 27], b0[4], a0[4 * 9], w1[2 * 4], b1[2], a1[2 * 9];
	int kk = 0, o, k, c;

	for (o = 0; o < 4; o++)
		b0[o] = wval(kk++, 0.0f, 0.1f);
	{
		float g[4], mu[4], var[4];

		for (o = 0; o < 4; o++)
			g[o] = wval(kk++, 1.0f, 0.4f);
		for (o = 0; o < 4; o++)
			mu[o] = wval(kk++, 0.0f, 0.2f);
		for (o = 0; o < 4; o++)
			var[o] = wval(kk++, 1.0f, 0.5f);
		for (k = 0; k < 4 * 27; k++)
			w0[k] = wval(kk++, 0.0f, 0.6f);
		for (o = 0; o < 4; o++) {
			float f = g[o] / sqrtf(var[o] + 1e-5f);

			for (k = 0; k < 27; k++)
				w0[o * 27 + k] *= f;
			b0[o] -= mu[o] * f;
		}
	}
	naive_conv(l0, 1, in, w0, b0, a0);
	for (o = 0; o < 2; o++)
		b1[o] = wval(kk++, 0.0f, 0.1f);
	for (k = 0; k < 8; k++)
		w1[k] = wval(kk++, 0.0f, 0.6f);
	naive_conv(l1, 1, a0, w1, b1, a1);
	{
		float b2[3];

		for (o = 0; o < 3; o++)
			b2[o] = wval(kk++, 0.0f, 0.1f);
		for (o = 0; o < 3; o++) {
			double s = b2[o];

			for (c = 0; c < 18; c++)
				s += (double)wval(kk + o * 18 + c, 0.0f, 0.6f) * a1[c];
			out[o] = s > 0 ? (float)s : 0.0f;
		}
	}
	(void)l2;
}

/* the config's size and batch reshape the net's copy of the model */
static void test_reshape(void)
{
	struct net_config cfg = { 0 };
	struct model m;
	struct net net;
	const float *out;
	size_t n = 0;

	if (model_parse(tiny_cfg, "tiny.cfg", &m))
		return;
	cfg.width = 32;
	cfg.height = 24;
	cfg.batch = 3;
	if (net_build(&net, &m, &cfg) == 0) {
		ok(net_output(&net, &out, &n) == 0 && n == 3 * 8 * 24 * 32,
		   "cfg 32x24 batch 3 on a 16x16 model: %zu outputs", n);
		is_int(m.input.w, 16, "the caller's model keeps its shape");
		net_release(&net);
	} else {
		ok(0, "reshaped build: %s", cp_strerror(-1));
	}
	cfg.width = MODEL_MAX_SIZE + 1;
	is_int(net_build(&net, &m, &cfg), -EINVAL, "a size the model cannot take is refused");
	model_release(&m);
}

static void test_hazard(void)
{
	struct model m;
	struct net a, b;
	float *x = NULL, *y = NULL;
	size_t n = 0, n2;

	if (model_parse(hazard_cfg, "hazard.cfg", &m) || model_shape(&m, 0, 0, 1))
		return;
	if (build(&a, &m, PREC_F32, LAYOUT_NCHW, 1) == 0) {
		is_int(a.nsum_fused, 0, "a shortcut adding the conv's own input is not fused");
		x = output_copy(&a, &n);
		net_release(&a);
	}
	if (build(&b, &m, PREC_F32, LAYOUT_NCHW, 0) == 0) {
		y = output_copy(&b, &n2);
		net_release(&b);
	}
	ok(x && y && rel_diff(y, x, n) <= 1e-5, "... and agrees with the unfused net");
	free(x);
	free(y);
	model_release(&m);
}

static void test_weights_file(void)
{
	char path[] = "/tmp/convprof-test-net-XXXXXX";
	struct net_config cfg = { 0 };
	struct model m;
	struct net net;
	const float *out;
	float want[3];
	size_t n, nin;
	int fd, err, fusion;

	fd = mkstemp(path);
	if (fd < 0 || model_parse(weights_cfg, "w.cfg", &m) || model_shape(&m, 0, 0, 1)) {
		ok(0, "weights test setup");
		return;
	}
	close(fd);
	cfg.batch = 1;
	cfg.seed = 3;
	cfg.weights = path;
	for (fusion = 0; fusion <= 1; fusion++) {
		write_weights(path, &m, fusion ? 2 : 1, 0);
		cfg.fusion = fusion;
		err = net_build(&net, &m, &cfg);
		if (err) {
			ok(0, "a darknet weights file (v0.%d) loads: %s", fusion ? 2 : 1,
			   cp_strerror(err));
			continue;
		}
		weights_expected(&m, net_input(&net, &nin), want);
		ok(net_output(&net, &out, &n) == 0 && n == 3 && rel_diff(want, out, 3) <= 1e-5,
		   "darknet weights (v0.%d, %s seen, fusion %s) reproduce the hand-computed output",
		   fusion ? 2 : 1, fusion ? "64-bit" : "32-bit", fusion ? "on" : "off");
		net_release(&net);
	}
	write_weights(path, &m, 2, 4);
	err = net_build(&net, &m, &cfg);
	is_int(err, -EINVAL, "a truncated weights file is rejected");
	ok(strstr(cp_strerror(err), "expected") && strstr(cp_strerror(err), "bytes"),
	   "... saying what size was expected: %s", cp_strerror(err));
	unlink(path);
	err = net_build(&net, &m, &cfg);
	ok(err < 0 && strstr(cp_strerror(err), path), "a missing weights file is named: %s",
	   cp_strerror(err));
	model_release(&m);
}

struct tracker {
	int live, total;
	size_t bytes;
	void *ptrs[512];
	size_t sizes[512];
};

static void *track_alloc(size_t bytes, void *ctx)
{
	struct tracker *t = ctx;
	void *p = aligned_alloc(64, bytes);

	/* NaN everywhere: an op reading what nothing wrote shows in the output */
	memset(p, 0xff, bytes);
	if (t->total < 512) {
		t->ptrs[t->total] = p;
		t->sizes[t->total] = bytes;
	}
	t->total++;
	t->live++;
	t->bytes += bytes;
	return p;
}

static void track_free(void *p, size_t bytes, void *ctx)
{
	struct tracker *t = ctx;

	t->live--;
	free(p);
}

static int tracked(const struct tracker *t, const struct tensor_ref *r)
{
	int k;

	if (!r->ptr)
		return 1;
	for (k = 0; k < t->total && k < 512; k++)
		if ((char *)r->ptr >= (char *)t->ptrs[k] &&
		    (char *)r->ptr + r->bytes <= (char *)t->ptrs[k] + t->sizes[k])
			return 1;
	return 0;
}

static void test_allocator(void)
{
	struct tracker t = { 0 };
	struct net_config cfg = { 0 };
	struct model m;
	struct net net;
	float *ref = NULL, *out;
	size_t n = 0, n2;
	int i, r, inside = 1;

	if (model_parse(tiny_cfg, "tiny.cfg", &m) || model_shape(&m, 0, 0, 1))
		return;
	if (build(&net, &m, PREC_F32, LAYOUT_NCHW, 1) == 0) {
		ref = output_copy(&net, &n);
		net_release(&net);
	}
	cfg.batch = 1;
	cfg.seed = 7;
	cfg.layout = LAYOUT_BLOCKED;
	cfg.fusion = 1;
	cfg.allocator.alloc = track_alloc;
	cfg.allocator.free = track_free;
	cfg.allocator.ctx = &t;
	if (net_build(&net, &m, &cfg) == 0) {
		ok(t.live > 0, "the net allocates through the given allocator (%d buffers, %zu bytes)",
		   t.live, t.bytes);
		for (i = 0; i < net.nops; i++)
			for (r = 0; r < T_NROLES; r++)
				inside &= tracked(&t, &net.ops[i].tensors[r]);
		ok(inside, "every tensor an op touches lies in an allocated buffer");
		out = output_copy(&net, &n2);
		ok(ref && out && rel_diff(ref, out, n) <= 1e-4,
		   "buffers full of NaN when allocated: the output is still right");
		free(out);
		net_release(&net);
		is_int(t.live, 0, "every buffer goes back through the allocator");
	} else {
		ok(0, "build with an allocator: %s", cp_strerror(-1));
	}
	/* the other paths through the op builders, on poisoned memory too */
	cfg.fusion = 0;
	if (ref && net_build(&net, &m, &cfg) == 0) {
		out = output_copy(&net, &n2);
		ok(out && rel_diff(ref, out, n) <= 1e-4, "... unfused too");
		free(out);
		net_release(&net);
	}
	cfg.fusion = 1;
	cfg.precision = PREC_INT8;
	if (ref && net_build(&net, &m, &cfg) == 0) {
		out = output_copy(&net, &n2);
		ok(out && cosine(ref, out, n) > 0.99, "... and int8");
		free(out);
		net_release(&net);
	}
	free(ref);
	model_release(&m);
}

static void test_names(void)
{
	enum cp_precision p;
	enum cp_layout l;

	ok(precision_from_string("bf16", &p) == 0 && p == PREC_BF16, "bf16 parses");
	is_int(precision_from_string("fp16", &p), -EINVAL, "fp16 is refused");
	ok(layout_from_string("blocked", &l) == 0 && l == LAYOUT_BLOCKED, "blocked parses");
	is_int(layout_from_string("NCHW", &l), -EINVAL, "layouts are lower case");
	ok(!strncmp(net_dnnl_version(), "2.", 2), "oneDNN version %s", net_dnnl_version());
}

int main(void)
{
	test_names();
	test_tiny();
	test_reshape();
	test_hazard();
	test_weights_file();
	test_allocator();
	test_resnet();
	test_yolov3();
	return done_testing();
}
