// SPDX-License-Identifier: MIT
/*
 * The recording file: write -> read is the identity (NaN-ness included),
 * a failed write leaves earlier runs alone, a killed writer too, and files
 * that are not intact recordings are refused with the right error.
 *
 * `test-store --write-fixture FILE` writes the fixture runs for the CLI
 * and golden tests (tests/cli/t-report.sh) and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "store/store.h"
#include "store/store-int.h"
#include "tap.h"
#include "util/util.h"

#define DIR "tests/out/test-store"

static int same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static int diffs;

#define CMP_STR(a, b, what) do { \
	if (strcmp((a), (b))) { diffs++; printf("#   %s: '%s' != '%s'\n", what, a, b); } \
} while (0)
#define CMP_INT(a, b, what) do { \
	if ((long long)(a) != (long long)(b)) { diffs++; \
		printf("#   %s: %lld != %lld\n", what, (long long)(a), (long long)(b)); } \
} while (0)
#define CMP_NUM(a, b, what) do { \
	if (!same_num((a), (b))) { diffs++; printf("#   %s: %g != %g\n", what, a, b); } \
} while (0)

static void cmp_layer(const struct cp_layer_rec *a, const struct cp_layer_rec *b)
{
	int k;

	CMP_INT(a->index, b->index, "layer index");
	CMP_STR(a->name, b->name, "layer name");
	CMP_STR(a->kind, b->kind, "kind");
	CMP_STR(a->stage, b->stage, "stage");
	CMP_STR(a->post_ops, b->post_ops, "post_ops");
	CMP_STR(a->layout, b->layout, "layout");
	CMP_STR(a->wei_fmt, b->wei_fmt, "wei_fmt");
	CMP_STR(a->dst_fmt, b->dst_fmt, "dst_fmt");
	CMP_STR(a->impl, b->impl, "impl");
	CMP_STR(a->dtype, b->dtype, "dtype");
	CMP_INT(a->is_ref, b->is_ref, "is_ref");
	CMP_INT(a->cfg_layer, b->cfg_layer, "cfg_layer");
	CMP_INT(a->flops, b->flops, "flops");
	CMP_INT(a->weight_bytes, b->weight_bytes, "weight_bytes");
	CMP_INT(a->in_bytes, b->in_bytes, "in_bytes");
	CMP_INT(a->out_bytes, b->out_bytes, "out_bytes");
	CMP_INT(a->scratchpad_bytes, b->scratchpad_bytes, "scratchpad_bytes");
	for (k = 0; k < 4; k++) {
		CMP_INT(a->in_dims[k], b->in_dims[k], "in_dims");
		CMP_INT(a->out_dims[k], b->out_dims[k], "out_dims");
	}
	CMP_INT(a->kernel, b->kernel, "kernel");
	CMP_INT(a->stride, b->stride, "stride");
	CMP_INT(a->pad, b->pad, "pad");
	CMP_NUM(a->time_ms, b->time_ms, "time_ms");
	CMP_NUM(a->remote_share, b->remote_share, "remote_share");
}

/* Field by field; returns the number of differences (printed as TAP notes). */
static int cmp_run(const struct cp_run *a, const struct cp_run *b)
{
	const struct cp_machine_rec *ma = &a->machine, *mb = &b->machine;
	long i, n;

	diffs = 0;
	CMP_STR(a->time, b->time, "time");
	CMP_STR(a->cmdline, b->cmdline, "cmdline");
	CMP_STR(a->convprof_version, b->convprof_version, "convprof_version");
	CMP_STR(a->dnnl_version, b->dnnl_version, "dnnl_version");
	CMP_STR(ma->cpu_model, mb->cpu_model, "cpu_model");
	CMP_STR(ma->isa, mb->isa, "isa");
	CMP_STR(ma->kernel, mb->kernel, "kernel");
	CMP_STR(ma->hostname, mb->hostname, "hostname");
	CMP_INT(ma->pus, mb->pus, "pus");
	CMP_INT(ma->cores, mb->cores, "cores");
	CMP_INT(ma->numa_nodes, mb->numa_nodes, "numa_nodes");
	CMP_INT(ma->packages, mb->packages, "packages");
	CMP_INT(ma->l1d, mb->l1d, "l1d");
	CMP_INT(ma->l2, mb->l2, "l2");
	CMP_INT(ma->l3, mb->l3, "l3");
	CMP_INT(ma->memory, mb->memory, "memory");
	CMP_STR(a->model, b->model, "model");
	CMP_INT(a->width, b->width, "width");
	CMP_INT(a->height, b->height, "height");
	CMP_INT(a->batch, b->batch, "batch");
	CMP_STR(a->precision, b->precision, "precision");
	CMP_STR(a->layout, b->layout, "layout");
	CMP_INT(a->fusion, b->fusion, "fusion");
	CMP_INT(a->threads, b->threads, "threads");
	CMP_STR(a->pin, b->pin, "pin");
	CMP_STR(a->membind, b->membind, "membind");
	CMP_INT(a->iterations, b->iterations, "iterations");
	CMP_INT(a->warmup, b->warmup, "warmup");
	CMP_INT(a->rotate, b->rotate, "rotate");
	CMP_INT(a->partial, b->partial, "partial");
	CMP_STR(a->backend, b->backend, "backend");
	CMP_STR(a->backend_reason, b->backend_reason, "backend_reason");
	CMP_NUM(a->latency_ms, b->latency_ms, "latency_ms");
	CMP_NUM(a->throughput_ips, b->throughput_ips, "throughput_ips");
	CMP_NUM(a->layers_ms, b->layers_ms, "layers_ms");
	CMP_NUM(a->other_ms, b->other_ms, "other_ms");
	CMP_NUM(a->overhead_pct, b->overhead_pct, "overhead_pct");
	CMP_NUM(a->overhead_spread_pct, b->overhead_spread_pct, "overhead_spread_pct");
	CMP_STR(a->overhead_reason, b->overhead_reason, "overhead_reason");
	CMP_INT(a->op_count, b->op_count, "op_count");
	CMP_INT(a->reorder_count, b->reorder_count, "reorder_count");

	CMP_INT(a->nevents, b->nevents, "nevents");
	CMP_INT(a->nlayers, b->nlayers, "nlayers");
	CMP_INT(a->nthreads, b->nthreads, "nthreads");
	CMP_INT(a->nstacks, b->nstacks, "nstacks");
	if (diffs)
		return diffs;
	for (i = 0; i < a->nevents; i++) {
		CMP_STR(a->events[i].name, b->events[i].name, "event name");
		CMP_STR(a->events[i].source, b->events[i].source, "event source");
		CMP_INT(a->events[i].supported, b->events[i].supported, "supported");
		CMP_STR(a->events[i].reason, b->events[i].reason, "reason");
		CMP_NUM(a->events[i].running_ratio, b->events[i].running_ratio,
			"running_ratio");
		CMP_NUM(a->total_counts[i], b->total_counts[i], "total count");
	}
	for (i = 0; i < a->nlayers; i++)
		cmp_layer(&a->layers[i], &b->layers[i]);
	cmp_layer(&a->other, &b->other);
	n = (long)(a->nlayers + 1) * a->nevents;
	for (i = 0; i < n; i++)
		CMP_NUM(a->counts[i], b->counts[i], "count");
	for (i = 0; i < a->nthreads; i++) {
		CMP_INT(a->thread_recs[i].worker, b->thread_recs[i].worker, "worker");
		CMP_INT(a->thread_recs[i].cpu_planned, b->thread_recs[i].cpu_planned,
			"cpu_planned");
		CMP_STR(a->thread_recs[i].cpus_actual, b->thread_recs[i].cpus_actual,
			"cpus_actual");
		CMP_NUM(a->thread_recs[i].migrations, b->thread_recs[i].migrations,
			"migrations");
	}
	CMP_INT(!a->thread_counts, !b->thread_counts, "thread_counts present");
	n = a->thread_counts ? n * a->nthreads : 0;
	for (i = 0; i < n; i++)
		CMP_NUM(a->thread_counts[i], b->thread_counts[i], "thread count");
	for (i = 0; i < a->nstacks; i++) {
		CMP_INT(a->stacks[i].layer, b->stacks[i].layer, "stack layer");
		CMP_STR(a->stacks[i].frames, b->stacks[i].frames, "frames");
		CMP_INT(a->stacks[i].count, b->stacks[i].count, "stack count");
		CMP_STR(a->stacks[i].event, b->stacks[i].event, "stack event");
	}
	CMP_INT(!a->busy_ms, !b->busy_ms, "busy_ms present");
	CMP_STR(a->busy_note, b->busy_note, "busy_note");
	n = a->busy_ms && b->busy_ms ? (long)(a->nlayers + 1) * a->nthreads : 0;
	for (i = 0; i < n; i++)
		CMP_NUM(a->busy_ms[i], b->busy_ms[i], "busy_ms");
	CMP_INT(a->nslices, b->nslices, "nslices");
	for (i = 0; i < a->nslices && i < b->nslices; i++) {
		CMP_INT(a->slices[i].iteration, b->slices[i].iteration, "slice iteration");
		CMP_INT(a->slices[i].layer, b->slices[i].layer, "slice layer");
		CMP_INT(a->slices[i].worker, b->slices[i].worker, "slice worker");
		CMP_NUM(a->slices[i].begin_us, b->slices[i].begin_us, "slice begin");
		CMP_NUM(a->slices[i].dur_us, b->slices[i].dur_us, "slice dur");
	}
	return diffs;
}

