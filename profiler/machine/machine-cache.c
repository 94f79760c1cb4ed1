// SPDX-License-Identifier: MIT
/*
 * The ceilings as JSON (the --format json output, the cache file and, later,
 * the recording file all hold the same object), the cache file itself and
 * the lookups the roofline code makes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/machine.h"
#include "util/json.h"
#include "util/output.h"
#include "util/util.h"

static const char *const peak_field[MACHINE_NPREC] = {
	"f32_gflops", "bf16_gflops", "int8_gops",
};
static const char *const bw_field[MACHINE_NSTREAM] = { "copy_gbs", "triad_gbs" };

const struct machine_point *machine_point_find(const struct machine_ceilings *c,
					       int cores)
{
	int i;

	for (i = 0; i < c->npoints; i++)
		if (c->points[i].cores == cores)
			return &c->points[i];
	return NULL;
}

double machine_peak(const struct machine_ceilings *c, enum machine_prec p, int cores)
{
	const struct machine_point *pt = machine_point_find(c, cores);

	if (!pt || (unsigned)p >= MACHINE_NPREC || !c->kern[p].supported)
		return NAN;
	return pt->peak[p];
}

double machine_bandwidth(const struct machine_ceilings *c, enum machine_stream s,
			 int cores)
{
	const struct machine_point *pt = machine_point_find(c, cores);

	if (!pt || (unsigned)s >= MACHINE_NSTREAM)
		return NAN;
	return pt->bw[s];
}

static const char *cache_type_name(char type)
{
	return type == 'd' ? "data" : type == 'i' ? "instruction" : "unified";
}

static json_t *kernel_to_json(const struct machine_kernel *k)
{
	json_t *o = json_object();

	json_set_bool(o, "supported", k->supported);
	if (!k->supported) {
		json_set_str(o, "reason", k->reason);
		return o;
	}
	json_set_str(o, "isa", k->isa);
	json_set_str(o, "instruction", k->instruction);
	json_set_int(o, "vector_bits", k->vector_bits);
	json_set_int(o, "chains", k->chains);
	json_set_int(o, "ops_per_instruction", k->ops_per_instruction);
	return o;
}

static json_t *stream_to_json(const struct machine_ceilings *c)
{
	const struct machine_stream_method *s = &c->stream;
	json_t *o = json_object();

	json_set_int(o, "element_bytes", sizeof(double));
	json_set_int(o, "array_elements", (long long)s->array_elems);
	json_set_int(o, "array_bytes", (long long)s->array_bytes);
	json_set_int(o, "total_bytes", (long long)(3 * s->array_bytes));
	json_set_int(o, "llc_bytes", (long long)s->llc_bytes);
	json_set_int(o, "vector_bits", s->vector_bits);
	json_set_bool(o, "huge_pages", s->huge_pages);
	json_set_int(o, "copy_bytes_per_element", 16);
	json_set_int(o, "triad_bytes_per_element", 24);
	json_set_num(o, "triad_scalar", 3.0);
	json_set_bool(o, "triad_verified", s->triad_verified);
	return o;
}

json_t *machine_ceilings_to_json(const struct machine_ceilings *c)
{
	json_t *root = json_object(), *cpu = json_object(), *isa = json_array();
	json_t *caches = json_array(), *method = json_object();
	json_t *compute = json_object(), *results = json_array();
	char *copy, *tok, *save = NULL;
	int i, p;

	json_set_int(root, "version", c->version);
	json_set_str(root, "key", c->key);
	json_set_str(cpu, "vendor", c->vendor);
	json_set_str(cpu, "model", c->model);
	json_set_int(cpu, "family", c->family);
	json_set_int(cpu, "model_number", c->model_number);
	json_set_int(cpu, "stepping", c->stepping);
	json_set_int(cpu, "cores", c->cores);
	json_set_int(cpu, "pus", c->pus);
	copy = xstrdup(c->isa);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		json_array_append_new(isa, json_string(tok));
	free(copy);
	json_object_set_new(cpu, "isa", isa);
	json_object_set_new(root, "cpu", cpu);

	for (i = 0; i < c->ncaches; i++) {
		json_t *o = json_object();

		json_set_int(o, "level", c->caches[i].level);
		json_set_str(o, "type", cache_type_name(c->caches[i].type));
		json_set_int(o, "size_bytes", (long long)c->caches[i].size);
		json_set_int(o, "count", c->caches[i].count);
		json_set_int(o, "shared_pus", c->caches[i].shared_pus);
		json_array_append_new(caches, o);
	}
	json_object_set_new(root, "caches", caches);
	json_set_str(root, "measured_at", c->measured_at);
	json_set_bool(root, "quick", c->quick);

	json_set_str(method, "pinning", "compact, one worker per core");
	json_set_bool(method, "binding_verified", c->binding_verified);
	json_set_num(method, "target_seconds", c->target_seconds);
	json_set_int(method, "repeats", c->repeats);
	for (p = 0; p < MACHINE_NPREC; p++)
		json_object_set_new(compute, machine_prec_name(p), kernel_to_json(&c->kern[p]));
	json_object_set_new(method, "compute", compute);
	json_object_set_new(method, "stream", stream_to_json(c));
	json_object_set_new(root, "method", method);

	for (i = 0; i < c->npoints; i++) {
		const struct machine_point *pt = &c->points[i];
		json_t *o = json_object();

		json_set_int(o, "cores", pt->cores);
		json_set_str(o, "cpus", pt->cpus);
		for (p = 0; p < MACHINE_NPREC; p++)
			json_set_num(o, peak_field[p], c->kern[p].supported ? pt->peak[p] : NAN);
		for (p = 0; p < MACHINE_NSTREAM; p++)
			json_set_num(o, bw_field[p], pt->bw[p]);
		json_array_append_new(results, o);
	}
	json_object_set_new(root, "results", results);
	return root;
}

static int bad_json(const json_error_t *e, const char *what)
{
	return cp_error(-EINVAL, "bad %s: %s", what, e->text);
}

/* A figure: a number, or null for "not measured". */
static int figure_from_json(const json_t *v, double *out)
{
	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v) || json_number_value(v) < 0)
		return -EINVAL;
	*out = json_number_value(v);
	return 0;
}

