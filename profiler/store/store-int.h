/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_STORE_INT_H
#define CONVPROF_STORE_INT_H

/* Shared by store.c, store-write.c and store-read.c; not for other users. */
#include <stddef.h>
#include <sqlite3.h>

#include "store/store.h"

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int version;		/* the open file's schema version */
};

enum col_type { C_TEXT, C_INT, C_I64, C_U64, C_REAL };

struct col {
	const char *name;
	enum col_type type;
	size_t off, size;
	int since;		/* the schema version that added it (0: the first) */
};

#define COL(st, t, f, n) { n, t, offsetof(st, f), sizeof(((st *)0)->f), 0 }
/* A column added by schema version @v: an older file reads it as NULL. */
#define COL_SINCE(v, st, t, f) { #f, t, offsetof(st, f), sizeof(((st *)0)->f), v }
#define TXT(st, f) COL(st, C_TEXT, f, #f)
#define INT(st, f) COL(st, C_INT, f, #f)
#define U64(st, f) COL(st, C_U64, f, #f)
#define REAL(st, f) COL(st, C_REAL, f, #f)

/* `convprof machine -o FILE`: measured ceilings, as convprof machine's JSON */
#define CEILINGS_TABLE \
	"CREATE TABLE IF NOT EXISTS ceilings (\n" \
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,\n" \
	"  machine_key TEXT NOT NULL, json TEXT NOT NULL\n" \
	");\n"

/* schema version 2: busy time per layer and worker, the timeline */
#define WORKERS_TABLES \
	"CREATE TABLE IF NOT EXISTS busy (\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n" \
	"  layer INTEGER NOT NULL, thread INTEGER NOT NULL,\n" \
	"  busy_ms REAL NOT NULL,\n" \
	"  PRIMARY KEY (run_id, layer, thread)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE TABLE IF NOT EXISTS busy_notes (\n" \
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id),\n" \
	"  note TEXT NOT NULL\n" \
	");\n" \
	"CREATE TABLE IF NOT EXISTS slices (\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n" \
	"  seq INTEGER NOT NULL, iteration INTEGER NOT NULL,\n" \
	"  layer INTEGER NOT NULL, worker INTEGER NOT NULL,\n" \
	"  begin_us REAL NOT NULL, dur_us REAL NOT NULL,\n" \
	"  PRIMARY KEY (run_id, seq)\n" \
	") WITHOUT ROWID;\n"

/* store-workers.c: the rows of those tables (store.c migrates version 1 files) */
int store_write_workers(struct store *s, const struct cp_run *run, int64_t id);
int store_read_workers(struct store *s, struct cp_run *run, int64_t id);

/* store-app.c: the command of a `-- command` run (nothing for built-in runs) */
int store_write_command(struct store *s, const struct cp_run *run, int64_t id);
int store_read_command(struct store *s, struct cp_run *run, int64_t id);

extern const struct col run_cols[], machine_cols[], event_cols[], layer_cols[],
	thread_cols[];
extern const size_t run_cols_n, machine_cols_n, event_cols_n, layer_cols_n,
	thread_cols_n;

/* -errno for SQLite's @rc, with a sentence naming the file in cp_error(). */
int sql_db_error(const struct store *s, int rc, const char *what);
int sql_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
int sql_exec(struct store *s, const char *sql, const char *what);
/* The single integer a PRAGMA or an aggregate query returns. */
int sql_query_int(struct store *s, const char *sql, int64_t *out);
/* "a, b, c" (or "?, ?, ?" with @params) for the columns @cols. */
char *sql_col_list(const struct col *cols, size_t n, int params);

/* Step an INSERT (after binding, whose result is @bind_rc) and reset it. */
int sql_step_done(struct store *s, sqlite3_stmt *st, int bind_rc, const char *what);

#endif
