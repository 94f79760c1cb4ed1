/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_ROOFLINE_H
#define CONVPROF_ROOFLINE_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"
#include "study/efficiency.h"
#include "reports/chart.h"
#include "reports/table.h"

/*
 * Roofline analysis of a profiled run: where each conv and fc layer sits
 * against the machine's measured compute peak and memory bandwidth, why
 * (compute, bandwidth, or neither: latency and overheads), and the few
 * ratios the study compares configurations by.
 *
 * Arithmetic intensity uses model bytes: weights + input + output of the
 * layer, each counted once per inference. That is the traffic a layer
 * cannot avoid, not the traffic it made: cache reuse across layers lowers
 * the real DRAM traffic, spills and re-reads raise it. The measured
 * bandwidth column (per layer, from counters where the run has them) shows
 * the traffic seen.
 */

/*
 * A layer is compute- or bandwidth-bound when it reaches at least this share
 * of the attainable GFLOP/s on its side of the ridge point; below it the
 * roof does not explain its time: small layers, thread start-up, reorders,
 * poor blocking. One half is the usual cut: it leaves room for measurement
 * noise and a peak measured with a kernel tuned better than any layer.
 */
#define ROOFLINE_BOUND_FRACTION 0.5

/*
 * Memory-controller events (uncore: AMD UMC or data fabric, Intel IMC) are
 * taken to count 64-byte DRAM transfers (CAS commands, cache-line beats);
 * the event list that adds them to a run must pick events with that unit.
 * A supported event whose name starts with one of roofline.c's prefixes
 * ("umc", "imc", "uncore_imc", "amd_df", "data_fabric", followed by ':',
 * '_', '/', '.', '-', a digit or nothing) is summed per layer.
 */
#define ROOFLINE_MC_BYTES_PER_COUNT 64
/* LLC-load-misses x 64 B: loads only, so a lower bound of the traffic. */
#define ROOFLINE_LINE_BYTES 64

enum roofline_verdict {
	ROOFLINE_COMPUTE,	/* "compute-bound" */
	ROOFLINE_BANDWIDTH,	/* "bandwidth-bound" */
	ROOFLINE_LATENCY,	/* "neither: latency/overhead" */
	ROOFLINE_REFERENCE,	/* "reference kernel": oneDNN ref:*, always slow */
	ROOFLINE_UNMEASURED,	/* "not measured": no time or no FLOPs */
};

/* The verdict as the tables, JSON and the chart legend write it. */
const char *roofline_verdict_name(enum roofline_verdict v);

struct roofline_layer {
	int index;		/* row in run->layers */
	char name[CP_NAME_LEN];
	char kind[16];		/* "conv" or "fc" */
	double time_ms;		/* median per inference */
	double share;		/* of the run's latency, 0..1 */
	double flops;		/* per inference, 2 x multiply-adds */
	double bytes;		/* model bytes */
	double ai;		/* flops / bytes */
	double gflops;		/* achieved */
	double attainable;	/* min(peak, bw * ai), GFLOP/s */
	double fraction;	/* gflops / attainable; above 1: data came from cache */
	double lost_ms;		/* time_ms * (1 - min(fraction, 1)) */
	enum roofline_verdict verdict;
	double bw_gbs;		/* measured or modelled, see bw_source */
	const char *bw_source;	/* "memory-controller", "llc-misses", "model-bytes" */
};

struct roofline_result {
	int nlayers;
	struct roofline_layer *layers;	/* conv and fc rows, execution order */
	double peak_gflops, bw_gbs;
	double ridge_ai;	/* peak / bw: FLOP per byte where the roofs meet */
	/* from the run, for titles */
	char model[64], precision[8];
	int batch, threads;
};

/*
 * Analyze every conv and fc row of @run against @c into @out (overwritten;
 * free with roofline_result_release()). Returns 0, or -EINVAL with the
 * reason in cp_error() when a ceiling is missing or not positive.
 */
int roofline_analyze(const struct cp_run *run, const struct roofline_ceilings *c,
		     struct roofline_result *out);
void roofline_result_release(struct roofline_result *r);

/*
 * The layers worth naming: up to @n indices into r->layers, largest
 * lost_ms first (ties: execution order), only layers that lose time.
 * lost_ms is the time the layer would save at its attainable speed, so a
 * layer far below its roof but tiny does not outrank a big one a little
 * below: the label goes where the time is. Returns how many were written.
 */
int roofline_worst(const struct roofline_result *r, int n, int *idx);

/*
 * The log-log roofline chart: x arithmetic intensity, y GFLOP/s (GOP/s for
 * int8), the compute ceiling and the bandwidth slope, one point per
 * measured layer coloured by verdict, the @nlabels worst layers
 * (roofline_worst()) named. @out is initialised here; the caller releases
 * it with chart_release(). Returns 0.
 */
int roofline_chart(const struct roofline_result *r, const struct roofline_ceilings *c,
		   const char *title, int nlabels, struct chart *out);

/*
 * The per-layer table as text (with a header naming the ceilings and their
 * sources), CSV, or JSON:
 * {"ceilings": {"peak_gflops", "bw_gbs", "peak_source", "bw_source",
 * "ridge_ai", "bound_fraction"}, "intensity_bytes": "model",
 * "layers": [{"index", "name", "kind", "time_ms", "share", "ai", "gflops",
 * "attainable_gflops", "fraction", "lost_ms", "verdict", "bw_gbs",
 * "bw_source"}]}; unknown numbers are null. Returns 0 or -EIO.
 */
int roofline_print(const struct roofline_result *r, const struct roofline_ceilings *c,
		   FILE *fp, enum cp_format fmt);
json_t *roofline_to_json(const struct roofline_result *r, const struct roofline_ceilings *c);

/*
 * Text, CSV (metric,value,unit) or JSON: {"precision", "cores", "gops",
 * "peak_gops", "mac_utilization", "ips", "ips_per_peak_tops", "bw_gbs",
 * "ips_per_gbs", "llc_mib", "ips_per_llc_mib", "ips_per_core"}.
 * Returns 0 or -EIO.
 */
int efficiency_print(const struct efficiency *e, FILE *fp, enum cp_format fmt);
json_t *efficiency_to_json(const struct efficiency *e);

#endif
