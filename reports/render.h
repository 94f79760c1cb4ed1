/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RENDER_H
#define CONVPROF_RENDER_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"
#include "reports/roofline.h"
#include "reports/table.h"

/*
 * The per-layer view of a run, shared by stat and report so both print the
 * same numbers the same way: a header (model, config, backend, events that
 * could not be counted and why), one row per layer plus (other) and the
 * total, in text, CSV or JSON (the contract in DESIGN.md).
 */

struct render_opts {
	enum cp_format format;
	const char *sort;	/* "time", "flops", an event name, ...; comma list;
				   NULL: execution order */
	int top;		/* 0: every row */
	int per_thread;		/* break each layer down by worker */
	int no_header;		/* text: rows only */
	/* against the machine's measured ceilings, when known */
	const struct efficiency *efficiency;
	const char *efficiency_note;	/* why there is none, when NULL */
};

/* Print @run. Returns 0 or -EIO when @fp failed. */
int render_run(const struct cp_run *run, FILE *fp, const struct render_opts *o);

/*
 * The stat JSON object of DESIGN.md for @run: {"model", "config", "backend",
 * "events", "iterations", "total", "layers", ...}. The caller owns it.
 */
json_t *run_to_json(const struct cp_run *run, const struct render_opts *o);

/*
 * Check a --sort list against @run's columns: 0, or -EINVAL with the
 * unknown key (and the closest one) in cp_error().
 */
int render_check_sort(const struct cp_run *run, const char *sort);

/*
 * Row order for @run under @sort (NULL: execution order), largest first;
 * @order gets nlayers entries. Used by renderers that are not tables.
 */
void render_order(const struct cp_run *run, const char *sort, int *order);

/* The value of column @key for row @layer (nlayers: (other)); NaN if none. */
double render_value(const struct cp_run *run, int layer, const char *key);

#endif
