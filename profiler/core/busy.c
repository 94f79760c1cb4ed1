// SPDX-License-Identifier: MIT
/*
 * Busy time from oneDNN's ITT tasks (see busy.h). The callbacks run on
 * oneDNN's threads in the middle of its parallel regions: they touch only
 * the calling worker's slot (its own cache line) and the current iteration's
 * row, which only that worker writes at its index.
 */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/busy.h"
#include "core/hooklib.h"
#include "hook/itt.h"
#include "util/util.h"

#define MAX_DEPTH 8

struct slot {
	int depth;
	int leaf[MAX_DEPTH];	/* no task nested in it yet */
	uint64_t t0[MAX_DEPTH];
	uint64_t waited;	/* worker 0: ns at closing barriers, ever */
	uint64_t waited0[MAX_DEPTH];	/* at the task's begin */
} __attribute__((aligned(64)));

struct busy_probe {
	struct busy_probe_pub pub;	/* first: busy_set_layer() */
	int n, nops, rows;		/* workers, ops, rows = nops + 1 */
	void *lib;
	cp_itt_set_ops_fn set_ops;
	cp_itt_task_count_fn task_count;
	unsigned long tasks_at_begin;
	struct slot *slots;		/* [n] */
	uint64_t *volatile cur;		/* [rows * n] this iteration's busy ns, NULL: off */
	uint64_t *volatile tb, *volatile te;	/* [nops * n] its first begin / last end, or NULL */
	uint64_t *ring;			/* [BUSY_RING][rows * n] */
	uint64_t *scratch;		/* [rows * n] */
	int timeline;			/* iterations kept */
	uint64_t *tl_begin, *tl_end;	/* [timeline][nops * n] */
	uint64_t tl_t0;			/* start of the first kept iteration */
	unsigned long lost;		/* tasks on threads that are no worker */
};

static __thread int tls_slot = -1;
static struct busy_probe *leader_probe;	/* the open probe, for busy-gomp.c */

int busy_leader_tracking(void)
{
	struct busy_probe *b = leader_probe;

	return tls_slot == 0 && b && b->cur;
}

void busy_leader_waited(uint64_t ns)
{
	struct busy_probe *b = leader_probe;

	if (b && tls_slot == 0)
		b->slots[0].waited += ns;
}

void busy_thread_bind(int slot)
{
	tls_slot = slot;
}

static void on_begin(void *arg, const char *domain, const char *name)
{
	struct busy_probe *b = arg;
	int s = tls_slot, d;
	struct slot *w;

	(void)domain;
	(void)name;
	if (s < 0 || s >= b->n) {
		__atomic_fetch_add(&b->lost, 1, __ATOMIC_RELAXED);
		return;
	}
	w = &b->slots[s];
	d = w->depth++;
	if (d >= MAX_DEPTH)
		return;
	if (d > 0)
		w->leaf[d - 1] = 0;
	w->leaf[d] = 1;
	w->waited0[d] = w->waited;
	w->t0[d] = now_ns();
}

static void on_end(void *arg, const char *domain)
{
	struct busy_probe *b = arg;
	uint64_t *cur = b->cur, *tb, t1;
	int s = tls_slot, d, layer;
	struct slot *w;
	size_t k;

	(void)domain;
	if (s < 0 || s >= b->n)
		return;
	w = &b->slots[s];
	if (w->depth == 0)
		return;
	d = --w->depth;
	if (d >= MAX_DEPTH || !w->leaf[d] || !cur)
		return;
	t1 = now_ns();
	layer = b->pub.layer;
	if (layer < 0 || layer > b->nops)
		layer = b->nops;
	k = (size_t)layer * (size_t)b->n + (size_t)s;
	cur[k] += t1 - w->t0[d] - MIN(w->waited - w->waited0[d], t1 - w->t0[d]);
	tb = b->tb;
	if (tb && layer < b->nops) {
		if (!tb[k])
			tb[k] = w->t0[d];
		b->te[k] = t1;
	}
}

int busy_probe_open(struct busy_probe **out, int nworkers)
{
	struct cp_itt_ops ops = { .task_begin = on_begin, .task_end = on_end };
	const char *level = getenv("ONEDNN_ITT_TASK_LEVEL");
	char path[4096];
	struct busy_probe *b;
	int err;

	*out = NULL;
	if (level && strcmp(level, "2") != 0)
		return cp_error(-ENOTSUP, "ONEDNN_ITT_TASK_LEVEL=%s: oneDNN does not open a task on every worker (2 does)",
				level);
	err = hooklib_path(path, sizeof(path));
	if (err)
		return err;
	/* read once, by oneDNN's first ITT call: the net is not built yet */
	setenv("INTEL_LIBITTNOTIFY64", path, 1);
	setenv("INTEL_ITTNOTIFY_GROUPS", "all", 1);
	b = xcalloc(1, sizeof(*b));
	b->n = nworkers;
	b->lib = dlopen(path, RTLD_NOW);
	if (!b->lib) {
		err = cp_error(-ENOENT, "cannot load '%s': %s", path, dlerror());
		goto fail;
	}
	b->set_ops = (cp_itt_set_ops_fn)dlsym(b->lib, "cp_itt_set_ops");
	b->task_count = (cp_itt_task_count_fn)dlsym(b->lib, "cp_itt_task_count");
	if (!b->set_ops || !b->task_count) {
		err = cp_error(-ENOENT, "'%s' has no cp_itt_set_ops: not convprof's hook library", path);
		goto fail;
	}
	if (posix_memalign((void **)&b->slots, 64, (size_t)nworkers * sizeof(*b->slots))) {
		err = cp_error(-ENOMEM, "out of memory");
		goto fail;
	}
	memset(b->slots, 0, (size_t)nworkers * sizeof(*b->slots));
	ops.arg = b;
	b->set_ops(&ops);
	leader_probe = b;
	*out = b;
	return 0;
fail:
	busy_probe_close(b);
	return err;
}

