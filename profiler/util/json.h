/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_UTIL_JSON_H
#define CONVPROF_UTIL_JSON_H

#include <stdio.h>
#include <jansson.h>

/*
 * JSON output goes through jansson (Debian's libjansson-dev): it gets string
 * escaping, UTF-8 checks and number formatting right, which a hand-written
 * printf emitter tends not to. These helpers only shorten the common calls.
 */

/* Print @root (and a newline) to @fp, then free it. Returns 0 or -EIO. */
int json_print(json_t *root, FILE *fp);

/* A real, or null for NaN/inf (JSON has no such numbers). */
json_t *json_num(double v);

/* Set helpers that steal nothing and cannot fail silently on NULL values. */
void json_set_str(json_t *obj, const char *key, const char *val);
void json_set_int(json_t *obj, const char *key, long long val);
void json_set_num(json_t *obj, const char *key, double val);
void json_set_bool(json_t *obj, const char *key, int val);

#endif
