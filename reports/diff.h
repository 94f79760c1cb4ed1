/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_DIFF_H
#define CONVPROF_DIFF_H

#include <stdio.h>

#include "convprof/run.h"
#include "reports/compare.h"
#include "reports/table.h"

/* Two runs matched layer by layer, rows in the order a sort key gives. */
struct diff_view {
	const struct cp_run *a, *b;
	struct comparison c;
	char la[96], lb[96];	/* what to call each run */
	int sort_ev;		/* index into c.ev_a/ev_b, -1 for time */
	const char *sort;
	char summary[256];	/* the one-line verdict */
};

/*
 * Match @a and @b (both outlive @d) and order the rows by @sort: "delta"
 * (NULL: |time change|), "ratio", "time", "name", "index" or an event both
 * counted. @name_a, @name_b: labels when nothing in the configurations
 * tells the runs apart (NULL: "run N"). 0, or -EINVAL for an unknown key
 * (message in cp_error()). Release with diff_view_release().
 */
int diff_view_init(struct diff_view *d, const struct cp_run *a,
		   const struct cp_run *b, const char *name_a, const char *name_b,
		   const char *sort);
void diff_view_release(struct diff_view *d);

/* Print @d as text, CSV or JSON (DESIGN.md). 0, or -EIO when @fp failed. */
int diff_render(const struct diff_view *d, FILE *fp, enum cp_format fmt);

#endif
