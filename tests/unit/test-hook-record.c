// SPDX-License-Identifier: MIT
/*
 * The shared record of `-- command` runs: layout, format names, the period
 * and its rows from a synthetic record, and a fuzzed record that must be
 * refused or read without a crash, never trusted.
 */
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl_types.h>

#include "tap.h"
#include "core/app.h"
#include "util/util.h"

static struct cp_hook_md md_plain(int n, int c, int h, int w, const int *order)
{
	struct cp_hook_md md = { .ndims = 4, .data_type = dnnl_f32, .format_kind = dnnl_blocked };
	int64_t dims[4] = { n, c, h, w }, s = 1;
	int i;

	for (i = 0; i < 4; i++)
		md.dims[i] = md.padded_dims[i] = dims[i];
	for (i = 3; i >= 0; i--) {
		md.strides[order[i]] = s;
		s *= dims[order[i]];
	}
	return md;
}

static void test_names(void)
{
	static const int nchw[] = { 0, 1, 2, 3 }, nhwc[] = { 0, 2, 3, 1 };
	struct cp_hook_md md = md_plain(1, 64, 56, 56, nchw);
	char buf[32];

	hook_md_name(&md, 0, 1, buf, sizeof(buf));
	is_str(buf, "nchw", "plain activations are nchw");
	md = md_plain(1, 64, 56, 56, nhwc);
	hook_md_name(&md, 0, 1, buf, sizeof(buf));
	is_str(buf, "nhwc", "channels last is nhwc");
	/* nChw16c: c blocked by 16 inside, outer strides over the blocks */
	md = md_plain(1, 4, 56, 56, nchw);
	md.dims[1] = md.padded_dims[1] = 64;
	md.strides[3] = 16, md.strides[2] = 56 * 16, md.strides[1] = 56 * 56 * 16;
	md.strides[0] = 64 * 56 * 56;
	md.inner_nblks = 1, md.inner_blks[0] = 16, md.inner_idxs[0] = 1;
	hook_md_name(&md, 0, 1, buf, sizeof(buf));
	is_str(buf, "nChw16c", "blocked activations are nChw16c");
	/* OIhw16i16o: o and i blocked, i outermost of the blocks */
	md = md_plain(64, 64, 3, 3, nchw);
	md.strides[3] = 256, md.strides[2] = 768, md.strides[1] = 2304, md.strides[0] = 4 * 2304;
	md.inner_nblks = 2;
	md.inner_blks[0] = 16, md.inner_idxs[0] = 1, md.inner_blks[1] = 16, md.inner_idxs[1] = 0;
	hook_md_name(&md, 1, 1, buf, sizeof(buf));
	is_str(buf, "OIhw16i16o", "blocked weights are OIhw16i16o");
	md.format_kind = dnnl_format_kind_any;
	hook_md_name(&md, 1, 1, buf, sizeof(buf));
	is_str(buf, "any", "format any is named so");
	md.ndims = 0;
	hook_md_name(&md, 0, 1, buf, sizeof(buf));
	is_str(buf, "", "no descriptor, no name");
}

struct rec {
	void *map;
	size_t size;
	int fd;
	struct cp_hook_header *h;
};

