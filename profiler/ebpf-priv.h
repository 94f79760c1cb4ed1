/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_EBPF_PRIV_H
#define CONVPROF_EBPF_PRIV_H

/* The session shared by ebpf.c (loading, the hot path) and ebpf-collect.c. */

#include <linux/types.h>

#include "ebpf.h"
#include "../bpf/common.h"
#include "../bpf/faults.h"

#define EBPF_NPARTS 4
#define EBPF_REASON_LEN 200

struct sched_bpf;
struct faults_bpf;
struct numa_bpf;
struct sample_bpf;
struct bpf_link;

struct ebpf_part_state {
	int on;				/* loaded and attached */
	char reason[EBPF_REASON_LEN];	/* "unavailable: ..." when !on */
	struct bpf_link **links;
	int nlinks;
};

struct ebpf_session {
	pid_t tgid;
	unsigned parts;
	int nworkers, nslots, nlayers;	/* nslots = nworkers + 1; rows = nlayers + 1 */
	pid_t *tids;
	int ncpus;
	int *cpus;
	int sample_freq;

	int state_fd, workers_fd;
	/* the mmap of cp_state, or a private array when there is no map */
	struct cp_slot_state *state;
	size_t state_len;
	int state_mapped;
	unsigned phase;
	int started;

	struct ebpf_part_state part[EBPF_NPARTS];
	struct sched_bpf *sched;
	struct faults_bpf *faults;
	struct numa_bpf *numa;
	struct sample_bpf *sample;

	struct fault_tensors *tensors;	/* [nlayers + 1], what fault_tensors holds */
	char thp[96];			/* transparent huge pages: mode and sizes */
	char sample_event[16];		/* "cycles" or "cpu-clock" */
	char sample_note[EBPF_REASON_LEN];
};

int ebpf_part_index(enum ebpf_part p);

/* Tests: load the raw_tp flavour even where tp_btf would do. */
extern int ebpf_force_raw_tp;

#endif
