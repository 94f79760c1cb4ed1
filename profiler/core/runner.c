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
#include "util/util.h"

volatile int runner_interrupted;

struct worker {
	struct runner *owner;
	int slot;
	pid_t tid;
	int err;		/* binding failure, errno */
	struct counter_set cs;
	int mig_fd;		/* cpu-migrations: verifies pinning */
	uint64_t mig_start, mig_end;
	char cpus_actual[64];
};

struct runner {
	struct runner_opts o;
	hwloc_topology_t topo;
	struct pin_plan plan;
	int n;			/* workers */
	struct worker *workers;
	int counting;		/* events to read at boundaries */
	struct event_list events;
	int ev_ok[CP_MAX_EVENTS];	/* opened on every worker */
	char ev_reason[CP_MAX_EVENTS][200];
	hwloc_nodeset_t membind_set;
	hwloc_membind_policy_t membind_policy;
	int lost;		/* a region ran on a thread we did not set up */
	struct ebpf_session *ebpf;	/* during runner_measure() */
	struct busy_probe *busy;	/* NULL: busy time not measured */
	char busy_why[200];		/* why not */
};

static __thread struct worker *self;

/* Accumulated deltas of one (row, worker, event). */
struct acc {
	uint64_t count, enabled, running;
};

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
static void read_boundary(struct runner *r, struct counter_value *snap)
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
static void select_group(struct runner *r, int group)
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

static void read_migrations(struct runner *r, int end)
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

