// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/table.h"
#include "util/util.h"

struct column {
	char *header;
	enum col_align align;
	size_t width;
};

struct table {
	struct column *cols;
	size_t ncols, cols_alloc;
	char ***rows;		/* rows[r][c], NULL for an empty cell */
	size_t nrows, rows_alloc;
};

enum cp_format format_from_string(const char *s)
{
	if (s && strcmp(s, "csv") == 0)
		return FMT_CSV;
	if (s && strcmp(s, "json") == 0)
		return FMT_JSON;
	return FMT_TEXT;
}

struct table *table_new(void)
{
	return xcalloc(1, sizeof(struct table));
}

void table_free(struct table *t)
{
	size_t r, c;

	if (!t)
		return;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (c = 0; c < t->ncols; c++)
		free(t->cols[c].header);
	free(t->rows);
	free(t->cols);
	free(t);
}

int table_add_column(struct table *t, const char *header, enum col_align a)
{
	size_t r;

	ALLOC_GROW(t->cols, t->ncols + 1, t->cols_alloc);
	t->cols[t->ncols].header = xstrdup(header);
	t->cols[t->ncols].align = a;
	t->cols[t->ncols].width = strlen(header);
	/* rows added before the column keep an empty cell for it */
	for (r = 0; r < t->nrows; r++) {
		t->rows[r] = xrealloc(t->rows[r], (t->ncols + 1) * sizeof(char *));
		t->rows[r][t->ncols] = NULL;
	}
	return (int)t->ncols++;
}

void table_add_row(struct table *t)
{
	ALLOC_GROW(t->rows, t->nrows + 1, t->rows_alloc);
	t->rows[t->nrows++] = xcalloc(t->ncols ? t->ncols : 1, sizeof(char *));
}

int table_rows(const struct table *t)
{
	return (int)t->nrows;
}

void table_set(struct table *t, int col, const char *fmt, ...)
{
	char **cell;
	va_list ap;
	size_t len;

	if (!t->nrows || col < 0 || (size_t)col >= t->ncols)
		return;
	cell = &t->rows[t->nrows - 1][col];
	free(*cell);
	va_start(ap, fmt);
	if (vasprintf(cell, fmt, ap) < 0)
		*cell = NULL;
	va_end(ap);
	len = *cell ? strlen(*cell) : 0;
	if (len > t->cols[col].width)
		t->cols[col].width = len;
}

void csv_field(FILE *fp, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* Append cell @s to @line, padded to the column's width. */
static size_t put_cell(char *line, size_t n, const struct column *col,
		       const char *s)
{
	int w = (int)col->width;

	if (!s)
		s = "";
	if (col->align == ALIGN_RIGHT)
		return n + (size_t)sprintf(line + n, "%*s", w, s);
	return n + (size_t)sprintf(line + n, "%-*s", w, s);
}

/* One text line, without the blanks that padding leaves at its end. */
static void print_text_line(FILE *fp, const struct table *t, char **cells,
			    int header, int indent, char *line)
{
	size_t n = (size_t)sprintf(line, "%*s", indent, ""), c;

	for (c = 0; c < t->ncols; c++) {
		if (c)
			n += (size_t)sprintf(line + n, "  ");
		n = put_cell(line, n, &t->cols[c],
			     header ? t->cols[c].header : cells[c]);
	}
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	fprintf(fp, "%s\n", line);
}

void table_print(const struct table *t, FILE *fp, enum cp_format fmt, int indent)
{
	size_t r, c;

	if (fmt == FMT_CSV) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', fp);
			csv_field(fp, t->cols[c].header);
		}
		fputc('\n', fp);
		for (r = 0; r < t->nrows; r++) {
			for (c = 0; c < t->ncols; c++) {
				if (c)
					fputc(',', fp);
				csv_field(fp, t->rows[r][c]);
			}
			fputc('\n', fp);
		}
		return;
	}
	{
		size_t width = (size_t)indent + 1;
		char *line;

		for (c = 0; c < t->ncols; c++)
			width += t->cols[c].width + 2;
		line = xmalloc(width + 1);
		print_text_line(fp, t, NULL, 1, indent, line);
		for (r = 0; r < t->nrows; r++)
			print_text_line(fp, t, t->rows[r], 0, indent, line);
		free(line);
	}
}
