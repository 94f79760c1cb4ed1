// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/chart.h"
#include "util/output.h"
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

/* ---- text: XML-safe, shortened to fit ---- */

#define ELLIPSIS "\xe2\x80\xa6"

/*
 * Bytes of the UTF-8 character at @s when XML 1.0 may carry it; 0 when the
 * byte has to be replaced: invalid or overlong UTF-8, surrogates, control
 * characters (a newline too: every text here is one line), U+FFFE, U+FFFF.
 * Layer and series names come from user cfg files, so anything can arrive.
 */
static int xml_char_len(const unsigned char *s)
{
	unsigned char b = s[0];
	int n, i;

	if (b < 0x80)
		return b >= 0x20 || b == '\t';
	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef)
		n = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((b == 0xe0 && s[1] < 0xa0) || (b == 0xed && s[1] > 0x9f) ||
	    (b == 0xf0 && s[1] < 0x90) || (b == 0xf4 && s[1] > 0x8f))
		return 0;
	if (b == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
		return 0;
	return n;
}

int svg_text_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0, k;

	while (*p) {
		k = xml_char_len(p);
		p += k ? k : 1;
		n++;
	}
	return n;
}

void svg_escape(FILE *fp, const char *s, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0, cut = max > 0 && svg_text_chars(s) > max, k;

	for (; *p; p += k ? k : 1, n++) {
		if (cut && n >= max - 1) {
			fputs(ELLIPSIS, fp);
			return;
		}
		k = xml_char_len(p);
		if (!k)
			fputc('?', fp);
		else if (*p == '&')
			fputs("&amp;", fp);
		else if (*p == '<')
			fputs("&lt;", fp);
		else if (*p == '>')
			fputs("&gt;", fp);
		else if (*p == '"')
			fputs("&quot;", fp);
		else if (*p == '\'')
			fputs("&apos;", fp);
		else
			fwrite(p, 1, (size_t)k, fp);
	}
}

static int chart_write_cb(FILE *fp, void *arg)
{
	return chart_write_svg(arg, fp);
}

/* Atomic for a file, straight through for a FIFO or device: see output.h. */
int chart_save_svg(const struct chart *c, const char *path)
{
	return output_write(path, chart_write_cb, (void *)c);
}
