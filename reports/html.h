/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HTML_H
#define CONVPROF_HTML_H

#include <stdio.h>

#include "convprof/run.h"
#include "reports/diff.h"
#include "reports/render.h"
#include "reports/roofline.h"

/*
 * One self-contained HTML page of a run: no network, no external file,
 * readable without JavaScript (a small inline script sorts a table when
 * its header is clicked, or on load with "#sort=<column>" in the address).
 * Every text from the run is escaped.
 */
struct html_report {
	const struct cp_run *run;
	const char *path;		/* the recording, or NULL (stat) */
	const struct render_opts *ro;	/* efficiency, the header's notes */
	/* the roofline, when the machine's ceilings are known */
	const struct roofline_result *roof;
	const struct roofline_ceilings *ceilings;
	const char *roof_note;		/* why there is none, when roof is NULL */
};

/*
 * The page: the header, the layer table (every layer, execution order,
 * sortable; id "layers", one <tr> per layer in its <tbody>, numeric cells
 * carry the exact value in data-v), the per-worker and eBPF tables, the
 * flame graph and the roofline inline as SVG. Returns 0 or -EIO.
 */
int html_report_write(const struct html_report *h, FILE *fp);

/*
 * Two runs: the summary, both runs' configurations, the table of every
 * layer with time and every event both counted (A, B, change, B/A;
 * sortable), and the differential flame graph. Returns 0 or -EIO.
 */
int html_diff_write(const struct diff_view *d, FILE *fp);

#endif
