// SPDX-License-Identifier: MIT
/*
 * convprof machine: this machine's measured ceilings, peak FP32/BF16/INT8
 * arithmetic and STREAM bandwidth for 1..N pinned cores, with the method.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "util/json.h"
#include "machine/machine.h"
#include "store/store.h"
#include "cli/parse-options.h"
#include "reports/table.h"
#include "util/util.h"

struct machine_cmd_opts {
	const char *threads;
	int quick;
	const char *cache;
	int no_cache;
	int show;
	const char *output;
	const char *format;
};

static const char *const machine_usage[] = {
	"convprof machine [--threads <list>] [--quick] [--cache <file> | --no-cache] [--format <fmt>]",
	"convprof machine --show [--cache <file>] [--format <fmt>]",
	"",
	"Measure peak FP32, BF16 and INT8 arithmetic (GFLOP/s, GOP/s) and STREAM",
	"copy and triad bandwidth (GB/s) on 1..N cores, one pinned worker per",
	"core, and keep the figures in a cache file for the roofline reports.",
	NULL,
};

static const char *const prec_unit[MACHINE_NPREC] = {
	"f32 GFLOP/s", "bf16 GFLOP/s", "int8 GOP/s",
};
static const char *const prec_csv[MACHINE_NPREC][2] = {
	{ "f32_gflops", "f32_gflops_per_core" },
	{ "bf16_gflops", "bf16_gflops_per_core" },
	{ "int8_gops", "int8_gops_per_core" },
};
static const char *const stream_unit[MACHINE_NSTREAM] = { "copy GB/s", "triad GB/s" };
static const char *const stream_csv[MACHINE_NSTREAM][2] = {
	{ "copy_gbs", "copy_gbs_per_core" },
	{ "triad_gbs", "triad_gbs_per_core" },
};

/* On a terminal only: a line that the next one overwrites, cleared at the end. */
static void progress(void *arg, int cores, int index, int count)
{
	fprintf(stderr, "\rmeasuring %d core%s (%d of %d)... ", cores,
		cores == 1 ? "" : "s", index + 1, count);
}

static void progress_clear(void)
{
	fprintf(stderr, "\r%40s\r", "");
}

static void set_figure(struct table *t, int col, double v, int supported, int per_core)
{
	if (!supported)
		table_set(t, col, per_core ? "-" : "not supported");
	else if (isnan(v))
		table_set(t, col, "-");
	else if (v >= 1)
		table_set(t, col, "%.1f", v);
	else
		/* a slow figure (an emulator, a busy machine) must not read 0.0 */
		table_set(t, col, "%.3g", v);
}

enum table_part { PART_COMPUTE = 1, PART_STREAM = 2, PART_ALL = 3 };

static struct table *results_table(const struct machine_ceilings *c, enum cp_format fmt,
				   enum table_part part)
{
	int csv = fmt == FMT_CSV, nprec = part & PART_COMPUTE ? MACHINE_NPREC : 0;
	int nstream = part & PART_STREAM ? MACHINE_NSTREAM : 0;
	struct table *t = table_new();
	int i, p;

	table_add_column(t, "cores", ALIGN_RIGHT);
	table_add_column(t, "cpus", ALIGN_LEFT);
	for (p = 0; p < nprec; p++) {
		table_add_column(t, csv ? prec_csv[p][0] : prec_unit[p], ALIGN_RIGHT);
		table_add_column(t, csv ? prec_csv[p][1] : "per core", ALIGN_RIGHT);
	}
	for (p = 0; p < nstream; p++) {
		table_add_column(t, csv ? stream_csv[p][0] : stream_unit[p], ALIGN_RIGHT);
		table_add_column(t, csv ? stream_csv[p][1] : "per core", ALIGN_RIGHT);
	}
	for (i = 0; i < c->npoints; i++) {
		const struct machine_point *pt = &c->points[i];
		int col = 2;

		table_add_row(t);
		table_set(t, 0, "%d", pt->cores);
		table_set(t, 1, "%s", pt->cpus);
		for (p = 0; p < nprec; p++, col += 2) {
			int ok = c->kern[p].supported;

			/* CSV: an empty cell, never a 0, for what was not measured */
			if (csv && (!ok || isnan(pt->peak[p])))
				continue;
			set_figure(t, col, pt->peak[p], ok, 0);
			set_figure(t, col + 1, pt->peak[p] / pt->cores, ok, 1);
		}
		for (p = 0; p < nstream; p++, col += 2) {
			if (csv && isnan(pt->bw[p]))
				continue;
			set_figure(t, col, pt->bw[p], 1, 0);
			set_figure(t, col + 1, pt->bw[p] / pt->cores, 1, 1);
		}
	}
	return t;
}

