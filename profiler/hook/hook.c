// SPDX-License-Identifier: MIT
/*
 * The application side of `convprof stat|record -- <command>`: loaded into
 * the command with LD_PRELOAD, it interposes dnnl_primitive_execute (the
 * boundary of every primitive on the calling thread) and, as oneDNN's ITT
 * collector (itt.c), sees each worker's part of the work. Everything goes
 * into the shared record convprof created (include/convprof/hook-record.h).
 *
 * It fails open: without a record, or without libdnnl, the command runs
 * unprofiled and the reason goes into the record when there is one. It
 * prints nothing. The hot path takes no lock, allocates nothing and makes
 * no system call: clock_gettime and sched_getcpu are vDSO calls.
 *
 * The hook does not link libdnnl (it would then be loaded into every
 * program the command starts); it finds the real functions with dlopen
 * RTLD_NOLOAD, which works inside Python, where RTLD_NEXT does not
 * (extension modules' dependencies are loaded RTLD_LOCAL).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "convprof/hook-record.h"
#include "hook/hook-bpf.h"
#include "hook/hook-events.h"
#include "hook/hook-gomp.h"
#include "hook/itt.h"

#define CP_EXPORT __attribute__((visibility("default")))
#define PD_SLOTS 8192		/* oneDNN's implementation descriptors -> id, open addressing */
#define DESC_SLOTS 16384	/* > the record's max_prims */

typedef dnnl_status_t (*execute_fn)(const_dnnl_primitive_t, dnnl_stream_t, int,
				    const dnnl_exec_arg_t *);

static struct {
	execute_fn execute;
	dnnl_status_t (*get_pd)(const_dnnl_primitive_t, const_dnnl_primitive_desc_t *);
	dnnl_status_t (*query)(const_dnnl_primitive_desc_t, dnnl_query_t, int, void *);
	const dnnl_memory_desc_t *(*query_md)(const_dnnl_primitive_desc_t, dnnl_query_t, int);
	dnnl_status_t (*get_attr)(const_dnnl_primitive_desc_t, const_dnnl_primitive_attr_t *);
	dnnl_status_t (*get_post_ops)(const_dnnl_primitive_attr_t, const_dnnl_post_ops_t *);
	int (*post_ops_len)(const_dnnl_post_ops_t);
	dnnl_primitive_kind_t (*post_ops_kind)(const_dnnl_post_ops_t, int);
	dnnl_status_t (*post_ops_eltwise)(const_dnnl_post_ops_t, int, float *, dnnl_alg_kind_t *,
					  float *, float *);
} dnnl;

static struct cp_hook_header *rec;	/* NULL: not recording */
static struct cp_hook_worker *workers;
static struct cp_hook_prim *prims;
static struct cp_hook_exec *execs;
static uint32_t *busy;
static const struct cp_hook_event *events;
static uint64_t *counts;	/* [max_workers][max_execs][nevents] */
static int disabled;		/* a forked child, or a failure */
static volatile int paused;	/* cp_hook_pause(): calls pass straight through */
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static int resolved;		/* 1 ok, -1 failed */

/* The execution the calling thread is in: what the workers' tasks belong to. */
static volatile uint64_t cur_exec = UINT64_MAX;

/*
 * What oneDNN shares between primitives re-created from its primitive
 * cache (PyTorch creates a new one for every execution): the cached
 * implementation's descriptor, whose memory descriptors and attributes are
 * members of it, at the same addresses for as long as it lives. Those
 * addresses, with the kind and the implementation, name it; the shapes and
 * formats its entry recorded tell it from a later one allocated where an
 * evicted one was (dynamic shapes overflow the cache). Without the cache
 * (ONEDNN_PRIMITIVE_CACHE_CAPACITY=0) every execution misses and is
 * described in full.
 */
struct pd_key {
	const void *md[3];	/* src, weights, dst */
	const void *attr;
	const char *impl;	/* a static string of oneDNN's, one per implementation */
	int32_t kind;
	int32_t npost;		/* post-ops */
};

