/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_NET_H
#define CONVPROF_NET_H

#include <stddef.h>
#include <stdint.h>

#include <dnnl.h>

#include "workloads/model.h"
#include "workloads/buffers.h"

/*
 * A shaped model compiled into oneDNN primitives (C API, oneDNN 2.6, CPU
 * engine, OpenMP runtime). The net is a flat list of ops executed in order;
 * each op is one primitive and one row of every per-layer report. Reorders
 * that layouts require are ops of their own; with fusion on, BatchNorm is
 * folded into the conv and the activation and residual add are post-ops.
 */

enum cp_precision { PREC_F32, PREC_BF16, PREC_INT8 };
enum cp_layout { LAYOUT_NCHW, LAYOUT_NHWC, LAYOUT_BLOCKED };

const char *precision_name(enum cp_precision p);	/* "f32", "bf16", "int8" */
const char *layout_name(enum cp_layout l);		/* "nchw", "nhwc", "blocked" */
int precision_from_string(const char *s, enum cp_precision *p);	/* 0 / -EINVAL */
int layout_from_string(const char *s, enum cp_layout *l);

struct net_config {
	int width, height;	/* 0: the cfg's */
	int batch;		/* >= 1 */
	enum cp_precision precision;
	enum cp_layout layout;
	int fusion;		/* 1: BN folded, activation and add as post-ops */
	unsigned seed;		/* random weights and input */
	const char *weights;	/* darknet .weights file, or NULL */
	struct net_allocator allocator;	/* weights, activations, scratchpads */
};

struct net_op {
	char name[80];		/* "layer1.0.conv2", "layer1.0.conv2.bn", "reorder.conv_0.src" */
	char kind[16];		/* conv, bn, relu, leaky, add, maxpool, avgpool, concat,
				   upsample, fc, reorder */
	char stage[32];
	int layer;		/* index into model.layers, -1 for the net's input/output reorders */
	char post_ops[48];	/* fused: "bn+relu", "bn+leaky+sum"; "" otherwise */

	/* what oneDNN chose, queried from the primitive descriptor */
	char src_fmt[24], wei_fmt[24], dst_fmt[24];	/* "nchw", "nhwc", "nChw16c", "" */
	char impl[64];		/* dnnl_query_impl_info_str */
	int is_ref;		/* impl starts with "ref": a reference (slow) kernel */
	char dtype[8];		/* data type of src: "f32", "bf16", "u8", "s8" */

	/* per batch (the whole batch, not one image) */
	uint64_t flops;		/* 2 x multiply-adds; 0 for ops that do none */
	uint64_t weight_bytes, in_bytes, out_bytes, scratchpad_bytes;
	int in_dims[4], out_dims[4];	/* n, c, h, w */
	int kernel, stride, pad;	/* conv and pooling; 0 otherwise */

	struct tensor_ref tensors[T_NROLES];

	/* execution: private to net.c */
	dnnl_primitive_t prim;
	int nargs;
	dnnl_exec_arg_t *args;
};

struct net {
	struct model model;	/* the net's own shaped copy */
	struct net_config cfg;
	dnnl_engine_t engine;
	dnnl_stream_t stream;
	int nops;
	struct net_op *ops;
	int nconv_ops, nreorders;	/* operator counts for the summary */
	int op_count;		/* every op, = nops: what one inference executes */
	int nbn_ops, nact_ops, nadd_ops;	/* unfused BN, activation, binary add ops */
	int nsum_fused;		/* shortcuts done as a conv's sum post-op */
	int nref_ops;		/* ops on a reference (slow) kernel */

	/* private to net.c */
	void *priv;
};

/*
 * Build the net for @m under @cfg: allocate every tensor (weights random
 * from @cfg->seed, scaled so activations stay in range, or read from
 * cfg->weights), create the primitives and query their formats and
 * implementations, fill the input. Weight reorders happen here, not per
 * inference. The net shapes its own copy of @m for cfg->width/height (0: as
 * @m is shaped) and cfg->batch. oneDNN sizes its kernels for the OpenMP
 * thread count at this call: set the threads before building. Returns 0 or
 * -errno with cp_error() (a layer oneDNN cannot build names the layer; a
 * weights file of the wrong size says so).
 */
int net_build(struct net *net, const struct model *m, const struct net_config *cfg);

/* Execute op @i; returns 0 or -EIO with cp_error(). */
int net_exec_op(struct net *net, int i);

/* One whole inference: every op in order. */
int net_run(struct net *net);

/*
 * The net's final output (the last layer, or every yolo layer's input
 * concatenated for yolov3) as f32 in NCHW order, whatever the layout and
 * precision. The array belongs to the net; valid until the next run.
 */
int net_output(struct net *net, const float **out, size_t *n);

/*
 * The f32 NCHW input the next run reads (filled from cfg->seed: uniform in
 * [0, 1), like an image), @n elements; write into it to change the input.
 * Results read earlier are stale after that.
 */
float *net_input(struct net *net, size_t *n);

/* The output of cfg layer @layer as f32 NCHW (for tests); same ownership. */
int net_layer_output(struct net *net, int layer, const float **out, size_t *n);

/*
 * Test hook: the effective f32 weights of conv or connected layer @layer as
 * the fused op computes with them, BN folded in (w·γ/√(σ²+ε), oihw, darknet's
 * order) and the bias (β − μγ/√(σ²+ε), or the plain bias), so that
 * out[o] = act(Σ w·in + bias[o]). Newly allocated; free() both.
 */
int net_layer_weights(struct net *net, int layer, float **w, float **bias);

void net_release(struct net *net);

/* oneDNN's version as "2.6.3", for records. */
const char *net_dnnl_version(void);

#endif
