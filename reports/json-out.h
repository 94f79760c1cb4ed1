/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_JSON_OUT_H
#define CONVPROF_JSON_OUT_H

/* The JSON helpers are util/json.h, for the libraries too; renderers that
 * include this header get them from there. */
#include "util/json.h"

#endif
