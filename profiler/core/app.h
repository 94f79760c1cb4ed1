/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_APP_H
#define CONVPROF_APP_H

#include <stddef.h>
#include <stdint.h>

#include "convprof/hook-record.h"
#include "convprof/run.h"

/*
 * `convprof stat|record -- <command>`: run an application that uses the
 * shared libdnnl.so.2 with libconvprof-hook.so preloaded, read back the
 * shared record it filled (include/convprof/hook-record.h) and turn it into
 * a cp_run, one row per position of the repeating sequence of primitives.
 */

/*
 * Where an event costs a system call to read (software events, rdpmc off),
 * two per task add about 4% to a PyTorch forward here; one block in 8 adds
 * a fraction of that. Measured: tests/bench/app-bench.py.
 */
#define APP_COUNT_EVERY 8

struct app_opts {
	int argc;
	const char *const *argv;	/* the command and its arguments */
	const char *pin;		/* hwloc plan for the command's OpenMP runtime */
	int threads;			/* 0: one per core (or the command's own with --pin none) */
	int node;
	int warmup;			/* periods dropped */
	size_t max_execs;		/* capacity of the record; 0: default */
	int timeline;			/* record --timeline: periods kept as slices, 0: none */
	int count_every;		/* events without rdpmc: one block of executions in this
					   many (0: APP_COUNT_EVERY, 1: every execution) */
	const char *events;		/* -e as given, NULL: none asked for */
	unsigned ebpf_parts;		/* eBPF parts asked for */
};

/*
 * The record, checked and copied out of the shared file: nothing here
 * points into memory the command could still change.
 */
struct hook_data {
	struct cp_hook_header hdr;	/* counts clamped to the capacities */
	uint32_t nworkers, nprims;
	uint64_t nexecs;		/* recorded (complete or not) */
	uint64_t lost_execs;		/* claimed past the capacity */
	struct cp_hook_worker *workers;	/* [nworkers], strings terminated */
	struct cp_hook_prim *prims;	/* [nprims] */
	uint8_t *prim_ok;		/* [nprims]: ready and well formed */
	struct cp_hook_exec *execs;	/* [nexecs] */
	uint32_t *busy;			/* [nworkers][nexecs] */
	uint32_t nevents;
	uint64_t *counts;		/* [nworkers][nexecs][nevents], raw deltas */
	int ev_col[CP_HOOK_MAX_EVENTS];	/* the run's column of each event, -1: none
					   (hook_data_read sets -1; the caller fills it) */
};

/* A new record of @max_execs executions (0: default) as a memfd; *@fd. */
int hook_record_create(size_t max_execs, int *fd, void **map, size_t *size);

/* The same with @nevents (<= CP_HOOK_MAX_EVENTS) events for the workers to count. */
int hook_record_create_events(size_t max_execs, const struct perf_event_attr *attrs,
			      int nevents, int *fd, void **map, size_t *size);

/*
 * Check and copy the record in @buf (@size bytes, e.g. a mapping of the
 * file): magic, version, sizes, offsets, counts, indices, strings. Returns
 * 0, or -EBADMSG with cp_error() saying what is wrong. Release with
 * hook_data_release().
 */
int hook_data_read(const void *buf, size_t size, struct hook_data *out);
void hook_data_release(struct hook_data *d);

/*
 * Rows of @run from @d: the period of the execution sequence, @warmup
 * periods dropped, medians over the rest; without a period, one row per
 * distinct primitive with its calls. Event k's counts go to column
 * @d->ev_col[k] of @run (added before): per row, the mean per period of the
 * workers' deltas, each worker's scaled by its enabled/running times.
 * Returns 0, or -ENODATA when no
 * primitive was recorded (cp_error() says why).
 */
int app_fill_run(const struct hook_data *d, int warmup, struct cp_run *run);

/*
 * record --timeline of a command run: the first @n kept periods'
 * executions as slices on the calling thread's track (where each primitive
 * begins and ends; the main thread's worker, else worker 0). The other
 * workers' task times are summed in the record, not kept: no slices.
 * Nothing without a period.
 */
void app_timeline(const struct hook_data *d, int warmup, int n, struct cp_run *run);

/*
 * The row of each execution as app_fill_run() makes them: @rows[e] for the
 * executions it measures (kept periods), -1 for the others; @all_rows[e]
 * for every execution in the sequence (warm-up periods too). *@div: the
 * periods kept (1 without a period). Arrays of d->nexecs.
 */
int app_exec_rows(const struct hook_data *d, int warmup, int32_t *rows, int32_t *all_rows,
		  double *div);

/* oneDNN's name for the format of @md ("nchw", "nChw16c", "OIhw16i16o"). */
void hook_md_name(const struct cp_hook_md *md, int weights, int groups,
		  char *buf, size_t len);

/*
 * Run the command and measure it. *@out is a new cp_run; a command that
 * exits non-zero or dies of a signal gives a partial run with
 * exit_status / exit_signal set. Returns 0, -ENOENT (command not found;
 * the shell's 127), -EACCES, -ENODATA (no oneDNN primitive ran) or another
 * -errno, each with cp_error(). The command's stdout and stderr are its own.
 */
int app_run(const struct app_opts *o, const char *cmdline, struct cp_run **out);

#endif