static void measure_free(struct busy_probe *b)
{
	free(b->ring);
	free(b->scratch);
	free(b->tl_begin);
	free(b->tl_end);
	b->ring = b->scratch = b->tl_begin = b->tl_end = NULL;
}

void busy_probe_close(struct busy_probe *b)
{
	if (!b)
		return;
	if (b->set_ops)
		b->set_ops(NULL);
	if (leader_probe == b)
		leader_probe = NULL;
	/* the library stays: oneDNN's ITT loader holds its functions */
	measure_free(b);
	free(b->slots);
	free(b);
}

void busy_measure_begin(struct busy_probe *b, int nops, int timeline)
{
	size_t cells;

	if (!b)
		return;
	b->cur = NULL;
	b->tb = b->te = NULL;
	measure_free(b);
	b->nops = nops;
	b->rows = nops + 1;
	cells = (size_t)b->rows * (size_t)b->n;
	b->ring = xcalloc(BUSY_RING * cells, sizeof(uint64_t));
	b->scratch = xcalloc(cells, sizeof(uint64_t));
	b->timeline = MIN(MAX(timeline, 0), BUSY_MAX_TIMELINE);
	if (b->timeline) {
		b->tl_begin = xcalloc((size_t)b->timeline * (size_t)nops * b->n + 1, sizeof(uint64_t));
		b->tl_end = xcalloc((size_t)b->timeline * (size_t)nops * b->n + 1, sizeof(uint64_t));
	}
	b->tasks_at_begin = b->task_count();
	b->lost = 0;
	b->pub.layer = nops;
}

void busy_select(struct busy_probe *b, int it)
{
	size_t cells;
	uint64_t *row;

	if (!b || !b->ring)
		return;
	cells = (size_t)b->rows * (size_t)b->n;
	if (it == BUSY_OFF) {
		b->cur = NULL;
		b->tb = b->te = NULL;
		return;
	}
	row = it >= 0 ? &b->ring[(size_t)(it % BUSY_RING) * cells] : b->scratch;
	memset(row, 0, cells * sizeof(uint64_t));
	if (it >= 0 && it < b->timeline) {
		size_t off = (size_t)it * (size_t)b->nops * (size_t)b->n;

		if (it == 0)
			b->tl_t0 = now_ns();
		b->tb = b->tl_begin + off;
		b->te = b->tl_end + off;
	} else {
		b->tb = b->te = NULL;
	}
	b->cur = row;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void fill_slices(struct busy_probe *b, struct cp_run *run, int done)
{
	int it, l, th, kept = MIN(done, b->timeline);

	/* in time order per worker: worker, then iteration, then layer */
	for (th = 0; th < b->n; th++)
		for (it = 0; it < kept; it++)
			for (l = 0; l < b->nops; l++) {
				size_t k = ((size_t)it * b->nops + l) * b->n + th;
				struct cp_slice s = { .iteration = it, .layer = l, .worker = th };

				if (!b->tl_begin[k] || b->tl_begin[k] < b->tl_t0)
					continue;
				s.begin_us = (double)(b->tl_begin[k] - b->tl_t0) / 1e3;
				s.dur_us = (double)(b->tl_end[k] - b->tl_begin[k]) / 1e3;
				cp_run_add_slice(run, &s);
			}
}

void busy_fill_run(struct busy_probe *b, struct cp_run *run, int done, const char *why)
{
	size_t cells, k;
	uint64_t *tmp;
	int kept, it;

	free(run->busy_ms);
	run->busy_ms = NULL;
	if (!b || !b->ring) {
		snprintf(run->busy_note, sizeof(run->busy_note), "%s", why ? why : "not measured");
		return;
	}
	b->cur = NULL;
	b->tb = b->te = NULL;
	if (b->task_count() == b->tasks_at_begin) {
		snprintf(run->busy_note, sizeof(run->busy_note),
			 "oneDNN reported no ITT task (its collector was bound before convprof set INTEL_LIBITTNOTIFY64?)");
		return;
	}
	if (done <= 0 || run->nlayers != b->nops || run->nthreads != b->n) {
		snprintf(run->busy_note, sizeof(run->busy_note), "no measured iteration");
		return;
	}
	cp_run_set_busy(run);
	cells = (size_t)b->rows * (size_t)b->n;
	kept = MIN(done, BUSY_RING);
	tmp = xcalloc((size_t)kept, sizeof(uint64_t));
	for (k = 0; k < cells; k++) {
		double m;

		for (it = 0; it < kept; it++)
			tmp[it] = b->ring[(size_t)it * cells + k];
		qsort(tmp, (size_t)kept, sizeof(uint64_t), cmp_u64);
		m = kept % 2 ? (double)tmp[kept / 2] :
		    ((double)tmp[kept / 2 - 1] + (double)tmp[kept / 2]) / 2;
		run->busy_ms[k] = m / 1e6;
	}
	free(tmp);
	if (b->lost)
		snprintf(run->busy_note, sizeof(run->busy_note),
			 "%lu oneDNN tasks ran on threads that are no worker: not counted", b->lost);
	fill_slices(b, run, done);
}
