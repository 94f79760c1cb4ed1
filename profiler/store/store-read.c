// SPDX-License-Identifier: MIT
/*
 * Reading runs back: the inverse of store-write.c. Values with no row are
 * NaN; rows that contradict the run's recorded sizes make the file corrupt,
 * never a crash.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store-int.h"
#include "util/util.h"

/* The inverse: columns @first.. of the current row into @base. */
static void read_cols(sqlite3_stmt *st, int first, const struct col *cols,
		      size_t ncols, void *base)
{
	const unsigned char *t;
	char *p;
	size_t i;
	int c;

	for (i = 0; i < ncols; i++) {
		p = (char *)base + cols[i].off;
		c = first + (int)i;
		switch (cols[i].type) {
		case C_TEXT:
			t = sqlite3_column_text(st, c);
			snprintf(p, cols[i].size, "%s", t ? (const char *)t : "");
			break;
		case C_INT:
			*(int *)p = sqlite3_column_int(st, c);
			break;
		case C_I64:
			*(int64_t *)p = sqlite3_column_int64(st, c);
			break;
		case C_U64:
			*(uint64_t *)p = (uint64_t)sqlite3_column_int64(st, c);
			break;
		case C_REAL:
			*(double *)p = sqlite3_column_type(st, c) == SQLITE_NULL
				       ? NAN : sqlite3_column_double(st, c);
			break;
		}
	}
}

static int corrupt(const struct store *s, int64_t id, const char *what)
{
	return cp_error(-EBADMSG, "'%s' is corrupt (run %lld: %s)", s->path,
			(long long)id, what);
}

/* Step a SELECT: 1 row, 0 done, <0 error. */
static int step_row(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sql_db_error(s, rc, "cannot read");
}

static int select_prepare(struct store *s, const char *table, const char *keys,
			  const struct col *cols, size_t n, const char *where,
			  sqlite3_stmt **st)
{
	char *names = xstrdup(""), *t, *sql;
	size_t i;
	int err;

	/* a column newer than the file reads as NULL: an unknown value */
	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s", names, i ? ", " : "",
			      cols[i].since > s->version ? "NULL" : cols[i].name);
		free(names);
		names = t;
	}
	sql = xasprintf("SELECT %s%s%s FROM %s %s", keys, *keys ? ", " : "",
			names, table, where);
	err = sql_prepare(s, sql, st);
	free(sql);
	free(names);
	return err;
}

static int read_events(struct store *s, struct cp_run *run, int64_t id, int nevents)
{
	sqlite3_stmt *st = NULL;
	struct cp_event_info e;
	int err, i = 0, ev;

	err = select_prepare(s, "events", "idx", event_cols, event_cols_n,
			     "WHERE run_id = ? ORDER BY idx", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		memset(&e, 0, sizeof(e));
		if (sqlite3_column_int(st, 0) != i || i >= nevents) {
			err = corrupt(s, id, "events out of sequence");
			break;
		}
		read_cols(st, 1, event_cols, event_cols_n, &e);
		ev = cp_run_add_event(run, e.name, e.source, e.supported, e.reason);
		run->events[ev].running_ratio = e.running_ratio;
		i++;
	}
	if (!err && i != nevents)
		err = corrupt(s, id, "events missing");
	sqlite3_finalize(st);
	return err;
}

static int read_layers(struct store *s, struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	struct cp_layer_rec *l;
	int err, row, seen = 0;

	err = select_prepare(s, "layers", "row", layer_cols, layer_cols_n,
			     "WHERE run_id = ? ORDER BY row", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		row = sqlite3_column_int(st, 0);
		/* ORDER BY row: -1 first, then 0, 1, ... with no gap */
		if (row != seen - 1) {
			err = corrupt(s, id, "layers out of sequence");
			break;
		}
		l = row < 0 ? &run->other : &run->layers[row];
		if (row >= run->nlayers) {
			err = corrupt(s, id, "more layers than recorded");
			break;
		}
		read_cols(st, 1, layer_cols, layer_cols_n, l);
		/* a flag: whatever number a damaged file holds (renderers count them) */
		l->is_ref = l->is_ref != 0;
		seen++;
	}
	if (!err && seen != run->nlayers + 1)
		err = corrupt(s, id, "layers missing");
	sqlite3_finalize(st);
	return err;
}

