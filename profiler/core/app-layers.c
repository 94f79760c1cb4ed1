// SPDX-License-Identifier: MIT
/*
 * From a command's primitive executions to layer rows. A forward pass is a
 * repeating sequence of executions; its positions are the layers. Two
 * primitives with the same description are the same layer even when the
 * application created them twice (PyTorch re-creates reorders).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oneapi/dnnl/dnnl_types.h>

#include "core/app.h"
#include "util/util.h"

#define MAX_PERIOD 200000

static uint64_t prim_hash(const struct cp_hook_prim *p)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* canon[i]: the first primitive described exactly as i is; -1 if i is unusable. */
static int32_t *canonical_ids(const struct hook_data *d)
{
	uint32_t size = 1, i;
	int32_t *canon = xmalloc((d->nprims ? d->nprims : 1) * sizeof(int32_t));
	int32_t *table;
	uint64_t *hashes = xmalloc((d->nprims ? d->nprims : 1) * sizeof(uint64_t));

	while (size < 2 * d->nprims)
		size <<= 1;
	table = xmalloc(size * sizeof(int32_t));
	memset(table, 0xff, size * sizeof(int32_t));
	for (i = 0; i < d->nprims; i++) {
		uint32_t s;

		canon[i] = -1;
		if (!d->prim_ok[i])
			continue;
		hashes[i] = prim_hash(&d->prims[i]);
		for (s = (uint32_t)hashes[i] & (size - 1); table[s] >= 0; s = (s + 1) & (size - 1))
			if (hashes[table[s]] == hashes[i] &&
			    memcmp(&d->prims[table[s]], &d->prims[i], sizeof(d->prims[i])) == 0)
				break;
		if (table[s] < 0)
			table[s] = (int32_t)i;
		canon[i] = table[s];
	}
	free(table);
	free(hashes);
	return canon;
}

/*
 * The period p and its start: the sequence from @start on repeats with
 * period p to the end, the last execution closing a period. The smallest
 * warm-up wins, then the shortest period. 0 when nothing repeats twice over
 * at least half the sequence.
 */
static uint64_t find_period(const int32_t *s, uint64_t n, uint64_t *start)
{
	uint64_t p, best_p = 0, best_o = n, limit = MIN(n / 2, (uint64_t)MAX_PERIOD);

	for (p = 1; p <= limit; p++) {
		int64_t i = (int64_t)(n - 1 - p);
		uint64_t o;

		while (i >= 0 && s[i] == s[i + (int64_t)p])
			i--;
		o = (uint64_t)(i + 1);
		if (n - o < 2 * p || 2 * (n - o) < n)
			continue;
		if (o < best_o) {
			best_o = o;
			best_p = p;
			if (o == 0)
				break;
		}
	}
	if (!best_p)
		return 0;
	*start = best_o + (n - best_o) % best_p;
	return best_p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case dnnl_reorder: return "reorder";
	case dnnl_shuffle: return "shuffle";
	case dnnl_concat: return "concat";
	case dnnl_sum: return "sum";
	case dnnl_convolution: return "conv";
	case dnnl_deconvolution: return "deconv";
	case dnnl_eltwise: return "eltwise";
	case dnnl_softmax: case dnnl_softmax_v2: return "softmax";
	case dnnl_pooling: case dnnl_pooling_v2: return "pool";
	case dnnl_lrn: return "lrn";
	case dnnl_batch_normalization: return "bn";
	case dnnl_layer_normalization: return "layer_norm";
	case dnnl_inner_product: return "fc";
	case dnnl_rnn: return "rnn";
	case dnnl_binary: return "binary";
	case dnnl_logsoftmax: return "logsoftmax";
	case dnnl_matmul: return "matmul";
	case dnnl_resampling: return "resampling";
	case dnnl_reduction: return "reduction";
	case dnnl_prelu: return "prelu";
	default: return "primitive";
	}
}

static size_t dt_size(int dt)
{
	switch (dt) {
	case dnnl_f32: case dnnl_s32: return 4;
	case dnnl_bf16: case dnnl_f16: return 2;
	case dnnl_s8: case dnnl_u8: return 1;
	default: return 0;
	}
}

