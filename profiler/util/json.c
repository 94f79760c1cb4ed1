// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>

#include "util/json.h"

int json_print(json_t *root, FILE *fp)
{
	int err = 0;

	if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) < 0)
		err = -EIO;
	fputc('\n', fp);
	json_decref(root);
	return err;
}

json_t *json_num(double v)
{
	if (!isfinite(v))
		return json_null();
	/* integral values print as integers: 3 rather than 3.0 */
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

void json_set_str(json_t *obj, const char *key, const char *val)
{
	json_object_set_new(obj, key, val ? json_string(val) : json_null());
}

void json_set_int(json_t *obj, const char *key, long long val)
{
	json_object_set_new(obj, key, json_integer(val));
}

void json_set_num(json_t *obj, const char *key, double val)
{
	json_object_set_new(obj, key, json_num(val));
}

void json_set_bool(json_t *obj, const char *key, int val)
{
	json_object_set_new(obj, key, json_boolean(val));
}
