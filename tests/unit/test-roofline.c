// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "reports/chart.h"
#include "convprof/run.h"
#include "reports/roofline.h"
#include "tap.h"
#include "util/util.h"
#include "xml-check.h"

/*
 * Ceilings: 100 GFLOP/s, 10 GB/s, ridge at 10 FLOP/byte. Each layer's
 * numbers are chosen so AI, GFLOP/s and the fraction are exact.
 */
static const struct roofline_ceilings ceil_ok = {
	.peak_gflops = 100, .bw_gbs = 10,
	.peak_source = "test: given", .bw_source = "test: given",
};

static const struct {
	const char *name, *kind;
	int is_ref;
	double flops, bytes, ms;
} rows[] = {
	{ "c_compute", "conv", 0, 2e9, 1e8, 25 },	/* AI 20, 80 GF/s, 80% of 100 */
	{ "c_bw", "conv", 0, 4e8, 1e8, 12.5 },		/* AI 4, 32 GF/s, 80% of 40 */
	{ "c_small", "conv", 0, 1e7, 1e6, 1 },		/* AI 10 = ridge, 10 GF/s, 10% */
	{ "relu", "relu", 0, 0, 2e6, 0.3 },		/* not a conv: not analysed */
	{ "c_ref", "conv", 1, 1e9, 1e8, 100 },		/* reference kernel */
	{ "fc", "fc", 0, 4e6, 4e6, 0.5 },		/* AI 1, 8 GF/s, 80% of 10 */
	{ "c_unmeasured", "conv", 0, 1e8, 1e7, NAN },	/* no time */
	{ "c_tiny_bad", "conv", 0, 1e6, 1e5, 0.2 },	/* AI 10, 5 GF/s, 5%: tiny */
	{ "c_half", "conv", 0, 1e7, 5e6, 1 },		/* AI 2, 10 GF/s, exactly 50% of 20 */
};

static struct cp_run *fixture(void)
{
	struct cp_run *run = cp_run_new();
	size_t i;

	snprintf(run->model, sizeof(run->model), "testnet");
	snprintf(run->precision, sizeof(run->precision), "f32");
	run->batch = 2;
	run->threads = 2;
	run->latency_ms = 150;
	cp_run_set_layers(run, (int)ARRAY_SIZE(rows));
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct cp_layer_rec *l = &run->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", rows[i].name);
		snprintf(l->kind, sizeof(l->kind), "%s", rows[i].kind);
		l->is_ref = rows[i].is_ref;
		l->flops = (uint64_t)rows[i].flops;
		/* split the bytes over the three tensors: the sum is what counts */
		l->weight_bytes = (uint64_t)(rows[i].bytes / 2);
		l->in_bytes = (uint64_t)(rows[i].bytes / 4);
		l->out_bytes = (uint64_t)rows[i].bytes - l->weight_bytes - l->in_bytes;
		l->time_ms = rows[i].ms;
	}
	return run;
}

static const struct roofline_layer *find(const struct roofline_result *r, const char *name)
{
	int i;

	for (i = 0; i < r->nlayers; i++)
		if (strcmp(r->layers[i].name, name) == 0)
			return &r->layers[i];
	return NULL;
}