/* 2 warm-up executions that never repeat, then 10 x [conv, reorder, conv2] */
static void make_record(struct rec *r)
{
	static const int nchw[] = { 0, 1, 2, 3 }, nhwc[] = { 0, 2, 3, 1 };
	struct cp_hook_prim *p;
	struct cp_hook_exec *e;
	struct cp_hook_worker *w;
	uint32_t *busy;
	uint64_t t = 1000000, i;
	int k;

	if (hook_record_create(64, &r->fd, &r->map, &r->size))
		exit(1);
	r->h = r->map;
	p = (void *)((char *)r->map + r->h->prims_off);
	e = (void *)((char *)r->map + r->h->execs_off);
	w = (void *)((char *)r->map + r->h->workers_off);
	busy = (void *)((char *)r->map + r->h->busy_off);
	for (k = 0; k < 4; k++) {
		p[k].ready = 1;
		p[k].kind = k == 1 ? dnnl_reorder : dnnl_convolution;
		snprintf(p[k].impl, sizeof(p[k].impl), "%s", k == 1 ? "jit:uni" : "brg:avx512_core");
		p[k].src = md_plain(1, 16, 8, 8, k == 2 ? nhwc : nchw);
		p[k].dst = md_plain(1, 16, 8, 8, k == 1 ? nhwc : nchw);
		p[k].groups = 1;
		if (k != 1) {
			p[k].wei = md_plain(16, 16, 3, 3, nchw);
			p[k].spatial = 2;
			p[k].kernel[0] = p[k].kernel[1] = 3;
			p[k].stride[0] = p[k].stride[1] = 1;
			p[k].flops = 2ull * 16 * 8 * 8 * 16 * 9 + (uint64_t)k;
		}
	}
	/* prim 3 is described as prim 0: the same layer */
	p[3] = p[0];
	r->h->nprims = 4;
	r->h->nworkers = 2;
	w[0].tid = 1, w[1].tid = 2;
	snprintf(w[0].affinity, sizeof(w[0].affinity), "0");
	snprintf(w[1].affinity, sizeof(w[1].affinity), "1");
	w[0].cpus_seen = 1, w[1].cpus_seen = 2;
	for (i = 0; i < 32; i++) {
		uint32_t prim = i < 2 ? 2 : (uint32_t)((i - 2) % 3);

		if (i >= 2 && prim == 0 && i % 2)
			prim = 3;	/* re-created: another pointer, the same description */
		e[i].prim = prim;
		e[i].begin_ns = t;
		t += 1000 * (prim == 2 ? 3 : prim == 1 ? 2 : 1);	/* conv 1 us, reorder 2 us, conv2 3 us */
		e[i].end_ns = t;
		t += 500;				/* 0.5 us in no primitive */
		busy[i] = 700;
		busy[r->h->max_execs + i] = 600;
	}
	r->h->nexecs = 32;
}

static void test_rows(void)
{
	struct hook_data d;
	struct cp_run *run = cp_run_new();
	struct rec r;

	make_record(&r);
	is_int(hook_data_read(r.map, r.size, &d), 0, "a well-formed record is read");
	is_int(app_fill_run(&d, 3, run), 0, "rows are made");
	is_str(run->grouping, "sequence", "the period is found");
	is_int(run->nlayers, 3, "three positions");
	is_int(run->periods, 10, "ten periods after the two odd executions");
	is_int(run->warmup, 3, "three warm-up periods dropped");
	is_int(run->iterations, 7, "seven measured");
	is_str(run->layers[0].kind, "conv", "row 0 is the conv");
	is_str(run->layers[1].name, "reorder nchw>nhwc 16x8x8 #1", "the reorder is named by its formats");
	is_str(run->layers[2].layout, "nhwc", "row 2's source layout");
	is_int(run->layers[0].flops, 2 * 16 * 8 * 8 * 16 * 9, "FLOPs come through");
	is_near(run->layers[1].time_ms, 0.002, 1e-9, "median time of the reorder");
	is_near(run->other_ms, 0.0015, 1e-9, "(other): the gaps");
	is_near(run->latency_ms, 0.0075, 1e-9, "a period: rows + gaps");
	ok(run->busy_ms && run->nthreads == 2, "busy time per worker");
	if (run->busy_ms)
		is_near(*cp_run_busy(run, 1, 1), 0.0006, 1e-9, "worker 1's busy time in the reorder");
	is_int(run->thread_recs[1].cpu_planned, 1, "a worker bound to one cpu");
	is_str(run->thread_recs[1].cpus_actual, "1", "the cpus it ran on");
	hook_data_release(&d);
	cp_run_free(run);

	/* no period: one execution of each */
	r.h->nexecs = 3;
	run = cp_run_new();
	hook_data_read(r.map, r.size, &d);
	is_int(app_fill_run(&d, 3, run), 0, "three executions: rows");
	is_str(run->grouping, "primitive", "no period: rows are primitives");
	ok(run->nlayers == 2 && run->layers[0].calls == 2 && run->layers[1].calls == 1,
	   "calls per primitive (the first twice)");
	hook_data_release(&d);
	cp_run_free(run);

	r.h->nexecs = 0;
	run = cp_run_new();
	hook_data_read(r.map, r.size, &d);
	is_int(app_fill_run(&d, 3, run), -ENODATA, "no execution: -ENODATA");
	hook_data_release(&d);
	cp_run_free(run);
	munmap(r.map, r.size);
	close(r.fd);
}

