/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_SCHED_H
#define CONVPROF_BPF_SCHED_H

/* sched_counts[cp_key(row, slot)]: the workers' scheduling per layer */
struct sched_counts {
	__u64 switches;		/* switched out, for any reason */
	__u64 involuntary;	/* switched out while runnable (preempted) */
	__u64 migrations;	/* moved to another CPU */
	__u64 offcpu_ns;	/* switch-out to switch-in, charged to the row it left */
	__u64 runq_ns;		/* runnable (woken or preempted) to switch-in */
};

/* sched_task[slot]: when the worker left the CPU or became runnable */
struct sched_task {
	__u64 out_ns;
	__u64 ready_ns;
	__u32 out_row;
	__u32 ready_row;
};

#endif
