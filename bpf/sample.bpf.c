// SPDX-License-Identifier: MIT
/*
 * Sampling: runs on every sample of the perf event the loader opened on
 * each CPU (hardware cycles where the PMU allows, cpu-clock otherwise).
 * Samples that land in one of the workload's workers are added to its
 * (layer, worker) counters and to a (layer, user stack) count, all in the
 * kernel: nothing is streamed per sample.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "sample.h"

#define EEXIST 17

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* (nlayers + 1) * (nworkers + 1), set by the loader */
	__type(key, __u32);
	__type(value, __u64);
} sample_counts SEC(".maps");

/* per slot, whatever the layer: what the per-layer counts must add up to */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CP_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sample_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, SAMPLE_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, SAMPLE_STACK_DEPTH * sizeof(__u64));
} sample_stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SAMPLE_MAX_STACKS);	/* + nlayers + 1, set by the loader */
	__type(key, struct sample_stack_key);
	__type(value, __u64);
} sample_stacks SEC(".maps");

SEC("perf_event")
int sample_tick(struct bpf_perf_event_data *ctx)
{
	struct sample_stack_key sk = {};
	__u32 phase, row, key;
	__u64 one = 1, *n;
	long err;
	int slot = cp_current_slot();

	if (slot < 0)
		return 0;
	row = cp_slot_row(slot, &phase);
	if (phase != CP_PHASE_STEADY)
		return 0;
	key = slot;
	n = bpf_map_lookup_elem(&sample_totals, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	key = cp_key(row, slot);
	n = bpf_map_lookup_elem(&sample_counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);

	sk.row = row;
	sk.stackid = bpf_get_stackid(ctx, &sample_stackmap, BPF_F_USER_STACK);
	n = bpf_map_lookup_elem(&sample_stacks, &sk);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return 0;
	}
	err = bpf_map_update_elem(&sample_stacks, &sk, &one, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* another CPU inserted it between the lookup and here */
		n = bpf_map_lookup_elem(&sample_stacks, &sk);
		if (n)
			__sync_fetch_and_add(n, 1);
	} else if (err) {
		sk.stackid = SAMPLE_STACK_FULL;
		n = bpf_map_lookup_elem(&sample_stacks, &sk);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return 0;
}
