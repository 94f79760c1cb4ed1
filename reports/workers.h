/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_WORKERS_H
#define CONVPROF_WORKERS_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"
#include "reports/table.h"

/*
 * The per-worker view of a run: per layer and worker the busy time (the
 * worker's part of the primitive's parallel work, run->busy_ms), the wait
 * (the rest of the layer's time) and the layer's imbalance,
 * 1 - mean(busy) / max(busy): 0 when every worker is busy alike, 1 - 1/n
 * when one worker does it all.
 */

/* 1 - mean / max of @n values; NaN with fewer than 2, an unknown one or max 0. */
double imbalance_of(const double *busy, int n);

/* run->busy_ms is there (and has a worker). */
int workers_known(const struct cp_run *run);

/*
 * Row @layer's (nlayers: (other), -1: the whole inference) busy and wait
 * time in ms of worker @th, or the mean over workers for @th < 0; its
 * imbalance. NaN where unknown.
 */
double workers_busy(const struct cp_run *run, int layer, int th);
double workers_wait(const struct cp_run *run, int layer, int th);
double workers_imbalance(const struct cp_run *run, int layer);

/* Table columns busy_ms, wait_ms, imbalance (none when not known); @cols gets 3. */
void workers_add_columns(struct table *t, const struct cp_run *run, int *cols);

/* Fill those columns for row @layer (-1: total), worker @th (-1: the layer). */
void workers_fill(struct table *t, const struct cp_run *run, int layer, int th,
		  const int *cols, int csv);

/* A line for the text header: why busy time is unknown, or its caveat. */
void workers_print_note(const struct cp_run *run, FILE *fp);

/* "imbalance" (absent with one worker) and "workers": [...] into a layer row. */
void workers_layer_json(json_t *row, const struct cp_run *run, int layer);

/* "busy_note" into the root, when there is one. */
void workers_root_json(json_t *root, const struct cp_run *run);

#endif
