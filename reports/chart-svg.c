// SPDX-License-Identifier: MIT
/*
 * The SVG side of chart.h: layout, axes, ticks, series, ceilings, labels.
 * Kept apart from the chart model (chart.c) so each file reads on its own.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart.h"
#include "reports/svg.h"
#include "util/util.h"

/* ---- axes ---- */

struct axis_map {
	enum chart_scale scale;
	int categorical;
	double lo, hi;		/* the range; log10 of it on a log axis */
	double step;		/* linear: tick spacing */
	double p0, p1;		/* pixels of lo and hi */
};

struct extent {
	double min, max;
	int n;
};

static int value_ok(const struct axis_map *m, double v)
{
	return isfinite(v) && (m->scale != CHART_LOG || v > 0);
}

static void extent_add(struct extent *e, const struct axis_map *m, double v)
{
	if (!value_ok(m, v))
		return;
	if (!e->n || v < e->min)
		e->min = v;
	if (!e->n || v > e->max)
		e->max = v;
	e->n++;
}

static double axis_t(const struct axis_map *m, double v)
{
	return m->scale == CHART_LOG ? log10(v) : v;
}

/* Always finite: a range near the limits of a double must not print "nan". */
static double axis_px(const struct axis_map *m, double v)
{
	double p = m->p0 + (axis_t(m, v) - m->lo) / (m->hi - m->lo) * (m->p1 - m->p0);

	return isfinite(p) ? p : m->p0;
}

/* The data value at the low (0) or high (1) end of @m. */
static double axis_end(const struct axis_map *m, int high)
{
	double t = high ? m->hi : m->lo;

	return m->scale == CHART_LOG ? pow(10, t) : t;
}

/* 1, 2 or 5 times a power of ten, at least @raw. */
static double nice_step(double raw)
{
	double mag = pow(10, floor(log10(raw))), r = raw / mag;

	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/*
 * Fit @m to the extent @e of the data. A linear axis ends on multiples of a
 * 1-2-5 step; a log axis gets a margin of a few percent of its decades, so
 * no point sits on the frame. @headroom adds room above (value labels).
 */
static void axis_fit(struct axis_map *m, const struct chart_axis *a,
		     struct extent e, int zero, double headroom)
{
	int fix_lo, fix_hi;
	double lo, hi, d;

	m->scale = a->scale;
	fix_lo = value_ok(m, a->min);
	fix_hi = value_ok(m, a->max) && (!fix_lo || a->max > a->min);
	if (!e.n) {
		e.min = m->scale == CHART_LOG ? 1 : 0;
		e.max = m->scale == CHART_LOG ? 10 : 1;
	}
	if (fix_lo)
		e.min = a->min;
	if (fix_hi)
		e.max = a->max;
	if (m->scale == CHART_LOG) {
		lo = log10(e.min);
		hi = log10(MAX(e.max, e.min));
		if (hi - lo < 1e-9) {
			lo -= 0.5;
			hi += 0.5;
			fix_lo = fix_hi = 0;
		}
		d = (hi - lo) * 0.04 + 0.05;
		m->lo = fix_lo ? lo : lo - d;
		m->hi = fix_hi ? hi : hi + d + headroom * (hi - lo);
		return;
	}
	lo = e.min;
	hi = MAX(e.max, e.min);
	if (zero && !fix_lo && lo > 0)
		lo = 0;
	if (zero && !fix_hi && hi < 0)
		hi = 0;
	if (hi - lo <= fabs(hi) * 1e-9) {
		d = hi != 0 ? fabs(hi) * 0.1 : 1;
		lo -= d;
		hi += d;
		fix_lo = fix_hi = 0;
	}
	/* keep points off the frame, but an axis that starts at 0 starts there */
	d = (hi - lo) * 0.04;
	if (!fix_lo && lo != 0)
		lo -= d;
	if (!fix_hi && hi != 0)
		hi += d;
	if (!fix_hi)
		hi += headroom * (hi - lo);
	m->step = nice_step((hi - lo) / 6);
	if (a->integer && m->step < 1)
		m->step = 1;
	m->lo = fix_lo ? lo : floor(lo / m->step) * m->step;
	m->hi = fix_hi ? hi : ceil(hi / m->step) * m->step;
}

/* ---- layout ---- */

#define MAX_FOOTNOTES 8
#define FONT_TICK 11.0
#define FONT_LABEL 11.0

struct layout {
	double left, right, top, bottom;	/* the plot area */
	struct axis_map x, y;
	int nbars;			/* bar series */
	int legend;			/* entries */
	int cat_chars;
	double cat_drop;		/* slanted category names: their height */
	char *extra[2];			/* footnotes this file adds */
	int nextra;
};

static int point_x_ok(const struct chart *c, const struct layout *l, double x)
{
	if (l->x.categorical)
		return x == floor(x) && x >= 0 && x < (double)c->ncategories;
	return value_ok(&l->x, x);
}

static void layout_ranges(const struct chart *c, struct layout *l)
{
	struct extent ex = { 0 }, ey = { 0 };
	double headroom = 0;
	size_t i, j;

	l->x.scale = c->ncategories ? CHART_LINEAR : c->x.scale;
	l->x.categorical = c->ncategories > 0;
	l->y.scale = c->y.scale;
	for (i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];

		for (j = 0; j < s->npoints; j++) {
			if (!point_x_ok(c, l, s->points[j].x))
				continue;
			extent_add(&ex, &l->x, s->points[j].x);
			extent_add(&ey, &l->y, s->points[j].y);
		}
		if (s->style == CHART_BARS) {
			l->nbars++;
			headroom = 0.08;
			if (l->y.scale == CHART_LINEAR)
				extent_add(&ey, &l->y, 0);
		}
	}
	for (i = 0; i < c->nceilings; i++) {
		const struct chart_ceiling *k = &c->ceilings[i];

		extent_add(&ey, &l->y, k->peak);
		if (isfinite(k->peak) && isfinite(k->bw) && k->bw > 0)
			extent_add(&ex, &l->x, k->peak / k->bw);
	}
	for (i = 0; i < c->nnotes; i++) {
		extent_add(&ex, &l->x, c->notes[i].x);
		extent_add(&ey, &l->y, c->notes[i].y);
	}
	if (l->x.categorical) {
		l->x.lo = -0.5;
		l->x.hi = (double)c->ncategories - 0.5;
	} else {
		axis_fit(&l->x, &c->x, ex, c->x.zero, 0);
	}
	axis_fit(&l->y, &c->y, ey, c->y.zero, headroom);
}

