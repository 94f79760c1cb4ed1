// SPDX-License-Identifier: MIT
/*
 * The recording file, in SQLite (Debian's libsqlite3): transactions make
 * "a run is all there or not at all" cheap, the file stays readable with
 * the sqlite3 shell, and a torn write is caught by SQLite, not by us.
 *
 * Journal: the default rollback journal (journal_mode=DELETE,
 * synchronous=FULL), not WAL. A writer killed mid-transaction leaves a hot
 * journal that the next opener rolls back, so earlier runs survive; after a
 * commit the .db file alone holds every run (WAL would keep committed runs
 * in a -wal side file until a checkpoint, and needs -shm shared memory even
 * to read). One short write transaction per run gains nothing from WAL's
 * concurrent readers.
 *
 * Field lists below map columns to struct members, so writing and reading
 * a run go through the same table and cannot drift apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store-int.h"
#include "util/util.h"

static const char schema_sql[] =
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE runs (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  time TEXT NOT NULL, cmdline TEXT NOT NULL,\n"
	"  convprof_version TEXT NOT NULL, dnnl_version TEXT NOT NULL,\n"
	"  model TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,\n"
	"  batch INTEGER NOT NULL, precision TEXT NOT NULL, layout TEXT NOT NULL,\n"
	"  fusion INTEGER NOT NULL, threads INTEGER NOT NULL, pin TEXT NOT NULL,\n"
	"  membind TEXT NOT NULL, iterations INTEGER NOT NULL,\n"
	"  warmup INTEGER NOT NULL, rotate INTEGER NOT NULL,\n"
	"  partial INTEGER NOT NULL,\n"
	"  backend TEXT NOT NULL, backend_reason TEXT NOT NULL,\n"
	"  numa TEXT NOT NULL, numa_warning TEXT NOT NULL,\n"
	"  latency_ms REAL, throughput_ips REAL, layers_ms REAL,\n"
	"  other_ms REAL, overhead_pct REAL,\n"
	"  overhead_spread_pct REAL, overhead_reason TEXT NOT NULL DEFAULT '',\n"
	"  op_count INTEGER NOT NULL, reorder_count INTEGER NOT NULL,\n"
	"  nlayers INTEGER NOT NULL, nevents INTEGER NOT NULL,\n"
	"  nthreads INTEGER NOT NULL, nstacks INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE machine (\n"
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id),\n"
	"  cpu_model TEXT NOT NULL, isa TEXT NOT NULL, kernel TEXT NOT NULL,\n"
	"  hostname TEXT NOT NULL, pus INTEGER NOT NULL, cores INTEGER NOT NULL,\n"
	"  numa_nodes INTEGER NOT NULL, packages INTEGER NOT NULL,\n"
	"  l1d INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL,\n"
	"  memory INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE events (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  idx INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL, source TEXT NOT NULL,\n"
	"  supported INTEGER NOT NULL, reason TEXT NOT NULL,\n"
	"  running_ratio REAL,\n"
	"  PRIMARY KEY (run_id, idx), UNIQUE (run_id, name)\n"
	");\n"
	/* row: position in run->layers, -1 for (other) */
	"CREATE TABLE layers (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  row INTEGER NOT NULL CHECK (row >= -1),\n"
	"  idx INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,\n"
	"  stage TEXT NOT NULL, post_ops TEXT NOT NULL, layout TEXT NOT NULL,\n"
	"  wei_fmt TEXT NOT NULL, dst_fmt TEXT NOT NULL, impl TEXT NOT NULL,\n"
	"  dtype TEXT NOT NULL, is_ref INTEGER NOT NULL,\n"
	"  cfg_layer INTEGER NOT NULL, flops INTEGER NOT NULL,\n"
	"  params INTEGER NOT NULL,\n"
	"  weight_bytes INTEGER NOT NULL, in_bytes INTEGER NOT NULL,\n"
	"  out_bytes INTEGER NOT NULL, scratchpad_bytes INTEGER NOT NULL,\n"
	"  in_d0 INTEGER NOT NULL, in_d1 INTEGER NOT NULL,\n"
	"  in_d2 INTEGER NOT NULL, in_d3 INTEGER NOT NULL,\n"
	"  out_d0 INTEGER NOT NULL, out_d1 INTEGER NOT NULL,\n"
	"  out_d2 INTEGER NOT NULL, out_d3 INTEGER NOT NULL,\n"
	"  kernel INTEGER NOT NULL, stride INTEGER NOT NULL, pad INTEGER NOT NULL,\n"
	"  time_ms REAL, remote_share REAL,\n"
	"  PRIMARY KEY (run_id, row)\n"
	");\n"
	/* values that were not taken (NaN) have no row */
	"CREATE TABLE layer_values (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  layer INTEGER NOT NULL, event INTEGER NOT NULL,\n"
	"  value REAL NOT NULL,\n"
	"  PRIMARY KEY (run_id, layer, event)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE total_values (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  event INTEGER NOT NULL, value REAL NOT NULL,\n"
	"  PRIMARY KEY (run_id, event)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE threads (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  thread INTEGER NOT NULL, worker INTEGER NOT NULL,\n"
	"  cpu_planned INTEGER NOT NULL, cpus_actual TEXT NOT NULL,\n"
	"  migrations REAL,\n"
	"  PRIMARY KEY (run_id, thread)\n"
	");\n"
	"CREATE TABLE thread_values (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  layer INTEGER NOT NULL, thread INTEGER NOT NULL,\n"
	"  event INTEGER NOT NULL, value REAL NOT NULL,\n"
	"  PRIMARY KEY (run_id, layer, thread, event)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE stacks (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  seq INTEGER NOT NULL, layer INTEGER NOT NULL,\n"
	"  event TEXT NOT NULL, frames TEXT NOT NULL, count INTEGER NOT NULL,\n"
	"  PRIMARY KEY (run_id, seq)\n"
	");\n"
	CEILINGS_TABLE
	WORKERS_TABLES
	/* for people reading the file with the sqlite3 shell */
	"CREATE VIEW layer_counts AS\n"
	"  SELECT v.run_id, v.layer, l.name AS layer_name, e.name AS event, v.value\n"
	"  FROM layer_values v\n"
	"  JOIN layers l ON l.run_id = v.run_id AND l.row = v.layer\n"
	"  JOIN events e ON e.run_id = v.run_id AND e.idx = v.event;\n";

