// SPDX-License-Identifier: MIT
/*
 * convprof sweep: every combination of batch, threads, processes,
 * precision, layout, fusion and size, each measured like stat and
 * recorded like record, then compared in one table.
 *
 * Everything that can be checked is checked before the first
 * combination runs -- the lists, the model and its sizes, the events,
 * where every combination's processes go -- so a typo costs no
 * measurement. Each combination is stored as soon as it finished, so an
 * interrupted or failed sweep keeps what it measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "core/events.h"
#include "workloads/model.h"
#include "cli/parse-options.h"
#include "cli/profile-options.h"
#include "core/pin.h"
#include "core/profile.h"
#include "core/runner.h"
#include "store/store.h"
#include "reports/sweep-out.h"
#include "study/sweep.h"
#include "util/util.h"

/* A sweep is meant to be read: this many combinations is a typo. */
#define SWEEP_MAX_POINTS 10000

static const char *const sweep_usage[] = {
	"convprof sweep [<axes>] [<options>] <model>",
	"convprof sweep [<axes>] [<options>] --cfg <file>",
	"",
	"Measure a model in every combination of the axes given as comma lists",
	"(batch, threads, processes, precision, layout, fusion, size), record",
	"each combination's runs, and print latency, throughput, speedup and",
	"parallel efficiency, the layout, precision and fusion ratios, and",
	"throughput per core and per MiB of last-level cache, with a summary.",
	NULL,
};

/* Where the processes of one (procs, threads) pair go. */
struct placement {
	char **cpus;		/* procs > 1 or a cpu-list policy: one list per process */
	int ncpus;
};

struct sweep_cmd {
	struct profile_opts p;
	const char *axis_arg[SWEEP_NAXES];
	const char *output, *plot, *format, *ceilings;
	int no_record, quiet;
	struct placement *place;	/* [procs index][threads index] */
	int nplace;
	uint64_t llc;		/* the machine's last-level cache, all instances */
	hwloc_topology_t topo;
	char *tmpdir;
};

static int is_policy(const char *pin)
{
	return !strcmp(pin, "compact") || !strcmp(pin, "scatter") ||
	       !strcmp(pin, "numa") || !strcmp(pin, "none");
}

static int check_membind(hwloc_topology_t topo, const char *m)
{
	hwloc_obj_t node = NULL;
	long id;

	if (!m || !strcmp(m, "local") || !strcmp(m, "interleave"))
		return 0;
	if (parse_long(m, 0, 65535, &id))
		return cp_error(-EINVAL, "unknown --membind '%s' (expected a NUMA node number, local or interleave)", m);
	while ((node = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node)))
		if ((long)node->os_index == id)
			return 0;
	return cp_error(-EINVAL, "--membind %ld: NUMA node %ld does not exist (this machine has %d)",
			id, id, hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
}

/*
 * The model, its sizes and the events: an unknown model or a size the
 * model cannot take fails here, not in the first combination.
 */
static int check_workload(struct sweep_cmd *c, struct sweep_axes *ax, char *name, size_t len)
{
	struct model m = { 0 };
	struct event_list l;
	char why[512];
	int i, err;

	err = model_load(c->p.cfg ? c->p.cfg : c->p.model, &m);
	if (err)
		return err;
	snprintf(name, len, "%s", m.name);
	for (i = 0; i < ax->n[SWEEP_SIZE]; i++) {
		struct sweep_size *sz = &ax->size[i];

		if (!sz->w) {
			sz->w = m.cfg_width;
			sz->h = m.cfg_height;
		}
		err = model_shape(&m, sz->w, sz->h, 1);
		if (err) {
			snprintf(why, sizeof(why), "%s", cp_strerror(err));
			err = cp_error(err, "--size %dx%d: %s", sz->w, sz->h, why);
			goto out;
		}
	}
	if (c->p.events && strcmp(c->p.events, "none") != 0) {
		err = event_list_parse(c->p.events, &l);
		if (!err)
			err = event_list_encode(&l);
	}
out:
	model_release(&m);
	return err;
}

/*
 * Where every (procs, threads) pair runs; resolves "one thread per core".
 * Processes of one combination never share a core; one process is placed
 * as stat places it, except that a cpu list gives its first cpus.
 */
