/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_PROFILE_H
#define CONVPROF_PROFILE_H

#include "convprof/run.h"

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
	int count_every;	/* -- <command>: events without rdpmc read in one block of
				   executions in this many; 0: the default */
	const char *ebpf;	/* "all" by default, "none", or a list */
	unsigned ebpf_parts;	/* parsed by profile_check() (cli/profile-options.h) */
	int freq;
	int seed;
	int quiet;		/* no warnings */
	/*
	 * Where warnings go, one sentence each (no "convprof: warning: "):
	 * cli's profile_check() sets it to print them on stderr; NULL drops
	 * them.
	 */
	void (*warn_fn)(void *arg, const char *msg);
	void *warn_arg;
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
