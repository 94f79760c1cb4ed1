/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BUFFERS_H
#define CONVPROF_BUFFERS_H

#include <stddef.h>

/*
 * What a workload and the runner that measures it share about memory, with
 * nothing of oneDNN: the allocator the runner hands the net (NUMA binding),
 * and the tensors each op touches (fault and NUMA attribution).
 */

/*
 * Where the net's buffers come from: the runner binds them to NUMA nodes
 * (--membind) through this. NULL alloc: 64-byte aligned malloc.
 */
struct net_allocator {
	void *(*alloc)(size_t bytes, void *ctx);
	void (*free)(void *p, size_t bytes, void *ctx);
	void *ctx;
};

/* A tensor an op touches, for attributing page faults and NUMA placement. */
enum tensor_role { T_WEIGHTS, T_SRC, T_DST, T_SCRATCHPAD, T_NROLES };

struct tensor_ref {
	void *ptr;
	size_t bytes;
};

#endif
