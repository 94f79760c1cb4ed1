// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/group.h"
#include "util/util.h"

const char *const group_by_choices[] = { "layout", "kind", "impl", "stage", NULL };

int group_by_parse(const char *s, enum group_by *out)
{
	int i;

	for (i = 0; group_by_choices[i]; i++)
		if (s && strcmp(s, group_by_choices[i]) == 0) {
			*out = (enum group_by)i;
			return 0;
		}
	return cp_error(-EINVAL, "cannot group by '%s' (layout, kind, impl or stage)",
			s ? s : "");
}

const char *group_by_name(enum group_by by)
{
	return group_by_choices[by];
}

static const char *group_key(const struct cp_layer_rec *l, enum group_by by)
{
	const char *k = by == GROUP_LAYOUT ? l->layout : by == GROUP_KIND ? l->kind :
			by == GROUP_IMPL ? l->impl : l->stage;

	return *k ? k : "(none)";
}

/* Keep a text field that all members share; "mixed" once they differ. */
static void merge_text(char *dst, size_t n, const char *src, int first)
{
	if (first)
		snprintf(dst, n, "%s", src);
	else if (strcmp(dst, src) != 0)
		snprintf(dst, n, "mixed");
}

/* NaN-strict sum: a member without the value makes the group's unknown. */
static void add_value(double *sum, double v, int first)
{
	*sum = first ? v : *sum + v;
}

static void merge_layer(struct cp_layer_rec *g, const struct cp_layer_rec *l,
			int first, double *bytes_known, double *remote_bytes)
{
	double bytes = (double)(l->weight_bytes + l->in_bytes + l->out_bytes);

	merge_text(g->kind, sizeof(g->kind), l->kind, first);
	merge_text(g->stage, sizeof(g->stage), l->stage, first);
	merge_text(g->post_ops, sizeof(g->post_ops), l->post_ops, first);
	merge_text(g->layout, sizeof(g->layout), l->layout, first);
	merge_text(g->wei_fmt, sizeof(g->wei_fmt), l->wei_fmt, first);
	merge_text(g->dst_fmt, sizeof(g->dst_fmt), l->dst_fmt, first);
	merge_text(g->impl, sizeof(g->impl), l->impl, first);
	merge_text(g->dtype, sizeof(g->dtype), l->dtype, first);
	g->is_ref |= l->is_ref;
	g->flops += l->flops;
	g->weight_bytes += l->weight_bytes;
	g->in_bytes += l->in_bytes;
	g->out_bytes += l->out_bytes;
	g->scratchpad_bytes += l->scratchpad_bytes;
	add_value(&g->time_ms, l->time_ms, first);
	*bytes_known += bytes;
	*remote_bytes += l->remote_share * bytes;	/* NaN sticks */
}

/* Copy the run's configuration, none of its arrays. */
static struct cp_run *run_shell(const struct cp_run *run)
{
	struct cp_run *g = cp_run_new();

	*g = *run;
	g->id = run->id;
	g->nevents = g->nlayers = g->nthreads = g->nstacks = 0;
	g->events = NULL;
	g->layers = NULL;
	g->counts = g->total_counts = g->thread_counts = NULL;
	g->thread_recs = NULL;
	g->stacks = NULL;
	return g;
}

struct cp_run *group_run(const struct cp_run *run, enum group_by by)
{
	struct cp_run *g = run_shell(run);
	int *of = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(int));
	int *members, ngroups = 0, i, j, e, t, lev;
	const char **keys = xcalloc((size_t)(run->nlayers ? run->nlayers : 1),
				    sizeof(char *));
	double *bytes, *remote;

	for (i = 0; i < run->nlayers; i++) {
		const char *k = group_key(&run->layers[i], by);

		for (j = 0; j < ngroups && strcmp(keys[j], k); j++)
			;
		if (j == ngroups)
			keys[ngroups++] = k;
		of[i] = j;
	}
	cp_run_set_layers(g, ngroups);
	if (run->nthreads) {
		cp_run_set_threads(g, run->nthreads);
		memcpy(g->thread_recs, run->thread_recs,
		       (size_t)run->nthreads * sizeof(*run->thread_recs));
	}
	for (e = 0; e < run->nevents; e++) {
		cp_run_add_event(g, run->events[e].name, run->events[e].source,
				 run->events[e].supported, run->events[e].reason);
		g->events[e].running_ratio = run->events[e].running_ratio;
	}
	lev = cp_run_add_event(g, GROUP_LAYERS_EVENT, "group", 1, NULL);
	if (!run->thread_counts) {
		free(g->thread_counts);
		g->thread_counts = NULL;
	}

	members = xcalloc((size_t)(ngroups ? ngroups : 1), sizeof(int));
	bytes = xcalloc((size_t)(ngroups ? ngroups : 1), sizeof(double));
	remote = xcalloc((size_t)(ngroups ? ngroups : 1), sizeof(double));
	for (i = 0; i < run->nlayers; i++) {
		struct cp_layer_rec *gl = &g->layers[of[i]];
		int first = members[of[i]]++ == 0;

		if (first)
			snprintf(gl->name, sizeof(gl->name), "%s", keys[of[i]]);
		merge_layer(gl, &run->layers[i], first, &bytes[of[i]], &remote[of[i]]);
		for (e = 0; e < run->nevents; e++) {
			add_value(cp_run_count(g, of[i], e),
				  *cp_run_count((struct cp_run *)run, i, e), first);
			for (t = 0; run->thread_counts && t < run->nthreads; t++)
				add_value(cp_run_thread_count(g, of[i], t, e),
					  *cp_run_thread_count((struct cp_run *)run, i, t, e),
					  first);
		}
	}
	for (j = 0; j < ngroups; j++) {
		g->layers[j].index = j;
		g->layers[j].cfg_layer = -1;
		g->layers[j].remote_share = bytes[j] > 0 ? remote[j] / bytes[j] : NAN;
		*cp_run_count(g, j, lev) = members[j];
	}

	/* (other) and the totals are what they were */
	g->other = run->other;
	for (e = 0; e < run->nevents; e++) {
		*cp_run_count(g, ngroups, e) =
			*cp_run_count((struct cp_run *)run, run->nlayers, e);
		g->total_counts[e] = run->total_counts[e];
		for (t = 0; run->thread_counts && t < run->nthreads; t++)
			*cp_run_thread_count(g, ngroups, t, e) =
				*cp_run_thread_count((struct cp_run *)run, run->nlayers, t, e);
	}
	g->total_counts[lev] = run->nlayers;
	for (i = 0; i < run->nstacks; i++) {
		const struct cp_stack_rec *s = &run->stacks[i];

		cp_run_add_stack(g, s->layer >= 0 && s->layer < run->nlayers ? of[s->layer] : -1,
				 s->frames, s->count, s->event);
	}
	free(of);
	free(keys);
	free(members);
	free(bytes);
	free(remote);
	return g;
}
