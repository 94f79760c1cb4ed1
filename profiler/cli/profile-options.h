/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_PROFILE_OPTIONS_H
#define CONVPROF_PROFILE_OPTIONS_H

/* The command-line side of a profiled run (core/profile.h): options, checks. */

#include "cli/parse-options.h"
#include "core/profile.h"

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

#define PROFILE_COMMAND_OPTIONS(p) \
	OPT_INTEGER(0, "count-every", &(p)->count_every, 1, 1000000, "<n>", "-- <command>: read events without rdpmc in 1 block of 4096 executions in n (default 8; 1: all)")

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
 * Warnings of the run (p->warn_fn) go to stderr from then on.
 */
int profile_check(struct profile_opts *p, int nargs, const char **args,
		  const char *const *usage);

#endif
