// SPDX-License-Identifier: MIT
/*
 * NUMA traffic of the workload per layer: pages migrated (NUMA balancing's
 * hinting faults run in the faulting thread, so the page moves are charged
 * to the thread and layer that touched them) and the scheduler's NUMA
 * balancing decisions about its threads. On a machine with one node they
 * stay 0: the programs ran and saw none.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "numa.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* (nlayers + 1) * (nworkers + 1), set by the loader */
	__type(key, __u32);
	__type(value, struct numa_counts);
} numa_counts SEC(".maps");

/* The slot of thread @tid of the workload: a worker's, or the others' slot. */
static __always_inline struct numa_counts *counts_for(__u32 tgid, __u32 tid)
{
	__u32 phase, row, key;
	int slot;

	if (tgid != cp_tgid)
		return NULL;
	slot = cp_worker_slot(tid);
	if (slot < 0)
		slot = cp_nworkers;
	row = cp_slot_row(slot, &phase);
	if (phase != CP_PHASE_STEADY)
		return NULL;
	key = cp_key(row, slot);
	return bpf_map_lookup_elem(&numa_counts, &key);
}

static __always_inline int on_migrate_pages(__u64 succeeded)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct numa_counts *c = counts_for(id >> 32, (__u32)id);

	if (c)
		__sync_fetch_and_add(&c->migrated_pages, succeeded);
	return 0;
}

static __always_inline int on_balance(struct task_struct *p)
{
	struct numa_counts *c = counts_for(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));

	if (c)
		__sync_fetch_and_add(&c->balancing_moves, 1);
	return 0;
}

/* a swap moves two tasks; count each of ours */
static __always_inline int on_balance2(struct task_struct *src, struct task_struct *dst)
{
	on_balance(src);
	if (dst && dst != src)
		on_balance(dst);
	return 0;
}

/* the first argument, succeeded, has kept its place since 4.x */
SEC("tp_btf/mm_migrate_pages")
int BPF_PROG(migrate_pages_btf, unsigned long succeeded)
{
	return on_migrate_pages(succeeded);
}

SEC("raw_tp/mm_migrate_pages")
int BPF_PROG(migrate_pages_raw, unsigned long succeeded)
{
	return on_migrate_pages(succeeded);
}

SEC("tp_btf/sched_move_numa")
int BPF_PROG(move_numa_btf, struct task_struct *p)
{
	return on_balance(p);
}

SEC("raw_tp/sched_move_numa")
int BPF_PROG(move_numa_raw, struct task_struct *p)
{
	return on_balance(p);
}

SEC("tp_btf/sched_swap_numa")
int BPF_PROG(swap_numa_btf, struct task_struct *src, int src_cpu,
	     struct task_struct *dst)
{
	return on_balance2(src, dst);
}

SEC("raw_tp/sched_swap_numa")
int BPF_PROG(swap_numa_raw, struct task_struct *src, int src_cpu,
	     struct task_struct *dst)
{
	return on_balance2(src, dst);
}

/* a move the balancer wanted and could not make: only @src stays put */
SEC("tp_btf/sched_stick_numa")
int BPF_PROG(stick_numa_btf, struct task_struct *src)
{
	return on_balance(src);
}

SEC("raw_tp/sched_stick_numa")
int BPF_PROG(stick_numa_raw, struct task_struct *src)
{
	return on_balance(src);
}