static int write_fixture(const char *path)
{
	static const enum fixture_variant order[] = {
		FIX_NCHW, FIX_NHWC, FIX_UNFUSED, FIX_YOLO, FIX_BIGGER,
	};
	struct store *s = NULL;
	size_t i;
	int err;

	unlink(path);
	err = store_open(path, STORE_CREATE, &s);
	for (i = 0; !err && i < ARRAY_SIZE(order); i++) {
		struct cp_run *run = fixture_run(order[i]);

		err = run->partial ? store_write_partial(s, run) : store_write_run(s, run);
		cp_run_free(run);
	}
	store_close(s);
	if (err)
		fprintf(stderr, "test-store: %s\n", cp_strerror(err));
	return err ? 1 : 0;
}

static int write_fixture_workers(const char *path)
{
	struct store *s = NULL;
	struct cp_run *run = fixture_workers_run();
	int err;

	unlink(path);
	err = store_open(path, STORE_CREATE, &s);
	if (!err)
		err = store_write_run(s, run);
	cp_run_free(run);
	store_close(s);
	if (err)
		fprintf(stderr, "test-store: %s\n", cp_strerror(err));
	return err ? 1 : 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t r = 0;

	while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r)
			r = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in >= 0 && out >= 0 && r == 0 ? 0 : -1;
}