static int plan_placements(struct sweep_cmd *c, struct sweep_axes *ax)
{
	int np = ax->n[SWEEP_PROCS], nt = ax->n[SWEEP_THREADS], i, j, err;
	struct pin_plan plan;
	char buf[4096];

	err = topology_load(&c->topo, NULL, NULL);
	if (err)
		return err;
	err = check_membind(c->topo, c->p.membind);
	if (err)
		return err;
	if (nt == 1 && ax->threads[0] == 0) {
		err = pin_plan_make(c->topo, c->p.pin, 0, c->p.node, &plan);
		if (err)
			return err;
		ax->threads[0] = plan.nthreads;
		pin_plan_release(&plan);
	}
	c->llc = sweep_llc_bytes(c->topo);
	c->place = xcalloc((size_t)np * (size_t)nt, sizeof(*c->place));
	c->nplace = np * nt;
	for (i = 0; i < np; i++) {
		for (j = 0; j < nt; j++) {
			struct placement *pl = &c->place[i * nt + j];
			int procs = ax->procs[i], threads = ax->threads[j];

			if (procs > 1 || !is_policy(c->p.pin)) {
				err = sweep_place(c->topo, c->p.pin, c->p.node, procs, threads,
						  &pl->cpus);
				if (err)
					return err;
				pl->ncpus = procs;
				continue;
			}
			err = pin_plan_make(c->topo, c->p.pin, threads, c->p.node, &plan);
			if (err) {
				snprintf(buf, sizeof(buf), "%s", cp_strerror(err));
				return cp_error(err, "--threads %d: %s", threads, buf);
			}
			pin_plan_release(&plan);
		}
	}
	return 0;
}

static void say_progress(const struct sweep *s, int k, const char *model)
{
	const struct sweep_point *pt = &s->points[k];
	const struct sweep_axes *ax = &s->ax;
	char size[32];
	int procs = ax->procs[pt->idx[SWEEP_PROCS]], threads = ax->threads[pt->idx[SWEEP_THREADS]];

	fprintf(stderr, "[%d/%d] %s %s batch %d %s %s fusion %s, %d thread%s%s",
		k + 1, s->npoints, model,
		sweep_axis_value(ax, SWEEP_SIZE, pt->idx[SWEEP_SIZE], size, sizeof(size)),
		ax->batch[pt->idx[SWEEP_BATCH]], ax->precision[pt->idx[SWEEP_PRECISION]],
		ax->layout[pt->idx[SWEEP_LAYOUT]], ax->fusion[pt->idx[SWEEP_FUSION]] ? "on" : "off",
		threads, threads == 1 ? "" : "s", procs > 1 ? "" : "\n");
	if (procs > 1)
		fprintf(stderr, " x %d processes\n", procs);
}

