/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_CEILINGS_H
#define CONVPROF_CEILINGS_H

#include "convprof/run.h"
#include "study/efficiency.h"
#include "store/store.h"

/*
 * The measured ceilings that apply to a run: peak GFLOP/s (or GOP/s) of
 * its precision on as many cores as it had workers, and STREAM triad
 * bandwidth on those cores, from `convprof machine`.
 */

struct run_ceilings {
	struct roofline_ceilings rc;
	char peak_source[160];
	char bw_source[160];
	uint64_t llc_bytes;
};

enum ceilings_policy {
	CEILINGS_CACHED,	/* the recording's or the cache's; never measure */
	CEILINGS_MEASURE,	/* measure (and cache) when none is found */
};

struct machine_ceilings;

/*
 * This machine's ceilings: the newest kept in @st for this machine (may
 * be NULL), else the cache file (@cache, NULL: the default), else
 * measured when @policy allows. *@where names the source ("the recording
 * file", "the cache"). Returns 0 (release @mc with
 * machine_ceilings_release()) or -ENOENT with the reason.
 */
int ceilings_load(struct store *st, const char *cache, enum ceilings_policy policy,
		  struct machine_ceilings *mc, const char **where);

/*
 * Find the ceilings for @run: the newest ones kept in @st for this
 * machine (may be NULL), else the cache file (@cache, NULL: the default),
 * else measure when @policy allows. A run recorded on another machine, or
 * with more workers than cores measured, returns -ENOENT with the reason.
 */
int ceilings_for_run(const struct cp_run *run, struct store *st,
		     const char *cache, enum ceilings_policy policy,
		     struct run_ceilings *out);

/*
 * @run's efficiency against ceilings found without measuring (@st may be
 * NULL). Returns 0, or -ENOENT with the reason in @note.
 */
int run_efficiency(const struct cp_run *run, struct store *st,
		   struct efficiency *e, char *note, size_t len);

#endif
