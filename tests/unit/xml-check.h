/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_XML_CHECK_H
#define CONVPROF_XML_CHECK_H

/*
 * Checks for the SVG the chart code writes: a small well-formedness checker
 * that needs nothing installed (balanced and matching tags, quoted
 * attributes, known entities, one root), and xmllint when it is there.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int xml_fail(char *why, size_t len, const char *s, const char *p,
		    const char *what)
{
	snprintf(why, len, "%s at offset %ld", what, (long)(p - s));
	return -1;
}

/* An entity reference at @p ("&amp;", "&#38;"): its length, or 0. */
static size_t xml_entity(const char *p)
{
	static const char *const known[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i, n;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(p, known[i], strlen(known[i])) == 0)
			return strlen(known[i]);
	if (p[1] != '#')
		return 0;
	n = 2 + (p[2] == 'x');
	while (isxdigit((unsigned char)p[n]))
		n++;
	return p[n] == ';' && n > 2 ? n + 1 : 0;
}

/* 0 when @s is well-formed, else -1 with the reason in @why. */
static int xml_check(const char *s, char *why, size_t len)
{
	const char *stack[512];
	size_t slen[512], n, e;
	int depth = 0, roots = 0;
	const char *p = s, *q;
	char quote;

	while (*p) {
		if (*p == '&') {
			if (!(e = xml_entity(p)))
				return xml_fail(why, len, s, p, "bare '&'");
			p += e;
			continue;
		}
		if (*p != '<') {
			if (!depth && !isspace((unsigned char)*p))
				return xml_fail(why, len, s, p, "text outside the root");
			p++;
			continue;
		}
		if (strncmp(p, "<?", 2) == 0 || strncmp(p, "<!--", 4) == 0) {
			q = strstr(p, p[1] == '?' ? "?>" : "-->");
			if (!q)
				return xml_fail(why, len, s, p, "unterminated declaration");
			p = q + (p[1] == '?' ? 2 : 3);
			continue;
		}
		if (p[1] == '/') {
			n = strcspn(p + 2, " \t\n>");
			if (!depth || n != slen[depth - 1] || strncmp(p + 2, stack[depth - 1], n))
				return xml_fail(why, len, s, p, "mismatched end tag");
			if (p[2 + n] != '>')
				return xml_fail(why, len, s, p, "bad end tag");
			depth--;
			p += 3 + n;
			continue;
		}
		n = strcspn(p + 1, " \t\n/>");
		if (!n || !isalpha((unsigned char)p[1]))
			return xml_fail(why, len, s, p, "bad tag name");
		if (!depth && roots++)
			return xml_fail(why, len, s, p, "second root element");
		if (depth == (int)(sizeof(stack) / sizeof(stack[0])))
			return xml_fail(why, len, s, p, "nested too deep");
		stack[depth] = p + 1;
		slen[depth] = n;
		q = p + 1 + n;
		for (;;) {
			while (isspace((unsigned char)*q))
				q++;
			if (q[0] == '/' && q[1] == '>') {
				q += 2;
				break;
			}
			if (*q == '>') {
				depth++;
				q++;
				break;
			}
			n = strspn(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.");
			if (!n || q[n] != '=' || (q[n + 1] != '"' && q[n + 1] != '\''))
				return xml_fail(why, len, s, q, "bad attribute");
			quote = q[n + 1];
			for (q += n + 2; *q != quote; q++) {
				if (!*q || *q == '<')
					return xml_fail(why, len, s, q, "unterminated attribute");
				if (*q == '&' && !xml_entity(q))
					return xml_fail(why, len, s, q, "bare '&' in attribute");
			}
			q++;
		}
		p = q;
	}
	if (depth)
		return xml_fail(why, len, s, p, "unclosed element");
	if (roots != 1)
		return xml_fail(why, len, s, p, "no root element");
	return 0;
}

/*
 * 1 when "nan" or "inf" stands as a word in @s (any case): what printf
 * makes of a non-finite coordinate. Words like "inference" do not count.
 */
static int has_nonfinite(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (strncasecmp(p, "nan", 3) && strncasecmp(p, "inf", 3))
			continue;
		if ((p == s || !isalpha((unsigned char)p[-1])) && !isalpha((unsigned char)p[3]))
			return 1;
	}
	return 0;
}

/* 1: xmllint accepts @path; 0: it does not; -1: no xmllint here. */
static int xmllint_ok(const char *path)
{
	char *cmd;
	int rc;

	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		return -1;
	if (asprintf(&cmd, "xmllint --noout '%s'", path) < 0)
		return 0;
	rc = system(cmd);
	free(cmd);
	return rc == 0;
}

#endif