struct pd_slot {
	uint64_t hash;		/* 0: empty */
	int32_t id;		/* id + 1; 0: being filled */
	int32_t reserved;
	struct pd_key key;
};

static struct pd_slot *pds;	/* PD_SLOTS, mapped when recording */

/* description hash -> id + 1, so that re-created primitives share an entry */
static struct {
	uint64_t hash;		/* 0: empty */
	int32_t id;
} descs[DESC_SLOTS];

static __thread int my_slot = -1;	/* worker slot, -2: none left */
static __thread int task_depth;
static __thread int task_on;		/* the outermost task began unpaused */
static __thread uint64_t task_begin_ns, task_exec;
static __thread int task_counted;	/* read the events that cost a system call */
static __thread uint64_t task_waited_ns;	/* outside its part of parallel regions */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hook_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hook_fail(const char *fmt, ...)
{
	va_list ap;

	if (rec) {
		va_start(ap, fmt);
		vsnprintf(rec->error, sizeof(rec->error), fmt, ap);
		va_end(ap);
		__atomic_store_n(&rec->state, CP_HOOK_FAILED, __ATOMIC_RELEASE);
	}
	disabled = 1;
}

static void *sym(void *h, const char *name, int *missing)
{
	void *p = dlsym(h, name);

	if (!p)
		*missing = 1;
	return p;
}

static void resolve(void)
{
	void *h = dlopen("libdnnl.so.2", RTLD_NOLOAD | RTLD_LAZY);
	int missing = 0;

	if (!h) {
		resolved = -1;
		return;
	}
	dnnl.execute = (execute_fn)sym(h, "dnnl_primitive_execute", &missing);
	*(void **)&dnnl.get_pd = sym(h, "dnnl_primitive_get_primitive_desc", &missing);
	*(void **)&dnnl.query = sym(h, "dnnl_primitive_desc_query", &missing);
	*(void **)&dnnl.query_md = sym(h, "dnnl_primitive_desc_query_md", &missing);
	*(void **)&dnnl.get_attr = sym(h, "dnnl_primitive_desc_get_attr", &missing);
	*(void **)&dnnl.get_post_ops = sym(h, "dnnl_primitive_attr_get_post_ops", &missing);
	*(void **)&dnnl.post_ops_len = sym(h, "dnnl_post_ops_len", &missing);
	*(void **)&dnnl.post_ops_kind = sym(h, "dnnl_post_ops_get_kind", &missing);
	*(void **)&dnnl.post_ops_eltwise = sym(h, "dnnl_post_ops_get_params_eltwise", &missing);
	/* the handle stays open: the functions are used until exit */
	resolved = missing || dnnl.execute == dnnl_primitive_execute ? -1 : 1;
}

static void md_copy(struct cp_hook_md *out, const dnnl_memory_desc_t *md)
{
	int i, n;

	memset(out, 0, sizeof(*out));
	if (!md || md->ndims <= 0)
		return;
	n = md->ndims < CP_HOOK_MAX_DIMS ? md->ndims : CP_HOOK_MAX_DIMS;
	out->ndims = n;
	out->data_type = md->data_type;
	out->format_kind = md->format_kind;
	for (i = 0; i < n; i++) {
		out->dims[i] = md->dims[i];
		out->padded_dims[i] = md->padded_dims[i];
	}
	if (md->format_kind != dnnl_blocked)
		return;
	for (i = 0; i < n; i++)
		out->strides[i] = md->format_desc.blocking.strides[i];
	out->inner_nblks = md->format_desc.blocking.inner_nblks < CP_HOOK_MAX_DIMS ?
			   md->format_desc.blocking.inner_nblks : CP_HOOK_MAX_DIMS;
	for (i = 0; i < out->inner_nblks; i++) {
		out->inner_blks[i] = (int32_t)md->format_desc.blocking.inner_blks[i];
		out->inner_idxs[i] = (int32_t)md->format_desc.blocking.inner_idxs[i];
	}
}

