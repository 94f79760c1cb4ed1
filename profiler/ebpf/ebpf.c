// SPDX-License-Identifier: MIT
/*
 * Loading and attaching the eBPF parts (skeletons of bpf/<name>.bpf.c) and
 * the hot path: the layer and phase the programs attribute to live in
 * cp_state, an mmap'd BPF array, so ebpf_set_layer() is a few plain stores.
 * Loading one part (shared maps, flavours, attaching, failing with a reason)
 * is ebpf-part.c, sampling's perf events ebpf-sample.c, reading the results
 * into a cp_run ebpf-collect.c.
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ebpf/ebpf-priv.h"
#include "util/util.h"

#include "faults.skel.h"
#include "numa.skel.h"
#include "sample.skel.h"
#include "sched.skel.h"

#define DEFAULT_SAMPLE_FREQ 499

static int sched_open(struct ebpf_session *s, const struct btf *vmlinux)
{
	int i = ebpf_part_index(EBPF_SCHED);

	s->sched = sched_bpf__open();
	if (!s->sched)
		return ebpf_part_fail(s, i, -errno, "opening the sched programs");
	SET_RODATA(s->sched);
	bpf_map__set_max_entries(s->sched->maps.sched_counts, ebpf_counter_entries(s));
	return ebpf_part_load(s, i, s->sched->obj, vmlinux);
}

static int faults_open(struct ebpf_session *s, const struct btf *vmlinux)
{
	int i = ebpf_part_index(EBPF_FAULTS);

	s->faults = faults_bpf__open();
	if (!s->faults)
		return ebpf_part_fail(s, i, -errno, "opening the faults programs");
	SET_RODATA(s->faults);
	bpf_map__set_max_entries(s->faults->maps.fault_counts, ebpf_counter_entries(s));
	bpf_map__set_max_entries(s->faults->maps.fault_tensors, (__u32)s->nlayers + 1);
	return ebpf_part_load(s, i, s->faults->obj, vmlinux);
}

static int numa_open(struct ebpf_session *s, const struct btf *vmlinux)
{
	int i = ebpf_part_index(EBPF_NUMA);

	s->numa = numa_bpf__open();
	if (!s->numa)
		return ebpf_part_fail(s, i, -errno, "opening the numa programs");
	SET_RODATA(s->numa);
	bpf_map__set_max_entries(s->numa->maps.numa_counts, ebpf_counter_entries(s));
	return ebpf_part_load(s, i, s->numa->obj, vmlinux);
}

/* "madvise (2048kB: inherit)": the mode, and each huge page size in use. */
static void thp_describe(char *buf, size_t len)
{
	const char *dir = "/sys/kernel/mm/transparent_hugepage";
	char path[256], line[256], *open, *close;
	size_t used, i;
	glob_t g;
	FILE *f;

	snprintf(path, sizeof(path), "%s/enabled", dir);
	snprintf(buf, len, "unknown");
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (open = strchr(line, '[')) &&
	    (close = strchr(open, ']'))) {
		*close = '\0';
		snprintf(buf, len, "%s", open + 1);
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/hugepages-*kB/enabled", dir);
	if (glob(path, 0, NULL, &g))
		return;
	used = strlen(buf);
	for (i = 0; i < g.gl_pathc && used + 2 < len; i++) {
		const char *size = strstr(g.gl_pathv[i], "hugepages-") + 10;

		f = fopen(g.gl_pathv[i], "re");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && (open = strchr(line, '[')) &&
		    (close = strchr(open, ']'))) {
			*close = '\0';
			if (strcmp(open + 1, "never") != 0)
				used += (size_t)snprintf(buf + used, len - used, "%s%.*s: %s",
						 strchr(buf, '(') ? ", " : " (",
						 (int)(strchr(size, '/') - size), size, open + 1);
		}
		fclose(f);
	}
	if (strchr(buf, '(') && used + 1 < len)
		snprintf(buf + used, len - used, ")");
	globfree(&g);
}

static void state_write_all(struct ebpf_session *s, int field, __u32 v)
{
	int i;

	for (i = 0; i < s->nslots; i++) {
		if (field == 0)
			__atomic_store_n(&s->state[i].layer, v, __ATOMIC_RELAXED);
		else
			__atomic_store_n(&s->state[i].phase, v, __ATOMIC_RELAXED);
	}
}

