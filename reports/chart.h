/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CHART_H
#define CONVPROF_CHART_H

#include <stddef.h>
#include <stdio.h>

/*
 * Small SVG charts that convprof draws itself: line charts (latency or
 * throughput against batch, threads, processes), grouped bar charts (one bar
 * per configuration) and log-log scatter plots with roofline ceilings.
 *
 * The output is one self-contained SVG 1.1 document: no scripts, no external
 * fonts or style sheets, every text escaped for XML, so a browser shows it as
 * it is and xmllint accepts it. Coordinates are always finite: a value a log
 * axis cannot show (zero, negative) or a NaN is left out and the chart says
 * how many were left out in a footnote.
 *
 * A chart is filled by the chart_* calls below, which copy every string they
 * are given; chart_release() frees them. Fields may be read directly; set
 * strings only through the calls. The three kinds the study draws:
 *
 *	struct chart c;
 *	int s;
 *
 *	// throughput against threads, with the ideal-scaling line
 *	chart_init(&c, "resnet50 f32: throughput vs threads");
 *	chart_axis_set(&c.x, "threads", CHART_LINEAR);
 *	c.x.integer = 1;
 *	chart_axis_set(&c.y, "images/s", CHART_LINEAR);
 *	s = chart_add_series(&c, "measured", CHART_LINE, NULL);
 *	chart_add_point(&c, s, 1, ips1, NULL, NULL);	// once per thread count
 *	chart_add_ceiling(&c, NAN, ips1, NULL, "ideal scaling");	// y = ips1 * x
 *	err = chart_save_svg(&c, "threads.svg");
 *	chart_release(&c);
 *
 *	// grouped bars: categories on x, one series per bar in a group
 *	chart_add_category(&c, "f32 nhwc");	// x = 0, 1, ...
 *	s = chart_add_series(&c, "fusion on", CHART_BARS, NULL);
 *	chart_add_point(&c, s, 0, ips, NULL, NULL);	// NaN: drawn as "n/a"
 *
 *	// roofline: both axes CHART_LOG, chart_add_ceiling(&c, peak, bw, ...);
 *	// roofline_chart() in roofline.h builds it from a run
 */

enum chart_scale { CHART_LINEAR, CHART_LOG };

enum chart_style {
	CHART_LINE,		/* points joined, with markers; a NaN breaks the line */
	CHART_MARKERS,		/* scatter */
	CHART_BARS,		/* one bar per category, bar series side by side */
};

struct chart_point {
	double x, y;		/* with categories, x is the category index */
	char *label;		/* drawn next to the point; bars: replaces the value */
	char *tip;		/* tooltip; NULL: the series name and the values */
};

struct chart_series {
	char *name;
	char *color;		/* "#rrggbb"; NULL: the palette's next colour */
	enum chart_style style;
	struct chart_point *points;
	size_t npoints, points_alloc;
};

struct chart_axis {
	char *label;
	enum chart_scale scale;
	double min, max;	/* NaN: from the data (and the ceilings) */
	int zero;		/* linear: make the range include 0 */
	int integer;		/* linear: ticks on whole numbers (threads, batch) */
};

/*
 * A roofline ceiling y = min(peak, bw * x): a horizontal line where bw is NaN,
 * a line through the origin (a slope on log-log) where peak is NaN.
 */
struct chart_ceiling {
	double peak, bw;
	char *peak_label, *bw_label;
};

struct chart_note {
	double x, y;
	char *text;
};

struct chart {
	char *title;
	char *subtitle;		/* NULL: none */
	int width, height;	/* pixels; 900 x 560 unless changed, 480 x 300 at least */
	struct chart_axis x, y;
	char **categories;	/* bar charts: the x axis names these, in order */
	size_t ncategories, categories_alloc;
	struct chart_series *series;
	size_t nseries, series_alloc;
	struct chart_ceiling *ceilings;
	size_t nceilings, ceilings_alloc;
	struct chart_note *notes;
	size_t nnotes, notes_alloc;
	char **footnotes;	/* lines under the chart: sources, caveats */
	size_t nfootnotes, footnotes_alloc;
};

/* An empty chart titled @title (NULL: untitled); linear axes, y from zero. */
void chart_init(struct chart *c, const char *title);
void chart_release(struct chart *c);

void chart_set_subtitle(struct chart *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Label and scale of @a (&c->x or &c->y); range from the data. */
void chart_axis_set(struct chart_axis *a, const char *label, enum chart_scale s);

/* Name the next category (x position = its index); returns the index. */
int chart_add_category(struct chart *c, const char *name);

/* A new series; returns its index for chart_add_point(). */
int chart_add_series(struct chart *c, const char *name, enum chart_style style,
		     const char *color);

/* Append a point to series @series; @label and @tip may be NULL. */
void chart_add_point(struct chart *c, int series, double x, double y,
		     const char *label, const char *tip);

/* A ceiling y = min(@peak, @bw * x) (see struct chart_ceiling); labels may be NULL. */
void chart_add_ceiling(struct chart *c, double peak, double bw,
		       const char *peak_label, const char *bw_label);

/* A text drawn at data point (@x, @y). */
void chart_add_note(struct chart *c, double x, double y, const char *text);

/* A line of small print under the plot. */
void chart_add_footnote(struct chart *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Write @c as an SVG document to @fp. Returns 0, or -EIO when @fp reported
 * an error.
 */
int chart_write_svg(const struct chart *c, FILE *fp);

/*
 * Write @c to @path atomically: into a new file next to it, then renamed
 * over @path, so @path holds either its old content or the whole chart.
 * Returns 0 or -errno with the reason in cp_error(); on failure no
 * temporary file is left behind.
 */
int chart_save_svg(const struct chart *c, const char *path);

/*
 * @v compactly: "0", "0.25", "12.5", "1234", "12.3k", "4.5M", "1e-05"; "n/a"
 * for NaN. Returns @buf.
 */
char *chart_fmt_num(char *buf, size_t len, double v);

#endif
