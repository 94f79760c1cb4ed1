// SPDX-License-Identifier: MIT
/*
 * The measurement loops of `convprof machine`, each compiled for one
 * instruction set through a target attribute so that the rest of convprof
 * keeps the baseline x86-64 flags. The chains are written out with a macro,
 * not an array, so that every accumulator stays in a register.
 */
#include <immintrin.h>

#include "machine/machine-kernels.h"

#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

/*
 * Compute kernels: @iters iterations of UNROLL x CHAINS instructions. @seed
 * comes from the caller at run time so nothing can be folded; the result is
 * a sum of every accumulator for the caller to sink.
 *
 * acc = acc * x + y with x = 1 - seed, y = seed converges to 1: no overflow
 * and no denormals, whose microcode assists would slow some CPUs down.
 */
#define FMA_ZMM_INIT(i) __m512 a##i = _mm512_set1_ps(1.0f + (i) * 0.01f);
#define FMA_ZMM_STEP(i) a##i = _mm512_fmadd_ps(a##i, x, y);
#define FMA_ZMM_SUM(i) s = _mm512_add_ps(s, a##i);

__attribute__((target("avx512f"), noinline))
double peak_f32_zmm(uint64_t iters, float seed)
{
	const __m512 x = _mm512_set1_ps(1.0f - seed), y = _mm512_set1_ps(seed);
	__m512 s = _mm512_setzero_ps();
	uint64_t i;

	REP12(FMA_ZMM_INIT)
	for (i = 0; i < iters; i++) {
		REP12(FMA_ZMM_STEP)
		REP12(FMA_ZMM_STEP)
	}
	REP12(FMA_ZMM_SUM)
	return _mm512_reduce_add_ps(s);
}

#define FMA_YMM_INIT(i) __m256 a##i = _mm256_set1_ps(1.0f + (i) * 0.01f);
#define FMA_YMM_STEP(i) a##i = _mm256_fmadd_ps(a##i, x, y);
#define FMA_YMM_SUM(i) s = _mm256_add_ps(s, a##i);

__attribute__((target("avx2,fma"), noinline))
double peak_f32_ymm(uint64_t iters, float seed)
{
	const __m256 x = _mm256_set1_ps(1.0f - seed), y = _mm256_set1_ps(seed);
	__m256 s = _mm256_setzero_ps();
	float out[8];
	double sum = 0;
	uint64_t i;
	int j;

	REP12(FMA_YMM_INIT)
	for (i = 0; i < iters; i++) {
		REP12(FMA_YMM_STEP)
		REP12(FMA_YMM_STEP)
	}
	REP12(FMA_YMM_SUM)
	_mm256_storeu_ps(out, s);
	for (j = 0; j < 8; j++)
		sum += out[j];
	return sum;
}

/*
 * vdpbf16ps: each fp32 lane adds two bf16 products. The products (seed^2)
 * are small against the accumulators, which stop growing once their sum
 * falls under half an ulp: bounded, normal numbers throughout.
 */
#define BF16_INIT(i) __m512 a##i = _mm512_set1_ps(1.0f + (i) * 0.01f);
#define BF16_STEP(i) a##i = _mm512_dpbf16_ps(a##i, x, y);
#define BF16_SUM(i) s = _mm512_add_ps(s, a##i);

__attribute__((target("avx512f,avx512bf16"), noinline))
double peak_bf16_zmm(uint64_t iters, float seed)
{
	const __m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(seed), _mm512_set1_ps(seed));
	const __m512bh y = x;
	__m512 s = _mm512_setzero_ps();
	uint64_t i;

	REP12(BF16_INIT)
	for (i = 0; i < iters; i++) {
		REP12(BF16_STEP)
		REP12(BF16_STEP)
	}
	REP12(BF16_SUM)
	return _mm512_reduce_add_ps(s);
}

/* vpdpbusd: four u8 x s8 products per 32-bit lane; integer wrap is harmless. */
#define VNNI_ZMM_INIT(i) __m512i a##i = _mm512_set1_epi32(i);
#define VNNI_ZMM_STEP(i) a##i = _mm512_dpbusd_epi32(a##i, x, y);
#define VNNI_ZMM_SUM(i) s = _mm512_xor_si512(s, a##i);

