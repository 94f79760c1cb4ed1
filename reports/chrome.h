/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CHROME_H
#define CONVPROF_CHROME_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"

/*
 * A run's timeline (record --timeline) as Chrome trace event JSON, the
 * format chrome://tracing, Perfetto UI and PyTorch's profiler use:
 * {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}.
 * One process per run (pid = run id), one track per worker (tid = worker
 * + 1, named "worker N (cpu C)"), a complete event ("ph": "X") per layer
 * slice with the layer's kind, layout, impl, flops, busy time and counts in
 * "args", a counter track ("ph": "C") per counted event stepping at each
 * layer's begin to its count per inference, and an instant event ("ph":
 * "i") at each iteration's start. Times are microseconds.
 */

/* The trace object, or NULL with -ENODATA in cp_error() when @run has no
   timeline. The caller owns it. */
json_t *chrome_trace(const struct cp_run *run);

/* Print it to @fp: 0, -ENODATA, or -EIO when @fp failed. */
int chrome_write(const struct cp_run *run, FILE *fp);

/*
 * Write it to @path atomically (a new file renamed over @path): @path
 * holds its old content or the whole trace. 0 or -errno with cp_error().
 */
int chrome_save(const struct cp_run *run, const char *path);

#endif
