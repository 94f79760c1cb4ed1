/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_EFFICIENCY_H
#define CONVPROF_EFFICIENCY_H

#include <stdint.h>

#include "convprof/run.h"

/*
 * The machine's ceilings for the run's precision and the number of cores it
 * used, from `convprof machine`. Both must be finite and positive. The
 * source strings say how each was obtained; they belong to the caller.
 * GFLOP/s and GB/s are 1e9 per second.
 */
struct roofline_ceilings {
	double peak_gflops;
	double bw_gbs;
	const char *peak_source;
	const char *bw_source;
};

/*
 * Efficiency ratios of a whole run, for comparing configurations and
 * machines. NaN where an input is unknown (no latency, no LLC size).
 */
struct efficiency {
	char precision[8];
	int cores;		/* run->threads: one pinned worker per core */
	double gops;		/* achieved: the run's FLOPs / latency, 1e9/s */
	double peak_gops;	/* the ceiling for these cores and precision */
	double mac_util;	/* gops / peak_gops, 0..1 */
	double ips;		/* images per second */
	double ips_per_peak_tops;
	double bw_gbs;
	double ips_per_gbs;	/* per GB/s of measured bandwidth */
	double llc_mib;		/* last-level cache, MiB */
	double ips_per_llc_mib;
	double ips_per_core;
};

/* Fill @e from @run, @c and the last-level cache size @llc_bytes (0: unknown). */
void roofline_efficiency(const struct cp_run *run, const struct roofline_ceilings *c,
			 uint64_t llc_bytes, struct efficiency *e);

#endif
