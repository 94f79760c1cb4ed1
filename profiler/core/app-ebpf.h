/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_APP_EBPF_H
#define CONVPROF_APP_EBPF_H

#include <stddef.h>
#include <sys/types.h>

#include "core/app.h"
#include "core/pin.h"
#include "ebpf/ebpf.h"

/* eBPF for `-- command` runs (app-ebpf.c). */

#define APP_EBPF_ROWS 16384	/* executions counted apart; later ones are (other) */

struct app_ebpf {
	struct ebpf_session *s;	/* NULL: no part asked for */
	int nworkers;
	int maps_fd;		/* the command's copy of its maps (sample), or -1 */
};

/*
 * Load @parts for process @pid (forked, waiting on @gate) with @nworkers
 * slots, start counting, and send the go down @gate with the shared maps
 * (or without, when no part loaded: the parts say why). Returns 0 or -errno
 * when the go could not be sent. Release with app_ebpf_release().
 */
int app_ebpf_load(struct app_ebpf *e, unsigned parts, pid_t pid, int nworkers,
		  const struct pin_plan *plan, int gate);

/*
 * In the child: wait for the go on @gate; @env gets CONVPROF_HOOK_BPF's
 * value ("" without eBPF). Returns 0, or -1 when convprof went away.
 */
int app_ebpf_gate_wait(int gate, char *env, size_t len);

/* The parts' columns of @run from what they counted, after the rows are made. */
int app_ebpf_collect(struct app_ebpf *e, const struct hook_data *d, int warmup,
		     struct cp_run *run);

void app_ebpf_release(struct app_ebpf *e);

#endif
