/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_SWEEP_H
#define CONVPROF_SWEEP_H

#include <stdint.h>
#include <stdio.h>
#include <hwloc.h>

#include "convprof/run.h"
#include "core/profile.h"

struct store;

/*
 * convprof sweep: every combination of the study's axes, each measured like
 * stat (in processes of its own, P of them at once for --procs P), compared
 * with its partner combinations: speedup over the fewest threads or
 * processes, the throughput ratio of one layout, precision or fusion
 * setting against another, and the efficiency ratios of the roofline
 * study.
 *
 * sweep.c: the axes, the combinations, the derived figures and the
 * ceilings; sweep-place.c: where processes run; sweep-exec.c: running one
 * combination's processes. Its output is reports/sweep-out.h:
 * sweep-report.c (tables, JSON and the summary), sweep-plot.c (the charts).
 */

/* In loop order: the last axis varies fastest. */
enum sweep_axis {
	SWEEP_SIZE, SWEEP_BATCH, SWEEP_PRECISION, SWEEP_LAYOUT, SWEEP_FUSION,
	SWEEP_PROCS, SWEEP_THREADS, SWEEP_NAXES,
};

struct sweep_size {
	int w, h;
};

struct sweep_axes {
	int n[SWEEP_NAXES];	/* values on each axis, at least 1 */
	int given[SWEEP_NAXES];	/* from the command line, not the default */
	struct sweep_size *size;	/* w = h = 0: the model's own size */
	int *batch, *procs, *threads;	/* threads 0: one per core (until resolved) */
	const char **precision, **layout;	/* static strings */
	int *fusion;		/* 1 on, 0 off */
	/*
	 * The value each combination is compared with, as an index into the
	 * axis, -1 where the axis is not compared (batch, size) or has one
	 * value: the fewest threads and processes, f32, nchw, fusion off (or
	 * the first value listed when those are not on the axis).
	 */
	int base[SWEEP_NAXES];
};

/* "size", "batch", ...: the option's long name. */
const char *sweep_axis_name(enum sweep_axis a);

/*
 * Parse the comma list @list for axis @a into @ax (replacing what it held).
 * A value that is not valid for the axis, 0, an empty element or a value
 * given twice is -EINVAL with the reason in cp_error().
 */
int sweep_axis_parse(struct sweep_axes *ax, enum sweep_axis a, const char *list);

/*
 * Give every axis not parsed its single default, stat's: the model's size,
 * batch 1, f32, blocked, fusion on, 1 process, and one thread per core (0)
 * -- or 1 thread when --procs was given, so processes x threads fits.
 * Then choose the baselines. Call once, after the parsing.
 */
void sweep_axes_finish(struct sweep_axes *ax);

void sweep_axes_release(struct sweep_axes *ax);

/* Value @i of axis @a as the tables write it: "224x224", "4", "f32", "on". */
char *sweep_axis_value(const struct sweep_axes *ax, enum sweep_axis a, int i,
		       char *buf, size_t len);

/* Numeric value for threads, procs and batch; NaN for the others. */
double sweep_axis_number(const struct sweep_axes *ax, enum sweep_axis a, int i);

/* Combinations: the product of the axes' lengths. */
int sweep_count(const struct sweep_axes *ax);

/* The axis indices of combination @k (0-based, in loop order). */
void sweep_indices(const struct sweep_axes *ax, int k, int idx[SWEEP_NAXES]);

/* The combination with indices @idx. */
int sweep_point_index(const struct sweep_axes *ax, const int idx[SWEEP_NAXES]);

/* ---- placement (sweep-place.c) ---- */

/*
 * Disjoint cpu lists ("0,1") for @procs processes of @threads workers each,
 * placed under @policy: compact (the first free whole cores, in topology
 * order), scatter (spread over the machine with hwloc_distrib, compact
 * inside each share), numa (compact inside NUMA node @node, -1: the
 * first) or a cpu list (compact inside it). No two processes share a
 * core; a process takes one PU per worker from its cores. "none" cannot
 * keep processes apart and is -EINVAL, as is a request that does not fit
 * (the reason names the PUs and cores there are). *@lists gets @procs
 * strings; free them with sweep_lists_free().
 */
int sweep_place(hwloc_topology_t topo, const char *policy, int node, int procs,
		int threads, char ***lists);
void sweep_lists_free(char **lists, int n);

/*
 * Bytes of the machine's last-level cache, all its instances (what "per
 * MB of last-level cache" means, and what stat and report divide by); 0
 * when hwloc describes no cache.
 */
uint64_t sweep_llc_bytes(hwloc_topology_t topo);

