// SPDX-License-Identifier: MIT
/*
 * The renderers behind report, diff and flamegraph, on the fixture runs:
 * grouping sums, folded weights that add up exactly, frame sanitising,
 * run comparison rules, and an SVG that names every layer.
 */
#include <errno.h>
#include <stdlib.h>

#include "reports/compare.h"
#include "fixture.h"
#include "reports/flamegraph.h"
#include "reports/folded.h"
#include "reports/group.h"
#include "tap.h"
#include "util/util.h"

static int find_row(const struct cp_run *run, const char *name)
{
	int i;

	for (i = 0; i < run->nlayers; i++)
		if (strcmp(run->layers[i].name, name) == 0)
			return i;
	return -1;
}

static void test_group(void)
{
	struct cp_run *run = fixture_run(FIX_NCHW), *g;
	enum group_by by;
	int blk, nchw, lev, pf, tc;
	double rs;

	ok(group_by_parse("stage", &by) == 0 && by == GROUP_STAGE, "parse 'stage'");
	is_int(group_by_parse("colour", &by), -EINVAL, "refuse 'colour'");

	/* a member without a count makes its group's unknown, not smaller */
	*cp_run_count(run, 5, cp_run_event_index(run, "page-faults")) = NAN;
	g = group_run(run, GROUP_LAYOUT);
	is_int(g->nlayers, 3, "three layouts: nchw, nChw16c, nc");
	nchw = find_row(g, "nchw");
	blk = find_row(g, "nChw16c");
	lev = cp_run_event_index(g, GROUP_LAYERS_EVENT);
	pf = cp_run_event_index(g, "page-faults");
	tc = cp_run_event_index(g, "task-clock");
	ok(nchw == 0 && blk == 1 && find_row(g, "nc") == 2, "in order of first appearance");
	is_near(g->layers[blk].time_ms, 0.5 + 1.25 + 2.75 + 0.375, 1e-12,
		"a group's time is the sum of its layers' medians");
	is_int(g->layers[blk].flops, 25690112 + 231211008, "flops add up");
	is_int(*cp_run_count(g, blk, lev), 4, "the layers column counts 4 members");
	is_int(g->total_counts[lev], 7, "and 7 in all");
	ok(isnan(*cp_run_count(g, blk, pf)), "one unknown member count: the group's is unknown");
	is_near(*cp_run_count(g, nchw, pf), 12 + 196, 1e-9, "known counts add up");
	is_near(*cp_run_count(g, blk, tc), 2 * (0.5 + 1.25 + 2.75 + 0.375) * 1e6, 1e-3,
		"task-clock adds up");
	ok(isnan(*cp_run_thread_count(g, nchw, 1, pf)) &&
	   *cp_run_thread_count(g, nchw, 0, pf) == 208, "per-thread: NaN stays, numbers add");
	is_str(g->layers[blk].kind, "mixed", "maxpool, conv and add: kind 'mixed'");
	is_str(g->layers[blk].impl, "mixed", "two impls: 'mixed'");
	is_str(g->layers[nchw].layout, "nchw", "the shared layout stays");
	ok(isnan(g->layers[blk].remote_share), "a member with unknown remote share: unknown");
	rs = (0 * (double)(run->layers[0].weight_bytes + run->layers[0].in_bytes +
			   run->layers[0].out_bytes) +
	      0.125 * (double)(run->layers[1].weight_bytes + run->layers[1].in_bytes +
			       run->layers[1].out_bytes)) /
	     (double)(run->layers[0].weight_bytes + run->layers[0].in_bytes + run->layers[0].out_bytes +
		      run->layers[1].weight_bytes + run->layers[1].in_bytes + run->layers[1].out_bytes);
	is_near(g->layers[nchw].remote_share, rs, 1e-12, "remote share weighted by bytes");
	ok(g->nstacks == 3 && g->stacks[0].layer == nchw && g->stacks[2].layer == blk,
	   "stacks move to their groups");
	is_near(g->other.time_ms, 0.125, 0, "(other) is kept");
	is_near(g->latency_ms, run->latency_ms, 0, "and the latency");
	cp_run_free(g);
	cp_run_free(run);
}

