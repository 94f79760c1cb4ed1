/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_FLAMEGRAPH_H
#define CONVPROF_FLAMEGRAPH_H

#include <stdio.h>

#include "convprof/run.h"
#include "reports/folded.h"

/*
 * A self-contained SVG flame graph of folded stacks, drawn as an icicle:
 * the model on top, then stages, layers and sampled frames below, each
 * frame as wide as its weight, in execution order (not sorted by name: the
 * order of layers means something). Every frame carries a <title> (its full
 * name, value and share) that browsers show on hover; labels are cut to
 * the frame's width. No script, no external file.
 */

enum flame_color { FLAME_BY_KIND, FLAME_BY_LAYOUT };

extern const char *const flame_color_choices[];	/* "kind", "layout", NULL */

struct flame_opts {
	enum flame_color color;
	const char *subtitle;	/* under the title, or NULL */
};

/*
 * Draw @f (the folded stacks of @run) to @fp. With @base and @fbase (run A
 * of a differential graph, @run being B), widths still come from B and each
 * frame is coloured by its change from A: red where B is slower, blue where
 * faster, the deeper the larger the change (full colour at 2x); frames
 * found only in B are full red. Frames are matched by model, stage, layer
 * name and frame names, not by layout or implementation, which are what
 * typically differ. Returns 0 or -EIO.
 */
int flamegraph_svg(const struct cp_run *run, const struct folded *f,
		   const struct cp_run *base, const struct folded *fbase,
		   const struct flame_opts *o, FILE *fp);

#endif
