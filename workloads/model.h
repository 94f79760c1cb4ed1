/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_MODEL_H
#define CONVPROF_MODEL_H

#include <stdint.h>

/*
 * A model is a darknet cfg text parsed into layers, then shaped for one input
 * size: every layer knows its input and output shapes, FLOPs and parameters.
 * No oneDNN here; workloads/net.c turns a shaped model into primitives.
 *
 * Layer indices are darknet's: the [net] section is not a layer, the first
 * section after it is layer 0. Routes and shortcuts are stored resolved to
 * absolute indices.
 */

enum layer_kind {
	LK_CONV, LK_SHORTCUT, LK_ROUTE, LK_UPSAMPLE, LK_MAXPOOL, LK_AVGPOOL,
	LK_CONNECTED, LK_YOLO,
};

enum activation { ACT_LINEAR, ACT_RELU, ACT_LEAKY };

#define MODEL_MAX_ROUTES 8
#define MODEL_MAX_SIZE 32768	/* the largest input width or height */

/* Per-image shape; the batch is the model's. */
struct shape {
	int c, h, w;
};

struct layer {
	enum layer_kind kind;
	char name[64];		/* "layer1.0.conv2", "conv_12", "route_83" */
	char stage[32];		/* "layer1", "backbone"...; "" when the cfg gives none */
	int line;		/* line of the section header in the cfg */

	/* from the cfg */
	int filters;		/* conv: output channels */
	int size, stride;	/* conv, maxpool: kernel and stride; upsample: stride */
	int pad;		/* conv: darknet's pad flag (pad = size/2 when 1) */
	int padding;		/* conv: explicit padding (-1: from pad); maxpool: total */
	int groups;		/* conv */
	int batch_normalize;	/* conv */
	enum activation act;	/* conv, shortcut, connected */
	int from;		/* shortcut: absolute index of the added layer */
	int nroutes;		/* route */
	int routes[MODEL_MAX_ROUTES];	/* route: absolute indices */
	int output;		/* connected: outputs */

	/* derived by model_shape() */
	struct shape in, out;
	int pad_t, pad_l, pad_b, pad_r;	/* conv and maxpool, in pixels */
	uint64_t macs;		/* multiply-adds per image: conv, connected */
	uint64_t flops;		/* 2 x macs */
	uint64_t weights;	/* weight elements: conv kernel, fc matrix */
	uint64_t params;	/* weights + BN scale and shift, or biases */
};

struct model {
	char name[64];		/* "resnet50", "yolov3" or the cfg file's base name */
	char source[256];	/* "built-in" or the cfg's path, for messages */
	struct shape input;	/* from [net]: channels, height, width */
	int batch;
	int n;
	struct layer *layers;
	int downsample;		/* the largest total stride: multiples of it always
				   fit, other sizes only where the shapes add up */
	int cfg_width, cfg_height;	/* [net]'s size: model_shape(m, 0, 0, b) uses it */
	int bad_layer;		/* after a failed model_shape(): the layer that did
				   not fit, -1 when the size itself was refused */
};

/*
 * Parse cfg @text (NUL-terminated) into @m; @source names it in errors. Any
 * malformed input returns -EINVAL with "source:line: reason" in cp_error():
 * unknown section or key, a bad number, a route or shortcut to a layer that
 * does not exist. @m is shaped at the cfg's own size on success.
 */
int model_parse(const char *text, const char *source, struct model *m);

/* Load a built-in model by name ("resnet50", "yolov3"); -ENOENT if unknown. */
int model_load_builtin(const char *name, struct model *m);

/* Read and parse a cfg file. */
int model_load_file(const char *path, struct model *m);

/* Built-in first, else a path: what --cfg and the MODEL operand both take. */
int model_load(const char *name_or_path, struct model *m);

/*
 * Shape the model for a @w x @h input (0: keep the cfg's) and @batch.
 * A size that does not fit (shapes that do not add up at a shortcut or
 * route, a layer shrinking to nothing) returns -EINVAL with a reason that
 * names the layer and, where it helps, the multiple the size must be of;
 * the model keeps its previous shapes then.
 */
int model_shape(struct model *m, int w, int h, int batch);

void model_release(struct model *m);

/* Names of the built-in models, NULL-terminated, and a line about each. */
extern const char *const model_builtin_names[];
const char *model_builtin_description(const char *name);

/* Totals per image. */
uint64_t model_flops(const struct model *m);
uint64_t model_params(const struct model *m);
int model_count(const struct model *m, enum layer_kind kind);

/* Who reads whom, aliases, liveness: workloads/graph.h. */

const char *layer_kind_name(enum layer_kind k);	/* "conv", "shortcut", ... */
const char *activation_name(enum activation a);	/* "linear", "relu", "leaky" */

/*
 * Parse "224", "416x320" (width x height) into @w/@h. Returns 0 or -EINVAL.
 */
int parse_size(const char *s, int *w, int *h);

#endif
