/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_RECORD_H
#define CONVPROF_HOOK_RECORD_H

#include <stdint.h>
#include <linux/perf_event.h>

/*
 * The shared record between convprof and libconvprof-hook.so loaded into a
 * profiled command (`convprof stat -- cmd`). convprof creates it (a memfd),
 * lays out the header and passes the fd number in CONVPROF_HOOK_FD; the hook
 * maps it MAP_SHARED and writes into it as the command runs, so whatever the
 * command had done when it crashed is still there for convprof to read.
 *
 * Fixed-width types only; every offset is from the start of the file. The
 * layout, in the order of the offsets:
 *
 *   struct cp_hook_header                    at 0
 *   struct cp_hook_worker  [max_workers]     at workers_off
 *   struct cp_hook_prim    [max_prims]       at prims_off
 *   struct cp_hook_exec    [max_execs]       at execs_off
 *   uint32_t busy_ns [max_workers][max_execs] at busy_off
 *   struct cp_hook_event   [nevents]         at events_off
 *   uint64_t counts [max_workers][max_execs][nevents] at counts_off
 *
 * Writers claim entries with atomic counters (nprims, nexecs, nworkers) that
 * may run past the capacity: claims beyond it are not written, and the
 * counter says how many there would have been.
 *
 * Events (-e): convprof encodes them (libpfm4) and writes their attributes;
 * each worker opens them on itself at its first ITT task (pid 0, cpu -1) and
 * adds the delta of each task to counts[worker][execution][event], raw
 * (not scaled: its enabled/running totals are in its worker entry). When the execution array is
 * full, later executions are not recorded (the first max_execs stay); the
 * reader says so. The reader trusts nothing in the file: it checks the
 * magic, version, sizes, offsets, every count against its capacity, every
 * index and every string's termination.
 */

/*
 * eBPF (--ebpf): convprof loads the programs for the command's process
 * before it runs, and passes the two maps they share in CONVPROF_HOOK_BPF
 * as "<state fd>,<workers fd>,<workers>,<rows>[,<maps fd>]" (a memfd the
 * hook copies /proc/self/maps into at exit, to name sampled stacks after
 * the process is gone): the hook registers each
 * worker's tid in the workers hash (tid -> slot, slot < workers) and, in
 * the mmap'd state array ({u32 layer, u32 phase} per slot), sets its
 * slot's layer to the execution index of each task it runs (rows when the
 * index is past rows - 1, and between tasks: "(other)").
 */

#define CP_HOOK_MAGIC		0x4b4f4f4846505043ull	/* "CPPFHOOK" */
#define CP_HOOK_VERSION		2
#define CP_HOOK_ENV_FD		"CONVPROF_HOOK_FD"
#define CP_HOOK_ENV_BPF		"CONVPROF_HOOK_BPF"
#define CP_HOOK_MAX_DIMS	6
#define CP_HOOK_MAX_EVENTS	8
#define CP_HOOK_IMPL_ITT_ONLY	"(seen by ITT only)"	/* impl of an execution that only
					   oneDNN's ITT task showed: kind alone */
#define CP_HOOK_COUNT_BLOCK	4096	/* >= a forward pass's primitives, so that a block
					   counts each of them */

enum cp_hook_state {
	CP_HOOK_UNLOADED = 0,	/* the hook never ran in the command */
	CP_HOOK_LOADED = 1,	/* loaded, no primitive yet */
	CP_HOOK_ACTIVE = 2,	/* recording */
	CP_HOOK_FAILED = 3,	/* failed open: see error[] */
};

