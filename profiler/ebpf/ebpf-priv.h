/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_EBPF_PRIV_H
#define CONVPROF_EBPF_PRIV_H

/* The session shared by ebpf.c (loading, the hot path) and ebpf-collect.c. */

#include <linux/types.h>
#include <stdarg.h>

#include <bpf/libbpf.h>

#include "ebpf/ebpf.h"
#include "bpf/common.h"
#include "bpf/faults.h"

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
	char maps[64];			/* a copy of the process's maps, "": /proc/PID/maps */
};

struct bpf_object;
struct btf;

int ebpf_part_index(enum ebpf_part p);

/* Loading helpers of ebpf-part.c, for ebpf.c and ebpf-sample.c; @i is a part index. */
#define SET_RODATA(skel) do { \
	(skel)->rodata->cp_tgid = (__u32)s->tgid; \
	(skel)->rodata->cp_nlayers = (__u32)s->nlayers; \
	(skel)->rodata->cp_nworkers = (__u32)s->nworkers; \
} while (0)

/* Entries of a per-(row, slot) counter map. */
__u32 ebpf_counter_entries(const struct ebpf_session *s);

/* Load @obj of part @i with the shared maps and attach its tracepoints. */
int ebpf_part_load(struct ebpf_session *s, int i, struct bpf_object *obj,
		   const struct btf *vmlinux);

/* Mark part @i "unavailable: @fmt <why from @err>", release it; returns @err. */
int ebpf_part_fail(struct ebpf_session *s, int i, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Release part @i: links, perf events, skeleton. */
void ebpf_part_release(struct ebpf_session *s, int i);

/* A reason, cut to EBPF_REASON_LEN. */
void ebpf_reason_set(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load the sample program and open its perf events (ebpf-sample.c). */
int ebpf_sample_open(struct ebpf_session *s, const struct btf *vmlinux);

/*
 * libbpf's print hook while parts load (ebpf_open() installs it): keeps the
 * first warning and the verifier's complaint for ebpf_part_fail()'s reason
 * instead of printing them; ebpf_libbpf_forget() drops what it kept.
 */
int ebpf_libbpf_keep(enum libbpf_print_level level, const char *fmt, va_list ap);
void ebpf_libbpf_forget(void);

/* Tests: load the raw_tp flavour even where tp_btf would do. */
extern int ebpf_force_raw_tp;

#endif
