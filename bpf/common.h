/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BPF_COMMON_H
#define CONVPROF_BPF_COMMON_H

/*
 * What every convprof BPF program shares with user space. Fixed-width types
 * only: this header is compiled both for the BPF target (vmlinux.h types)
 * and by gcc (<linux/types.h>).
 *
 * Two maps are created once by profiler/ebpf.c and handed to every skeleton
 * with bpf_map__reuse_fd(), so one store from user space reaches them all:
 *   cp_state    BPF_F_MMAPABLE array, one struct cp_slot_state per worker
 *               slot (the last slot for the workload's other threads);
 *               user space writes it through its mmap with plain stores
 *   cp_workers  hash, kernel tid -> worker slot
 */

#define CP_MAX_WORKERS 255	/* slots 0..nworkers-1, nworkers = other threads */
#define CP_MAX_SLOTS (CP_MAX_WORKERS + 1)

/* cp_slot_state.phase */
#define CP_PHASE_COLD 0		/* the first iteration: faults only */
#define CP_PHASE_STEADY 1	/* measured iterations: every part */
#define CP_PHASE_OFF 2		/* not counting (before start, after stop) */

struct cp_slot_state {
	__u32 layer;		/* row: 0..nlayers-1, nlayers = (other) */
	__u32 phase;
};

#endif