static void print_caches(const struct machine_ceilings *c)
{
	char buf[32];
	int i;

	printf("caches   ");
	for (i = 0; i < c->ncaches; i++) {
		const struct cache_info *ci = &c->caches[i];

		printf("%sL%d%s %s x%d", i ? ", " : "", ci->level,
		       ci->type == 'd' ? "d" : ci->type == 'i' ? "i" : "",
		       fmt_bytes(buf, sizeof(buf), ci->size), ci->count);
		if (ci->shared_pus > 1)
			printf(" (%d PUs each)", ci->shared_pus);
	}
	printf("%s\n", c->ncaches ? "" : "none described by hwloc");
}

static void print_method(const struct machine_ceilings *c)
{
	const struct machine_stream_method *s = &c->stream;
	char a[32], tot[32], llc[32];
	int p;

	printf("\nmethod\n");
	for (p = 0; p < MACHINE_NPREC; p++) {
		const struct machine_kernel *k = &c->kern[p];

		if (!k->supported) {
			printf("  %-5s not supported (%s)\n", machine_prec_name(p), k->reason);
			continue;
		}
		printf("  %-5s %s, %d-bit (%s), %d independent chains, %d %s an instruction\n",
		       machine_prec_name(p), k->instruction, k->vector_bits, k->isa, k->chains,
		       k->ops_per_instruction, p == MACHINE_INT8 ? "ops" : "FLOPs");
	}
	printf("        bf16: 2 FLOPs a bf16 multiply-add; int8: 4 u8 x s8 multiply-adds"
	       " a 32-bit lane, 8 ops\n");
	printf("        best of %d repeats of %.2f s; workers pinned compact, one a core%s\n",
	       c->repeats, c->target_seconds,
	       c->binding_verified ? ", each checked its binding" : "");
	printf("  stream 3 arrays of %s (%llu doubles), %s in all, ",
	       fmt_bytes(a, sizeof(a), s->array_bytes), (unsigned long long)s->array_elems,
	       fmt_bytes(tot, sizeof(tot), 3 * s->array_bytes));
	if (s->llc_bytes)
		printf("%.1fx the %s LLC,\n", 3.0 * (double)s->array_bytes / (double)s->llc_bytes,
		       fmt_bytes(llc, sizeof(llc), s->llc_bytes));
	else
		printf("no cache size known,\n");
	printf("        %d-bit loads and stores, %s, first touched by the pinned workers\n",
	       s->vector_bits, s->huge_pages ? "huge pages" : "4 KiB pages");
	printf("        copy a[i] = b[i]: 16 B an element; triad a[i] = b[i] + 3*c[i]: 24 B\n"
	       "        (STREAM's count: the write-allocate read of a, 8 B more, is not counted)\n"
	       "        best single pass of at least %d; triad result %s\n", c->repeats,
	       s->triad_verified ? "checked element by element: correct" : "not checked");
}

static void print_text(const struct machine_ceilings *c, const char *cache, int shown)
{
	struct table *t;

	printf("cpu      %s (%s family %d model %d stepping %d), %d cores, %d PUs\n",
	       c->model, c->vendor, c->family, c->model_number, c->stepping, c->cores, c->pus);
	printf("isa      %s\n", c->isa[0] ? c->isa : "(none detected)");
	print_caches(c);
	printf("measured %s%s, %s%s\n\n", c->measured_at, c->quick ? " (--quick)" : "",
	       !cache ? "not cached" : shown ? "read from " : "saved in ",
	       cache ? cache : "");
	printf("peak compute\n");
	t = results_table(c, FMT_TEXT, PART_COMPUTE);
	table_print(t, stdout, FMT_TEXT, 2);
	table_free(t);
	printf("\nmemory bandwidth (STREAM)\n");
	t = results_table(c, FMT_TEXT, PART_STREAM);
	table_print(t, stdout, FMT_TEXT, 2);
	table_free(t);
	print_method(c);
}

static void print_csv(const struct machine_ceilings *c)
{
	struct table *t = results_table(c, FMT_CSV, PART_ALL);

	table_print(t, stdout, FMT_CSV, 0);
	table_free(t);
}

static void print_json(const struct machine_ceilings *c, const char *cache, int shown)
{
	json_t *root = machine_ceilings_to_json(c);

	json_set_str(root, "cache_file", cache);
	json_set_bool(root, "from_cache", shown);
	json_print(root, stdout);
}

static void print_ceilings(const struct machine_ceilings *c, enum cp_format fmt,
			   const char *cache, int shown)
{
	if (fmt == FMT_JSON)
		print_json(c, cache, shown);
	else if (fmt == FMT_CSV)
		print_csv(c);
	else
		print_text(c, cache, shown);
}

