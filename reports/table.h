/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_TABLE_H
#define CONVPROF_TABLE_H

#include <stdio.h>

/*
 * A table of strings rendered as aligned text or RFC 4180 CSV. Commands fill
 * one table and render it in the format the user chose; JSON output is built
 * separately because its structure is richer than rows.
 */

enum cp_format { FMT_TEXT, FMT_CSV, FMT_JSON };

/* "text" | "csv" | "json" -> enum; unknown strings give FMT_TEXT. */
enum cp_format format_from_string(const char *s);

enum col_align { ALIGN_LEFT, ALIGN_RIGHT };

struct table;

struct table *table_new(void);
void table_free(struct table *t);

/* Add a column; returns its index. */
int table_add_column(struct table *t, const char *header, enum col_align a);

/* Start a new row; cells not set stay empty. */
void table_add_row(struct table *t);

/* Set cell @col of the last row. */
void table_set(struct table *t, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int table_rows(const struct table *t);

/*
 * Render. Text: header, then rows, columns two spaces apart, @indent spaces
 * before each line. CSV: header line then rows, no indent.
 */
void table_print(const struct table *t, FILE *fp, enum cp_format fmt, int indent);

/* Write @s as one CSV field (quoted when needed). */
void csv_field(FILE *fp, const char *s);

#endif
