/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_SAMPLE_H
#define CONVPROF_BPF_SAMPLE_H

#define SAMPLE_STACK_DEPTH 48	/* user frames kept per stack */
#define SAMPLE_MAX_STACKS 16384	/* distinct stacks, and (row, stack) pairs */

/*
 * sample_counts[cp_key(row, slot)]: samples (u64).
 * sample_stacks: (row, stack id) -> samples. A negative stackid is
 * bpf_get_stackid()'s error (-EFAULT: no user stack, -EEXIST: its bucket
 * held another stack), or SAMPLE_STACK_FULL when the pair found the table
 * full: the loader puts (row, SAMPLE_STACK_FULL) in for every row before any
 * sample, so those are always there to count in.
 */
#define SAMPLE_STACK_FULL (-28)	/* -ENOSPC */

struct sample_stack_key {
	__u32 row;
	__s32 stackid;
};

#endif
