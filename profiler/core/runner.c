// SPDX-License-Identifier: MIT
/*
 * The measured run: pinned OpenMP workers, per-op timestamps, per-worker
 * counter reads at op boundaries, medians and per-iteration means.
 *
 * Why a parallel region per boundary: a worker can read its own counters
 * with rdpmc, nobody else's. Between two ops the pool's threads spin in
 * libgomp, so a short region that only reads costs about a microsecond;
 * with no events (time only) there is no region and no system call at all.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/busy.h"
#include "core/counters.h"
#include "ebpf/ebpf.h"
#include "core/runner.h"
#include "core/runner-int.h"
#include "util/util.h"

volatile int runner_interrupted;

static __thread struct worker *self;


static pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static int open_migrations(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_MIGRATIONS;
	return sys_perf_event_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static uint64_t read_u64(int fd)
{
	uint64_t v = 0;

	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int setup_membind(struct runner *r)
{
	const char *m = r->o.membind;
	hwloc_obj_t node = NULL;
	long id;

	if (!m)
		return 0;
	r->membind_set = hwloc_bitmap_alloc();
	if (strcmp(m, "interleave") == 0) {
		hwloc_bitmap_copy(r->membind_set, hwloc_topology_get_topology_nodeset(r->topo));
		r->membind_policy = HWLOC_MEMBIND_INTERLEAVE;
		return 0;
	}
	r->membind_policy = HWLOC_MEMBIND_BIND;
	if (strcmp(m, "local") == 0) {
		hwloc_cpuset_t cpus = hwloc_bitmap_alloc();
		int i;

		if (r->plan.pus) {
			for (i = 0; i < r->plan.nthreads; i++)
				hwloc_bitmap_set(cpus, (unsigned)r->plan.pus[i]);
		} else {
			hwloc_bitmap_copy(cpus, hwloc_topology_get_topology_cpuset(r->topo));
		}
		hwloc_cpuset_to_nodeset(r->topo, cpus, r->membind_set);
		hwloc_bitmap_free(cpus);
		return 0;
	}
	if (parse_long(m, 0, 65535, &id))
		return cp_error(-EINVAL, "unknown --membind '%s' (expected a NUMA node number, local or interleave)", m);
	while ((node = hwloc_get_next_obj_by_type(r->topo, HWLOC_OBJ_NUMANODE, node)))
		if ((long)node->os_index == id)
			break;
	if (!node)
		return cp_error(-EINVAL, "--membind %ld: NUMA node %ld does not exist (this machine has %d)",
				id, id, hwloc_get_nbobjs_by_type(r->topo, HWLOC_OBJ_NUMANODE));
	hwloc_bitmap_only(r->membind_set, (unsigned)id);
	return 0;
}

static void *membind_alloc(size_t bytes, void *ctx)
{
	struct runner *r = ctx;

	return hwloc_alloc_membind(r->topo, bytes, r->membind_set, r->membind_policy,
				   HWLOC_MEMBIND_BYNODESET);
}

static void membind_free(void *p, size_t bytes, void *ctx)
{
	struct runner *r = ctx;

	hwloc_free(r->topo, p, bytes);
}

void runner_allocator(struct runner *r, struct net_allocator *a)
{
	memset(a, 0, sizeof(*a));
	if (!r->membind_set)
		return;
	a->alloc = membind_alloc;
	a->free = membind_free;
	a->ctx = r;
}

/* In each worker: bind, open counters, remember who we are. */
static void setup_workers(struct runner *r)
{
#pragma omp parallel num_threads(r->n)
	{
		int slot = omp_get_thread_num();

		if (slot < r->n && omp_get_num_threads() == r->n) {
			struct worker *w = &r->workers[slot];

			w->owner = r;
			w->slot = slot;
			w->tid = sys_gettid();
			if (r->plan.pus && pin_bind_thread(r->topo, r->plan.pus[slot]))
				w->err = errno ? errno : EINVAL;
			counter_set_open(&w->cs, &r->events, !r->o.no_rdpmc);
			w->mig_fd = open_migrations();
			busy_thread_bind(slot);
			self = w;
		}
	}
}

static void release_workers(struct runner *r)
{
#pragma omp parallel num_threads(r->n)
	{
		struct worker *w = self;

		if (w && w->owner == r) {
			counter_set_close(&w->cs);
			if (w->mig_fd >= 0)
				close(w->mig_fd);
			w->mig_fd = -1;
			busy_thread_bind(-1);
			self = NULL;
		}
	}
}

