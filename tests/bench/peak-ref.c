// SPDX-License-Identifier: MIT
/*
 * peak-ref: a plain, hand-written reference for `convprof machine`, to check
 * that the profiler finds at least what a straightforward loop finds. It
 * shares no code with convprof. Not built or run by `make check`; see
 * tests/bench/compare.sh, which builds it and interleaves the two.
 *
 *   gcc -O3 -march=native -fopenmp -o build/peak-ref tests/bench/peak-ref.c
 *   build/peak-ref [cores,...]            (default: 1..all online cpus)
 *
 * Prints one line per core count:
 *   ref cores=K f32=GFLOP/s bf16=GFLOP/s int8=GOP/s copy=GB/s triad=GB/s
 * Compute: 12 independent AVX-512 accumulator chains per thread, 0.2 s, best
 * of 5. Memory: STREAM copy/triad, plain C loops under `omp parallel for`,
 * 3 x 160 MB arrays first touched in parallel, best of 20 passes.
 * Thread i is pinned to cpu i with sched_setaffinity.
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N (20 * 1000 * 1000)
#define REPS 5
#define SECONDS 0.2

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static volatile float seed = 1e-3f;
static volatile double sink;

/* 24 FMAs an iteration on 12 accumulators */
static float f32_loop(long n)
{
	__m512 x = _mm512_set1_ps(1.0f - seed), y = _mm512_set1_ps(seed);
	__m512 a0 = _mm512_set1_ps(1.00f), a1 = _mm512_set1_ps(1.01f), a2 = _mm512_set1_ps(1.02f);
	__m512 a3 = _mm512_set1_ps(1.03f), a4 = _mm512_set1_ps(1.04f), a5 = _mm512_set1_ps(1.05f);
	__m512 a6 = _mm512_set1_ps(1.06f), a7 = _mm512_set1_ps(1.07f), a8 = _mm512_set1_ps(1.08f);
	__m512 a9 = _mm512_set1_ps(1.09f), a10 = _mm512_set1_ps(1.10f), a11 = _mm512_set1_ps(1.11f);

	for (long i = 0; i < n; i++) {
		for (int u = 0; u < 2; u++) {
			a0 = _mm512_fmadd_ps(a0, x, y); a1 = _mm512_fmadd_ps(a1, x, y);
			a2 = _mm512_fmadd_ps(a2, x, y); a3 = _mm512_fmadd_ps(a3, x, y);
			a4 = _mm512_fmadd_ps(a4, x, y); a5 = _mm512_fmadd_ps(a5, x, y);
			a6 = _mm512_fmadd_ps(a6, x, y); a7 = _mm512_fmadd_ps(a7, x, y);
			a8 = _mm512_fmadd_ps(a8, x, y); a9 = _mm512_fmadd_ps(a9, x, y);
			a10 = _mm512_fmadd_ps(a10, x, y); a11 = _mm512_fmadd_ps(a11, x, y);
		}
	}
	a0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
			   _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
	a0 = _mm512_add_ps(a0, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
	return _mm512_reduce_add_ps(a0);
}

static float bf16_loop(long n)
{
	__m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(seed), _mm512_set1_ps(seed));
	__m512 a[12];

	for (int j = 0; j < 12; j++)
		a[j] = _mm512_set1_ps(1.0f + j * 0.01f);
	for (long i = 0; i < n; i++) {
		for (int u = 0; u < 2; u++) {
			a[0] = _mm512_dpbf16_ps(a[0], x, x); a[1] = _mm512_dpbf16_ps(a[1], x, x);
			a[2] = _mm512_dpbf16_ps(a[2], x, x); a[3] = _mm512_dpbf16_ps(a[3], x, x);
			a[4] = _mm512_dpbf16_ps(a[4], x, x); a[5] = _mm512_dpbf16_ps(a[5], x, x);
			a[6] = _mm512_dpbf16_ps(a[6], x, x); a[7] = _mm512_dpbf16_ps(a[7], x, x);
			a[8] = _mm512_dpbf16_ps(a[8], x, x); a[9] = _mm512_dpbf16_ps(a[9], x, x);
			a[10] = _mm512_dpbf16_ps(a[10], x, x); a[11] = _mm512_dpbf16_ps(a[11], x, x);
		}
	}
	for (int j = 1; j < 12; j++)
		a[0] = _mm512_add_ps(a[0], a[j]);
	return _mm512_reduce_add_ps(a[0]);
}

