/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RUN_H
#define CONVPROF_RUN_H

#include <stdint.h>

/*
 * cp_run: everything one profiled run produced, independent of the live net
 * and counters. `stat` fills one and renders it; `record` writes it to the
 * recording file; `report`, `diff`, `flamegraph` and `roofline` read it back
 * and render it. One struct for all of them keeps their numbers identical.
 *
 * Counts are per inference (the mean over the measured iterations), already
 * scaled for multiplexing. A count that could not be taken is NaN, never 0:
 * renderers leave it out.
 */

#define CP_NAME_LEN 80

struct cp_event_info {
	char name[96];		/* "cycles", "task-clock", "sched:switches" */
	char source[16];	/* "hardware", "software", "raw", "ebpf" */
	int supported;
	char reason[200];	/* why not, when !supported */
	double running_ratio;	/* time_running / time_enabled; 1 = never multiplexed;
				   NaN where it does not apply (eBPF) */
};

struct cp_layer_rec {
	int index;		/* row in execution order */
	char name[CP_NAME_LEN];
	char kind[16];		/* conv, bn, relu, leaky, add, maxpool, avgpool,
				   concat, upsample, fc, reorder, other */
	char stage[32];
	char post_ops[48];
	char layout[24];	/* oneDNN format of the source tensor */
	char wei_fmt[24], dst_fmt[24];
	char impl[64];
	char dtype[8];
	int is_ref;		/* reference implementation: slow */
	int cfg_layer;		/* -1 for input/output reorders and (other) */
	uint64_t flops;		/* per inference (the whole batch) */
	uint64_t params;	/* of the cfg layer, on its conv or fc row only */
	uint64_t weight_bytes, in_bytes, out_bytes, scratchpad_bytes;
	int in_dims[4], out_dims[4];
	int kernel, stride, pad;
	double time_ms;		/* median over measured iterations */
	/* its quartiles over them (the noise); in memory only, NaN unknown */
	double time_q1_ms, time_q3_ms;
	double remote_share;	/* share of the layer's bytes on a remote NUMA node; NaN unknown */
	uint64_t calls;		/* `-- command`, grouping "primitive": executions; else 0 */
};

struct cp_thread_rec {
	int worker;
	int cpu_planned;	/* -1 when not pinned */
	char cpus_actual[64];	/* cpu list read back after the run */
	double migrations;	/* during measured iterations; NaN unknown */
	double cpu_ms;		/* `-- command`: its CPU time over the whole command
				   (task-clock); NaN unknown; not stored */
};

struct cp_stack_rec {
	int layer;		/* row index, -1 for (other) */
	char *frames;		/* ";"-joined user frames, outermost first */
	uint64_t count;		/* samples */
	char event[48];		/* the sampling event, "cpu-clock" */
};

/* One worker's part of one layer in one kept iteration (record --timeline). */
struct cp_slice {
	int iteration;		/* 0 = the first kept iteration */
	int layer;		/* row index */
	int worker;
	double begin_us;	/* from the start of the first kept iteration */
	double dur_us;
};

struct cp_machine_rec {
	char cpu_model[128];
	char isa[256];		/* "avx512f avx512_vnni avx512_bf16 ..." */
	char kernel[256];
	char hostname[64];
	int pus, cores, numa_nodes, packages;
	uint64_t l1d, l2, l3;	/* bytes per instance */
	uint64_t memory;
};

struct cp_run {
	int64_t id;		/* id in the recording file, 0 when not stored */
	char time[32];		/* ISO 8601, UTC */
	char cmdline[512];
	char convprof_version[32];
	char dnnl_version[16];
	struct cp_machine_rec machine;

	/* configuration */
	char model[64];
	int width, height, batch;
	char precision[8], layout[8];
	int fusion;
	int threads;
	char pin[64];
	char membind[32];
	int iterations, warmup;
	int rotate;
	int partial;		/* interrupted: what was measured so far */

	/* measurement */
	char backend[16];
	char backend_reason[256];
	char numa[192];		/* where the pages live, or why that is not known */
	char numa_warning[256];	/* weights on a node without workers, or "" */
	int nevents;
	struct cp_event_info *events;
	int nlayers;
	struct cp_layer_rec *layers;
	struct cp_layer_rec other;	/* "(other)": what no layer owns */
	double *counts;		/* [(nlayers + 1) * nevents]; row nlayers = (other) */
	double *total_counts;	/* [nevents] */
	int nthreads;
	struct cp_thread_rec *thread_recs;
	double *thread_counts;	/* [(nlayers + 1) * nthreads * nevents] or NULL */

