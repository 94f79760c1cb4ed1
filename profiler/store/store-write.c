// SPDX-License-Identifier: MIT
/*
 * Writing a run: every table in one transaction, so a failure or a kill
 * halfway leaves the file as it was (see store.c for the journal).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store-int.h"
#include "util/util.h"

/* Bind the fields of @base described by @cols to parameters @first.. */
static int bind_cols(sqlite3_stmt *st, int first, const struct col *cols,
		     size_t ncols, const void *base)
{
	const char *p;
	size_t i;
	int rc = SQLITE_OK;
	double d;

	for (i = 0; i < ncols && rc == SQLITE_OK; i++) {
		p = (const char *)base + cols[i].off;
		switch (cols[i].type) {
		case C_TEXT:
			rc = sqlite3_bind_text(st, first + (int)i, p,
					       (int)strnlen(p, cols[i].size), SQLITE_TRANSIENT);
			break;
		case C_INT:
			rc = sqlite3_bind_int(st, first + (int)i, *(const int *)p);
			break;
		case C_I64:
			rc = sqlite3_bind_int64(st, first + (int)i, *(const int64_t *)p);
			break;
		case C_U64:
			/* two's complement keeps every uint64 exactly */
			rc = sqlite3_bind_int64(st, first + (int)i,
						(sqlite3_int64)*(const uint64_t *)p);
			break;
		case C_REAL:
			d = *(const double *)p;
			rc = isnan(d) ? sqlite3_bind_null(st, first + (int)i)
				      : sqlite3_bind_double(st, first + (int)i, d);
			break;
		}
	}
	return rc;
}

static int insert_prepare(struct store *s, const char *table, const char *keys,
			  int nkeys, const struct col *cols, size_t n,
			  sqlite3_stmt **st)
{
	char *names = sql_col_list(cols, n, 0), *params = sql_col_list(cols, n, 1);
	char *sql = xasprintf("INSERT INTO %s (%s%s%s) VALUES (%s%s%s)", table,
			      keys, nkeys ? ", " : "", names,
			      nkeys == 1 ? "?" : nkeys == 2 ? "?, ?" : "",
			      nkeys ? ", " : "", params);
	int err = sql_prepare(s, sql, st);

	free(sql);
	free(names);
	free(params);
	return err;
}

/* Row @r of a [nlayers + 1] matrix as the file numbers it: (other) is -1. */
static int file_row(const struct cp_run *run, int r)
{
	return r == run->nlayers ? -1 : r;
}

static int write_values(struct store *s, const struct cp_run *run, int64_t id)
{
	sqlite3_stmt *lv = NULL, *tv = NULL, *thv = NULL;
	int r, t, e, err;
	double v;

	err = sql_prepare(s, "INSERT INTO layer_values VALUES (?, ?, ?, ?)", &lv);
	if (!err)
		err = sql_prepare(s, "INSERT INTO total_values VALUES (?, ?, ?)", &tv);
	if (!err)
		err = sql_prepare(s, "INSERT INTO thread_values VALUES (?, ?, ?, ?, ?)", &thv);
	for (r = 0; !err && r <= run->nlayers; r++) {
		for (e = 0; !err && e < run->nevents; e++) {
			v = run->counts[(long)r * run->nevents + e];
			if (isnan(v))
				continue;	/* not taken: no row */
			sqlite3_bind_int64(lv, 1, id);
			sqlite3_bind_int(lv, 2, file_row(run, r));
			sqlite3_bind_int(lv, 3, e);
			err = sql_step_done(s, lv, sqlite3_bind_double(lv, 4, v),
					"cannot write layer values");
		}
	}
	for (e = 0; !err && e < run->nevents; e++) {
		v = run->total_counts[e];
		if (isnan(v))
			continue;
		sqlite3_bind_int64(tv, 1, id);
		sqlite3_bind_int(tv, 2, e);
		err = sql_step_done(s, tv, sqlite3_bind_double(tv, 3, v),
				"cannot write totals");
	}
	for (r = 0; !err && run->thread_counts && r <= run->nlayers; r++) {
		for (t = 0; !err && t < run->nthreads; t++) {
			for (e = 0; !err && e < run->nevents; e++) {
				v = *cp_run_thread_count((struct cp_run *)run, r, t, e);
				if (isnan(v))
					continue;
				sqlite3_bind_int64(thv, 1, id);
				sqlite3_bind_int(thv, 2, file_row(run, r));
				sqlite3_bind_int(thv, 3, t);
				sqlite3_bind_int(thv, 4, e);
				err = sql_step_done(s, thv, sqlite3_bind_double(thv, 5, v),
						"cannot write per-thread values");
			}
		}
	}
	sqlite3_finalize(lv);
	sqlite3_finalize(tv);
	sqlite3_finalize(thv);
	return err;
}