static void fill_window(struct cp_hook_prim *p, int spatial, const dnnl_dim_t *kernel,
			const dnnl_dim_t *strides, const dnnl_dim_t *dilates,
			const dnnl_dim_t (*padding)[DNNL_MAX_NDIMS])
{
	int i;

	p->spatial = spatial > 3 ? 3 : spatial < 0 ? 0 : spatial;
	for (i = 0; i < p->spatial; i++) {
		p->kernel[i] = kernel ? (int32_t)kernel[i] : 0;
		p->stride[i] = (int32_t)strides[i];
		p->dilate[i] = dilates ? (int32_t)dilates[i] : 0;
		p->pad_l[i] = (int32_t)padding[0][i];
		p->pad_r[i] = (int32_t)padding[1][i];
	}
}

static uint64_t prod(const int64_t *d, int from, int to)
{
	uint64_t n = 1;
	int i;

	for (i = from; i < to; i++)
		n *= d[i] > 0 ? (uint64_t)d[i] : 0;
	return n;
}

static void fill_conv(struct cp_hook_prim *p, const_dnnl_primitive_desc_t pd, int deconv)
{
	const dnnl_convolution_desc_t *cd = NULL;
	int sp, ic, i;
	uint64_t k;

	if (dnnl.query(pd, deconv ? dnnl_query_deconvolution_d : dnnl_query_convolution_d,
		       0, &cd) != dnnl_success || !cd)
		return;
	p->alg = cd->alg_kind;
	sp = cd->src_desc.ndims - 2;
	p->groups = cd->weights_desc.ndims == cd->src_desc.ndims + 1 ?
		    (int32_t)cd->weights_desc.dims[0] : 1;
	fill_window(p, sp, NULL, cd->strides, cd->dilates, cd->padding);
	/* weights: [g] o i spatial... */
	k = 1;
	for (i = 0; i < p->spatial; i++) {
		p->kernel[i] = (int32_t)cd->weights_desc.dims[cd->weights_desc.ndims - sp + i];
		k *= (uint64_t)p->kernel[i];
	}
	ic = (int)cd->src_desc.dims[1];
	if (deconv)	/* each input point spreads over the kernel */
		p->flops = 2 * prod(p->src.dims, 0, p->src.ndims) *
			   (uint64_t)cd->dst_desc.dims[1] / (uint64_t)p->groups * k;
	else
		p->flops = 2 * prod(p->dst.dims, 0, p->dst.ndims) *
			   (uint64_t)(ic / (p->groups ? p->groups : 1)) * k;
}

static void fill_pool(struct cp_hook_prim *p, const_dnnl_primitive_desc_t pd, int v2)
{
	const dnnl_pooling_desc_t *d = NULL;

	/* pooling_v2's descriptor begins as pooling's does */
	if (dnnl.query(pd, v2 ? dnnl_query_pooling_v2_d : dnnl_query_pooling_d, 0, &d) !=
	    dnnl_success || !d)
		return;
	p->alg = d->alg_kind;
	fill_window(p, d->src_desc.ndims - 2, d->kernel, d->strides, NULL, d->padding);
}

static void fill_post_ops(struct cp_hook_prim *p, const_dnnl_primitive_desc_t pd)
{
	const_dnnl_primitive_attr_t attr = NULL;
	const_dnnl_post_ops_t po = NULL;
	size_t n = 0;
	int i, len;

	if (dnnl.get_attr(pd, &attr) != dnnl_success || !attr ||
	    dnnl.get_post_ops(attr, &po) != dnnl_success || !po)
		return;
	len = dnnl.post_ops_len(po);
	for (i = 0; i < len && n < sizeof(p->post_ops); i++) {
		dnnl_primitive_kind_t k = dnnl.post_ops_kind(po, i);
		const char *name = k == dnnl_sum ? "sum" : k == dnnl_binary ? "binary" :
				   k == dnnl_convolution ? "dw" : "eltwise";
		dnnl_alg_kind_t alg = dnnl_alg_kind_undef;
		float s, a, b;

		if (k == dnnl_eltwise && dnnl.post_ops_eltwise(po, i, &s, &alg, &a, &b) ==
		    dnnl_success)
			name = alg == dnnl_eltwise_relu ? (a == 0 ? "relu" : "leaky") :
			       alg == dnnl_eltwise_logistic ? "sigmoid" :
			       alg == dnnl_eltwise_swish ? "swish" : "eltwise";
		n += (size_t)snprintf(p->post_ops + n, sizeof(p->post_ops) - n, "%s%s",
				      n ? "+" : "", name);
	}
}