static void test_analyze(void)
{
	struct cp_run *run = fixture();
	struct roofline_result r;
	const struct roofline_layer *l;
	struct roofline_ceilings bad = ceil_ok;
	int err;

	err = roofline_analyze(run, &ceil_ok, &r);
	is_int(err, 0, "analyze: ok");
	is_int(r.nlayers, 8, "analyze: conv and fc rows only");
	is_near(r.ridge_ai, 10, 0, "analyze: ridge = peak / bw");

	l = find(&r, "c_compute");
	ok(l && l->index == 0, "c_compute: row index kept");
	if (l) {
		is_near(l->ai, 20, 0, "c_compute: AI = flops / model bytes");
		is_near(l->gflops, 80, 0, "c_compute: GFLOP/s");
		is_near(l->attainable, 100, 0, "c_compute: attainable = peak right of the ridge");
		is_near(l->fraction, 0.8, 1e-15, "c_compute: fraction");
		is_near(l->share, 25.0 / 150, 1e-15, "c_compute: share of latency");
		is_near(l->lost_ms, 5, 1e-12, "c_compute: lost = time x (1 - fraction)");
		is_str(roofline_verdict_name(l->verdict), "compute-bound", "c_compute: verdict");
	}
	l = find(&r, "c_bw");
	if (l) {
		is_near(l->ai, 4, 0, "c_bw: AI");
		is_near(l->attainable, 40, 0, "c_bw: attainable = bw x AI left of the ridge");
		is_near(l->fraction, 0.8, 1e-15, "c_bw: fraction");
		is_str(roofline_verdict_name(l->verdict), "bandwidth-bound", "c_bw: verdict");
	} else {
		ok(0, "c_bw: analysed");
	}
	l = find(&r, "c_small");
	if (l) {
		is_near(l->attainable, 100, 0, "c_small: AI at the ridge gets the peak");
		is_near(l->fraction, 0.1, 1e-15, "c_small: fraction");
		is_str(roofline_verdict_name(l->verdict), "neither: latency/overhead", "c_small: verdict");
	} else {
		ok(0, "c_small: analysed");
	}
	l = find(&r, "c_ref");
	ok(l && l->verdict == ROOFLINE_REFERENCE, "c_ref: reference kernel whatever its numbers");
	l = find(&r, "fc");
	ok(l && l->verdict == ROOFLINE_BANDWIDTH && fabs(l->attainable - 10) < 1e-12,
	   "fc: analysed like a conv (AI 1, attainable 10, bandwidth-bound)");
	l = find(&r, "c_unmeasured");
	ok(l && l->verdict == ROOFLINE_UNMEASURED && isnan(l->gflops) && isnan(l->fraction) &&
	   isnan(l->lost_ms), "c_unmeasured: NaN, not 0, and says so");
	if (l)
		is_near(l->ai, 10, 0, "c_unmeasured: AI still known from the model");
	l = find(&r, "c_half");
	ok(l && l->fraction == ROOFLINE_BOUND_FRACTION && l->verdict == ROOFLINE_BANDWIDTH,
	   "c_half: exactly the threshold counts as bound");
	ok(!find(&r, "relu"), "relu: not in the result");
	roofline_result_release(&r);

	bad.peak_gflops = NAN;
	err = roofline_analyze(run, &bad, &r);
	is_int(err, -EINVAL, "analyze: no peak -> -EINVAL");
	ok(strstr(cp_strerror(err), "peak") != NULL, "analyze: message says what is missing: %s",
	   cp_strerror(err));
	bad = ceil_ok;
	bad.bw_gbs = 0;
	is_int(roofline_analyze(run, &bad, &r), -EINVAL, "analyze: zero bandwidth -> -EINVAL");
	is_int(roofline_analyze(run, NULL, &r), -EINVAL, "analyze: no ceilings -> -EINVAL");
	roofline_result_release(&r);
	cp_run_free(run);
}

static void test_worst(void)
{
	struct cp_run *run = fixture();
	struct roofline_result r;
	int idx[10], n;

	roofline_analyze(run, &ceil_ok, &r);
	n = roofline_worst(&r, 3, idx);
	is_int(n, 3, "worst: three asked, three given");
	if (n == 3) {
		is_str(r.layers[idx[0]].name, "c_ref", "worst 1: the reference kernel (90 ms lost)");
		is_str(r.layers[idx[1]].name, "c_compute", "worst 2: 80%% of the roof but 5 ms lost");
		is_str(r.layers[idx[2]].name, "c_bw", "worst 3: 2.5 ms lost");
	}
	n = roofline_worst(&r, 10, idx);
	is_int(n, 7, "worst: every layer that loses time, not the unmeasured one");
	if (n == 7)
		is_str(r.layers[idx[5]].name, "c_tiny_bad",
		       "worst: the tiny layer at 5%% comes after bigger ones nearer their roof");
	is_int(roofline_worst(&r, 0, idx), 0, "worst: none asked");
	roofline_result_release(&r);
	cp_run_free(run);
}

