// SPDX-License-Identifier: MIT
/*
 * Worker 0's own part of a parallel region, in a command run, as
 * core/busy-gomp.c does it for the built-in runner. oneDNN opens an ITT
 * task per parallel() call on every worker but the calling one, whose only
 * task is the primitive's: it would include the calling thread's wait at
 * the region's closing barrier. libdnnl.so calls libgomp's GOMP_parallel
 * through its PLT, and the preloaded hook comes first: the region's
 * function runs through a trampoline that stamps when the calling thread's
 * part begins and ends; the time outside it (waking the team, waiting for
 * the others) is taken off that thread's task (hook.c). Regions outside a
 * task (PyTorch's own kernels) pass straight through.
 *
 * The real GOMP_parallel: RTLD_NEXT, or libgomp by name where it was loaded
 * RTLD_LOCAL (Python extension modules). The hook does not link libgomp.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "hook/hook-gomp.h"

#define CP_EXPORT __attribute__((visibility("default")))

typedef void (*gomp_parallel_fn)(void (*fn)(void *), void *data, unsigned nthreads,
				 unsigned flags);

struct trampoline {
	void (*fn)(void *);
	void *data;
	pthread_t caller;
	uint64_t leader_begin, leader_end;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void trampoline_run(void *arg)
{
	struct trampoline *t = arg;
	int leader = pthread_equal(pthread_self(), t->caller);

	if (leader)
		t->leader_begin = mono_ns();
	t->fn(t->data);
	if (leader)
		t->leader_end = mono_ns();
}

CP_EXPORT void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags);

static gomp_parallel_fn real_find(void)
{
	static const char *const libs[] = { "libgomp.so.1", "libiomp5.so", "libomp.so.5" };
	gomp_parallel_fn r = (gomp_parallel_fn)dlsym(RTLD_NEXT, "GOMP_parallel");
	size_t i;

	for (i = 0; (!r || r == GOMP_parallel) && i < sizeof(libs) / sizeof(libs[0]); i++) {
		void *h = dlopen(libs[i], RTLD_NOLOAD | RTLD_LAZY);

		/* the handle stays open: the function is used until exit */
		r = h ? (gomp_parallel_fn)dlsym(h, "GOMP_parallel") : NULL;
	}
	return r == GOMP_parallel ? NULL : r;
}

CP_EXPORT void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags)
{
	static gomp_parallel_fn real;
	gomp_parallel_fn r = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	struct trampoline t = { fn, data, pthread_self(), 0, 0 };
	uint64_t call;

	if (!r) {
		r = real_find();
		if (!r) {
			/* no OpenMP runtime behind us: a team of one, which OpenMP allows */
			fn(data);
			return;
		}
		__atomic_store_n(&real, r, __ATOMIC_RELEASE);
	}
	if (!hook_leader_tracking()) {
		r(fn, data, nthreads, flags);
		return;
	}
	call = mono_ns();
	r(trampoline_run, &t, nthreads, flags);
	if (t.leader_end)
		hook_leader_waited(t.leader_begin - call + mono_ns() - t.leader_end);
}
