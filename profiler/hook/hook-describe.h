/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_DESCRIBE_H
#define CONVPROF_HOOK_DESCRIBE_H

#include <stdint.h>

#include <oneapi/dnnl/dnnl.h>

#include "convprof/hook-record.h"

/* What each primitive is, and its id in the record (hook-describe.c). */

typedef dnnl_status_t (*hook_execute_fn)(const_dnnl_primitive_t, dnnl_stream_t, int,
					 const dnnl_exec_arg_t *);

/* libdnnl's own dnnl_primitive_execute, once hook_resolve() succeeded. */
extern hook_execute_fn hook_dnnl_execute;

/* libgomp's omp_get_level, NULL where no OpenMP runtime is loaded. */
extern int (*hook_omp_level)(void);

/*
 * Find oneDNN's functions in the loaded libdnnl.so.2 (dlopen RTLD_NOLOAD,
 * which works inside Python, where RTLD_NEXT does not). Once; 1 or -1.
 */
int hook_resolve(void);

/* Map the tables; @rec and @prims are the record's. 0 or -errno. */
int hook_describe_init(struct cp_hook_header *rec, struct cp_hook_prim *prims);

/*
 * The record's id of @prim: a hash lookup when its implementation
 * descriptor was seen before, else described in full and shared with an
 * earlier entry of the same description. -1: the table is full, or oneDNN
 * gave no descriptor.
 */
int32_t hook_prim_id(const_dnnl_primitive_t prim);

/* The id of an execution only oneDNN's ITT task named @task showed: its kind. */
int32_t hook_itt_prim_id(const char *task);

#endif