static const char *dt_str(int dt)
{
	switch (dt) {
	case dnnl_f32: return "f32";
	case dnnl_s32: return "s32";
	case dnnl_bf16: return "bf16";
	case dnnl_f16: return "f16";
	case dnnl_s8: return "s8";
	case dnnl_u8: return "u8";
	default: return "";
	}
}

static uint64_t md_bytes(const struct cp_hook_md *md)
{
	uint64_t n = md->ndims ? dt_size(md->data_type) : 0;
	int i;

	for (i = 0; i < md->ndims; i++)
		n *= (uint64_t)(md->padded_dims[i] > md->dims[i] ? md->padded_dims[i] : md->dims[i]);
	return n;
}

/* n, c, h, w of an activation (missing spatial dims are 1) */
static void nchw(const struct cp_hook_md *md, int *d)
{
	int i;

	for (i = 0; i < 4; i++)
		d[i] = i < md->ndims ? (int)MIN(md->dims[i], (int64_t)1 << 30) : (md->ndims ? 1 : 0);
	if (md->ndims == 5)	/* n c d h w: the last two */
		d[2] = (int)MIN(md->dims[3], (int64_t)1 << 30), d[3] = (int)MIN(md->dims[4], (int64_t)1 << 30);
}

static void dims_str(const struct cp_hook_md *md, int from, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = from; i < md->ndims && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%lld", i > from ? "x" : "",
				      (long long)md->dims[i]);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
/* Truncated names are fine: the ordinal keeps them apart. */
static void layer_name(const struct cp_hook_prim *p, const struct cp_layer_rec *l,
		       char *buf, size_t len)
{
	char dims[48];
	int kh = p->spatial >= 2 ? p->kernel[p->spatial - 2] : p->kernel[0];
	int kw = p->spatial ? p->kernel[p->spatial - 1] : 0;
	int st = p->spatial ? p->stride[p->spatial - 1] : 0;

	if (!p->src.ndims && !p->dst.ndims) {	/* known by its kind alone (ITT only) */
		snprintf(buf, len, "%s", l->kind);
		return;
	}
	switch (p->kind) {
	case dnnl_convolution:
	case dnnl_deconvolution:
		snprintf(buf, len, "%s%dx%d/%d %d>%d %dx%d", l->kind, kh, kw, st, l->in_dims[1],
			 l->out_dims[1], l->in_dims[2], l->in_dims[3]);
		break;
	case dnnl_pooling:
	case dnnl_pooling_v2:
		snprintf(buf, len, "%spool%dx%d/%d %d %dx%d",
			 p->alg == dnnl_pooling_max ? "max" : "avg", kh, kw, st, l->in_dims[1],
			 l->in_dims[2], l->in_dims[3]);
		break;
	case dnnl_reorder:
		/* activations by their c x h x w, weights by all their dims */
		dims_str(&p->src, p->src.ndims >= 3 && p->src.dims[0] == 1 ? 1 : 0, dims, sizeof(dims));
		snprintf(buf, len, "reorder %s>%s %s", l->layout, l->dst_fmt, dims);
		break;
	case dnnl_inner_product:
		snprintf(buf, len, "fc %d>%d", l->in_dims[1], l->out_dims[1]);
		break;
	default:
		dims_str(&p->src, 1, dims, sizeof(dims));
		snprintf(buf, len, "%s %s", l->kind, dims);
	}
}
#pragma GCC diagnostic pop

/*
 * A reorder whose destination is the weights of a convolution (or inner
 * product, matmul) the command ran: its formats are named as weights
 * (oihw>OIhw16i16o), with that primitive's groups. 0 if none.
 */
static int weights_groups(const struct hook_data *d, const struct cp_hook_prim *p)
{
	uint32_t i;

	if (p->kind != dnnl_reorder || !p->dst.ndims)
		return 0;
	for (i = 0; i < d->nprims; i++)
		if (d->prim_ok[i] && d->prims[i].kind != dnnl_reorder &&
		    memcmp(&d->prims[i].wei, &p->dst, sizeof(p->dst)) == 0)
			return d->prims[i].groups > 0 ? d->prims[i].groups : 1;
	return 0;
}