/* Count what the axes cannot show, for a footnote: never a silent drop. */
static void layout_dropped(const struct chart *c, struct layout *l)
{
	int nonpos = 0, nan = 0;
	size_t i, j;

	for (i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];

		for (j = 0; j < s->npoints; j++) {
			double x = s->points[j].x, y = s->points[j].y;

			/* a NaN bar is drawn as "n/a" */
			if (s->style == CHART_BARS && isnan(y) && point_x_ok(c, l, x))
				continue;
			if (!isfinite(x) || !isfinite(y))
				nan++;
			else if (!point_x_ok(c, l, x) && !l->x.categorical)
				nonpos++;
			else if (!point_x_ok(c, l, x))
				nan++;
			else if (!value_ok(&l->y, y))
				nonpos++;
		}
	}
	if (nonpos)
		l->extra[l->nextra++] = xasprintf("%d value%s left out: not positive, on a log axis",
						  nonpos, nonpos == 1 ? "" : "s");
	if (nan)
		l->extra[l->nextra++] = xasprintf("%d value%s left out: not a number or no such category",
						  nan, nan == 1 ? "" : "s");
}

static void layout_make(const struct chart *c, struct layout *l)
{
	size_t i, longest = 0;
	double slot;
	int nfoot;

	memset(l, 0, sizeof(*l));
	layout_ranges(c, l);
	layout_dropped(c, l);
	for (i = 0; i < c->nseries; i++)
		if (c->series[i].name[0])
			l->legend++;
	nfoot = (int)MIN(c->nfootnotes + (size_t)l->nextra, (size_t)MAX_FOOTNOTES);

	l->left = 78;
	l->right = c->width - (l->legend ? 220 : 30);
	l->top = c->subtitle ? 64 : 48;
	l->bottom = c->height - 52 - 15 * nfoot;
	if (l->x.categorical) {
		for (i = 0; i < c->ncategories; i++)
			longest = MAX(longest, (size_t)svg_text_chars(c->categories[i]));
		slot = (l->right - l->left) / (double)c->ncategories;
		l->cat_chars = (int)(slot / svg_text_width(1, FONT_TICK));
		if ((int)longest > l->cat_chars) {
			/* slanted names: 24 characters, the plot moves up for them */
			l->cat_chars = 24;
			l->cat_drop = svg_text_width(MIN((int)longest, 24), FONT_TICK) * 0.57 + 4;
			l->bottom -= l->cat_drop;
		}
	}
	if (l->bottom - l->top < 100)
		l->bottom = l->top + 100;
	l->x.p0 = l->left;
	l->x.p1 = l->right;
	l->y.p0 = l->bottom;
	l->y.p1 = l->top;
}

