// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/ceilings.h"
#include "machine/machine.h"
#include "util/util.h"

static int precision_of(const char *p, enum machine_prec *out)
{
	if (strcmp(p, "f32") == 0)
		*out = MACHINE_F32;
	else if (strcmp(p, "bf16") == 0)
		*out = MACHINE_BF16;
	else if (strcmp(p, "int8") == 0)
		*out = MACHINE_INT8;
	else
		return -EINVAL;
	return 0;
}

/* The ceiling @run compares with; -EINVAL with cp_error() saying why not. */
static int run_precision(const struct cp_run *run, enum machine_prec *out)
{
	if (!run->precision[0])
		return cp_error(-EINVAL, "no convolution of a known data type");
	if (precision_of(run->precision, out))
		return cp_error(-EINVAL, "no ceiling for precision '%s'", run->precision);
	return 0;
}

/* The newest ceilings kept in the recording file, of machine @key (NULL: any). */
static int from_store_key(struct store *st, const char *key, struct machine_ceilings *mc)
{
	char *text = NULL;
	json_t *j;
	int err;

	err = store_read_ceilings(st, key, &text);
	if (err)
		return err;
	j = json_loads(text, 0, NULL);
	err = j ? machine_ceilings_from_json(mc, j) : -EBADMSG;
	json_decref(j);
	free(text);
	return err;
}

/* The ceilings kept in the recording file for this machine, if any. */
static int from_store(struct store *st, struct machine_ceilings *mc)
{
	struct machine_ceilings here;
	char key[256];
	int err;

	memset(&here, 0, sizeof(here));
	err = machine_identify(&here, NULL);
	if (err)
		return err;
	machine_key(&here, key, sizeof(key));
	machine_ceilings_release(&here);
	return from_store_key(st, key, mc);
}

int run_efficiency(const struct cp_run *run, struct store *st,
		   struct efficiency *e, char *note, size_t len)
{
	struct run_ceilings rc;
	int err = ceilings_for_run(run, st, NULL, CEILINGS_CACHED, &rc);

	if (err) {
		snprintf(note, len, "%s", cp_strerror(err));
		cp_error_clear();
		return err;
	}
	roofline_efficiency(run, &rc.rc, rc.llc_bytes, e);
	return 0;
}

int ceilings_load(struct store *st, const char *cache, enum ceilings_policy policy,
		  struct machine_ceilings *mc, const char **where)
{
	int err;

	memset(mc, 0, sizeof(*mc));
	*where = "the recording file";
	err = st ? from_store(st, mc) : -ENOENT;
	if (err) {
		*where = "the cache";
		err = machine_ceilings_get(mc, policy == CEILINGS_MEASURE, cache);
	}
	if (err)
		return cp_error(err, "this machine's ceilings are not measured yet: run 'convprof machine'");
	return 0;
}

/* @run's ceilings from @mc, which must have measured the run's machine. */
static int run_ceilings_fill(const struct cp_run *run, const struct machine_ceilings *mc,
			     enum machine_prec prec, const char *where,
			     struct run_ceilings *out)
{
	int i;

	/* ceilings of this machine say nothing about a run made elsewhere */
	if ((run->machine.cpu_model[0] && strcmp(run->machine.cpu_model, mc->model) != 0) ||
	    (run->machine.cores && run->machine.cores != mc->cores))
		return cp_error(-ENOENT, "the run was recorded on %s (%d cores), the ceilings measured on %s (%d cores)",
				run->machine.cpu_model, run->machine.cores, mc->model, mc->cores);
	out->rc.peak_gflops = machine_peak(mc, prec, run->threads);
	out->rc.bw_gbs = machine_bandwidth(mc, MACHINE_TRIAD, run->threads);
	if (isnan(out->rc.peak_gflops) || isnan(out->rc.bw_gbs))
		return cp_error(-ENOENT, "no measured %s ceiling for %d cores%s%s",
				run->precision, run->threads,
				mc->kern[prec].supported ? "" : ": ",
				mc->kern[prec].supported ? "" : mc->kern[prec].reason);
	snprintf(out->peak_source, sizeof(out->peak_source),
		 "convprof machine %s on %d core%s (%s, %s), from %s", run->precision,
		 run->threads, run->threads == 1 ? "" : "s", mc->kern[prec].instruction,
		 mc->measured_at, where);
	snprintf(out->bw_source, sizeof(out->bw_source),
		 "STREAM triad on %d core%s (%s), from %s", run->threads,
		 run->threads == 1 ? "" : "s", mc->measured_at, where);
	out->rc.peak_source = out->peak_source;
	out->rc.bw_source = out->bw_source;
	/* the last level: all its instances, as "MB of last-level cache" means */
	for (i = 0; i < mc->ncaches; i++)
		if (mc->caches[i].type != 'i')
			out->llc_bytes = mc->caches[i].size * (uint64_t)mc->caches[i].count;
	return 0;
}

int ceilings_for_run(const struct cp_run *run, struct store *st,
		     const char *cache, enum ceilings_policy policy,
		     struct run_ceilings *out)
{
	struct machine_ceilings mc;
	enum machine_prec prec;
	const char *where;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&mc, 0, sizeof(mc));
	if (run_precision(run, &prec))
		return -EINVAL;
	err = ceilings_load(st, cache, policy, &mc, &where);
	if (err)
		return err;
	err = run_ceilings_fill(run, &mc, prec, where, out);
	machine_ceilings_release(&mc);
	return err;
}

int ceilings_for_recorded_run(const struct cp_run *run, struct store *st,
			      const char *file, struct run_ceilings *out)
{
	struct machine_ceilings mc;
	enum machine_prec prec;
	char where[256];
	int err;

	memset(out, 0, sizeof(*out));
	memset(&mc, 0, sizeof(mc));
	if (run_precision(run, &prec))
		return -EINVAL;
	err = from_store_key(st, NULL, &mc);
	if (err == -ENOENT) {
		machine_ceilings_release(&mc);
		return cp_error(-ENOENT, "'%s' holds no measured ceilings: run 'convprof machine -o %s' on %s",
				file, file, run->machine.hostname[0] ? run->machine.hostname : "its machine");
	}
	if (err) {
		machine_ceilings_release(&mc);
		return cp_error(err, "the ceilings in '%s': %s", file, cp_strerror(err));
	}
	snprintf(where, sizeof(where), "'%s'", file);
	err = run_ceilings_fill(run, &mc, prec, where, out);
	machine_ceilings_release(&mc);
	return err;
}