static void fill_row(struct cp_run *run, int row, const struct cp_hook_prim *p, int wgroups)
{
	struct cp_layer_rec *l = &run->layers[row];
	char base[CP_NAME_LEN - 8];
	int i, same = 1;

	snprintf(l->kind, sizeof(l->kind), "%s", kind_name(p->kind));
	hook_md_name(&p->src, wgroups > 0, wgroups, l->layout, sizeof(l->layout));
	hook_md_name(&p->wei, 1, p->groups, l->wei_fmt, sizeof(l->wei_fmt));
	hook_md_name(&p->dst, wgroups > 0, wgroups, l->dst_fmt, sizeof(l->dst_fmt));
	snprintf(l->impl, sizeof(l->impl), "%s", p->impl);
	snprintf(l->post_ops, sizeof(l->post_ops), "%s", p->post_ops);
	snprintf(l->dtype, sizeof(l->dtype), "%s", dt_str(p->src.data_type));
	l->is_ref = strstr(p->impl, "ref") != NULL;
	l->flops = p->flops;
	l->in_bytes = md_bytes(&p->src);
	l->out_bytes = md_bytes(&p->dst);
	l->weight_bytes = md_bytes(&p->wei);
	nchw(&p->src, l->in_dims);
	nchw(&p->dst, l->out_dims);
	if (p->spatial) {
		l->kernel = p->kernel[p->spatial - 1];
		l->stride = p->stride[p->spatial - 1];
		l->pad = p->pad_l[p->spatial - 1];
	}
	layer_name(p, l, base, sizeof(base));
	/* the ordinal tells rows of the same shape apart */
	for (i = 0; i < row; i++)
		same += strncmp(run->layers[i].name, base, strlen(base)) == 0 &&
			run->layers[i].name[strlen(base)] == ' ' &&
			run->layers[i].name[strlen(base) + 1] == '#';
	if (snprintf(l->name, sizeof(l->name), "%s #%d", base, same) >= (int)sizeof(l->name))
		l->name[sizeof(l->name) - 1] = '\0';
	if (!strcmp(l->kind, "reorder"))
		run->reorder_count++;
}

static double exec_ms(const struct cp_hook_exec *e)
{
	return (double)(e->end_ns - e->begin_ns) / 1e6;
}

static void fill_workers(const struct hook_data *d, struct cp_run *run)
{
	uint32_t w;
	int c;

	cp_run_set_threads(run, (int)d->nworkers);
	for (w = 0; w < d->nworkers; w++) {
		const struct cp_hook_worker *k = &d->workers[w];
		struct cp_thread_rec *t = &run->thread_recs[w];
		size_t n = 0;
		char *end;
		long cpu = strtol(k->affinity, &end, 10);

		/* bound to one cpu: that is where it was planned */
		if (k->affinity[0] && !*end && cpu >= 0)
			t->cpu_planned = (int)cpu;
		if (k->cpu_ns)
			t->cpu_ms = (double)k->cpu_ns / 1e6;
		for (c = 0; c < 64 && n < sizeof(t->cpus_actual) - 4; c++)
			if (k->cpus_seen & (1ull << c))
				n += (size_t)snprintf(t->cpus_actual + n, sizeof(t->cpus_actual) - n,
						      "%s%d", n ? "," : "", c);
	}
	if (d->nworkers)
		cp_run_set_busy(run);
}