static int kernel_from_json(struct machine_kernel *k, const json_t *j, const char *name)
{
	const char *reason = NULL, *isa = NULL, *instr = NULL;
	json_error_t e;
	int supported;

	memset(k, 0, sizeof(*k));
	if (json_unpack_ex((json_t *)j, &e, 0, "{s:b, s?s, s?s, s?s, s?i, s?i, s?i}",
			   "supported", &supported, "reason", &reason, "isa", &isa,
			   "instruction", &instr, "vector_bits", &k->vector_bits,
			   "chains", &k->chains, "ops_per_instruction",
			   &k->ops_per_instruction) < 0)
		return bad_json(&e, name);
	k->supported = supported;
	if (supported && (!isa || !instr || k->ops_per_instruction <= 0))
		return cp_error(-EINVAL, "bad %s: isa, instruction or ops_per_instruction missing",
				name);
	snprintf(k->reason, sizeof(k->reason), "%s", reason ? reason : "");
	snprintf(k->isa, sizeof(k->isa), "%s", isa ? isa : "");
	snprintf(k->instruction, sizeof(k->instruction), "%s", instr ? instr : "");
	return 0;
}

static int caches_from_json(struct machine_ceilings *c, const json_t *arr)
{
	json_error_t e;
	size_t i;

	for (i = 0; i < json_array_size(arr) && i < ARRAY_SIZE(c->caches); i++) {
		struct cache_info *ci = &c->caches[i];
		const char *type;
		json_int_t size;

		if (json_unpack_ex(json_array_get(arr, i), &e, 0, "{s:i, s:s, s:I, s:i, s:i}",
				   "level", &ci->level, "type", &type, "size_bytes", &size,
				   "count", &ci->count, "shared_pus", &ci->shared_pus) < 0)
			return bad_json(&e, "caches");
		ci->type = strcmp(type, "data") == 0 ? 'd' :
			   strcmp(type, "instruction") == 0 ? 'i' : 'u';
		ci->size = (uint64_t)size;
		c->ncaches++;
	}
	return 0;
}

