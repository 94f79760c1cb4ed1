// SPDX-License-Identifier: MIT
/*
 * core/busy.c on tasks shaped as oneDNN 2.6 shapes them, sent to the hook
 * library's __itt_* entry points by hand: one task for the whole primitive
 * on the calling thread (worker 0), one per parallel region on each other
 * worker. Worker 0 does 5 ms and worker 1 20 ms of a layer: busy must say
 * 5 and 20 (not 20 and 20: worker 0's wait at the closing barrier is not
 * work), wait the rest, and the timeline the spans.
 */
#include <dlfcn.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <time.h>

#include "core/busy.h"
#include "core/hooklib.h"
#include "util/util.h"
#include "tap.h"

typedef struct { unsigned long long d1, d2, d3; } itt_id;
typedef void *(*create_fn)(const char *);
typedef void (*begin_fn)(const void *d, itt_id id, itt_id parent, void *name);
typedef void (*end_fn)(const void *d);

static begin_fn task_begin;
static end_fn task_end;
static void *domain, *kind;

static void spin_ms(double ms)
{
	uint64_t end = now_ns() + (uint64_t)(ms * 1e6);

	while (now_ns() < end)
		;
}

/*
 * One "primitive": @ms0 on worker 0 and @ms1 on worker 1. @own gets how
 * long each worker's part really took by the test's own clock: another
 * process taking the cpu stretches a part, and busy time is wall-clock time.
 */
static void primitive(double ms0, double ms1, double own[2])
{
	itt_id none = { 0, 0, 0 };

	task_begin(domain, none, none, kind);
#pragma omp parallel num_threads(2)
	{
		int t = omp_get_thread_num();
		uint64_t t0;

		if (t)
			task_begin(domain, none, none, kind);
		t0 = now_ns();
		spin_ms(t ? ms1 : ms0);
		own[t] = (double)(now_ns() - t0) / 1e6;
		if (t)
			task_end(domain);
	}
	task_end(domain);
}

int main(void)
{
	char path[4096];
	struct busy_probe *b = NULL;
	struct cp_run *run;
	void *h;
	int it, i, measured = 0, agree[4] = { 0 };
	double own[2];

	setenv("CONVPROF_HOOK", "build/libconvprof-hook.so", 0);
	if (!ok(hooklib_path(path, sizeof(path)) == 0, "the hook library is found"))
		return done_testing();
	h = dlopen(path, RTLD_NOW);
	task_begin = h ? (begin_fn)dlsym(h, "__itt_task_begin") : NULL;
	task_end = h ? (end_fn)dlsym(h, "__itt_task_end") : NULL;
	if (!ok(task_begin && task_end, "its __itt_task_begin/end"))
		return done_testing();
	domain = ((create_fn)dlsym(h, "__itt_domain_create"))("dnnl::primitive::execute");
	kind = ((create_fn)dlsym(h, "__itt_string_handle_create"))("convolution");
	omp_set_dynamic(0);
	if (omp_get_num_procs() < 2) {
		skip("one cpu: the two workers would take turns", "busy time of two workers");
		return done_testing();
	}
	is_int(busy_probe_open(&b, 2), 0, "the probe binds: %s", b ? "ok" : cp_strerror(-1));
	if (!b)
		return done_testing();
#pragma omp parallel num_threads(2)
	busy_thread_bind(omp_get_thread_num());
	/*
	 * Each iteration measured alone, against each part's own length. A
	 * part can still be stretched outside the test's stamps (rarely): most
	 * iterations must agree within 0.5 ms. Counting worker 0's wait for
	 * worker 1 would be 15 ms off in every one.
	 */
	for (it = 0; it < 15; it++) {
		double own0[2], own1[2];

		busy_measure_begin(b, 2, 0);
		busy_select(b, 0);
		busy_set_layer(b, 0);
		primitive(5, 20, own0);
		busy_set_layer(b, 1);
		primitive(10, 10, own1);
		busy_set_layer(b, 2);
		busy_select(b, BUSY_OFF);
		run = cp_run_new();
		cp_run_set_layers(run, 2);
		cp_run_set_threads(run, 2);
		busy_fill_run(b, run, 1, NULL);
		if (run->busy_ms) {
			measured++;
			agree[0] += fabs(*cp_run_busy(run, 0, 0) - own0[0]) < 0.5;
			agree[1] += fabs(*cp_run_busy(run, 0, 1) - own0[1]) < 0.5;
			agree[2] += fabs(*cp_run_busy(run, 1, 0) - own1[0]) < 0.5 &&
				    fabs(*cp_run_busy(run, 1, 1) - own1[1]) < 0.5;
			agree[3] += *cp_run_busy(run, 2, 0) == 0 && *cp_run_busy(run, 2, 1) == 0;
			if (fabs(*cp_run_busy(run, 0, 0) - own0[0]) >= 0.5)
				printf("#   iteration %d: worker 0 busy %.3f ms, its part %.3f ms\n", it,
				       *cp_run_busy(run, 0, 0), own0[0]);
		}
		cp_run_free(run);
	}
	is_int(measured, 15, "busy time measured in every iteration");
	ok(agree[1] >= 12, "layer 0, worker 1: its 20 ms part (%d of 15 within 0.5 ms)", agree[1]);
	ok(agree[0] >= 12, "layer 0, worker 0: its 5 ms part, not its wait for worker 1 (%d of 15)",
	   agree[0]);
	ok(agree[2] >= 12, "layer 1: 10 ms each (%d of 15)", agree[2]);
	is_int(agree[3], 15, "(other): no task, 0");

	/* the timeline of two kept iterations */
	busy_measure_begin(b, 2, 2);
	for (it = 0; it < 2; it++) {
		busy_select(b, it);
		busy_set_layer(b, 0);
		primitive(5, 20, own);
		busy_set_layer(b, 1);
		primitive(10, 10, own);
		busy_set_layer(b, 2);
	}
	busy_select(b, BUSY_OFF);
	run = cp_run_new();
	cp_run_set_layers(run, 2);
	cp_run_set_threads(run, 2);
	busy_fill_run(b, run, 2, NULL);
	is_int(run->nslices, 2 * 2 * 2, "timeline: 2 kept iterations x 2 layers x 2 workers");
	for (i = 0; i < run->nslices; i++) {
		const struct cp_slice *s = &run->slices[i];

		if (s->layer == 0 && s->worker == 0 && s->iteration == 0)
			ok(s->dur_us > 18000, "worker 0's slice spans the primitive: %.0f us", s->dur_us);
		if (i && s->worker == run->slices[i - 1].worker)
			ok(s->begin_us >= run->slices[i - 1].begin_us + run->slices[i - 1].dur_us,
			   "slice %d begins after the one before on its track", i);
	}
	cp_run_free(run);
	busy_probe_close(b);
	return done_testing();
}
