/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_JSON_OUT_H
#define CONVPROF_JSON_OUT_H

/*
 * The JSON helpers are util/json.h, for the libraries too. This header only
 * forwards, for the files that still include it (render.c, cmd-diff.c,
 * cmd-report.c): include util/json.h and delete this once they do.
 */
#include "util/json.h"

#endif
