// SPDX-License-Identifier: MIT
/* The machine's ceilings in the recording file, for roofline and efficiency. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store-int.h"
#include "util/util.h"

int store_write_ceilings(struct store *s, const char *key, const char *json)
{
	sqlite3_stmt *st = NULL;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int err, rc;

	if (s->mode == STORE_READ)
		return cp_error(-EROFS, "'%s' is open for reading", s->path);
	/* files made before the table existed get it on their first write */
	err = sql_exec(s, CEILINGS_TABLE, "cannot create the ceilings table");
	if (err)
		return err;
	err = sql_prepare(s, "INSERT INTO ceilings (time, machine_key, json) VALUES (?, ?, ?)", &st);
	if (err)
		return err;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
	err = sql_step_done(s, st, rc, "cannot store the ceilings");
	sqlite3_finalize(st);
	return err;
}

int store_read_ceilings(struct store *s, const char *key, char **json)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int err, rc;

	*json = NULL;
	err = sql_query_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'ceilings'", &n);
	if (err)
		return err;
	if (!n)
		return cp_error(-ENOENT, "'%s' holds no machine ceilings", s->path);
	err = sql_prepare(s, key ?
			  "SELECT json FROM ceilings WHERE machine_key = ? ORDER BY id DESC LIMIT 1" :
			  "SELECT json FROM ceilings ORDER BY id DESC LIMIT 1", &st);
	if (err)
		return err;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*json = xstrdup((const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		err = cp_error(-ENOENT, "'%s' holds no ceilings measured on this machine", s->path);
	else
		err = sql_db_error(s, rc, "cannot read the ceilings");
	sqlite3_finalize(st);
	return err;
}
