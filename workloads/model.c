// SPDX-License-Identifier: MIT
/*
 * Shapes, FLOPs and parameters of a parsed model. Where models come from
 * (the built-ins, cfg files) is model-load.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/graph.h"
#include "workloads/model.h"
#include "util/util.h"

const char *layer_kind_name(enum layer_kind k)
{
	static const char *const names[] = {
		[LK_CONV] = "conv", [LK_SHORTCUT] = "shortcut", [LK_ROUTE] = "route",
		[LK_UPSAMPLE] = "upsample", [LK_MAXPOOL] = "maxpool",
		[LK_AVGPOOL] = "avgpool", [LK_CONNECTED] = "connected",
		[LK_YOLO] = "yolo",
	};

	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "unknown";
}

const char *activation_name(enum activation a)
{
	static const char *const names[] = {
		[ACT_LINEAR] = "linear", [ACT_RELU] = "relu", [ACT_LEAKY] = "leaky",
	};

	return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "unknown";
}

/*
 * Bounds that keep every per-batch figure in 64 bits: convprof mem multiplies
 * by up to 4096 images and 4 bytes, FLOPs are twice the multiply-adds.
 */
#define LAYER_MAX_CHANNELS (1 << 24)
#define LAYER_MAX_ELEMENTS (1ull << 40)
#define LAYER_MAX_MACS (1ull << 48)

/* The output shape of layer @i, or the model's input for -1. */
static const struct shape *out_of(const struct model *m, int i)
{
	return i < 0 ? &m->input : &m->layers[i].out;
}

/*
 * Spatial problems depend on the input size and get the size-level advice;
 * structural ones (channels, groups) would fail at any size.
 */
enum shape_fail { SHAPE_OK, SHAPE_SPATIAL, SHAPE_STRUCTURE };

static enum shape_fail layer_shape(struct model *m, int i, char *why, size_t len)
{
	struct layer *l = &m->layers[i];
	const struct shape *prev = out_of(m, i - 1), *a, *b;
	int p, k, idx[MODEL_MAX_ROUTES];
	uint64_t in;

	l->in = *prev;
	l->out = *prev;
	l->pad_t = l->pad_l = l->pad_b = l->pad_r = 0;
	l->macs = l->weights = l->params = 0;

