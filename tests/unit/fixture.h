/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_TEST_FIXTURE_H
#define CONVPROF_TEST_FIXTURE_H

/*
 * Small synthetic runs with every field of struct cp_run set, for the store
 * round trip and for the golden report tests (test-store --write-fixture).
 * The numbers are fixed and exact in binary where they are printed, so the
 * rendered output is the same on every machine. They are made up: no PMU
 * is pretended, the hardware event is "not supported" with its reason.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convprof/run.h"

enum fixture_variant {
	FIX_NCHW,	/* resnet50 224, f32, nchw, fused */
	FIX_NHWC,	/* the same in nhwc: mostly faster */
	FIX_UNFUSED,	/* nchw, fusion off: a bn layer of its own */
	FIX_YOLO,	/* another model: diff refuses it */
	FIX_BIGGER,	/* resnet50 at 320x320, interrupted (partial) */
};

struct fixture_layer {
	const char *name, *kind, *stage, *layout, *impl;
	double ms;
	double faults;
	uint64_t flops;
};

static const struct fixture_layer fixture_layers[] = {
	{ "input_reorder", "reorder", "input", "nchw", "jit:uni", 0.25, 12, 0 },
	{ "conv1", "conv", "stem", "nchw", "jit:avx512_core", 4.5, 196, 236027904 },
	{ "pool1", "maxpool", "stem", "nChw16c", "jit:avx512_core", 0.5, 0, 0 },
	{ "res2a_branch2a", "conv", "res2", "nChw16c", "brgconv:avx512_core", 1.25, 32, 25690112 },
	{ "res2a_branch2b", "conv", "res2", "nChw16c", "brgconv:avx512_core", 2.75, 36, 231211008 },
	{ "res2a_add", "add", "res2", "nChw16c", "jit:avx512_core", 0.375, 0, 0 },
	{ "fc", "fc", "head", "nc", "gemm:jit", 0.625, 8, 4096000 },
};
#define FIXTURE_NLAYERS ((int)(sizeof(fixture_layers) / sizeof(fixture_layers[0])))

/* Layout-dependent speed in the nhwc variant: conv1 slower, the rest faster. */
static const double fixture_nhwc_scale[] = { 1.0, 1.25, 0.5, 0.5, 0.75, 0.5, 1.0 };

static void fixture_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s);
}

static struct cp_run *fixture_run(enum fixture_variant v)
{
	struct cp_run *run = cp_run_new();
	int unfused = v == FIX_UNFUSED, extra = unfused ? 1 : 0;
	int n = FIXTURE_NLAYERS + extra, i, src, tc, pf, cyc, t;
	double sum = 0, scale;

	fixture_str(run->time, sizeof(run->time), "2026-11-21T10:00:00Z");
	run->time[15] = (char)('0' + v);	/* 10:0v:00: one minute apart */
	snprintf(run->cmdline, sizeof(run->cmdline),
		 "convprof record %s -s %d -l %s --fusion %s -t 2 -n 20 --warmup 3",
		 v == FIX_YOLO ? "yolov3" : "resnet50",
		 v == FIX_YOLO ? 416 : v == FIX_BIGGER ? 320 : 224,
		 v == FIX_NHWC ? "nhwc" : "nchw", v == FIX_UNFUSED ? "off" : "on");
	fixture_str(run->convprof_version, sizeof(run->convprof_version), "0.1.0-test");
	fixture_str(run->dnnl_version, sizeof(run->dnnl_version), "2.6.3");
	fixture_str(run->machine.cpu_model, sizeof(run->machine.cpu_model),
		    "AMD EPYC 9R14 96-Core Processor");
	fixture_str(run->machine.isa, sizeof(run->machine.isa),
		    "avx2 avx512f avx512bw avx512vl avx512_vnni avx512_bf16");
	fixture_str(run->machine.kernel, sizeof(run->machine.kernel), "6.1.0-test");
	fixture_str(run->machine.hostname, sizeof(run->machine.hostname), "testhost");
	run->machine.pus = 2;
	run->machine.cores = 2;
	run->machine.numa_nodes = 1;
	run->machine.packages = 1;
	run->machine.l1d = 32768;
	run->machine.l2 = 1048576;
	run->machine.l3 = 33554432;
	run->machine.memory = 25769803776ULL;

