/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_SAMPLE_H
#define CONVPROF_BPF_SAMPLE_H

#define SAMPLE_STACK_DEPTH 64	/* user frames kept per stack */
#define SAMPLE_MAX_STACKS 8192	/* distinct stacks, and (row, stack) pairs */

/* sample_counts[cp_key(row, slot)] */
struct sample_counts {
	__u64 samples;
	__u64 period;		/* sum of the samples' periods: ns, or cycles */
};

/* sample_stacks key -> samples; stackid < 0: the stack could not be taken */
struct sample_stack_key {
	__u32 row;
	__s32 stackid;
};

#endif
