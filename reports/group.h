/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_GROUP_H
#define CONVPROF_GROUP_H

#include "convprof/run.h"

/*
 * `report --by`: a run whose rows are groups of layers (by layout, kind,
 * implementation or stage) instead of layers, so render_run() prints it
 * like any other run.
 */

enum group_by { GROUP_LAYOUT, GROUP_KIND, GROUP_IMPL, GROUP_STAGE };

/* The choices, for an option table; NULL-terminated. */
extern const char *const group_by_choices[];

/* "layout" | "kind" | "impl" | "stage"; -EINVAL otherwise. */
int group_by_parse(const char *s, enum group_by *out);

/* The column a group's name is taken from, for messages: "layout". */
const char *group_by_name(enum group_by by);

/* Name of the added column counting each group's layers. */
#define GROUP_LAYERS_EVENT "layers"

/*
 * A new run (free with cp_run_free()) with one row per distinct value of
 * the @by field, in order of first appearance: name = the value; other
 * text fields the members' common value or "mixed"; flops, bytes, counts
 * and per-thread counts summed (NaN when any member's is NaN: a partial
 * sum would pass for a whole one); time = the sum of the members' medians;
 * remote_share weighted by bytes; is_ref when any member is. A column
 * GROUP_LAYERS_EVENT counts the members. (other), totals, threads, the
 * run's configuration and its stacks (moved to their groups) are kept.
 */
struct cp_run *group_run(const struct cp_run *run, enum group_by by);

#endif