/* ---- drawing ---- */

static void draw_tick(FILE *fp, const struct layout *l, int is_x, double v,
		      int major, int label)
{
	char buf[32];
	double p;

	if (!value_ok(is_x ? &l->x : &l->y, v))
		return;
	if (is_x) {
		p = axis_px(&l->x, v);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			p, l->top, p, l->bottom, major ? "#e0e0e0" : "#f2f2f2");
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
			p, l->bottom, p, l->bottom + (major ? 5 : 3));
		if (label)
			svg_text(fp, p, l->bottom + 17, "font-size=\"11\" text-anchor=\"middle\"",
				 chart_fmt_num(buf, sizeof(buf), v), 0);
		return;
	}
	p = axis_px(&l->y, v);
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		l->left, p, l->right, p, major ? "#e0e0e0" : "#f2f2f2");
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
		l->left - (major ? 5 : 3), p, l->left, p);
	if (label)
		svg_text(fp, l->left - 8, p + 4, "font-size=\"11\" text-anchor=\"end\"",
			 chart_fmt_num(buf, sizeof(buf), v), 0);
}

/*
 * Linear: every step. Log: decades are major ticks, 2..9 minor ones; short
 * ranges label 2 and 5 too (or every minor), long ones every other decade.
 */
static void draw_ticks(FILE *fp, const struct layout *l, int is_x)
{
	const struct axis_map *m = is_x ? &l->x : &l->y;
	double span = m->hi - m->lo, v, t, first;
	int k, e, every, n;

	if (m->scale == CHART_LINEAR) {
		/* in step units, so a range far from zero keeps its ticks exact */
		first = ceil(m->lo / m->step - 1e-9);
		for (n = 0; n < 100; n++) {
			v = (first + n) * m->step;
			if (v > m->hi + m->step * 1e-9)
				break;
			draw_tick(fp, l, is_x, fabs(v) < m->step * 1e-9 ? 0 : v, 1, 1);
		}
		return;
	}
	/* about eight labelled decades at most */
	every = span > 8 ? (int)ceil(span / 8) : 1;
	for (e = (int)floor(m->lo); e <= (int)ceil(m->hi); e++) {
		for (k = 1; k < 10; k++) {
			t = e + log10(k);
			if (t < m->lo - 1e-9 || t > m->hi + 1e-9)
				continue;
			v = k * pow(10, e);
			if (k == 1 && (every <= 2 || e % every == 0))
				draw_tick(fp, l, is_x, v, 1, e % every == 0);
			else if (span <= 8)
				draw_tick(fp, l, is_x, v, 0,
					  span < 1 || (span <= 2.5 && (k == 2 || k == 5)));
		}
	}
}

static void draw_axes(FILE *fp, const struct chart *c, const struct layout *l)
{
	char attrs[128];
	double slot, p;
	size_t i;

	if (l->x.categorical) {
		slot = (l->right - l->left) / (double)c->ncategories;
		for (i = 0; i < c->ncategories; i++) {
			p = l->left + slot * ((double)i + 0.5);
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
				p, l->bottom, p, l->bottom + 5);
			if (l->cat_drop > 0) {
				snprintf(attrs, sizeof(attrs),
					 "font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-35 %.1f %.1f)\"",
					 p, l->bottom + 14);
				svg_text(fp, p, l->bottom + 14, attrs, c->categories[i], l->cat_chars);
			} else {
				svg_text(fp, p, l->bottom + 17, "font-size=\"11\" text-anchor=\"middle\"",
					 c->categories[i], l->cat_chars);
			}
		}
	} else {
		draw_ticks(fp, l, 1);
	}
	draw_ticks(fp, l, 0);
	fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n",
		l->left, l->top, l->right - l->left, l->bottom - l->top);
	if (c->x.label)
		svg_text(fp, (l->left + l->right) / 2,
			 l->bottom + 38 + l->cat_drop,
			 "font-size=\"12\" text-anchor=\"middle\"", c->x.label,
			 (int)((l->right - l->left) / svg_text_width(1, 12)));
	if (c->y.label) {
		p = (l->top + l->bottom) / 2;
		snprintf(attrs, sizeof(attrs),
			 "font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\"", p);
		svg_text(fp, 18, p, attrs, c->y.label,
			 (int)((l->bottom - l->top) / svg_text_width(1, 12)));
	}
}

