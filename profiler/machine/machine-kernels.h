/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_MACHINE_KERNELS_H
#define CONVPROF_MACHINE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The loops `convprof machine` times (profiler/machine-kernels.c). Each is
 * compiled for its instruction set with a target attribute; call one only
 * where __builtin_cpu_supports() says the CPU has it.
 */

#define CHAINS 12	/* independent accumulators */
#define UNROLL 2	/* the chain body twice per iteration: less loop overhead */

/*
 * @iters iterations of UNROLL x CHAINS instructions each; @seed (1e-3) comes
 * from the caller at run time; returns a sum of the accumulators to sink.
 */
typedef double (*compute_fn)(uint64_t iters, float seed);
double peak_f32_zmm(uint64_t iters, float seed);	/* avx512f */
double peak_f32_ymm(uint64_t iters, float seed);	/* avx2, fma */
double peak_bf16_zmm(uint64_t iters, float seed);	/* avx512f, avx512bf16 */
double peak_int8_zmm(uint64_t iters, float seed);	/* avx512f, avx512vnni */
double peak_int8_ymm(uint64_t iters, float seed);	/* avx2, avxvnni */

/*
 * STREAM copy a = b and triad a = b + s*c over [0, n) of 64-byte aligned
 * arrays; a tail that is not a multiple of 16 elements goes scalar.
 */
typedef void (*copy_fn)(double *restrict a, const double *restrict b, size_t n);
typedef void (*triad_fn)(double *restrict a, const double *restrict b,
			 const double *restrict c, double s, size_t n);
void stream_copy_zmm(double *restrict a, const double *restrict b, size_t n);
void stream_triad_zmm(double *restrict a, const double *restrict b,
	       const double *restrict c, double s, size_t n);
void stream_copy_ymm(double *restrict a, const double *restrict b, size_t n);
void stream_triad_ymm(double *restrict a, const double *restrict b,
	       const double *restrict c, double s, size_t n);
void stream_copy_scalar(double *restrict a, const double *restrict b, size_t n);
void stream_triad_scalar(double *restrict a, const double *restrict b,
		  const double *restrict c, double s, size_t n);

#endif