	double latency_ms;	/* median end-to-end per inference */
	/*
	 * The quartiles of the per-iteration latency: how far noise moves it
	 * (sweep's ratios carry it). In memory only, not in the recording (a
	 * sweep's processes pass them beside it): NaN unknown.
	 */
	double latency_q1_ms, latency_q3_ms;
	double throughput_ips;	/* batch / latency */
	double layers_ms;	/* sum of the layers' medians */
	double other_ms;	/* median time no layer owns */
	/*
	 * Per-layer instrumentation vs none, from interleaved pairs of runs:
	 * the median ratio in percent and the interquartile range of the ratios
	 * (the noise). NaN when not measured, or when the noise is wider than
	 * the figure: then @overhead_reason says "not measurable here (noise
	 * ±x%)"; "" otherwise.
	 */
	double overhead_pct;
	double overhead_spread_pct;
	char overhead_reason[96];
	int op_count, reorder_count;

	int nstacks;
	struct cp_stack_rec *stacks;

	/*
	 * Per layer and worker, the worker's busy time per inference in ms: its
	 * part of the layer's parallel work, from oneDNN's ITT task begin/end
	 * on that worker. [(nlayers + 1) * nthreads], row nlayers = (other);
	 * NULL when not measured, NaN where unknown. Wait = layer time - busy.
	 */
	double *busy_ms;
	char busy_note[160];	/* why busy_ms is NULL, or a caveat about it; "" */

	int nslices;		/* the timeline, in time order per worker */
	struct cp_slice *slices;

	/*
	 * `convprof stat|record -- <command>`: the command and how it ended.
	 * command_argc is 0 for the built-in models.
	 */
	int command_argc;
	char **command_argv;	/* owned by the run */
	char grouping[16];	/* "sequence" (rows are positions in the repeating
				   sequence of primitives), "primitive" (no period:
				   rows are distinct primitives), "" built-in */
	int periods;		/* sequence: periods seen in all (warm-up included) */
	int exit_status;	/* the command's exit status, -1 if it did not exit */
	int exit_signal;	/* the signal that ended it, 0 if none */
	char app_note[256];	/* what the hook could not see, or "" */
};

/* A new, empty run (NaN where unknown). Free with cp_run_free(). */
struct cp_run *cp_run_new(void);
void cp_run_free(struct cp_run *run);

/* The run's time (now, ISO 8601 UTC), @cmdline (may be NULL) and convprof's version. */
void cp_run_stamp(struct cp_run *run, const char *cmdline);

/*
 * Add an event column; returns its index. Existing counts get NaN in the new
 * column. The strings are copied.
 */
int cp_run_add_event(struct cp_run *run, const char *name, const char *source,
		     int supported, const char *reason);

/* Index of the event named @name, or -1. */
int cp_run_event_index(const struct cp_run *run, const char *name);

/* Allocate @n layer rows (NaN counts); call once, after cp_run_new(). */
void cp_run_set_layers(struct cp_run *run, int n);

/* Allocate per-thread count storage for @nthreads workers (NaN). */
void cp_run_set_threads(struct cp_run *run, int nthreads);

/* Row @layer's (or nlayers for (other)) count of event @ev. */
static inline double *cp_run_count(struct cp_run *run, int layer, int ev)
{
	return &run->counts[(long)layer * run->nevents + ev];
}

static inline double *cp_run_thread_count(struct cp_run *run, int layer,
					  int thread, int ev)
{
	return &run->thread_counts[((long)layer * run->nthreads + thread) *
				   run->nevents + ev];
}

/* Allocate busy_ms for the current layers and threads (NaN). */
void cp_run_set_busy(struct cp_run *run);

static inline double *cp_run_busy(struct cp_run *run, int layer, int thread)
{
	return &run->busy_ms[(long)layer * run->nthreads + thread];
}

/* Copy @argc strings of @argv into run->command_argv. */
void cp_run_set_command(struct cp_run *run, int argc, const char *const *argv);

/*
 * What was profiled, for titles: "resnet50 224x224 batch 1, f32 blocked",
 * or for a command run "command 'python3 infer.py'" (cut to @len).
 */
void cp_run_title(const struct cp_run *run, char *buf, size_t len);

/* Append a timeline slice. */
void cp_run_add_slice(struct cp_run *run, const struct cp_slice *s);

/* Append a sample stack (frames copied). */
void cp_run_add_stack(struct cp_run *run, int layer, const char *frames,
		      uint64_t count, const char *event);

#endif
