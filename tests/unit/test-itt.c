// SPDX-License-Identifier: MIT
/*
 * libconvprof-hook.so as oneDNN's ITT collector inside this process: the
 * ittnotify loader binds it, and every primitive's work arrives as tasks on
 * the threads that did it.
 */
#include <dlfcn.h>
#include <omp.h>
#include <stdlib.h>

#include <dnnl.h>

#include "core/hooklib.h"
#include "hook/itt.h"
#include "util/util.h"
#include "tap.h"

#define MAXT 64

static int begins[MAXT], ends[MAXT], convs;

static void on_begin(void *arg, const char *domain, const char *name)
{
	int t = omp_get_thread_num();

	(void)arg;
	if (t < MAXT)
		__atomic_fetch_add(&begins[t], 1, __ATOMIC_RELAXED);
	if (name && strcmp(name, "convolution") == 0)
		__atomic_fetch_add(&convs, 1, __ATOMIC_RELAXED);
	(void)domain;
}

static void on_end(void *arg, const char *domain)
{
	int t = omp_get_thread_num();

	(void)arg;
	(void)domain;
	if (t < MAXT)
		__atomic_fetch_add(&ends[t], 1, __ATOMIC_RELAXED);
}

/* A 3x3 conv, 32 -> 32 channels at 28x28, run @n times. */
static int run_conv(int n)
{
	dnnl_engine_t eng = NULL;
	dnnl_stream_t st = NULL;
	dnnl_memory_desc_t src, wei, dst;
	dnnl_convolution_desc_t cd;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_t p = NULL;
	dnnl_memory_t ms = NULL, mw = NULL, md = NULL;
	dnnl_dims_t sd = { 1, 32, 28, 28 }, wd = { 32, 32, 3, 3 }, dd = { 1, 32, 28, 28 };
	dnnl_dims_t strides = { 1, 1 }, pad = { 1, 1 };
	int i, err = -1;

	if (dnnl_engine_create(&eng, dnnl_cpu, 0) || dnnl_stream_create(&st, eng, dnnl_stream_default_flags))
		goto out;
	dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_nchw);
	dnnl_memory_desc_init_by_tag(&wei, 4, wd, dnnl_f32, dnnl_oihw);
	dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_nchw);
	if (dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
					       &src, &wei, NULL, &dst, strides, pad, pad))
		goto out;
	if (dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL) || dnnl_primitive_create(&p, pd))
		goto out;
	if (dnnl_memory_create(&ms, &src, eng, DNNL_MEMORY_ALLOCATE) ||
	    dnnl_memory_create(&mw, &wei, eng, DNNL_MEMORY_ALLOCATE) ||
	    dnnl_memory_create(&md, &dst, eng, DNNL_MEMORY_ALLOCATE))
		goto out;
	for (i = 0; i < n; i++) {
		dnnl_exec_arg_t args[] = { { DNNL_ARG_SRC, ms }, { DNNL_ARG_WEIGHTS, mw },
					   { DNNL_ARG_DST, md } };

		if (dnnl_primitive_execute(p, st, 3, args) || dnnl_stream_wait(st))
			goto out;
	}
	err = 0;
out:
	dnnl_memory_destroy(ms);
	dnnl_memory_destroy(mw);
	dnnl_memory_destroy(md);
	dnnl_primitive_destroy(p);
	dnnl_primitive_desc_destroy(pd);
	dnnl_stream_destroy(st);
	dnnl_engine_destroy(eng);
	return err;
}

int main(void)
{
	char path[4096];
	struct cp_itt_ops ops = { .task_begin = on_begin, .task_end = on_end };
	cp_itt_set_ops_fn set_ops;
	cp_itt_task_count_fn count;
	void *h;
	int t, nthr = 2, total_b = 0, total_e = 0, busy_threads = 0;

	/* a test binary is not convprof: point at the build tree's library */
	setenv("CONVPROF_HOOK", "build/libconvprof-hook.so", 0);
	if (!ok(hooklib_path(path, sizeof(path)) == 0, "the hook library is found: %s",
		hooklib_path(path, sizeof(path)) ? cp_strerror(-1) : path))
		return done_testing();
	/* before oneDNN's first ITT call, which reads them once */
	setenv("INTEL_LIBITTNOTIFY64", path, 1);
	setenv("INTEL_ITTNOTIFY_GROUPS", "all", 1);
	omp_set_num_threads(nthr);
	h = dlopen(path, RTLD_NOW);
	if (!ok(h != NULL, "dlopen: %s", h ? path : dlerror()))
		return done_testing();
	set_ops = (cp_itt_set_ops_fn)dlsym(h, "cp_itt_set_ops");
	count = (cp_itt_task_count_fn)dlsym(h, "cp_itt_task_count");
	ok(set_ops && count, "cp_itt_set_ops and cp_itt_task_count are exported");
	ok(dlsym(h, "__itt_api_version") != NULL, "__itt_api_version is exported (else: a legacy collector)");
	ok(dlsym(h, "hooklib_path") == NULL, "nothing else leaks out (hidden visibility)");
	if (!set_ops || !count)
		return done_testing();
	set_ops(&ops);
	is_int(run_conv(20), 0, "20 convolutions run");
	set_ops(NULL);
	for (t = 0; t < MAXT; t++) {
		total_b += begins[t];
		total_e += ends[t];
		busy_threads += begins[t] > 0;
	}
	ok(count() > 0, "oneDNN bound the collector: %lu tasks", count());
	ok(convs >= 20, "at least one convolution task per execution: %d", convs);
	is_int(total_b, total_e, "every task that began ended");
	ok(busy_threads == nthr || omp_get_max_threads() < 2,
	   "tasks arrive on every worker: %d of %d threads", busy_threads, nthr);
	dlclose(h);
	return done_testing();
}