static int sql(const char *path, const char *stmt)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, stmt, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int open_err(const char *path, enum store_mode mode)
{
	struct store *s = NULL;
	int err = store_open(path, mode, &s);

	store_close(s);
	return err;
}

static int count_runs(const char *path)
{
	struct store *s = NULL;
	struct store_run_info *v = NULL;
	int n = -1;

	if (store_open(path, STORE_READ, &s) == 0 && store_list_runs(s, &v, &n))
		n = -1;
	free(v);
	store_close(s);
	return n;
}

static void test_round_trip(void)
{
	struct store *s = NULL;
	struct cp_run *w = fixture_run(FIX_NCHW), *w2 = fixture_run(FIX_UNFUSED);
	struct cp_run *r = NULL, *empty = cp_run_new(), *re = NULL;
	struct store_run_info *list = NULL;
	int err, n = 0;

	unlink(DIR "/rt.db");
	err = store_open(DIR "/rt.db", STORE_CREATE, &s);
	is_int(err, 0, "create a recording");
	if (err)
		return;
	is_int(store_write_run(s, w), 0, "write a run");
	is_int(w->id, 1, "the first run gets id 1");
	is_int(store_write_partial(s, w2), 0, "write a partial run");
	is_int(w2->id, 2, "the second gets id 2");
	ok(w2->partial == 1, "store_write_partial marks the run partial");
	is_int(store_write_run(s, empty), 0, "a run with no layers, events or threads");
	store_close(s);
	s = NULL;

	is_int(store_open(DIR "/rt.db", STORE_READ, &s), 0, "open it for reading");
	is_int(store_read_run(s, 1, &r), 0, "read run 1");
	ok(r && cmp_run(w, r) == 0, "run 1 reads back equal, field by field");
	ok(r && isnan(r->layers[3].remote_share) && isnan(*cp_run_count(r, 0, 2)) &&
	   isnan(*cp_run_thread_count(r, 0, 1, 1)) && !isnan(*cp_run_thread_count(r, 0, 0, 1)),
	   "NaN stays NaN, numbers stay numbers");
	is_int(r ? r->id : 0, 1, "its id is set");
	cp_run_free(r);
	r = NULL;
	is_int(store_read_run(s, 2, &r), 0, "read run 2");
	ok(r && cmp_run(w2, r) == 0, "run 2 reads back equal");
	ok(r && r->partial, "and is still partial");
	cp_run_free(r);
	r = NULL;
	is_int(store_read_run(s, 0, &re), 0, "read the latest run");
	ok(re && re->id == 3 && cmp_run(empty, re) == 0 && !re->thread_counts,
	   "the latest is the empty run 3, equal");
	is_int(store_read_run(s, 9, &r), -ENOENT, "run 9 does not exist");
	ok(strstr(cp_strerror(-ENOENT), "runs 1 to 3") != NULL,
	   "the message names the runs there are: %s", cp_strerror(-ENOENT));
	is_int(store_write_run(s, w), -EROFS, "a reader cannot write");
	is_int(store_list_runs(s, &list, &n), 0, "list the runs");
	is_int(n, 3, "three runs");
	ok(n == 3 && list[0].id == 1 && list[1].partial && !list[0].partial &&
	   strcmp(list[0].layout, "nchw") == 0 && list[1].fusion == 0 &&
	   list[0].nlayers == FIXTURE_NLAYERS && isnan(list[2].latency_ms),
	   "the list tells the runs apart");
	free(list);
	store_close(s);
	cp_run_free(w);
	cp_run_free(w2);
	cp_run_free(empty);
	cp_run_free(re);
}