/* Rows = positions in the period; medians over the kept periods. */
static void fill_sequence(const struct hook_data *d, const uint64_t *idx, uint64_t start,
			  uint64_t p, uint64_t nper, int warm, struct cp_run *run)
{
	uint64_t k, r, kept = nper - (uint64_t)warm;
	double *v = xmalloc(kept * sizeof(double)), *span = xmalloc(kept * sizeof(double));
	double *other = xmalloc(kept * sizeof(double));
	uint32_t w;

	for (k = 0; k < kept; k++) {
		uint64_t first = start + ((uint64_t)warm + k) * p;
		const struct cp_hook_exec *a = &d->execs[idx[first]];
		const struct cp_hook_exec *z = &d->execs[idx[first + p - 1]];
		double in = 0;

		/* to the next period's start: the application's time between them is its own */
		if ((uint64_t)warm + k + 1 < nper)
			span[k] = (double)(d->execs[idx[first + p]].begin_ns - a->begin_ns) / 1e6;
		else
			span[k] = (double)(z->end_ns - a->begin_ns) / 1e6;
		for (r = 0; r < p; r++)
			in += exec_ms(&d->execs[idx[first + r]]);
		other[k] = span[k] - in;
	}
	run->layers_ms = 0;
	for (r = 0; r < p; r++) {
		for (k = 0; k < kept; k++)
			v[k] = exec_ms(&d->execs[idx[start + ((uint64_t)warm + k) * p + r]]);
		run->layers[r].time_ms = median(v, kept);
		run->layers_ms += run->layers[r].time_ms;
		for (w = 0; run->busy_ms && w < d->nworkers; w++) {
			for (k = 0; k < kept; k++)
				v[k] = d->busy[(size_t)w * d->nexecs +
					       idx[start + ((uint64_t)warm + k) * p + r]] / 1e6;
			*cp_run_busy(run, (int)r, (int)w) = median(v, kept);
		}
	}
	run->latency_ms = median(span, kept);
	run->other_ms = median(other, kept);
	run->other.time_ms = run->other_ms;
	run->iterations = (int)kept;
	run->warmup = warm;
	free(v);
	free(span);
	free(other);
}

/*
 * The events' counts of the @m executions @ex (rows @rows), summed per row
 * and worker, divided by @div (periods kept): thread_counts per worker,
 * counts their sum. Each worker's deltas are scaled by its own
 * enabled/running times (multiplexing). An event the worker read with
 * read(2) was read only in the executions cp_hook_counted() picks: its
 * row's sum is scaled by the row's executions over its counted ones (NaN
 * when none was counted), and running_ratio says what share was counted.
 * (other) is not measured (NaN).
 */
static void fill_counts(const struct hook_data *d, const uint64_t *ex, const int *rows,
			uint64_t m, double div, struct cp_run *run)
{
	uint32_t every = d->hdr.count_every, block = d->hdr.count_block, k, w;
	uint64_t *nrow = xcalloc((size_t)run->nlayers + 1, sizeof(*nrow));
	uint64_t *crow = xcalloc((size_t)run->nlayers + 1, sizeof(*crow));
	uint64_t i, counted = 0;
	int r;

	for (i = 0; i < m; i++) {
		int c = cp_hook_counted(ex[i], every, block);

		nrow[rows[i]]++;
		crow[rows[i]] += (uint64_t)c;
		counted += (uint64_t)c;
	}
	for (k = 0; k < d->nevents && k < CP_HOOK_MAX_EVENTS; k++) {
		int e = d->ev_col[k], sampled_any = 0;
		double *sum;

		if (e < 0 || e >= run->nevents || !run->events[e].supported)
			continue;
		sum = xcalloc((size_t)run->nlayers * (d->nworkers ? d->nworkers : 1), sizeof(double));
		for (i = 0; i < m; i++)
			for (w = 0; w < d->nworkers; w++)
				sum[(size_t)rows[i] * d->nworkers + w] +=
					(double)d->counts[((size_t)w * d->nexecs + ex[i]) * d->nevents + k];
		run->total_counts[e] = 0;
		for (r = 0; r < run->nlayers; r++) {
			double row = 0;

			for (w = 0; w < d->nworkers; w++) {
				const struct cp_hook_worker *wk = &d->workers[w];
				double v = sum[(size_t)r * d->nworkers + w] / div;

				if (every > 1 && !(wk->ev_rdpmc & (1u << k))) {
					sampled_any = 1;
					v = crow[r] ? v * (double)nrow[r] / (double)crow[r] : NAN;
				}
				if (wk->ev_running[k] && wk->ev_running[k] < wk->ev_enabled[k])
					v *= (double)wk->ev_enabled[k] / (double)wk->ev_running[k];
				if (run->thread_counts && (int)w < run->nthreads)
					*cp_run_thread_count(run, r, (int)w, e) = v;
				row += v;
			}
			*cp_run_count(run, r, e) = row;
			if (!isnan(row))
				run->total_counts[e] += row;
		}
		if (sampled_any && m)
			run->events[e].running_ratio = (double)counted / (double)m;
		free(sum);
	}
	free(nrow);
	free(crow);
}

