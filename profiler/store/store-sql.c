// SPDX-License-Identifier: MIT
/* The SQLite helpers every part of the store uses: errors, statements, columns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store-int.h"
#include "util/util.h"


/* Turn an SQLite failure into -errno and a sentence naming the file. */
int sql_db_error(const struct store *s, int rc, const char *what)
{
	int err;

	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		err = -EBADMSG;
		break;
	case SQLITE_FULL:
		err = -ENOSPC;
		break;
	case SQLITE_READONLY:
		err = -EROFS;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = -EBUSY;
		break;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		err = -EACCES;
		break;
	case SQLITE_CANTOPEN:
		err = -ENOENT;
		break;
	default:
		err = -EIO;
	}
	if (err == -EBADMSG)
		return cp_error(err, "'%s' is corrupt (%s: %s)", s->path, what,
				sqlite3_errmsg(s->db));
	return cp_error(err, "'%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int sql_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : sql_db_error(s, rc, "cannot prepare a statement");
}

int sql_exec(struct store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sql_db_error(s, rc, what);
}

/* The single integer a PRAGMA or a count query returns. */
int sql_query_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	err = sql_prepare(s, sql, &st);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? cp_error(-EBADMSG, "'%s': '%s' returned nothing",
						   s->path, sql)
					: sql_db_error(s, rc, "cannot read");
		goto out;
	}
	*out = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return err;
}

/* Step an INSERT to completion and make it ready for the next row. */
int sql_step_done(struct store *s, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int rc = bind_rc == SQLITE_OK ? sqlite3_step(st) : bind_rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : sql_db_error(s, rc, what);
}

/* "a, b, c" (or "?, ?, ?") for @cols, for INSERT and SELECT. */
char *sql_col_list(const struct col *cols, size_t n, int params)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s", s, i ? ", " : "", params ? "?" : cols[i].name);
		free(s);
		s = t;
	}
	return s;
}