const struct col run_cols[] = {
	TXT(struct cp_run, time), TXT(struct cp_run, cmdline),
	TXT(struct cp_run, convprof_version), TXT(struct cp_run, dnnl_version),
	TXT(struct cp_run, model), INT(struct cp_run, width),
	INT(struct cp_run, height), INT(struct cp_run, batch),
	TXT(struct cp_run, precision), TXT(struct cp_run, layout),
	INT(struct cp_run, fusion), INT(struct cp_run, threads),
	TXT(struct cp_run, pin), TXT(struct cp_run, membind),
	INT(struct cp_run, iterations), INT(struct cp_run, warmup),
	INT(struct cp_run, rotate), INT(struct cp_run, partial),
	TXT(struct cp_run, backend), TXT(struct cp_run, backend_reason),
	TXT(struct cp_run, numa), TXT(struct cp_run, numa_warning),
	REAL(struct cp_run, latency_ms), REAL(struct cp_run, throughput_ips),
	REAL(struct cp_run, layers_ms), REAL(struct cp_run, other_ms),
	REAL(struct cp_run, overhead_pct), INT(struct cp_run, op_count),
	INT(struct cp_run, reorder_count),
	COL_SINCE(2, struct cp_run, C_REAL, overhead_spread_pct),
	COL_SINCE(2, struct cp_run, C_TEXT, overhead_reason),
	/* sizes of the child tables, checked when reading */
	INT(struct cp_run, nlayers), INT(struct cp_run, nevents),
	INT(struct cp_run, nthreads), INT(struct cp_run, nstacks),
};

const struct col machine_cols[] = {
	TXT(struct cp_machine_rec, cpu_model), TXT(struct cp_machine_rec, isa),
	TXT(struct cp_machine_rec, kernel), TXT(struct cp_machine_rec, hostname),
	INT(struct cp_machine_rec, pus), INT(struct cp_machine_rec, cores),
	INT(struct cp_machine_rec, numa_nodes), INT(struct cp_machine_rec, packages),
	U64(struct cp_machine_rec, l1d), U64(struct cp_machine_rec, l2),
	U64(struct cp_machine_rec, l3), U64(struct cp_machine_rec, memory),
};