	fixture_str(run->model, sizeof(run->model), v == FIX_YOLO ? "yolov3" : "resnet50");
	run->width = run->height = v == FIX_YOLO ? 416 : v == FIX_BIGGER ? 320 : 224;
	run->batch = 1;
	fixture_str(run->precision, sizeof(run->precision), "f32");
	fixture_str(run->layout, sizeof(run->layout), v == FIX_NHWC ? "nhwc" : "nchw");
	run->fusion = !unfused;
	run->threads = 2;
	fixture_str(run->pin, sizeof(run->pin), "compact");
	fixture_str(run->membind, sizeof(run->membind), "none");
	run->iterations = 20;
	run->warmup = 3;
	run->rotate = 0;
	run->partial = v == FIX_BIGGER;

	fixture_str(run->backend, sizeof(run->backend), "software");
	fixture_str(run->backend_reason, sizeof(run->backend_reason),
		    "no hardware PMU is exposed to this machine");
	tc = cp_run_add_event(run, "task-clock", "software", 1, NULL);
	pf = cp_run_add_event(run, "page-faults", "software", 1, NULL);
	cyc = cp_run_add_event(run, "cycles", "hardware", 0,
			       "no hardware PMU is exposed to this machine (ENOENT)");
	run->events[tc].running_ratio = 1;
	run->events[pf].running_ratio = 0.5;	/* multiplexed, made up */
	cp_run_set_layers(run, n);
	cp_run_set_threads(run, 2);

	for (i = 0; i < n; i++) {
		struct cp_layer_rec *l = &run->layers[i];
		const struct fixture_layer *f;

		/* unfused: a bn right after conv1 */
		src = i <= 1 || !unfused ? i : i - 1;
		f = &fixture_layers[src];
		if (unfused && i == 2) {
			fixture_str(l->name, sizeof(l->name), "bn1");
			fixture_str(l->kind, sizeof(l->kind), "bn");
			fixture_str(l->stage, sizeof(l->stage), "stem");
			fixture_str(l->layout, sizeof(l->layout), "nchw");
			fixture_str(l->impl, sizeof(l->impl), "jit:avx512_core");
			l->time_ms = 0.75;
		} else {
			fixture_str(l->name, sizeof(l->name), f->name);
			fixture_str(l->kind, sizeof(l->kind), f->kind);
			fixture_str(l->stage, sizeof(l->stage), f->stage);
			fixture_str(l->layout, sizeof(l->layout),
				    v == FIX_NHWC && strcmp(f->layout, "nc") ? "nhwc" : f->layout);
			fixture_str(l->impl, sizeof(l->impl), f->impl);
			scale = v == FIX_NHWC ? fixture_nhwc_scale[src] : 1.0;
			if (v == FIX_YOLO || v == FIX_BIGGER)
				scale = 2.0;
			l->time_ms = f->ms * scale;
			l->flops = f->flops;
		}
		fixture_str(l->post_ops, sizeof(l->post_ops),
			    strcmp(l->kind, "conv") == 0 && !unfused ? "relu" : "");
		fixture_str(l->wei_fmt, sizeof(l->wei_fmt),
			    strcmp(l->kind, "conv") == 0 ? "OIhw16i16o" : "undef");
		fixture_str(l->dst_fmt, sizeof(l->dst_fmt), l->layout);
		fixture_str(l->dtype, sizeof(l->dtype), "f32");
		l->is_ref = 0;
		l->cfg_layer = strcmp(l->kind, "reorder") == 0 ? -1 : i;
		l->weight_bytes = l->flops / 1000;
		l->in_bytes = 602112 + 1024 * (uint64_t)i;
		l->out_bytes = 802816 + 2048 * (uint64_t)i;
		l->scratchpad_bytes = 4096 * (uint64_t)i;
		l->in_dims[0] = 1;
		l->in_dims[1] = 64;
		l->in_dims[2] = 56 + i;
		l->in_dims[3] = 56 + i;
		l->out_dims[0] = 1;
		l->out_dims[1] = 64 * (i + 1);
		l->out_dims[2] = 56;
		l->out_dims[3] = 56;
		l->kernel = strcmp(l->kind, "conv") == 0 ? 3 : 1;
		l->stride = 1;
		l->pad = l->kernel / 2;
		l->remote_share = i == 3 ? NAN : 0.125 * (i % 3);
		sum += l->time_ms;

		*cp_run_count(run, i, tc) = l->time_ms * 2e6;	/* ns, two busy workers */
		*cp_run_count(run, i, pf) = unfused && i == 2 ? 4 : f->faults;
		for (t = 0; t < 2; t++) {
			*cp_run_thread_count(run, i, t, tc) = l->time_ms * 1e6;
			/* worker 1 has no fault count: per-thread NaNs survive too */
			if (t == 0)
				*cp_run_thread_count(run, i, t, pf) = *cp_run_count(run, i, pf);
		}
	}
	run->other.time_ms = 0.125;
	fixture_str(run->other.impl, sizeof(run->other.impl), "none");
	*cp_run_count(run, n, tc) = 250000;
	*cp_run_count(run, n, pf) = 3;
	run->total_counts[tc] = 250000;
	run->total_counts[pf] = 3;
	for (i = 0; i < n; i++) {
		run->total_counts[tc] += *cp_run_count(run, i, tc);
		run->total_counts[pf] += *cp_run_count(run, i, pf);
	}
	(void)cyc;	/* its column stays NaN: not counted */

