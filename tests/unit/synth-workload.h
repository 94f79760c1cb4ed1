/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_SYNTH_WORKLOAD_H
#define CONVPROF_SYNTH_WORKLOAD_H

/*
 * A synthetic "network" for the eBPF tests: SYNTH_LAYERS OpenMP parallel
 * loops of deliberately unequal lengths on 2 pinned workers, run the way
 * the runner runs a net (ebpf_set_layer before each layer, (other) after
 * the last). Some layers first-touch buffers registered as tensors, so the
 * cold iteration faults on them and the steady ones do not.
 */
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ebpf/ebpf.h"
#include "util/util.h"

#define SYNTH_LAYERS 6
#define SYNTH_THREADS 2
#define SYNTH_PAGE 4096UL
#define SYNTH_HUGE (2UL << 20)

/* relative lengths; ranks 3 5 1 4 6 2 */
static const int synth_units[SYNTH_LAYERS] = { 4, 16, 1, 8, 32, 2 };

struct synth_tensor {
	int layer;
	enum tensor_kind kind;
	size_t bytes;
	int huge;		/* MADV_HUGEPAGE instead of MADV_NOHUGEPAGE */
	char *mem;		/* the registered range */
	void *map;		/* what to munmap */
	size_t map_len;
};

struct synth {
	int cpus[SYNTH_THREADS];
	pid_t tids[SYNTH_THREADS];
	int pinned;
	long unit;		/* spin steps of one unit (~2 ms) */
	double layer_ns[SYNTH_LAYERS];
	double work_cpu_ns;	/* the workers' CPU time inside synth_spin */
	struct synth_tensor t[4];
	int ntensors;
};

static volatile double synth_sink[SYNTH_THREADS * 8];

/* the work; not inlined so that sampled stacks end in it */
__attribute__((noinline)) double synth_spin(long n)
{
	double x = 1.0;
	long i;

	for (i = 0; i < n; i++)
		x = x * 1.0000001 + 1e-9;
	return x;
}

static void synth_pick_cpus(struct synth *w)
{
	cpu_set_t set;
	int c, n = 0;

	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	for (c = 0; c < CPU_SETSIZE && n < SYNTH_THREADS; c++)
		if (CPU_ISSET(c, &set))
			w->cpus[n++] = c;
	for (; n < SYNTH_THREADS; n++)
		w->cpus[n] = w->cpus[0];
}

static int synth_add_tensor(struct synth *w, int layer, enum tensor_kind kind,
			    size_t bytes, int huge)
{
	struct synth_tensor *t = &w->t[w->ntensors];
	size_t len = bytes + (huge ? SYNTH_HUGE : 0);
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	t->map = p;
	t->map_len = len;
	if (huge)
		p = (char *)(((uintptr_t)p + SYNTH_HUGE - 1) & ~(SYNTH_HUGE - 1));
	madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	t->layer = layer;
	t->kind = kind;
	t->bytes = bytes;
	t->huge = huge;
	t->mem = p;
	w->ntensors++;
	return 0;
}

/* Pin the OpenMP workers and learn their thread ids; calibrate a unit. */
static int synth_init(struct synth *w)
{
	uint64_t t0;
	int ok = 1;

	memset(w, 0, sizeof(*w));
	synth_pick_cpus(w);
#pragma omp parallel num_threads(SYNTH_THREADS) reduction(&& : ok)
	{
		int i = omp_get_thread_num();
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpus[i], &set);
		ok = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
		w->tids[i] = gettid();
	}
	w->pinned = ok && omp_get_max_threads() >= 1;
	t0 = now_ns();
	synth_sink[0] += synth_spin(2000000);
	w->unit = (long)(2000000.0 * 2e6 / (double)(now_ns() - t0 + 1));
	if (w->unit < 1000)
		w->unit = 1000;
	if (synth_add_tensor(w, 1, TENSOR_WEIGHTS, 1UL << 20, 0) ||
	    synth_add_tensor(w, 3, TENSOR_DST, 512UL << 10, 0) ||
	    synth_add_tensor(w, 5, TENSOR_SCRATCHPAD, 256UL << 10, 0) ||
	    synth_add_tensor(w, 4, TENSOR_SRC, 4UL << 20, 1))
		return -1;
	return 0;
}

static void synth_register(struct synth *w, struct ebpf_session *s)
{
	int i;

	for (i = 0; i < w->ntensors; i++)
		ebpf_add_tensor(s, w->t[i].layer, w->t[i].kind, w->t[i].mem, w->t[i].bytes);
}

static void synth_layer(struct synth *w, int k)
{
#pragma omp parallel num_threads(SYNTH_THREADS)
	{
		int me = omp_get_thread_num(), i;

		/* each worker writes its half of the layer's tensors, a byte a page */
		for (i = 0; i < w->ntensors; i++) {
			struct synth_tensor *t = &w->t[i];
			size_t half = t->bytes / SYNTH_THREADS, off;

			if (t->layer != k)
				continue;
			for (off = half * (size_t)me; off < half * (size_t)(me + 1); off += SYNTH_PAGE)
				t->mem[off] = (char)(k + 1);
		}
		{
			struct timespec a, b;

			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
			synth_sink[me * 8] += synth_spin(w->unit * synth_units[k]);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
#pragma omp atomic
			w->work_cpu_ns += (double)(b.tv_sec - a.tv_sec) * 1e9 +
					  (double)(b.tv_nsec - a.tv_nsec);
		}
	}
}

/* One inference: every layer, then a little of what no layer owns. */
static void synth_iteration(struct synth *w, struct ebpf_session *s)
{
	int k;

	for (k = 0; k < SYNTH_LAYERS; k++) {
		uint64_t t0;

		ebpf_set_layer(s, k);
		t0 = now_ns();
		synth_layer(w, k);
		w->layer_ns[k] += (double)(now_ns() - t0);
	}
	ebpf_set_layer(s, SYNTH_LAYERS);
	synth_sink[0] += synth_spin(w->unit / 4);
}

static void synth_release(struct synth *w)
{
	int i;

	for (i = 0; i < w->ntensors; i++)
		munmap(w->t[i].map, w->t[i].map_len);
	w->ntensors = 0;
}

#endif