/* --threads 1,2: validated against this machine's cores before measuring. */
static int threads_parse(const char *s, int cores, int **out, int *n)
{
	long *v = NULL;
	int cnt, i;

	cnt = parse_long_list(s, LONG_MIN, LONG_MAX, &v);
	if (cnt < 0)
		return usage_error(machine_usage,
				   "--threads expects core counts such as 1,2, not '%s'", s);
	*out = xcalloc(cnt, sizeof(int));
	for (i = 0; i < cnt; i++) {
		if (v[i] < 1 || v[i] > cores) {
			long bad = v[i];

			free(v);
			free(*out);
			*out = NULL;
			return usage_error(machine_usage,
					   "--threads: cannot measure %ld cores, this machine has 1 to %d",
					   bad, cores);
		}
		(*out)[i] = (int)v[i];
	}
	*n = cnt;
	free(v);
	return 0;
}

/* Append the ceilings to a recording file, beside its runs. */
static int record_ceilings(const struct machine_ceilings *c, const char *path)
{
	json_t *j = machine_ceilings_to_json(c);
	char *text = json_dumps(j, JSON_COMPACT);
	struct store *st = NULL;
	int err;

	err = store_open(path, STORE_APPEND, &st);
	if (!err)
		err = store_write_ceilings(st, c->key, text);
	if (err)
		cp_die_msg("%s", cp_strerror(err));
	store_close(st);
	free(text);
	json_decref(j);
	return err;
}

int cmd_machine(int argc, const char **argv)
{
	struct machine_cmd_opts o = { .format = "text" };
	const struct option options[] = {
		OPT_STRING('t', "threads", &o.threads, "<list>",
			   "core counts to measure, e.g. 1,2 (default: 1 to all cores)"),
		OPT_BOOLEAN(0, "quick", &o.quick, "short repeats: a rougher figure in a fifth of the time"),
		OPT_STRING(0, "cache", &o.cache, "<file>",
			   "the cache file (default ~/.cache/convprof/machine.json)"),
		OPT_BOOLEAN(0, "no-cache", &o.no_cache, "measure without writing the cache"),
		OPT_BOOLEAN(0, "show", &o.show, "print the cached figures without measuring"),
		OPT_STRING('o', "output", &o.output, "<file>",
			   "also keep the figures in this recording file (for roofline)"),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct machine_ceilings c = { .points = NULL }, id;
	struct machine_opts mo = { .cores = NULL };
	char *cache = NULL;
	int *list = NULL, nlist = 0, nargs, err, status = 0;
	enum cp_format fmt;

	nargs = parse_options(argc, argv, options, machine_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 0)
		return usage_error(machine_usage, "unexpected argument '%s'", argv[0]);
	if (o.cache && o.no_cache)
		return usage_error(machine_usage, "--cache and --no-cache exclude each other");
	if (o.show && (o.threads || o.quick || o.no_cache))
		return usage_error(machine_usage, "--show measures nothing: it takes only --cache and --format");
	fmt = format_from_string(o.format);
	if (!o.no_cache) {
		cache = o.cache ? xstrdup(o.cache) : machine_cache_default_path();
		if (!cache) {
			cp_die_msg("no cache directory: set XDG_CACHE_HOME or HOME, or use --cache or --no-cache");
			return 1;
		}
	}

	if (o.show) {
		err = machine_cache_load(&c, cache);
		if (err) {
			if (err == -ENOENT)
				cp_die_msg("nothing cached in '%s': run 'convprof machine' first",
					   cache);
			else
				cp_die_msg("%s", cp_strerror(err));
			status = 1;
			goto out;
		}
		print_ceilings(&c, fmt, cache, 1);
		goto out;
	}

	err = machine_identify(&id, NULL);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		status = 1;
		goto out;
	}
	if (o.threads) {
		status = threads_parse(o.threads, id.cores, &list, &nlist);
		if (status)
			goto out;
	}
	mo.cores = list;
	mo.ncores = nlist;
	mo.quick = o.quick;
	if (isatty(STDERR_FILENO))
		mo.progress = progress;
	err = machine_measure(&c, &mo);
	if (mo.progress)
		progress_clear();
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		status = 1;
		goto out;
	}
	err = cache ? machine_cache_save(&c, cache) : 0;
	print_ceilings(&c, fmt, err ? NULL : cache, 0);
	if (err) {
		/* the figures are printed; only keeping them failed */
		cp_die_msg("%s", cp_strerror(err));
		status = 1;
	}
	if (o.output && record_ceilings(&c, o.output))
		status = 1;
out:
	machine_ceilings_release(&c);
	free(list);
	free(cache);
	return status;
}
