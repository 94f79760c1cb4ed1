// SPDX-License-Identifier: MIT
/*
 * convprof compare: runs recorded on several machines side by side, each
 * held to the ceilings measured on the machine that ran it (reports/
 * machines.c renders).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/builtin.h"
#include "cli/parse-options.h"
#include "reports/machines.h"
#include "store/store.h"
#include "study/ceilings.h"
#include "util/util.h"

static const char *const compare_usage[] = {
	"convprof compare [--format <fmt>] <file>[:<id>]...",
	"",
	"Compare runs recorded on several machines: throughput and latency, and",
	"the throughput per peak TOPS, per GB/s of measured bandwidth, per MiB of",
	"last-level cache and per core, against the ceilings 'convprof machine",
	"-o <file>' kept in each recording; then the machines and where each",
	"figure came from. A file stands for all its runs, FILE:ID for one.",
	NULL,
};

struct compare_state {
	struct machines_cmp m;
	struct cp_run **runs;
	int nruns;
	char **files;
	int nfiles;
};

static int compare_fail(int err)
{
	fflush(stdout);
	fprintf(stderr, "convprof compare: %s\n", cp_strerror(err));
	return 1;
}

static void add_run(struct compare_state *cs, struct store *st, const char *file,
		    struct cp_run *run)
{
	struct run_ceilings rc;
	int err;

	cs->runs = xrealloc(cs->runs, (size_t)(cs->nruns + 1) * sizeof(*cs->runs));
	cs->runs[cs->nruns++] = run;
	err = ceilings_for_recorded_run(run, st, file, &rc);
	if (err) {
		machines_add_run(&cs->m, run, file, NULL, 0, cp_strerror(err));
		cp_error_clear();
	} else {
		machines_add_run(&cs->m, run, file, &rc.rc, rc.llc_bytes, NULL);
	}
}

/* "FILE" (every run) or "FILE:ID" (one, "latest" too). */
static int load_ref(struct compare_state *cs, const char *ref)
{
	char *file = xstrdup(ref), *colon = strrchr(file, ':');
	struct store *st = NULL;
	struct store_run_info *v = NULL;
	struct cp_run *run = NULL;
	int64_t id = 0;
	int all = 1, n = 0, i, err;

	if (colon && access(file, F_OK) != 0) {
		*colon = '\0';
		all = 0;
		if (store_parse_run_id(colon + 1, &id)) {
			err = cp_error(-EINVAL, "bad run id in '%s' (FILE:ID, ID a number or latest)", ref);
			free(file);
			return err;
		}
	}
	cs->files = xrealloc(cs->files, (size_t)(cs->nfiles + 1) * sizeof(*cs->files));
	cs->files[cs->nfiles++] = file;
	err = store_open(file, STORE_READ, &st);
	if (!err && !all) {
		err = store_read_run(st, id, &run);
		if (!err)
			add_run(cs, st, file, run);
	} else if (!err) {
		err = store_list_runs(st, &v, &n);
		if (!err && !n)
			err = cp_error(-ENOENT, "'%s' holds no runs", file);
		for (i = 0; !err && i < n; i++) {
			err = store_read_run(st, v[i].id, &run);
			if (!err)
				add_run(cs, st, file, run);
		}
	}
	free(v);
	store_close(st);
	return err;
}

int cmd_compare(int argc, const char **argv)
{
	const char *format = "text";
	const struct option options[] = {
		OPT_FORMAT(&format),
		OPT_END(),
	};
	struct compare_state cs;
	int nargs, i, err = 0, status = 0;

	memset(&cs, 0, sizeof(cs));
	nargs = parse_options(argc, argv, options, compare_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs < 1)
		return usage_error(compare_usage, "expected one or more recording files");
	for (i = 0; i < nargs && !err; i++)
		err = load_ref(&cs, argv[i]);
	if (err)
		status = compare_fail(err);
	else
		machines_render(&cs.m, stdout, format_from_string(format));
	machines_release(&cs.m);
	for (i = 0; i < cs.nruns; i++)
		cp_run_free(cs.runs[i]);
	free(cs.runs);
	for (i = 0; i < cs.nfiles; i++)
		free(cs.files[i]);
	free(cs.files);
	return status;
}
