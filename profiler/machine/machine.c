// SPDX-License-Identifier: MIT
/*
 * The driver behind `convprof machine`: it runs the loops of
 * machine-kernels.c on 1..N pinned cores and turns their times into rates.
 *
 * Compute: a loop of independent accumulator chains, each an FMA (or a BF16 /
 * INT8 dot product) that depends only on its own previous value, so the loop
 * runs at the issue rate of the vector unit instead of its latency. Every
 * chain starts from a different value and the accumulators are summed into a
 * sink at the end: the compiler can neither merge the chains nor drop them.
 *
 * Memory: STREAM's copy and triad over three arrays far beyond the last-level
 * cache, first-touched by the pinned workers that later stream them, each
 * figure the best single pass as STREAM reports it.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "machine/machine.h"
#include "machine/machine-kernels.h"
#include "util/util.h"

#define TRIAD_SCALAR 3.0
#define MIN_STREAM_BYTES (256ULL << 20)
#define HUGE_PAGE (2ULL << 20)

const char *machine_prec_name(enum machine_prec p)
{
	static const char *const names[] = { "f32", "bf16", "int8" };

	return (unsigned)p < ARRAY_SIZE(names) ? names[p] : "?";
}

const char *machine_stream_name(enum machine_stream s)
{
	static const char *const names[] = { "copy", "triad" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* Read at run time, so the kernels' constants are not known to the compiler. */
static volatile float kernel_seed = 1e-3f;

struct bench {
	hwloc_topology_t topo;
	struct machine_ceilings *c;
	int numa_nodes;
	double target;			/* seconds of one compute repeat */
	int repeats;
	compute_fn compute[MACHINE_NPREC];
	uint64_t iters[MACHINE_NPREC];	/* per worker and repeat; 0: calibrate */
	copy_fn copy;
	triad_fn triad;
	void *mem;
	double *a, *b, *cc;
	uint64_t n;
	int fresh;			/* arrays not yet first-touched */
	/* shared by the workers of one parallel region */
	const struct pin_plan *plan;
	struct machine_point *point;
	int err;
	char msg[256];
	int stop;
	uint64_t mismatch;		/* first wrong triad element + 1 */
	volatile double sink;
};

static void select_kernels(struct bench *b, struct machine_ceilings *c)
{
	struct machine_kernel *k;

	__builtin_cpu_init();
	k = &c->kern[MACHINE_F32];
	if (__builtin_cpu_supports("avx512f")) {
		b->compute[MACHINE_F32] = peak_f32_zmm;
		*k = (struct machine_kernel){ 1, "", "avx512f", "vfmadd132ps", 512, CHAINS, 32 };
	} else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		b->compute[MACHINE_F32] = peak_f32_ymm;
		*k = (struct machine_kernel){ 1, "", "avx2+fma", "vfmadd132ps", 256, CHAINS, 16 };
	} else {
		snprintf(k->reason, sizeof(k->reason), "this CPU has neither AVX-512 nor AVX2 with FMA");
	}

	k = &c->kern[MACHINE_BF16];
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16")) {
		b->compute[MACHINE_BF16] = peak_bf16_zmm;
		/* 32 bf16 multiply-adds of 2 FLOPs each */
		*k = (struct machine_kernel){ 1, "", "avx512_bf16", "vdpbf16ps", 512, CHAINS, 64 };
	} else {
		snprintf(k->reason, sizeof(k->reason), "this CPU has no avx512_bf16 (vdpbf16ps)");
	}

	k = &c->kern[MACHINE_INT8];
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni")) {
		b->compute[MACHINE_INT8] = peak_int8_zmm;
		/* 16 lanes x 4 u8*s8 multiply-adds x 2 ops */
		*k = (struct machine_kernel){ 1, "", "avx512_vnni", "vpdpbusd", 512, CHAINS, 128 };
	} else if (__builtin_cpu_supports("avxvnni")) {
		b->compute[MACHINE_INT8] = peak_int8_ymm;
		*k = (struct machine_kernel){ 1, "", "avx_vnni", "vpdpbusd", 256, CHAINS, 64 };
	} else {
		snprintf(k->reason, sizeof(k->reason),
			 "this CPU has neither avx512_vnni nor avx_vnni (vpdpbusd)");
	}

	if (__builtin_cpu_supports("avx512f")) {
		b->copy = stream_copy_zmm;
		b->triad = stream_triad_zmm;
		c->stream.vector_bits = 512;
	} else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		b->copy = stream_copy_ymm;
		b->triad = stream_triad_ymm;
		c->stream.vector_bits = 256;
	} else {
		b->copy = stream_copy_scalar;
		b->triad = stream_triad_scalar;
		c->stream.vector_bits = 64;
	}
}