static void test_bandwidth_source(void)
{
	struct cp_run *run = fixture();
	struct roofline_result r;
	const struct roofline_layer *l;
	int llc, umc, imc, fake;

	roofline_analyze(run, &ceil_ok, &r);
	l = find(&r, "c_compute");
	ok(l && strcmp(l->bw_source, "model-bytes") == 0 && fabs(l->bw_gbs - 4) < 1e-12,
	   "no counters: model bytes / time (1e8 B in 25 ms = 4 GB/s)");
	roofline_result_release(&r);
	cp_run_free(run);

	/* an unsupported LLC event is ignored even with numbers in it */
	run = fixture();
	llc = cp_run_add_event(run, "LLC-load-misses", "hardware", 0, "no PMU");
	*cp_run_count(run, 0, llc) = 1e6;
	roofline_analyze(run, &ceil_ok, &r);
	l = find(&r, "c_compute");
	ok(l && strcmp(l->bw_source, "model-bytes") == 0, "unsupported LLC-load-misses: not used");
	roofline_result_release(&r);
	cp_run_free(run);

	run = fixture();
	llc = cp_run_add_event(run, "LLC-load-misses", "hardware", 1, NULL);
	fake = cp_run_add_event(run, "umcx", "raw", 1, NULL);
	*cp_run_count(run, 0, llc) = 1e6;
	*cp_run_count(run, 0, fake) = 1e9;
	*cp_run_count(run, 1, fake) = 1e9;
	roofline_analyze(run, &ceil_ok, &r);
	l = find(&r, "c_compute");
	ok(l && strcmp(l->bw_source, "llc-misses") == 0 && fabs(l->bw_gbs - 2.56) < 1e-12,
	   "LLC-load-misses: 1e6 x 64 B in 25 ms = 2.56 GB/s");
	l = find(&r, "c_bw");
	ok(l && strcmp(l->bw_source, "model-bytes") == 0 && fabs(l->bw_gbs - 8) < 1e-12,
	   "a layer without the count falls back to model bytes (per layer)");
	roofline_result_release(&r);

	umc = cp_run_add_event(run, "umc:cas_cmd.all", "raw", 1, NULL);
	imc = cp_run_add_event(run, "uncore_imc_0/cas_count_write/", "raw", 1, NULL);
	*cp_run_count(run, 0, umc) = 3e6;
	*cp_run_count(run, 0, imc) = 1e6;
	*cp_run_count(run, 1, umc) = 3e6;	/* imc missing on row 1 */
	roofline_analyze(run, &ceil_ok, &r);
	l = find(&r, "c_compute");
	ok(l && strcmp(l->bw_source, "memory-controller") == 0 &&
	   fabs(l->bw_gbs - 4e6 * 64 / 0.025 / 1e9) < 1e-12,
	   "memory-controller events summed, preferred over LLC misses ('umcx' ignored)");
	l = find(&r, "c_bw");
	ok(l && strcmp(l->bw_source, "model-bytes") == 0,
	   "one memory-controller event missing: no partial sum, next source");
	roofline_result_release(&r);
	cp_run_free(run);
}

static char *to_string(const struct roofline_result *r, enum cp_format fmt, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	*err = roofline_print(r, &ceil_ok, fp, fmt);
	fclose(fp);
	return buf;
}