static float int8_loop(long n)
{
	__m512i x = _mm512_set1_epi8(2 + (int)(seed * 1000) % 2), y = _mm512_set1_epi8(-3);
	__m512i a[12];

	for (int j = 0; j < 12; j++)
		a[j] = _mm512_set1_epi32(j);
	for (long i = 0; i < n; i++) {
		for (int u = 0; u < 2; u++) {
			a[0] = _mm512_dpbusd_epi32(a[0], x, y); a[1] = _mm512_dpbusd_epi32(a[1], x, y);
			a[2] = _mm512_dpbusd_epi32(a[2], x, y); a[3] = _mm512_dpbusd_epi32(a[3], x, y);
			a[4] = _mm512_dpbusd_epi32(a[4], x, y); a[5] = _mm512_dpbusd_epi32(a[5], x, y);
			a[6] = _mm512_dpbusd_epi32(a[6], x, y); a[7] = _mm512_dpbusd_epi32(a[7], x, y);
			a[8] = _mm512_dpbusd_epi32(a[8], x, y); a[9] = _mm512_dpbusd_epi32(a[9], x, y);
			a[10] = _mm512_dpbusd_epi32(a[10], x, y); a[11] = _mm512_dpbusd_epi32(a[11], x, y);
		}
	}
	for (int j = 1; j < 12; j++)
		a[0] = _mm512_xor_si512(a[0], a[j]);
	return (float)_mm512_reduce_add_epi32(a[0]);
}

/* ops per loop iteration: 24 instructions x ops each */
static double peak(int k, float (*loop)(long), double ops_per_instr)
{
	long n = 1000;
	double t, best = 1e30;

	/* calibrate on this thread for SECONDS */
	for (;;) {
		t = now();
		sink += loop(n);
		t = now() - t;
		if (t > SECONDS / 8)
			break;
		n *= 2;
	}
	n = (long)(n * SECONDS / t);
	for (int r = 0; r < REPS; r++) {
		double t0 = 0;
#pragma omp parallel num_threads(k)
		{
			pin_self(omp_get_thread_num());
#pragma omp barrier
#pragma omp master
			t0 = now();
			float v = loop(n);
#pragma omp barrier
#pragma omp master
			{
				t = now() - t0;
				if (t < best)
					best = t;
			}
#pragma omp atomic
			sink += v;
		}
	}
	return k * (double)n * 24 * ops_per_instr / best * 1e-9;
}

static double *a, *b, *c;

static void stream(int k, double *copy, double *triad)
{
	double tc = 1e30, tt = 1e30, s = 3.0;

	omp_set_num_threads(k);
#pragma omp parallel
	pin_self(omp_get_thread_num());
#pragma omp parallel for schedule(static)
	for (long j = 0; j < N; j++) {
		a[j] = 0;
		b[j] = 1.0 + (j & 63) * 0.5;
		c[j] = 2.0 + (j & 31) * 0.25;
	}
	for (int r = 0; r < 20; r++) {
		double t = now();
#pragma omp parallel for schedule(static)
		for (long j = 0; j < N; j++)
			a[j] = b[j];
		t = now() - t;
		if (t < tc)
			tc = t;
	}
	for (int r = 0; r < 20; r++) {
		double t = now();
#pragma omp parallel for schedule(static)
		for (long j = 0; j < N; j++)
			a[j] = b[j] + s * c[j];
		t = now() - t;
		if (t < tt)
			tt = t;
	}
	for (long j = 0; j < N; j++)
		if (a[j] != b[j] + s * c[j]) {
			fprintf(stderr, "triad wrong at %ld\n", j);
			exit(1);
		}
	*copy = 16.0 * N / tc * 1e-9;
	*triad = 24.0 * N / tt * 1e-9;
}

int main(int argc, char **argv)
{
	int list[256], n = 0, cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	char *s = argc > 1 ? strdup(argv[1]) : NULL, *tok;

	if (s) {
		for (tok = strtok(s, ","); tok && n < 256; tok = strtok(NULL, ","))
			list[n++] = atoi(tok);
	} else {
		for (n = 0; n < cpus && n < 256; n++)
			list[n] = n + 1;
	}
	/* separate allocations, as a hand-written STREAM would make them */
	a = malloc(N * sizeof(double));
	b = malloc(N * sizeof(double));
	c = malloc(N * sizeof(double));
	if (!a || !b || !c)
		return 1;
	for (int i = 0; i < n; i++) {
		int k = list[i];
		double f = peak(k, f32_loop, 32), h = peak(k, bf16_loop, 64);
		double q = peak(k, int8_loop, 128), cp, tr;

		stream(k, &cp, &tr);
		printf("ref cores=%d f32=%.1f bf16=%.1f int8=%.1f copy=%.1f triad=%.1f\n",
		       k, f, h, q, cp, tr);
		fflush(stdout);
	}
	free(s);
	free(a);
	free(b);
	free(c);
	return 0;
}