/* layer_values, total_values, thread_values: sparse, NaN where no row. */
static int read_values(struct store *s, struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int err, layer, thread, ev;

	err = sql_prepare(s, "SELECT layer, event, value FROM layer_values WHERE run_id = ?", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		layer = sqlite3_column_int(st, 0);
		ev = sqlite3_column_int(st, 1);
		if (layer < -1 || layer >= run->nlayers || ev < 0 || ev >= run->nevents) {
			err = corrupt(s, id, "a layer value out of range");
			break;
		}
		*cp_run_count(run, layer < 0 ? run->nlayers : layer, ev) =
			sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = sql_prepare(s, "SELECT event, value FROM total_values WHERE run_id = ?", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		ev = sqlite3_column_int(st, 0);
		if (ev < 0 || ev >= run->nevents) {
			err = corrupt(s, id, "a total out of range");
			break;
		}
		run->total_counts[ev] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = sql_prepare(s, "SELECT layer, thread, event, value FROM thread_values "
			      "WHERE run_id = ?", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		layer = sqlite3_column_int(st, 0);
		thread = sqlite3_column_int(st, 1);
		ev = sqlite3_column_int(st, 2);
		if (layer < -1 || layer >= run->nlayers || thread < 0 ||
		    thread >= run->nthreads || ev < 0 || ev >= run->nevents) {
			err = corrupt(s, id, "a per-thread value out of range");
			break;
		}
		*cp_run_thread_count(run, layer < 0 ? run->nlayers : layer, thread, ev) =
			sqlite3_column_double(st, 3);
	}
	sqlite3_finalize(st);
	return err;
}

static int read_threads_stacks(struct store *s, struct cp_run *run, int64_t id,
			       int nstacks)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *frames, *event;
	int err, t, seen = 0;

	err = select_prepare(s, "threads", "thread", thread_cols, thread_cols_n,
			     "WHERE run_id = ? ORDER BY thread", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		t = sqlite3_column_int(st, 0);
		if (t != seen || t >= run->nthreads) {
			err = corrupt(s, id, "threads out of sequence");
			break;
		}
		read_cols(st, 1, thread_cols, thread_cols_n, &run->thread_recs[t]);
		seen++;
	}
	if (!err && seen != run->nthreads)
		err = corrupt(s, id, "threads missing");
	sqlite3_finalize(st);
	st = NULL;

	if (!err)
		err = sql_prepare(s, "SELECT layer, event, frames, count FROM stacks "
			      "WHERE run_id = ? ORDER BY seq", &st);
	if (!err)
		sqlite3_bind_int64(st, 1, id);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		t = sqlite3_column_int(st, 0);
		event = sqlite3_column_text(st, 1);
		frames = sqlite3_column_text(st, 2);
		if (t < -1 || t >= run->nlayers) {
			err = corrupt(s, id, "a stack of no layer");
			break;
		}
		cp_run_add_stack(run, t, frames ? (const char *)frames : "",
				 (uint64_t)sqlite3_column_int64(st, 3),
				 event ? (const char *)event : "");
	}
	if (!err && run->nstacks != nstacks)
		err = corrupt(s, id, "stacks missing");
	sqlite3_finalize(st);
	return err;
}

static int no_run(struct store *s, int64_t id)
{
	int64_t lo = 0, hi = 0;

	if (sql_query_int(s, "SELECT ifnull(min(id), 0) FROM runs", &lo) ||
	    sql_query_int(s, "SELECT ifnull(max(id), 0) FROM runs", &hi) || !hi)
		return cp_error(-ENOENT, "'%s' holds no runs", s->path);
	if (!id)
		return cp_error(-ENOENT, "'%s' holds no runs", s->path);
	if (lo == hi)
		return cp_error(-ENOENT, "no run %lld in '%s' (it holds run %lld)",
				(long long)id, s->path, (long long)lo);
	return cp_error(-ENOENT, "no run %lld in '%s' (it holds runs %lld to %lld)",
			(long long)id, s->path, (long long)lo, (long long)hi);
}