static void test_render(void)
{
	struct cp_run *run = fixture();
	struct roofline_result r;
	json_t *root, *layers, *o;
	json_error_t jerr;
	char *s;
	int err, n;
	const char *p;

	roofline_analyze(run, &ceil_ok, &r);
	s = to_string(&r, FMT_JSON, &err);
	is_int(err, 0, "json: written");
	root = json_loads(s, 0, &jerr);
	ok(root != NULL, "json: parses");
	layers = json_object_get(root, "layers");
	is_int(json_array_size(layers), 8, "json: one object per conv/fc layer");
	ok(json_real_value(json_object_get(json_object_get(root, "ceilings"), "peak_gflops")) == 100 ||
	   json_integer_value(json_object_get(json_object_get(root, "ceilings"), "peak_gflops")) == 100,
	   "json: ceilings.peak_gflops");
	is_str(json_string_value(json_object_get(json_object_get(root, "ceilings"), "bw_source")),
	       "test: given", "json: ceilings.bw_source");
	o = json_array_get(layers, 0);
	is_str(json_string_value(json_object_get(o, "verdict")), "compute-bound", "json: verdict");
	ok(json_object_get(o, "attainable_gflops") && json_object_get(o, "fraction") &&
	   json_object_get(o, "ai") && json_object_get(o, "gflops") && json_object_get(o, "bw_gbs") &&
	   json_object_get(o, "bw_source") && json_object_get(o, "index") && json_object_get(o, "name"),
	   "json: every contract key present");
	o = json_array_get(layers, 5);
	ok(json_is_null(json_object_get(o, "gflops")) && json_is_null(json_object_get(o, "fraction")),
	   "json: unmeasured numbers are null");
	json_decref(root);
	free(s);

	s = to_string(&r, FMT_CSV, &err);
	ok(strncmp(s, "index,name,kind,time_ms,share,ai,gflops,attainable_gflops,fraction,lost_ms,bw_gbs,bw_source,verdict\n",
		   strlen("index,name,kind,time_ms,share,ai,gflops,attainable_gflops,fraction,lost_ms,bw_gbs,bw_source,verdict\n")) == 0,
	   "csv: header");
	for (n = 0, p = s; (p = strchr(p, '\n')); p++)
		n++;
	is_int(n, 9, "csv: header and 8 rows");
	ok(strstr(s, "0,c_compute,conv,25,0.166667,20,80,100,0.8,5,4,model-bytes,compute-bound\n") != NULL,
	   "csv: raw numbers");
	ok(strstr(s, "\"neither: latency/overhead\"") == NULL, "csv: a verdict needs no quoting");
	free(s);

	s = to_string(&r, FMT_TEXT, &err);
	is_int(err, 0, "text: written");
	ok(strstr(s, "ridge point: 10.00 FLOP/byte") != NULL, "text: ridge point");
	ok(strstr(s, "peak: 100.0 GFLOP/s (test: given)") != NULL, "text: peak and its source");
	ok(strstr(s, "model byte") != NULL, "text: says AI uses model bytes");
	ok(strstr(s, "most time lost below the roof: c_ref 90.000 ms, c_compute 5.000 ms") != NULL,
	   "text: the layers losing most time");
	free(s);
	roofline_result_release(&r);
	cp_run_free(run);
}

