/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_NET_INTERNAL_H
#define CONVPROF_NET_INTERNAL_H

/*
 * Private to workloads/net-*.c: how a net is put together.
 *
 *   net-params.c  weights and BN statistics: seeded random or a darknet file
 *   net-plan.c    the layer graph: aliases, liveness, what fuses, int8 scales
 *   net-ops.c     buffers, tensors, op rows, reorders, what oneDNN chose
 *   net-conv.c    conv and connected: weights, fusion, BN and activation ops
 *   net-layers.c  shortcut, pooling, upsample, route, the output reorders
 *   net-fmt.c     memory descriptors and their user-facing format names
 *   net.c         the public interface: build, run, outputs, release
 */

#include <limits.h>
#include <stddef.h>

#include <dnnl.h>

#include "workloads/graph.h"
#include "workloads/net.h"

#define BN_EPSILON 1e-5f	/* darknet (AlexeyAB) and PyTorch both use this */
#define LEAKY_SLOPE 0.1f
#define NEVER INT_MAX		/* a tensor that is never dead: a net output */

/* A layer's parameters as darknet stores them, f32. */
struct layer_params {
	int n;			/* outputs (filters) */
	size_t nw;		/* weight elements: n x c/groups x k x k, or n x inputs */
	float *w;
	float *bias;		/* biases, or the BN shift (beta) */
	float *scales, *mean, *var;	/* BN only; NULL otherwise */
};

/* Activation memory: tensors share buffers once they are dead. */
struct net_buf {
	void *ptr;
	size_t bytes;
	int refs;		/* live tensors on it; pooled buffers are reused at 0 */
	int pooled;
};

/* A value that ops read and write: a layer output or a reorder's temporary. */
struct net_tensor {
	dnnl_memory_desc_t md;
	int buf;
	float scale;		/* int8: stored = real x scale; 1 otherwise */
	int dies_after;		/* layer after which nothing reads it; NEVER */
	int live;
};

/* Per-layer decisions made before any primitive exists. */
struct layer_plan {
	int src;		/* the layer whose tensor this one is (aliases) */
	int last_read;		/* last layer reading the tensor; NEVER for outputs */
	int is_output;
	int fuse_sum;		/* conv: does the [shortcut] after it as a sum post-op */
	int absorbed;		/* shortcut: done by the conv before it */
	dnnl_data_type_t dt;	/* of the layer's output tensor */
	float scale;		/* int8 scale of the output tensor */
	float maxabs;		/* calibration: what the tensor must hold */
	int group;		/* int8: tensors that must share one scale */
};

/* What the f32 calibration pass saw, per layer (index n: the input). */
struct calib {
	float *out;		/* layer output */
	float *preact;		/* before the activation (the last op that scales) */
	float *raw;		/* conv/fc output before an unfused BN */
};

struct net_priv {
	struct net_buf *bufs;
	int nbufs;
	size_t alloc_bufs;
	struct net_tensor *tens;
	int ntens;
	size_t alloc_tens;
	dnnl_memory_t *mems;
	int nmems;
	size_t alloc_mems;
	size_t alloc_ops;

	struct layer_params *params;	/* while building */
	const struct calib *calib;	/* while building an int8 net */
	struct layer_plan *plan;	/* [n + 1]; [n] is the input */

	int *layer_tensor;	/* [n + 1]; -1: not materialised (fused away) */
	int *layer_op;		/* [n]: op after which the layer's output is ready */
	int *op_dst_buf;	/* [nops]: the buffer each op writes */
	int *temps;		/* tensors to free after the op being built */
	int ntemps;
	size_t alloc_temps;
	dnnl_memory_desc_t *op_scratch_md;	/* [nops] */

	float *input;		/* user f32 NCHW input */
	size_t ninput;
	float *out;		/* f32 NCHW outputs, written by reorder.output ops */
	size_t nout;
	int nouts;
	float *layer_out;	/* net_layer_output's copy */
	size_t layer_out_n;

	void *scratch;
	size_t scratch_bytes;

	int need_wait;		/* oneDNN's CPU runtime runs primitives asynchronously */
	int valid_upto;		/* ops 0..valid_upto ran in order */
	int out_valid;
	int ndone;		/* layers whose ops are built */
	float *op_maxabs;	/* calibration: each op's output max |x| */
};

/* net-params.c */
int params_load(const struct model *m, const struct net_config *cfg,
		struct layer_params **out);
void params_free(struct layer_params *p, int n);
void params_fold_bn(const struct layer_params *p, float *w, float *bias);
void input_fill(float *x, size_t n, unsigned seed);

/* net-plan.c */
int plan_make(struct net *net);

/* net-fmt.c */
dnnl_format_tag_t layout_tag(enum cp_layout l);
void md_name(const dnnl_memory_desc_t *md, int weights, char *buf, size_t len);
int md_init(dnnl_memory_desc_t *md, int n, int c, int h, int w,
	    dnnl_data_type_t dt, dnnl_format_tag_t tag);
size_t md_bytes(const dnnl_memory_desc_t *md);
int md_same(const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b);
const char *dt_name(dnnl_data_type_t dt);
int dnnl_fail(dnnl_status_t s, const char *what, const char *name);

/* net-ops.c */
void *buf_data_alloc(struct net *net, size_t bytes);
void buf_data_free(struct net *net, void *ptr, size_t bytes);
int buf_fixed(struct net *net, size_t bytes);
int tensor_new(struct net *net, const dnnl_memory_desc_t *md, float scale,
	       int dies_after, int share_buf);
void tensor_release(struct net *net, int t);
int op_new(struct net *net, const char *name, const char *kind, int layer);
int op_mem(struct net *net, int op, int arg, const dnnl_memory_desc_t *md, void *ptr);
int op_tensor_arg(struct net *net, int op, int arg, int t, int role);
int op_finish(struct net *net, int op, dnnl_primitive_desc_t pd);
dnnl_primitive_attr_t attr_new(void);
int src_get(struct net *net, int j, const dnnl_memory_desc_t *want,
	    const char *consumer, const char *what, int *tensor);
int output_reorder(struct net *net, const char *name, int t, float *ptr);
int reorder_once(struct net *net, const dnnl_memory_desc_t *src_md, void *src,
		 const dnnl_memory_desc_t *dst_md, void *dst,
		 const float *scales, int nscales, int mask);

/* net-conv.c */
int wlayer_emit(struct net *net, int i);
int bn_emit(struct net *net, int i, int t, float s_in, float s_out);
int act_emit(struct net *net, int i, int t, enum activation a);

/* net-layers.c */
int layer_emit(struct net *net, int i);
int outputs_emit(struct net *net);

static inline struct net_priv *net_priv(struct net *net)
{
	return net->priv;
}

#endif
