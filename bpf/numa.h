/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_NUMA_H
#define CONVPROF_BPF_NUMA_H

/* numa_counts[cp_key(row, slot)], slot nworkers: the workload's other threads */
struct numa_counts {
	__u64 migrated_pages;	/* migrate:mm_migrate_pages, pages that moved */
	__u64 balancing_moves;	/* sched_move_numa, sched_swap_numa (each task), sched_stick_numa */
};

#endif
