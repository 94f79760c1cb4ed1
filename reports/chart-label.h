/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CHART_LABEL_H
#define CONVPROF_CHART_LABEL_H

/*
 * Where a chart's labels go so that no two cover each other (chart-svg.c's
 * helper): every text and marker drawn is a box; a label takes the first
 * free spot next to its point, else the nearest free one further out
 * (then joined to its point by a leader line), else none.
 */

struct label_box {
	double x0, y0, x1, y1;
};

struct label_placer {
	struct label_box area;		/* labels stay inside */
	struct label_box b[1024];
	int n;
};

void placer_init(struct label_placer *pl, double left, double top, double right,
		 double bottom);

/* Mark a box as taken (a text, a marker). */
void placer_add(struct label_placer *pl, double x0, double y0, double x1, double y1);

/* 1 when @b lies inside the area and meets no box taken. */
int placer_free(const struct label_placer *pl, const struct label_box *b);

/*
 * A spot for a text @w wide, @up above and @down below its baseline, for
 * the point (@px, @py): the text's start and baseline in *@tx, *@ty and
 * whether it is far enough from the point to need a leader line. Returns
 * 0, or -1 when no spot is free (the label is then left out).
 */
int placer_find(const struct label_placer *pl, double px, double py, double w,
		double up, double down, double *tx, double *ty, int *leader);

#endif
