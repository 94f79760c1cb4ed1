/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_SVG_H
#define CONVPROF_SVG_H

#include <stddef.h>
#include <stdio.h>

/*
 * SVG text for every writer here (reports/chart-svg.c, reports/flamegraph.c).
 * Layer and series names come from user cfg files, so any bytes can arrive:
 * what XML 1.0 cannot carry (invalid or overlong UTF-8, surrogates, control
 * characters but tab, U+FFFE, U+FFFF) is written as '?', the five special
 * characters as entities.
 */

/* Write @s as XML text or attribute value, at most @max characters (0: all);
 * when cut, the last one is an ellipsis. */
void svg_escape(FILE *fp, const char *s, int max);

/* The first @len bytes of @s (less at a NUL), escaped as svg_escape() does;
 * a character that @len cuts in two is a '?'. */
void svg_escape_bytes(FILE *fp, const char *s, size_t len);

/* Characters of @s as svg_escape() counts them (UTF-8 aware). */
int svg_text_chars(const char *s);

/* Width in pixels of @chars characters of a @size px sans-serif font (an
 * average advance: there are no metrics to ask). */
double svg_text_width(int chars, double size);

/* A <text> element at (@x, @y); @attrs is markup of the caller, never user
 * text. A text shortened to @max characters keeps its whole self as a
 * tooltip. */
void svg_text(FILE *fp, double x, double y, const char *attrs, const char *s, int max);

/*
 * Write @path with @write(fp, @arg) through util/output.h: a file is
 * replaced atomically (a new file beside it, flushed, renamed; on any
 * failure @path is untouched and nothing is left behind), a symlink's
 * target likewise, a FIFO, a device, "-" or /dev/stdout written straight
 * through. Returns 0 or -errno with the reason in cp_error().
 */
int svg_save(const char *path, int (*write)(FILE *fp, const void *arg), const void *arg);

#endif
