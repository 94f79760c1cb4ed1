/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_MEM_REPORT_H
#define CONVPROF_MEM_REPORT_H

#include <stdio.h>

#include "reports/table.h"
#include "study/mem.h"

/*
 * convprof mem's output (see convprof-mem(1)): text (a table per size and
 * the model's totals against the caches), CSV (one row per size and layer)
 * or JSON (one object, or {"results": [...]} for several sizes).
 * Returns 0 or -EIO.
 */
int mem_print(const struct mem_study *st, FILE *fp, enum cp_format fmt);

#endif
