// SPDX-License-Identifier: MIT
/*
 * What every SVG writer here needs (charts, the flame graph): text that XML
 * 1.0 accepts whatever bytes the names brought, a <text> element, saving
 * a file so a reader never sees half of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/svg.h"
#include "util/output.h"
#include "util/util.h"

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

/* One character xml_char_len() accepted, as text or an entity. */
static void put_char(FILE *fp, const unsigned char *p, int k)
{
	if (*p == '&')
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
		else
			put_char(fp, p, k);
	}
}

void svg_escape_bytes(FILE *fp, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int k;

	while (i < len && p[i]) {
		k = xml_char_len(p + i);
		if (!k || i + (size_t)k > len) {
			fputc('?', fp);
			i++;
			continue;
		}
		put_char(fp, p + i, k);
		i += (size_t)k;
	}
}

/* Average glyph advance of a sans-serif font: there are no metrics to ask. */
double svg_text_width(int chars, double size)
{
	return chars * size * 0.6;
}

/*
 * A <text> element; @attrs is markup written by this file, never user text.
 * A shortened text keeps its whole self as a tooltip.
 */
void svg_text(FILE *fp, double x, double y, const char *attrs,
		     const char *s, int max)
{
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	if (max > 0 && svg_text_chars(s) > max) {
		fputs("<title>", fp);
		svg_escape(fp, s, 0);
		fputs("</title>", fp);
	}
	svg_escape(fp, s, max);
	fputs("</text>\n", fp);
}

/* The one output writer: a file replaced whole, a FIFO or device written
 * straight through (see util/output.h). */
int svg_save(const char *path, int (*write)(FILE *fp, const void *arg), const void *arg)
{
	return output_write(path, write, arg);
}
