/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_STUDY_MEM_H
#define CONVPROF_STUDY_MEM_H

#include <stdint.h>

#include "workloads/model.h"

/*
 * The memory study of a model without running it (convprof mem): for every
 * layer the bytes it reads and writes and whether its working set fits this
 * machine's L2 or L3; for the model its weights, the largest input+output
 * pair and the peak of activations that must be alive at once (liveness
 * from workloads/graph.h). One result per input size; reports/mem-report.h
 * renders them.
 */

/* model.c bounds a layer so that this many images still fit 64 bits */
#define MEM_MAX_BATCH 4096

struct mem_caches {
	uint64_t l2, l3;	/* one instance, bytes; 0 when hwloc has none */
};

struct mem_layer {
	struct shape out;
	uint64_t flops, weight_bytes, in_bytes, out_bytes, live_bytes;
	const char *fits;
};

/* One model at one size. */
struct mem_result {
	int w, h;
	uint64_t params, weight_bytes, flops;
	uint64_t max_in_out, peak_live, max_act;
	int max_in_out_layer, peak_layer, max_act_layer;
	struct mem_layer *layers;
};

struct mem_study {
	const struct model *m;
	const char *precision;
	int elsize, batch;
	struct mem_caches caches;
	int n;
	struct mem_result *res;
};

/* Bytes per element of a precision: f32 4, bf16 2, int8 1. */
int mem_element_size(const char *precision);

/* This machine's L2 and L3 (one instance each) from hwloc; zeros when unknown. */
void mem_caches_probe(struct mem_caches *c);

/* Where @bytes fit: "L2", "L3", "DRAM", or "unknown" without cache sizes. */
const char *mem_fits(const struct mem_caches *c, uint64_t bytes);

/*
 * A study of @m (which must outlive it) in @precision (f32, bf16, int8) at
 * @batch images against @caches. Release with mem_study_release().
 */
void mem_study_init(struct mem_study *st, const struct model *m, const char *precision,
		    int batch, const struct mem_caches *caches);

/* Add a result for @st->m as it is shaped now (model_shape() first). */
void mem_study_add(struct mem_study *st);

void mem_study_release(struct mem_study *st);

#endif