__attribute__((target("avx512f,avx512vnni"), noinline))
double peak_int8_zmm(uint64_t iters, float seed)
{
	const __m512i x = _mm512_set1_epi8((char)(1 + (int)(seed * 1e6f) % 3));
	const __m512i y = _mm512_set1_epi8(-3);
	__m512i s = _mm512_setzero_si512();
	uint64_t i;

	REP12(VNNI_ZMM_INIT)
	for (i = 0; i < iters; i++) {
		REP12(VNNI_ZMM_STEP)
		REP12(VNNI_ZMM_STEP)
	}
	REP12(VNNI_ZMM_SUM)
	return (double)_mm512_reduce_add_epi32(s);
}

#define VNNI_YMM_INIT(i) __m256i a##i = _mm256_set1_epi32(i);
#define VNNI_YMM_STEP(i) a##i = _mm256_dpbusd_avx_epi32(a##i, x, y);
#define VNNI_YMM_SUM(i) s = _mm256_xor_si256(s, a##i);

__attribute__((target("avx2,avxvnni"), noinline))
double peak_int8_ymm(uint64_t iters, float seed)
{
	const __m256i x = _mm256_set1_epi8((char)(1 + (int)(seed * 1e6f) % 3));
	const __m256i y = _mm256_set1_epi8(-3);
	__m256i s = _mm256_setzero_si256();
	int out[8];
	double sum = 0;
	uint64_t i;
	int j;

	REP12(VNNI_YMM_INIT)
	for (i = 0; i < iters; i++) {
		REP12(VNNI_YMM_STEP)
		REP12(VNNI_YMM_STEP)
	}
	REP12(VNNI_YMM_SUM)
	_mm256_storeu_si256((__m256i *)out, s);
	for (j = 0; j < 8; j++)
		sum += out[j];
	return sum;
}

/*
 * Stream kernels over [0, n) of 64-byte aligned arrays; n is a multiple of
 * 16 except in the last worker's chunk, whose tail goes scalar.
 */
__attribute__((target("avx512f"), noinline))
void stream_copy_zmm(double *restrict a, const double *restrict b, size_t n)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		_mm512_store_pd(a + i, _mm512_load_pd(b + i));
		_mm512_store_pd(a + i + 8, _mm512_load_pd(b + i + 8));
	}
	for (; i < n; i++)
		a[i] = b[i];
}

__attribute__((target("avx512f"), noinline))
void stream_triad_zmm(double *restrict a, const double *restrict b,
		      const double *restrict c, double s, size_t n)
{
	const __m512d vs = _mm512_set1_pd(s);
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		_mm512_store_pd(a + i, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i),
						       _mm512_load_pd(b + i)));
		_mm512_store_pd(a + i + 8, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i + 8),
							   _mm512_load_pd(b + i + 8)));
	}
	for (; i < n; i++)
		a[i] = b[i] + s * c[i];
}

__attribute__((target("avx2,fma"), noinline))
void stream_copy_ymm(double *restrict a, const double *restrict b, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		_mm256_store_pd(a + i, _mm256_load_pd(b + i));
		_mm256_store_pd(a + i + 4, _mm256_load_pd(b + i + 4));
	}
	for (; i < n; i++)
		a[i] = b[i];
}

__attribute__((target("avx2,fma"), noinline))
void stream_triad_ymm(double *restrict a, const double *restrict b,
		      const double *restrict c, double s, size_t n)
{
	const __m256d vs = _mm256_set1_pd(s);
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		_mm256_store_pd(a + i, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i),
						       _mm256_load_pd(b + i)));
		_mm256_store_pd(a + i + 4, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i + 4),
							   _mm256_load_pd(b + i + 4)));
	}
	for (; i < n; i++)
		a[i] = b[i] + s * c[i];
}

__attribute__((noinline))
void stream_copy_scalar(double *restrict a, const double *restrict b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = b[i];
}

__attribute__((noinline))
void stream_triad_scalar(double *restrict a, const double *restrict b,
			 const double *restrict c, double s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = b[i] + s * c[i];
}