/* Boxes of the texts placed so far, so labels do not cover each other. */
struct box {
	double x0, y0, x1, y1;
};

struct placer {
	struct box b[512];
	int n;
};

static int box_free(const struct placer *pl, const struct layout *l,
		    const struct box *b)
{
	int i;

	if (b->x0 < l->left || b->x1 > l->right || b->y0 < l->top || b->y1 > l->bottom)
		return 0;
	for (i = 0; i < pl->n; i++)
		if (b->x0 < pl->b[i].x1 && pl->b[i].x0 < b->x1 &&
		    b->y0 < pl->b[i].y1 && pl->b[i].y0 < b->y1)
			return 0;
	return 1;
}

static void box_add(struct placer *pl, double x0, double y0, double x1, double y1)
{
	if (pl->n < (int)ARRAY_SIZE(pl->b))
		pl->b[pl->n++] = (struct box){ x0, y0, x1, y1 };
}

/* Try right, left, above, below the point; the right side when all are taken. */
static void draw_label(FILE *fp, struct placer *pl, const struct layout *l,
		       double px, double py, const char *text)
{
	static const double off[][2] = {
		{ 7, 4 }, { -7, 4 }, { 0, -9 }, { 0, 16 }, { 6, -7 }, { 6, 15 },
	};
	int max = 28, n = MIN(svg_text_chars(text), max), i;
	double w = svg_text_width(n, FONT_LABEL), tx = px + 7, ty = py + 4;
	struct box b;

	for (i = 0; i < (int)ARRAY_SIZE(off); i++) {
		double x = px + off[i][0], y = py + off[i][1];

		if (off[i][0] < 0)
			x -= w;
		else if (off[i][0] == 0)
			x -= w / 2;
		b = (struct box){ x, y - FONT_LABEL * 0.8, x + w, y + FONT_LABEL * 0.25 };
		if (box_free(pl, l, &b)) {
			tx = x;
			ty = y;
			break;
		}
	}
	box_add(pl, tx, ty - FONT_LABEL * 0.8, tx + w, ty + FONT_LABEL * 0.25);
	svg_text(fp, tx, ty, "font-size=\"11\" fill=\"#222\"", text, max);
}

static void put_tip(FILE *fp, const struct chart *c, const struct layout *l,
		    const struct chart_series *s, const struct chart_point *p)
{
	char xb[32], yb[32];

	fputs("<title>", fp);
	if (p->tip) {
		svg_escape(fp, p->tip, 0);
	} else {
		svg_escape(fp, s->name, 0);
		fputs(s->name[0] ? ": " : "", fp);
		if (l->x.categorical)
			svg_escape(fp, c->categories[(size_t)p->x], 0);
		else
			fputs(chart_fmt_num(xb, sizeof(xb), p->x), fp);
		fprintf(fp, ", %s", chart_fmt_num(yb, sizeof(yb), p->y));
	}
	fputs("</title>", fp);
}

/* Shapes as well as colours tell the series apart. */
static void draw_marker(FILE *fp, int shape, double x, double y,
			const char *color, const struct chart *c,
			const struct layout *l, const struct chart_series *s,
			const struct chart_point *p)
{
	const char *el = shape == 0 ? "circle" : shape == 1 ? "rect" : "path";

	switch (shape) {
	case 0:
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"", x, y);
		break;
	case 1:
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7.2\" height=\"7.2\"", x - 3.6, y - 3.6);
		break;
	case 2:
		fprintf(fp, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"",
			x, y - 4.8, x + 4.4, y + 3.2, x - 4.4, y + 3.2);
		break;
	default:
		fprintf(fp, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"",
			x, y - 5, x + 5, y, x, y + 5, x - 5, y);
		break;
	}
	fputs(" fill=\"", fp);
	svg_escape(fp, color, 0);
	fputs("\" stroke=\"#fff\" stroke-width=\"0.8\"", fp);
	if (!p) {
		fputs("/>\n", fp);
		return;
	}
	fputc('>', fp);
	put_tip(fp, c, l, s, p);
	fprintf(fp, "</%s>\n", el);
}

