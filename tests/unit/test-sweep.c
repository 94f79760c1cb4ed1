// SPDX-License-Identifier: MIT
/*
 * The sweep's pure parts: axis lists, defaults and baselines, the
 * combination order, process placement on synthetic topologies, and the
 * comparisons computed from runs made up here (no measurement).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pin.h"
#include "reports/sweep-out.h"
#include "study/sweep.h"
#include "tap.h"
#include "util/util.h"

static int parse(struct sweep_axes *ax, enum sweep_axis a, const char *list)
{
	return sweep_axis_parse(ax, a, list);
}

static void test_parse(void)
{
	struct sweep_axes ax = { 0 };
	char buf[64];

	is_int(parse(&ax, SWEEP_THREADS, "1,2,4"), 0, "threads 1,2,4");
	is_int(ax.n[SWEEP_THREADS], 3, "three values");
	is_int(ax.threads[2], 4, "in the order given");
	is_int(parse(&ax, SWEEP_THREADS, "1,0"), -EINVAL, "0 threads is refused");
	ok(strstr(cp_strerror(-EINVAL), "'0' is out of range") != NULL, "and says so: %s",
	   cp_strerror(-EINVAL));
	is_int(ax.n[SWEEP_THREADS], 0, "a refused list leaves the axis empty");
	is_int(parse(&ax, SWEEP_THREADS, "1,x"), -EINVAL, "junk is refused");
	ok(strstr(cp_strerror(-EINVAL), "'x' is not a whole number") != NULL, "%s",
	   cp_strerror(-EINVAL));
	is_int(parse(&ax, SWEEP_BATCH, "1,2,1"), -EINVAL, "a duplicate is refused");
	ok(strstr(cp_strerror(-EINVAL), "'1' is given twice") != NULL, "%s", cp_strerror(-EINVAL));
	is_int(parse(&ax, SWEEP_BATCH, "1,,2"), -EINVAL, "an empty element is refused");
	is_int(parse(&ax, SWEEP_BATCH, "2,"), -EINVAL, "a trailing comma is refused");
	is_int(parse(&ax, SWEEP_BATCH, ""), -EINVAL, "an empty list is refused");
	is_int(parse(&ax, SWEEP_BATCH, "4097"), -EINVAL, "batch above 4096 is refused");
	is_int(parse(&ax, SWEEP_BATCH, "-1"), -EINVAL, "a negative batch is refused");
	is_int(parse(&ax, SWEEP_SIZE, "224,416x320"), 0, "sizes N and WxH");
	is_str(sweep_axis_value(&ax, SWEEP_SIZE, 1, buf, sizeof(buf)), "416x320", "WxH kept");
	is_str(sweep_axis_value(&ax, SWEEP_SIZE, 0, buf, sizeof(buf)), "224x224", "N is NxN");
	is_int(parse(&ax, SWEEP_SIZE, "224,224x224"), -EINVAL, "224 and 224x224 are the same size");
	is_int(parse(&ax, SWEEP_SIZE, "0"), -EINVAL, "size 0 is refused");
	is_int(parse(&ax, SWEEP_LAYOUT, "nchw,nhcw"), -EINVAL, "a misspelt layout is refused");
	ok(strstr(cp_strerror(-EINVAL), "did you mean") != NULL, "with a hint: %s",
	   cp_strerror(-EINVAL));
	is_int(parse(&ax, SWEEP_PRECISION, "f32,int8,bf16"), 0, "three precisions");
	is_int(parse(&ax, SWEEP_FUSION, "on,off"), 0, "fusion on,off");
	is_int(ax.fusion[1], 0, "off is 0");
	is_int(parse(&ax, SWEEP_FUSION, "yes"), -EINVAL, "fusion yes is refused");
	is_int(parse(&ax, SWEEP_PROCS, "2,1"), 0, "procs 2,1");
	sweep_axes_release(&ax);
}

static void test_defaults(void)
{
	struct sweep_axes ax = { 0 };

	sweep_axes_finish(&ax);
	is_int(sweep_count(&ax), 1, "no axis: one combination");
	is_int(ax.threads[0], 0, "threads default: one per core (0, resolved later)");
	is_int(ax.batch[0], 1, "batch 1");
	is_str(ax.precision[0], "f32", "f32");
	is_str(ax.layout[0], "blocked", "blocked");
	is_int(ax.fusion[0], 1, "fusion on");
	is_int(ax.base[SWEEP_THREADS], -1, "one value: no baseline");
	sweep_axes_release(&ax);

	memset(&ax, 0, sizeof(ax));
	parse(&ax, SWEEP_PROCS, "1,2");
	parse(&ax, SWEEP_THREADS, "4,1,2");
	parse(&ax, SWEEP_LAYOUT, "nhwc,nchw,blocked");
	parse(&ax, SWEEP_FUSION, "on,off");
	parse(&ax, SWEEP_PRECISION, "bf16,int8");
	sweep_axes_finish(&ax);
	is_int(ax.base[SWEEP_THREADS], 1, "threads baseline: the fewest, wherever listed");
	is_int(ax.base[SWEEP_PROCS], 0, "procs baseline: 1");
	is_int(ax.base[SWEEP_LAYOUT], 1, "layout baseline: nchw");
	is_int(ax.base[SWEEP_FUSION], 1, "fusion baseline: off");
	is_int(ax.base[SWEEP_PRECISION], 0, "no f32 listed: the first value");
	is_int(ax.base[SWEEP_BATCH], -1, "batch is not compared");
	is_int(sweep_count(&ax), 2 * 3 * 3 * 2 * 2, "the product of the axes");
	sweep_axes_release(&ax);

	memset(&ax, 0, sizeof(ax));
	parse(&ax, SWEEP_PROCS, "1,2");
	sweep_axes_finish(&ax);
	is_int(ax.threads[0], 1, "with --procs and no --threads: one thread each");
	sweep_axes_release(&ax);
}

static void test_order(void)
{
	struct sweep_axes ax = { 0 };
	int idx[SWEEP_NAXES], k, good = 1;

	parse(&ax, SWEEP_BATCH, "1,8");
	parse(&ax, SWEEP_LAYOUT, "nchw,nhwc,blocked");
	parse(&ax, SWEEP_THREADS, "1,2");
	sweep_axes_finish(&ax);
	sweep_indices(&ax, 1, idx);
	is_int(idx[SWEEP_THREADS], 1, "threads vary fastest");
	is_int(idx[SWEEP_LAYOUT], 0, "then layout");
	sweep_indices(&ax, 6, idx);
	is_int(idx[SWEEP_BATCH], 1, "batch slowest");
	for (k = 0; k < sweep_count(&ax); k++) {
		sweep_indices(&ax, k, idx);
		good &= sweep_point_index(&ax, idx) == k;
	}
	ok(good, "indices and point numbers are inverse");
	sweep_axes_release(&ax);
}

static hwloc_topology_t synth(const char *desc)
{
	hwloc_topology_t t = NULL;

	if (topology_load(&t, NULL, desc))
		return NULL;
	return t;
}

/* "a|b|c" of the lists, or the error. */
static const char *place(hwloc_topology_t t, const char *policy, int node, int procs,
			 int threads)
{
	static char buf[256];
	char **l = NULL;
	size_t n = 0;
	int i;

	if (sweep_place(t, policy, node, procs, threads, &l))
		return "error";
	buf[0] = '\0';
	for (i = 0; i < procs; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "|" : "", l[i]);
	sweep_lists_free(l, procs);
	return buf;
}

