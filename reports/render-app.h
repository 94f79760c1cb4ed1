/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RENDER_APP_H
#define CONVPROF_RENDER_APP_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"

/*
 * How a `-- command` run's command ended, as a sentence's predicate: "exited
 * with status 3", "was killed by signal 11 (Segmentation fault)". Into @buf,
 * or a static buffer when @buf is NULL.
 */
const char *render_exit_sentence(const struct cp_run *run, char *buf, size_t len);

/* The header line "command: ... (exited with status 0)" and the note, if any. */
void render_command_header(const struct cp_run *run, FILE *fp);

/* "command", "grouping", "periods", "exit", "note" into @root (DESIGN.md). */
void render_command_json(json_t *root, const struct cp_run *run);

/* Worker @w's busy time per inference over all rows; NaN if never measured. */
double render_worker_busy(const struct cp_run *run, int w);

#endif