static void test_failed_write(void)
{
	struct store *s = NULL;
	struct cp_run *bad = fixture_run(FIX_NHWC);

	/* two events of one name break UNIQUE halfway through the run */
	cp_run_add_event(bad, "task-clock", "software", 1, NULL);
	is_int(store_open(DIR "/rt.db", STORE_APPEND, &s), 0, "append to the recording");
	ok(store_write_run(s, bad) < 0, "a write that fails halfway fails: %s",
	   cp_strerror(-EIO));
	is_int(bad->id, 0, "and assigns no id");
	store_close(s);
	is_int(count_runs(DIR "/rt.db"), 3, "the earlier runs are all there, no new one");
	cp_run_free(bad);
}

/*
 * A writer killed inside its transaction, after SQLite spilled changed pages
 * into the file: the next reader must roll the hot journal back.
 */
static void test_killed_writer(void)
{
	struct stat before, after;
	struct cp_run *r = NULL;
	struct store *s = NULL;
	int status = 0, hot;
	pid_t pid;

	copy_file(DIR "/rt.db", DIR "/killed.db");
	stat(DIR "/killed.db", &before);
	pid = fork();
	if (pid == 0) {
		sqlite3 *db = NULL;

		sqlite3_open(DIR "/killed.db", &db);
		sqlite3_exec(db, "PRAGMA cache_size = 2; BEGIN;"
			     "UPDATE runs SET model = 'half-written';"
			     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
			     "FROM n WHERE i < 3000) INSERT INTO stacks "
			     "SELECT 1, 1000 + i, 0, 'x', printf('%.500c', 'f'), 1 FROM n;",
			     NULL, NULL, NULL);
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	stat(DIR "/killed.db", &after);
	hot = access(DIR "/killed.db-journal", F_OK) == 0;
	ok(WIFSIGNALED(status) && hot && after.st_size > before.st_size,
	   "the killed writer left a hot journal and a grown file");
	is_int(store_open(DIR "/killed.db", STORE_READ, &s), 0,
	       "the recording opens and passes quick_check");
	is_int(s ? store_read_run(s, 1, &r) : -1, 0, "run 1 reads");
	ok(r && strcmp(r->model, "resnet50") == 0 && r->nstacks == 3,
	   "with nothing of the killed transaction");
	cp_run_free(r);
	store_close(s);
	is_int(count_runs(DIR "/killed.db"), 3, "all three runs are there");
}

static void test_bad_files(void)
{
	struct store *s = NULL;
	int fd, err;
	off_t size;
	struct stat sb;

	is_int(open_err(DIR "/absent.db", STORE_READ), -ENOENT, "a missing file");
	is_int(open_err(DIR, STORE_READ), -EISDIR, "a directory");
	is_int(open_err(DIR "/rt.db", STORE_CREATE), -EEXIST, "create refuses an existing file");

	fd = open(DIR "/text.db", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, "layer,time\nconv1,4.5\n", 21) == 21, "a text file");
	close(fd);
	is_int(open_err(DIR "/text.db", STORE_READ), -ENOTSUP, "a text file is refused");
	ok(strstr(cp_strerror(-1), "not a convprof recording") != NULL, "%s", cp_strerror(-1));
	is_int(open_err(DIR "/text.db", STORE_APPEND), -ENOTSUP, "and not appended to");

	unlink(DIR "/other.db");
	sql(DIR "/other.db", "CREATE TABLE runs (id INTEGER, name TEXT);"
	    "INSERT INTO runs VALUES (1, 'x');");
	is_int(open_err(DIR "/other.db", STORE_READ), -ENOTSUP, "another SQLite db is refused");
	ok(strstr(cp_strerror(-1), "another program") != NULL, "%s", cp_strerror(-1));
	is_int(open_err(DIR "/other.db", STORE_APPEND), -ENOTSUP, "and not appended to");

	copy_file(DIR "/rt.db", DIR "/newer.db");
	sql(DIR "/newer.db", "PRAGMA user_version = 99");
	is_int(open_err(DIR "/newer.db", STORE_READ), -EPROTONOSUPPORT,
	       "a newer schema version is refused");
	ok(strstr(cp_strerror(-1), "newer convprof") != NULL, "%s", cp_strerror(-1));

	fd = open(DIR "/empty.db", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	is_int(open_err(DIR "/empty.db", STORE_READ), -ENOTSUP, "an empty file is no recording");
	is_int(open_err(DIR "/empty.db", STORE_APPEND), 0, "but can become one");
	is_int(count_runs(DIR "/empty.db"), 0, "with no runs");
	err = store_open(DIR "/empty.db", STORE_READ, &s);
	if (!err)
		err = store_read_run(s, 0, &(struct cp_run *){ NULL });
	is_int(err, -ENOENT, "reading the latest of none: %s", cp_strerror(err));
	store_close(s);

	stat(DIR "/rt.db", &sb);
	size = sb.st_size;
	copy_file(DIR "/rt.db", DIR "/trunc.db");
	ok(truncate(DIR "/trunc.db", size / 2) == 0, "truncate a recording to half");
	err = open_err(DIR "/trunc.db", STORE_READ);
	is_int(err, -EBADMSG, "a truncated file is refused: %s", cp_strerror(err));
	ok(truncate(DIR "/trunc.db", 60) == 0, "truncate it inside the header");
	err = open_err(DIR "/trunc.db", STORE_READ);
	is_int(err, -EBADMSG, "refused: %s", cp_strerror(err));

	copy_file(DIR "/rt.db", DIR "/garbled.db");
	fd = open(DIR "/garbled.db", O_WRONLY);
	{
		/*
		 * Garble a page that certainly holds data, the root of the layers
		 * table, wherever the schema put it: a fixed offset may land in
		 * free space, which no integrity check can fault.
		 */
		char junk[1500];
		sqlite3 *db = NULL;
		sqlite3_stmt *q = NULL;
		long page = 0, psize = 4096;

		if (sqlite3_open_v2(DIR "/rt.db", &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = 'layers'",
				       -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
			page = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		q = NULL;
		if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			psize = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		sqlite3_close(db);
		memset(junk, 0x5a, sizeof(junk));
		ok(page > 1 && fd >= 0 && pwrite(fd, junk, sizeof(junk), (page - 1) * psize) ==
		   (ssize_t)sizeof(junk), "overwrite the layers table's root page (page %ld)", page);
	}
	close(fd);
	err = open_err(DIR "/garbled.db", STORE_READ);
	is_int(err, -EBADMSG, "a garbled file is refused: %s", cp_strerror(err));
}

/* busy time and slices survive; a version 1 file reads, and migrates on append */
static void test_workers(void)
{
	struct cp_run *a = fixture_workers_run(), *b = NULL, *c = fixture_run(FIX_NHWC);
	struct store *s = NULL;
	int64_t v = 0;
	int err;

	snprintf(a->busy_note, sizeof(a->busy_note), "a caveat");
	ok(write_fixture_workers(DIR "/w.db") == 0, "a run with busy time is written");
	err = store_open(DIR "/w.db", STORE_APPEND, &s);
	if (!err)
		err = store_write_run(s, a);
	if (!err)
		err = store_read_run(s, a->id, &b);
	is_int(err, 0, "and another read back: %s", err ? cp_strerror(err) : "ok");
	if (b)
		is_int(cmp_run(a, b), 0, "busy time, note and %d slices survive", a->nslices);
	store_close(s);
	s = NULL;
	cp_run_free(b);
	b = NULL;

	/* what convprof 0.1 wrote: no per-worker tables, version 1 */
	sql(DIR "/w.db", "DROP TABLE busy; DROP TABLE busy_notes; DROP TABLE slices; "
	    "ALTER TABLE runs DROP COLUMN overhead_reason; "
	    "ALTER TABLE runs DROP COLUMN overhead_spread_pct; "
	    "PRAGMA user_version = 1; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
	err = store_open(DIR "/w.db", STORE_READ, &s);
	if (!err)
		err = store_read_run(s, 1, &b);
	is_int(err, 0, "a version 1 recording reads: %s", err ? cp_strerror(err) : "ok");
	ok(b && !b->busy_ms && !b->nslices, "with no busy time and no timeline");
	store_close(s);
	s = NULL;
	cp_run_free(b);
	b = NULL;
	err = store_open(DIR "/w.db", STORE_APPEND, &s);
	if (!err)
		err = store_write_run(s, c);
	is_int(err, 0, "appending to it migrates it: %s", err ? cp_strerror(err) : "ok");
	store_close(s);
	s = NULL;
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;

		if (sqlite3_open(DIR "/w.db", &db) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	ok(v == STORE_SCHEMA_VERSION, "now schema version %lld", (long long)v);
	err = store_open(DIR "/w.db", STORE_READ, &s);
	if (!err)
		err = store_read_run(s, 1, &b);
	ok(!err && b && b->nlayers == a->nlayers, "its old run still reads");
	store_close(s);
	cp_run_free(a);
	cp_run_free(b);
	cp_run_free(c);
}

/*
 * A recording of schema version 1 (no overhead spread and reason): read as
 * it is, those fields unknown; opened for writing, it is migrated in place
 * and its old runs stay as they were.
 */
static void test_old_schema(void)
{
	struct cp_run *w = fixture_run(FIX_NCHW), *r = NULL;
	struct store *s = NULL;
	int64_t version = 0;
	int err;

	unlink(DIR "/v1.db");
	err = store_open(DIR "/v1.db", STORE_CREATE, &s);
	if (!err)
		err = store_write_run(s, w);
	store_close(s);
	s = NULL;
	is_int(sql(DIR "/v1.db", "ALTER TABLE runs DROP COLUMN overhead_reason;"
		   "ALTER TABLE runs DROP COLUMN overhead_spread_pct;"
		   "PRAGMA user_version = 1;"
		   "UPDATE meta SET value = '1' WHERE key = 'schema_version'"), SQLITE_OK,
	       "make a version 1 recording");
	err = store_open(DIR "/v1.db", STORE_READ, &s);
	if (!err)
		err = store_read_run(s, 0, &r);
	is_int(err, 0, "a version 1 recording reads: %s", err ? cp_strerror(err) : "ok");
	ok(r && r->overhead_pct == 1.5 && isnan(r->overhead_spread_pct) &&
	   !r->overhead_reason[0], "its overhead is there, the spread unknown");
	store_close(s);
	cp_run_free(r);
	r = NULL;
	s = NULL;
	err = store_open(DIR "/v1.db", STORE_APPEND, &s);
	if (!err)
		err = store_write_run(s, w);
	store_close(s);
	s = NULL;
	is_int(err, 0, "appending migrates it: %s", err ? cp_strerror(err) : "ok");
	err = store_open(DIR "/v1.db", STORE_READ, &s);
	if (!err)
		err = sql_query_int(s, "PRAGMA user_version", &version);
	is_int(version, STORE_SCHEMA_VERSION, "now of the current schema version");
	if (!err)
		err = store_read_run(s, 1, &r);
	ok(!err && r->overhead_pct == 1.5 && isnan(r->overhead_spread_pct),
	   "the old run as it was");
	cp_run_free(r);
	r = NULL;
	if (!err)
		err = store_read_run(s, 2, &r);
	ok(!err && r->overhead_spread_pct == 0.25, "the new run with its spread");
	cp_run_free(r);
	store_close(s);
	cp_run_free(w);
}

int main(int argc, char **argv)
{
	int64_t id = -1;

	if (argc == 3 && strcmp(argv[1], "--write-fixture") == 0)
		return write_fixture(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--write-fixture-workers") == 0)
		return write_fixture_workers(argv[2]);
	mkdir("tests/out", 0755);
	mkdir(DIR, 0755);

	test_round_trip();
	test_failed_write();
	test_killed_writer();
	test_bad_files();
	test_workers();
	test_old_schema();

	ok(store_parse_run_id("latest", &id) == 0 && id == 0, "'latest' is 0");
	ok(store_parse_run_id("12", &id) == 0 && id == 12, "'12' is 12");
	ok(store_parse_run_id("x1", &id) == -EINVAL, "'x1' is refused");
	ok(store_parse_run_id("0", &id) == -EINVAL, "'0' is refused");
	return done_testing();
}