static void test_place(void)
{
	hwloc_topology_t t = synth("package:1 core:4 pu:2");

	ok(t != NULL, "synthetic SMT topology loads");
	if (!t)
		return;
	is_str(place(t, "compact", -1, 2, 1), "0|2", "two 1-thread processes: one core each");
	is_str(place(t, "compact", -1, 2, 2), "0-1|2-3", "two 2-thread processes: a core each, both PUs");
	is_str(place(t, "compact", -1, 2, 3), "0-2|4-6", "three threads take two whole cores");
	is_str(place(t, "compact", -1, 4, 1), "0|2|4|6", "four processes on four cores");
	is_str(place(t, "compact", -1, 5, 1), "error", "five processes do not fit four cores");
	ok(strstr(cp_strerror(-EINVAL), "8 PUs, 4 cores") != NULL, "the error counts PUs and cores: %s",
	   cp_strerror(-EINVAL));
	is_str(place(t, "compact", -1, 1, 8), "0-7", "one process may use every PU");
	is_str(place(t, "compact", -1, 1, 9), "error", "but not more");
	is_str(place(t, "none", -1, 2, 1), "error", "--pin none cannot keep processes apart");
	is_str(place(t, "2-7", -1, 2, 1), "2|4", "a cpu list: compact inside it");
	is_str(place(t, "9", -1, 1, 1), "error", "a cpu that does not exist");
	is_str(place(t, "bogus", -1, 1, 1), "error", "an unknown policy");
	hwloc_topology_destroy(t);

	t = synth("package:2 l3:1(size=32MB) core:2 pu:1");
	ok(t != NULL, "two packages load");
	if (!t)
		return;
	is_str(place(t, "scatter", -1, 2, 1), "0|2", "scatter: one process per package");
	is_str(place(t, "scatter", -1, 2, 2), "0-1|2-3", "scatter: compact inside each share");
	is_str(place(t, "compact", -1, 2, 1), "0|1", "compact: the first cores");
	is_int(sweep_llc_bytes(t), 64000000, "the LLC is both packages' L3");
	hwloc_topology_destroy(t);

	t = synth("numa:2 core:2 pu:1");
	ok(t != NULL, "two NUMA nodes load");
	if (!t)
		return;
	is_str(place(t, "numa", 1, 2, 1), "2|3", "numa: inside node 1");
	is_str(place(t, "numa", 1, 3, 1), "error", "three processes do not fit one node");
	ok(strstr(cp_strerror(-EINVAL), "NUMA node 1") != NULL, "and the error names it: %s",
	   cp_strerror(-EINVAL));
	hwloc_topology_destroy(t);
}