const struct col event_cols[] = {
	TXT(struct cp_event_info, name), TXT(struct cp_event_info, source),
	INT(struct cp_event_info, supported), TXT(struct cp_event_info, reason),
	REAL(struct cp_event_info, running_ratio),
};

const struct col layer_cols[] = {
	COL(struct cp_layer_rec, C_INT, index, "idx"),
	TXT(struct cp_layer_rec, name), TXT(struct cp_layer_rec, kind),
	TXT(struct cp_layer_rec, stage), TXT(struct cp_layer_rec, post_ops),
	TXT(struct cp_layer_rec, layout), TXT(struct cp_layer_rec, wei_fmt),
	TXT(struct cp_layer_rec, dst_fmt), TXT(struct cp_layer_rec, impl),
	TXT(struct cp_layer_rec, dtype), INT(struct cp_layer_rec, is_ref),
	INT(struct cp_layer_rec, cfg_layer), U64(struct cp_layer_rec, flops),
	U64(struct cp_layer_rec, params),
	U64(struct cp_layer_rec, weight_bytes), U64(struct cp_layer_rec, in_bytes),
	U64(struct cp_layer_rec, out_bytes), U64(struct cp_layer_rec, scratchpad_bytes),
	COL(struct cp_layer_rec, C_INT, in_dims[0], "in_d0"),
	COL(struct cp_layer_rec, C_INT, in_dims[1], "in_d1"),
	COL(struct cp_layer_rec, C_INT, in_dims[2], "in_d2"),
	COL(struct cp_layer_rec, C_INT, in_dims[3], "in_d3"),
	COL(struct cp_layer_rec, C_INT, out_dims[0], "out_d0"),
	COL(struct cp_layer_rec, C_INT, out_dims[1], "out_d1"),
	COL(struct cp_layer_rec, C_INT, out_dims[2], "out_d2"),
	COL(struct cp_layer_rec, C_INT, out_dims[3], "out_d3"),
	INT(struct cp_layer_rec, kernel), INT(struct cp_layer_rec, stride),
	INT(struct cp_layer_rec, pad), REAL(struct cp_layer_rec, time_ms),
	REAL(struct cp_layer_rec, remote_share),
};

const struct col thread_cols[] = {
	INT(struct cp_thread_rec, worker), INT(struct cp_thread_rec, cpu_planned),
	TXT(struct cp_thread_rec, cpus_actual), REAL(struct cp_thread_rec, migrations),
};

const size_t run_cols_n = ARRAY_SIZE(run_cols);
const size_t machine_cols_n = ARRAY_SIZE(machine_cols);
const size_t event_cols_n = ARRAY_SIZE(event_cols);
const size_t layer_cols_n = ARRAY_SIZE(layer_cols);
const size_t thread_cols_n = ARRAY_SIZE(thread_cols);

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Look at the 100-byte SQLite header ourselves: SQLite reads a file cut
 * short as pages of zeros (or its header as absent), which says "another
 * program" or "malformed" where "truncated" is the truth. 1: an SQLite
 * file, 0: not one, -EBADMSG: one cut short.
 */
static int sqlite_header_check(const struct store *s)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char h[100];
	struct stat sb;
	uint64_t page, pages, want;
	ssize_t got = -1;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		got = read(fd, h, sizeof(h));
		if (fstat(fd, &sb))
			got = -1;
		close(fd);
	}
	if (got < (ssize_t)sizeof(magic) || memcmp(h, magic, sizeof(magic)))
		return 0;
	if (got < (ssize_t)sizeof(h))
		return cp_error(-EBADMSG, "'%s' is truncated (%lld bytes: not even "
				"the SQLite header)", s->path, (long long)sb.st_size);
	page = (uint64_t)h[16] << 8 | h[17];
	page = page == 1 ? 65536 : page;
	pages = be32(h + 28);
	/* the header's page count is valid when its change counters agree */
	want = be32(h + 24) == be32(h + 92) ? pages * page : 0;
	if (page < 512 || (uint64_t)sb.st_size % page || (uint64_t)sb.st_size < want)
		return cp_error(-EBADMSG, "'%s' is truncated (%lld bytes, its header "
				"says %llu)", s->path, (long long)sb.st_size,
				(unsigned long long)(want ? want : page));
	return 1;
}

