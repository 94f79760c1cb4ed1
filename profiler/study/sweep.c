// SPDX-License-Identifier: MIT
/*
 * The sweep's axes, its combinations, what every combination is compared
 * with, and the machine's ceilings for the efficiency figures.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/ceilings.h"
#include "machine/machine.h"
#include "workloads/model.h"
#include "study/efficiency.h"
#include "store/store.h"
#include "study/sweep.h"
#include "util/util.h"

static const char *const axis_names[SWEEP_NAXES] = {
	[SWEEP_SIZE] = "size", [SWEEP_BATCH] = "batch",
	[SWEEP_PRECISION] = "precision", [SWEEP_LAYOUT] = "layout",
	[SWEEP_FUSION] = "fusion", [SWEEP_PROCS] = "procs",
	[SWEEP_THREADS] = "threads",
};

const char *sweep_axis_name(enum sweep_axis a)
{
	return a < SWEEP_NAXES ? axis_names[a] : "?";
}

/* ---- parsing ---- */

static void axis_clear(struct sweep_axes *ax, enum sweep_axis a)
{
	switch (a) {
	case SWEEP_SIZE: free(ax->size); ax->size = NULL; break;
	case SWEEP_BATCH: free(ax->batch); ax->batch = NULL; break;
	case SWEEP_PRECISION: free(ax->precision); ax->precision = NULL; break;
	case SWEEP_LAYOUT: free(ax->layout); ax->layout = NULL; break;
	case SWEEP_FUSION: free(ax->fusion); ax->fusion = NULL; break;
	case SWEEP_PROCS: free(ax->procs); ax->procs = NULL; break;
	case SWEEP_THREADS: free(ax->threads); ax->threads = NULL; break;
	default: break;
	}
	ax->n[a] = 0;
	ax->given[a] = 0;
}

static void axis_alloc(struct sweep_axes *ax, enum sweep_axis a, int n)
{
	switch (a) {
	case SWEEP_SIZE: ax->size = xcalloc((size_t)n, sizeof(*ax->size)); break;
	case SWEEP_BATCH: ax->batch = xcalloc((size_t)n, sizeof(int)); break;
	case SWEEP_PRECISION: ax->precision = xcalloc((size_t)n, sizeof(char *)); break;
	case SWEEP_LAYOUT: ax->layout = xcalloc((size_t)n, sizeof(char *)); break;
	case SWEEP_FUSION: ax->fusion = xcalloc((size_t)n, sizeof(int)); break;
	case SWEEP_PROCS: ax->procs = xcalloc((size_t)n, sizeof(int)); break;
	case SWEEP_THREADS: ax->threads = xcalloc((size_t)n, sizeof(int)); break;
	default: break;
	}
}

/* Index of @v in the NULL-terminated @choices, or -EINVAL with a hint. */
static int parse_choice(enum sweep_axis a, const char *v, const char *const *choices,
			const char *what)
{
	const char *best;
	int i;

	for (i = 0; choices[i]; i++)
		if (strcmp(choices[i], v) == 0)
			return i;
	best = closest_name(v, choices, -1, 2);
	if (best)
		return cp_error(-EINVAL, "--%s: '%s' is not %s; did you mean '%s'?",
				axis_names[a], v, what, best);
	return cp_error(-EINVAL, "--%s: '%s' is not %s", axis_names[a], v, what);
}

static int parse_int(enum sweep_axis a, const char *v, long max, int *out)
{
	long l;
	int err = parse_long(v, 1, max, &l);

	if (err == -ERANGE)
		return cp_error(-EINVAL, "--%s: '%s' is out of range (1..%ld)",
				axis_names[a], v, max);
	if (err)
		return cp_error(-EINVAL, "--%s: '%s' is not a whole number",
				axis_names[a], v);
	*out = (int)l;
	return 0;
}

