/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_COMPARE_H
#define CONVPROF_COMPARE_H

#include "convprof/run.h"

/*
 * Two runs side by side, for `diff` and `flamegraph --diff`: may they be
 * compared, what to call each, which layers and events correspond.
 */

/*
 * 0 when @a and @b ran the same model at the same size; -EINVAL with the
 * reason in cp_error() otherwise (other models, other image sizes: their
 * layers are not the same work).
 */
int compare_check(const struct cp_run *a, const struct cp_run *b);

/*
 * Names for the two runs from what differs in their configuration (layout,
 * precision, fusion, batch, threads, pinning): "nhwc" and "nchw",
 * "fusion off" and "fusion on"; "run 3" / "run 4" when nothing differs (or
 * @fallback_a / @fallback_b when given: runs of two files may share ids).
 */
void compare_labels(const struct cp_run *a, const struct cp_run *b,
		    const char *fallback_a, const char *fallback_b,
		    char *la, char *lb, size_t len);

/* A row of the comparison: the layer's row in each run, -1 if absent. */
struct compare_row {
	int a, b;
};

struct comparison {
	struct compare_row *rows;	/* B's layers in order, then A-only ones */
	int n;
	int *ev_a, *ev_b;		/* events counted in both runs */
	int nev;
};

/*
 * Match the layers of @a and @b by name (the k-th layer of a name in A with
 * the k-th of that name in B) and their events by name. Free with
 * compare_release().
 */
void compare_match(const struct cp_run *a, const struct cp_run *b,
		   struct comparison *c);
void compare_release(struct comparison *c);

/*
 * The one-line verdict: "nhwc vs nchw: 1.31x faster, 41 of 53 conv layers
 * faster" (B against A, end-to-end latency, conv layers in both).
 */
void compare_summary(const struct cp_run *a, const struct cp_run *b,
		     const struct comparison *c, const char *la, const char *lb,
		     char *buf, size_t len);

/* B's speed-up over A (A's latency / B's; the layer sums if unknown). */
double compare_speedup(const struct cp_run *a, const struct cp_run *b);

#endif