/* SQLite's integrity report spans lines; an error message may not. */
static void one_line(char *msg)
{
	static const char prefix[] = "*** in database main ***";
	char *p;

	if (strncmp(msg, prefix, strlen(prefix)) == 0)
		memmove(msg, msg + strlen(prefix), strlen(msg + strlen(prefix)) + 1);
	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (*msg == ' ')
		memmove(msg, msg + 1, strlen(msg));
}

/* Is the open file a recording this convprof can read, and intact? */
static int store_check(struct store *s, int empty)
{
	sqlite3_stmt *st = NULL;
	int64_t app = 0, version = 0, meta_version = 0;
	const unsigned char *res;
	char msg[300];
	int err, rc, is_sqlite;

	/* SQLite's first read rolls back a hot journal: look at the header after */
	rc = sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		app = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	is_sqlite = sqlite_header_check(s);
	if (is_sqlite < 0)
		return is_sqlite;
	if (rc != SQLITE_ROW) {
		if ((rc & 0xff) != SQLITE_NOTADB)
			return sql_db_error(s, rc, "cannot read");
		if (is_sqlite)
			return cp_error(-EBADMSG, "'%s' is truncated or corrupt (%s)",
					s->path, sqlite3_errmsg(s->db));
		return cp_error(-ENOTSUP, "'%s' is not a convprof recording "
				"(not an SQLite database)", s->path);
	}
	if (app != STORE_APPLICATION_ID) {
		if (empty)
			return cp_error(-ENOTSUP, "'%s' is not a convprof recording "
					"(an empty file)", s->path);
		return cp_error(-ENOTSUP, "'%s' is not a convprof recording "
				"(an SQLite database of another program)", s->path);
	}
	err = sql_query_int(s, "PRAGMA user_version", &version);
	if (err)
		return err;
	s->version = (int)version;
	if (version > STORE_SCHEMA_VERSION)
		return cp_error(-EPROTONOSUPPORT, "'%s' was written by a newer convprof "
				"(schema version %lld; this one reads up to %d)",
				s->path, (long long)version, STORE_SCHEMA_VERSION);
	/* quick_check: every page and index is well formed, in O(size) */
	err = sql_prepare(s, "PRAGMA quick_check(1)", &st);
	if (err)
		return err;
	rc = sqlite3_step(st);
	res = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (rc != SQLITE_ROW)
		err = sql_db_error(s, rc, "integrity check");
	else if (!res || strcmp((const char *)res, "ok") != 0) {
		snprintf(msg, sizeof(msg), "%s", res ? (const char *)res
						     : "integrity check failed");
		one_line(msg);
		err = cp_error(-EBADMSG, "'%s' is corrupt (%s)", s->path, msg);
	}
	sqlite3_finalize(st);
	if (err)
		return err;
	err = sql_query_int(s, "SELECT CAST(value AS INTEGER) FROM meta "
			"WHERE key = 'schema_version'", &meta_version);
	if (err)
		return err;
	if (version < 1 || meta_version != version)
		return cp_error(-EBADMSG, "'%s' is corrupt (schema version %lld, meta "
				"says %lld)", s->path, (long long)version,
				(long long)meta_version);
	return 0;
}

/*
 * What each schema version adds to the one before: a file is brought up to
 * date when it is opened for writing; a reader of an older file reads the
 * columns it lacks as NULL (COL_SINCE), so old recordings stay readable.
 */
static const char *const migrations[STORE_SCHEMA_VERSION + 1] = {
	[2] = "ALTER TABLE runs ADD COLUMN overhead_spread_pct REAL;\n"
	      "ALTER TABLE runs ADD COLUMN overhead_reason TEXT NOT NULL DEFAULT '';\n"
	      WORKERS_TABLES,
};