/* Element @i of a freshly parsed axis equals an earlier one. */
static int is_duplicate(const struct sweep_axes *ax, enum sweep_axis a, int i)
{
	int j;

	for (j = 0; j < i; j++) {
		switch (a) {
		case SWEEP_SIZE:
			if (ax->size[j].w == ax->size[i].w && ax->size[j].h == ax->size[i].h)
				return 1;
			break;
		case SWEEP_BATCH: if (ax->batch[j] == ax->batch[i]) return 1; break;
		case SWEEP_PRECISION: if (ax->precision[j] == ax->precision[i]) return 1; break;
		case SWEEP_LAYOUT: if (ax->layout[j] == ax->layout[i]) return 1; break;
		case SWEEP_FUSION: if (ax->fusion[j] == ax->fusion[i]) return 1; break;
		case SWEEP_PROCS: if (ax->procs[j] == ax->procs[i]) return 1; break;
		case SWEEP_THREADS: if (ax->threads[j] == ax->threads[i]) return 1; break;
		default: break;
		}
	}
	return 0;
}

static int parse_value(struct sweep_axes *ax, enum sweep_axis a, int i, const char *v)
{
	int k;

	switch (a) {
	case SWEEP_SIZE:
		if (parse_size(v, &ax->size[i].w, &ax->size[i].h))
			return cp_error(-EINVAL, "--size: '%s' is not a size (expected N or WxH, e.g. 224 or 416x320)", v);
		return 0;
	case SWEEP_BATCH:
		return parse_int(a, v, 4096, &ax->batch[i]);
	case SWEEP_PROCS:
		return parse_int(a, v, 4096, &ax->procs[i]);
	case SWEEP_THREADS:
		return parse_int(a, v, 65536, &ax->threads[i]);
	case SWEEP_PRECISION:
		k = parse_choice(a, v, precision_choices, "a precision (f32, bf16, int8)");
		if (k < 0)
			return k;
		ax->precision[i] = precision_choices[k];
		return 0;
	case SWEEP_LAYOUT:
		k = parse_choice(a, v, layout_choices, "a layout (nchw, nhwc, blocked)");
		if (k < 0)
			return k;
		ax->layout[i] = layout_choices[k];
		return 0;
	case SWEEP_FUSION:
		k = parse_choice(a, v, onoff_choices, "on or off");
		if (k < 0)
			return k;
		ax->fusion[i] = strcmp(onoff_choices[k], "on") == 0;
		return 0;
	default:
		return -EINVAL;
	}
}

int sweep_axis_parse(struct sweep_axes *ax, enum sweep_axis a, const char *list)
{
	char *copy = xstrdup(list), *tok, *next;
	int n = 1, i = 0, err = 0;
	const char *p;

	axis_clear(ax, a);
	for (p = list; *p; p++)
		n += *p == ',';
	axis_alloc(ax, a, n);
	for (tok = copy; tok; tok = next, i++) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!*tok) {
			err = cp_error(-EINVAL, "--%s: empty value in '%s'", axis_names[a], list);
			goto out;
		}
		err = parse_value(ax, a, i, tok);
		if (err)
			goto out;
		if (is_duplicate(ax, a, i)) {
			err = cp_error(-EINVAL, "--%s: '%s' is given twice", axis_names[a], tok);
			goto out;
		}
	}
	ax->n[a] = n;
	ax->given[a] = 1;
out:
	free(copy);
	if (err)
		axis_clear(ax, a);
	return err;
}

/* Index of the value named @name on a string axis, else 0 (the first). */
static int find_str(const char *const *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return i;
	return 0;
}

static int find_smallest(const int *v, int n)
{
	int i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] < v[best])
			best = i;
	return best;
}