static uint64_t sum_values(const struct folded *f)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < f->n; i++)
		s += f->stacks[i].value;
	return s;
}

static void test_folded(void)
{
	struct cp_run *run = fixture_run(FIX_NCHW), *r3;
	struct folded f;
	char buf[64];
	int i;

	is_int(folded_build(run, NULL, &f), 0, "fold by time");
	is_int(sum_values(&f), 10375, "the stacks add up to the layer times in us");
	is_int(f.total, 10375, "and the total says so");
	ok(f.stacks[1].layer == 1 && f.stacks[1].value == 3375 &&
	   f.stacks[2].value == 1125, "conv1's 4500 us split 30:10 by samples");
	is_str(f.unit, "us", "unit us");
	is_str(f.sample_event, "cpu-clock", "the stacks of cpu-clock");
	folded_release(&f);

	is_int(folded_build(run, "cycles", &f), -EINVAL, "an event not counted is refused");
	ok(strstr(cp_strerror(-EINVAL), "no hardware PMU") != NULL, "with its reason");
	is_int(folded_build(run, "page-fault", &f), -EINVAL, "an unknown event is refused");
	ok(strstr(cp_strerror(-EINVAL), "did you mean 'page-faults'") != NULL, "with a hint");

	/* three equal stacks share 1001 us: 334 + 334 + 333, never 1000 */
	r3 = cp_run_new();
	snprintf(r3->model, sizeof(r3->model), "m;odel");
	cp_run_set_layers(r3, 1);
	snprintf(r3->layers[0].name, sizeof(r3->layers[0].name), "l");
	r3->layers[0].time_ms = 1.001;
	for (i = 0; i < 3; i++)
		cp_run_add_stack(r3, 0, i == 0 ? "a" : i == 1 ? "b" : "", 5, "cpu-clock");
	is_int(folded_build(r3, NULL, &f), 0, "fold a run with three equal stacks");
	ok(f.n == 3 && sum_values(&f) == 1001 && f.stacks[0].value == 334 &&
	   f.stacks[2].value == 333 && f.stacks[2].frames == NULL,
	   "largest remainder: 334 + 334 + 333; an empty stack is the layer itself");
	{
		char *text = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&text, &len);

		folded_print(r3, &f, fp);
		fclose(fp);
		is_str(text, "m:odel;(no stage);l [? ? ?];a 334\nm:odel;(no stage);l [? ? ?];b 334\n"
		       "m:odel;(no stage);l [? ? ?] 333\n", "folded lines, ';' in a name replaced");
		free(text);
	}
	folded_release(&f);
	cp_run_free(r3);

	is_str(folded_frame(buf, sizeof(buf), "a;b\nc\td"), "a:b c d", "sanitise a frame");
	is_str(folded_frame(buf, sizeof(buf), ""), "[unknown]", "an empty frame");
	is_str(folded_frame(buf, 4, "abcdef"), "abc", "cut to the buffer");
	cp_run_free(run);
}