	switch (l->kind) {
	case LK_CONV:
		if (l->in.c % l->groups || l->filters % l->groups) {
			snprintf(why, len, "%s: groups=%d does not divide its %d input channels and %d filters",
				 l->name, l->groups, l->in.c, l->filters);
			return SHAPE_STRUCTURE;
		}
		/* darknet: pad=1 means "same" for odd kernels; padding= is explicit */
		p = l->padding >= 0 ? l->padding : l->pad ? l->size / 2 : 0;
		l->pad_t = l->pad_l = l->pad_b = l->pad_r = p;
		l->out.c = l->filters;
		if (l->in.h + 2 * p < l->size || l->in.w + 2 * p < l->size) {
			snprintf(why, len, "%s: its %dx%d input is smaller than its %dx%d kernel",
				 l->name, l->in.w, l->in.h, l->size, l->size);
			return SHAPE_SPATIAL;
		}
		l->out.h = (l->in.h + 2 * p - l->size) / l->stride + 1;
		l->out.w = (l->in.w + 2 * p - l->size) / l->stride + 1;
		l->weights = (uint64_t)l->filters * (uint64_t)(l->in.c / l->groups) *
			     (uint64_t)(l->size * l->size);
		l->params = l->weights + (l->batch_normalize ? 2u : 1u) * (uint64_t)l->filters;
		l->macs = l->weights * (uint64_t)l->out.h * (uint64_t)l->out.w;
		break;
	case LK_MAXPOOL:
		/* darknet: padding is the total, the smaller half before */
		l->pad_t = l->pad_l = l->padding / 2;
		l->pad_b = l->pad_r = l->padding - l->padding / 2;
		if (l->in.h + l->padding < l->size || l->in.w + l->padding < l->size) {
			snprintf(why, len, "%s: its %dx%d input is smaller than its %dx%d window",
				 l->name, l->in.w, l->in.h, l->size, l->size);
			return SHAPE_SPATIAL;
		}
		l->out.h = (l->in.h + l->padding - l->size) / l->stride + 1;
		l->out.w = (l->in.w + l->padding - l->size) / l->stride + 1;
		break;
	case LK_AVGPOOL:
		l->out.h = l->out.w = 1;
		break;
	case LK_UPSAMPLE:
		l->out.h = l->in.h * l->stride;
		l->out.w = l->in.w * l->stride;
		if (l->out.h > MODEL_MAX_SIZE * 8 || l->out.w > MODEL_MAX_SIZE * 8) {
			snprintf(why, len, "%s: output %dx%d is too large", l->name,
				 l->out.w, l->out.h);
			return SHAPE_SPATIAL;
		}
		break;
	case LK_CONNECTED:
		in = (uint64_t)l->in.c * (uint64_t)l->in.h * (uint64_t)l->in.w;
		if (in > LAYER_MAX_ELEMENTS / (uint64_t)l->output) {
			snprintf(why, len, "%s: %llu inputs x %d outputs is too large",
				 l->name, (unsigned long long)in, l->output);
			return SHAPE_SPATIAL;
		}
		l->out = (struct shape){ .c = l->output, .h = 1, .w = 1 };
		l->weights = in * (uint64_t)l->output;
		/* with BN, darknet's biases are BN's shift: scale and shift, no bias */
		l->params = l->weights + (l->batch_normalize ? 2u : 1u) * (uint64_t)l->output;
		l->macs = l->weights;
		break;
	case LK_SHORTCUT:
		a = prev;
		b = out_of(m, l->from);
		if (a->h != b->h || a->w != b->w || a->c != b->c) {
			snprintf(why, len, "%s cannot add %s (%dx%dx%d) to %s (%dx%dx%d), CxHxW",
				 l->name, m->layers[l->from].name, b->c, b->h, b->w,
				 i > 0 ? m->layers[i - 1].name : "the input", a->c, a->h, a->w);
			return a->c != b->c ? SHAPE_STRUCTURE : SHAPE_SPATIAL;
		}
		break;
	case LK_ROUTE:
		graph_inputs(m, i, idx);
		l->out = *out_of(m, idx[0]);
		for (k = 1; k < l->nroutes; k++) {
			b = out_of(m, idx[k]);
			if (b->h != l->out.h || b->w != l->out.w) {
				snprintf(why, len, "%s joins %s (%dx%d) and %s (%dx%d), which differ in size",
					 l->name, m->layers[idx[0]].name, l->out.w, l->out.h,
					 m->layers[idx[k]].name, b->w, b->h);
				return SHAPE_SPATIAL;
			}
			if (l->out.c > LAYER_MAX_CHANNELS - b->c) {
				snprintf(why, len, "%s: more than %d channels", l->name,
					 LAYER_MAX_CHANNELS);
				return SHAPE_STRUCTURE;
			}
			l->out.c += b->c;
		}
		l->in = l->out;
		break;
	case LK_YOLO:
		break;
	}
	l->flops = 2 * l->macs;
	if (l->out.h < 1 || l->out.w < 1 || l->out.c < 1) {
		snprintf(why, len, "%s: its output shrinks to %dx%dx%d", l->name,
			 l->out.c, l->out.h, l->out.w);
		return SHAPE_SPATIAL;
	}
	/* callers multiply by batch and element size: keep that in 64 bits */
	if ((double)l->out.c * l->out.h * l->out.w > LAYER_MAX_ELEMENTS ||
	    (double)l->weights > LAYER_MAX_ELEMENTS || (double)l->macs > LAYER_MAX_MACS) {
		snprintf(why, len, "%s is too large (%dx%dx%d output)", l->name,
			 l->out.c, l->out.h, l->out.w);
		return SHAPE_SPATIAL;
	}
	return SHAPE_OK;
}

