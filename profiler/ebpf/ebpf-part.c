// SPDX-License-Identifier: MIT
/*
 * One eBPF part's life, shared by the loader (ebpf.c) and sampling
 * (ebpf-sample.c): its name, loading it with the session's shared maps and
 * the tracepoint flavour this kernel has, attaching, and on failure the
 * reason the run records ("unavailable: ...") in place of its events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ebpf/ebpf-priv.h"
#include "util/util.h"

#include "faults.skel.h"
#include "numa.skel.h"
#include "sample.skel.h"
#include "sched.skel.h"

int ebpf_force_raw_tp;

static const char *const part_names[EBPF_NPARTS] = { "sched", "faults", "numa", "sample" };

int ebpf_part_index(enum ebpf_part p)
{
	return __builtin_ctz((unsigned)p);
}

const char *ebpf_part_name(enum ebpf_part p)
{
	if (!p || (p & (p - 1)) || !(p & EBPF_ALL))
		return "?";
	return part_names[ebpf_part_index(p)];
}

int ebpf_parts_parse(const char *s, unsigned *parts)
{
	char *copy = xstrdup(s ? s : ""), *tok, *save = NULL;
	unsigned mask = 0;
	int err = 0, i;

	if (!*copy)
		err = cp_error(-EINVAL, "empty list of eBPF parts");
	for (tok = strtok_r(copy, ",", &save); !err && tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			mask |= EBPF_ALL;
			continue;
		}
		if (strcmp(tok, "none") == 0)
			continue;
		for (i = 0; i < EBPF_NPARTS; i++)
			if (strcmp(tok, part_names[i]) == 0)
				break;
		if (i == EBPF_NPARTS)
			err = cp_error(-EINVAL, "unknown eBPF part '%s' (sched, faults, numa, sample, all, none)",
				       tok);
		else
			mask |= 1u << i;
	}
	free(copy);
	if (!err)
		*parts = mask;
	return err;
}

/*
 * libbpf prints its warnings on stderr by default; library code must not.
 * The first warning while a part loads, and the verifier's complaint when
 * there is one, say best why it failed: they are kept for the part's
 * reason. libbpf's print hook is global: it is set only in ebpf_open().
 */
static char libbpf_first[120], libbpf_verifier[120];

void ebpf_libbpf_forget(void)
{
	libbpf_first[0] = libbpf_verifier[0] = '\0';
}

static void keep_line(char *dst, size_t len, const char *line, size_t n)
{
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	if (n > 8 && strncmp(line, "libbpf: ", 8) == 0) {
		line += 8;
		n -= 8;
	}
	snprintf(dst, len, "%.*s", (int)n, line);
}

/* The verifier's log ends "<complaint>\nprocessed N insns ...": keep the complaint. */
static void keep_verifier_line(const char *log)
{
	const char *end = strstr(log, "\nprocessed ");
	const char *begin;

	if (!end)
		return;
	for (begin = end; begin > log && begin[-1] != '\n'; begin--)
		;
	keep_line(libbpf_verifier, sizeof(libbpf_verifier), begin, (size_t)(end - begin));
}

int ebpf_libbpf_keep(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list aq;
	char *msg;
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0)
		return 0;
	msg = xmalloc((size_t)n + 1);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (strstr(msg, "BEGIN PROG LOAD LOG"))
		keep_verifier_line(msg);
	else if (!libbpf_first[0])
		keep_line(libbpf_first, sizeof(libbpf_first), msg, strcspn(msg, "\n"));
	free(msg);
	return 0;
}

static int read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Reasons are cut to fit the run's event record; vsnprintf says so quietly. */
void ebpf_reason_set(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, EBPF_REASON_LEN, fmt, ap);
	va_end(ap);
}

void ebpf_part_release(struct ebpf_session *s, int i)
{
	struct ebpf_part_state *ps = &s->part[i];
	int j;

	for (j = 0; j < ps->nlinks; j++)
		bpf_link__destroy(ps->links[j]);
	free(ps->links);
	ps->links = NULL;
	ps->nlinks = 0;
	ps->on = 0;
	switch (1u << i) {
	case EBPF_SCHED:
		sched_bpf__destroy(s->sched);
		s->sched = NULL;
		break;
	case EBPF_FAULTS:
		faults_bpf__destroy(s->faults);
		s->faults = NULL;
		break;
	case EBPF_NUMA:
		numa_bpf__destroy(s->numa);
		s->numa = NULL;
		break;
	case EBPF_SAMPLE:
		sample_bpf__destroy(s->sample);
		s->sample = NULL;
		break;
	}
}