/* The kept executions of a sequence and their rows, for fill_counts(). */
static void fill_sequence_counts(const struct hook_data *d, const uint64_t *idx, uint64_t start,
				 uint64_t p, uint64_t nper, int warm, struct cp_run *run)
{
	uint64_t kept = nper - (uint64_t)warm, m = kept * p, i;
	uint64_t *ex = xmalloc((m ? m : 1) * sizeof(*ex));
	int *rows = xmalloc((m ? m : 1) * sizeof(*rows));

	for (i = 0; i < m; i++) {
		ex[i] = idx[start + (uint64_t)warm * p + i];
		rows[i] = (int)(i % p);
	}
	fill_counts(d, ex, rows, m, (double)kept, run);
	free(ex);
	free(rows);
}

/* No period: one row per distinct primitive, totals over the whole run. */
static void fill_primitives(const struct hook_data *d, const uint64_t *idx, uint64_t n,
			    const int32_t *row_of_canon, const int32_t *canon, struct cp_run *run)
{
	uint64_t i;
	uint32_t w;
	double in = 0, span;

	for (i = 0; i < (uint64_t)run->nlayers; i++)
		run->layers[i].time_ms = 0;
	for (i = 0; i < n; i++) {
		const struct cp_hook_exec *e = &d->execs[idx[i]];
		int row = row_of_canon[canon[e->prim]];

		run->layers[row].time_ms += exec_ms(e);
		run->layers[row].calls++;
		in += exec_ms(e);
		for (w = 0; run->busy_ms && w < d->nworkers; w++) {
			double *b = cp_run_busy(run, row, (int)w);

			*b = (isnan(*b) ? 0 : *b) + d->busy[(size_t)w * d->nexecs + idx[i]] / 1e6;
		}
	}
	if (d->nevents) {
		uint64_t *ex = xmalloc(n * sizeof(*ex));
		int *rows = xmalloc(n * sizeof(*rows));

		for (i = 0; i < n; i++) {
			ex[i] = idx[i];
			rows[i] = row_of_canon[canon[d->execs[idx[i]].prim]];
		}
		fill_counts(d, ex, rows, n, 1, run);
		free(ex);
		free(rows);
	}
	span = (double)(d->execs[idx[n - 1]].end_ns - d->execs[idx[0]].begin_ns) / 1e6;
	run->layers_ms = in;
	run->latency_ms = span;
	run->other_ms = run->other.time_ms = span - in;
	run->iterations = 1;
	run->warmup = 0;
}

int app_fill_run(const struct hook_data *d, int warmup, struct cp_run *run)
{
	int32_t *canon = canonical_ids(d), *seq = NULL, *row_of = NULL;
	uint64_t *idx = NULL, n = 0, i, p, start = 0, nper;
	int nrows = 0, err = 0, warm;

	idx = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*idx));
	seq = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*seq));
	/* unfinished executions (the command died in them) are left out */
	for (i = 0; i < d->nexecs; i++)
		if (d->execs[i].end_ns && canon[d->execs[i].prim] >= 0) {
			idx[n] = i;
			seq[n++] = canon[d->execs[i].prim];
		}
	if (!n) {
		err = cp_error(-ENODATA, "no oneDNN primitive ran");
		goto out;
	}
	p = find_period(seq, n, &start);
	nper = p ? (n - start) / p : 0;
	row_of = xmalloc((d->nprims ? d->nprims : 1) * sizeof(*row_of));
	memset(row_of, 0xff, (d->nprims ? d->nprims : 1) * sizeof(*row_of));
	if (p) {
		snprintf(run->grouping, sizeof(run->grouping), "sequence");
		cp_run_set_layers(run, (int)p);
		fill_workers(d, run);
		for (i = 0; i < p; i++)
			fill_row(run, (int)i, &d->prims[seq[start + i]],
				 weights_groups(d, &d->prims[seq[start + i]]));
		run->periods = (int)nper;
		warm = (int)MIN((uint64_t)warmup, nper - 1);
		fill_sequence(d, idx, start, p, nper, warm, run);
		if (d->nevents)
			fill_sequence_counts(d, idx, start, p, nper, warm, run);
	} else {
		snprintf(run->grouping, sizeof(run->grouping), "primitive");
		for (i = 0; i < n; i++)
			if (row_of[seq[i]] < 0)
				row_of[seq[i]] = nrows++;
		cp_run_set_layers(run, nrows);
		fill_workers(d, run);
		/* in row order: fill_row numbers the ordinals from the rows before */
		for (i = 0, nrows = 0; i < n; i++)
			if (row_of[seq[i]] == nrows)
				fill_row(run, nrows++, &d->prims[seq[i]],
					 weights_groups(d, &d->prims[seq[i]]));
		fill_primitives(d, idx, n, row_of, canon, run);
	}
	run->op_count = run->nlayers;
	run->throughput_ips = run->latency_ms > 0 ? 1000.0 / run->latency_ms : NAN;
