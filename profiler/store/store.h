/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_STORE_H
#define CONVPROF_STORE_H

#include <stdint.h>

#include "convprof/run.h"

/*
 * The recording file: an SQLite database (libsqlite3) holding any number of
 * runs, each a struct cp_run written in one transaction. `record` appends
 * to it; `report`, `diff`, `flamegraph` and `roofline` read runs back.
 *
 * A recording is recognised by PRAGMA application_id == STORE_APPLICATION_ID;
 * PRAGMA user_version (and meta.schema_version) is the schema version.
 * Every function returns 0 or -errno and leaves a sentence naming the file
 * in cp_error(); none prints.
 */

#define STORE_APPLICATION_ID 0x43505246	/* "CPRF" */
#define STORE_SCHEMA_VERSION 2	/* 2: overhead spread; busy, busy_notes, slices */
#define STORE_DEFAULT_PATH "convprof.db"

enum store_mode {
	STORE_READ,	/* an existing recording; checked with PRAGMA quick_check */
	STORE_APPEND,	/* an existing recording, or a new one if absent or empty */
	STORE_CREATE,	/* a new recording; -EEXIST if the file exists */
};

struct store;

/*
 * Open @path in @mode into *@out. Errors: -ENOENT (no such file, read),
 * -EEXIST (create), -EISDIR, -ENOTSUP (not a convprof recording: a text
 * file, another application's SQLite database), -EPROTONOSUPPORT (written
 * by a newer convprof), -EBADMSG (truncated or corrupt), -EIO. Close with
 * store_close().
 */
int store_open(const char *path, enum store_mode mode, struct store **out);
void store_close(struct store *s);

/* The path @s was opened with; belongs to @s. */
const char *store_path(const struct store *s);

/*
 * Append @run as a new run in one transaction and set run->id. On failure
 * nothing of @run is in the file, earlier runs are untouched and run->id
 * is unchanged. -EROFS for a store opened with STORE_READ.
 */
int store_write_run(struct store *s, struct cp_run *run);

/*
 * The same for a run cut short (SIGINT during record): marks run->partial
 * and writes what it holds, so reports can say it is incomplete. Call it
 * from normal context after the measuring loop stopped, not from a signal
 * handler.
 */
int store_write_partial(struct store *s, struct cp_run *run);

/* One line of the run list: what tells runs apart. */
struct store_run_info {
	int64_t id;
	char time[32];
	char model[64];
	int width, height, batch;
	char precision[8], layout[8];
	int fusion, threads;
	int partial;
	int nlayers;
	double latency_ms;	/* NaN unknown */
};

/*
 * Every run in @s, oldest first, into a new array *@out (free() it) of
 * *@n entries; *@out is NULL when the file holds none.
 */
int store_list_runs(struct store *s, struct store_run_info **out, int *n);

/*
 * Read run @id (0: the latest) into a new cp_run (free with cp_run_free()),
 * the exact inverse of store_write_run(): unknown values (NaN) come back as
 * NaN. -ENOENT when there is no such run (or none at all).
 */
int store_read_run(struct store *s, int64_t id, struct cp_run **out);

/*
 * Parse a run reference: "latest" (or "") gives 0, a positive integer
 * itself. -EINVAL with a sentence otherwise.
 */
int store_parse_run_id(const char *s, int64_t *id);

/* Open @path for reading, read run @id (0: latest) into *@out, close. */
int store_load_run(const char *path, int64_t id, struct cp_run **out);

/*
 * Load the run a command-line reference names: "ID" or "latest" (a run of
 * @path), "FILE:ID" or "FILE:latest", or "FILE" (its latest run).
 */
int store_load_ref(const char *ref, const char *path, struct cp_run **out);

/*
 * The machine's measured ceilings (convprof machine's JSON text, keyed by
 * machine_key) kept beside the runs. Write appends a row; read gives the
 * newest one for @key (any key when NULL), *@json to free(). -ENOENT when
 * the file has none.
 */
int store_write_ceilings(struct store *s, const char *key, const char *json);
int store_read_ceilings(struct store *s, const char *key, char **json);

#endif
