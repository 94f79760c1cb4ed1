// SPDX-License-Identifier: MIT
/*
 * Label placement for charts. Candidates are tried nearest first: the six
 * spots around the point a reader expects (right, left, above, below and
 * the right-hand corners), then rings of twelve directions at growing
 * distances. Labels far from their point get a leader line, so a cluster
 * of points (the 1x1 convs of one stage, all at the same intensity) keeps
 * every label readable instead of printing them over each other.
 */
#include <math.h>

#include "reports/chart-label.h"
#include "util/util.h"

void placer_init(struct label_placer *pl, double left, double top, double right,
		 double bottom)
{
	pl->area = (struct label_box){ left, top, right, bottom };
	pl->n = 0;
}

void placer_add(struct label_placer *pl, double x0, double y0, double x1, double y1)
{
	if (pl->n < (int)ARRAY_SIZE(pl->b))
		pl->b[pl->n++] = (struct label_box){ x0, y0, x1, y1 };
}

int placer_free(const struct label_placer *pl, const struct label_box *b)
{
	int i;

	if (b->x0 < pl->area.x0 || b->x1 > pl->area.x1 || b->y0 < pl->area.y0 ||
	    b->y1 > pl->area.y1)
		return 0;
	for (i = 0; i < pl->n; i++)
		if (b->x0 < pl->b[i].x1 && pl->b[i].x0 < b->x1 &&
		    b->y0 < pl->b[i].y1 && pl->b[i].y0 < b->y1)
			return 0;
	return 1;
}

int placer_find(const struct label_placer *pl, double px, double py, double w,
		double up, double down, double *tx, double *ty, int *leader)
{
	static const double near[][2] = {
		{ 7, 4 }, { -7, 4 }, { 0, -9 }, { 0, 16 }, { 6, -7 }, { 6, 15 },
	};
	static const double rings[] = { 22, 34, 48, 64, 84, 108, 140, 180 };
	struct label_box b;
	double x, y, a;
	size_t i, r;
	int k;

	for (i = 0; i < ARRAY_SIZE(near); i++) {
		x = px + near[i][0];
		y = py + near[i][1];
		if (near[i][0] < 0)
			x -= w;
		else if (near[i][0] == 0)
			x -= w / 2;
		b = (struct label_box){ x, y - up, x + w, y + down };
		if (placer_free(pl, &b)) {
			*tx = x;
			*ty = y;
			*leader = 0;
			return 0;
		}
	}
	for (r = 0; r < ARRAY_SIZE(rings); r++) {
		for (k = 0; k < 12; k++) {
			/* right first, then alternately above and below, left last */
			static const int order[] = { 0, 1, 11, 2, 10, 3, 9, 4, 8, 5, 7, 6 };

			a = order[k] * M_PI / 6;
			/* the box's centre on the ring, the box kept off the point */
			x = px + rings[r] * cos(a) - w / 2 + (cos(a) > 0.3 ? w / 2 : cos(a) < -0.3 ? -w / 2 : 0);
			y = py - rings[r] * sin(a) + (up - down) / 2;
			b = (struct label_box){ x, y - up, x + w, y + down };
			if (placer_free(pl, &b)) {
				*tx = x;
				*ty = y;
				*leader = 1;
				return 0;
			}
		}
	}
	return -1;
}