static void test_chart(void)
{
	struct cp_run *run = fixture();
	struct roofline_result r;
	struct chart c;
	char *svg = NULL, why[128] = "", *needle, path[] = "/tmp/test-roofline.XXXXXX";
	size_t len = 0;
	FILE *fp;
	int i, all = 1, rc, fd;

	roofline_analyze(run, &ceil_ok, &r);
	roofline_chart(&r, &ceil_ok, "testnet roofline", 2, &c);
	fp = open_memstream(&svg, &len);
	is_int(chart_write_svg(&c, fp), 0, "chart: written");
	fclose(fp);
	ok(xml_check(svg, why, sizeof(why)) == 0, "chart: well-formed %s", why);
	fd = mkstemp(path);
	fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fp) {
		fputs(svg, fp);
		fclose(fp);
	}
	rc = xmllint_ok(path);
	if (rc < 0)
		skip("xmllint not installed (libxml2-utils)", "chart: xmllint --noout");
	else
		ok(rc == 1, "chart: xmllint --noout");
	unlink(path);
	for (i = 0; i < r.nlayers; i++) {
		if (isnan(r.layers[i].gflops))
			continue;
		needle = xasprintf("<title>%s (", r.layers[i].name);
		if (!strstr(svg, needle)) {
			all = 0;
			printf("# missing %s\n", r.layers[i].name);
		}
		free(needle);
	}
	ok(all, "chart: every measured conv/fc layer is a point");
	ok(strstr(svg, ">c_ref<") && strstr(svg, ">c_compute<") && !strstr(svg, ">c_bw<"),
	   "chart: the 2 worst layers are named, the third is not");
	ok(strstr(svg, ">peak 100 GFLOP/s<") && strstr(svg, ">memory 10 GB/s<"), "chart: ceilings labelled");
	ok(strstr(svg, ">compute-bound<") && strstr(svg, ">bandwidth-bound<") &&
	   strstr(svg, ">neither: latency/overhead<") && strstr(svg, ">reference kernel<"),
	   "chart: legend by verdict");
	ok(strstr(svg, "1 layer not drawn: not measured") != NULL, "chart: the unmeasured layer is a footnote");
	ok(strstr(svg, ">peak: test: given; memory: test: given<") != NULL, "chart: ceiling sources named");
	ok(strstr(svg, "model bytes") != NULL, "chart: says AI uses model bytes");
	ok(!has_nonfinite(svg), "chart: no NaN or infinite coordinates");
	free(svg);
	chart_release(&c);
	roofline_result_release(&r);
	cp_run_free(run);
}

/*
 * A stage's convs sit at nearly one spot (the same shapes: layer2.2.conv3
 * and layer2.3.conv3 exactly); the boxes of the labels, computed back from
 * the SVG as the chart sizes text, must not meet.
 */
static void test_label_overlap(void)
{
	struct cp_run *run = cp_run_new();
	struct roofline_result r;
	struct chart c;
	char *svg = NULL, *p;
	size_t len = 0;
	FILE *fp;
	double bx[64][4];
	int i, j, n = 0, meet = 0, twins = 0, leaders = 0, nl = 16;

	snprintf(run->model, sizeof(run->model), "resnet50");
	snprintf(run->precision, sizeof(run->precision), "f32");
	run->batch = 1;
	run->threads = 2;
	run->latency_ms = 100;
	cp_run_set_layers(run, nl);
	for (i = 0; i < nl; i++) {
		struct cp_layer_rec *l = &run->layers[i];

		snprintf(l->name, sizeof(l->name), "layer3.%d.conv%d", i / 3, i % 3 + 1);
		snprintf(l->kind, sizeof(l->kind), "conv");
		/* AI 20-21.5, 40-43 GFLOP/s: one clump on a log-log chart */
		l->flops = (uint64_t)(2e8 * (1 + (i % 4) * 0.025));
		l->weight_bytes = (uint64_t)(l->flops / 20 / (1 + (i / 4) * 0.025));
		l->time_ms = (double)l->flops / 40e9 * 1e3 / (1 + (i % 3) * 0.03);
	}
	/* the twins of the issue: the same shape, the same time */
	run->layers[7].flops = run->layers[10].flops;
	run->layers[7].weight_bytes = run->layers[10].weight_bytes;
	run->layers[7].time_ms = run->layers[10].time_ms;
	snprintf(run->layers[7].name, sizeof(run->layers[7].name), "layer2.2.conv3");
	snprintf(run->layers[10].name, sizeof(run->layers[10].name), "layer2.3.conv3");
	roofline_analyze(run, &ceil_ok, &r);
	roofline_chart(&r, &ceil_ok, "labels", nl, &c);
	fp = open_memstream(&svg, &len);
	chart_write_svg(&c, fp);
	fclose(fp);
	for (p = svg; (p = strstr(p, "<text x=\"")) && n < 64; p++) {
		double x, y;
		char *end, *gt;

		if (sscanf(p, "<text x=\"%lf\" y=\"%lf\"", &x, &y) != 2)
			continue;
		gt = strchr(p, '>');
		if (!gt || !strstr(p, "class=\"label\"") || strstr(p, "class=\"label\"") > gt)
			continue;
		end = strstr(gt, "</text>");
		/* as chart-svg.c sizes an 11 px label: 0.6 em a character */
		bx[n][0] = x;
		bx[n][1] = y - 11 * 0.8;
		bx[n][2] = x + (double)(end - gt - 1) * 11 * 0.6;
		bx[n][3] = y + 11 * 0.25;
		twins += !strncmp(gt + 1, "layer2.2.conv3<", 15) || !strncmp(gt + 1, "layer2.3.conv3<", 15);
		n++;
	}
	for (p = svg; (p = strstr(p, "class=\"leader\"")); p++)
		leaders++;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (bx[i][0] < bx[j][2] && bx[j][0] < bx[i][2] &&
			    bx[i][1] < bx[j][3] && bx[j][1] < bx[i][3]) {
				meet++;
				printf("# labels %d and %d meet\n", i, j);
			}
	ok(n >= 12, "labels: %d of the %d clustered layers named", n, nl);
	is_int(meet, 0, "labels: no two label boxes intersect");
	is_int(twins, 2, "labels: layer2.2.conv3 and layer2.3.conv3, at one spot, both named");
	ok(leaders > 0, "labels: those moved off their point have a leader line (%d)", leaders);
	free(svg);
	chart_release(&c);
	roofline_result_release(&r);
	cp_run_free(run);
}

