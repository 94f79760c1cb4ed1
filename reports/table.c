// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

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

static void print_text_cell(FILE *fp, const struct column *col,
			    const char *s, int last)
{
	int w = (int)col->width;

	if (!s)
		s = "";
	if (col->align == ALIGN_RIGHT)
		fprintf(fp, "%*s", w, s);
	else if (last)
		fputs(s, fp);	/* no trailing blanks */
	else
		fprintf(fp, "%-*s", w, s);
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
	fprintf(fp, "%*s", indent, "");
	for (c = 0; c < t->ncols; c++) {
		if (c)
			fputs("  ", fp);
		print_text_cell(fp, &t->cols[c], t->cols[c].header,
				c + 1 == t->ncols);
	}
	fputc('\n', fp);
	for (r = 0; r < t->nrows; r++) {
		fprintf(fp, "%*s", indent, "");
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fputs("  ", fp);
			print_text_cell(fp, &t->cols[c], t->rows[r][c],
					c + 1 == t->ncols);
		}
		fputc('\n', fp);
	}
}