/*
 * Events read with read(2) only in the executions cp_hook_counted() picks
 * (one block of 6 in 2 here): each row is scaled by its executions over its
 * counted ones; an event a worker read with rdpmc is counted in all.
 */
static void test_sampled(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
				     .config = PERF_COUNT_SW_TASK_CLOCK };
	struct cp_hook_header *h;
	struct cp_hook_exec *e;
	struct cp_hook_worker *w;
	struct hook_data d;
	struct cp_run *run;
	uint64_t *counts, i, t = 1000000;
	void *map;
	size_t size;
	int fd, col, r, ok_rows = 1, seen = 0;

	if (hook_record_create_events(64, &a, 1, &fd, &map, &size)) {
		ok(0, "a record with one event");
		return;
	}
	h = map;
	e = (void *)((char *)map + h->execs_off);
	w = (void *)((char *)map + h->workers_off);
	counts = (void *)((char *)map + h->counts_off);
	{
		struct cp_hook_prim *p = (void *)((char *)map + h->prims_off);
		static const int nchw[] = { 0, 1, 2, 3 };

		for (r = 0; r < 3; r++) {
			p[r].ready = 1;
			p[r].kind = dnnl_convolution;
			p[r].src = p[r].dst = md_plain(1, 16, 8 << r, 8 << r, nchw);
		}
	}
	h->nprims = 3;
	h->nworkers = 2;
	h->count_every = 2;
	h->count_block = 6;
	w[0].tid = 1, w[1].tid = 2;
	w[1].ev_rdpmc = 1;	/* worker 1 read it with rdpmc: in every execution */
	for (i = 0; i < 32; i++) {
		uint64_t v = 10 * (i % 3 + 1);

		e[i].prim = (uint32_t)(i % 3);
		e[i].begin_ns = t;
		e[i].end_ns = t += 1000;
		t += 100;
		counts[(0 * h->max_execs + i)] = cp_hook_counted(i, 2, 6) ? v : 0;
		counts[(1 * h->max_execs + i)] = v;
	}
	h->nexecs = 32;
	run = cp_run_new();
	col = cp_run_add_event(run, "task-clock", "software", 1, NULL);
	is_int(hook_data_read(map, size, &d), 0, "a sampled record is read");
	d.ev_col[0] = col;
	is_int(app_fill_run(&d, 3, run), 0, "rows are made");
	is_int(run->nlayers, 3, "three rows");
	/* a row's executions count 10, 20 or 30 each, whichever position it is */
	for (r = 0; r < run->nlayers && run->thread_counts; r++) {
		double w0 = *cp_run_thread_count(run, r, 0, col);

		ok_rows &= fabs(*cp_run_count(run, r, col) - 2 * w0) < 1e-9 &&
			   fabs(w0 - 10 * round(w0 / 10)) < 1e-9;
		seen |= 1 << (int)round(w0 / 10);
	}
	ok_rows &= seen == (1 << 1 | 1 << 2 | 1 << 3);
	ok(ok_rows, "each row: the counted executions' mean, per worker and in all");
	is_near(run->total_counts[col], 120, 1e-9, "the rows add up to the total");
	/* periods 3..9 kept: executions 9..29, of which 12..17 and 24..29 counted */
	is_near(run->events[col].running_ratio, 12.0 / 21, 1e-9, "running_ratio: the share counted");
	hook_data_release(&d);
	cp_run_free(run);
	munmap(map, size);
	close(fd);
}

