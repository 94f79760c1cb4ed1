// SPDX-License-Identifier: MIT
/*
 * The runner on a synthetic workload (OpenMP loops of known, unequal
 * lengths): rows partition the total, pinning holds, medians follow the
 * work, SIGINT leaves a partial run.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <string.h>

#include "convprof/run.h"
#include "core/runner.h"
#include "tap.h"
#include "util/util.h"

static const int weights[] = { 1, 6, 2, 12, 3 };
#define NOPS 5
static volatile double sink;
static int stop_at = -1, calls;

static int exec(void *ctx, int op)
{
	long i, n = 200000L * weights[op];
	double acc = 0;

	(void)ctx;
	if (++calls == stop_at)
		raise(SIGINT);
#pragma omp parallel for reduction(+:acc) schedule(static)
	for (i = 0; i < n; i++)
		acc += (double)i * 1e-9;
	sink = acc;
	return 0;
}

static struct cp_run *new_run(void)
{
	struct cp_run *run = cp_run_new();
	int i;

	cp_run_set_layers(run, NOPS);
	for (i = 0; i < NOPS; i++)
		snprintf(run->layers[i].name, sizeof(run->layers[i].name), "op%d", i);
	run->batch = 1;
	return run;
}

static void test_partition(void)
{
	struct runner_opts o = { .pin = "compact", .node = -1, .iterations = 8, .warmup = 1,
				 .events = "task-clock,page-faults,{context-switches,cpu-migrations}",
				 .overhead = 1 };
	struct workload w = { .nops = NOPS, .exec = exec };
	struct runner *r = NULL;
	struct cp_run *run = new_run();
	int err, e, i, ok_sum = 1, th;

	err = runner_new(&r, &o);
	is_int(err, 0, "runner_new: %s", err ? cp_strerror(err) : "ok");
	if (err)
		return;
	is_int(runner_measure(r, &w, run), 0, "measure");
	is_int(run->iterations, 8, "8 measured iterations");
	is_int(run->nevents, 4, "4 event columns");
	is_str(run->backend, "software", "no PMU here or software only: software backend");
	for (e = 0; e < run->nevents; e++) {
		double sum = 0, total = run->total_counts[e];

		for (i = 0; i <= NOPS; i++)
			sum += *cp_run_count(run, i, e);
		if (fabs(sum - total) > 1e-6 * (fabs(total) + 1))
			ok_sum = 0;
		if (!ok_sum) {
			printf("# %s: layers+other %.3f vs total %.3f\n", run->events[e].name, sum, total);
			break;
		}
	}
	ok(ok_sum, "for every event, the layers plus (other) equal the total");
	{
		/*
		 * Work shares are a statistical claim: on a loaded machine one
		 * preempted worker makes the other spin. Re-measure up to three
		 * times before calling it a failure.
		 */
		int tc = cp_run_event_index(run, "task-clock"), tries;
		double t0 = 0, t3 = 0, m0 = 0, m3 = 0;

		for (tries = 0; tries < 3; tries++) {
			t0 = *cp_run_count(run, 0, tc);
			t3 = *cp_run_count(run, 3, tc);
			m0 = run->layers[0].time_ms;
			m3 = run->layers[3].time_ms;
			if (t3 > t0 * 2 && m3 > m0 * 3)
				break;
			cp_run_free(run);
			run = new_run();
			runner_measure(r, &w, run);
			tc = cp_run_event_index(run, "task-clock");
		}
		ok(t3 > t0 * 2, "task-clock follows the work: op3 (12 units) %.0f > 2 x op0 (1 unit) %.0f",
		   t3, t0);
		ok(m3 > m0 * 3, "median time follows the work: %.3f ms vs %.3f ms", m3, m0);
		ok(!isnan(*cp_run_thread_count(run, 3, 1, tc)) &&
		   *cp_run_thread_count(run, 3, 1, tc) > 0, "worker 1 counted its share");
	}
	/* medians of different iterations: on a loaded machine they drift apart a little */
	ok(run->latency_ms >= run->layers_ms * 0.9, "latency covers the layers (%.3f >= 0.9 x %.3f)",
	   run->latency_ms, run->layers_ms);
	/* measured: a figure outside its noise, or none and the reason why */
	ok(!isnan(run->overhead_spread_pct) && run->overhead_spread_pct >= 0,
	   "overhead's noise measured: %.2f%%", run->overhead_spread_pct);
	if (isnan(run->overhead_pct))
		ok(strstr(run->overhead_reason, "not measurable here (noise \u00b1") ==
		   run->overhead_reason,
		   "overhead inside its noise says so: %s", run->overhead_reason);
	else
		ok(fabs(run->overhead_pct) >= run->overhead_spread_pct && !run->overhead_reason[0],
		   "overhead %.2f%% outside its noise %.2f%%", run->overhead_pct,
		   run->overhead_spread_pct);
	for (th = 0; th < run->nthreads; th++) {
		char want[16];

		snprintf(want, sizeof(want), "%d", run->thread_recs[th].cpu_planned);
		is_str(run->thread_recs[th].cpus_actual, want, "worker %d bound to its planned cpu", th);
		is_int((long long)run->thread_recs[th].migrations, 0, "worker %d never migrated", th);
	}
	cp_run_free(run);
	runner_free(r);
}

static void test_time_only(void)
{
	struct runner_opts o = { .pin = "compact", .node = -1, .iterations = 3, .events = "none" };
	struct workload w = { .nops = NOPS, .exec = exec };
	struct runner *r = NULL;
	struct cp_run *run = new_run();

	is_int(runner_new(&r, &o), 0, "time-only runner");
	is_int(runner_measure(r, &w, run), 0, "measure");
	is_str(run->backend, "time", "backend: time");
	is_int(run->nevents, 0, "no event columns");
	ok(run->layers[3].time_ms > 0, "times measured");
	cp_run_free(run);
	runner_free(r);
}

static void test_interrupt(void)
{
	struct runner_opts o = { .pin = "compact", .node = -1, .iterations = 10,
				 .events = "task-clock" };
	struct workload w = { .nops = NOPS, .exec = exec };
	struct runner *r = NULL;
	struct cp_run *run = new_run();

	struct sigaction old;

	is_int(runner_new(&r, &o), 0, "runner");
	runner_catch_sigint(&old);
	calls = 0;
	stop_at = 3 * NOPS + 2;	/* in the 4th iteration */
	is_int(runner_measure(r, &w, run), 0, "an interrupted run still returns what it has");
	is_int(run->partial, 1, "marked partial");
	is_int(run->iterations, 3, "with the 3 iterations it finished");
	stop_at = -1;
	runner_release_sigint(&old);
	cp_run_free(run);
	runner_free(r);
}

static void test_errors(void)
{
	struct runner_opts o = { .pin = "compact", .node = -1, .events = "cylces" };
	struct runner *r = NULL;

	ok(runner_new(&r, &o) < 0 && strstr(cp_strerror(-ENOENT), "unknown event 'cylces'"),
	   "an unknown event fails runner_new");
	o.events = NULL;
	o.pin = "0,512";
	ok(runner_new(&r, &o) < 0, "a cpu that does not exist fails");
	o.pin = "compact";
	o.membind = "9";
	ok(runner_new(&r, &o) < 0 && strstr(cp_strerror(-EINVAL), "NUMA node 9 does not exist"),
	   "a membind node that does not exist fails");
}

int main(void)
{
	test_partition();
	test_time_only();
	test_interrupt();
	test_errors();
	return done_testing();
}