static void draw_bars(FILE *fp, const struct chart *c, const struct layout *l,
		      struct placer *pl)
{
	double slot = (l->right - l->left) / (double)MAX(c->ncategories, 1);
	/* wide bars read as blocks, not values: at most 70 px */
	double bw = MIN(slot * 0.8 / MAX(l->nbars, 1), 70), base, x, y, w;
	double pad = (slot - bw * MAX(l->nbars, 1)) / 2;
	char buf[32], attrs[96];
	const char *text;
	size_t i, j;
	int k = 0;

	base = l->y.scale == CHART_LOG ? l->bottom :
		axis_px(&l->y, MIN(MAX(0, l->y.lo), l->y.hi));
	for (i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];

		if (s->style != CHART_BARS)
			continue;
		for (j = 0; j < s->npoints; j++) {
			const struct chart_point *p = &s->points[j];

			if (!point_x_ok(c, l, p->x) || (!value_ok(&l->y, p->y) && !isnan(p->y)))
				continue;
			x = l->left + slot * p->x + pad + bw * k;
			if (isnan(p->y)) {
				svg_text(fp, x + bw / 2, base - 4,
					 "font-size=\"10\" fill=\"#666\" text-anchor=\"middle\"", "n/a", 0);
				continue;
			}
			y = axis_px(&l->y, p->y);
			y = MIN(MAX(y, l->top), l->bottom);
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"",
				x + 1, MIN(y, base), MAX(bw - 2, 1), fabs(base - y));
			svg_escape(fp, s->color, 0);
			fputs("\">", fp);
			put_tip(fp, c, l, s, p);
			fputs("</rect>\n", fp);

			text = p->label ? p->label : chart_fmt_num(buf, sizeof(buf), p->y);
			w = svg_text_width(MIN(svg_text_chars(text), 14), 10);
			if (w + 2 <= bw) {
				svg_text(fp, x + bw / 2, y < base ? y - 4 : y + 12,
					 "font-size=\"10\" fill=\"#222\" text-anchor=\"middle\"", text, 14);
				box_add(pl, x, y - 14, x + bw, y);
			} else {
				snprintf(attrs, sizeof(attrs),
					 "font-size=\"10\" fill=\"#222\" transform=\"rotate(-90 %.1f %.1f)\"",
					 x + bw / 2 + 3.5, y - 4);
				svg_text(fp, x + bw / 2 + 3.5, y - 4, attrs, text, 14);
			}
		}
		k++;
	}
}

static void draw_series(FILE *fp, const struct chart *c, const struct layout *l)
{
	size_t i, j;
	int open;

	for (i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];

		if (s->style == CHART_LINE) {
			/* a point the axes cannot show breaks the line */
			open = 0;
			for (j = 0; j < s->npoints; j++) {
				const struct chart_point *p = &s->points[j];

				if (!point_x_ok(c, l, p->x) || !value_ok(&l->y, p->y)) {
					if (open)
						fputs("\"/>\n", fp);
					open = 0;
					continue;
				}
				if (!open) {
					fputs("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"", fp);
					svg_escape(fp, s->color, 0);
					fputs("\" points=\"", fp);
				}
				fprintf(fp, "%s%.1f,%.1f", open ? " " : "",
					axis_px(&l->x, p->x), axis_px(&l->y, p->y));
				open = 1;
			}
			if (open)
				fputs("\"/>\n", fp);
		}
		if (s->style == CHART_BARS)
			continue;
		for (j = 0; j < s->npoints; j++) {
			const struct chart_point *p = &s->points[j];

			if (point_x_ok(c, l, p->x) && value_ok(&l->y, p->y))
				draw_marker(fp, (int)(i % 4), axis_px(&l->x, p->x),
					    axis_px(&l->y, p->y), s->color, c, l, s, p);
		}
	}
}