/* ---- results ---- */

enum sweep_state { SWEEP_NOT_RUN, SWEEP_DONE, SWEEP_PARTIAL, SWEEP_FAILED };

struct sweep_proc {
	int64_t run_id;		/* in the recording; 0 when not recorded */
	double latency_ms, ips;
	double gops;		/* the run's FLOPs (OPs for int8) per second, 1e9 */
	int partial;
	int ncpus;
	int *cpus;		/* planned cpu of each worker; -1 unpinned */
};

/* One layer of a combination's (first process's) run, for per-layer scaling. */
struct sweep_layer {
	char name[CP_NAME_LEN];
	double time_ms;		/* median */
	double noise;		/* interquartile range / median of its time; NaN unknown */
	/* busy time over the workers: NaN when not measured */
	double busy_sum, busy_max;
	int nbusy;		/* workers busy for at least a tenth of the busiest */
};

struct sweep_point {
	int idx[SWEEP_NAXES];
	int nlayers;
	struct sweep_layer *layers;	/* NULL when not run */
	enum sweep_state state;
	char *error;		/* SWEEP_FAILED: why */
	int nprocs;
	struct sweep_proc *procs;
	uint64_t llc_bytes;	/* the machine's LLC; 0 unknown */

	/* aggregate over the processes; NaN unless done or partial */
	double latency_ms;	/* median of the processes' medians */
	double ips;		/* sum of the processes' images per second */
	double gops;		/* sum */
	int cores;		/* threads x processes */

	/*
	 * Against the partner combination (same everywhere but on axis a,
	 * where it has the baseline value): ips / partner's ips. For threads
	 * and procs that is the speedup, and efficiency = speedup x base /
	 * value. NaN without a partner (one value on the axis, a partner that
	 * failed, was interrupted or did not run).
	 */
	double ratio[SWEEP_NAXES];
	double efficiency[SWEEP_NAXES];	/* threads and procs only */
	/*
	 * The noise: noise is the interquartile range of the per-iteration
	 * latency over its median (the widest of the processes'), NaN unknown;
	 * ratio_spread[a] that of both points carried to the ratio,
	 * ratio x sqrt(noise^2 + partner's noise^2). A ratio whose spread is
	 * wider than its distance from 1 is no measurement: ratio[a] and
	 * efficiency[a] are NaN and ratio_noisy[a] is set.
	 */
	double noise;
	double ratio_spread[SWEEP_NAXES];
	int ratio_noisy[SWEEP_NAXES];

	double ips_per_core, llc_mib, ips_per_llc_mib;
	/* need the machine's ceilings: NaN without */
	double peak_gops, bw_gbs, mac_util, ips_per_peak_tops, ips_per_gbs;
};

/* Where the ceilings came from, or why there are none. */
struct sweep_ceilings {
	int available;
	char why[512];		/* when !available */
	char file[256];		/* the cache file they came from */
	char measured_at[32];
	int quick;		/* measured with convprof machine --quick */
	char peak_source[256], bw_source[160];
	void *priv;		/* struct machine_ceilings, when available */
};

struct sweep {
	struct sweep_axes ax;
	char model[64];
	int iterations, warmup;
	const char *recording;	/* NULL: --no-record */
	int npoints;
	struct sweep_point *points;	/* in loop order */
	int interrupted;
	struct sweep_ceilings ceil;
};

/*
 * Set up @s for @ax (taken over: released with @s) with every point not
 * run. Release with sweep_release().
 */
void sweep_init(struct sweep *s, struct sweep_axes *ax);
void sweep_release(struct sweep *s);

/*
 * Fill point @k from its processes' runs (@n of them, n = the point's
 * procs; the runs' ids as stored). The point is partial when any run is.
 */
void sweep_point_fill(struct sweep *s, int k, struct cp_run *const *runs, int n);

/* Mark point @k failed with @msg (copied). */
void sweep_point_fail(struct sweep *s, int k, const char *msg);

/*
 * The machine's ceilings for the efficiency columns, into s->ceil, or why
 * there are none: from the file @path when given, else as stat finds them
 * (ceilings_load(): the recording @st, may be NULL, then convprof
 * machine's cache). Never measures: a sweep does not pay for that unasked.
 */
void sweep_ceilings_load(struct sweep *s, struct store *st, const char *path);
void sweep_ceilings_release(struct sweep_ceilings *c);

/*
 * The peak GFLOP/s (GOP/s for int8) of @precision on @cores cores and the
 * memory bandwidth in GB/s of @cores cores; NaN where unknown.
 */
void sweep_ceilings_lookup(const struct sweep_ceilings *c, const char *precision,
			   int cores, double *peak, double *bw);

