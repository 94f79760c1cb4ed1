// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart.h"
#include "util/util.h"

/* Okabe-Ito: tells apart for the common colour blindnesses, prints in grey. */
static const char *const palette[] = {
	"#0072B2", "#D55E00", "#009E73", "#E69F00",
	"#CC79A7", "#56B4E9", "#999999", "#000000",
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void chart_init(struct chart *c, const char *title)
{
	memset(c, 0, sizeof(*c));
	c->title = xstrdup(title ? title : "");
	c->width = 900;
	c->height = 560;
	c->x.min = c->x.max = NAN;
	c->y.min = c->y.max = NAN;
	c->y.zero = 1;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void chart_release(struct chart *c)
{
	size_t i, j;

	free(c->title);
	free(c->subtitle);
	free(c->x.label);
	free(c->y.label);
	free_strings(c->categories, c->ncategories);
	for (i = 0; i < c->nseries; i++) {
		struct chart_series *s = &c->series[i];

		for (j = 0; j < s->npoints; j++) {
			free(s->points[j].label);
			free(s->points[j].tip);
		}
		free(s->points);
		free(s->name);
		free(s->color);
	}
	free(c->series);
	for (i = 0; i < c->nceilings; i++) {
		free(c->ceilings[i].peak_label);
		free(c->ceilings[i].bw_label);
	}
	free(c->ceilings);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i].text);
	free(c->notes);
	free_strings(c->footnotes, c->nfootnotes);
	memset(c, 0, sizeof(*c));
}

void chart_set_subtitle(struct chart *c, const char *fmt, ...)
{
	va_list ap;

	free(c->subtitle);
	va_start(ap, fmt);
	if (vasprintf(&c->subtitle, fmt, ap) < 0)
		c->subtitle = NULL;
	va_end(ap);
}

void chart_axis_set(struct chart_axis *a, const char *label, enum chart_scale s)
{
	free(a->label);
	a->label = dup_or_null(label);
	a->scale = s;
}

int chart_add_category(struct chart *c, const char *name)
{
	ALLOC_GROW(c->categories, c->ncategories + 1, c->categories_alloc);
	c->categories[c->ncategories] = xstrdup(name ? name : "");
	return (int)c->ncategories++;
}

int chart_add_series(struct chart *c, const char *name, enum chart_style style,
		     const char *color)
{
	struct chart_series *s;

	ALLOC_GROW(c->series, c->nseries + 1, c->series_alloc);
	s = &c->series[c->nseries];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name ? name : "");
	s->color = xstrdup(color ? color : palette[c->nseries % ARRAY_SIZE(palette)]);
	s->style = style;
	return (int)c->nseries++;
}

void chart_add_point(struct chart *c, int series, double x, double y,
		     const char *label, const char *tip)
{
	struct chart_series *s;
	struct chart_point *p;

	if (series < 0 || (size_t)series >= c->nseries)
		return;
	s = &c->series[series];
	ALLOC_GROW(s->points, s->npoints + 1, s->points_alloc);
	p = &s->points[s->npoints++];
	p->x = x;
	p->y = y;
	p->label = dup_or_null(label);
	p->tip = dup_or_null(tip);
}

void chart_add_ceiling(struct chart *c, double peak, double bw,
		       const char *peak_label, const char *bw_label)
{
	struct chart_ceiling *k;

	ALLOC_GROW(c->ceilings, c->nceilings + 1, c->ceilings_alloc);
	k = &c->ceilings[c->nceilings++];
	k->peak = peak;
	k->bw = bw;
	k->peak_label = dup_or_null(peak_label);
	k->bw_label = dup_or_null(bw_label);
}

void chart_add_note(struct chart *c, double x, double y, const char *text)
{
	struct chart_note *n;

	ALLOC_GROW(c->notes, c->nnotes + 1, c->notes_alloc);
	n = &c->notes[c->nnotes++];
	n->x = x;
	n->y = y;
	n->text = xstrdup(text ? text : "");
}

void chart_add_footnote(struct chart *c, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	ALLOC_GROW(c->footnotes, c->nfootnotes + 1, c->footnotes_alloc);
	c->footnotes[c->nfootnotes++] = s;
}

char *chart_fmt_num(char *buf, size_t len, double v)
{
	static const char sfx[] = "kMGTPE";
	double a = fabs(v);
	int i = -1;

	if (isnan(v)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%sinfinite", v < 0 ? "-" : "");
		return buf;
	}
	/* below 10000 digits read better than a suffix: 1234, not 1.23k */
	if (a < 9999.5) {
		snprintf(buf, len, "%.4g", v == 0 ? 0.0 : v);
		return buf;
	}
	while (a >= 999.5 && i < (int)sizeof(sfx) - 2) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3g%c", v, sfx[i]);
	return buf;
}