void sweep_axes_finish(struct sweep_axes *ax)
{
	int a;

	if (!ax->n[SWEEP_SIZE]) {
		axis_alloc(ax, SWEEP_SIZE, 1);
		ax->n[SWEEP_SIZE] = 1;
	}
	if (!ax->n[SWEEP_BATCH]) {
		axis_alloc(ax, SWEEP_BATCH, 1);
		ax->batch[0] = 1;
		ax->n[SWEEP_BATCH] = 1;
	}
	if (!ax->n[SWEEP_PRECISION]) {
		axis_alloc(ax, SWEEP_PRECISION, 1);
		ax->precision[0] = precision_choices[0];
		ax->n[SWEEP_PRECISION] = 1;
	}
	if (!ax->n[SWEEP_LAYOUT]) {
		axis_alloc(ax, SWEEP_LAYOUT, 1);
		ax->layout[0] = layout_choices[find_str(layout_choices, 3, "blocked")];
		ax->n[SWEEP_LAYOUT] = 1;
	}
	if (!ax->n[SWEEP_FUSION]) {
		axis_alloc(ax, SWEEP_FUSION, 1);
		ax->fusion[0] = 1;
		ax->n[SWEEP_FUSION] = 1;
	}
	if (!ax->n[SWEEP_PROCS]) {
		axis_alloc(ax, SWEEP_PROCS, 1);
		ax->procs[0] = 1;
		ax->n[SWEEP_PROCS] = 1;
	}
	if (!ax->n[SWEEP_THREADS]) {
		/* processes of one worker each unless told otherwise: one per
		 * core in every process would not fit */
		axis_alloc(ax, SWEEP_THREADS, 1);
		ax->threads[0] = ax->given[SWEEP_PROCS] ? 1 : 0;
		ax->n[SWEEP_THREADS] = 1;
	}
	for (a = 0; a < SWEEP_NAXES; a++)
		ax->base[a] = -1;
	if (ax->n[SWEEP_THREADS] > 1)
		ax->base[SWEEP_THREADS] = find_smallest(ax->threads, ax->n[SWEEP_THREADS]);
	if (ax->n[SWEEP_PROCS] > 1)
		ax->base[SWEEP_PROCS] = find_smallest(ax->procs, ax->n[SWEEP_PROCS]);
	if (ax->n[SWEEP_PRECISION] > 1)
		ax->base[SWEEP_PRECISION] = find_str((const char *const *)ax->precision, ax->n[SWEEP_PRECISION], "f32");
	if (ax->n[SWEEP_LAYOUT] > 1)
		ax->base[SWEEP_LAYOUT] = find_str((const char *const *)ax->layout, ax->n[SWEEP_LAYOUT], "nchw");
	if (ax->n[SWEEP_FUSION] > 1)
		ax->base[SWEEP_FUSION] = ax->fusion[0] ? 1 : 0;	/* off */
}

void sweep_axes_release(struct sweep_axes *ax)
{
	int a;

	for (a = 0; a < SWEEP_NAXES; a++)
		axis_clear(ax, a);
}

char *sweep_axis_value(const struct sweep_axes *ax, enum sweep_axis a, int i,
		       char *buf, size_t len)
{
	switch (a) {
	case SWEEP_SIZE:
		if (!ax->size[i].w)
			snprintf(buf, len, "default");
		else
			snprintf(buf, len, "%dx%d", ax->size[i].w, ax->size[i].h);
		break;
	case SWEEP_BATCH: snprintf(buf, len, "%d", ax->batch[i]); break;
	case SWEEP_PRECISION: snprintf(buf, len, "%s", ax->precision[i]); break;
	case SWEEP_LAYOUT: snprintf(buf, len, "%s", ax->layout[i]); break;
	case SWEEP_FUSION: snprintf(buf, len, "%s", ax->fusion[i] ? "on" : "off"); break;
	case SWEEP_PROCS: snprintf(buf, len, "%d", ax->procs[i]); break;
	case SWEEP_THREADS: snprintf(buf, len, "%d", ax->threads[i]); break;
	default: snprintf(buf, len, "?"); break;
	}
	return buf;
}

double sweep_axis_number(const struct sweep_axes *ax, enum sweep_axis a, int i)
{
	switch (a) {
	case SWEEP_BATCH: return ax->batch[i];
	case SWEEP_PROCS: return ax->procs[i];
	case SWEEP_THREADS: return ax->threads[i];
	default: return NAN;
	}
}

int sweep_count(const struct sweep_axes *ax)
{
	long n = 1;
	int a;

	for (a = 0; a < SWEEP_NAXES; a++) {
		n *= ax->n[a] > 0 ? ax->n[a] : 1;
		if (n > 1000000)
			return 1000001;
	}
	return (int)n;
}

void sweep_indices(const struct sweep_axes *ax, int k, int idx[SWEEP_NAXES])
{
	int a;

	for (a = SWEEP_NAXES - 1; a >= 0; a--) {
		idx[a] = k % ax->n[a];
		k /= ax->n[a];
	}
}

int sweep_point_index(const struct sweep_axes *ax, const int idx[SWEEP_NAXES])
{
	int a, k = 0;

	for (a = 0; a < SWEEP_NAXES; a++)
		k = k * ax->n[a] + idx[a];
	return k;
}

/* ---- results ---- */

