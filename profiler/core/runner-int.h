/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RUNNER_INT_H
#define CONVPROF_RUNNER_INT_H

/*
 * Inside the runner: runner.c sets up the pinned workers, their counters and
 * one instrumented iteration; measure.c runs the warm-up, the measured
 * iterations and the overhead pairs and fills the cp_run.
 */
#include <stdint.h>
#include <sys/types.h>

#include "core/busy.h"
#include "core/counters.h"
#include "core/runner.h"
#include "ebpf/ebpf.h"

struct worker {
	struct runner *owner;
	int slot;
	pid_t tid;
	int err;		/* binding failure, errno */
	struct counter_set cs;
	int mig_fd;		/* cpu-migrations: verifies pinning */
	uint64_t mig_start, mig_end;
	char cpus_actual[64];
};

struct runner {
	struct runner_opts o;
	hwloc_topology_t topo;
	struct pin_plan plan;
	int n;			/* workers */
	struct worker *workers;
	int counting;		/* events to read at boundaries */
	struct event_list events;
	int ev_ok[CP_MAX_EVENTS];	/* opened on every worker */
	char ev_reason[CP_MAX_EVENTS][200];
	hwloc_nodeset_t membind_set;
	hwloc_membind_policy_t membind_policy;
	int lost;		/* a region ran on a thread we did not set up */
	struct ebpf_session *ebpf;	/* during runner_measure() */
	struct busy_probe *busy;	/* NULL: busy time not measured */
	char busy_why[200];		/* why not */
};

/* Accumulated deltas of one (row, worker, event). */
struct acc {
	uint64_t count, enabled, running;
};

/* Every worker reads its own counters into snap[slot * nev ...]. */
void runner_read_boundary(struct runner *r, struct counter_value *snap);

/* Rotation: enable only the groups numbered @group (all when -1). */
void runner_select_group(struct runner *r, int group);

/* Each worker's migration count at the start (@end 0) or end, and its cpus. */
void runner_read_migrations(struct runner *r, int end);

/* One iteration without per-op instrumentation: the reference for overhead. */
int runner_run_plain(const struct workload *w, uint64_t *ns);

/* One instrumented iteration: op times into @op_ns, boundaries into @snaps. */
int runner_run_timed(struct runner *r, const struct workload *w, uint64_t *op_ns,
		     uint64_t *total, struct counter_value *snaps);

#endif