/*
 * y = min(peak, bw * x) between the ends of the x axis, starting where the
 * slope enters the plot from below; its corner (the ridge point) is exact.
 */
static void draw_ceilings(FILE *fp, const struct chart *c, const struct layout *l,
			  struct placer *pl)
{
	double xa = axis_end(&l->x, 0), xb = axis_end(&l->x, 1);
	double ya = axis_end(&l->y, 0), yb = axis_end(&l->y, 1), px[3], py[3], w, ang;
	char attrs[128];
	size_t i;
	int n, j, slope, flat;

	for (i = 0; i < c->nceilings; i++) {
		const struct chart_ceiling *k = &c->ceilings[i];
		/* over categories only a horizontal line means anything */
		int has_peak = isfinite(k->peak);
		int has_bw = isfinite(k->bw) && k->bw > 0 && !l->x.categorical;
		/* where the slope meets the peak; a lone peak is flat everywhere */
		double ridge = !has_bw ? -INFINITY : has_peak ? k->peak / k->bw : INFINITY;
		double xs = has_bw ? MAX(xa, ya / k->bw) : xa;
		/* the slope ends at the ridge or where it leaves the plot */
		double xe = has_bw ? MIN(MIN(ridge, xb), yb / k->bw) : xb;
		double xv[3], yv[3];

		n = 0;
		slope = has_bw && xe > xs;
		flat = has_peak && ridge < xb && k->peak >= ya && k->peak <= yb;
		if (slope) {
			xv[n] = xs, yv[n++] = k->bw * xs;
			xv[n] = xe, yv[n++] = k->bw * xe;
		}
		if (flat) {
			if (!slope)
				xv[n] = xa, yv[n++] = k->peak;
			xv[n] = xb, yv[n++] = k->peak;
		}
		for (j = 0; j < n; j++) {
			if (!value_ok(&l->x, xv[j]) || !value_ok(&l->y, yv[j]))
				break;
			px[j] = axis_px(&l->x, xv[j]);
			py[j] = axis_px(&l->y, yv[j]);
		}
		if (n < 2 || j < n)
			continue;
		fputs("<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1.6\" points=\"", fp);
		for (j = 0; j < n; j++)
			fprintf(fp, "%s%.1f,%.1f", j ? " " : "", px[j], py[j]);
		fputs("\"/>\n", fp);

		if (k->peak_label && flat && py[n - 1] > l->top + 12) {
			w = svg_text_width(MIN(svg_text_chars(k->peak_label), 40), 11);
			/* readable over bars and grid */
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"#fff\" fill-opacity=\"0.85\"/>\n",
				l->right - 8 - w, py[n - 1] - 17, w + 4);
			svg_text(fp, l->right - 6, py[n - 1] - 5,
				 "font-size=\"11\" fill=\"#333\" text-anchor=\"end\"", k->peak_label, 40);
			box_add(pl, l->right - 6 - w, py[n - 1] - 16, l->right - 6, py[n - 1]);
		}
		if (k->bw_label && slope) {
			/* along the slope, a third of the way up, above the line */
			double mx = px[0] + (px[1] - px[0]) * 0.3, my = py[0] + (py[1] - py[0]) * 0.3;

			ang = atan2(py[1] - py[0], px[1] - px[0]) * 180 / M_PI;
			snprintf(attrs, sizeof(attrs),
				 "font-size=\"11\" fill=\"#333\" transform=\"rotate(%.1f %.1f %.1f)\"",
				 ang, mx, my - 5);
			svg_text(fp, mx, my - 5, attrs, k->bw_label, 40);
			w = svg_text_width(MIN(svg_text_chars(k->bw_label), 40), 11);
			box_add(pl, mx, MIN(my, py[1]) - 14, mx + w * cos(ang * M_PI / 180), MAX(my, py[1]));
		}
	}
}