void sweep_init(struct sweep *s, struct sweep_axes *ax)
{
	int k;

	memset(s, 0, sizeof(*s));
	s->ax = *ax;
	memset(ax, 0, sizeof(*ax));
	s->npoints = sweep_count(&s->ax);
	s->points = xcalloc((size_t)s->npoints, sizeof(*s->points));
	for (k = 0; k < s->npoints; k++) {
		struct sweep_point *pt = &s->points[k];
		int a;

		sweep_indices(&s->ax, k, pt->idx);
		pt->latency_ms = pt->ips = pt->gops = NAN;
		for (a = 0; a < SWEEP_NAXES; a++)
			pt->ratio[a] = pt->efficiency[a] = pt->ratio_spread[a] = NAN;
		pt->noise = NAN;
		pt->ips_per_core = pt->llc_mib = pt->ips_per_llc_mib = NAN;
		pt->peak_gops = pt->bw_gbs = pt->mac_util = NAN;
		pt->ips_per_peak_tops = pt->ips_per_gbs = NAN;
	}
}

static void point_clear(struct sweep_point *pt)
{
	int i;

	for (i = 0; i < pt->nprocs; i++)
		free(pt->procs[i].cpus);
	free(pt->procs);
	pt->procs = NULL;
	pt->nprocs = 0;
	free(pt->error);
	pt->error = NULL;
	free(pt->layers);
	pt->layers = NULL;
	pt->nlayers = 0;
}

/* What per-layer scaling needs of the first process's run. */
static void point_layers(struct sweep_point *pt, const struct cp_run *r)
{
	int i, th;

	pt->nlayers = r->nlayers;
	pt->layers = xcalloc((size_t)r->nlayers + 1, sizeof(*pt->layers));
	for (i = 0; i < r->nlayers; i++) {
		struct sweep_layer *l = &pt->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", r->layers[i].name);
		l->time_ms = r->layers[i].time_ms;
		l->noise = (r->layers[i].time_q3_ms - r->layers[i].time_q1_ms) / l->time_ms;
		l->busy_sum = l->busy_max = NAN;
		if (!r->busy_ms || r->nthreads < 1)
			continue;
		l->busy_sum = l->busy_max = 0;
		for (th = 0; th < r->nthreads; th++) {
			double b = *cp_run_busy((struct cp_run *)r, i, th);

			l->busy_sum += b;
			l->busy_max = MAX(l->busy_max, b);
		}
		for (th = 0; th < r->nthreads; th++)
			l->nbusy += *cp_run_busy((struct cp_run *)r, i, th) >= l->busy_max / 10;
	}
}

