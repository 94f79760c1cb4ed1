// SPDX-License-Identifier: MIT
/*
 * runner_measure(): warm-up, the measured iterations, the interleaved
 * overhead pairs, and from them the cp_run's times, counts and threads.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/runner-int.h"
#include "util/util.h"

static void add_delta(struct acc *a, const struct counter_value *later,
		      const struct counter_value *earlier)
{
	a->count += later->count - earlier->count;
	a->enabled += later->enabled - earlier->enabled;
	a->running += later->running - earlier->running;
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
		err = runner_run_timed(r, w, m->tmp_ns, &m->total_ns[0], m->snaps);
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
		runner_select_group(r, m->rot_groups[0]);
	runner_read_migrations(r, 0);
	if (r->counting)
		runner_read_boundary(r, m->prev_end);
	ebpf_set_phase(r->ebpf, EBPF_PHASE_STEADY);
	ebpf_start(r->ebpf);
	for (it = 0; it < m->n; it++) {
		int group = -1;

		if (r->o.rotate && r->counting) {
			group = m->rot_groups[it % m->nrot];
			runner_select_group(r, group);
		}
		busy_select(r->busy, m->done);
		err = runner_run_timed(r, w, &m->op_ns[(size_t)m->done * m->nops],
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
	runner_read_migrations(r, 1);
	if (r->o.rotate && r->counting)
		runner_select_group(r, -1);
	return err;
}

static double quantile(const double *v, int n, double q);

/* The quartiles of @n values @stride apart (ns), in ms; NaN below 2 values. */
static void quartiles_ms(const uint64_t *v, int n, int stride, double *q1, double *q3)
{
	double *tmp;
	int i;

	*q1 = *q3 = NAN;
	if (n < 2)
		return;
	tmp = xmalloc((size_t)n * sizeof(double));
	for (i = 0; i < n; i++)
		tmp[i] = (double)v[(size_t)i * stride] / 1e6;
	qsort(tmp, (size_t)n, sizeof(double), cmp_double);
	*q1 = quantile(tmp, n, 0.25);
	*q3 = quantile(tmp, n, 0.75);
	free(tmp);
}

/* Medians of the layers, the latency and (other), from the kept iterations. */
static void fill_times(struct cp_run *run, const struct measure *m)
{
	int nops = m->nops, done = m->done, i, it;
	uint64_t *other = xcalloc((size_t)done + 1, sizeof(uint64_t));

	run->iterations = done;
	for (i = 0; i < nops; i++) {
		run->layers[i].time_ms = median_ms(&m->op_ns[i], done, nops);
		quartiles_ms(&m->op_ns[i], done, nops, &run->layers[i].time_q1_ms,
			     &run->layers[i].time_q3_ms);
	}
	run->latency_ms = median_ms(m->total_ns, done, 1);
	quartiles_ms(m->total_ns, done, 1, &run->latency_q1_ms, &run->latency_q3_ms);
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
		if (runner_run_plain(w, &plain))
			break;
		busy_select(r->busy, BUSY_SCRATCH);
		if (runner_run_timed(r, w, m->tmp_ns, &timed, m->snaps))
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
