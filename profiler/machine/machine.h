/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_MACHINE_H
#define CONVPROF_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/pin.h"

/*
 * This machine's measured ceilings: the peak arithmetic rate of FP32 FMA,
 * BF16 and INT8 dot-product instructions and the STREAM copy/triad memory
 * bandwidth, for 1..N pinned cores (compact, one worker per core). The
 * roofline and efficiency reports divide what a layer achieved by these.
 *
 * A measurement is kept in a JSON cache file keyed by the CPU and its core
 * count, so a different machine never reuses another's figures.
 */

enum machine_prec { MACHINE_F32, MACHINE_BF16, MACHINE_INT8, MACHINE_NPREC };
enum machine_stream { MACHINE_COPY, MACHINE_TRIAD, MACHINE_NSTREAM };

/* How one precision's peak is measured, or why it cannot be. */
struct machine_kernel {
	int supported;
	char reason[160];	/* why not, when !supported */
	char isa[24];		/* "avx512f", "avx2+fma", "avx512_bf16", ... */
	char instruction[24];	/* "vfmadd231ps", "vdpbf16ps", "vpdpbusd" */
	int vector_bits;	/* 512 or 256 */
	int chains;		/* independent accumulators in the loop */
	int ops_per_instruction; /* FLOPs (GOPs for INT8) one instruction does */
};

/* How the bandwidth is measured. */
struct machine_stream_method {
	uint64_t array_elems;	/* doubles in each of the three arrays */
	uint64_t array_bytes;	/* bytes of one array */
	uint64_t llc_bytes;	/* all instances of the last-level cache */
	int vector_bits;	/* 512, 256 or 64 (scalar) */
	int huge_pages;		/* madvise(MADV_HUGEPAGE) was accepted */
	int triad_verified;	/* every element of the last triad checked */
};

/* One core count's figures; NAN where not measured or not supported. */
struct machine_point {
	int cores;
	char cpus[256];		/* PUs the workers were bound to, "0-3,8" */
	double peak[MACHINE_NPREC];	/* GFLOP/s (GOP/s for INT8), all cores */
	double bw[MACHINE_NSTREAM];	/* GB/s (1e9 bytes), all cores */
};

#define MACHINE_FORMAT_VERSION 1

struct machine_ceilings {
	int version;			/* MACHINE_FORMAT_VERSION */
	char key[256];			/* CPU identity + core count: the cache key */
	char vendor[32], model[128];
	int family, model_number, stepping;
	int cores, pus;
	char isa[256];			/* ISA extensions, space separated */
	int ncaches;
	struct cache_info caches[16];
	char measured_at[32];		/* UTC, ISO 8601 */
	int quick;			/* measured with the short settings */
	double target_seconds;		/* length of one compute repeat */
	int repeats;			/* best of this many */
	int binding_verified;		/* each worker checked its own binding */
	struct machine_kernel kern[MACHINE_NPREC];
	struct machine_stream_method stream;
	int npoints;
	struct machine_point *points;	/* by increasing core count */
};

/* What to measure. Zeroed means: every core count 1..N, full length. */
struct machine_opts {
	const int *cores;	/* core counts to measure, or NULL for 1..N */
	int ncores;
	int quick;		/* shorter repeats, for tests */
	/* called before each core count is measured (may be NULL) */
	void (*progress)(void *arg, int cores, int index, int count);
	void *progress_arg;
};

/* "f32", "bf16", "int8"; "copy", "triad". */
const char *machine_prec_name(enum machine_prec p);
const char *machine_stream_name(enum machine_stream s);

/*
 * Fill @c with this machine's identity (CPU, cores, ISA, caches) without
 * measuring anything. @topo may be NULL (then it is loaded). Returns 0 or
 * -errno with cp_error().
 */
int machine_identify(struct machine_ceilings *c, hwloc_topology_t topo);

/* The cache key of @c's identity fields: vendor, model, family, model
 * number, stepping, cores, PUs. */
void machine_key(const struct machine_ceilings *c, char *buf, size_t len);

/*
 * Measure this machine. Takes about a second per core count (a fifth of it
 * with @o->quick) and binds the OpenMP workers while it runs, restoring the
 * calling thread's binding after. A core count above the machine's is
 * -EINVAL. Returns 0 or -errno with cp_error(); on success release @c with
 * machine_ceilings_release().
 */
int machine_measure(struct machine_ceilings *c, const struct machine_opts *o);

void machine_ceilings_release(struct machine_ceilings *c);

/*
 * The figure for exactly @cores cores, or NAN when that core count was not
 * measured or the precision is not supported here. machine_peak() is in
 * GFLOP/s (GOP/s for INT8), machine_bandwidth() in GB/s.
 */
double machine_peak(const struct machine_ceilings *c, enum machine_prec p, int cores);
double machine_bandwidth(const struct machine_ceilings *c, enum machine_stream s,
			 int cores);
const struct machine_point *machine_point_find(const struct machine_ceilings *c,
					       int cores);

/*
 * The JSON object `convprof machine --format json` prints and the cache
 * holds (fields in convprof-machine(1)). The caller owns the result:
 * json_decref() it.
 */
json_t *machine_ceilings_to_json(const struct machine_ceilings *c);

/*
 * Parse what machine_ceilings_to_json() wrote. A missing or mistyped field
 * or another format version is -EINVAL with cp_error(). On success release
 * @c with machine_ceilings_release().
 */
int machine_ceilings_from_json(struct machine_ceilings *c, const json_t *j);

/*
 * The cache file: $XDG_CACHE_HOME/convprof/machine.json, or
 * ~/.cache/convprof/machine.json. Free the result.
 */
char *machine_cache_default_path(void);

/*
 * Read @path (NULL: the default). -ENOENT when there is none, -EINVAL when it
 * is not a ceilings file, -ESTALE when it was measured on another machine
 * (key differs), each with cp_error().
 */
int machine_cache_load(struct machine_ceilings *c, const char *path);

/*
 * Write @c to @path (NULL: the default) through a temporary file and a
 * rename, creating the directory: a failure never leaves half a file.
 */
int machine_cache_save(const struct machine_ceilings *c, const char *path);

/*
 * The ceilings for the roofline: from the cache when it holds this machine
 * with every core count 1..N; otherwise, when @measure_if_missing, measure
 * (full length, 1..N, a few seconds) and save the cache, else -ENOENT or
 * the load error. A corrupt or foreign cache is then measured over. On
 * success release @c with machine_ceilings_release().
 */
int machine_ceilings_get(struct machine_ceilings *c, int measure_if_missing,
			 const char *cache_path);

#endif
