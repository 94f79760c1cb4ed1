/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_COMMON_BPF_H
#define CONVPROF_COMMON_BPF_H

/*
 * Kernel-side half of common.h, included by every bpf/<name>.bpf.c. The
 * skeleton of each program gets its own definition of cp_state and
 * cp_workers; the loader replaces them all with the same two maps before
 * load (bpf_map__reuse_fd), so the definitions here only give their shape.
 */
#include "common.h"

/* set through skel->rodata before load */
const volatile __u32 cp_tgid = 0;
const volatile __u32 cp_nlayers = 0;	/* row of (other) */
const volatile __u32 cp_nworkers = 0;	/* slot of the other threads */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, CP_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct cp_slot_state);
} cp_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CP_MAX_WORKERS);
	__type(key, __u32);
	__type(value, __u32);
} cp_workers SEC(".maps");

/* The worker slot of thread @tid, or -1 when it is not a worker. */
static __always_inline int cp_worker_slot(__u32 tid)
{
	__u32 *slot = bpf_map_lookup_elem(&cp_workers, &tid);

	return slot ? (int)*slot : -1;
}

/* The slot of the running thread if it is one of the workload's workers, else -1. */
static __always_inline int cp_current_slot(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	if ((__u32)(id >> 32) != cp_tgid)
		return -1;
	return cp_worker_slot((__u32)id);
}

/*
 * The row @slot is in now (a layer, or cp_nlayers for (other)) and the phase.
 * A layer id out of range lands in (other): user space never makes one, but
 * the verifier wants the bound and a bad id must not index past the map.
 */
static __always_inline __u32 cp_slot_row(__u32 slot, __u32 *phase)
{
	struct cp_slot_state *st = bpf_map_lookup_elem(&cp_state, &slot);
	__u32 row;

	if (!st) {
		*phase = CP_PHASE_OFF;
		return cp_nlayers;
	}
	row = st->layer;
	*phase = st->phase;
	return row > cp_nlayers ? cp_nlayers : row;
}

/* Index of (@row, @slot) in the per-layer counter arrays. */
static __always_inline __u32 cp_key(__u32 row, __u32 slot)
{
	return row * (cp_nworkers + 1) + slot;
}

#endif