/* A made-up run: @ips images per second at batch 1, @threads workers. */
static struct cp_run *fake_run(double ips, int threads, int64_t id, int partial)
{
	struct cp_run *r = cp_run_new();
	int i;

	r->batch = 1;
	r->latency_ms = 1000 / ips;
	r->throughput_ips = ips;
	r->threads = threads;
	r->id = id;
	r->partial = partial;
	snprintf(r->precision, sizeof(r->precision), "f32");
	cp_run_set_layers(r, 1);
	r->layers[0].flops = 2000000000ULL;	/* 2 GFLOP per image */
	cp_run_set_threads(r, threads);
	for (i = 0; i < threads; i++)
		r->thread_recs[i].cpu_planned = (int)id * 10 + i;
	return r;
}

static void fill(struct sweep *s, int k, double ips, int threads)
{
	struct cp_run *r = fake_run(ips, threads, k + 1, 0);

	sweep_point_fill(s, k, &r, 1);
	s->points[k].llc_bytes = 32 << 20;
	cp_run_free(r);
}

static void test_derive(void)
{
	struct sweep_axes ax = { 0 };
	struct sweep s;
	struct cp_run *r[3];
	json_t *j, *c;

	/* threads 1,2 x layout nchw,nhwc: points 0 nchw/1, 1 nchw/2, 2 nhwc/1, 3 nhwc/2 */
	parse(&ax, SWEEP_LAYOUT, "nchw,nhwc");
	parse(&ax, SWEEP_THREADS, "1,2");
	sweep_axes_finish(&ax);
	sweep_init(&s, &ax);
	snprintf(s.model, sizeof(s.model), "fake");
	s.iterations = 5;
	fill(&s, 0, 100, 1);
	fill(&s, 1, 150, 2);
	fill(&s, 2, 120, 1);
	fill(&s, 3, 240, 2);
	sweep_ceilings_load(&s, NULL, "/nonexistent/machine.json");
	sweep_derive(&s);
	ok(s.points[0].ratio[SWEEP_THREADS] == 1, "the 1-thread row's speedup is exactly 1");
	is_near(s.points[1].ratio[SWEEP_THREADS], 1.5, 1e-12, "speedup = 150 / 100");
	is_near(s.points[1].efficiency[SWEEP_THREADS], 0.75, 1e-12, "efficiency = speedup / 2");
	is_near(s.points[3].ratio[SWEEP_THREADS], 2, 1e-12, "nhwc speedup against nhwc 1 thread");
	ok(s.points[1].ratio[SWEEP_LAYOUT] == 1, "nchw against itself: 1");
	is_near(s.points[2].ratio[SWEEP_LAYOUT], 1.2, 1e-12, "nhwc 1 thread vs nchw 1 thread");
	is_near(s.points[3].ratio[SWEEP_LAYOUT], 1.6, 1e-12, "nhwc 2 threads vs nchw 2 threads");
	ok(isnan(s.points[0].ratio[SWEEP_BATCH]), "batch is not compared");
	is_near(s.points[1].ips_per_core, 75, 1e-12, "img/s per core");
	is_near(s.points[1].ips_per_llc_mib, 150.0 / 32, 1e-12, "img/s per MiB of LLC");
	is_near(s.points[1].gops, 300, 1e-9, "GOP/s: 2 GFLOP x 150 img/s");
	ok(isnan(s.points[1].mac_util), "no ceilings: no MAC utilisation");
	ok(!s.ceil.available && s.ceil.why[0], "and a reason: %s", s.ceil.why);

	j = sweep_to_json(&s);
	c = json_array_get(json_object_get(j, "combinations"), 3);
	is_near(json_real_value(json_object_get(c, "layout_ratio")), 1.6, 1e-9, "JSON layout_ratio");
	ok(json_is_null(json_object_get(c, "speedup_procs")), "one process count: speedup_procs null");
	ok(!json_object_get(c, "mac_utilization"), "no ceilings: mac_utilization absent, not 0");
	ok(json_is_string(json_object_get(j, "ceilings_unavailable")), "the reason is in the JSON");
	is_near(json_number_value(json_object_get(json_object_get(json_object_get(json_object_get(
		json_object_get(j, "summary"), "ratios"), "layout"), "nhwc"), "ratio")),
		sqrt(1.2 * 1.6), 1e-9, "summary: geometric mean of the layout ratios");
	is_int(json_integer_value(json_object_get(json_object_get(json_object_get(j, "summary"),
		"best_throughput"), "index")), 4, "best throughput: #4");
	json_decref(j);

	/* a failed partner and a partial one are nobody's partner */
	sweep_point_fail(&s, 0, "broken");
	r[0] = fake_run(100, 2, 9, 1);
	sweep_point_fill(&s, 1, r, 1);
	cp_run_free(r[0]);
	is_int(s.points[1].state, SWEEP_PARTIAL, "a partial run makes a partial point");
	sweep_derive(&s);
	ok(isnan(s.points[2].ratio[SWEEP_LAYOUT]), "no ratio against a failed partner");
	ok(isnan(s.points[3].ratio[SWEEP_LAYOUT]), "no ratio against a partial partner");
	sweep_release(&s);

	/* processes: throughput adds up, latency is the median */
	memset(&ax, 0, sizeof(ax));
	parse(&ax, SWEEP_PROCS, "1,3");
	sweep_axes_finish(&ax);
	sweep_init(&s, &ax);
	fill(&s, 0, 100, 1);
	r[0] = fake_run(90, 1, 2, 0);
	r[1] = fake_run(80, 1, 3, 0);
	r[2] = fake_run(100, 1, 4, 0);
	sweep_point_fill(&s, 1, r, 3);
	sweep_derive(&s);
	is_near(s.points[1].ips, 270, 1e-9, "aggregate throughput is the sum");
	is_near(s.points[1].latency_ms, 1000.0 / 90, 1e-9, "latency is the median");
	is_int(s.points[1].cores, 3, "three cores");
	is_near(s.points[1].ratio[SWEEP_PROCS], 2.7, 1e-9, "process speedup");
	is_near(s.points[1].efficiency[SWEEP_PROCS], 0.9, 1e-9, "process efficiency = speedup / 3");
	is_int(s.points[1].procs[2].cpus[0], 40, "each process keeps its cpus");
	sweep_runs_free(NULL, 0);
	cp_run_free(r[0]);
	cp_run_free(r[1]);
	cp_run_free(r[2]);
	sweep_release(&s);
}

