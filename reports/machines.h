/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_MACHINES_H
#define CONVPROF_MACHINES_H

#include <stdio.h>
#include <jansson.h>

#include "convprof/run.h"
#include "reports/roofline.h"
#include "reports/table.h"

/*
 * Runs of several machines side by side (`convprof compare`): per run the
 * throughput and latency, and the throughput per peak TOPS, per GB/s of
 * measured bandwidth, per MiB of last-level cache and per core, each
 * against the ceilings measured on the machine that ran it; then the
 * machines, their measured figures and where each figure came from.
 */

struct machines_ceiling {
	char precision[8];
	int cores;			/* the workers of the runs held to it */
	double peak_gops, bw_gbs;
	char peak_source[200], bw_source[200];
};

struct machines_host {
	const struct cp_machine_rec *rec;	/* of its first run */
	const char *file;			/* where it was first seen */
	double llc_mib;				/* NaN: unknown */
	char llc_source[96];
	int nceil;
	struct machines_ceiling ceil[16];
	char note[256];				/* why its runs have no ceilings */
};

struct machines_run {
	const struct cp_run *run;
	const char *file;
	int host;			/* index into hosts */
	struct efficiency eff;		/* NaN where a ceiling is unknown */
};

struct machines_cmp {
	struct machines_run *runs;
	int nruns;
	struct machines_host *hosts;
	int nhosts;
};

/*
 * Add @run (of recording @file; both outlive @m) with the ceilings of its
 * machine @c and that machine's last-level cache @llc_bytes (0: the L3 the
 * run recorded), or @c NULL and @note saying why there are none. Machines
 * are told apart by CPU model, core count and host name.
 */
void machines_add_run(struct machines_cmp *m, const struct cp_run *run,
		      const char *file, const struct roofline_ceilings *c,
		      uint64_t llc_bytes, const char *note);
void machines_release(struct machines_cmp *m);

/*
 * Text (two tables and the sources), CSV (the runs, with the machine's
 * figures on each row) or JSON: {"runs": [{"file", "run", "machine",
 * "model", "size", "batch", "precision", "threads", "ips", "latency_ms",
 * "ips_per_peak_tops", "ips_per_gbs", "ips_per_llc_mib", "ips_per_core"}],
 * "machines": [{"machine", "cpu_model", "cores", "pus", "hostname",
 * "file", "llc_mib", "llc_source", "ceilings": [{"precision", "cores",
 * "peak_gops", "bw_gbs", "peak_source", "bw_source"}], "note"}]}; unknown
 * numbers are null. Returns 0 or -EIO.
 */
int machines_render(const struct machines_cmp *m, FILE *fp, enum cp_format fmt);

#endif
