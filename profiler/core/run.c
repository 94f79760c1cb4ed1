// SPDX-License-Identifier: MIT
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "convprof/run.h"
#include "util/util.h"

static void layer_init(struct cp_layer_rec *l, int index)
{
	memset(l, 0, sizeof(*l));
	l->index = index;
	l->cfg_layer = -1;
	l->time_ms = l->time_q1_ms = l->time_q3_ms = NAN;
	l->remote_share = NAN;
}

struct cp_run *cp_run_new(void)
{
	struct cp_run *run = xcalloc(1, sizeof(*run));

	layer_init(&run->other, -1);
	snprintf(run->other.name, sizeof(run->other.name), "(other)");
	snprintf(run->other.kind, sizeof(run->other.kind), "other");
	run->latency_ms = run->throughput_ips = NAN;
	run->layers_ms = run->other_ms = run->overhead_pct = NAN;
	run->overhead_spread_pct = NAN;
	run->latency_q1_ms = run->latency_q3_ms = NAN;
	run->fusion = 1;
	run->exit_status = -1;
	return run;
}

void cp_run_stamp(struct cp_run *run, const char *cmdline)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(run->time, sizeof(run->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(run->cmdline, sizeof(run->cmdline), "%s", cmdline ? cmdline : "");
	snprintf(run->convprof_version, sizeof(run->convprof_version), "%s", CP_VERSION);
}

void cp_run_free(struct cp_run *run)
{
	int i;

	if (!run)
		return;
	for (i = 0; i < run->nstacks; i++)
		free(run->stacks[i].frames);
	free(run->stacks);
	free(run->events);
	free(run->layers);
	free(run->counts);
	free(run->total_counts);
	free(run->thread_recs);
	free(run->thread_counts);
	free(run->busy_ms);
	free(run->slices);
	for (i = 0; i < run->command_argc; i++)
		free(run->command_argv[i]);
	free(run->command_argv);
	free(run);
}

static double *nan_array(size_t n)
{
	double *a = xmalloc(n * sizeof(double));
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = NAN;
	return a;
}

/* Re-lay a [rows][old] matrix as [rows][old + 1], the new column NaN. */
static double *add_column(double *m, size_t rows, int old)
{
	double *n = nan_array(rows * (size_t)(old + 1));
	size_t r;

	for (r = 0; m && r < rows; r++)
		memcpy(&n[r * (old + 1)], &m[r * old], (size_t)old * sizeof(double));
	free(m);
	return n;
}

int cp_run_add_event(struct cp_run *run, const char *name, const char *source,
		     int supported, const char *reason)
{
	struct cp_event_info *e;
	int old = run->nevents;
	size_t rows = (size_t)run->nlayers + 1;

	run->events = xrealloc(run->events, (size_t)(old + 1) * sizeof(*run->events));
	e = &run->events[old];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->source, sizeof(e->source), "%s", source ? source : "");
	snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	e->supported = supported;
	e->running_ratio = NAN;

	run->counts = add_column(run->counts, rows, old);
	run->total_counts = add_column(run->total_counts, 1, old);
	if (run->nthreads)
		run->thread_counts = add_column(run->thread_counts,
						rows * (size_t)run->nthreads, old);
	run->nevents = old + 1;
	return old;
}

int cp_run_event_index(const struct cp_run *run, const char *name)
{
	int i;

	for (i = 0; i < run->nevents; i++)
		if (strcmp(run->events[i].name, name) == 0)
			return i;
	return -1;
}

void cp_run_set_layers(struct cp_run *run, int n)
{
	int i;

	free(run->layers);
	run->layers = xcalloc((size_t)(n ? n : 1), sizeof(*run->layers));
	for (i = 0; i < n; i++)
		layer_init(&run->layers[i], i);
	run->nlayers = n;
	free(run->counts);
	run->counts = nan_array((size_t)(n + 1) * (size_t)(run->nevents ? run->nevents : 1));
	if (run->nthreads)
		cp_run_set_threads(run, run->nthreads);
}

void cp_run_set_threads(struct cp_run *run, int nthreads)
{
	int i;

	free(run->thread_recs);
	free(run->thread_counts);
	run->nthreads = nthreads;
	run->thread_recs = xcalloc((size_t)(nthreads ? nthreads : 1),
				   sizeof(*run->thread_recs));
	for (i = 0; i < nthreads; i++) {
		run->thread_recs[i].worker = i;
		run->thread_recs[i].cpu_planned = -1;
		run->thread_recs[i].migrations = NAN;
		run->thread_recs[i].cpu_ms = NAN;
	}
	run->thread_counts = nan_array((size_t)(run->nlayers + 1) *
				       (size_t)(nthreads ? nthreads : 1) *
				       (size_t)(run->nevents ? run->nevents : 1));
	if (run->busy_ms)
		cp_run_set_busy(run);
}

void cp_run_set_busy(struct cp_run *run)
{
	free(run->busy_ms);
	run->busy_ms = nan_array((size_t)(run->nlayers + 1) *
				 (size_t)(run->nthreads ? run->nthreads : 1));
}

void cp_run_add_slice(struct cp_run *run, const struct cp_slice *s)
{
	/* doubling: a timeline of a few iterations x layers x workers */
	if ((run->nslices & (run->nslices - 1)) == 0)
		run->slices = xrealloc(run->slices, (size_t)(run->nslices ? 2 * run->nslices : 1) *
				       sizeof(*run->slices));
	run->slices[run->nslices++] = *s;
}

void cp_run_add_stack(struct cp_run *run, int layer, const char *frames,
		      uint64_t count, const char *event)
{
	struct cp_stack_rec *s;

	run->stacks = xrealloc(run->stacks, (size_t)(run->nstacks + 1) * sizeof(*s));
	s = &run->stacks[run->nstacks++];
	s->layer = layer;
	s->frames = xstrdup(frames ? frames : "");
	s->count = count;
	snprintf(s->event, sizeof(s->event), "%s", event ? event : "");
}

void cp_run_set_command(struct cp_run *run, int argc, const char *const *argv)
{
	int i;

	for (i = 0; i < run->command_argc; i++)
		free(run->command_argv[i]);
	free(run->command_argv);
	run->command_argv = xcalloc((size_t)argc + 1, sizeof(char *));
	for (i = 0; i < argc; i++)
		run->command_argv[i] = xstrdup(argv[i] ? argv[i] : "");
	run->command_argc = argc;
}

void cp_run_title(const struct cp_run *run, char *buf, size_t len)
{
	size_t n;
	int i;

	if (!len)
		return;
	if (run->command_argc <= 0) {
		snprintf(buf, len, "%s %dx%d batch %d, %s %s", run->model, run->width, run->height,
			 run->batch, run->precision, run->layout);
		return;
	}
	n = (size_t)snprintf(buf, len, "command '");
	for (i = 0; i < run->command_argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", run->command_argv[i]);
	if (n + 2 > len && len > 5)	/* cut: say so */
		n = len - 5, memcpy(buf + n, "...", 3), n += 3;
	if (n < len)
		snprintf(buf + n, len - n, "'");
}
