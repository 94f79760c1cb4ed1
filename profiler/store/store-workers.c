// SPDX-License-Identifier: MIT
/*
 * Schema version 2: per-worker busy time and the timeline (record
 * --timeline). Version 1 files stay readable as they are (no busy time,
 * no slices); store.c's migration adds these tables to a file opened to
 * append.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/util.h"

static int file_row(const struct cp_run *run, int r)
{
	return r == run->nlayers ? -1 : r;
}

static int has_table(struct store *s, const char *name)
{
	char *sql = xasprintf("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
			      "AND name = '%s'", name);
	int64_t n = 0;
	int err = sql_query_int(s, sql, &n);

	free(sql);
	return err ? err : n > 0;
}

int store_write_workers(struct store *s, const struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int r, t, i, err = 0;

	if (run->busy_note[0]) {
		err = sql_prepare(s, "INSERT INTO busy_notes VALUES (?, ?)", &st);
		if (!err) {
			sqlite3_bind_int64(st, 1, id);
			err = sql_step_done(s, st, sqlite3_bind_text(st, 2, run->busy_note, -1,
								     SQLITE_TRANSIENT),
					    "cannot write the busy note");
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (!err && run->busy_ms)
		err = sql_prepare(s, "INSERT INTO busy VALUES (?, ?, ?, ?)", &st);
	for (r = 0; !err && run->busy_ms && r <= run->nlayers; r++) {
		for (t = 0; !err && t < run->nthreads; t++) {
			double v = *cp_run_busy((struct cp_run *)run, r, t);

			if (isnan(v))
				continue;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, file_row(run, r));
			sqlite3_bind_int(st, 3, t);
			err = sql_step_done(s, st, sqlite3_bind_double(st, 4, v),
					    "cannot write busy times");
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!err && run->nslices)
		err = sql_prepare(s, "INSERT INTO slices VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
	for (i = 0; !err && i < run->nslices; i++) {
		const struct cp_slice *sl = &run->slices[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_int(st, 3, sl->iteration);
		sqlite3_bind_int(st, 4, sl->layer);
		sqlite3_bind_int(st, 5, sl->worker);
		sqlite3_bind_double(st, 6, sl->begin_us);
		err = sql_step_done(s, st, sqlite3_bind_double(st, 7, sl->dur_us),
				    "cannot write the timeline");
	}
	sqlite3_finalize(st);
	return err;
}

static int corrupt(const struct store *s, int64_t id, const char *what)
{
	return cp_error(-EBADMSG, "'%s' is corrupt (run %lld: %s)", s->path, (long long)id, what);
}

int store_read_workers(struct store *s, struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int err, rc, layer, t;

	err = has_table(s, "busy");
	if (err <= 0)
		return err;	/* schema version 1: nothing measured */
	err = sql_prepare(s, "SELECT note FROM busy_notes WHERE run_id = ?", &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(run->busy_note, sizeof(run->busy_note), "%s",
				 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!err)
		err = sql_prepare(s, "SELECT layer, thread, busy_ms FROM busy WHERE run_id = ?", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		layer = sqlite3_column_int(st, 0);
		t = sqlite3_column_int(st, 1);
		if (layer < -1 || layer >= run->nlayers || t < 0 || t >= run->nthreads) {
			err = corrupt(s, id, "a busy time out of range");
			break;
		}
		if (!run->busy_ms)
			cp_run_set_busy(run);
		*cp_run_busy(run, layer < 0 ? run->nlayers : layer, t) = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!err)
		err = sql_prepare(s, "SELECT iteration, layer, worker, begin_us, dur_us FROM slices "
				  "WHERE run_id = ? ORDER BY seq", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cp_slice sl = {
			.iteration = sqlite3_column_int(st, 0), .layer = sqlite3_column_int(st, 1),
			.worker = sqlite3_column_int(st, 2), .begin_us = sqlite3_column_double(st, 3),
			.dur_us = sqlite3_column_double(st, 4),
		};

		if (sl.layer < 0 || sl.layer >= run->nlayers || sl.worker < 0 ||
		    sl.worker >= run->nthreads || sl.iteration < 0) {
			err = corrupt(s, id, "a timeline slice out of range");
			break;
		}
		cp_run_add_slice(run, &sl);
	}
	sqlite3_finalize(st);
	return err;
}