int ebpf_part_fail(struct ebpf_session *s, int i, int err, const char *fmt, ...)
{
	struct ebpf_part_state *ps = &s->part[i];
	char what[96], why[160];
	int e = err < 0 ? -err : err;
	int unpriv = read_sysctl("/proc/sys/kernel/unprivileged_bpf_disabled");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* EACCES with a verifier log is a rejected program, not a missing privilege */
	if (e == EPERM || (e == EACCES && !libbpf_verifier[0])) {
		if (unpriv > 0)
			snprintf(why, sizeof(why), " needs CAP_BPF and CAP_PERFMON (or root), kernel.unprivileged_bpf_disabled=%d: %s",
				 unpriv, strerror(e));
		else
			snprintf(why, sizeof(why), " needs CAP_BPF and CAP_PERFMON (or root): %s",
				 strerror(e));
	} else if (libbpf_verifier[0]) {
		snprintf(why, sizeof(why), ": %s (verifier: %s)", strerror(e), libbpf_verifier);
	} else if (libbpf_first[0]) {
		snprintf(why, sizeof(why), ": %s (%s)", strerror(e), libbpf_first);
	} else {
		snprintf(why, sizeof(why), ": %s", strerror(e));
	}
	ebpf_reason_set(ps->reason, "unavailable: %s%s", what, why);
	ebpf_part_release(s, i);
	return err;
}

static const char *tp_category(const char *tp)
{
	if (strncmp(tp, "sched_", 6) == 0)
		return "sched";
	if (strncmp(tp, "page_fault", 10) == 0)
		return "exceptions";
	if (strncmp(tp, "mm_migrate", 10) == 0)
		return "migrate";
	return "?";
}

static int tp_in_btf(const struct btf *vmlinux, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF) >= 0;
}

/*
 * Each tracepoint program comes as tp_btf and raw_tp: load the first where
 * the kernel's BTF describes the tracepoint, else the second. Without BTF
 * at all, raw_tp is tried and a missing tracepoint shows when attaching.
 */
static int obj_pick_flavours(struct ebpf_session *s, int i, struct bpf_object *obj,
			     const struct btf *vmlinux)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		int btf_flavour = strncmp(sec, "tp_btf/", 7) == 0;
		const char *tp = sec + 7;

		if (!btf_flavour && strncmp(sec, "raw_tp/", 7) != 0)
			continue;
		if (!vmlinux) {
			bpf_program__set_autoload(p, !btf_flavour);
			continue;
		}
		if (!tp_in_btf(vmlinux, tp)) {
			snprintf(s->part[i].reason, sizeof(s->part[i].reason),
				 "unavailable: tracepoint %s:%s is missing in this kernel",
				 tp_category(tp), tp);
			ebpf_part_release(s, i);
			return -ENOENT;
		}
		bpf_program__set_autoload(p, ebpf_force_raw_tp ? !btf_flavour : btf_flavour);
	}
	return 0;
}

static int obj_share_maps(struct ebpf_session *s, struct bpf_object *obj)
{
	struct bpf_map *state = bpf_object__find_map_by_name(obj, "cp_state");
	struct bpf_map *workers = bpf_object__find_map_by_name(obj, "cp_workers");
	int err;

	if (!state || !workers)
		return -ENOENT;
	err = bpf_map__reuse_fd(state, s->state_fd);
	if (!err)
		err = bpf_map__reuse_fd(workers, s->workers_fd);
	return err;
}

int ebpf_part_load(struct ebpf_session *s, int i, struct bpf_object *obj,
		   const struct btf *vmlinux)
{
	struct ebpf_part_state *ps = &s->part[i];
	struct bpf_program *p;
	int err;

	ebpf_libbpf_forget();
	err = obj_share_maps(s, obj);
	if (err)
		return ebpf_part_fail(s, i, err, "sharing maps with the %s programs", part_names[i]);
	err = obj_pick_flavours(s, i, obj, vmlinux);
	if (err)
		return err;
	err = bpf_object__load(obj);
	if (err)
		return ebpf_part_fail(s, i, err, "loading the %s programs", part_names[i]);
	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		struct bpf_link *link;

		if (!bpf_program__autoload(p) ||
		    bpf_program__type(p) == BPF_PROG_TYPE_PERF_EVENT)
			continue;
		link = bpf_program__attach(p);
		if (!link) {
			const char *tp = strchr(sec, '/') ? strchr(sec, '/') + 1 : sec;

			err = -errno;
			if (err == -ENOENT) {
				snprintf(ps->reason, sizeof(ps->reason),
					 "unavailable: tracepoint %s:%s is missing in this kernel",
					 tp_category(tp), tp);
				ebpf_part_release(s, i);
				return err;
			}
			return ebpf_part_fail(s, i, err, "attaching to %s:%s", tp_category(tp), tp);
		}
		s->part[i].links = xrealloc(ps->links, (size_t)(ps->nlinks + 1) * sizeof(*ps->links));
		ps->links[ps->nlinks++] = link;
	}
	return 0;
}

__u32 ebpf_counter_entries(const struct ebpf_session *s)
{
	return (__u32)(s->nlayers + 1) * (__u32)s->nslots;
}