static void isa_add(char *buf, size_t len, const char *name, int present)
{
	size_t n = strlen(buf);

	if (present)
		snprintf(buf + n, len - n, "%s%s", n ? " " : "", name);
}

/* The extensions that decide which kernels run; __builtin_cpu_supports also
 * checks that the OS saves the registers they need. */
static void isa_detect(char *buf, size_t len)
{
	__builtin_cpu_init();
	buf[0] = '\0';
	isa_add(buf, len, "sse4_2", __builtin_cpu_supports("sse4.2"));
	isa_add(buf, len, "avx", __builtin_cpu_supports("avx"));
	isa_add(buf, len, "avx2", __builtin_cpu_supports("avx2"));
	isa_add(buf, len, "fma", __builtin_cpu_supports("fma"));
	isa_add(buf, len, "f16c", __builtin_cpu_supports("f16c"));
	isa_add(buf, len, "avx512f", __builtin_cpu_supports("avx512f"));
	isa_add(buf, len, "avx512dq", __builtin_cpu_supports("avx512dq"));
	isa_add(buf, len, "avx512bw", __builtin_cpu_supports("avx512bw"));
	isa_add(buf, len, "avx512vl", __builtin_cpu_supports("avx512vl"));
	isa_add(buf, len, "avx512_vnni", __builtin_cpu_supports("avx512vnni"));
	isa_add(buf, len, "avx512_bf16", __builtin_cpu_supports("avx512bf16"));
	isa_add(buf, len, "avx512_fp16", __builtin_cpu_supports("avx512fp16"));
	isa_add(buf, len, "avx_vnni", __builtin_cpu_supports("avxvnni"));
	isa_add(buf, len, "amx_tile", __builtin_cpu_supports("amx-tile"));
	isa_add(buf, len, "amx_bf16", __builtin_cpu_supports("amx-bf16"));
	isa_add(buf, len, "amx_int8", __builtin_cpu_supports("amx-int8"));
}

static const char *pkg_info(hwloc_topology_t topo, const char *name)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
	const char *v = pkg ? hwloc_obj_get_info_by_name(pkg, name) : NULL;

	if (!v)
		v = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), name);
	return v;
}

static int pkg_info_int(hwloc_topology_t topo, const char *name)
{
	const char *v = pkg_info(topo, name);

	return v ? atoi(v) : -1;
}

void machine_key(const struct machine_ceilings *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s family %d model %d stepping %d, %d cores, %d PUs",
		 c->vendor, c->model, c->family, c->model_number, c->stepping,
		 c->cores, c->pus);
}

int machine_identify(struct machine_ceilings *c, hwloc_topology_t topo)
{
	hwloc_topology_t own = NULL;
	struct topo_summary s;
	const char *v;
	int err;

	memset(c, 0, sizeof(*c));
	if (!topo) {
		err = topology_load(&own, NULL, NULL);
		if (err)
			return err;
		topo = own;
	}
	topology_summarize(topo, &s);
	c->version = MACHINE_FORMAT_VERSION;
	v = pkg_info(topo, "CPUVendor");
	snprintf(c->vendor, sizeof(c->vendor), "%s", v ? v : "unknown");
	v = pkg_info(topo, "CPUModel");
	snprintf(c->model, sizeof(c->model), "%s", v ? v : "unknown");
	c->family = pkg_info_int(topo, "CPUFamilyNumber");
	c->model_number = pkg_info_int(topo, "CPUModelNumber");
	c->stepping = pkg_info_int(topo, "CPUStepping");
	c->cores = s.cores;
	c->pus = s.pus;
	machine_key(c, c->key, sizeof(c->key));
	isa_detect(c->isa, sizeof(c->isa));
	c->ncaches = s.ncaches;
	memcpy(c->caches, s.caches, sizeof(c->caches));
	if (own)
		hwloc_topology_destroy(own);
	return 0;
}

/* Compact, one worker per core: the first PU of each of the first @k cores. */
static int plan_one_per_core(hwloc_topology_t topo, int k, struct pin_plan *plan)
{
	hwloc_obj_type_t type = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ?
				HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
	char list[4096] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < k && len < sizeof(list) - 16; i++) {
		hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
		int pu;

		if (!obj)
			return cp_error(-EINVAL, "%d cores asked for, this machine has %d",
					k, i);
		pu = hwloc_bitmap_first(obj->cpuset);
		len += snprintf(list + len, sizeof(list) - len, "%s%d", i ? "," : "", pu);
	}
	return pin_plan_make(topo, list, k, -1, plan);
}

