// SPDX-License-Identifier: MIT
/*
 * Chrome trace event JSON of a recorded timeline (see chrome.h). Slices
 * come from oneDNN's ITT task begin/end on each worker, so a track shows
 * when that worker worked on the layer; the gaps are its waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/chrome.h"
#include "reports/json-out.h"
#include "reports/workers.h"
#include "util/output.h"
#include "util/util.h"

static json_t *event(const char *ph, const char *name, long long pid, long long tid)
{
	json_t *e = json_object();

	json_set_str(e, "ph", ph);
	json_set_str(e, "name", name);
	json_set_int(e, "pid", pid);
	json_set_int(e, "tid", tid);
	return e;
}

static void add_metadata(json_t *evs, const struct cp_run *run, long long pid)
{
	json_t *e, *args;
	char name[224], what[160];
	int w;

	cp_run_title(run, what, sizeof(what));
	snprintf(name, sizeof(name), "convprof run %lld: %s, %d threads", pid, what, run->threads);
	e = event("M", "process_name", pid, 0);
	args = json_object();
	json_set_str(args, "name", name);
	json_object_set_new(e, "args", args);
	json_array_append_new(evs, e);
	for (w = 0; w < run->nthreads; w++) {
		int cpu = run->thread_recs[w].cpu_planned;

		if (cpu >= 0)
			snprintf(name, sizeof(name), "worker %d (cpu %d)", w, cpu);
		else
			snprintf(name, sizeof(name), "worker %d (unpinned, ran on cpus %s)", w,
				 run->thread_recs[w].cpus_actual[0] ? run->thread_recs[w].cpus_actual : "?");
		e = event("M", "thread_name", pid, w + 1);
		args = json_object();
		json_set_str(args, "name", name);
		json_object_set_new(e, "args", args);
		json_array_append_new(evs, e);
		e = event("M", "thread_sort_index", pid, w + 1);
		args = json_object();
		json_set_int(args, "sort_index", w);
		json_object_set_new(e, "args", args);
		json_array_append_new(evs, e);
	}
}

static json_t *slice_args(const struct cp_run *run, const struct cp_slice *s)
{
	const struct cp_layer_rec *l = &run->layers[s->layer];
	json_t *a = json_object(), *counts = json_object();
	int k;

	json_set_int(a, "layer", l->index);
	json_set_int(a, "iteration", s->iteration);
	json_set_int(a, "worker", s->worker);
	json_set_str(a, "kind", l->kind);
	json_set_str(a, "layout", l->layout);
	json_set_str(a, "impl", l->impl);
	json_set_int(a, "flops", (long long)l->flops);
	json_set_num(a, "time_ms", l->time_ms);
	if (workers_known(run)) {
		json_set_num(a, "busy_ms", workers_busy(run, s->layer, s->worker));
		json_set_num(a, "wait_ms", workers_wait(run, s->layer, s->worker));
		if (run->nthreads > 1)
			json_set_num(a, "imbalance", workers_imbalance(run, s->layer));
	}
	for (k = 0; k < run->nevents; k++) {
		double v = *cp_run_count((struct cp_run *)run, s->layer, k);

		if (run->events[k].supported && !isnan(v))
			json_object_set_new(counts, run->events[k].name, json_num(v));
	}
	json_object_set_new(a, "counts", counts);
	return a;
}

/* Where each layer of each iteration begins: the earliest slice of it. */
static double *layer_begins(const struct cp_run *run, int *niter)
{
	double *b;
	int i, n = 0;

	for (i = 0; i < run->nslices; i++)
		n = MAX(n, run->slices[i].iteration + 1);
	b = xmalloc(((size_t)n * run->nlayers + 1) * sizeof(double));
	for (i = 0; i < n * run->nlayers; i++)
		b[i] = NAN;
	for (i = 0; i < run->nslices; i++) {
		const struct cp_slice *s = &run->slices[i];
		double *p = &b[(size_t)s->iteration * run->nlayers + s->layer];

		if (isnan(*p) || s->begin_us < *p)
			*p = s->begin_us;
	}
	*niter = n;
	return b;
}