/* Once per primitive: what it is. oneDNN's queries only read its descriptor. */
static void prim_describe(struct cp_hook_prim *p, const_dnnl_primitive_desc_t pd,
			  const struct pd_key *key)
{
	dnnl_primitive_kind_t kind = (dnnl_primitive_kind_t)key->kind;

	p->kind = kind;
	if (key->impl)
		snprintf(p->impl, sizeof(p->impl), "%s", key->impl);
	md_copy(&p->src, key->md[0]);
	md_copy(&p->wei, key->md[1]);
	md_copy(&p->dst, key->md[2]);
	p->groups = 1;
	switch (kind) {
	case dnnl_convolution:
		fill_conv(p, pd, 0);
		break;
	case dnnl_deconvolution:
		fill_conv(p, pd, 1);
		break;
	case dnnl_pooling:
	case dnnl_pooling_v2:
		fill_pool(p, pd, kind == dnnl_pooling_v2);
		break;
	case dnnl_inner_product:	/* dst n x oc, src n x ic x spatial */
		p->flops = 2 * prod(p->dst.dims, 0, p->dst.ndims) *
			   prod(p->src.dims, 1, p->src.ndims);
		break;
	case dnnl_matmul:		/* dst ... x m x n, src ... x m x k */
		if (p->src.ndims >= 2)
			p->flops = 2 * prod(p->dst.dims, 0, p->dst.ndims) *
				   (uint64_t)p->src.dims[p->src.ndims - 1];
		break;
	default:
		break;
	}
	fill_post_ops(p, pd);
}

/* Word by word: this runs once per execution where frameworks re-create primitives. */
static uint64_t desc_hash(const struct cp_hook_prim *p)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t h = 0x9e3779b97f4a7c15ull, w;
	size_t i;

	for (i = 0; i + 8 <= sizeof(*p); i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h | 1;	/* 0 marks an empty slot */
}

/*
 * The record's id of a primitive described as @p: an earlier one's when the
 * same description was seen (frameworks re-create primitives, PyTorch its
 * reorders), else a new entry. -1 when the record's table is full.
 */