/* "0-3,8": the kernel's cpulist form, short for any number of cores */
static void plan_cpulist(const struct pin_plan *plan, char *buf, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int i;

	for (i = 0; i < plan->nthreads; i++)
		hwloc_bitmap_set(set, (unsigned)plan->pus[i]);
	hwloc_bitmap_list_snprintf(buf, len, set);
	hwloc_bitmap_free(set);
}

static int binding_check(hwloc_topology_t topo, int pu)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	char buf[128];
	int err = 0, cpu;

	if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_THREAD) < 0) {
		err = cp_error(-errno, "cannot read back the binding of the worker for cpu %d: %s",
			       pu, strerror(errno));
	} else if (hwloc_bitmap_weight(set) != 1 || !hwloc_bitmap_isset(set, (unsigned)pu)) {
		hwloc_bitmap_list_snprintf(buf, sizeof(buf), set);
		err = cp_error(-EIO, "the worker bound to cpu %d is bound to cpus %s", pu, buf);
	} else if ((cpu = sched_getcpu()) >= 0 && cpu != pu) {
		err = cp_error(-EIO, "the worker bound to cpu %d runs on cpu %d", pu, cpu);
	}
	hwloc_bitmap_free(set);
	return err;
}

/* A worker's failure, kept for the caller's thread (cp_error is per thread). */
static void bench_fail(struct bench *b, int err, const char *msg)
{
#pragma omp critical(machine_bench_fail)
	{
		if (!b->err) {
			b->err = err;
			snprintf(b->msg, sizeof(b->msg), "%s", msg);
		}
	}
}

static void chunk_of(const struct bench *b, int t, int k, uint64_t *lo, uint64_t *hi)
{
	/* chunk edges on 16 doubles (two cache lines): no line is shared */
	*lo = (b->n * (uint64_t)t / (uint64_t)k) & ~(uint64_t)15;
	*hi = t == k - 1 ? b->n : (b->n * (uint64_t)(t + 1) / (uint64_t)k) & ~(uint64_t)15;
}

static double init_b(uint64_t i) { return 1.0 + (double)(i & 63) * 0.5; }
static double init_c(uint64_t i) { return 2.0 + (double)(i & 31) * 0.25; }

static uint64_t calibrate(struct bench *b, compute_fn fn)
{
	uint64_t iters = 256, dt;
	double want = b->target * 1e9;

	for (;;) {
		uint64_t t0 = now_ns();

		b->sink += fn(iters, kernel_seed);
		dt = now_ns() - t0;
		if (dt * 8 >= want || iters >= (1ULL << 40))
			break;
		iters *= 2;
	}
	return MAX((uint64_t)1, (uint64_t)((double)iters * want / (double)MAX(dt, 1)));
}

static void run_compute(struct bench *b, enum machine_prec p, int k, int t)
{
	const struct machine_kernel *kern = &b->c->kern[p];
	double best = INFINITY, ops, v;
	uint64_t t0 = 0;
	int r;

	if (t == 0 && !b->iters[p])
		b->iters[p] = calibrate(b, b->compute[p]);
	for (r = 0; r < b->repeats; r++) {
#pragma omp barrier
		if (t == 0)
			t0 = now_ns();
		v = b->compute[p](b->iters[p], kernel_seed);
#pragma omp barrier
		if (t == 0)
			best = MIN(best, (double)(now_ns() - t0) * 1e-9);
#pragma omp atomic
		b->sink += v;
	}
	if (t == 0) {
		ops = (double)k * (double)b->iters[p] * UNROLL * CHAINS *
		      kern->ops_per_instruction;
		b->point->peak[p] = ops / best * 1e-9;
	}
}

/* Best single pass, as STREAM reports; at least `repeats` passes and the
 * compute repeat's time in all. */
static void run_stream(struct bench *b, enum machine_stream s, int k, int t)
{
	double best = INFINITY, spent = 0, dt, bytes;
	uint64_t lo, hi, t0 = 0;
	int passes = 0;

	chunk_of(b, t, k, &lo, &hi);
	for (;;) {
#pragma omp barrier
		if (t == 0) {
			b->stop = 0;
			t0 = now_ns();
		}
		if (s == MACHINE_COPY)
			b->copy(b->a + lo, b->b + lo, hi - lo);
		else
			b->triad(b->a + lo, b->b + lo, b->cc + lo, TRIAD_SCALAR, hi - lo);
#pragma omp barrier
		if (t == 0) {
			dt = (double)(now_ns() - t0) * 1e-9;
			best = MIN(best, dt);
			spent += dt;
			passes++;
			b->stop = (passes >= b->repeats && spent >= b->target) ||
				  passes >= 1000;
		}
#pragma omp barrier
		if (b->stop)
			break;
	}
	if (t == 0) {
		/* STREAM's count: copy reads 8 and writes 8 bytes an element,
		 * triad reads 16 and writes 8; write-allocate traffic not counted */
		bytes = (double)b->n * (s == MACHINE_COPY ? 16 : 24);
		b->point->bw[s] = bytes / best * 1e-9;
	}
}

