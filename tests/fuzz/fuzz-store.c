// SPDX-License-Identifier: MIT
/*
 * The recording reader against files with the right schema and hostile
 * contents. The harness writes the fixture runs once (tests/unit/fixture.h)
 * and, per input, copies that file and applies the input as a list of
 * edits: set a column of some rows to NULL, NaN's stand-in, -1, huge or
 * infinite numbers, a 64 KiB string, bytes of the input; delete rows;
 * duplicate them. Then convprof reads every run as `report` does and renders
 * it as text, CSV, JSON, grouped, folded stacks and a flame graph, and diffs
 * each run with the one before. A refusal must be a clean -errno.
 */
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "fixture.h"
#include "reports/compare.h"
#include "reports/flamegraph.h"
#include "reports/folded.h"
#include "reports/group.h"
#include "reports/render.h"
#include "store/store.h"
#include "util/util.h"

#define MAX_TABLES 16
#define MAX_COLS 48

static struct {
	char name[32];
	char col[MAX_COLS][32];
	int ncols;
} tables[MAX_TABLES];
static int ntables;
static char *tmpl;
static size_t tmpl_size;
static char work[64];
static FILE *devnull;

static void cleanup(void)
{
	unlink(work);
}

static void load_columns(sqlite3 *db)
{
	sqlite3_stmt *t = NULL, *c = NULL;
	char sql[128];

	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
			   "name NOT LIKE 'sqlite_%' ORDER BY name", -1, &t, NULL);
	while (sqlite3_step(t) == SQLITE_ROW && ntables < MAX_TABLES) {
		snprintf(tables[ntables].name, sizeof(tables[0].name), "%s",
			 (const char *)sqlite3_column_text(t, 0));
		snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", tables[ntables].name);
		sqlite3_prepare_v2(db, sql, -1, &c, NULL);
		while (sqlite3_step(c) == SQLITE_ROW && tables[ntables].ncols < MAX_COLS)
			snprintf(tables[ntables].col[tables[ntables].ncols++], 32, "%s",
				 (const char *)sqlite3_column_text(c, 1));
		sqlite3_finalize(c);
		ntables++;
	}
	sqlite3_finalize(t);
}

static void setup(void)
{
	static const enum fixture_variant order[] = {
		FIX_NCHW, FIX_NHWC, FIX_UNFUSED, FIX_YOLO, FIX_BIGGER,
	};
	char path[64];
	struct store *st = NULL;
	sqlite3 *db = NULL;
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "/tmp/convprof-fuzz-store-%d.db", (int)getpid());
	/* a file per input: tmpfs spares the disk the fsyncs */
	snprintf(work, sizeof(work), "%s/convprof-fuzz-work-%d.db",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
	unlink(path);
	if (store_open(path, STORE_CREATE, &st))
		abort();
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		struct cp_run *run = fixture_run(order[i]);

		if (store_write_run(st, run))
			abort();
		cp_run_free(run);
	}
	store_close(st);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		abort();
	load_columns(db);
	sqlite3_close(db);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END))
		abort();
	tmpl_size = (size_t)ftell(f);
	rewind(f);
	tmpl = xmalloc(tmpl_size);
	if (fread(tmpl, 1, tmpl_size, f) != tmpl_size)
		abort();
	fclose(f);
	unlink(path);
	devnull = fopen("/dev/null", "w");
	atexit(cleanup);
}

/* Bind value kind @k (the bytes after it may give its content). */
static void bind_value(sqlite3_stmt *s, int i, uint8_t k, const uint8_t **p,
		       const uint8_t *end)
{
	static char *lng;
	size_t n;

	switch (k % 20) {
	case 0: sqlite3_bind_null(s, i); break;
	case 1: sqlite3_bind_int64(s, i, 0); break;
	case 2: sqlite3_bind_int64(s, i, -1); break;
	case 3: sqlite3_bind_int64(s, i, INT64_MAX); break;
	case 4: sqlite3_bind_int64(s, i, INT64_MIN); break;
	case 5: sqlite3_bind_int64(s, i, 2147483648LL); break;
	case 6: sqlite3_bind_double(s, i, 1e308); break;
	case 7: sqlite3_bind_double(s, i, -1e308); break;
	case 8: sqlite3_bind_double(s, i, INFINITY); break;
	case 9: sqlite3_bind_double(s, i, -INFINITY); break;
	case 10:
		sqlite3_bind_int64(s, i, *p < end ? (int8_t)*(*p)++ : 7);
		break;
	case 11: sqlite3_bind_double(s, i, 0.5); break;
	case 12:
		if (!lng) {
			lng = xmalloc(65537);
			memset(lng, 'x', 65536);
			lng[65536] = '\0';
		}
		sqlite3_bind_text(s, i, lng, -1, SQLITE_STATIC);
		break;
	case 13:
		n = *p < end ? *(*p)++ % 17 : 0;
		n = MIN(n, (size_t)(end - *p));
		sqlite3_bind_text(s, i, (const char *)*p, (int)n, SQLITE_TRANSIENT);
		*p += n;
		break;
	case 14: sqlite3_bind_text(s, i, "nan", -1, SQLITE_STATIC); break;
	case 15:
		n = *p < end ? *(*p)++ % 9 : 0;
		n = MIN(n, (size_t)(end - *p));
		sqlite3_bind_blob(s, i, *p, (int)n, SQLITE_TRANSIENT);
		*p += n;
		break;
	case 16: sqlite3_bind_text(s, i, "", -1, SQLITE_STATIC); break;
	case 17: sqlite3_bind_double(s, i, 1.8446744073709552e19); break;
	case 18: sqlite3_bind_double(s, i, -0.0); break;
	default: sqlite3_bind_int64(s, i, 1LL << 40); break;
	}
}