out:
	free(canon);
	free(seq);
	free(idx);
	free(row_of);
	return err;
}

int app_exec_rows(const struct hook_data *d, int warmup, int32_t *rows, int32_t *all_rows,
		  double *div)
{
	int32_t *canon = canonical_ids(d), *seq, *row_of;
	uint64_t *idx, n = 0, i, p, start = 0, nper;
	int nrows = 0, warm;

	idx = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*idx));
	seq = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*seq));
	row_of = xmalloc((d->nprims ? d->nprims : 1) * sizeof(*row_of));
	memset(row_of, 0xff, (d->nprims ? d->nprims : 1) * sizeof(*row_of));
	for (i = 0; i < d->nexecs; i++) {
		rows[i] = all_rows[i] = -1;
		if (d->execs[i].end_ns && canon[d->execs[i].prim] >= 0) {
			idx[n] = i;
			seq[n++] = canon[d->execs[i].prim];
		}
	}
	*div = 1;
	p = n ? find_period(seq, n, &start) : 0;
	nper = p ? (n - start) / p : 0;
	if (p) {
		warm = (int)MIN((uint64_t)warmup, nper - 1);
		for (i = start; i < start + nper * p; i++) {
			all_rows[idx[i]] = (int32_t)((i - start) % p);
			if (i >= start + (uint64_t)warm * p)
				rows[idx[i]] = all_rows[idx[i]];
		}
		*div = (double)(nper - (uint64_t)warm);
	} else {
		for (i = 0; i < n; i++) {
			if (row_of[seq[i]] < 0)
				row_of[seq[i]] = nrows++;
			rows[idx[i]] = all_rows[idx[i]] = row_of[seq[i]];
		}
	}
	free(canon);
	free(seq);
	free(idx);
	free(row_of);
	return 0;
}

void app_timeline(const struct hook_data *d, int warmup, int n, struct cp_run *run)
{
	int32_t *rows, *all;
	uint64_t i, t0 = 0;
	uint32_t w;
	int it = -1, worker = 0;
	double div;

	if (strcmp(run->grouping, "sequence") != 0 || n <= 0 || !d->nexecs)
		return;
	for (w = 0; w < d->nworkers; w++)	/* the main thread, where PyTorch calls */
		if (d->workers[w].tid == d->hdr.pid)
			worker = (int)w;
	rows = xmalloc(d->nexecs * sizeof(*rows));
	all = xmalloc(d->nexecs * sizeof(*all));
	if (app_exec_rows(d, warmup, rows, all, &div) == 0)
		for (i = 0; i < d->nexecs; i++) {
			const struct cp_hook_exec *e = &d->execs[i];
			struct cp_slice s;

			if (rows[i] < 0 || (it < 0 && rows[i] != 0))
				continue;
			if (rows[i] == 0 && ++it >= n)
				break;
			if (it == 0 && rows[i] == 0)
				t0 = e->begin_ns;
			s.iteration = it;
			s.layer = rows[i];
			s.worker = worker;
			s.begin_us = (double)(e->begin_ns - t0) / 1e3;
			s.dur_us = (double)(e->end_ns - e->begin_ns) / 1e3;
			cp_run_add_slice(run, &s);
		}
	free(rows);
	free(all);
}