static void test_refused(void)
{
	struct hook_data d;
	struct rec r;
	struct cp_hook_header save;

	make_record(&r);
	save = *r.h;
	is_int(hook_data_read(r.map, 16, &d), -EBADMSG, "shorter than the header: refused");
	r.h->magic ^= 1;
	is_int(hook_data_read(r.map, r.size, &d), -EBADMSG, "bad magic: refused");
	*r.h = save;
	is_int(hook_data_read(r.map, r.size - 8, &d), -EBADMSG, "size differs: refused");
	r.h->execs_off = r.size;
	is_int(hook_data_read(r.map, r.size, &d), -EBADMSG, "an array out of the file: refused");
	*r.h = save;
	r.h->max_execs = UINT32_MAX;
	is_int(hook_data_read(r.map, r.size, &d), -EBADMSG, "an impossible capacity: refused");
	*r.h = save;
	r.h->nexecs = UINT64_MAX;
	r.h->nprims = UINT32_MAX;
	is_int(hook_data_read(r.map, r.size, &d), 0, "counts past the capacity are clamped");
	ok(d.nexecs == r.h->max_execs && d.lost_execs > 0, "... and the loss is counted");
	hook_data_release(&d);
	munmap(r.map, r.size);
	close(r.fd);
}

/* Random damage where the data is: refused or read, rows or -ENODATA, no crash. */
static void test_fuzz(void)
{
	struct rec r;
	unsigned seed = 12345;
	size_t regions[5][2];
	int i, k, read_ok = 0, rows = 0, bad = 0;
	unsigned char *m;

	make_record(&r);
	m = r.map;
	regions[0][0] = 0, regions[0][1] = sizeof(struct cp_hook_header);
	regions[1][0] = r.h->workers_off, regions[1][1] = 2 * sizeof(struct cp_hook_worker);
	regions[2][0] = r.h->prims_off, regions[2][1] = 4 * sizeof(struct cp_hook_prim);
	regions[3][0] = r.h->execs_off, regions[3][1] = 32 * sizeof(struct cp_hook_exec);
	regions[4][0] = r.h->busy_off, regions[4][1] = 64 * 4;
	for (i = 0; i < 3000; i++) {
		size_t pos[8];
		unsigned char old[8];
		struct hook_data d;
		struct cp_run *run;
		int n = 1 + (int)(rand_r(&seed) % 8), err;

		for (k = 0; k < n; k++) {
			int reg = (int)(rand_r(&seed) % 5);

			pos[k] = regions[reg][0] + (size_t)rand_r(&seed) % regions[reg][1];
			old[k] = m[pos[k]];
			m[pos[k]] = (unsigned char)rand_r(&seed);
		}
		err = hook_data_read(m, r.size, &d);
		if (!err) {
			read_ok++;
			run = cp_run_new();
			err = app_fill_run(&d, 3, run);
			rows += !err;
			if (!err && (run->nlayers <= 0 || run->nlayers > 32))
				bad++;
			cp_run_free(run);
			hook_data_release(&d);
		} else if (err != -EBADMSG) {
			bad++;
		}
		for (k = n - 1; k >= 0; k--)
			m[pos[k]] = old[k];
	}
	ok(bad == 0, "3000 damaged records: refused with -EBADMSG or read into 1..32 rows");
	ok(read_ok > 0 && rows > 0, "... some were still usable (%d read, %d with rows)", read_ok, rows);
	munmap(r.map, r.size);
	close(r.fd);
}

int main(void)
{
	test_names();
	test_rows();
	test_sampled();
	test_refused();
	test_fuzz();
	return done_testing();
}