static void draw_legend(FILE *fp, const struct chart *c, const struct layout *l)
{
	double x = l->right + 16, y = l->top + 8;
	int max = (int)((c->width - x - 30) / svg_text_width(1, 11)), shown = 0;
	char more[32];
	size_t i;

	for (i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];

		if (!s->name[0])
			continue;
		if (y + 18 > l->bottom) {
			snprintf(more, sizeof(more), "and %d more", l->legend - shown);
			svg_text(fp, x, y + 4, "font-size=\"11\" fill=\"#666\"", more, 0);
			break;
		}
		if (s->style == CHART_BARS) {
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"", x + 3, y - 6);
			svg_escape(fp, s->color, 0);
			fputs("\"/>\n", fp);
		} else {
			if (s->style == CHART_LINE) {
				fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"2\" stroke=\"",
					x, y, x + 18, y);
				svg_escape(fp, s->color, 0);
				fputs("\"/>\n", fp);
			}
			draw_marker(fp, (int)(i % 4), x + 9, y, s->color, c, l, s, NULL);
		}
		svg_text(fp, x + 24, y + 4, "font-size=\"11\"", s->name, max);
		y += 20;
		shown++;
	}
}

int chart_write_svg(const struct chart *chart, FILE *fp)
{
	struct chart sized = *chart, *c = &sized;
	struct placer *pl = xcalloc(1, sizeof(*pl));
	struct layout l;
	int i, nfoot, has_data = 0;
	size_t j;
	double y;

	/* below this the margins leave no plot */
	sized.width = MAX(chart->width, 480);
	sized.height = MAX(chart->height, 300);
	layout_make(c, &l);
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
		c->width, c->height, c->width, c->height);
	fputs("<title>", fp);
	svg_escape(fp, c->title, 0);
	fputs("</title>\n", fp);
	fprintf(fp, "<defs><clipPath id=\"plot-area\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
		l.left, l.top, l.right - l.left, l.bottom - l.top);
	fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", c->width, c->height);
	svg_text(fp, c->width / 2.0, 26, "font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\"",
		 c->title, (int)((c->width - 20) / svg_text_width(1, 16)));
	if (c->subtitle)
		svg_text(fp, c->width / 2.0, 45, "font-size=\"12\" fill=\"#555\" text-anchor=\"middle\"",
			 c->subtitle, (int)((c->width - 20) / svg_text_width(1, 12)));

	draw_axes(fp, c, &l);
	fputs("<g clip-path=\"url(#plot-area)\">\n", fp);
	draw_bars(fp, c, &l, pl);
	draw_ceilings(fp, c, &l, pl);
	draw_series(fp, c, &l);
	fputs("</g>\n", fp);

	for (j = 0; j < c->nseries; j++) {
		const struct chart_series *s = &c->series[j];
		size_t k;

		for (k = 0; k < s->npoints; k++) {
			const struct chart_point *p = &s->points[k];

			if (!point_x_ok(c, &l, p->x) || !value_ok(&l.y, p->y))
				continue;
			has_data = 1;
			if (p->label && s->style != CHART_BARS)
				draw_label(fp, pl, &l, axis_px(&l.x, p->x), axis_px(&l.y, p->y), p->label);
		}
	}
	for (j = 0; j < c->nnotes; j++)
		if (value_ok(&l.x, c->notes[j].x) && value_ok(&l.y, c->notes[j].y))
			draw_label(fp, pl, &l, axis_px(&l.x, c->notes[j].x),
				   axis_px(&l.y, c->notes[j].y), c->notes[j].text);
	if (!has_data && !c->nceilings)
		svg_text(fp, (l.left + l.right) / 2, (l.top + l.bottom) / 2,
			 "font-size=\"14\" fill=\"#888\" text-anchor=\"middle\"", "no data", 0);
	draw_legend(fp, c, &l);

	y = c->height - 10 - 15.0 * (MIN(c->nfootnotes + (size_t)l.nextra, MAX_FOOTNOTES) - 1);
	nfoot = 0;
	for (j = 0; j < c->nfootnotes + (size_t)l.nextra && nfoot < MAX_FOOTNOTES; j++, nfoot++, y += 15)
		svg_text(fp, 10, y, "font-size=\"11\" fill=\"#555\"",
			 j < c->nfootnotes ? c->footnotes[j] : l.extra[j - c->nfootnotes],
			 (int)((c->width - 20) / svg_text_width(1, 11)));
	fputs("</svg>\n", fp);

	for (i = 0; i < l.nextra; i++)
		free(l.extra[i]);
	free(pl);
	return fflush(fp) || ferror(fp) ? -EIO : 0;
}

static int write_chart(FILE *fp, const void *chart)
{
	return chart_write_svg(chart, fp);
}

int chart_save_svg(const struct chart *c, const char *path)
{
	return svg_save(path, write_chart, c);
}