int store_read_run(struct store *s, int64_t id, struct cp_run **out)
{
	sqlite3_stmt *st = NULL;
	struct cp_run *run = NULL;
	int nlayers, nevents, nthreads, nstacks, err;

	*out = NULL;
	if (!id) {
		err = sql_query_int(s, "SELECT ifnull(max(id), 0) FROM runs", &id);
		if (err)
			goto out;
		if (!id) {
			err = no_run(s, 0);
			goto out;
		}
	}
	err = select_prepare(s, "runs", "", run_cols, run_cols_n,
			     "WHERE id = ?", &st);
	if (err)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	err = step_row(s, st);
	if (err <= 0) {
		err = err ? err : no_run(s, id);
		goto out;
	}
	err = 0;
	run = cp_run_new();
	read_cols(st, 0, run_cols, run_cols_n, run);
	run->id = id;
	/* the counts were read as columns; the arrays are built from them */
	nlayers = run->nlayers;
	nevents = run->nevents;
	nthreads = run->nthreads;
	nstacks = run->nstacks;
	run->nlayers = run->nevents = run->nthreads = run->nstacks = 0;
	if (nlayers < 0 || nlayers > 1000000 || nevents < 0 || nevents > 100000 ||
	    nthreads < 0 || nthreads > 100000 || nstacks < 0) {
		err = corrupt(s, id, "impossible sizes");
		goto out;
	}
	cp_run_set_layers(run, nlayers);
	if (nthreads)
		cp_run_set_threads(run, nthreads);
	sqlite3_finalize(st);
	st = NULL;

	err = select_prepare(s, "machine", "", machine_cols, machine_cols_n,
			     "WHERE run_id = ?", &st);
	if (err)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	err = step_row(s, st);
	if (err <= 0) {
		err = err ? err : corrupt(s, id, "no machine record");
		goto out;
	}
	err = 0;
	read_cols(st, 0, machine_cols, machine_cols_n, &run->machine);

	err = read_events(s, run, id, nevents);
	if (!err)
		err = read_layers(s, run, id);
	if (!err)
		err = read_values(s, run, id);
	if (!err)
		err = read_threads_stacks(s, run, id, nstacks);
	if (!err)
		err = store_read_workers(s, run, id);
	if (!err)
		err = store_read_command(s, run, id);
out:
	sqlite3_finalize(st);
	if (err) {
		cp_run_free(run);
		return err;
	}
	*out = run;
	return 0;
}

static const char *col_str(sqlite3_stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(st, c);

	return t ? (const char *)t : "";
}

int store_list_runs(struct store *s, struct store_run_info **out, int *n)
{
	sqlite3_stmt *st = NULL;
	struct store_run_info *v = NULL, *r;
	size_t alloc = 0;
	int err, count = 0;

	*out = NULL;
	*n = 0;
	err = sql_prepare(s, "SELECT id, time, model, width, height, batch, precision, "
		      "layout, fusion, threads, partial, nlayers, latency_ms "
		      "FROM runs ORDER BY id", &st);
	while (!err && (err = step_row(s, st)) == 1) {
		err = 0;
		ALLOC_GROW(v, (size_t)count + 1, alloc);
		r = &v[count++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->time, sizeof(r->time), "%s", col_str(st, 1));
		snprintf(r->model, sizeof(r->model), "%s", col_str(st, 2));
		r->width = sqlite3_column_int(st, 3);
		r->height = sqlite3_column_int(st, 4);
		r->batch = sqlite3_column_int(st, 5);
		snprintf(r->precision, sizeof(r->precision), "%s", col_str(st, 6));
		snprintf(r->layout, sizeof(r->layout), "%s", col_str(st, 7));
		r->fusion = sqlite3_column_int(st, 8);
		r->threads = sqlite3_column_int(st, 9);
		r->partial = sqlite3_column_int(st, 10);
		r->nlayers = sqlite3_column_int(st, 11);
		r->latency_ms = sqlite3_column_type(st, 12) == SQLITE_NULL
				? NAN : sqlite3_column_double(st, 12);
	}
	sqlite3_finalize(st);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = count;
	return 0;
}

int store_parse_run_id(const char *s, int64_t *id)
{
	long v;

	if (!s || !*s || strcmp(s, "latest") == 0) {
		*id = 0;
		return 0;
	}
	if (parse_long(s, 1, INT64_MAX, &v))
		return cp_error(-EINVAL, "bad run id '%s' (expected a number or 'latest')", s);
	*id = v;
	return 0;
}

const char *store_path(const struct store *s)
{
	return s->path;
}


int store_load_run(const char *path, int64_t id, struct cp_run **out)
{
	struct store *s = NULL;
	int err;

	*out = NULL;
	err = store_open(path, STORE_READ, &s);
	if (!err)
		err = store_read_run(s, id, out);
	store_close(s);
	return err;
}

static int is_run_id(const char *s)
{
	if (strcmp(s, "latest") == 0)
		return 1;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int store_load_ref(const char *ref, const char *path, struct cp_run **out)
{
	const char *colon = strrchr(ref, ':');
	char *file = NULL;
	int64_t id = 0;
	int err;

	*out = NULL;
	if (is_run_id(ref)) {
		err = store_parse_run_id(ref, &id);
		return err ? err : store_load_run(path, id, out);
	}
	if (colon && colon != ref && is_run_id(colon + 1)) {
		err = store_parse_run_id(colon + 1, &id);
		file = xasprintf("%.*s", (int)(colon - ref), ref);
		if (!err)
			err = store_load_run(file, id, out);
		free(file);
		return err;
	}
	return store_load_run(ref, 0, out);
}