/*
 * Compute the ratios, efficiencies and per-core, per-LLC, per-ceiling
 * figures of every point from the others. Only points done count as
 * partners: a partial one is a shorter measurement, not a peer.
 */
void sweep_derive(struct sweep *s);

/*
 * Point @pt's values on the axes that vary, except axis @skip (-1: none):
 * "2 threads, nhwc"; "" when none varies. Returns @buf.
 */
char *sweep_point_label(const struct sweep *s, const struct sweep_point *pt, int skip,
			char *buf, size_t len);

/* The values every point shares, and the iterations: "112x112, batch 1, ...". */
char *sweep_fixed_label(const struct sweep *s, char *buf, size_t len);

/* ---- running a combination (sweep-exec.c) ---- */

/*
 * Run one combination: @procs processes, each profile_run(@p) with
 * p->pin replaced by @cpus[i] when @cpus is given (procs > 1), each
 * building its net, then all measuring together (a barrier through
 * pipes). Each process returns its run through a recording file of its
 * own in @tmpdir (named by @tag); *@runs gets @procs new runs, in process
 * order. @cmdline is stored in each run with "(process i of P)" added.
 *
 * SIGINT (see runner_catch_sigint(), which the caller must have called)
 * is passed on to the processes: those measuring stop with a partial run;
 * the call then returns 0 if every process has a run, else -EINTR. A
 * process that fails fails the combination with its message; every
 * process is reaped on every path. Returns 0 or -errno with cp_error().
 */
int sweep_exec(const struct profile_opts *p, int procs, char *const *cpus,
	       const char *cmdline, const char *tmpdir, const char *tag,
	       struct cp_run ***runs);

/* Free what sweep_exec() returned. */
void sweep_runs_free(struct cp_run **runs, int n);

/* ---- per-layer thread scaling (sweep-layers.c) ---- */

/*
 * Why a layer scales as it does from base_threads to threads workers:
 * SCALES: parallel efficiency at least 80%; else SERIAL: one worker did
 * the work; IMBALANCE: busy time unequal (1 - mean/max > 0.2); CONTENTION:
 * the busy time summed over the workers grew by more than 20% (each
 * worker's part took longer than its share: caches, bandwidth); else
 * OVERHEAD: the time went outside the workers' tasks (fork/join, barriers,
 * a primitive too small to split). UNKNOWN without busy time. NOISE when
 * the speedup's spread (both layers' noise carried to it) is wider than its
 * distance from 1, or than the efficiency's from 80%: not measurable here.
 */
enum sweep_verdict {
	VERDICT_UNKNOWN, VERDICT_SCALES, VERDICT_SERIAL, VERDICT_IMBALANCE,
	VERDICT_CONTENTION, VERDICT_OVERHEAD,
	VERDICT_NOISE,		/* the speedup is inside its noise: not measurable */
};

const char *sweep_verdict_name(enum sweep_verdict v);

struct sweep_layer_scaling {
	int layer;		/* row */
	double speedup;		/* base time / time; NaN when not measurable */
	double speedup_spread;	/* speedup x sqrt(noise^2 + base noise^2); NaN unknown */
	double efficiency;	/* speedup x base threads / threads */
	double imbalance;	/* at threads; NaN unknown */
	double work_growth;	/* busy sum / base busy sum; NaN unknown */
	double lost_ms;		/* time above ideal scaling: time - base time x base / threads */
	enum sweep_verdict verdict;
};

/* The verdict of one layer, from the figures above (constructed values in tests). */
enum sweep_verdict sweep_layer_verdict(const struct sweep_layer *base, int base_threads,
				       const struct sweep_layer *l, int threads,
				       struct sweep_layer_scaling *out);

/*
 * Per-layer scaling of point @k against its thread partner (the same
 * combination at the base thread count): a new array of s->points[k]
 * .nlayers entries in *@out (free it). Returns the count, 0 when there is
 * no such partner (threads not swept, @k is the base, a layer list that
 * differs, a run missing).
 */
int sweep_layer_scaling(const struct sweep *s, int k, struct sweep_layer_scaling **out);

/* Rows of @sc (@n of them) in order of time lost, most first; free it. */
int *sweep_layers_by_lost(const struct sweep_layer_scaling *sc, int n);

/* The combination with the most threads that has a partner (its thread
 * count in *@threads), or -1. */
int sweep_layers_top_point(const struct sweep *s, double *threads);

/* Summary: the @top layers losing the most at the largest thread count, "" when none. */
void sweep_layers_summary(const struct sweep *s, char *buf, size_t len, int top);

#endif
