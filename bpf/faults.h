/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_FAULTS_H
#define CONVPROF_BPF_FAULTS_H

/* tensor kinds, as enum tensor_kind in profiler/ebpf.h; FAULT_OTHER: no tensor */
#define FAULT_KINDS 5
#define FAULT_OTHER 4
#define FAULT_MAX_RANGES 8	/* tensors registered per layer */

/* fault_counts[cp_key(row, slot)].n[phase][kind], phase COLD or STEADY */
struct fault_counts {
	__u64 n[2][FAULT_KINDS];
};

/* fault_tensors[row]: the layer's tensors, looked up for its faults only */
struct fault_range {
	__u64 start, end;	/* [start, end) */
	__u32 kind;
	__u32 pad;
};

struct fault_tensors {
	__u32 n;
	__u32 pad;
	struct fault_range r[FAULT_MAX_RANGES];
};

#endif