static void test_efficiency(void)
{
	struct cp_run *run = fixture();
	struct efficiency e;
	double flops = 0, gops;
	json_t *o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		flops += (uint64_t)rows[i].flops;
	gops = flops / 0.150 / 1e9;
	roofline_efficiency(run, &ceil_ok, 32ull << 20, &e);
	is_near(e.gops, gops, 1e-9, "efficiency: achieved GOPS = all FLOPs / latency");
	is_near(e.mac_util, gops / 100, 1e-12, "efficiency: MAC utilisation vs the peak");
	is_near(e.ips, 2 / 0.150, 1e-9, "efficiency: img/s from batch / latency when no throughput");
	is_near(e.ips_per_peak_tops, 2 / 0.150 / 0.1, 1e-9, "efficiency: img/s per peak TOPS");
	is_near(e.ips_per_gbs, 2 / 0.150 / 10, 1e-12, "efficiency: img/s per GB/s");
	is_near(e.ips_per_llc_mib, 2 / 0.150 / 32, 1e-12, "efficiency: img/s per MiB of LLC");
	is_near(e.ips_per_core, 2 / 0.150 / 2, 1e-12, "efficiency: img/s per core");

	roofline_efficiency(run, &ceil_ok, 0, &e);
	ok(isnan(e.ips_per_llc_mib) && isnan(e.llc_mib), "efficiency: unknown LLC is NaN, not 0");
	o = efficiency_to_json(&e);
	ok(json_is_null(json_object_get(o, "ips_per_llc_mib")) &&
	   json_is_number(json_object_get(o, "mac_utilization")), "efficiency json: null for unknown");
	json_decref(o);
	run->latency_ms = NAN;
	roofline_efficiency(run, &ceil_ok, 0, &e);
	ok(isnan(e.gops) && isnan(e.ips) && isnan(e.ips_per_core), "efficiency: no latency -> NaN");
	cp_run_free(run);
}

int main(void)
{
	test_analyze();
	test_worst();
	test_bandwidth_source();
	test_render();
	test_chart();
	test_label_overlap();
	test_efficiency();
	return done_testing();
}