static int write_layers(struct store *s, const struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	const struct cp_layer_rec *l;
	int r, err;

	err = insert_prepare(s, "layers", "run_id, row", 2, layer_cols,
			     layer_cols_n, &st);
	for (r = 0; !err && r <= run->nlayers; r++) {
		l = r == run->nlayers ? &run->other : &run->layers[r];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, file_row(run, r));
		err = sql_step_done(s, st, bind_cols(st, 3, layer_cols,
						 layer_cols_n, l),
				"cannot write a layer");
	}
	sqlite3_finalize(st);
	return err;
}

/* The rows of everything that hangs off run @id: the child tables. */
static int write_children(struct store *s, const struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int i, err;

	err = insert_prepare(s, "machine", "run_id", 1, machine_cols,
			     machine_cols_n, &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, id);
		err = sql_step_done(s, st, bind_cols(st, 2, machine_cols,
						 machine_cols_n, &run->machine),
				"cannot write the machine");
	}
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = insert_prepare(s, "events", "run_id, idx", 2, event_cols,
				     event_cols_n, &st);
	for (i = 0; !err && i < run->nevents; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i);
		err = sql_step_done(s, st, bind_cols(st, 3, event_cols, event_cols_n,
						 &run->events[i]),
				"cannot write an event");
	}
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = insert_prepare(s, "threads", "run_id, thread", 2, thread_cols,
				     thread_cols_n, &st);
	for (i = 0; !err && i < run->nthreads; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i);
		err = sql_step_done(s, st, bind_cols(st, 3, thread_cols, thread_cols_n,
						 &run->thread_recs[i]),
				"cannot write a thread");
	}
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = sql_prepare(s, "INSERT INTO stacks VALUES (?, ?, ?, ?, ?, ?)", &st);
	for (i = 0; !err && i < run->nstacks; i++) {
		const struct cp_stack_rec *k = &run->stacks[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_int(st, 3, k->layer);
		sqlite3_bind_text(st, 4, k->event, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, k->frames ? k->frames : "", -1, SQLITE_TRANSIENT);
		err = sql_step_done(s, st, sqlite3_bind_int64(st, 6, (sqlite3_int64)k->count),
				"cannot write a stack");
	}
	sqlite3_finalize(st);

	if (!err)
		err = write_layers(s, run, id);
	if (!err)
		err = write_values(s, run, id);
	if (!err)
		err = store_write_workers(s, run, id);
	if (!err)
		err = store_write_command(s, run, id);
	return err;
}

int store_write_run(struct store *s, struct cp_run *run)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int err;

	if (s->mode == STORE_READ)
		return cp_error(-EROFS, "'%s' was opened for reading", s->path);
	/* IMMEDIATE: take the write lock now, not halfway through the run */
	err = sql_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
	if (err)
		return err;
	err = insert_prepare(s, "runs", "", 0, run_cols, run_cols_n, &st);
	if (!err)
		err = sql_step_done(s, st, bind_cols(st, 1, run_cols, run_cols_n, run),
				"cannot write the run");
	sqlite3_finalize(st);
	if (!err) {
		id = sqlite3_last_insert_rowid(s->db);
		err = write_children(s, run, id);
	}
	if (!err)
		err = sql_exec(s, "COMMIT", "cannot commit the run");
	if (err) {
		/* keep the first error's message: it says what went wrong */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	run->id = id;
	return 0;
}

int store_write_partial(struct store *s, struct cp_run *run)
{
	int was = run->partial, err;

	run->partial = 1;
	err = store_write_run(s, run);
	if (err)
		run->partial = was;
	return err;
}

