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

/* One "primitive": @ms0 on worker 0 and @ms1 on worker 1. */
static void primitive(double ms0, double ms1)
{
	itt_id none = { 0, 0, 0 };

	task_begin(domain, none, none, kind);
#pragma omp parallel num_threads(2)
	{
		int t = omp_get_thread_num();

		if (t)
			task_begin(domain, none, none, kind);
		spin_ms(t ? ms1 : ms0);
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
	double least[6] = { 0 };
	int it, i, measured = 0;

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
	 * Another process taking the cpu stretches a task by scheduler ticks
	 * (busy time is wall-clock time): the least of several one-iteration
	 * measurements is the task's own length.
	 */
	for (it = 0; it < 15; it++) {
		busy_measure_begin(b, 2, 0);
		busy_select(b, 0);
		busy_set_layer(b, 0);
		primitive(5, 20);
		busy_set_layer(b, 1);
		primitive(10, 10);
		busy_set_layer(b, 2);
		busy_select(b, BUSY_OFF);
		run = cp_run_new();
		cp_run_set_layers(run, 2);
		cp_run_set_threads(run, 2);
		busy_fill_run(b, run, 1, NULL);
		for (i = 0; run->busy_ms && i < 6; i++)
			least[i] = it ? MIN(least[i], run->busy_ms[i]) : run->busy_ms[i];
		measured += run->busy_ms != NULL;
		cp_run_free(run);
	}
	is_int(measured, 15, "busy time measured in every iteration");
	ok(least[1] >= 19.9 && least[1] < 22, "layer 0, worker 1: its 20 ms: %.3f ms", least[1]);
	ok(least[0] >= 4.9 && least[0] < 7,
	   "layer 0, worker 0: its 5 ms, not its wait for worker 1: %.3f ms", least[0]);
	ok(least[2] >= 9.9 && least[2] < 12 && least[3] >= 9.9 && least[3] < 12,
	   "layer 1: 10 ms each: %.3f, %.3f", least[2], least[3]);
	ok(least[4] == 0 && least[5] == 0, "(other): no task, 0");

	/* the timeline of two kept iterations */
	busy_measure_begin(b, 2, 2);
	for (it = 0; it < 2; it++) {
		busy_select(b, it);
		busy_set_layer(b, 0);
		primitive(5, 20);
		busy_set_layer(b, 1);
		primitive(10, 10);
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