	for (t = 0; t < 2; t++) {
		run->thread_recs[t].worker = t;
		run->thread_recs[t].cpu_planned = t;
		snprintf(run->thread_recs[t].cpus_actual,
			 sizeof(run->thread_recs[t].cpus_actual), "%d", t);
		run->thread_recs[t].migrations = t ? NAN : 0;
	}

	run->layers_ms = sum;
	run->other_ms = 0.125;
	run->latency_ms = sum + 0.125;
	run->throughput_ips = 1000.0 / run->latency_ms;
	run->overhead_pct = v == FIX_NCHW ? 1.5 : NAN;
	run->overhead_spread_pct = v == FIX_NCHW ? 0.25 : v == FIX_NHWC ? 12.5 : NAN;
	if (v == FIX_NHWC)
		fixture_str(run->overhead_reason, sizeof(run->overhead_reason),
			    "not measurable here (noise \u00b112.50%)");
	run->op_count = n;
	run->reorder_count = 1;

	cp_run_add_stack(run, 1, "dnnl_primitive_execute;jit_avx512_core_conv_fwd_kernel",
			 30, "cpu-clock");
	cp_run_add_stack(run, 1, "dnnl_primitive_execute;jit_avx512_core_conv_fwd_kernel;"
			 "memcpy;operator<< <&\"x\">\tbad", 10, "cpu-clock");
	cp_run_add_stack(run, unfused ? 4 : 3, "dnnl_primitive_execute;brgemm_kernel", 8,
			 "cpu-clock");
	return run;
}

/*
 * The nchw run with per-worker busy time and two iterations of timeline:
 * worker 1 does 3/4 of worker 0's work, and none of pool1 (a serial layer).
 * Numbers are exact in binary. (test-store --write-fixture-workers)
 */
static __attribute__((unused)) struct cp_run *fixture_workers_run(void)
{
	struct cp_run *run = fixture_run(FIX_NCHW);
	double t = 0;
	int i, it, w;

	cp_run_set_busy(run);
	for (i = 0; i < run->nlayers; i++) {
		*cp_run_busy(run, i, 0) = run->layers[i].time_ms;
		*cp_run_busy(run, i, 1) = i == 2 ? 0 : run->layers[i].time_ms * 0.75;
	}
	*cp_run_busy(run, run->nlayers, 0) = 0;
	*cp_run_busy(run, run->nlayers, 1) = 0;
	for (w = 0; w < 2; w++)
		for (it = 0, t = 0; it < 2; it++, t += 125) {
			for (i = 0; i < run->nlayers; i++) {
				struct cp_slice sl = { .iteration = it, .layer = i, .worker = w };

				sl.begin_us = t;
				sl.dur_us = *cp_run_busy(run, i, w) * 1000;
				t += run->layers[i].time_ms * 1000;
				if (sl.dur_us > 0)
					cp_run_add_slice(run, &sl);
			}
		}
	return run;
}

#endif