static void first_touch(struct bench *b, int k, int t)
{
	uint64_t lo, hi, i;

	chunk_of(b, t, k, &lo, &hi);
	for (i = lo; i < hi; i++) {
		b->a[i] = 0;
		b->b[i] = init_b(i);
		b->cc[i] = init_c(i);
	}
}

/* The last pass was a triad: every element must be exactly b + s*c (the
 * values are small multiples of 1/4, exact with or without FMA). */
static void triad_verify(struct bench *b, int k, int t)
{
	uint64_t lo, hi, i;

	chunk_of(b, t, k, &lo, &hi);
	for (i = lo; i < hi; i++) {
		if (b->a[i] != init_b(i) + TRIAD_SCALAR * init_c(i)) {
#pragma omp critical(machine_triad_verify)
			{
				if (!b->mismatch || i + 1 < b->mismatch)
					b->mismatch = i + 1;
			}
			break;
		}
	}
}

static void bench_region(struct bench *b, int k)
{
	int t = omp_get_thread_num(), e, p;
	int pu = b->plan->pus[t];

	if (omp_get_num_threads() != k) {
		if (t == 0) {
			char msg[128];

			snprintf(msg, sizeof(msg), "OpenMP started %d of the %d workers asked for (OMP_THREAD_LIMIT?)",
				 omp_get_num_threads(), k);
			bench_fail(b, -EAGAIN, msg);
		}
		return;
	}
	e = pin_bind_thread(b->topo, pu);
	if (!e)
		e = binding_check(b->topo, pu);
	if (e)
		bench_fail(b, e, cp_strerror(e));
#pragma omp barrier
	if (b->err)
		return;
	if (b->fresh)
		first_touch(b, k, t);
	for (p = 0; p < MACHINE_NPREC; p++)
		if (b->compute[p])
			run_compute(b, p, k, t);
	run_stream(b, MACHINE_COPY, k, t);
	run_stream(b, MACHINE_TRIAD, k, t);
	triad_verify(b, k, t);
}

/*
 * Three arrays in one block, together at least 8x the last-level cache and
 * 256 MiB. They start 1344 bytes apart modulo 4 KiB so that loads of b and c
 * never alias the store to a in the 4 KiB-indexed store-forwarding check.
 */
