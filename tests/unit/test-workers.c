// SPDX-License-Identifier: MIT
/*
 * The per-worker view on constructed values: imbalance, busy and wait,
 * the sweep's per-layer verdicts, and the Chrome trace of the fixture's
 * timeline (trace-event fields, one track per worker, no overlaps).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "reports/chrome.h"
#include "reports/workers.h"
#include "study/sweep.h"
#include "tap.h"
#include "util/util.h"

static void test_imbalance(void)
{
	double even[] = { 2, 2, 2, 2 }, one[] = { 4, 0, 0, 0 }, half[] = { 1, 3 };
	double unknown[] = { 1, NAN }, idle[] = { 0, 0 };

	is_near(imbalance_of(even, 4), 0, 1e-12, "equal busy: imbalance 0");
	is_near(imbalance_of(one, 4), 0.75, 1e-12, "one of 4 workers busy: 1 - 1/4");
	is_near(imbalance_of(half, 2), 1 - 2.0 / 3, 1e-12, "1 and 3 ms: 1 - 2/3");
	ok(isnan(imbalance_of(even, 1)), "one worker: no imbalance");
	ok(isnan(imbalance_of(unknown, 2)), "an unknown busy time: unknown");
	ok(isnan(imbalance_of(idle, 2)), "nobody busy: unknown, not 0");
}

static void test_run_view(void)
{
	struct cp_run *run = fixture_workers_run(), *plain = fixture_run(FIX_NCHW);

	ok(workers_known(run) && !workers_known(plain), "busy known only where measured");
	is_near(workers_busy(run, 1, 0), 4.5, 1e-12, "conv1 worker 0 busy 4.5 ms");
	is_near(workers_busy(run, 1, 1), 3.375, 1e-12, "worker 1 busy 3/4 of it");
	is_near(workers_wait(run, 1, 1), 1.125, 1e-12, "its wait: the rest of the layer");
	is_near(workers_imbalance(run, 1), 1 - (4.5 + 3.375) / 2 / 4.5, 1e-12,
		"conv1 imbalance 1 - mean/max");
	is_near(workers_imbalance(run, 2), 0.5, 1e-12, "pool1, one worker busy: 0.5");
	ok(isnan(workers_busy(plain, 1, 0)) && isnan(workers_imbalance(plain, 1)),
	   "without busy time: NaN, never 0");
	cp_run_free(run);
	cp_run_free(plain);
}

static struct sweep_layer layer(double ms, double w0, double w1)
{
	struct sweep_layer l = { .time_ms = ms, .busy_sum = w0 + w1, .busy_max = MAX(w0, w1) };

	l.nbusy = (w0 >= l.busy_max / 10) + (w1 >= l.busy_max / 10);
	return l;
}

static void test_verdicts(void)
{
	struct sweep_layer base = { .time_ms = 10, .busy_sum = 10, .busy_max = 10, .nbusy = 1 };
	struct sweep_layer l;
	struct sweep_layer_scaling r;

	l = layer(5.5, 5, 5);
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_SCALES, "10 -> 5.5 ms on 2: scales");
	is_near(r.speedup, 10 / 5.5, 1e-12, "speedup base / time");
	is_near(r.efficiency, 10 / 5.5 / 2, 1e-12, "efficiency speedup / 2");
	is_near(r.lost_ms, 0.5, 1e-12, "0.5 ms above ideal");
	l = layer(10, 10, 0);
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_SERIAL, "one worker does it: serial");
	l = layer(8, 8, 2);
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_IMBALANCE, "8 and 2 ms: imbalance");
	is_near(r.imbalance, 1 - 5.0 / 8, 1e-12, "imbalance 1 - mean/max");
	l = layer(8, 8, 7.5);
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_CONTENTION,
	       "both busy 8 ms for 10 ms of work: contention");
	is_near(r.work_growth, 1.55, 1e-12, "busy sum grew 1.55x");
	l = layer(8, 5, 5);
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_OVERHEAD,
	       "5 ms each but 8 ms long: the time is outside the tasks");
	l = layer(8, 5, 5);
	l.busy_sum = l.busy_max = NAN;
	is_int(sweep_layer_verdict(&base, 1, &l, 2, &r), VERDICT_UNKNOWN, "no busy time: unknown");
	ok(strcmp(sweep_verdict_name(VERDICT_CONTENTION), "contention") == 0, "verdict names");
}

/* The trace of the fixture: every event well formed, slices per track apart. */
static void test_chrome(void)
{
	struct cp_run *run = fixture_workers_run(), *plain = fixture_run(FIX_NCHW);
	json_t *t = chrome_trace(run), *evs, *e;
	size_t i;
	int bad = 0, x = 0, names = 0, counters = 0, marks = 0, overlaps = 0;
	double end[3] = { -1, -1, -1 };

	ok(chrome_trace(plain) == NULL, "no timeline: no trace (%s)", cp_strerror(-1));
	evs = t ? json_object_get(t, "traceEvents") : NULL;
	ok(json_is_array(evs), "traceEvents is an array");
	json_array_foreach(evs, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		json_int_t tid = json_integer_value(json_object_get(e, "tid"));

		if (!ph || !json_is_integer(json_object_get(e, "pid")) ||
		    !json_is_integer(json_object_get(e, "tid")) || !json_object_get(e, "name")) {
			bad++;
			continue;
		}
		if (strcmp(ph, "X") == 0) {
			double ts = json_number_value(json_object_get(e, "ts"));
			double dur = json_number_value(json_object_get(e, "dur"));

			x++;
			if (!json_is_number(json_object_get(e, "ts")) || !json_is_number(json_object_get(e, "dur")) ||
			    tid < 1 || tid > 2 || !json_object_get(json_object_get(e, "args"), "impl"))
				bad++;
			else if (ts < end[tid] - 1e-9)
				overlaps++;
			else
				end[tid] = ts + dur;
		} else if (strcmp(ph, "M") == 0) {
			names += strcmp(json_string_value(json_object_get(e, "name")), "thread_name") == 0;
		} else if (strcmp(ph, "C") == 0) {
			counters++;
		} else if (strcmp(ph, "i") == 0) {
			marks++;
		}
	}
	is_int(bad, 0, "every event has ph, name, pid, tid; slices ts, dur, args");
	is_int(x, run->nslices, "a complete event per slice: %d", x);
	is_int(names, 2, "a named track per worker");
	is_int(overlaps, 0, "slices do not overlap on a track");
	ok(counters > 0, "counter events for the counted events: %d", counters);
	is_int(marks, 2, "an iteration marker per kept iteration");
	json_decref(t);
	cp_run_free(run);
	cp_run_free(plain);
}

int main(void)
{
	test_imbalance();
	test_run_view();
	test_verdicts();
	test_chrome();
	return done_testing();
}