static int points_from_json(struct machine_ceilings *c, const json_t *arr)
{
	size_t i, n = json_array_size(arr);
	json_error_t e;
	int p;

	c->points = xcalloc(n ? n : 1, sizeof(*c->points));
	for (i = 0; i < n; i++) {
		struct machine_point *pt = &c->points[i];
		const json_t *o = json_array_get(arr, i);
		const char *cpus;

		if (json_unpack_ex((json_t *)o, &e, 0, "{s:i, s:s}", "cores", &pt->cores,
				   "cpus", &cpus) < 0)
			return bad_json(&e, "results");
		if (pt->cores < 1 || pt->cores > c->cores)
			return cp_error(-EINVAL, "bad results: %d cores on a %d-core machine",
					pt->cores, c->cores);
		snprintf(pt->cpus, sizeof(pt->cpus), "%s", cpus);
		for (p = 0; p < MACHINE_NPREC; p++)
			if (figure_from_json(json_object_get(o, peak_field[p]), &pt->peak[p]))
				return cp_error(-EINVAL, "bad results: '%s' is not a figure",
						peak_field[p]);
		for (p = 0; p < MACHINE_NSTREAM; p++)
			if (figure_from_json(json_object_get(o, bw_field[p]), &pt->bw[p]))
				return cp_error(-EINVAL, "bad results: '%s' is not a figure",
						bw_field[p]);
		c->npoints++;
	}
	return 0;
}

int machine_ceilings_from_json(struct machine_ceilings *c, const json_t *j)
{
	const char *key, *vendor, *model, *at;
	json_t *isa, *caches, *compute, *stream, *results;
	json_int_t elems, abytes, llc;
	int quick, bind, huge, verified, err, p;
	json_error_t e;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (json_unpack_ex((json_t *)j, &e, 0, "{s:i}", "version", &c->version) < 0)
		return bad_json(&e, "ceilings");
	if (c->version != MACHINE_FORMAT_VERSION)
		return cp_error(-EINVAL, "format version %d, this convprof reads %d",
				c->version, MACHINE_FORMAT_VERSION);
	if (json_unpack_ex((json_t *)j, &e, 0,
			   "{s:s, s:{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:o}, s:o, s:s, s:b,"
			   " s:{s:b, s:F, s:i, s:o, s:o}, s:o}",
			   "key", &key,
			   "cpu", "vendor", &vendor, "model", &model, "family", &c->family,
			   "model_number", &c->model_number, "stepping", &c->stepping,
			   "cores", &c->cores, "pus", &c->pus, "isa", &isa,
			   "caches", &caches, "measured_at", &at, "quick", &quick,
			   "method", "binding_verified", &bind, "target_seconds",
			   &c->target_seconds, "repeats", &c->repeats, "compute", &compute,
			   "stream", &stream,
			   "results", &results) < 0)
		return bad_json(&e, "ceilings");
	if (!json_is_array(isa) || !json_is_array(caches) || !json_is_array(results) ||
	    !json_is_object(compute) || c->cores < 1)
		return cp_error(-EINVAL, "bad ceilings: isa, caches or results is not a list");
	snprintf(c->vendor, sizeof(c->vendor), "%s", vendor);
	snprintf(c->model, sizeof(c->model), "%s", model);
	/* the key is derived: one that disagrees with the fields is a hand edit */
	machine_key(c, c->key, sizeof(c->key));
	if (strcmp(c->key, key) != 0)
		return cp_error(-EINVAL, "the key '%s' does not match the cpu fields ('%s')",
				key, c->key);
	snprintf(c->measured_at, sizeof(c->measured_at), "%s", at);
	c->quick = quick;
	c->binding_verified = bind;
	for (i = 0; i < json_array_size(isa); i++) {
		const char *s = json_string_value(json_array_get(isa, i));
		size_t n = strlen(c->isa);

		if (s)
			snprintf(c->isa + n, sizeof(c->isa) - n, "%s%s", n ? " " : "", s);
	}
	for (p = 0; p < MACHINE_NPREC; p++) {
		const char *name = machine_prec_name(p);
		json_t *k = json_object_get(compute, name);

		if (!k)
			return cp_error(-EINVAL, "bad ceilings: no method for %s", name);
		err = kernel_from_json(&c->kern[p], k, name);
		if (err)
			return err;
	}
	if (json_unpack_ex(stream, &e, 0, "{s:I, s:I, s:I, s:i, s:b, s:b}",
			   "array_elements", &elems, "array_bytes", &abytes,
			   "llc_bytes", &llc, "vector_bits", &c->stream.vector_bits,
			   "huge_pages", &huge, "triad_verified", &verified) < 0)
		return bad_json(&e, "stream");
	c->stream.array_elems = (uint64_t)elems;
	c->stream.array_bytes = (uint64_t)abytes;
	c->stream.llc_bytes = (uint64_t)llc;
	c->stream.huge_pages = huge;
	c->stream.triad_verified = verified;
	err = caches_from_json(c, caches);
	if (!err)
		err = points_from_json(c, results);
	if (err)
		machine_ceilings_release(c);
	return err;
}

