// SPDX-License-Identifier: MIT
/*
 * User page faults of the workers per layer, classified by the faulting
 * address into the layer's registered tensors (weights, src, dst,
 * scratchpad) and counted apart for the cold first iteration and the steady
 * state. exceptions:page_fault_user fires once per fault: 4 KiB pages, or
 * one per 2 MiB where a transparent huge page backs the range.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "faults.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* (nlayers + 1) * (nworkers + 1), set by the loader */
	__type(key, __u32);
	__type(value, struct fault_counts);
} fault_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* nlayers + 1 */
	__type(key, __u32);
	__type(value, struct fault_tensors);
} fault_tensors SEC(".maps");

/*
 * Only the current layer's tensors are searched: a buffer is often the dst
 * of one layer and the src of the next, and what matters is the role it has
 * in the layer that touched it.
 */
static __always_inline __u32 classify(__u32 row, __u64 addr)
{
	struct fault_tensors *t = bpf_map_lookup_elem(&fault_tensors, &row);
	__u32 i;

	if (!t)
		return FAULT_OTHER;
	for (i = 0; i < FAULT_MAX_RANGES; i++) {
		if (i >= t->n)
			break;
		if (addr >= t->r[i].start && addr < t->r[i].end)
			return t->r[i].kind < FAULT_OTHER ? t->r[i].kind : FAULT_OTHER;
	}
	return FAULT_OTHER;
}

static __always_inline int on_fault(__u64 addr)
{
	__u32 phase, row, key, kind;
	struct fault_counts *c;
	int slot = cp_current_slot();

	if (slot < 0)
		return 0;
	row = cp_slot_row(slot, &phase);
	if (phase != CP_PHASE_COLD && phase != CP_PHASE_STEADY)
		return 0;
	key = cp_key(row, slot);
	c = bpf_map_lookup_elem(&fault_counts, &key);
	if (!c)
		return 0;
	kind = classify(row, addr);
	if (kind > FAULT_OTHER)
		return 0;
	/* two constant indices: the verifier cannot bound n[phase] */
	if (phase == CP_PHASE_COLD)
		__sync_fetch_and_add(&c->n[0][kind], 1);
	else
		__sync_fetch_and_add(&c->n[1][kind], 1);
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(page_fault_btf, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return on_fault(address);
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(page_fault_raw, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return on_fault(address);
}
