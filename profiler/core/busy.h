/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_BUSY_H
#define CONVPROF_BUSY_H

#include <stddef.h>
#include <stdint.h>

#include "convprof/run.h"

/*
 * Busy time per layer and worker in the built-in runner, from oneDNN's ITT
 * tasks: the runner's process binds libconvprof-hook.so as oneDNN's ITT
 * collector (the same library and the same tasks an application's hook
 * sees) and installs callbacks that stamp each task's begin and end into
 * the calling worker's own slot. No lock, no allocation, no system call on
 * that path: one vDSO clock read per begin and per end.
 *
 * oneDNN 2.6 opens a task for the whole primitive on the calling thread and
 * one per parallel() call on every other worker (not on the calling one).
 * For worker 0, busy-gomp.c measures how long it waited at the end of each
 * parallel region, which busy.c takes off its task time. Nested tasks count
 * once: only innermost tasks add time.
 */

#define BUSY_MAX_TIMELINE 64	/* iterations record --timeline keeps at most */
#define BUSY_RING 256		/* iterations whose busy times give the medians */

struct busy_probe;

/*
 * Bind oneDNN's ITT tasks to callbacks for @nworkers workers. Call before
 * oneDNN runs its first primitive (its ITT loader reads the environment
 * once). Returns 0, or -errno with cp_error() saying why busy time cannot
 * be measured here.
 */
int busy_probe_open(struct busy_probe **out, int nworkers);
void busy_probe_close(struct busy_probe *b);

/* On worker @slot's own thread: tasks on this thread are that worker's
   (-1: not a worker). */
void busy_thread_bind(int slot);

/*
 * Buffers for a measurement of @nops ops; the first @timeline measured
 * iterations keep begin/end per layer and worker (0: none).
 */
void busy_measure_begin(struct busy_probe *b, int nops, int timeline);

/*
 * Where the next iteration's tasks go: measured iteration @it (>= 0),
 * BUSY_SCRATCH (counted and dropped: warm-up, overhead runs) or BUSY_OFF
 * (not counted: the plain reference iterations).
 */
#define BUSY_SCRATCH (-1)
#define BUSY_OFF (-2)
void busy_select(struct busy_probe *b, int it);

/* The op the runner executes now (nops: none); set before it starts. */
static inline void busy_set_layer(struct busy_probe *b, int layer);

/*
 * Fill run->busy_ms (medians over the last BUSY_RING of @done measured
 * iterations) and run->slices, or leave busy_ms NULL with the reason in
 * run->busy_note. @b may be NULL (not measured; @why says why).
 */
void busy_fill_run(struct busy_probe *b, struct cp_run *run, int done, const char *why);

/* busy-gomp.c: is this thread worker 0 of a probe that counts now? */
int busy_leader_tracking(void);
/* worker 0 waited @ns at the end of a parallel region */
void busy_leader_waited(uint64_t ns);

/* the hot path's view of the probe, for the inline setter */
struct busy_probe_pub {
	volatile int layer;
};

static inline void busy_set_layer(struct busy_probe *b, int layer)
{
	if (b)
		((struct busy_probe_pub *)b)->layer = layer;
}

#endif