char *machine_cache_default_path(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	/* the XDG spec: a relative XDG_CACHE_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/convprof/machine.json", xdg);
	if (home && home[0])
		return xasprintf("%s/.cache/convprof/machine.json", home);
	return NULL;
}

static char *cache_path(const char *path)
{
	return path ? xstrdup(path) : machine_cache_default_path();
}

int machine_cache_load(struct machine_ceilings *c, const char *path)
{
	struct machine_ceilings here;
	char *file = cache_path(path);
	json_t *root = NULL;
	json_error_t e;
	int err;

	memset(c, 0, sizeof(*c));
	if (!file)
		return cp_error(-ENOENT, "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
	if (access(file, F_OK) < 0) {
		err = cp_error(-errno, "cannot read '%s': %s", file, strerror(errno));
		goto out;
	}
	root = json_load_file(file, 0, &e);
	if (!root) {
		err = cp_error(-EINVAL, "'%s' is not a machine ceilings file: %s (line %d)",
			       file, e.text, e.line);
		goto out;
	}
	err = machine_ceilings_from_json(c, root);
	if (err) {
		char why[256];

		snprintf(why, sizeof(why), "%s", cp_strerror(err));
		err = cp_error(err, "'%s' is not a machine ceilings file: %s", file, why);
		goto out;
	}
	err = machine_identify(&here, NULL);
	if (!err && strcmp(here.key, c->key) != 0) {
		err = cp_error(-ESTALE, "'%s' was measured on another machine (%s)",
			       file, c->key);
		machine_ceilings_release(c);
	}
out:
	json_decref(root);
	free(file);
	return err;
}

/* mkdir -p of the directory part of @file */
static int make_parent_dirs(const char *file)
{
	char *dir = xstrdup(file), *p;
	int err = 0;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			err = cp_error(-errno, "cannot create '%s': %s", dir, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return err;
}

static int cache_write_cb(FILE *fp, const void *arg)
{
	json_t *root = machine_ceilings_to_json(arg);
	int err;

	err = json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) < 0 ? -EIO : 0;
	if (!err && fputc('\n', fp) == EOF)
		err = -EIO;
	json_decref(root);
	return err;
}

/* The cache is replaced whole: a reader never sees half of it. */
int machine_cache_save(const struct machine_ceilings *c, const char *path)
{
	char *file = cache_path(path);
	int err;

	if (!file)
		return cp_error(-ENOENT, "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
	err = make_parent_dirs(file);
	if (!err)
		err = output_write(file, cache_write_cb, c);
	free(file);
	return err;
}

static int complete(const struct machine_ceilings *c)
{
	int k;

	for (k = 1; k <= c->cores; k++)
		if (!machine_point_find(c, k))
			return 0;
	return 1;
}

int machine_ceilings_get(struct machine_ceilings *c, int measure_if_missing,
			 const char *cache_path)
{
	int err = machine_cache_load(c, cache_path);

	if (!err && complete(c))
		return 0;
	if (!err) {
		machine_ceilings_release(c);
		err = cp_error(-ENOENT, "the cached ceilings lack some core counts");
	}
	if (!measure_if_missing)
		return err;
	cp_error_clear();
	err = machine_measure(c, NULL);
	if (err)
		return err;
	err = machine_cache_save(c, cache_path);
	if (err)
		machine_ceilings_release(c);
	return err;
}