/* Store the runs of point @k; 0 or the store's error. */
static int store_point(struct store *st, struct cp_run **runs, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = runs[i]->partial ? store_write_partial(st, runs[i]) :
			store_write_run(st, runs[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Run every combination in order; stop at SIGINT or when the recording
 * cannot be written. Returns 0, 1 when something failed.
 */
static int run_all(struct sweep_cmd *c, struct sweep *s, struct store *st,
		   const char *cmdline)
{
	struct sweep_axes *ax = &s->ax;
	struct sigaction old;
	int k, status = 0;

	/* the parent's SIGINT flag; sweep_exec() passes it on to the processes */
	runner_catch_sigint(&old);
	for (k = 0; k < s->npoints && !runner_interrupted; k++) {
		struct sweep_point *pt = &s->points[k];
		struct placement *pl = &c->place[pt->idx[SWEEP_PROCS] * ax->n[SWEEP_THREADS] +
						 pt->idx[SWEEP_THREADS]];
		struct profile_opts q = c->p;
		struct cp_run **runs = NULL;
		int procs = ax->procs[pt->idx[SWEEP_PROCS]], err;
		char size[32], tag[32], *cmd;

		if (!c->quiet)
			say_progress(s, k, s->model);
		q.size = sweep_axis_value(ax, SWEEP_SIZE, pt->idx[SWEEP_SIZE], size, sizeof(size));
		q.batch = ax->batch[pt->idx[SWEEP_BATCH]];
		q.precision = ax->precision[pt->idx[SWEEP_PRECISION]];
		q.layout = ax->layout[pt->idx[SWEEP_LAYOUT]];
		q.fusion = ax->fusion[pt->idx[SWEEP_FUSION]] ? "on" : "off";
		q.threads = ax->threads[pt->idx[SWEEP_THREADS]];
		if (pl->cpus && procs == 1)
			q.pin = pl->cpus[0];
		q.quiet = c->quiet;
		snprintf(tag, sizeof(tag), "c%d", k + 1);
		cmd = xasprintf("%s [%d/%d]", cmdline, k + 1, s->npoints);
		err = sweep_exec(&q, procs, procs > 1 ? pl->cpus : NULL, cmd, c->tmpdir, tag, &runs);
		free(cmd);
		if (err && (err == -EINTR || runner_interrupted)) {
			s->interrupted = 1;
			break;
		}
		if (err) {
			sweep_point_fail(s, k, cp_strerror(err));
			fflush(stdout);
			fprintf(stderr, "convprof sweep: #%d failed: %s\n", k + 1, cp_strerror(err));
			status = 1;
			continue;
		}
		err = st ? store_point(st, runs, procs) : 0;
		if (err) {
			/* measured but not kept: say so, and stop before measuring more */
			sweep_point_fail(s, k, cp_strerror(err));
			fflush(stdout);
			fprintf(stderr, "convprof sweep: #%d: %s\n", k + 1, cp_strerror(err));
			sweep_runs_free(runs, procs);
			status = 1;
			break;
		}
		sweep_point_fill(s, k, runs, procs);
		pt->llc_bytes = c->llc;
		sweep_runs_free(runs, procs);
		if (!c->quiet)
			fprintf(stderr, "[%d/%d] %.3f ms, %.1f img/s%s\n", k + 1, s->npoints,
				pt->latency_ms, pt->ips, pt->state == SWEEP_PARTIAL ? " (partial)" : "");
		if (pt->state == SWEEP_PARTIAL)
			s->interrupted = 1;
	}
	s->interrupted |= runner_interrupted;
	runner_release_sigint(&old);
	return status;
}

static int make_tmpdir(struct sweep_cmd *c)
{
	const char *base = getenv("TMPDIR");

	c->tmpdir = xasprintf("%s/convprof-sweep.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(c->tmpdir))
		return cp_error(-errno, "cannot create a temporary directory in %s: %s",
				base && *base ? base : "/tmp", strerror(errno));
	return 0;
}

static void write_plots(const struct sweep *s, const char *dir, int *status)
{
	char **files = NULL;
	int n = 0, i, err;

	err = sweep_plot(s, dir, &files, &n);
	if (err) {
		fprintf(stderr, "convprof sweep: %s\n", cp_strerror(err));
		*status = 1;
	}
	if (!n && !err)
		fprintf(stderr, "convprof sweep: no charts: every axis has one value\n");
	for (i = 0; i < n; i++) {
		fprintf(stderr, "%s%s%s", i ? ", " : "convprof sweep: wrote ", files[i],
			i + 1 == n ? "\n" : "");
		free(files[i]);
	}
	free(files);
}

int cmd_sweep(int argc, const char **argv)
{
	struct sweep_cmd c = { .p = PROFILE_OPTS_INIT, .format = "text" };
	const struct option options[] = {
		OPT_GROUP("workload"),
		PROFILE_MODEL_OPTIONS(&c.p),
		PROFILE_SEED_OPTION(&c.p),
		OPT_GROUP("axes (comma lists; an axis not given has one value)"),
		OPT_STRING('s', "size", &c.axis_arg[SWEEP_SIZE], "<list>",
			   "input sizes, e.g. 224,320 or 416x320 (default: the model's)"),
		OPT_STRING('b', "batch", &c.axis_arg[SWEEP_BATCH], "<list>", "batch sizes (default 1)"),
		OPT_STRING('p', "precision", &c.axis_arg[SWEEP_PRECISION], "<list>",
			   "f32, bf16, int8 (default f32)"),
		OPT_STRING('l', "layout", &c.axis_arg[SWEEP_LAYOUT], "<list>",
			   "nchw, nhwc, blocked (default blocked)"),
		OPT_STRING(0, "fusion", &c.axis_arg[SWEEP_FUSION], "<list>", "on, off (default on)"),
		OPT_STRING('t', "threads", &c.axis_arg[SWEEP_THREADS], "<list>",
			   "workers per process (default: one per core; 1 with --procs)"),
		OPT_STRING(0, "procs", &c.axis_arg[SWEEP_PROCS], "<list>",
			   "processes measuring at once on disjoint cores (default 1)"),
		OPT_GROUP("threads and memory"),
		PROFILE_PLACEMENT_OPTIONS(&c.p),
		OPT_GROUP("measurement"),
		PROFILE_MEASURE_OPTIONS(&c.p),
		OPT_GROUP("output"),
		OPT_STRING('o', "output", &c.output, "<file>",
			   "recording file to append every run to (default convprof.db)"),
		OPT_BOOLEAN(0, "no-record", &c.no_record, "record nothing"),
		OPT_STRING(0, "plot", &c.plot, "<dir>", "write SVG charts into this directory"),
		OPT_STRING(0, "ceilings", &c.ceilings, "<file>",
			   "ceilings file of convprof machine (default: the recording's, else its cache)"),
		OPT_BOOLEAN('q', "quiet", &c.quiet, "no progress lines on stderr"),
		OPT_FORMAT(&c.format),
		OPT_END(),
	};
	struct sweep_axes ax = { 0 };
	struct sweep s = { 0 };
	struct store *st = NULL;
	char cmdline[512], model[64];
	struct stat sb;
	int nargs, a, err, status = 1, inited = 0, i;

	profile_cmdline(argc, argv, cmdline, sizeof(cmdline));
	nargs = parse_options(argc, argv, options, sweep_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	for (a = 0; a < SWEEP_NAXES; a++) {
		if (c.axis_arg[a] && sweep_axis_parse(&ax, a, c.axis_arg[a])) {
			status = usage_error(sweep_usage, "%s", cp_strerror(-EINVAL));
			goto out;
		}
	}
	status = profile_check(&c.p, nargs, argv, sweep_usage);
	if (status)
		goto out;
	status = 1;
	sweep_axes_finish(&ax);
	if (sweep_count(&ax) > SWEEP_MAX_POINTS) {
		status = usage_error(sweep_usage, "more than %d combinations: sweep fewer values",
				     SWEEP_MAX_POINTS);
		goto out;
	}
	if (c.no_record && c.output) {
		status = usage_error(sweep_usage, "--no-record and --output contradict each other");
		goto out;
	}
	if (!c.output)
		c.output = STORE_DEFAULT_PATH;
	if (c.plot && stat(c.plot, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		status = usage_error(sweep_usage, "--plot: '%s' is not a directory", c.plot);
		goto out;
	}
	err = check_workload(&c, &ax, model, sizeof(model));
	if (!err)
		err = plan_placements(&c, &ax);
	if (!err && !c.no_record)
		err = store_open(c.output, STORE_APPEND, &st);
	if (!err)
		err = make_tmpdir(&c);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		goto out;
	}

	sweep_init(&s, &ax);
	inited = 1;
	snprintf(s.model, sizeof(s.model), "%s", model);
	s.iterations = c.p.iterations;
	s.warmup = c.p.warmup;
	s.recording = c.no_record ? NULL : c.output;
	sweep_ceilings_load(&s, st, c.ceilings);
	c.p.progress_fn = cli_say_measuring;
	status = run_all(&c, &s, st, cmdline);
	sweep_derive(&s);
	if (sweep_print(&s, stdout, format_from_string(c.format)))
		status = 1;
	if (c.plot)
		write_plots(&s, c.plot, &status);
	if (s.interrupted) {
		int done = 0;

		for (i = 0; i < s.npoints; i++)
			done += s.points[i].state == SWEEP_DONE;
		fprintf(stderr, "convprof sweep: interrupted after %d of %d combinations%s%s\n",
			done, s.npoints, st ? "; what finished is in " : "", st ? c.output : "");
		status = 130;
	}
out:
	if (c.tmpdir) {
		rmdir(c.tmpdir);
		free(c.tmpdir);
	}
	if (c.place) {
		for (i = 0; i < c.nplace; i++)
			sweep_lists_free(c.place[i].cpus, c.place[i].ncpus);
		free(c.place);
	}
	if (c.topo)
		hwloc_topology_destroy(c.topo);
	store_close(st);
	if (inited)
		sweep_release(&s);
	sweep_axes_release(&ax);
	return status;
}
