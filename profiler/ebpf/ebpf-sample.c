// SPDX-License-Identifier: MIT
/*
 * The sample part: a perf event per CPU (hardware cycles where the PMU
 * allows, cpu-clock otherwise) with the sample program attached, as bcc's
 * llcstat does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "ebpf/ebpf-priv.h"
#include "core/events.h"
#include "util/util.h"
#include "bpf/sample.h"

#include "sample.skel.h"

/* cycles between samples: about sample_freq Hz on a 3 GHz core */
#define CYCLES_PER_SECOND 3000000000ULL

static int perf_open_sampler(const struct ebpf_session *s, int cpu, int hw)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	if (hw) {
		attr.type = PERF_TYPE_HARDWARE;
		attr.config = PERF_COUNT_HW_CPU_CYCLES;
		attr.sample_period = CYCLES_PER_SECOND / (unsigned)s->sample_freq;
	} else {
		/* the kernel turns a cpu-clock frequency into a fixed period */
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = PERF_COUNT_SW_CPU_CLOCK;
		attr.freq = 1;
		attr.sample_freq = (unsigned)s->sample_freq;
	}
	return (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void sample_detach(struct ebpf_session *s)
{
	struct ebpf_part_state *ps = &s->part[ebpf_part_index(EBPF_SAMPLE)];
	int j;

	for (j = 0; j < ps->nlinks; j++)
		bpf_link__destroy(ps->links[j]);
	ps->nlinks = 0;
}

/* One sampling event per CPU in s->cpus (all CPUs when empty). */
static int sample_attach(struct ebpf_session *s, int hw, int *failed_cpu)
{
	struct ebpf_part_state *ps = &s->part[ebpf_part_index(EBPF_SAMPLE)];
	int ncpus = s->ncpus ? s->ncpus : libbpf_num_possible_cpus();
	int j, err = 0;

	for (j = 0; j < ncpus; j++) {
		int cpu = s->ncpus ? s->cpus[j] : j;
		int fd = perf_open_sampler(s, cpu, hw);
		struct bpf_link *link;

		if (fd < 0 && errno == ENODEV && !s->ncpus)
			continue;	/* a possible CPU that is offline */
		if (fd < 0) {
			err = -errno;
			*failed_cpu = cpu;
			break;
		}
		link = bpf_program__attach_perf_event(s->sample->progs.sample_tick, fd);
		if (!link) {
			err = -errno;
			close(fd);	/* the link owns the fd only once made */
			*failed_cpu = cpu;
			break;
		}
		ps->links = xrealloc(ps->links, (size_t)(ps->nlinks + 1) * sizeof(*ps->links));
		ps->links[ps->nlinks++] = link;
	}
	if (!err && !ps->nlinks)
		err = -ENODEV;
	if (err)
		sample_detach(s);
	return err;
}

static int cpu_exists(int cpu)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	return cpu >= 0 && access(path, F_OK) == 0;
}

int ebpf_sample_open(struct ebpf_session *s, const struct btf *vmlinux)
{
	int i = ebpf_part_index(EBPF_SAMPLE);
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE };
	char why[160];
	int err, cpu = -1;
	__u32 row;

	s->sample = sample_bpf__open();
	if (!s->sample)
		return ebpf_part_fail(s, i, -errno, "opening the sample program");
	SET_RODATA(s->sample);
	bpf_map__set_max_entries(s->sample->maps.sample_counts, ebpf_counter_entries(s));
	bpf_map__set_max_entries(s->sample->maps.sample_stacks,
				 SAMPLE_MAX_STACKS + (__u32)s->nlayers + 1);
	err = ebpf_part_load(s, i, s->sample->obj, vmlinux);
	if (err)
		return err;
	for (row = 0; row <= (__u32)s->nlayers; row++) {
		struct sample_stack_key full = { .row = row, .stackid = SAMPLE_STACK_FULL };
		__u64 zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(s->sample->maps.sample_stacks), &full,
					&zero, BPF_ANY))
			return ebpf_part_fail(s, i, -errno, "preparing the stack table");
	}

	snprintf(s->sample_event, sizeof(s->sample_event), "cycles");
	err = sample_attach(s, 1, &cpu);
	if (!err) {
		snprintf(s->sample_note, sizeof(s->sample_note),
			 "every %llu cycles per CPU", CYCLES_PER_SECOND / (unsigned)s->sample_freq);
		return 0;
	}
	attr.type = PERF_TYPE_HARDWARE;
	perf_open_strerror(-err, &attr, why, sizeof(why));
	snprintf(s->sample_event, sizeof(s->sample_event), "cpu-clock");
	snprintf(s->sample_note, sizeof(s->sample_note), "cpu-clock at %d Hz per CPU (cycles: %s)",
		 s->sample_freq, why);
	err = sample_attach(s, 0, &cpu);
	if (err) {
		attr.type = PERF_TYPE_SOFTWARE;
		perf_open_strerror(-err, &attr, why, sizeof(why));
		if ((err == -EINVAL || err == -ENODEV) && !cpu_exists(cpu))
			snprintf(why, sizeof(why), "no such CPU here");
		ebpf_reason_set(s->part[i].reason, "unavailable: cpu-clock sampling on cpu %d: %s",
			   cpu, why);
		ebpf_part_release(s, i);
	}
	return err;
}