static int shared_maps_create(struct ebpf_session *s)
{
	LIBBPF_OPTS(bpf_map_create_opts, mmapable, .map_flags = BPF_F_MMAPABLE);
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (CP_MAX_SLOTS * sizeof(struct cp_slot_state) + (size_t)page - 1) &
		     ~((size_t)page - 1);
	void *mem;
	int i, fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "cp_state", sizeof(__u32),
			    sizeof(struct cp_slot_state), CP_MAX_SLOTS, &mmapable);
	if (fd < 0)
		return -errno;
	s->state_fd = fd;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "cp_workers", sizeof(__u32), sizeof(__u32),
			    CP_MAX_WORKERS, NULL);
	if (fd < 0)
		return -errno;
	s->workers_fd = fd;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->state_fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	free(s->state);
	s->state = mem;
	s->state_len = len;
	s->state_mapped = 1;
	/* a zeroed array would read as phase COLD: switch it off before any program runs */
	state_write_all(s, 1, CP_PHASE_OFF);
	state_write_all(s, 0, (__u32)s->nlayers);
	for (i = 0; i < s->nworkers && s->tids[0] > 0; i++) {
		__u32 tid = (__u32)s->tids[i], slot = (__u32)i;

		if (bpf_map_update_elem(s->workers_fd, &tid, &slot, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int opts_check(const struct ebpf_opts *o)
{
	int i;

	if (!o || o->tgid <= 0)
		return cp_error(-EINVAL, "eBPF: no workload process");
	if (o->parts & ~(unsigned)EBPF_ALL)
		return cp_error(-EINVAL, "eBPF: unknown parts 0x%x", o->parts);
	if (o->nworkers < 1 || o->nworkers > CP_MAX_WORKERS)
		return cp_error(-EINVAL, "eBPF: %d workers (1 to %d)", o->nworkers, CP_MAX_WORKERS);
	for (i = 0; o->worker_tids && i < o->nworkers; i++)
		if (o->worker_tids[i] <= 0)
			return cp_error(-EINVAL, "eBPF: worker %d has no thread id", i);
	if (o->nlayers < 0 || o->nlayers > 100000)
		return cp_error(-EINVAL, "eBPF: %d layers", o->nlayers);
	if (o->ncpus < 0 || (o->ncpus && !o->cpus))
		return cp_error(-EINVAL, "eBPF: bad CPU list");
	if (o->sample_freq < 0 || o->sample_freq > 100000)
		return cp_error(-EINVAL, "eBPF: sampling frequency %d Hz (1 to 100000)",
				o->sample_freq);
	return 0;
}

int ebpf_open(struct ebpf_session **out, const struct ebpf_opts *o)
{
	struct ebpf_session *s;
	libbpf_print_fn_t old_print;
	struct btf *vmlinux = NULL;
	int err, i;

	*out = NULL;
	err = opts_check(o);
	if (err)
		return err;
	s = xcalloc(1, sizeof(*s));
	s->tgid = o->tgid;
	s->parts = o->parts;
	s->nworkers = o->nworkers;
	s->nslots = o->nworkers + 1;
	s->nlayers = o->nlayers;
	s->tids = xcalloc((size_t)o->nworkers, sizeof(*s->tids));
	if (o->worker_tids)
		memcpy(s->tids, o->worker_tids, (size_t)o->nworkers * sizeof(*s->tids));
	s->ncpus = o->ncpus;
	s->cpus = xcalloc((size_t)(o->ncpus ? o->ncpus : 1), sizeof(*s->cpus));
	if (o->ncpus)
		memcpy(s->cpus, o->cpus, (size_t)o->ncpus * sizeof(*s->cpus));
	s->sample_freq = o->sample_freq ? o->sample_freq : DEFAULT_SAMPLE_FREQ;
	s->state_fd = s->workers_fd = -1;
	s->phase = CP_PHASE_STEADY;
	/* written by ebpf_set_layer() even when no map could be made */
	s->state = xcalloc(CP_MAX_SLOTS, sizeof(*s->state));
	s->tensors = xcalloc((size_t)s->nlayers + 1, sizeof(*s->tensors));
	snprintf(s->sample_event, sizeof(s->sample_event), "cpu-clock");
	thp_describe(s->thp, sizeof(s->thp));
	for (i = 0; i < EBPF_NPARTS; i++)
		if (!(s->parts & (1u << i)))
			snprintf(s->part[i].reason, sizeof(s->part[i].reason),
				 "unavailable: not requested");

	old_print = libbpf_set_print(ebpf_libbpf_keep);
	ebpf_libbpf_forget();
	err = s->parts ? shared_maps_create(s) : 0;
	if (err) {
		for (i = 0; i < EBPF_NPARTS; i++)
			if (s->parts & (1u << i))
				ebpf_part_fail(s, i, err, "creating BPF maps");
		goto out;
	}
	vmlinux = btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux))
		vmlinux = NULL;
	if ((s->parts & EBPF_SCHED) && !sched_open(s, vmlinux))
		s->part[ebpf_part_index(EBPF_SCHED)].on = 1;
	if ((s->parts & EBPF_FAULTS) && !faults_open(s, vmlinux))
		s->part[ebpf_part_index(EBPF_FAULTS)].on = 1;
	if ((s->parts & EBPF_NUMA) && !numa_open(s, vmlinux))
		s->part[ebpf_part_index(EBPF_NUMA)].on = 1;
	if ((s->parts & EBPF_SAMPLE) && !ebpf_sample_open(s, vmlinux))
		s->part[ebpf_part_index(EBPF_SAMPLE)].on = 1;
out:
	btf__free(vmlinux);
	libbpf_set_print(old_print);
	*out = s;
	return 0;
}

int ebpf_add_tensor(struct ebpf_session *s, int layer, enum tensor_kind kind,
		    const void *ptr, size_t bytes)
{
	struct fault_tensors *t;
	__u64 start = (__u64)(uintptr_t)ptr;
	__u32 key = (__u32)layer, i;

	if (!s)
		return 0;
	if (layer < 0 || layer >= s->nlayers)
		return cp_error(-EINVAL, "tensor of layer %d: the run has %d layers",
				layer, s->nlayers);
	if ((unsigned)kind > TENSOR_SCRATCHPAD)
		return cp_error(-EINVAL, "tensor of layer %d: unknown kind %d", layer, (int)kind);
	if (!ptr || !bytes)
		return 0;
	t = &s->tensors[layer];
	for (i = 0; i < t->n; i++)
		if (t->r[i].start == start && t->r[i].end == start + bytes && t->r[i].kind == kind)
			return 0;
	if (t->n >= FAULT_MAX_RANGES)
		return cp_error(-ENOSPC, "layer %d has more than %d tensors", layer,
				FAULT_MAX_RANGES);
	t->r[t->n++] = (struct fault_range){ .start = start, .end = start + bytes,
					     .kind = (__u32)kind };
	if (!s->faults || !s->part[ebpf_part_index(EBPF_FAULTS)].on)
		return 0;
	if (bpf_map_update_elem(bpf_map__fd(s->faults->maps.fault_tensors), &key, t, BPF_ANY))
		return cp_error(-errno, "registering a tensor of layer %d: %s", layer,
				strerror(errno));
	return 0;
}

void ebpf_set_layer(struct ebpf_session *s, int layer)
{
	if (!s)
		return;
	if (layer < 0 || layer > s->nlayers)
		layer = s->nlayers;
	state_write_all(s, 0, (__u32)layer);
}

/*
 * Enter s->phase: first the time (sched charges waits that began before it
 * from there), then the slots, so a program that sees the phase sees a time
 * no later than its own clock.
 */
static void phase_begin(struct ebpf_session *s)
{
	if (s->sched && s->sched->bss && s->phase == CP_PHASE_STEADY)
		__atomic_store_n(&s->sched->bss->steady_since_ns, now_ns(), __ATOMIC_RELEASE);
	state_write_all(s, 1, s->phase);
}

void ebpf_set_phase(struct ebpf_session *s, int phase)
{
	if (!s)
		return;
	s->phase = phase == EBPF_PHASE_COLD ? CP_PHASE_COLD : CP_PHASE_STEADY;
	if (s->started)
		phase_begin(s);
}

int ebpf_start(struct ebpf_session *s)
{
	if (!s)
		return 0;
	s->started = 1;
	phase_begin(s);
	return 0;
}

int ebpf_stop(struct ebpf_session *s)
{
	if (!s)
		return 0;
	s->started = 0;
	state_write_all(s, 1, CP_PHASE_OFF);
	return 0;
}

const char *ebpf_part_status(const struct ebpf_session *s, enum ebpf_part part)
{
	const struct ebpf_part_state *ps;

	if (!s)
		return "unavailable: no eBPF session";
	if (!part || (part & (part - 1)) || !(part & EBPF_ALL))
		return "unavailable: no such part";
	ps = &s->part[ebpf_part_index(part)];
	return ps->on ? NULL : ps->reason;
}

void ebpf_set_maps(struct ebpf_session *s, const char *path)
{
	if (s)
		snprintf(s->maps, sizeof(s->maps), "%s", path ? path : "");
}

int ebpf_shared_fds(const struct ebpf_session *s, int *state_fd, int *workers_fd)
{
	int i, on = 0;

	*state_fd = *workers_fd = -1;
	for (i = 0; s && i < EBPF_NPARTS; i++)
		on |= s->part[i].on;
	if (!on || !s->state_mapped)
		return -ENOENT;
	*state_fd = s->state_fd;
	*workers_fd = s->workers_fd;
	return 0;
}

const char *ebpf_thp(const struct ebpf_session *s)
{
	return s ? s->thp : "unknown";
}

const char *ebpf_sample_event(const struct ebpf_session *s)
{
	return s ? s->sample_event : "cpu-clock";
}

void ebpf_close(struct ebpf_session *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < EBPF_NPARTS; i++)
		ebpf_part_release(s, i);
	if (s->state_mapped)
		munmap(s->state, s->state_len);
	else
		free(s->state);
	if (s->state_fd >= 0)
		close(s->state_fd);
	if (s->workers_fd >= 0)
		close(s->workers_fd);
	free(s->tensors);
	free(s->tids);
	free(s->cpus);
	free(s);
}
