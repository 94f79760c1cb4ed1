/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_PROFILE_H
#define CONVPROF_PROFILE_H

#include "convprof/run.h"
#include "cli/parse-options.h"

/*
 * One profiled run of a model, from the options stat, record and sweep
 * share: load the model, shape it, pin the workers, build the oneDNN net,
 * measure. The commands only differ in what they do with the cp_run.
 */

struct profile_opts {
	const char *model;	/* operand: built-in name or cfg path */
	const char *cfg;	/* --cfg */
	const char *weights;
	const char *size;	/* "224", "416x320"; NULL: the cfg's */
	int batch;
	const char *precision;
	const char *layout;
	const char *fusion;	/* "on" | "off" */
	int threads;
	const char *pin;
	int node;
	const char *membind;
	int iterations, warmup;
	const char *events;
	int rotate;
	int no_rdpmc;
	int no_overhead;
	int no_busy;		/* --no-busy: do not bind oneDNN's ITT tasks */
	int timeline;		/* record --timeline: iterations of slices kept */
	const char *ebpf;	/* "all" by default, "none", or a list */
	unsigned ebpf_parts;	/* parsed by profile_check() */
	int freq;
	int seed;
	int quiet;		/* no warnings on stderr */
	int progress;		/* --progress: call progress_fn when measuring begins */
	void (*progress_fn)(void *arg, int iterations, int ops);
	void *progress_arg;
	/*
	 * Called once the net is built, just before the warm-up; an error
	 * (0 or -errno with cp_error()) ends the run with it. sweep's
	 * processes wait there for each other so they measure together.
	 */
	int (*before_measure)(void *arg);
	void *before_measure_arg;
};

extern const char *const precision_choices[];
extern const char *const layout_choices[];
extern const char *const onoff_choices[];

#define PROFILE_OPTS_INIT { .batch = 1, .precision = "f32", .layout = "blocked", \
	.fusion = "on", .pin = "compact", .node = -1, .iterations = 10, \
	.warmup = 3, .ebpf = "all", .freq = 499, .seed = 1 }

/*
 * The option table entries of a profiled run, in parts so that sweep can put
 * its comma-list axes in place of the single-valued ones; PROFILE_OPTIONS
 * is all of them, as stat and record show them.
 */
#define PROFILE_MODEL_OPTIONS(p) \
	OPT_STRING(0, "cfg", &(p)->cfg, "<file>", "your own darknet cfg instead of a built-in model"), \
	OPT_STRING(0, "weights", &(p)->weights, "<file>", "darknet .weights (default: random, seeded)")
#define PROFILE_CONFIG_OPTIONS(p) \
	OPT_STRING('s', "size", &(p)->size, "<n|WxH>", "input size (default: the model's)"), \
	OPT_INTEGER('b', "batch", &(p)->batch, 1, 4096, "<n>", "batch size (default 1)"), \
	OPT_CHOICE('p', "precision", &(p)->precision, precision_choices, "<p>", "f32, bf16 or int8 (default f32)"), \
	OPT_CHOICE('l', "layout", &(p)->layout, layout_choices, "<l>", "nchw, nhwc or blocked (default blocked: oneDNN chooses)"), \
	OPT_CHOICE(0, "fusion", &(p)->fusion, onoff_choices, "<on|off>", "fold BN, fuse activation and add (default on)")
#define PROFILE_SEED_OPTION(p) \
	OPT_INTEGER(0, "seed", &(p)->seed, 0, 2147483647, "<n>", "seed of the random weights and input (default 1)")
#define PROFILE_THREADS_OPTION(p) \
	OPT_INTEGER('t', "threads", &(p)->threads, 1, 65536, "<n>", "inference workers (default: one per core)")
#define PROFILE_PLACEMENT_OPTIONS(p) \
	OPT_STRING(0, "pin", &(p)->pin, "<policy>", "compact, scatter, numa, none or a cpu list (default compact)"), \
	OPT_INTEGER(0, "node", &(p)->node, 0, 65535, "<n>", "NUMA node for --pin numa"), \
	OPT_STRING(0, "membind", &(p)->membind, "<node|local|interleave>", "bind the model's buffers to NUMA memory")
#define PROFILE_MEASURE_OPTIONS(p) \
	OPT_INTEGER('n', "iterations", &(p)->iterations, 1, 1000000, "<n>", "measured iterations (default 10)"), \
	OPT_INTEGER(0, "warmup", &(p)->warmup, 0, 1000000, "<n>", "warm-up iterations (default 3)"), \
	OPT_STRING('e', "events", &(p)->events, "<list>", "events to count, {a,b} groups; 'none': time only"), \
	OPT_BOOLEAN(0, "rotate", &(p)->rotate, "count one event group per iteration instead of multiplexing"), \
	OPT_BOOLEAN(0, "no-rdpmc", &(p)->no_rdpmc, "read counters with read(2) even where rdpmc is allowed"), \
	OPT_BOOLEAN(0, "no-overhead", &(p)->no_overhead, "skip measuring the per-layer instrumentation overhead"), \
	OPT_BOOLEAN(0, "no-busy", &(p)->no_busy, "do not measure per-worker busy time (oneDNN's ITT tasks)"), \
	OPT_STRING(0, "ebpf", &(p)->ebpf, "<parts>", "sched,faults,numa,sample, all or none (default all)"), \
	OPT_INTEGER('F', "freq", &(p)->freq, 1, 100000, "<hz>", "sampling frequency of eBPF sample (default 499)"), \
	OPT_BOOLEAN(0, "progress", &(p)->progress, "say on stderr when the measured iterations begin")

#define PROFILE_OPTIONS(p) \
	OPT_GROUP("workload"), \
	PROFILE_MODEL_OPTIONS(p), \
	PROFILE_CONFIG_OPTIONS(p), \
	PROFILE_SEED_OPTION(p), \
	OPT_GROUP("threads and memory"), \
	PROFILE_THREADS_OPTION(p), \
	PROFILE_PLACEMENT_OPTIONS(p), \
	OPT_GROUP("measurement"), \
	PROFILE_MEASURE_OPTIONS(p)

/*
 * Check the options and the operands (@nargs operands at @args): exactly one
 * model unless --cfg. Returns 0, or EXIT_USAGE after printing the error.
 */
int profile_check(struct profile_opts *p, int nargs, const char **args,
		  const char *const *usage);

/*
 * Run and measure. *@out is a new cp_run (free with cp_run_free) with the
 * config, machine and measurements; a partial run (SIGINT) is returned with
 * run->partial set. @cmdline is stored in the run. Returns 0 or -errno with
 * cp_error().
 */
int profile_run(const struct profile_opts *p, const char *cmdline,
		struct cp_run **out);

/* "convprof stat resnet50 -t 2" from argv, for records. */
void profile_cmdline(int argc, const char **argv, char *buf, size_t len);

#endif