struct cp_hook_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;	/* sizeof(struct cp_hook_header) */
	uint64_t total_size;	/* of the file */
	uint32_t max_workers, max_prims;
	uint32_t max_execs;
	uint32_t count_every;	/* events without rdpmc: read in one block of executions in
				   this many (0, 1: in every one); cp_hook_counted() */
	uint64_t workers_off, prims_off, execs_off, busy_off;
	uint32_t worker_size, prim_size, exec_size;
	uint32_t count_block;	/* executions in a block (0: CP_HOOK_COUNT_BLOCK) */
	uint32_t nevents, event_size;	/* -e events the workers open (<= CP_HOOK_MAX_EVENTS) */
	uint64_t events_off, counts_off;

	/* written by the hook */
	int32_t state;		/* enum cp_hook_state */
	int32_t pid;		/* the process that records (the first to run a primitive) */
	uint32_t other_processes;	/* processes that loaded the hook after it: not recorded */
	uint32_t nworkers;	/* threads that began an ITT task (claims) */
	uint32_t nprims;	/* distinct primitives (claims) */
	uint32_t described;	/* primitives described in full (the others: found by their
				   implementation descriptor) */
	uint64_t nexecs;	/* dnnl_primitive_execute calls (claims) */
	uint64_t itt_tasks;	/* ITT tasks that began on threads without a worker slot */
	char error[160];	/* why the hook did not record, NUL-terminated */
};

/* A thread that ran ITT tasks (an OpenMP worker or the calling thread). */
struct cp_hook_worker {
	int32_t tid;
	uint32_t reserved;
	uint64_t cpus_seen;	/* bit n: a task began on cpu n (n < 64) */
	uint64_t tasks;		/* ITT tasks begun */
	uint64_t busy_ns;	/* inside ITT tasks, in all */
	char affinity[64];	/* its CPU affinity at its first task, "0-1" */
	uint64_t cpu_ns;	/* its CPU time when the command exited (schedstat); 0 unknown */
	int32_t ev_err[CP_HOOK_MAX_EVENTS];	/* errno of its perf_event_open, 0: opened */
	uint32_t ev_rdpmc;	/* bit k: event k read with rdpmc, else read(2) */
	uint32_t ev_opened;	/* 1 once it tried to open the events */
	uint64_t ev_enabled[CP_HOOK_MAX_EVENTS];	/* ns, over its tasks */
	uint64_t ev_running[CP_HOOK_MAX_EVENTS];
};

/* An event to count: perf_event_attr as convprof encoded it. */
struct cp_hook_event {
	struct perf_event_attr attr;
};

/* A memory descriptor: enough of oneDNN's to name its format. */
struct cp_hook_md {
	int32_t ndims;		/* 0: none */
	int32_t data_type;	/* dnnl_data_type_t */
	int32_t format_kind;	/* dnnl_format_kind_t */
	int32_t inner_nblks;
	int64_t dims[CP_HOOK_MAX_DIMS];
	int64_t padded_dims[CP_HOOK_MAX_DIMS];
	int64_t strides[CP_HOOK_MAX_DIMS];
	int32_t inner_blks[CP_HOOK_MAX_DIMS];
	int32_t inner_idxs[CP_HOOK_MAX_DIMS];
};

/*
 * A distinct primitive: one entry per description, however often the
 * application re-created it.
 */
struct cp_hook_prim {
	uint32_t ready;		/* 1 once the rest is written */
	int32_t kind;		/* dnnl_primitive_kind_t */
	char impl[64];		/* oneDNN's impl string, NUL-terminated */
	struct cp_hook_md src, wei, dst;
	int32_t groups;		/* conv: 1 unless grouped */
	int32_t spatial;	/* conv/pool: number of spatial dims */
	int32_t kernel[3], stride[3], pad_l[3], pad_r[3], dilate[3];
	int32_t alg;		/* conv/pool/eltwise algorithm kind */
	char post_ops[48];	/* "sum+relu", NUL-terminated */
	uint64_t flops;		/* 2 x multiply-adds, conv / inner product / matmul */
};

/* One dnnl_primitive_execute call. */
struct cp_hook_exec {
	uint32_t prim;		/* index into the primitive array */
	int32_t status;		/* dnnl_status_t it returned */
	uint64_t begin_ns;	/* CLOCK_MONOTONIC */
	uint64_t end_ns;	/* 0: not finished (the command died in it) */
};

/*
 * Whether execution @exec's events that cost a system call to read are
 * read: in every one when @every <= 1, else in the executions of one block
 * of @block (0: CP_HOOK_COUNT_BLOCK) in @every. Both sides compute it: the
 * hook to read, convprof to scale.
 */
static inline int cp_hook_counted(uint64_t exec, uint32_t every, uint32_t block)
{
	return every <= 1 || (exec / (block ? block : CP_HOOK_COUNT_BLOCK)) % every == 0;
}

#endif
