// SPDX-License-Identifier: MIT
/*
 * Worker 0's own part of a parallel region. oneDNN opens an ITT task per
 * parallel() call on every worker but the calling one, which has only the
 * primitive's task: that one includes the calling thread's wait at the
 * region's closing barrier. libdnnl.so calls libgomp's GOMP_parallel
 * through its PLT, so convprof's definition here comes first: it runs the
 * region's function through a trampoline that stamps when the calling
 * thread's part begins and ends, and tells busy.c how long it spent
 * outside it: starting the team, and waiting for the others at the end.
 * Regions of other threads, and all regions while no measurement runs,
 * pass straight through.
 */
#include <dlfcn.h>
#include <omp.h>

#include "core/busy.h"
#include "util/util.h"

typedef void (*gomp_parallel_fn)(void (*fn)(void *), void *data, unsigned nthreads,
				 unsigned flags);

struct trampoline {
	void (*fn)(void *);
	void *data;
	uint64_t leader_begin, leader_end;
};

static void trampoline_run(void *arg)
{
	struct trampoline *t = arg;
	int leader = omp_get_thread_num() == 0;

	if (leader)
		t->leader_begin = now_ns();
	t->fn(t->data);
	if (leader)
		t->leader_end = now_ns();
}

void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags);

void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags)
{
	static gomp_parallel_fn real;
	gomp_parallel_fn r = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	struct trampoline t = { fn, data, 0, 0 };
	uint64_t call;

	if (!r) {
		r = (gomp_parallel_fn)dlsym(RTLD_NEXT, "GOMP_parallel");
		if (!r) {
			/* no libgomp behind us: the region runs on this thread alone */
			fn(data);
			return;
		}
		__atomic_store_n(&real, r, __ATOMIC_RELEASE);
	}
	if (!busy_leader_tracking()) {
		r(fn, data, nthreads, flags);
		return;
	}
	/* the fork (waking the team) and the join are not worker 0's work */
	call = now_ns();
	r(trampoline_run, &t, nthreads, flags);
	if (t.leader_end)
		busy_leader_waited(t.leader_begin - call + now_ns() - t.leader_end);
}