/* A counter track for an event counted in some layer and not 0 in all. */
static int counter_shown(const struct cp_run *run, int k)
{
	int l;

	if (!run->events[k].supported)
		return 0;
	for (l = 0; l < run->nlayers; l++) {
		double v = *cp_run_count((struct cp_run *)run, l, k);

		if (!isnan(v) && v != 0)
			return 1;
	}
	return 0;
}

static void add_counters_and_marks(json_t *evs, const struct cp_run *run, long long pid)
{
	int niter, it, l, k;
	double *begins = layer_begins(run, &niter);
	char *shown = xcalloc((size_t)run->nevents + 1, 1);
	char name[64];

	for (k = 0; k < run->nevents; k++)
		shown[k] = (char)counter_shown(run, k);

	for (it = 0; it < niter; it++) {
		double first = NAN;
		json_t *e, *args;

		for (l = 0; l < run->nlayers; l++) {
			double ts = begins[(size_t)it * run->nlayers + l];

			if (isnan(ts))
				continue;
			if (isnan(first))
				first = ts;
			for (k = 0; k < run->nevents; k++) {
				double v = *cp_run_count((struct cp_run *)run, l, k);

				if (!shown[k] || isnan(v))
					continue;
				e = event("C", run->events[k].name, pid, 0);
				json_set_num(e, "ts", ts);
				args = json_object();
				json_object_set_new(args, "per_layer", json_num(v));
				json_object_set_new(e, "args", args);
				json_array_append_new(evs, e);
			}
		}
		if (isnan(first))
			continue;
		snprintf(name, sizeof(name), "iteration %d", it);
		e = event("i", name, pid, 1);
		json_set_str(e, "s", "p");
		json_set_num(e, "ts", first);
		json_array_append_new(evs, e);
	}
	free(begins);
	free(shown);
}

json_t *chrome_trace(const struct cp_run *run)
{
	json_t *root, *evs, *other;
	long long pid = run->id ? run->id : 1;
	int i;

	if (!run->nslices && !run->busy_ms && run->busy_note[0])
		return cp_error(-ENODATA, "run %lld has no timeline: busy time was not measured (%s)",
				(long long)run->id, run->busy_note), NULL;
	if (!run->nslices)
		return cp_error(-ENODATA, "run %lld has no timeline: record it with 'convprof record --timeline'",
				(long long)run->id), NULL;
	root = json_object();
	evs = json_array();
	add_metadata(evs, run, pid);
	for (i = 0; i < run->nslices; i++) {
		const struct cp_slice *s = &run->slices[i];
		json_t *e = event("X", run->layers[s->layer].name, pid, s->worker + 1);

		json_set_str(e, "cat", run->layers[s->layer].kind);
		json_set_num(e, "ts", s->begin_us);
		json_set_num(e, "dur", s->dur_us);
		json_object_set_new(e, "args", slice_args(run, s));
		json_array_append_new(evs, e);
	}
	add_counters_and_marks(evs, run, pid);
	json_object_set_new(root, "traceEvents", evs);
	json_set_str(root, "displayTimeUnit", "ms");
	other = json_object();
	json_set_str(other, "producer", "convprof " CP_VERSION);
	json_set_str(other, "model", run->model);
	json_set_str(other, "recorded", run->time);
	json_set_str(other, "cmdline", run->cmdline);
	json_set_str(other, "busy", "oneDNN ITT tasks per worker; worker 0's slices span the primitive, its busy_ms leaves out its waits");
	json_object_set_new(root, "otherData", other);
	return root;
}

int chrome_write(const struct cp_run *run, FILE *fp)
{
	json_t *t = chrome_trace(run);

	if (!t)
		return -ENODATA;
	return json_print(t, fp);
}

static int write_trace(FILE *fp, const void *arg)
{
	return json_print((json_t *)arg, fp);
}

int chrome_save(const struct cp_run *run, const char *path)
{
	json_t *t = chrome_trace(run);
	int err;

	if (!t)
		return -ENODATA;
	err = output_write(path, write_trace, t);
	json_decref(t);
	return err;
}