/* One edit: 5 bytes (op, table, column, value kind, where) and the value's. */
static void apply_edit(sqlite3 *db, const uint8_t **p, const uint8_t *end)
{
	uint8_t op = (*p)[0], ti = (*p)[1], ci = (*p)[2], vk = (*p)[3], wh = (*p)[4];
	const char *tab, *col, *wcol;
	sqlite3_stmt *s = NULL;
	char sql[256], where[96] = "";
	int t;

	*p += 5;
	t = ti % ntables;
	tab = tables[t].name;
	col = tables[t].col[ci % tables[t].ncols];
	wcol = tables[t].col[(wh >> 4) % tables[t].ncols];
	/* low bits: which value the row's column must have; 15 = every row */
	if ((wh & 15) != 15)
		snprintf(where, sizeof(where), " WHERE \"%s\" = %d", wcol, (wh & 15) - 2);
	switch (op % 4) {
	case 0:
	case 1:
		snprintf(sql, sizeof(sql), "UPDATE \"%s\" SET \"%s\" = ?1%s", tab, col, where);
		break;
	case 2:
		snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"%s", tab, where);
		break;
	default:
		snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO \"%s\" SELECT * FROM \"%s\"%s",
			 tab, tab, where);
		break;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return;
	if (op % 4 < 2)
		bind_value(s, 1, vk, p, end);
	sqlite3_step(s);	/* a constraint may refuse it: that edit is void */
	sqlite3_finalize(s);
}

/* Everything report, flamegraph and diff do with one run (and the one before). */
static void render_all(struct cp_run *run, struct cp_run *prev)
{
	struct render_opts ro = { .format = FMT_TEXT };
	struct flame_opts fo = { 0 };
	struct comparison c;
	struct folded f, fp;
	struct cp_run *g;
	char la[64], lb[64], sum[256];
	json_t *j;
	int by;

	render_run(run, devnull, &ro);
	ro.format = FMT_CSV;
	ro.per_thread = 1;
	ro.sort = "time";
	render_run(run, devnull, &ro);
	ro.format = FMT_TEXT;
	ro.per_thread = 0;
	ro.sort = NULL;
	j = run_to_json(run, &ro);
	json_dumpf(j, devnull, 0);
	json_decref(j);
	for (by = 0; group_by_choices[by]; by++) {
		enum group_by gb;

		if (group_by_parse(group_by_choices[by], &gb) == 0 && (g = group_run(run, gb))) {
			render_run(g, devnull, &ro);
			cp_run_free(g);
		}
	}
	if (folded_build(run, NULL, &f) == 0) {
		folded_print(run, &f, devnull);
		flamegraph_svg(run, &f, NULL, NULL, &fo, devnull);
		if (prev && compare_check(prev, run) == 0 && folded_build(prev, NULL, &fp) == 0) {
			flamegraph_svg(run, &f, prev, &fp, &fo, devnull);
			folded_release(&fp);
		}
		folded_release(&f);
	}
	if (prev && compare_check(prev, run) == 0) {
		compare_match(prev, run, &c);
		compare_labels(prev, run, NULL, NULL, la, lb, sizeof(la));
		compare_summary(prev, run, &c, la, lb, sum, sizeof(sum));
		(void)compare_speedup(prev, run);
		compare_release(&c);
	}
}

static void read_all(void)
{
	struct store_run_info *info = NULL;
	struct cp_run *run, *prev = NULL;
	struct store *st = NULL;
	int n = 0, i;

	if (store_open(work, STORE_READ, &st))
		return;
	if (store_list_runs(st, &info, &n) == 0) {
		for (i = 0; i <= n; i++) {
			/* every listed run, and one that is not there */
			int64_t id = i < n ? info[i].id : 99;

			if (store_read_run(st, id, &run))
				continue;
			render_all(run, prev);
			cp_run_free(prev);
			prev = run;
		}
		free(info);
	}
	cp_run_free(prev);
	store_close(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	sqlite3 *db = NULL;
	int fd;

	if (size > 512)
		return 0;
	if (!tmpl)
		setup();
	fd = open(work, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, tmpl, tmpl_size) != (ssize_t)tmpl_size)
		abort();
	close(fd);
	if (sqlite3_open_v2(work, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		abort();
	/* hostile rows the schema's CHECKs would refuse can still be in a file */
	sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (end - p >= 5)
		apply_edit(db, &p, end);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	read_all();
	cp_error_clear();
	return 0;
}