void sweep_release(struct sweep *s)
{
	int k;

	for (k = 0; k < s->npoints; k++)
		point_clear(&s->points[k]);
	free(s->points);
	sweep_axes_release(&s->ax);
	sweep_ceilings_release(&s->ceil);
	memset(s, 0, sizeof(*s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void sweep_point_fill(struct sweep *s, int k, struct cp_run *const *runs, int n)
{
	struct sweep_point *pt = &s->points[k];
	double *lat = xcalloc((size_t)n, sizeof(double)), noise;
	int i, j, partial = 0;

	point_clear(pt);
	pt->nprocs = n;
	pt->procs = xcalloc((size_t)n, sizeof(*pt->procs));
	pt->ips = pt->gops = 0;
	pt->cores = 0;
	for (i = 0; i < n; i++) {
		const struct cp_run *r = runs[i];
		struct sweep_proc *sp = &pt->procs[i];
		struct efficiency e;

		/* roofline.h's definition of achieved GOP/s: FLOPs / latency */
		roofline_efficiency(r, NULL, 0, &e);
		sp->run_id = r->id;
		sp->latency_ms = r->latency_ms;
		sp->ips = e.ips;
		sp->gops = e.gops;
		sp->partial = r->partial;
		sp->ncpus = r->nthreads;
		sp->cpus = xcalloc((size_t)r->nthreads + 1, sizeof(int));
		for (j = 0; j < r->nthreads; j++)
			sp->cpus[j] = r->thread_recs[j].cpu_planned;
		lat[i] = r->latency_ms;
		noise = (r->latency_q3_ms - r->latency_q1_ms) / r->latency_ms;
		if (i == 0 || isnan(noise) || noise > pt->noise)
			pt->noise = noise;	/* the widest; unknown if any is */
		pt->ips += sp->ips;
		pt->gops += sp->gops;
		pt->cores += r->threads;
		partial |= r->partial;
	}
	if (n > 0)
		point_layers(pt, runs[0]);
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	pt->latency_ms = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
	free(lat);
	pt->state = partial ? SWEEP_PARTIAL : SWEEP_DONE;
}

void sweep_point_fail(struct sweep *s, int k, const char *msg)
{
	struct sweep_point *pt = &s->points[k];

	point_clear(pt);
	pt->state = SWEEP_FAILED;
	pt->error = xstrdup(msg);
}

static int has_result(const struct sweep_point *pt)
{
	return pt->state == SWEEP_DONE || pt->state == SWEEP_PARTIAL;
}

/* The spread of pt's ratio to @partner on @a; a ratio inside it is NaN. */
static void ratio_noise(struct sweep_point *pt, const struct sweep_point *partner, int a)
{
	double r = pt->ratio[a];

	pt->ratio_spread[a] = r * sqrt(pt->noise * pt->noise + partner->noise * partner->noise);
	if (pt->ratio_spread[a] > fabs(r - 1)) {
		pt->ratio[a] = NAN;
		pt->ratio_noisy[a] = 1;
	}
}

void sweep_derive(struct sweep *s)
{
	const struct sweep_axes *ax = &s->ax;
	int k, a;

	for (k = 0; k < s->npoints; k++) {
		struct sweep_point *pt = &s->points[k];
		int pidx[SWEEP_NAXES];

		for (a = 0; a < SWEEP_NAXES; a++) {
			pt->ratio[a] = pt->efficiency[a] = pt->ratio_spread[a] = NAN;
			pt->ratio_noisy[a] = 0;
		}
		if (!has_result(pt))
			continue;
		for (a = 0; a < SWEEP_NAXES; a++) {
			const struct sweep_point *partner;

			if (ax->base[a] < 0)
				continue;
			memcpy(pidx, pt->idx, sizeof(pidx));
			pidx[a] = ax->base[a];
			partner = &s->points[sweep_point_index(ax, pidx)];
			if (partner == pt) {
				pt->ratio[a] = 1;	/* exactly, not ips / ips */
				pt->ratio_spread[a] = 0;
			} else if (partner->state == SWEEP_DONE && partner->ips > 0) {
				pt->ratio[a] = pt->ips / partner->ips;
				ratio_noise(pt, partner, a);
			}
			if (a == SWEEP_THREADS || a == SWEEP_PROCS)
				pt->efficiency[a] = pt->ratio[a] *
					sweep_axis_number(ax, a, ax->base[a]) /
					sweep_axis_number(ax, a, pt->idx[a]);
		}
		pt->ips_per_core = pt->cores > 0 ? pt->ips / pt->cores : NAN;
		pt->llc_mib = pt->llc_bytes ? (double)pt->llc_bytes / (1024.0 * 1024.0) : NAN;
		pt->ips_per_llc_mib = pt->ips / pt->llc_mib;
		sweep_ceilings_lookup(&s->ceil, ax->precision[pt->idx[SWEEP_PRECISION]],
				      pt->cores, &pt->peak_gops, &pt->bw_gbs);
		pt->mac_util = pt->gops / pt->peak_gops;
		pt->ips_per_peak_tops = pt->ips / (pt->peak_gops / 1000);
		pt->ips_per_gbs = pt->ips / pt->bw_gbs;
	}
}

/* ---- labels ---- */

char *sweep_point_label(const struct sweep *s, const struct sweep_point *pt, int skip,
			char *buf, size_t len)
{
	size_t n = 0;
	int a;

	buf[0] = '\0';
	for (a = 0; a < SWEEP_NAXES && n < len; a++) {
		char v[32];
		int i = pt->idx[a];

		if (s->ax.n[a] < 2 || a == skip)
			continue;
		sweep_axis_value(&s->ax, a, i, v, sizeof(v));
		if (n)
			n += (size_t)snprintf(buf + n, len - n, ", ");
		switch (a) {
		case SWEEP_BATCH:
			n += (size_t)snprintf(buf + n, len - n, "batch %s", v);
			break;
		case SWEEP_FUSION:
			n += (size_t)snprintf(buf + n, len - n, "%s", s->ax.fusion[i] ? "fused" : "unfused");
			break;
		case SWEEP_PROCS:
			n += (size_t)snprintf(buf + n, len - n, "%s process%s", v,
					      s->ax.procs[i] == 1 ? "" : "es");
			break;
		case SWEEP_THREADS:
			n += (size_t)snprintf(buf + n, len - n, "%s thread%s", v,
					      s->ax.threads[i] == 1 ? "" : "s");
			break;
		default:
			n += (size_t)snprintf(buf + n, len - n, "%s", v);
			break;
		}
	}
	return buf;
}

char *sweep_fixed_label(const struct sweep *s, char *buf, size_t len)
{
	size_t n = 0;
	int a;

	buf[0] = '\0';
	for (a = 0; a < SWEEP_NAXES && n < len; a++) {
		char v[32];

		if (s->ax.n[a] > 1)
			continue;
		sweep_axis_value(&s->ax, a, 0, v, sizeof(v));
		if (n)
			n += (size_t)snprintf(buf + n, len - n, ", ");
		if (a == SWEEP_BATCH)
			n += (size_t)snprintf(buf + n, len - n, "batch %s", v);
		else if (a == SWEEP_FUSION)
			n += (size_t)snprintf(buf + n, len - n, "fusion %s", v);
		else if (a == SWEEP_PROCS)
			n += (size_t)snprintf(buf + n, len - n, "%s process%s", v,
					      s->ax.procs[0] == 1 ? "" : "es");
		else if (a == SWEEP_THREADS)
			n += (size_t)snprintf(buf + n, len - n, "%s thread%s", v,
					      s->ax.threads[0] == 1 ? "" : "s");
		else
			n += (size_t)snprintf(buf + n, len - n, "%s", v);
	}
	if (n < len)
		snprintf(buf + n, len - n, "%s%d measured iteration%s after %d warm-up",
			 n ? "; " : "", s->iterations, s->iterations == 1 ? "" : "s", s->warmup);
	return buf;
}

/* ---- ceilings ---- */

void sweep_ceilings_load(struct sweep *s, struct store *st, const char *path)
{
	struct sweep_ceilings *c = &s->ceil;
	struct machine_ceilings *m = xcalloc(1, sizeof(*m));
	const char *where = "";
	char *file = NULL;
	int err;

	memset(c, 0, sizeof(*c));
	/* a file named on the command line is what the user wants, alone */
	if (path)
		err = machine_ceilings_get(m, 0, path);
	else
		err = ceilings_load(st, NULL, CEILINGS_CACHED, m, &where);
	if (err) {
		snprintf(c->why, sizeof(c->why), "no measured ceilings: %s", cp_strerror(err));
		free(m);
		return;
	}
	if (path)
		snprintf(c->file, sizeof(c->file), "%s", path);
	else if (strcmp(where, "the cache") == 0 && (file = machine_cache_default_path()))
		snprintf(c->file, sizeof(c->file), "%s", file);
	else
		snprintf(c->file, sizeof(c->file), "%s %s", where, store_path(st));
	free(file);
	c->available = 1;
	c->priv = m;
	snprintf(c->measured_at, sizeof(c->measured_at), "%s", m->measured_at);
	c->quick = m->quick;
	snprintf(c->peak_source, sizeof(c->peak_source),
		 "convprof machine%s at %s: peak of the precision's instructions on that many cores",
		 m->quick ? " --quick" : "", m->measured_at);
	snprintf(c->bw_source, sizeof(c->bw_source),
		 "convprof machine%s at %s: STREAM triad on that many cores",
		 m->quick ? " --quick" : "", m->measured_at);
}

void sweep_ceilings_lookup(const struct sweep_ceilings *c, const char *precision,
			   int cores, double *peak, double *bw)
{
	const struct machine_ceilings *m = c->priv;
	int p;

	*peak = *bw = NAN;
	if (!c->available)
		return;
	for (p = 0; p < MACHINE_NPREC; p++)
		if (strcmp(machine_prec_name(p), precision) == 0)
			*peak = machine_peak(m, p, cores);
	*bw = machine_bandwidth(m, MACHINE_TRIAD, cores);
}

void sweep_ceilings_release(struct sweep_ceilings *c)
{
	if (c->priv) {
		machine_ceilings_release(c->priv);
		free(c->priv);
	}
	memset(c, 0, sizeof(*c));
}