static void test_compare(void)
{
	struct cp_run *a = fixture_run(FIX_NCHW), *b = fixture_run(FIX_NHWC);
	struct cp_run *u = fixture_run(FIX_UNFUSED), *y = fixture_run(FIX_YOLO);
	struct cp_run *big = fixture_run(FIX_BIGGER);
	struct comparison c;
	char la[64], lb[64], sum[200];
	int i, only_b = -1;

	is_int(compare_check(a, b), 0, "nchw and nhwc compare");
	is_int(compare_check(a, y), -EINVAL, "resnet50 and yolov3 do not");
	ok(strstr(cp_strerror(-1), "different models") != NULL, "%s", cp_strerror(-1));
	is_int(compare_check(a, big), -EINVAL, "224 and 320 do not");
	ok(strstr(cp_strerror(-1), "different image sizes") != NULL, "%s", cp_strerror(-1));

	compare_labels(a, b, NULL, NULL, la, lb, sizeof(la));
	ok(!strcmp(la, "nchw") && !strcmp(lb, "nhwc"), "labels by layout: %s, %s", la, lb);
	compare_labels(a, u, NULL, NULL, la, lb, sizeof(la));
	ok(!strcmp(la, "fusion on") && !strcmp(lb, "fusion off"), "by fusion: %s, %s", la, lb);
	a->id = 1;
	u->id = 1;
	u->fusion = 1;
	compare_labels(a, u, NULL, NULL, la, lb, sizeof(la));
	ok(!strcmp(la, "run 1") && !strcmp(lb, "run 1"), "by id when nothing differs");
	compare_labels(a, u, "x.db:1", "y.db:1", la, lb, sizeof(la));
	ok(!strcmp(la, "x.db:1") && !strcmp(lb, "y.db:1"), "or by what the user typed");

	compare_match(a, u, &c);
	is_int(c.n, 8, "7 common layers and one of B only");
	for (i = 0; i < c.n; i++)
		if (c.rows[i].a < 0)
			only_b = c.rows[i].b;
	is_str(only_b >= 0 ? u->layers[only_b].name : "", "bn1", "bn1 is B's only");
	is_int(c.nev, 2, "two events counted in both (cycles in neither)");
	compare_release(&c);

	compare_match(a, b, &c);
	compare_summary(a, b, &c, "nchw", "nhwc", sum, sizeof(sum));
	is_str(sum, "nhwc vs nchw: 1.06x faster, 2 of 3 conv layers faster", "the verdict");
	compare_release(&c);
	compare_match(b, a, &c);
	compare_summary(b, a, &c, "nhwc", "nchw", sum, sizeof(sum));
	is_str(sum, "nchw vs nhwc: 1.06x slower, 1 of 3 conv layers faster", "the other way");
	compare_release(&c);

	cp_run_free(a);
	cp_run_free(b);
	cp_run_free(u);
	cp_run_free(y);
	cp_run_free(big);
}

static void test_svg(void)
{
	struct cp_run *a = fixture_run(FIX_NCHW), *b = fixture_run(FIX_NHWC);
	struct folded fa, fb;
	struct flame_opts o = { FLAME_BY_KIND, "sub <title> & more" };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int i, all = 1;

	folded_build(a, NULL, &fa);
	folded_build(b, NULL, &fb);
	is_int(flamegraph_svg(a, &fa, NULL, NULL, &o, fp), 0, "draw the SVG");
	fclose(fp);
	for (i = 0; i < a->nlayers; i++) {
		char want[128];

		snprintf(want, sizeof(want), "<title>%s [", a->layers[i].name);
		all &= strstr(text, want) != NULL;
	}
	ok(all, "every layer has a titled frame");
	ok(strstr(text, "sub &lt;title&gt; &amp; more") != NULL, "the subtitle is escaped");
	ok(len > 20 && strcmp(text + len - 7, "</svg>\n") == 0, "it ends");
	free(text);

	text = NULL;
	fp = open_memstream(&text, &len);
	is_int(flamegraph_svg(b, &fb, a, &fa, &o, fp), 0, "draw the differential SVG");
	fclose(fp);
	ok(strstr(text, "<title>conv1 [conv nhwc jit:avx512_core] \xe2\x80\x94 5625 us") &&
	   strstr(text, "A: 4500 us, change +25.0%</title><rect"),
	   "conv1 matched across layouts: +25%%");
	ok(strstr(text, "<title>pool1 [maxpool nhwc jit:avx512_core] \xe2\x80\x94 250 us "
			"(2.56%); A: 500 us, change -50.0%</title>"), "pool1 -50%%");
	free(text);
	folded_release(&fa);
	folded_release(&fb);
	cp_run_free(a);
	cp_run_free(b);
}

int main(void)
{
	test_group();
	test_folded();
	test_compare();
	test_svg();
	return done_testing();
}