/* A point of @ips whose per-iteration latency has an IQR of @noise x its median. */
static void fill_noisy(struct sweep *s, int k, double ips, int threads, double noise)
{
	struct cp_run *r = fake_run(ips, threads, k + 1, 0);

	r->latency_q1_ms = r->latency_ms * (1 - noise / 2);
	r->latency_q3_ms = r->latency_ms * (1 + noise / 2);
	r->layers[0].time_ms = r->latency_ms;
	r->layers[0].time_q1_ms = r->latency_q1_ms;
	r->layers[0].time_q3_ms = r->latency_q3_ms;
	sweep_point_fill(s, k, &r, 1);
	cp_run_free(r);
}

static void test_noise(void)
{
	struct sweep_axes ax = { 0 };
	struct sweep_layer_scaling *sc;
	struct sweep s;
	json_t *j, *c;

	/* threads 1,2 x layout nchw,nhwc */
	parse(&ax, SWEEP_LAYOUT, "nchw,nhwc");
	parse(&ax, SWEEP_THREADS, "1,2");
	sweep_axes_finish(&ax);
	sweep_init(&s, &ax);
	fill_noisy(&s, 0, 100, 1, 0.02);
	fill_noisy(&s, 1, 190, 2, 0.02);	/* 1.9x: far outside 2 % noise */
	fill_noisy(&s, 2, 102, 1, 0.10);	/* nhwc 1.02x of nchw, 10 % noise */
	fill_noisy(&s, 3, 200, 2, 0.10);
	sweep_derive(&s);
	is_near(s.points[1].noise, 0.02, 1e-9, "a point's noise: IQR / median of its latency");
	is_near(s.points[1].ratio[SWEEP_THREADS], 1.9, 1e-9, "a speedup outside its noise is kept");
	is_near(s.points[1].ratio_spread[SWEEP_THREADS], 1.9 * sqrt(2 * 0.02 * 0.02), 1e-9,
		"its spread: both points' noise carried to the ratio");
	ok(!s.points[1].ratio_noisy[SWEEP_THREADS], "and it is measurable");
	ok(isnan(s.points[2].ratio[SWEEP_LAYOUT]), "1.02x with 10 %% noise: no ratio");
	ok(s.points[2].ratio_noisy[SWEEP_LAYOUT], "but not measurable, with its spread %.3f",
	   s.points[2].ratio_spread[SWEEP_LAYOUT]);
	ok(s.points[0].ratio[SWEEP_THREADS] == 1 && s.points[0].ratio_spread[SWEEP_THREADS] == 0,
	   "the baseline against itself: exactly 1, no spread");
	j = sweep_to_json(&s);
	c = json_array_get(json_object_get(j, "combinations"), 2);
	ok(json_is_null(json_object_get(c, "layout_ratio")), "JSON: a noisy ratio is null");
	ok(strstr(json_string_value(json_object_get(c, "layout_ratio_reason")),
		  "not measurable here (noise \u00b1") != NULL, "with the reason: %s",
	   json_string_value(json_object_get(c, "layout_ratio_reason")));
	ok(json_number_value(json_object_get(c, "layout_ratio_spread")) > 0.1, "and the spread");
	json_decref(j);
	/* per layer: nhwc 2 threads vs 1 thread, 200 vs 102: 1.96x inside 14 % noise holds */
	is_int(sweep_layer_scaling(&s, 3, &sc), 1, "one layer scaled");
	ok(sc[0].verdict == VERDICT_SCALES, "1.96x with 14 %% spread: scales (%s)",
	   sweep_verdict_name(sc[0].verdict));
	free(sc);
	sweep_release(&s);

	/* a layer that barely moves against wide noise: not measurable */
	memset(&ax, 0, sizeof(ax));
	parse(&ax, SWEEP_THREADS, "1,2");
	sweep_axes_finish(&ax);
	sweep_init(&s, &ax);
	fill_noisy(&s, 0, 100, 1, 0.10);
	fill_noisy(&s, 1, 102, 2, 0.10);
	sweep_derive(&s);
	ok(isnan(s.points[1].ratio[SWEEP_THREADS]) && isnan(s.points[1].efficiency[SWEEP_THREADS]),
	   "speedup 1.02 with 10 %% noise: no speedup, no efficiency");
	is_int(sweep_layer_scaling(&s, 1, &sc), 1, "the layer is compared");
	is_str(sweep_verdict_name(sc[0].verdict), "not measurable", "its verdict: not measurable");
	ok(isnan(sc[0].speedup) && sc[0].speedup_spread > 0.1, "its speedup null, spread %.3f",
	   sc[0].speedup_spread);
	free(sc);
	j = sweep_to_json(&s);
	c = json_object_get(json_object_get(json_object_get(j, "summary"), "scaling"), "threads");
	ok(json_is_null(json_object_get(c, "speedup")), "summary: no speedup from noise alone");
	is_int(json_integer_value(json_object_get(c, "pairs")), 0, "summary: no pair measured");
	is_int(json_integer_value(json_object_get(c, "noisy")), 1, "summary: one inside its noise");
	json_decref(j);
	sweep_release(&s);
}

int main(void)
{
	test_parse();
	test_defaults();
	test_order();
	test_place();
	test_derive();
	test_noise();
	return done_testing();
}