static int32_t desc_id(const struct cp_hook_prim *p)
{
	uint64_t h = desc_hash(p), k;
	uint32_t s = (uint32_t)(h >> 20) & (DESC_SLOTS - 1), i, n;
	int32_t id;

	for (i = 0; i < DESC_SLOTS; i++, s = (s + 1) & (DESC_SLOTS - 1)) {
		k = __atomic_load_n(&descs[s].hash, __ATOMIC_ACQUIRE);
		if (k == h) {
			id = __atomic_load_n(&descs[s].id, __ATOMIC_ACQUIRE) - 1;
			if (id >= 0 && memcmp(&prims[id], p, sizeof(*p)) == 0)
				return id;
			continue;	/* being filled, or a collision */
		}
		if (!k) {
			uint64_t expect = 0;

			if (__atomic_compare_exchange_n(&descs[s].hash, &expect, h, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				break;
		}
	}
	n = __atomic_fetch_add(&rec->nprims, 1, __ATOMIC_RELAXED);
	if (n >= rec->max_prims)
		return -1;
	memcpy(&prims[n], p, sizeof(*p));
	if (i < DESC_SLOTS)
		__atomic_store_n(&descs[s].id, (int32_t)n + 1, __ATOMIC_RELEASE);
	return (int32_t)n;
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* What names @pd's implementation descriptor: a few queries, no copies. */
static int pd_key_of(const_dnnl_primitive_desc_t pd, struct pd_key *k)
{
	static const dnnl_query_t q[3] = { dnnl_query_src_md, dnnl_query_weights_md,
					   dnnl_query_dst_md };
	dnnl_primitive_kind_t kind = dnnl_undefined_primitive;
	const_dnnl_primitive_attr_t attr = NULL;
	const_dnnl_post_ops_t po = NULL;
	int i;

	memset(k, 0, sizeof(*k));
	if (dnnl.query(pd, dnnl_query_primitive_kind, 0, &kind) != dnnl_success)
		return -1;
	k->kind = kind;
	if (dnnl.query(pd, dnnl_query_impl_info_str, 0, &k->impl) != dnnl_success)
		k->impl = NULL;
	for (i = 0; i < 3; i++)
		k->md[i] = dnnl.query_md(pd, q[i], 0);
	if (dnnl.get_attr(pd, &attr) == dnnl_success && attr) {
		k->attr = attr;
		if (dnnl.get_post_ops(attr, &po) == dnnl_success && po)
			k->npost = dnnl.post_ops_len(po);
	}
	return 0;
}

static uint64_t pd_hash(const struct pd_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	int i;

	for (i = 0; i < 3; i++)
		h = mix(h, (uintptr_t)k->md[i]);
	h = mix(h, (uintptr_t)k->attr);
	h = mix(h, (uintptr_t)k->impl);
	h = mix(h, (uint64_t)(uint32_t)k->kind << 32 | (uint32_t)k->npost);
	return h | 1;	/* 0 marks an empty slot */
}

/* Does @md still say what @have recorded? The fields md_copy() took, no more. */
static int md_same(const struct cp_hook_md *have, const dnnl_memory_desc_t *md)
{
	int i, n;

	if (!md || md->ndims <= 0)
		return have->ndims == 0;
	n = md->ndims < CP_HOOK_MAX_DIMS ? md->ndims : CP_HOOK_MAX_DIMS;
	if (have->ndims != n || have->data_type != (int32_t)md->data_type ||
	    have->format_kind != (int32_t)md->format_kind)
		return 0;
	for (i = 0; i < n; i++)
		if (have->dims[i] != md->dims[i])
			return 0;
	if (md->format_kind != dnnl_blocked)
		return 1;
	for (i = 0; i < n; i++)
		if (have->strides[i] != md->format_desc.blocking.strides[i])
			return 0;
	n = md->format_desc.blocking.inner_nblks < CP_HOOK_MAX_DIMS ?
	    md->format_desc.blocking.inner_nblks : CP_HOOK_MAX_DIMS;
	if (have->inner_nblks != n)
		return 0;
	for (i = 0; i < n; i++)
		if (have->inner_blks[i] != (int32_t)md->format_desc.blocking.inner_blks[i] ||
		    have->inner_idxs[i] != (int32_t)md->format_desc.blocking.inner_idxs[i])
			return 0;
	return 1;
}

static int pd_same(const struct pd_slot *e, int32_t id, const struct pd_key *k)
{
	const struct cp_hook_prim *p = &prims[id];

	return memcmp(&e->key, k, sizeof(*k)) == 0 && md_same(&p->src, k->md[0]) &&
	       md_same(&p->wei, k->md[1]) && md_same(&p->dst, k->md[2]);
}

/*
 * The record's id of the primitive @prim: a hash lookup when its
 * implementation descriptor was seen before, else described in full (and
 * shared with an earlier entry of the same description). -1: the record's
 * table is full, or oneDNN gave no descriptor. Two threads meeting a new
 * one at once may each describe it: both get the same id.
 */
static int32_t prim_id(const_dnnl_primitive_t prim)
{
	const_dnnl_primitive_desc_t pd = NULL;
	struct cp_hook_prim tmp;
	struct pd_slot *e = NULL;
	struct pd_key key;
	uint64_t h, k;
	uint32_t s, i;
	int32_t id;

	if (dnnl.get_pd(prim, &pd) != dnnl_success || !pd || pd_key_of(pd, &key) != 0)
		return -1;
	h = pd_hash(&key);
	for (i = 0, s = (uint32_t)(h >> 24) & (PD_SLOTS - 1); i < PD_SLOTS;
	     i++, s = (s + 1) & (PD_SLOTS - 1)) {
		k = __atomic_load_n(&pds[s].hash, __ATOMIC_ACQUIRE);
		if (k == h) {
			id = __atomic_load_n(&pds[s].id, __ATOMIC_ACQUIRE) - 1;
			if (id >= 0 && pd_same(&pds[s], id, &key))
				return id;
			continue;	/* being filled, or another one */
		}
		if (!k) {
			uint64_t expect = 0;

			if (__atomic_compare_exchange_n(&pds[s].hash, &expect, h, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				e = &pds[s];
			break;
		}
	}
	__atomic_fetch_add(&rec->described, 1, __ATOMIC_RELAXED);
	memset(&tmp, 0, sizeof(tmp));
	prim_describe(&tmp, pd, &key);
	tmp.ready = 1;
	id = desc_id(&tmp);
	if (e && id >= 0) {
		e->key = key;
		__atomic_store_n(&e->id, id + 1, __ATOMIC_RELEASE);
	}
	return id;
}

static int claim_process(void)
{
	int32_t expect = 0, me = (int32_t)getpid();

	if (__atomic_compare_exchange_n(&rec->pid, &expect, me, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE) || expect == me) {
		__atomic_store_n(&rec->state, CP_HOOK_ACTIVE, __ATOMIC_RELEASE);
		return 1;
	}
	__atomic_fetch_add(&rec->other_processes, 1, __ATOMIC_RELAXED);
	disabled = 1;
	return 0;
}

static int ready(void)
{
	static int claimed;

	if (disabled || !rec)
		return 0;
	pthread_once(&resolve_once, resolve);
	if (resolved < 0) {
		hook_fail("cannot find oneDNN's functions in libdnnl.so.2 (dlopen RTLD_NOLOAD)");
		return 0;
	}
	if (!__atomic_load_n(&claimed, __ATOMIC_ACQUIRE)) {
		if (!claim_process())
			return 0;
		__atomic_store_n(&claimed, 1, __ATOMIC_RELEASE);
	}
	return 1;
}

CP_EXPORT dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t prim, dnnl_stream_t stream,
					       int nargs, const dnnl_exec_arg_t *args)
{
	struct cp_hook_exec *e = NULL;
	dnnl_status_t st;
	uint64_t idx;
	int32_t id;

	if (paused || !ready()) {
		pthread_once(&resolve_once, resolve);
		if (resolved < 0)	/* nothing to call: oneDNN's own answer to a bad call */
			return dnnl_runtime_error;
		return dnnl.execute(prim, stream, nargs, args);
	}
	id = prim_id(prim);
	/* no id (the table is full, or no descriptor): the execution is not recorded */
	idx = id >= 0 ? __atomic_fetch_add(&rec->nexecs, 1, __ATOMIC_RELAXED) : UINT64_MAX;
	if (idx < rec->max_execs) {
		e = &execs[idx];
		e->prim = (uint32_t)id;
		e->begin_ns = now_ns();
	}
	/* the workers' tasks from here on belong to this execution (or to none) */
	cur_exec = e ? idx : UINT64_MAX;
	st = dnnl.execute(prim, stream, nargs, args);
	if (e) {
		e->status = st;
		__atomic_store_n(&e->end_ns, now_ns(), __ATOMIC_RELEASE);
	}
	return st;
}

static void worker_claim(void)
{
	struct cp_hook_worker *w;
	cpu_set_t set;
	uint32_t n = __atomic_fetch_add(&rec->nworkers, 1, __ATOMIC_RELAXED);
	size_t len = 0;
	int c, first = -1;

	if (n >= rec->max_workers) {
		my_slot = -2;
		return;
	}
	my_slot = (int)n;
	w = &workers[n];
	w->tid = (int32_t)syscall(SYS_gettid);
	/* once per thread: which CPUs it may run on, the pinning it got */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (c = 0; c <= CPU_SETSIZE && len < sizeof(w->affinity) - 12; c++) {
			int in = c < CPU_SETSIZE && CPU_ISSET(c, &set);

			if (in && first < 0)
				first = c;
			if (!in && first >= 0) {
				len += (size_t)snprintf(w->affinity + len, sizeof(w->affinity) - len,
							c - 1 > first ? "%s%d-%d" : "%s%d",
							len ? "," : "", first, c - 1);
				first = -1;
			}
		}
	if (rec->nevents)
		hook_events_open(events, rec->nevents, w);
	hook_bpf_register(my_slot, w->tid);
}

int hook_leader_tracking(void)
{
	return task_depth > 0 && task_on && my_slot >= 0 && !disabled;
}

/*
 * Pause (@on != 0) and resume recording, between executions: paused, the
 * hook passes every call straight through and records nothing, so that a
 * program (app-bench.py) can time its own work with and without the hook's
 * in one process, where run-to-run noise does not enter. A measurement
 * aid, as ITT's __itt_pause is.
 */
CP_EXPORT void cp_hook_pause(int on)
{
	paused = on != 0;
}

void hook_leader_waited(uint64_t ns)
{
	task_waited_ns += ns;
}

static void task_begin(void *arg, const char *domain, const char *name)
{
	int cpu;

	(void)arg;
	(void)domain;
	(void)name;
	if (task_depth++ || disabled)
		return;
	task_on = !paused;
	if (!task_on)
		return;
	if (my_slot == -1)
		worker_claim();
	if (my_slot < 0) {
		__atomic_fetch_add(&rec->itt_tasks, 1, __ATOMIC_RELAXED);
		return;
	}
	cpu = sched_getcpu();
	if (cpu >= 0 && cpu < 64)
		workers[my_slot].cpus_seen |= 1ull << cpu;
	workers[my_slot].tasks++;
	task_exec = cur_exec;
	task_waited_ns = 0;
	hook_bpf_layer(my_slot, task_exec);
	task_begin_ns = now_ns();
	if (rec->nevents) {
		task_counted = cp_hook_counted(task_exec, rec->count_every, rec->count_block);
		hook_events_begin(task_counted);
	}
}

static void task_end(void *arg, const char *domain)
{
	uint64_t d;

	(void)arg;
	(void)domain;
	if (task_depth <= 0 || --task_depth || disabled || !task_on || my_slot < 0)
		return;
	if (rec->nevents)
		hook_events_end(task_exec < rec->max_execs ?
				&counts[((uint64_t)my_slot * rec->max_execs + task_exec) *
					rec->nevents] : NULL, &workers[my_slot], task_counted);
	d = now_ns() - task_begin_ns;
	hook_bpf_layer(my_slot, UINT64_MAX);
	d -= task_waited_ns < d ? task_waited_ns : d;
	workers[my_slot].busy_ns += d;
	if (task_exec < rec->max_execs) {
		uint32_t *p = &busy[(uint64_t)my_slot * rec->max_execs + task_exec];
		uint64_t v = (uint64_t)*p + d;

		*p = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
}

/*
 * At exit, each worker's CPU time (its task-clock): one read per worker of
 * /proc/self/task/<tid>/schedstat, off the hot path. A command killed by a
 * signal never gets here: unknown then.
 */
__attribute__((destructor)) static void hook_fini(void)
{
	uint32_t w, n;

	if (!rec || disabled || __atomic_load_n(&rec->pid, __ATOMIC_ACQUIRE) != (int32_t)getpid())
		return;
	hook_bpf_exit();
	n = __atomic_load_n(&rec->nworkers, __ATOMIC_ACQUIRE);
	for (w = 0; w < n && w < rec->max_workers; w++) {
		char path[64], buf[96];
		unsigned long long ns;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", workers[w].tid);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%llu", &ns) == 1)
			workers[w].cpu_ns = ns;
		fclose(f);
	}
}

static void after_fork_child(void)
{
	disabled = 1;	/* the parent records; say nothing from here */
}

static int layout_ok(const struct cp_hook_header *h, size_t size)
{
	uint64_t end_w = h->workers_off + (uint64_t)h->max_workers * sizeof(struct cp_hook_worker);
	uint64_t end_p = h->prims_off + (uint64_t)h->max_prims * sizeof(struct cp_hook_prim);
	uint64_t end_e = h->execs_off + (uint64_t)h->max_execs * sizeof(struct cp_hook_exec);
	uint64_t end_b = h->busy_off + (uint64_t)h->max_workers * h->max_execs * 4;
	uint64_t end_v = h->events_off + (uint64_t)h->nevents * sizeof(struct cp_hook_event);
	uint64_t end_c = h->counts_off + (uint64_t)h->max_workers * h->max_execs * h->nevents * 8;

	return h->magic == CP_HOOK_MAGIC && h->version == CP_HOOK_VERSION &&
	       h->header_size == sizeof(*h) && h->total_size == size &&
	       h->worker_size == sizeof(struct cp_hook_worker) &&
	       h->prim_size == sizeof(struct cp_hook_prim) &&
	       h->exec_size == sizeof(struct cp_hook_exec) &&
	       h->event_size == sizeof(struct cp_hook_event) && h->nevents <= CP_HOOK_MAX_EVENTS &&
	       end_w <= size && end_p <= size && end_e <= size && end_b <= size &&
	       end_v <= size && end_c <= size &&
	       h->workers_off % 8 == 0 && h->prims_off % 8 == 0 &&
	       h->execs_off % 8 == 0 && h->busy_off % 8 == 0 &&
	       h->events_off % 8 == 0 && h->counts_off % 8 == 0;
}

__attribute__((constructor)) static void hook_init(void)
{
	const char *env = getenv(CP_HOOK_ENV_FD);
	struct cp_itt_ops ops = { task_begin, task_end, NULL };
	struct stat sb;
	char *end;
	long fd;
	void *m;

	if (!env || !*env)
		return;		/* not started by convprof: stay out of the way */
	fd = strtol(env, &end, 10);
	if (*end || fd < 0 || fd > 65535 || fstat((int)fd, &sb) != 0 ||
	    sb.st_size < (off_t)sizeof(struct cp_hook_header))
		return;
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (m == MAP_FAILED)
		return;
	if (!layout_ok(m, (size_t)sb.st_size)) {
		munmap(m, (size_t)sb.st_size);
		return;
	}
	/* the process's own: pages are touched as implementations are met */
	pds = mmap(NULL, PD_SLOTS * sizeof(*pds), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pds == MAP_FAILED) {
		pds = NULL;
		rec = m;
		hook_fail("cannot map the hook's table: %s", strerror(errno));
		return;
	}
	rec = m;
	workers = (void *)((char *)m + rec->workers_off);
	prims = (void *)((char *)m + rec->prims_off);
	execs = (void *)((char *)m + rec->execs_off);
	busy = (void *)((char *)m + rec->busy_off);
	events = (const void *)((char *)m + rec->events_off);
	counts = (void *)((char *)m + rec->counts_off);
	pthread_atfork(NULL, NULL, after_fork_child);
	{
		int32_t expect = CP_HOOK_UNLOADED;

		__atomic_compare_exchange_n(&rec->state, &expect, CP_HOOK_LOADED, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	hook_bpf_init();
	cp_itt_set_ops(&ops);
}