static int stream_alloc(struct bench *b, struct machine_ceilings *c,
			const struct topo_summary *s)
{
	uint64_t llc = 0, total, array, bytes;
	int i, level = 0;

	for (i = 0; i < s->ncaches; i++)
		if (s->caches[i].type != 'i' && s->caches[i].level >= level) {
			level = s->caches[i].level;
			llc = s->caches[i].size * (uint64_t)s->caches[i].count;
		}
	total = MAX(8 * llc, MIN_STREAM_BYTES);
	if (s->memory && total > s->memory / 4)
		total = s->memory / 4;
	array = (total / 3 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	bytes = 3 * array + HUGE_PAGE;
	if (posix_memalign(&b->mem, HUGE_PAGE, bytes)) {
		char buf[32];

		b->mem = NULL;
		return cp_error(-ENOMEM, "cannot allocate %s for the bandwidth arrays",
				fmt_bytes(buf, sizeof(buf), bytes));
	}
	/* huge pages: fewer TLB misses and faster first touch where THP is
	 * in madvise mode; the result is reported, not required */
	c->stream.huge_pages = madvise(b->mem, bytes, MADV_HUGEPAGE) == 0;
	b->a = b->mem;
	b->b = (double *)((char *)b->mem + array + 1344);
	b->cc = (double *)((char *)b->mem + 2 * array + 2688);
	b->n = array / sizeof(double);
	b->fresh = 1;
	c->stream.array_elems = b->n;
	c->stream.array_bytes = array;
	c->stream.llc_bytes = llc;
	return 0;
}

static int cmp_int(const void *x, const void *y)
{
	return *(const int *)x - *(const int *)y;
}

/* The core counts to measure, ascending, without repeats. */
static int core_list(const struct machine_opts *o, int cores, int **out)
{
	int *list, n = 0, i;

	if (!o || !o->cores || o->ncores <= 0) {
		list = xcalloc(cores, sizeof(int));
		for (i = 0; i < cores; i++)
			list[n++] = i + 1;
		*out = list;
		return n;
	}
	list = xcalloc(o->ncores, sizeof(int));
	for (i = 0; i < o->ncores; i++) {
		if (o->cores[i] < 1 || o->cores[i] > cores) {
			free(list);
			return cp_error(-EINVAL, "cannot measure %d cores: this machine has %d",
					o->cores[i], cores);
		}
		list[i] = o->cores[i];
	}
	qsort(list, o->ncores, sizeof(int), cmp_int);
	for (i = 0; i < o->ncores; i++)
		if (!n || list[n - 1] != list[i])
			list[n++] = list[i];
	*out = list;
	return n;
}

static void timestamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int machine_measure(struct machine_ceilings *c, const struct machine_opts *o)
{
	struct bench b;
	struct topo_summary s;
	struct pin_plan plan = { .pus = NULL };
	hwloc_topology_t topo = NULL;
	hwloc_bitmap_t orig = NULL;
	int *list = NULL, nlist = 0, i, p, err, have_orig, maxk = 1;

	memset(&b, 0, sizeof(b));
	memset(c, 0, sizeof(*c));
	err = topology_load(&topo, NULL, NULL);
	if (err)
		return err;
	orig = hwloc_bitmap_alloc();
	have_orig = hwloc_get_cpubind(topo, orig, HWLOC_CPUBIND_THREAD) == 0;
	err = machine_identify(c, topo);
	if (err)
		goto out;
	topology_summarize(topo, &s);
	nlist = core_list(o, c->cores, &list);
	if (nlist < 0) {
		err = nlist;
		goto out;
	}
	c->quick = o && o->quick;
	c->target_seconds = c->quick ? 0.03 : 0.10;
	c->repeats = c->quick ? 2 : 5;
	timestamp(c->measured_at, sizeof(c->measured_at));
	b.topo = topo;
	b.c = c;
	b.numa_nodes = s.numa_nodes;
	b.target = c->target_seconds;
	b.repeats = c->repeats;
	select_kernels(&b, c);
	err = stream_alloc(&b, c, &s);
	if (err)
		goto out;
	c->points = xcalloc(nlist, sizeof(*c->points));
	for (i = 0; i < nlist; i++) {
		struct machine_point *pt = &c->points[i];
		int k = list[i];

		pt->cores = k;
		for (p = 0; p < MACHINE_NPREC; p++)
			pt->peak[p] = NAN;
		pt->bw[MACHINE_COPY] = pt->bw[MACHINE_TRIAD] = NAN;
		err = plan_one_per_core(topo, k, &plan);
		if (err)
			goto out;
		plan_cpulist(&plan, pt->cpus, sizeof(pt->cpus));
		if (o && o->progress)
			o->progress(o->progress_arg, k, i, nlist);
		/* with several NUMA nodes the pages must come from the nodes of
		 * the cores that stream them: touch them anew for each count */
		if (b.numa_nodes > 1 && i > 0) {
			free(b.mem);
			b.mem = NULL;
			err = stream_alloc(&b, c, &s);
			if (err)
				goto out;
		}
		b.plan = &plan;
		b.point = pt;
		maxk = MAX(maxk, k);
#pragma omp parallel num_threads(k)
		bench_region(&b, k);
		b.fresh = 0;
		pin_plan_release(&plan);
		if (b.err) {
			err = cp_error(b.err, "%s", b.msg);
			goto out;
		}
		if (b.mismatch) {
			uint64_t at = b.mismatch - 1;

			err = cp_error(-EIO, "the triad check failed: element %llu is %g, not %g",
				       (unsigned long long)at, b.a[at],
				       init_b(at) + TRIAD_SCALAR * init_c(at));
			goto out;
		}
		c->npoints++;
	}
	c->binding_verified = 1;
	c->stream.triad_verified = 1;
out:
	pin_plan_release(&plan);
	/* give the pool (and this thread) back the binding it had before */
	if (have_orig && b.plan) {
#pragma omp parallel num_threads(maxk)
		hwloc_set_cpubind(topo, orig, HWLOC_CPUBIND_THREAD);
	}
	free(b.mem);
	free(list);
	hwloc_bitmap_free(orig);
	hwloc_topology_destroy(topo);
	if (err)
		machine_ceilings_release(c);
	return err;
}

void machine_ceilings_release(struct machine_ceilings *c)
{
	free(c->points);
	c->points = NULL;
	c->npoints = 0;
}
