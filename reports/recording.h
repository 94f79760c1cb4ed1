/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RECORDING_H
#define CONVPROF_RECORDING_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"
#include "reports/table.h"
#include "store/store.h"

/* "run: 3 of 'c.db', recorded ...", the command line, the machine. */
void recording_print_header(const struct cp_run *run, const char *path, FILE *fp);

/* What the stat JSON lacks about a recorded run: where and on what it ran. */
void recording_add_json(json_t *root, const struct cp_run *run, const char *path);

/* The runs of @path (report --list). 0, or -EIO when @fp failed. */
int runs_render(const struct store_run_info *v, int n, const char *path,
		enum cp_format fmt, FILE *fp);

#endif
