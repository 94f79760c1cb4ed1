/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RUNNER_H
#define CONVPROF_RUNNER_H

#include <signal.h>

#include "convprof/run.h"
#include "core/events.h"
#include "workloads/buffers.h"
#include "core/pin.h"

/*
 * The measured run. The runner pins the OpenMP workers (the pool oneDNN
 * uses) by an hwloc plan, opens each worker's counters on itself, then runs
 * warm-up and measured iterations of a workload: a list of ops executed one
 * after another, each spreading its work over the pool.
 *
 * At each op boundary the main thread takes a user-space timestamp (vDSO, no
 * system call); when events are counted, every worker then reads its own
 * counters in a short parallel region (rdpmc where the PMU page allows).
 * Counts between two boundaries belong to the op between them; counts
 * between iterations belong to "(other)"; the total is the sum of both.
 */

struct runner_opts {
	const char *pin;	/* compact (default), scatter, numa, none, cpu list */
	int threads;		/* 0: one per core */
	int node;		/* NUMA node for pin numa, -1 */
	const char *membind;	/* NULL, a node number, "local" or "interleave" */
	const char *events;	/* NULL: the default set; "none": time only */
	int rotate;		/* one event group per iteration */
	int iterations;		/* measured */
	int warmup;
	int overhead;		/* also measure overhead_pct (interleaved) */
	int no_rdpmc;		/* force read(2) */
	unsigned ebpf_parts;	/* enum ebpf_part mask; 0: none */
	int sample_freq;
	/* called once the warm-up is done, before the measured iterations; may be NULL */
	void (*progress)(void *arg, int iterations, int ops);
	void *progress_arg;
};

/* What the runner executes: op i of nops. */
struct workload {
	int nops;
	int (*exec)(void *ctx, int op);
	void *ctx;
	/* optional: the tensors op i touches (eBPF fault attribution) */
	const struct tensor_ref *(*tensors)(void *ctx, int op);
};

struct runner;

/*
 * Load the topology, compute the plan, resolve and probe the events, set up
 * the OpenMP pool: every worker binds itself and opens its counters.
 * Errors (a plan that cannot be honoured, an unknown event, a bad membind)
 * return -EINVAL/-ENOENT with cp_error().
 */
int runner_new(struct runner **out, const struct runner_opts *o);

/* The allocator the net should use so --membind applies to its buffers. */
void runner_allocator(struct runner *r, struct net_allocator *a);

/*
 * Run and measure @w into @run, whose layers (nops rows) and batch the
 * caller has set. Fills events, backend, times, counts, per-thread values,
 * thread records, overhead. An interrupt (see runner_catch_sigint) stops
 * at the next op boundary: the run keeps the iterations it finished and is
 * marked partial (-EINTR when none finished).
 */
int runner_measure(struct runner *r, const struct workload *w, struct cp_run *run);

/* The plan in use (valid until runner_free). */
const struct pin_plan *runner_plan(const struct runner *r);
hwloc_topology_t runner_topology(const struct runner *r);

void runner_free(struct runner *r);

/*
 * SIGINT between runner_catch_sigint() and runner_release_sigint() sets
 * runner_interrupted instead of ending the process; runner_measure() stops
 * at the next op boundary when it is set (also when set before it began).
 */
extern volatile int runner_interrupted;
void runner_catch_sigint(struct sigaction *old);
void runner_release_sigint(const struct sigaction *old);

/* Fill run->machine from the topology and /proc. */
void run_fill_machine(struct cp_run *run, hwloc_topology_t topo);

#endif
