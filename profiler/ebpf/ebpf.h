/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_EBPF_H
#define CONVPROF_EBPF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "convprof/run.h"

/*
 * eBPF parts of a run (libbpf CO-RE skeletons of bpf/<name>.bpf.c):
 *   sched   context switches, migrations, off-CPU and run-queue time of the
 *           workers, per layer and worker
 *   faults  user page faults per layer and tensor, cold iteration vs steady
 *   numa    page migrations and NUMA balancing moves per layer
 *   sample  a perf_event program on each worker CPU (a hardware event where
 *           the PMU allows, cpu-clock otherwise) adding per layer and keeping
 *           user stack ids
 * The current layer lives in memory shared with the programs (an mmap'd BPF
 * array): ebpf_set_layer() is a plain store, no system call. Layer ids are
 * row indices of the run; nlayers means "(other)".
 *
 * A part that cannot load (no privilege, missing tracepoint) is unavailable
 * with a reason and the rest goes on: ebpf_open() fails only on bad
 * arguments.
 */

enum ebpf_part {
	EBPF_SCHED = 1 << 0,
	EBPF_FAULTS = 1 << 1,
	EBPF_NUMA = 1 << 2,
	EBPF_SAMPLE = 1 << 3,
	EBPF_ALL = 0xf,
};

/* "sched,faults,numa,sample", "all" or "none" -> mask; -EINVAL with cp_error(). */
int ebpf_parts_parse(const char *s, unsigned *parts);
const char *ebpf_part_name(enum ebpf_part p);

enum tensor_kind { TENSOR_WEIGHTS, TENSOR_SRC, TENSOR_DST, TENSOR_SCRATCHPAD };

struct ebpf_opts {
	pid_t tgid;		/* the workload process */
	unsigned parts;
	int nworkers;
	const pid_t *worker_tids;	/* kernel tid of worker i; NULL: the process
					   registers its workers itself (ebpf_shared_fds) */
	int ncpus;
	const int *cpus;	/* CPUs to sample on: the workers' PUs, or all */
	int sample_freq;	/* Hz for cpu-clock sampling (default 999) */
	int nlayers;
};

struct ebpf_session;

/* Load and attach the requested parts; *@out belongs to the caller. */
int ebpf_open(struct ebpf_session **out, const struct ebpf_opts *o);

/*
 * Register @bytes at @ptr as tensor @kind of layer @layer (fault attribution;
 * before the cold iteration). A fault is classified among the current
 * layer's tensors only, the first registered range that holds it winning;
 * up to 8 ranges per layer (-ENOSPC beyond). NULL @ptr or 0 @bytes: nothing.
 */
int ebpf_add_tensor(struct ebpf_session *s, int layer, enum tensor_kind kind,
		    const void *ptr, size_t bytes);

/* The shared current-layer word(s): a plain store, safe on the hot path. */
void ebpf_set_layer(struct ebpf_session *s, int layer);

/*
 * 0: the cold (first) iteration, 1: steady state; counted apart. Only the
 * faults part counts the cold phase (faults:first:*); the others count only
 * the steady one.
 */
#define EBPF_PHASE_COLD 0
#define EBPF_PHASE_STEADY 1
void ebpf_set_phase(struct ebpf_session *s, int phase);

/*
 * Begin and end counting (outside the measured iterations only): plain
 * stores, no system call; counts add up over several start/stop pairs. The
 * runner's order:
 *   ebpf_open, ebpf_add_tensor...,
 *   ebpf_set_phase(COLD), ebpf_start, the first iteration, ebpf_stop,
 *   warm-up iterations (not counted),
 *   ebpf_set_phase(STEADY), ebpf_start, the N measured iterations
 *   (ebpf_set_layer before each layer, nlayers after the last), ebpf_stop,
 *   ebpf_collect(run, N), ebpf_close.
 * ebpf_add_tensor, ebpf_set_layer, ebpf_set_phase, ebpf_start, ebpf_stop
 * and ebpf_close accept a NULL session and do nothing.
 */
int ebpf_start(struct ebpf_session *s);
int ebpf_stop(struct ebpf_session *s);

/* NULL when @part runs, else "unavailable: <reason>". */
const char *ebpf_part_status(const struct ebpf_session *s, enum ebpf_part part);

/*
 * Transparent huge pages as the faults were counted: the mode and the huge
 * page sizes not "never", e.g. "madvise (2048kB: inherit)". A fault is one
 * 4 KiB page, or one huge page where one backs the address.
 */
const char *ebpf_thp(const struct ebpf_session *s);

/*
 * The two maps every part shares, for a process that registers its own
 * workers and writes its own current layers (`-- command`: the hook):
 * cp_state, a BPF_F_MMAPABLE array of CP_MAX_SLOTS {u32 layer, u32 phase},
 * and cp_workers, a hash of kernel tid -> worker slot (u32 -> u32). The fds
 * belong to the session. -ENOENT when no part is loaded.
 */
int ebpf_shared_fds(const struct ebpf_session *s, int *state_fd, int *workers_fd);

/*
 * Symbolise the sampled stacks with the maps in file @path (a copy the
 * process made before it went away) instead of /proc/PID/maps; NULL: those.
 */
void ebpf_set_maps(struct ebpf_session *s, const char *path);

/* The sampling event: "cycles" where the PMU allows, else "cpu-clock". */
const char *ebpf_sample_event(const struct ebpf_session *s);

/*
 * Add the parts' columns to @run (whose layers are set) as per-iteration
 * means over @iterations: sched:switches, sched:involuntary,
 * sched:migrations, sched:offcpu_ns, sched:runq_ns, faults:total,
 * faults:weights, faults:src, faults:dst, faults:scratchpad (steady state),
 * faults:first:* (the cold iteration, not divided), numa:migrated_pages,
 * numa:balancing_moves, sample:<event>; per-thread values where
 * run->nthreads equals the number of workers (thread i = worker i), and
 * run->thread_recs[i].migrations where still NaN; sample stacks with
 * symbolised user frames (counts are totals over the run, not means; call
 * once: stacks are appended). An unavailable part adds its columns as
 * unsupported with the reason; a part not requested adds none.
 */
int ebpf_collect(struct ebpf_session *s, struct cp_run *run, int iterations);

/* Detach and free everything: links, maps, perf fds. NULL is fine. */
void ebpf_close(struct ebpf_session *s);

#endif
