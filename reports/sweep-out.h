/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_SWEEP_OUT_H
#define CONVPROF_SWEEP_OUT_H

#include <stdio.h>
#include <jansson.h>

#include "reports/table.h"
#include "study/sweep.h"

/* The output of convprof sweep (study/sweep.h): sweep-report.c, sweep-plot.c. */

/*
 * The sweep as a table (text: with a header and the summary paragraph;
 * CSV: one row per combination, every column) or the JSON object of
 * convprof-sweep(1). Returns 0 or -EIO.
 */
int sweep_print(const struct sweep *s, FILE *fp, enum cp_format fmt);
json_t *sweep_to_json(const struct sweep *s);

/* The summary paragraph (text), wrapped at @width columns. */
void sweep_summary(const struct sweep *s, FILE *fp, int width);

/*
 * Write the charts whose axis has two values or more into directory @dir
 * (created if absent). *@written gets the paths written (free each and the
 * array), *@n their count: 0 when every axis has one value. Returns 0 or
 * -errno with cp_error(); charts written before a failure stay.
 */
int sweep_plot(const struct sweep *s, const char *dir, char ***written, int *n);

#endif
