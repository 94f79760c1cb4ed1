// SPDX-License-Identifier: MIT
/*
 * What a `-- command` run adds to the recording: the command, how its rows
 * were grouped, how it ended, and per row the calls (grouping "primitive").
 * Two tables created when first needed, so files written before them stay
 * readable (they hold no such runs) and older convprofs still read the
 * runs' common part of newer files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store/store-int.h"
#include "util/util.h"

#define COMMAND_TABLES \
	"CREATE TABLE IF NOT EXISTS commands (\n" \
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id),\n" \
	"  argv TEXT NOT NULL, grouping TEXT NOT NULL, periods INTEGER NOT NULL,\n" \
	"  exit_status INTEGER NOT NULL, exit_signal INTEGER NOT NULL, note TEXT NOT NULL\n" \
	");\n" \
	"CREATE TABLE IF NOT EXISTS layer_calls (\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n" \
	"  row INTEGER NOT NULL, calls INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (run_id, row)\n" \
	") WITHOUT ROWID;\n"

int store_write_command(struct store *s, const struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	json_t *argv;
	char *text;
	int i, rc, err;

	if (!run->command_argc)
		return 0;
	err = sql_exec(s, COMMAND_TABLES, "cannot create the command tables");
	if (err)
		return err;
	argv = json_array();
	for (i = 0; i < run->command_argc; i++)
		json_array_append_new(argv, json_string(run->command_argv[i]));
	text = json_dumps(argv, JSON_COMPACT);
	json_decref(argv);
	err = sql_prepare(s, "INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, text ? text : "[]", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, run->grouping, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 4, run->periods);
		sqlite3_bind_int(st, 5, run->exit_status);
		sqlite3_bind_int(st, 6, run->exit_signal);
		rc = sqlite3_bind_text(st, 7, run->app_note, -1, SQLITE_TRANSIENT);
		err = sql_step_done(s, st, rc, "cannot write the command");
	}
	free(text);
	sqlite3_finalize(st);
	st = NULL;
	if (!err)
		err = sql_prepare(s, "INSERT INTO layer_calls VALUES (?, ?, ?)", &st);
	for (i = 0; !err && i < run->nlayers; i++) {
		if (!run->layers[i].calls)
			continue;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i);
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)run->layers[i].calls);
		err = sql_step_done(s, st, rc, "cannot write a layer's calls");
	}
	sqlite3_finalize(st);
	return err;
}

static int command_corrupt(const struct store *s, int64_t id, const char *what)
{
	return cp_error(-EBADMSG, "'%s' is corrupt (run %lld: %s)", s->path, (long long)id, what);
}

static int read_argv(struct store *s, struct cp_run *run, int64_t id, const char *text)
{
	json_t *a = json_loads(text ? text : "", 0, NULL);
	const char **argv = NULL;
	size_t i, n;
	int err = 0;

	if (!json_is_array(a) || (n = json_array_size(a)) == 0 || n > 65536) {
		json_decref(a);
		return command_corrupt(s, id, "the command is not a list of strings");
	}
	argv = xcalloc(n, sizeof(*argv));
	for (i = 0; i < n && !err; i++) {
		argv[i] = json_string_value(json_array_get(a, i));
		if (!argv[i])
			err = command_corrupt(s, id, "the command is not a list of strings");
	}
	if (!err)
		cp_run_set_command(run, (int)n, argv);
	free(argv);
	json_decref(a);
	return err;
}

int store_read_command(struct store *s, struct cp_run *run, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int64_t have = 0;
	int rc, err;

	err = sql_query_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'commands'", &have);
	if (err || !have)
		return err;
	err = sql_prepare(s, "SELECT argv, grouping, periods, exit_status, exit_signal, note "
			  "FROM commands WHERE run_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 1);
		const char *note = (const char *)sqlite3_column_text(st, 5);

		err = read_argv(s, run, id, (const char *)sqlite3_column_text(st, 0));
		snprintf(run->grouping, sizeof(run->grouping), "%s", g ? g : "");
		if (!err && strcmp(run->grouping, "sequence") && strcmp(run->grouping, "primitive"))
			err = command_corrupt(s, id, "unknown grouping");
		run->periods = sqlite3_column_int(st, 2);
		run->exit_status = sqlite3_column_int(st, 3);
		run->exit_signal = sqlite3_column_int(st, 4);
		snprintf(run->app_note, sizeof(run->app_note), "%s", note ? note : "");
	} else if (rc != SQLITE_DONE) {
		err = sql_db_error(s, rc, "cannot read the command");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (err || rc != SQLITE_ROW)
		return err;
	err = sql_prepare(s, "SELECT row, calls FROM layer_calls WHERE run_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t row = sqlite3_column_int64(st, 0), calls = sqlite3_column_int64(st, 1);

		if (row < 0 || row >= run->nlayers || calls < 0) {
			err = command_corrupt(s, id, "calls of a row that does not exist");
			break;
		}
		run->layers[row].calls = (uint64_t)calls;
	}
	if (!err && rc != SQLITE_DONE)
		err = sql_db_error(s, rc, "cannot read the calls");
	sqlite3_finalize(st);
	return err;
}