int runner_new(struct runner **out, const struct runner_opts *o)
{
	struct runner *r = xcalloc(1, sizeof(*r));
	int err, i, k;

	r->o = *o;
	if (!r->o.pin)
		r->o.pin = "compact";
	err = topology_load(&r->topo, NULL, NULL);
	if (err)
		goto fail;
	err = pin_plan_make(r->topo, r->o.pin, o->threads, o->node, &r->plan);
	if (err)
		goto fail;
	r->n = r->plan.nthreads;
	err = setup_membind(r);
	if (err)
		goto fail;
	if (!o->events || strcmp(o->events, "none") != 0) {
		err = event_list_init(&r->events, o->events ? o->events : CP_DEFAULT_EVENTS);
		if (err)
			goto fail;
	}
	r->workers = xcalloc((size_t)r->n, sizeof(*r->workers));
	for (i = 0; i < r->n; i++)
		r->workers[i].mig_fd = -1;
	if (o->no_busy) {
		snprintf(r->busy_why, sizeof(r->busy_why), "not measured (--no-busy)");
	} else if (busy_probe_open(&r->busy, r->n)) {
		snprintf(r->busy_why, sizeof(r->busy_why), "%s", cp_strerror(-1));
		cp_error_clear();
	}
	omp_set_dynamic(0);
	omp_set_num_threads(r->n);
	setup_workers(r);
	for (i = 0; i < r->n; i++) {
		if (r->workers[i].owner != r) {
			err = cp_error(-EAGAIN, "OpenMP gave fewer than %d threads (check OMP_THREAD_LIMIT)",
				       r->n);
			goto fail;
		}
		if (r->workers[i].err) {
			err = cp_error(-r->workers[i].err, "cannot bind worker %d to cpu %d: %s",
				       i, r->plan.pus[i], strerror(r->workers[i].err));
			goto fail;
		}
	}
	/* an event counts only if every worker could open it */
	for (k = 0; k < r->events.n; k++) {
		struct event_spec *e = &r->events.ev[k];

		r->ev_ok[k] = e->supported;
		_Static_assert(sizeof(r->ev_reason[k]) == sizeof(e->reason), "reason sizes");
		memcpy(r->ev_reason[k], e->reason, sizeof(e->reason));
		for (i = 0; r->ev_ok[k] && i < r->n; i++) {
			if (r->workers[i].cs.fd[k] >= 0)
				continue;
			r->ev_ok[k] = 0;
			perf_open_strerror(r->workers[i].cs.err[k], &e->attr,
					   r->ev_reason[k], sizeof(r->ev_reason[k]));
		}
		r->counting |= r->ev_ok[k];
	}
	*out = r;
	return 0;
fail:
	runner_free(r);
	return err;
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	if (r->workers)
		release_workers(r);
	busy_probe_close(r->busy);
	free(r->workers);
	pin_plan_release(&r->plan);
	if (r->membind_set)
		hwloc_bitmap_free(r->membind_set);
	if (r->topo)
		hwloc_topology_destroy(r->topo);
	free(r);
}

const struct pin_plan *runner_plan(const struct runner *r)
{
	return &r->plan;
}

hwloc_topology_t runner_topology(const struct runner *r)
{
	return r->topo;
}

/* Every worker reads its own counters into snap[slot * nev ...]. */
void runner_read_boundary(struct runner *r, struct counter_value *snap)
{
	int nev = r->events.n;

#pragma omp parallel num_threads(r->n)
	{
		struct worker *w = self;

		if (w && w->owner == r)
			counter_set_read(&w->cs, &snap[w->slot * nev]);
		else
			r->lost = 1;
	}
}

/* Rotation: enable only the groups numbered @group (all when -1). */
void runner_select_group(struct runner *r, int group)
{
#pragma omp parallel num_threads(r->n)
	{
		struct worker *w = self;
		int k;

		for (k = 0; w && w->owner == r && k < r->events.n; k++)
			if (w->cs.fd[k] >= 0 && w->cs.leader[k] == k)
				counter_set_enable_group(&w->cs, k, group < 0 ||
							 r->events.ev[k].group == group);
	}
}

void runner_read_migrations(struct runner *r, int end)
{
#pragma omp parallel num_threads(r->n)
	{
		struct worker *w = self;

		if (w && w->owner == r) {
			if (end) {
				w->mig_end = read_u64(w->mig_fd);
				pin_thread_cpus(r->topo, w->cpus_actual, sizeof(w->cpus_actual));
			} else {
				w->mig_start = read_u64(w->mig_fd);
			}
		}
	}
}


static void on_sigint(int sig)
{
	(void)sig;
	runner_interrupted = 1;
}

void runner_catch_sigint(struct sigaction *old)
{
	struct sigaction sa;

	runner_interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, old);
}

void runner_release_sigint(const struct sigaction *old)
{
	sigaction(SIGINT, old, NULL);
}




/* One iteration without per-op instrumentation: the reference for overhead. */
int runner_run_plain(const struct workload *w, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int i, err;

	for (i = 0; i < w->nops; i++) {
		err = w->exec(w->ctx, i);
		if (err)
			return err;
		if (runner_interrupted)
			return -EINTR;
	}
	*ns = now_ns() - t0;
	return 0;
}

/* One instrumented iteration: op times into @op_ns, boundaries into @snaps. */
int runner_run_timed(struct runner *r, const struct workload *w, uint64_t *op_ns,
		     uint64_t *total, struct counter_value *snaps)
{
	size_t stride = (size_t)r->n * (size_t)r->events.n;
	uint64_t t0 = now_ns(), ts, te;
	int i, err;

	if (r->counting)
		runner_read_boundary(r, snaps);
	for (i = 0; i < w->nops; i++) {
		ebpf_set_layer(r->ebpf, i);
		busy_set_layer(r->busy, i);
		ts = now_ns();
		err = w->exec(w->ctx, i);
		te = now_ns();
		op_ns[i] = te - ts;
		if (r->counting)
			runner_read_boundary(r, snaps + (size_t)(i + 1) * stride);
		if (err)
			return err;
		if (runner_interrupted)
			return -EINTR;
	}
	ebpf_set_layer(r->ebpf, w->nops);
	busy_set_layer(r->busy, w->nops);
	*total = now_ns() - t0;
	return 0;
}