static void add_delta(struct acc *a, const struct counter_value *later,
		      const struct counter_value *earlier)
{
	a->count += later->count - earlier->count;
	a->enabled += later->enabled - earlier->enabled;
	a->running += later->running - earlier->running;
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double median_ms(uint64_t *v, int n, int stride)
{
	uint64_t *tmp = xmalloc((size_t)n * sizeof(uint64_t));
	double m;
	int i;

	for (i = 0; i < n; i++)
		tmp[i] = v[(size_t)i * stride];
	qsort(tmp, (size_t)n, sizeof(uint64_t), cmp_u64);
	m = n % 2 ? (double)tmp[n / 2] : ((double)tmp[n / 2 - 1] + tmp[n / 2]) / 2;
	free(tmp);
	return m / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One iteration without per-op instrumentation: the reference for overhead. */
static int run_plain(const struct workload *w, uint64_t *ns)
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
static int run_timed(struct runner *r, const struct workload *w, uint64_t *op_ns,
		     uint64_t *total, struct counter_value *snaps)
{
	size_t stride = (size_t)r->n * (size_t)r->events.n;
	uint64_t t0 = now_ns(), ts, te;
	int i, err;

	if (r->counting)
		read_boundary(r, snaps);
	for (i = 0; i < w->nops; i++) {
		ebpf_set_layer(r->ebpf, i);
		busy_set_layer(r->busy, i);
		ts = now_ns();
		err = w->exec(w->ctx, i);
		te = now_ns();
		op_ns[i] = te - ts;
		if (r->counting)
			read_boundary(r, snaps + (size_t)(i + 1) * stride);
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

static const enum tensor_kind tensor_kinds[T_NROLES] = {
	[T_WEIGHTS] = TENSOR_WEIGHTS, [T_SRC] = TENSOR_SRC,
	[T_DST] = TENSOR_DST, [T_SCRATCHPAD] = TENSOR_SCRATCHPAD,
};

/*
 * Load the eBPF parts asked for. A part that cannot load is reported by
 * ebpf_collect() as unavailable; only bad arguments fail here.
 */
static int open_ebpf(struct runner *r, const struct workload *w)
{
	struct ebpf_opts eo = {
		.tgid = getpid(), .parts = r->o.ebpf_parts, .nworkers = r->n,
		.sample_freq = r->o.sample_freq ? r->o.sample_freq : 499,
		.nlayers = w->nops,
	};
	pid_t *tids = xcalloc((size_t)r->n, sizeof(pid_t));
	int *cpus = NULL, i, k, err;

	for (i = 0; i < r->n; i++)
		tids[i] = r->workers[i].tid;
	eo.worker_tids = tids;
	if (r->plan.pus) {
		eo.cpus = r->plan.pus;
		eo.ncpus = r->plan.nthreads;
	} else {
		hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(r->topo);
		unsigned cpu;

		cpus = xcalloc((size_t)hwloc_bitmap_weight(all) + 1, sizeof(int));
		hwloc_bitmap_foreach_begin(cpu, all) {
			cpus[eo.ncpus++] = (int)cpu;
		} hwloc_bitmap_foreach_end();
		eo.cpus = cpus;
	}
	err = ebpf_open(&r->ebpf, &eo);
	for (i = 0; !err && w->tensors && i < w->nops; i++) {
		const struct tensor_ref *t = w->tensors(w->ctx, i);

		for (k = 0; t && k < T_NROLES; k++)
			ebpf_add_tensor(r->ebpf, i, tensor_kinds[k], t[k].ptr, t[k].bytes);
	}
	free(tids);
	free(cpus);
	return err;
}

static const char *event_source(const struct event_spec *e)
{
	return e->pmu[0] ? e->pmu : "hardware";
}

static void fill_backend(struct runner *r, struct cp_run *run)
{
	int k, hw = 0, rdpmc = 1;
	char why[256];

	for (k = 0; k < r->events.n; k++) {
		const struct perf_event_attr *a = &r->events.ev[k].attr;

		if (!r->ev_ok[k] || a->type == PERF_TYPE_SOFTWARE)
			continue;
		hw = 1;
		rdpmc &= r->workers[0].cs.group_rdpmc[r->workers[0].cs.leader[k]];
	}
	if (!r->events.n) {
		snprintf(run->backend, sizeof(run->backend), "time");
		snprintf(run->backend_reason, sizeof(run->backend_reason),
			 "no events requested: per-layer time only, no system calls");
		return;
	}
	if (hw && rdpmc) {
		snprintf(run->backend, sizeof(run->backend), "rdpmc");
		snprintf(run->backend_reason, sizeof(run->backend_reason),
			 "hardware counters read in user space with rdpmc");
	} else if (hw) {
		snprintf(run->backend, sizeof(run->backend), "read");
		snprintf(run->backend_reason, sizeof(run->backend_reason), "%s",
			 r->o.no_rdpmc ? "rdpmc disabled by --no-rdpmc: read(2)" :
			 "rdpmc not allowed for these events here: read(2)");
	} else {
		backend_probe(why, sizeof(why));
		snprintf(run->backend, sizeof(run->backend), "software");
		snprintf(run->backend_reason, sizeof(run->backend_reason), "%s", why);
	}
}

/* Per-iteration means of the accumulated deltas into @run. */
static void fill_counts(struct runner *r, struct cp_run *run, int nrows,
			const struct acc *acc, const struct acc *tot,
			const int *iters_of_group, int first_ev)
{
	int nev = r->events.n, row, k, th;

	for (k = 0; k < nev; k++) {
		int e = first_ev + k;
		int iters = iters_of_group[r->events.ev[k].group];
		uint64_t en = 0, ru = 0;

		if (!r->ev_ok[k] || !iters)
			continue;
		for (row = 0; row < nrows; row++) {
			double sum = 0;
			int known = 0;

			for (th = 0; th < r->n; th++) {
				const struct acc *a = &acc[((size_t)row * r->n + th) * nev + k];
				double v = counter_scale(a->count, a->enabled, a->running);

				/* a group measured in these iterations but with no time
				 * over this row: the row was shorter than the clock step */
				if (a->enabled == 0 && a->count == 0)
					v = 0;
				*cp_run_thread_count(run, row, th, e) = v / iters;
				if (!isnan(v)) {
					sum += v;
					known++;
				}
			}
			*cp_run_count(run, row, e) = known ? sum / iters : NAN;
		}
		{
			double sum = 0;

			for (th = 0; th < r->n; th++) {
				const struct acc *a = &tot[(size_t)th * nev + k];

				sum += counter_scale(a->count, a->enabled, a->running);
				en += a->enabled;
				ru += a->running;
			}
			run->total_counts[e] = sum / iters;
			run->events[e].running_ratio = en ? (double)ru / (double)en : NAN;
		}
	}
}

/* The buffers of one runner_measure(), sized by its iterations and ops. */
struct measure {
	int nops, n, done;
	size_t stride;			/* workers x events */
	struct counter_value *snaps;	/* [(nops + 1) * stride]: one iteration's boundaries */
	struct counter_value *prev_end;	/* [stride]: the previous iteration's last boundary */
	struct acc *acc, *tot;		/* [(nops + 1) * stride], [stride] */
	uint64_t *op_ns;		/* [n * nops] */
	uint64_t *total_ns;		/* [n] */
	uint64_t *tmp_ns;		/* [nops]: iterations that are not kept */
	int iters_of_group[CP_MAX_EVENTS + 1];
	int rot_groups[CP_MAX_EVENTS + 1], nrot;
};

static void measure_init(struct measure *m, const struct runner *r, const struct workload *w)
{
	int nrows = w->nops + 1, k;

	memset(m, 0, sizeof(*m));
	m->nops = w->nops;
	m->n = r->o.iterations > 0 ? r->o.iterations : 10;
	m->stride = (size_t)r->n * (size_t)r->events.n;
	m->snaps = xcalloc((size_t)nrows * m->stride + 1, sizeof(*m->snaps));
	m->prev_end = xcalloc(m->stride + 1, sizeof(*m->prev_end));
	m->acc = xcalloc((size_t)nrows * m->stride + 1, sizeof(*m->acc));
	m->tot = xcalloc(m->stride + 1, sizeof(*m->tot));
	m->op_ns = xcalloc((size_t)m->n * (size_t)m->nops + 1, sizeof(uint64_t));
	m->total_ns = xcalloc((size_t)m->n + 1, sizeof(uint64_t));
	m->tmp_ns = xcalloc((size_t)m->nops + 1, sizeof(uint64_t));

	/* rotation goes through the groups that have something to count */
	for (k = 0; k < r->events.n; k++) {
		int g = r->events.ev[k].group, j;

		if (!r->ev_ok[k])
			continue;
		for (j = 0; j < m->nrot && m->rot_groups[j] != g; j++)
			;
		if (j == m->nrot)
			m->rot_groups[m->nrot++] = g;
	}
}

static void measure_release(struct measure *m)
{
	free(m->snaps);
	free(m->prev_end);
	free(m->acc);
	free(m->tot);
	free(m->op_ns);
	free(m->total_ns);
	free(m->tmp_ns);
}

/* The run's configuration as the runner knows it, and the event columns. */
static void fill_run_config(struct runner *r, struct cp_run *run)
{
	int k, th;

	for (k = 0; k < r->events.n; k++)
		cp_run_add_event(run, r->events.ev[k].name, event_source(&r->events.ev[k]),
				 r->ev_ok[k], r->ev_ok[k] ? NULL : r->ev_reason[k]);
	cp_run_set_threads(run, r->n);
	run->threads = r->n;
	snprintf(run->pin, sizeof(run->pin), "%s", r->plan.name);
	if (r->o.membind)
		snprintf(run->membind, sizeof(run->membind), "%s", r->o.membind);
	run->rotate = r->o.rotate;
	fill_backend(r, run);
	run->warmup = MAX(r->o.warmup, r->o.ebpf_parts ? 1 : 0);
	for (th = 0; th < r->n; th++)
		run->thread_recs[th].cpu_planned = r->plan.pus ? r->plan.pus[th] : -1;
}

/*
 * The first iteration touches the activations for the first time: eBPF
 * counts its page faults apart (faults:first). With eBPF it is run even when
 * no warm-up is asked for, so the measured ones stay steady.
 */
static int measure_warmup(struct runner *r, const struct workload *w, struct measure *m)
{
	int it, err = 0;

	for (it = 0; it < MAX(r->o.warmup, r->ebpf ? 1 : 0) && !err; it++) {
		if (it == 0) {
			ebpf_set_phase(r->ebpf, EBPF_PHASE_COLD);
			ebpf_start(r->ebpf);
		}
		err = run_timed(r, w, m->tmp_ns, &m->total_ns[0], m->snaps);
		if (it == 0)
			ebpf_stop(r->ebpf);
	}
	return err;
}

/* One measured iteration's boundaries into the per-row and total sums. */
static void measure_accumulate(struct measure *m)
{
	size_t stride = m->stride, k;
	int i;

	for (i = 0; i < m->nops; i++)
		for (k = 0; k < stride; k++)
			add_delta(&m->acc[(size_t)i * stride + k],
				  &m->snaps[(size_t)(i + 1) * stride + k],
				  &m->snaps[(size_t)i * stride + k]);
	for (k = 0; k < stride; k++) {
		/* (other): from the last boundary of the previous iteration to this one's first */
		add_delta(&m->acc[(size_t)m->nops * stride + k], &m->snaps[k], &m->prev_end[k]);
		add_delta(&m->tot[k], &m->snaps[(size_t)m->nops * stride + k], &m->prev_end[k]);
		m->prev_end[k] = m->snaps[(size_t)m->nops * stride + k];
	}
}

/* The measured iterations; m->done says how many finished. */
static int measure_loop(struct runner *r, const struct workload *w, struct measure *m)
{
	int it, k, err = 0;

	if (r->o.rotate && r->counting)
		select_group(r, m->rot_groups[0]);
	read_migrations(r, 0);
	if (r->counting)
		read_boundary(r, m->prev_end);
	ebpf_set_phase(r->ebpf, EBPF_PHASE_STEADY);
	ebpf_start(r->ebpf);
	for (it = 0; it < m->n; it++) {
		int group = -1;

		if (r->o.rotate && r->counting) {
			group = m->rot_groups[it % m->nrot];
			select_group(r, group);
		}
		busy_select(r->busy, m->done);
		err = run_timed(r, w, &m->op_ns[(size_t)m->done * m->nops],
				&m->total_ns[m->done], m->snaps);
		busy_select(r->busy, BUSY_SCRATCH);
		if (err)
			break;
		if (r->counting)
			measure_accumulate(m);
		for (k = 0; k <= r->events.ngroups; k++)
			m->iters_of_group[k] += group < 0 || group == k;
		m->done++;
	}
	ebpf_stop(r->ebpf);
	read_migrations(r, 1);
	if (r->o.rotate && r->counting)
		select_group(r, -1);
	return err;
}

/* Medians of the layers, the latency and (other), from the kept iterations. */
static void fill_times(struct cp_run *run, const struct measure *m)
{
	int nops = m->nops, done = m->done, i, it;
	uint64_t *other = xcalloc((size_t)done + 1, sizeof(uint64_t));

	run->iterations = done;
	for (i = 0; i < nops; i++)
		run->layers[i].time_ms = median_ms(&m->op_ns[i], done, nops);
	run->latency_ms = median_ms(m->total_ns, done, 1);
	run->layers_ms = 0;
	for (i = 0; i < nops; i++)
		run->layers_ms += run->layers[i].time_ms;
	/* (other) per iteration: what no op's timestamps cover */
	for (it = 0; it < done; it++) {
		uint64_t sum = 0;

		for (i = 0; i < nops; i++)
			sum += m->op_ns[(size_t)it * nops + i];
		other[it] = m->total_ns[it] > sum ? m->total_ns[it] - sum : 0;
	}
	run->other_ms = median_ms(other, done, 1);
	run->other.time_ms = run->other_ms;
	free(other);
	run->throughput_ips = run->latency_ms > 0 ? run->batch / (run->latency_ms / 1e3) : NAN;
}

static void fill_threads(struct runner *r, struct cp_run *run)
{
	int th;

	for (th = 0; th < r->n; th++) {
		struct worker *wk = &r->workers[th];

		snprintf(run->thread_recs[th].cpus_actual, sizeof(run->thread_recs[th].cpus_actual),
			 "%s", wk->cpus_actual);
		run->thread_recs[th].migrations = wk->mig_fd >= 0 ?
			(double)(wk->mig_end - wk->mig_start) : NAN;
	}
}

/* The @q quantile of @n sorted values, interpolated between neighbours. */
static double quantile(const double *v, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;

	return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/*
 * Overhead: instrumented vs plain iterations, interleaved so that a change
 * of load hits both alike; the median ratio, and the interquartile range of
 * the ratios as its noise. A median inside its noise is no measurement: it
 * is NaN then, and the reason says how wide the noise was.
 */
static void measure_overhead(struct runner *r, const struct workload *w, struct measure *m,
			     struct cp_run *run)
{
	int pairs = MAX(5, m->n), got = 0, it;
	double *ratio = xcalloc((size_t)pairs, sizeof(double)), med, spread;
	uint64_t plain, timed;

	for (it = 0; it < pairs && !runner_interrupted; it++) {
		busy_select(r->busy, BUSY_OFF);
		if (run_plain(w, &plain))
			break;
		busy_select(r->busy, BUSY_SCRATCH);
		if (run_timed(r, w, m->tmp_ns, &timed, m->snaps))
			break;
		ratio[got++] = (double)timed / (double)plain;
	}
	if (got >= 3) {
		qsort(ratio, (size_t)got, sizeof(double), cmp_double);
		med = (quantile(ratio, got, 0.5) - 1) * 100;
		spread = (quantile(ratio, got, 0.75) - quantile(ratio, got, 0.25)) * 100;
		run->overhead_spread_pct = spread;
		if (spread > fabs(med)) {
			run->overhead_pct = NAN;
			snprintf(run->overhead_reason, sizeof(run->overhead_reason),
				 "not measurable here (noise \u00b1%.2f%%)", spread);
		} else {
			run->overhead_pct = med;
		}
	}
	free(ratio);
}

int runner_measure(struct runner *r, const struct workload *w, struct cp_run *run)
{
	struct measure m;
	int first_ev = run->nevents, err = 0;

	if (run->nlayers != w->nops)
		return cp_error(-EINVAL, "the run has %d rows for %d ops", run->nlayers, w->nops);
	if (runner_interrupted)
		return cp_error(-EINTR, "interrupted before a measured iteration finished");

	fill_run_config(r, run);
	measure_init(&m, r, w);
	busy_measure_begin(r->busy, w->nops, r->o.timeline);
	busy_select(r->busy, BUSY_SCRATCH);
	if (r->o.ebpf_parts) {
		err = open_ebpf(r, w);
		if (err)
			goto out;
	}
	err = measure_warmup(r, w, &m);
	if (err)
		goto out;
	if (r->o.progress)
		r->o.progress(r->o.progress_arg, m.n, w->nops);
	err = measure_loop(r, w, &m);
	if (err == -EINTR && m.done > 0) {
		run->partial = 1;
		err = 0;
	}
	if (err)
		goto out;
	if (r->lost) {
		err = cp_error(-EIO, "a parallel region ran on a thread convprof did not set up: counts would be wrong");
		goto out;
	}
	fill_times(run, &m);
	if (r->counting)
		fill_counts(r, run, w->nops + 1, m.acc, m.tot, m.iters_of_group, first_ev);
	if (r->ebpf) {
		err = ebpf_collect(r->ebpf, run, m.done);
		if (err)
			goto out;
	}
	fill_threads(r, run);
	busy_fill_run(r->busy, run, m.done, r->busy_why);
	if (r->o.overhead && !run->partial)
		measure_overhead(r, w, &m, run);
out:
	busy_select(r->busy, BUSY_OFF);
	ebpf_close(r->ebpf);
	r->ebpf = NULL;
	measure_release(&m);
	if (err == -EINTR)
		cp_error(err, "interrupted before a measured iteration finished");
	return err;
}
