/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_FOLDED_H
#define CONVPROF_FOLDED_H

#include <stdint.h>
#include <stdio.h>

#include "convprof/run.h"

/*
 * A run as weighted stacks, the shape flame graphs draw:
 *
 *   model;stage;layer [kind layout impl];frame;frame... value
 *
 * and `model;(other)` for time no layer owns. The weight is the layer's
 * median time in whole microseconds, or any event the run counted.
 *
 * Sampled user stacks (run->stacks) hang under their layer. Their weight
 * is the layer's weight split by sample shares (largest remainder, so the
 * parts add up to the layer's value exactly): the graph stays in one unit,
 * and a layer's width does not depend on how many samples it happened to
 * get. Stacks of one sampling event are used: the event named by a
 * "sample:EVENT" weight, else the first one recorded.
 */

struct folded_stack {
	int layer;		/* row; run->nlayers for (other) */
	const char *frames;	/* sampled frames, ";"-joined, outermost first
				   (the run's); NULL: the layer itself */
	uint64_t value;
};

struct folded {
	struct folded_stack *stacks;
	int n;
	uint64_t total;
	char unit[104];		/* "us" or the event's name */
	char sample_event[48];	/* whose stacks were used; "" none */
};

/*
 * Weigh @run by @weight (NULL or "time": microseconds; else an event of
 * the run) into @f, in execution order, zero weights left out. -EINVAL
 * with a sentence for an unknown event or one that was not counted.
 * Release @f with folded_release().
 */
int folded_build(const struct cp_run *run, const char *weight, struct folded *f);
void folded_release(struct folded *f);

/*
 * A frame name made safe for the folded format: ';' (the separator) becomes
 * ':', control characters (newlines, tabs) become ' ', an empty name
 * "[unknown]". Writes at most @len bytes to @buf and returns it.
 */
char *folded_frame(char *buf, size_t len, const char *name);

/* The layer frame: "name [kind layout impl]" (sanitised), or "(other)". */
char *folded_layer_label(char *buf, size_t len, const struct cp_run *run, int layer);

/* The stage frame of @layer: its stage or "(no stage)" (sanitised). */
char *folded_stage_label(char *buf, size_t len, const struct cp_run *run, int layer);

/* Print @f as folded lines. 0 or -EIO. */
int folded_print(const struct cp_run *run, const struct folded *f, FILE *fp);

#endif
