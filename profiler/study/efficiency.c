// SPDX-License-Identifier: MIT
/*
 * Efficiency ratios of a whole run against the machine's ceilings: what
 * sweep compares configurations by, and what report and stat show
 * (reports/roofline.c renders them).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/efficiency.h"

void roofline_efficiency(const struct cp_run *run, const struct roofline_ceilings *c,
			 uint64_t llc, struct efficiency *e)
{
	double flops = 0, peak = c && c->peak_gflops > 0 ? c->peak_gflops : NAN;
	int i;

	memset(e, 0, sizeof(*e));
	snprintf(e->precision, sizeof(e->precision), "%s", run->precision);
	e->cores = run->threads;
	/* every row's FLOPs over the end-to-end latency: stat's total */
	for (i = 0; i < run->nlayers; i++)
		flops += (double)run->layers[i].flops;
	e->gops = flops > 0 && run->latency_ms > 0 ? flops / (run->latency_ms * 1e-3) / 1e9 : NAN;
	e->peak_gops = peak;
	e->mac_util = e->gops / peak;
	e->ips = run->throughput_ips;
	if (!(e->ips > 0))
		e->ips = run->batch > 0 && run->latency_ms > 0 ? run->batch / (run->latency_ms * 1e-3) : NAN;
	e->ips_per_peak_tops = e->ips / (peak / 1000);
	e->bw_gbs = c && c->bw_gbs > 0 ? c->bw_gbs : NAN;
	e->ips_per_gbs = e->ips / e->bw_gbs;
	e->llc_mib = llc ? (double)llc / (1024.0 * 1024.0) : NAN;
	e->ips_per_llc_mib = e->ips / e->llc_mib;
	e->ips_per_core = e->cores > 0 ? e->ips / e->cores : NAN;
}
