// SPDX-License-Identifier: MIT
/*
 * Scheduling of the workload's workers per layer: context switches (and
 * which were involuntary), migrations, off-CPU time and run-queue wait.
 * Every program comes twice, tp_btf (typed arguments, cheapest) and raw_tp
 * for kernels whose BTF lacks the tracepoint's type; the loader disables
 * one of each pair with bpf_program__set_autoload() before load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "sched.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define TASK_RUNNING 0

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* (nlayers + 1) * (nworkers + 1), set by the loader */
	__type(key, __u32);
	__type(value, struct sched_counts);
} sched_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CP_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct sched_task);
} sched_task SEC(".maps");

/*
 * When the steady phase began (CLOCK_MONOTONIC ns, as bpf_ktime_get_ns()),
 * written by user space before it switches the slots to it: a wait that
 * began before is charged from here, to the row it ends in.
 */
__u64 steady_since_ns = 0;

/* task_struct.state was renamed __state in 5.14 */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

/* The worker slot of @t, or -1 when @t is not one of the workload's workers. */
static __always_inline int task_slot(struct task_struct *t)
{
	if ((__u32)BPF_CORE_READ(t, tgid) != cp_tgid)
		return -1;
	return cp_worker_slot(BPF_CORE_READ(t, pid));
}

static __always_inline struct sched_counts *counts_at(__u32 row, __u32 slot)
{
	__u32 key = cp_key(row, slot);

	return bpf_map_lookup_elem(&sched_counts, &key);
}

static __always_inline void mark_ready(__u32 slot, __u64 now)
{
	struct sched_task *t = bpf_map_lookup_elem(&sched_task, &slot);
	__u32 phase, row = cp_slot_row(slot, &phase);

	/* also before the steady phase: a wait that crosses into it counts there */
	if (!t)
		return;
	t->ready_ns = now;
	t->ready_row = row;
}

static __always_inline int on_wakeup(struct task_struct *p)
{
	int slot = task_slot(p);

	if (slot >= 0)
		mark_ready(slot, bpf_ktime_get_ns());
	return 0;
}

static __always_inline void switched_out(__u32 slot, bool preempt,
					 struct task_struct *prev, __u64 now)
{
	struct sched_task *t = bpf_map_lookup_elem(&sched_task, &slot);
	__u32 phase, row = cp_slot_row(slot, &phase);
	struct sched_counts *c;
	bool runnable;

	if (!t)
		return;
	/*
	 * A wakeup can hit a task still on its CPU (it set itself sleeping but
	 * had not switched out yet): it then never waited on a run queue. Only
	 * a switch-out while runnable starts a wait here.
	 */
	runnable = preempt || task_state(prev) == TASK_RUNNING;
	/*
	 * Off-CPU from now, whatever the phase: a wait that began before the
	 * steady phase and ends in it is charged its part in the steady phase.
	 */
	t->out_ns = now;
	t->out_row = row;
	t->ready_ns = runnable ? now : 0;	/* on the run queue from now */
	t->ready_row = row;
	if (phase != CP_PHASE_STEADY)
		return;
	c = counts_at(row, slot);
	if (!c)
		return;
	__sync_fetch_and_add(&c->switches, 1);
	/* the kernel's own nivcsw rule: preempted, or still runnable (yield) */
	if (runnable)
		__sync_fetch_and_add(&c->involuntary, 1);
}

/* Charge the interval from @begin (in @row) to @now, clipped to the phase. */
static __always_inline struct sched_counts *interval_at(__u32 slot, __u64 *begin,
							__u32 row, __u32 now_row)
{
	__u64 since = steady_since_ns;

	if (*begin < since) {
		*begin = since;
		row = now_row;
	}
	return counts_at(row, slot);
}

static __always_inline void switched_in(__u32 slot, __u64 now)
{
	struct sched_task *t = bpf_map_lookup_elem(&sched_task, &slot);
	__u32 phase, row;
	struct sched_counts *c;
	__u64 begin;

	if (!t)
		return;
	row = cp_slot_row(slot, &phase);
	/* an interval that ends after ebpf_stop() is dropped, not charged */
	begin = t->out_ns;
	if (phase == CP_PHASE_STEADY && begin && (c = interval_at(slot, &begin, t->out_row, row)))
		__sync_fetch_and_add(&c->offcpu_ns, now - begin);
	begin = t->ready_ns;
	if (phase == CP_PHASE_STEADY && begin && (c = interval_at(slot, &begin, t->ready_row, row)))
		__sync_fetch_and_add(&c->runq_ns, now - begin);
	t->out_ns = 0;
	t->ready_ns = 0;
}

static __always_inline int on_switch(bool preempt, struct task_struct *prev,
				     struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	int slot;

	slot = task_slot(prev);
	if (slot >= 0)
		switched_out(slot, preempt, prev, now);
	slot = task_slot(next);
	if (slot >= 0)
		switched_in(slot, now);
	return 0;
}

static __always_inline int on_migrate(struct task_struct *p)
{
	int slot = task_slot(p);
	__u32 phase, row;
	struct sched_counts *c;

	if (slot < 0)
		return 0;
	row = cp_slot_row(slot, &phase);
	if (phase == CP_PHASE_STEADY && (c = counts_at(row, slot)))
		__sync_fetch_and_add(&c->migrations, 1);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup_btf, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(sched_wakeup_raw, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new_btf, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new_raw, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(sched_migrate_btf, struct task_struct *p, int dest_cpu)
{
	return on_migrate(p);
}

SEC("raw_tp/sched_migrate_task")
int BPF_PROG(sched_migrate_raw, struct task_struct *p, int dest_cpu)
{
	return on_migrate(p);
}