static int store_migrate(struct store *s)
{
	int64_t version = 0;
	char *sql = NULL;
	int err, v;

	err = sql_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
	if (err)
		return err;
	/* another writer may have migrated it while we waited for the lock */
	err = sql_query_int(s, "PRAGMA user_version", &version);
	for (v = (int)version + 1; !err && v <= STORE_SCHEMA_VERSION; v++)
		err = sql_exec(s, migrations[v], "cannot update the recording's schema");
	if (!err && version < STORE_SCHEMA_VERSION) {
		sql = xasprintf("PRAGMA user_version = %d; UPDATE meta SET value = '%d' "
				"WHERE key = 'schema_version';", STORE_SCHEMA_VERSION,
				STORE_SCHEMA_VERSION);
		err = sql_exec(s, sql, "cannot update the recording's schema");
		free(sql);
	}
	if (!err)
		err = sql_exec(s, "COMMIT", "cannot update the recording's schema");
	if (err)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	else
		s->version = STORE_SCHEMA_VERSION;
	return err;
}

/* Lay the schema into a new (or empty) file, unless another writer just did. */
static int store_init(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t app = 0;
	char *sql = NULL;
	int err;

	err = sql_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
	if (err)
		return err;
	err = sql_query_int(s, "PRAGMA application_id", &app);
	if (err || app == STORE_APPLICATION_ID)
		goto out;
	err = sql_exec(s, schema_sql, "cannot create the tables");
	if (err)
		goto out;
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d;",
			STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
	err = sql_exec(s, sql, "cannot mark the file");
	if (err)
		goto out;
	err = sql_prepare(s, "INSERT INTO meta VALUES ('schema_version', ?), "
		      "('created_by', ?)", &st);
	if (err)
		goto out;
	sqlite3_bind_int(st, 1, STORE_SCHEMA_VERSION);
	sqlite3_bind_text(st, 2, "convprof " CP_VERSION, -1, SQLITE_STATIC);
	err = sql_step_done(s, st, SQLITE_OK, "cannot write the meta table");
out:
	sqlite3_finalize(st);
	free(sql);
	if (!err)
		err = sql_exec(s, "COMMIT", "cannot create the recording");
	if (err)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *s = xcalloc(1, sizeof(*s));
	struct stat sb;
	int exists, empty = 0, flags, rc, err = 0;

	*out = NULL;
	s->path = xstrdup(path);
	s->mode = mode;
	exists = stat(path, &sb) == 0;
	if (!exists && errno != ENOENT) {
		err = cp_error(-errno, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (exists && S_ISDIR(sb.st_mode)) {
		err = cp_error(-EISDIR, "'%s' is a directory", path);
		goto out;
	}
	empty = exists && sb.st_size == 0;
	if (mode == STORE_READ && !exists) {
		err = cp_error(-ENOENT, "cannot open '%s': %s", path, strerror(ENOENT));
		goto out;
	}
	if (mode == STORE_CREATE && exists) {
		err = cp_error(-EEXIST, "'%s' exists", path);
		goto out;
	}
	if (mode != STORE_READ)
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	else if (access(path, W_OK) == 0)
		/* read-write only so that a hot journal left by a killed writer
		   can be rolled back; query_only below keeps us from writing */
		flags = SQLITE_OPEN_READWRITE;
	else
		flags = SQLITE_OPEN_READONLY;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		err = s->db ? sql_db_error(s, rc, "cannot open")
			    : cp_error(-ENOMEM, "cannot open '%s': out of memory", path);
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (mode != STORE_READ && (!exists || empty)) {
		err = sql_exec(s, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL",
			   "cannot set the journal mode");
		if (!err)
			err = store_init(s);
		if (err)
			goto out;
	}
	err = store_check(s, empty);
	if (!err && mode != STORE_READ && s->version < STORE_SCHEMA_VERSION)
		err = store_migrate(s);
	if (err)
		goto out;
	if (mode == STORE_READ)
		err = sql_exec(s, "PRAGMA query_only = 1", "cannot open read-only");
	else
		err = sql_exec(s, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL",
			   "cannot set the journal mode");
out:
	if (err) {
		store_close(s);
		return err;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}