/* The largest total stride of any layer: sizes that are multiples of it fit. */
static int model_downsample(const struct model *m)
{
	int *stride = xcalloc((size_t)m->n, sizeof(int));
	int i, k, n, best = 1, idx[MODEL_MAX_ROUTES], s;

	for (i = 0; i < m->n; i++) {
		const struct layer *l = &m->layers[i];

		n = graph_inputs(m, i, idx);
		for (s = 1, k = 0; k < n; k++)
			s = MAX(s, idx[k] < 0 ? 1 : stride[idx[k]]);
		if (l->kind == LK_CONV || l->kind == LK_MAXPOOL)
			s *= l->stride;
		else if (l->kind == LK_UPSAMPLE)
			s = MAX(1, s / l->stride);
		stride[i] = s;
		if (l->kind == LK_CONV || l->kind == LK_MAXPOOL)
			best = MAX(best, s);
	}
	free(stride);
	return best;
}

static enum shape_fail model_shape_layers(struct model *m, int *bad, char *why, size_t len)
{
	enum shape_fail f;
	int i;

	for (i = 0; i < m->n; i++) {
		f = layer_shape(m, i, why, len);
		if (f != SHAPE_OK) {
			*bad = i;
			return f;
		}
	}
	return SHAPE_OK;
}

int model_shape(struct model *m, int w, int h, int batch)
{
	struct shape old = m->input;
	enum shape_fail f;
	char why[400], dummy[8];
	int bad = -1;

	m->bad_layer = -1;
	if (batch < 1)
		return cp_error(-EINVAL, "batch %d: must be at least 1", batch);
	if (!w && !h) {
		w = m->cfg_width;
		h = m->cfg_height;
	}
	if (w < 1 || h < 1 || w > MODEL_MAX_SIZE || h > MODEL_MAX_SIZE)
		return cp_error(-EINVAL, "size %dx%d: width and height must be 1 to %d",
				w, h, MODEL_MAX_SIZE);

	m->input.w = w;
	m->input.h = h;
	m->downsample = model_downsample(m);
	f = model_shape_layers(m, &bad, why, sizeof(why));
	if (f == SHAPE_OK) {
		m->batch = batch;
		return 0;
	}

	/* leave the model as it was: its previous size was shaped without fault */
	m->bad_layer = bad;
	m->input = old;
	if (old.w > 0)
		model_shape_layers(m, &bad, dummy, sizeof(dummy));
	if (f == SHAPE_STRUCTURE)
		return cp_error(-EINVAL, "%s", why);
	if (w % m->downsample || h % m->downsample)
		return cp_error(-EINVAL, "size %dx%d does not fit %s: use a multiple of %d (%s)",
				w, h, m->name, m->downsample, why);
	return cp_error(-EINVAL, "size %dx%d does not fit %s: %s", w, h, m->name, why);
}

void model_release(struct model *m)
{
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

uint64_t model_flops(const struct model *m)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < m->n; i++)
		sum += m->layers[i].flops;
	return sum;
}

uint64_t model_params(const struct model *m)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < m->n; i++)
		sum += m->layers[i].params;
	return sum;
}

int model_count(const struct model *m, enum layer_kind kind)
{
	int i, n = 0;

	for (i = 0; i < m->n; i++)
		n += m->layers[i].kind == kind;
	return n;
}

int parse_size(const char *s, int *w, int *h)
{
	const char *x = strchr(s, 'x');
	long vw, vh;
	char *wpart;
	int err;

	if (!x) {
		err = parse_long(s, 1, MODEL_MAX_SIZE, &vw);
		vh = vw;
	} else {
		wpart = xasprintf("%.*s", (int)(x - s), s);
		err = parse_long(wpart, 1, MODEL_MAX_SIZE, &vw);
		free(wpart);
		if (!err)
			err = parse_long(x + 1, 1, MODEL_MAX_SIZE, &vh);
	}
	if (err)
		return -EINVAL;
	*w = (int)vw;
	*h = (int)vh;
	return 0;
}
