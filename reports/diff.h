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
	int *text_ev;		/* the events text shows, into c.ev_a/ev_b */
	int ntext_ev;
};

/* The widest a text diff gets when no -e says which events to show. */
#define DIFF_TEXT_WIDTH 200

/*
 * Match @a and @b (both outlive @d) and order the rows by @sort: "delta"
 * (NULL: |time change|), "ratio", "time", "name", "index" or an event both
 * counted. @name_a, @name_b: labels when nothing in the configurations
 * tells the runs apart (NULL: "run N"). @events: the events text shows,
 * a comma list ("none": time only); NULL: task-clock and those that
 * changed most, as many as fit DIFF_TEXT_WIDTH columns (CSV and JSON show
 * every event counted in both). 0, or -EINVAL for an unknown key or an
 * event not counted in both (message in cp_error()). Release with
 * diff_view_release().
 */
int diff_view_init(struct diff_view *d, const struct cp_run *a,
		   const struct cp_run *b, const char *name_a, const char *name_b,
		   const char *sort, const char *events);
void diff_view_release(struct diff_view *d);

/*
 * The time (@ev -1) or the @ev-th event both counted of row @r, in A
 * (@is_a) or B; NaN where that run lacks the layer. (other) is the row
 * { a->nlayers, b->nlayers }.
 */
double diff_value(const struct diff_view *d, const struct compare_row *r,
		  int ev, int is_a);
/* The layer a row stands for (B's when both have it). */
const struct cp_layer_rec *diff_row_layer(const struct diff_view *d,
					  const struct compare_row *r);

/* "not compared: a, b (reason)", one line per distinct reason. */
void diff_print_not_compared(const struct diff_view *d, FILE *fp);

/* Print @d as text, CSV or JSON (DESIGN.md). 0, or -EIO when @fp failed. */
int diff_render(const struct diff_view *d, FILE *fp, enum cp_format fmt);

#endif
