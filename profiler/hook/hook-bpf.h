/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_BPF_H
#define CONVPROF_HOOK_BPF_H

#include <stdint.h>

/* The eBPF side of the hook (CONVPROF_HOOK_BPF, see convprof/hook-record.h). */

/* From the environment, in the constructor; nothing when it is not set. */
void hook_bpf_init(void);

/* Register the calling thread as worker @slot (one bpf(2) call, once per worker). */
void hook_bpf_register(int slot, int32_t tid);

/* Worker @slot now runs execution @exec (UINT64_MAX: none): a plain store. */
void hook_bpf_layer(int slot, uint64_t exec);

/*
 * At exit (the recording process only): copy /proc/self/maps into the fd
 * convprof passed (with the sample part), to name the sampled stacks.
 */
void hook_bpf_exit(void);

#endif
