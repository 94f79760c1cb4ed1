// SPDX-License-Identifier: MIT
/*
 * Folded stacks (one line per stack, frames joined by ';', a space, an
 * integer), the input of FlameGraph's flamegraph.pl, speedscope and
 * convprof's own SVG.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/folded.h"
#include "util/util.h"

char *folded_frame(char *buf, size_t len, const char *name)
{
	size_t i, n = 0;

	if (!len)
		return buf;
	for (i = 0; name && name[i] && n + 1 < len; i++) {
		unsigned char c = (unsigned char)name[i];

		buf[n++] = c == ';' ? ':' : c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	buf[n] = '\0';
	if (!n)
		snprintf(buf, len, "[unknown]");
	return buf;
}

char *folded_layer_label(char *buf, size_t len, const struct cp_run *run, int layer)
{
	const struct cp_layer_rec *l;
	char *raw;

	if (layer >= run->nlayers)
		return folded_frame(buf, len, "(other)");
	l = &run->layers[layer];
	raw = xasprintf("%s [%s %s %s]", l->name, l->kind[0] ? l->kind : "?",
			l->layout[0] ? l->layout : "?", l->impl[0] ? l->impl : "?");
	folded_frame(buf, len, raw);
	free(raw);
	return buf;
}

char *folded_stage_label(char *buf, size_t len, const struct cp_run *run, int layer)
{
	const char *st = layer < run->nlayers ? run->layers[layer].stage : "";

	return folded_frame(buf, len, st[0] ? st : "(no stage)");
}

static int weight_event(const struct cp_run *run, const char *weight)
{
	int ev = cp_run_event_index(run, weight), i, n = 0, err;
	const char **names, *best;

	if (ev >= 0) {
		if (!run->events[ev].supported)
			return cp_error(-EINVAL, "cannot weigh by '%s': it was not counted (%s)",
					weight, run->events[ev].reason);
		return ev;
	}
	names = xcalloc((size_t)run->nevents + 1, sizeof(char *));
	names[n++] = "time";
	for (i = 0; i < run->nevents; i++)
		if (run->events[i].supported)
			names[n++] = run->events[i].name;
	best = closest_name(weight, names, n, 4);
	err = cp_error(-EINVAL, "cannot weigh by '%s': run %lld has no such event%s%s%s",
		       weight, (long long)run->id, best ? " (did you mean '" : "",
		       best ? best : "", best ? "'?)" : "");
	free(names);
	return err;
}

static uint64_t layer_weight(const struct cp_run *run, int layer, int ev)
{
	double v;

	if (ev < 0)
		v = (layer < run->nlayers ? run->layers[layer].time_ms : run->other_ms) * 1000;
	else
		v = *cp_run_count((struct cp_run *)run, layer, ev);
	/* unknown or negative: no frame, never a made-up 0 */
	return isnan(v) || v <= 0 ? 0 : (uint64_t)llround(v);
}

static void push(struct folded *f, size_t *alloc, int layer, const char *frames,
		 uint64_t value)
{
	if (!value)
		return;
	ALLOC_GROW(f->stacks, (size_t)f->n + 1, *alloc);
	f->stacks[f->n].layer = layer;
	f->stacks[f->n].frames = frames;
	f->stacks[f->n].value = value;
	f->n++;
	f->total += value;
}

/* Split @w over the layer's stacks by sample count, largest remainder first. */
static void split(struct folded *f, size_t *alloc, const struct cp_run *run,
		  int layer, uint64_t w)
{
	uint64_t samples = 0, given = 0, *part, *rem;
	int i, k, n = 0, *idx, best;

	for (i = 0; i < run->nstacks; i++)
		if (run->stacks[i].layer == (layer < run->nlayers ? layer : -1) &&
		    strcmp(run->stacks[i].event, f->sample_event) == 0) {
			samples += run->stacks[i].count;
			n++;
		}
	if (!samples) {
		push(f, alloc, layer, NULL, w);
		return;
	}
	idx = xcalloc((size_t)n, sizeof(int));
	part = xcalloc((size_t)n, sizeof(uint64_t));
	rem = xcalloc((size_t)n, sizeof(uint64_t));
	for (i = 0, k = 0; i < run->nstacks; i++) {
		const struct cp_stack_rec *s = &run->stacks[i];
		unsigned __int128 x;

		if (s->layer != (layer < run->nlayers ? layer : -1) ||
		    strcmp(s->event, f->sample_event) != 0)
			continue;
		x = (unsigned __int128)w * s->count;
		idx[k] = i;
		part[k] = (uint64_t)(x / samples);
		rem[k] = (uint64_t)(x % samples);
		given += part[k++];
	}
	for (; given < w; given++) {
		best = 0;
		for (k = 1; k < n; k++)
			if (rem[k] > rem[best])
				best = k;
		part[best]++;
		rem[best] = 0;
	}
	for (k = 0; k < n; k++) {
		const char *fr = run->stacks[idx[k]].frames;

		push(f, alloc, layer, fr && fr[0] ? fr : NULL, part[k]);
	}
	free(idx);
	free(part);
	free(rem);
}

int folded_build(const struct cp_run *run, const char *weight, struct folded *f)
{
	size_t alloc = 0;
	int ev = -1, i;

	memset(f, 0, sizeof(*f));
	if (weight && strcmp(weight, "time") && strcmp(weight, "time_ms")) {
		ev = weight_event(run, weight);
		if (ev < 0)
			return ev;
		snprintf(f->unit, sizeof(f->unit), "%s", weight);
	} else {
		snprintf(f->unit, sizeof(f->unit), "us");
	}
	if (weight && strncmp(weight, "sample:", 7) == 0)
		for (i = 0; i < run->nstacks && !f->sample_event[0]; i++)
			if (strcmp(run->stacks[i].event, weight + 7) == 0)
				snprintf(f->sample_event, sizeof(f->sample_event), "%s",
					 weight + 7);
	if (!f->sample_event[0] && run->nstacks)
		snprintf(f->sample_event, sizeof(f->sample_event), "%s",
			 run->stacks[0].event);
	for (i = 0; i <= run->nlayers; i++)
		split(f, &alloc, run, i, layer_weight(run, i, ev));
	return 0;
}

void folded_release(struct folded *f)
{
	free(f->stacks);
	memset(f, 0, sizeof(*f));
}

int folded_print(const struct cp_run *run, const struct folded *f, FILE *fp)
{
	char model[128], buf[256];
	const char *p, *end;
	int i;

	folded_frame(model, sizeof(model), run->model);
	for (i = 0; i < f->n; i++) {
		const struct folded_stack *s = &f->stacks[i];

		fputs(model, fp);
		if (s->layer < run->nlayers)
			fprintf(fp, ";%s", folded_stage_label(buf, sizeof(buf), run, s->layer));
		fprintf(fp, ";%s", folded_layer_label(buf, sizeof(buf), run, s->layer));
		for (p = s->frames; p && *p; p = *end ? end + 1 : end) {
			char *one;

			end = strchr(p, ';');
			end = end ? end : p + strlen(p);
			one = xasprintf("%.*s", (int)(end - p), p);
			fprintf(fp, ";%s", folded_frame(buf, sizeof(buf), one));
			free(one);
		}
		fprintf(fp, " %llu\n", (unsigned long long)s->value);
	}
	return ferror(fp) ? -EIO : 0;
}
