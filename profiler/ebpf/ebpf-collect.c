// SPDX-License-Identifier: MIT
/*
 * Reading what the eBPF parts counted into a cp_run: per-iteration means
 * per layer (row nlayers is "(other)") and per worker, and the sampled user
 * stacks, symbolised.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf/ebpf-priv.h"
#include "core/symbols.h"
#include "util/util.h"

#include "bpf/numa.h"
#include "bpf/sample.h"
#include "bpf/sched.h"
#include "faults.skel.h"
#include "numa.skel.h"
#include "sample.skel.h"
#include "sched.skel.h"

#define MAX_COLS 10

/* One part's columns: where to read them and what to divide them by. */
struct colset {
	int part;			/* EBPF_* */
	int n;
	const char *names[MAX_COLS];
	int per_iteration[MAX_COLS];	/* 0: the cold iteration's total, kept whole */
	/* the values of counter map entry @key into v[0..n) */
	int (*read)(struct ebpf_session *s, __u32 key, double *v);
};

static int sched_read(struct ebpf_session *s, __u32 key, double *v)
{
	struct sched_counts c;

	if (bpf_map_lookup_elem(bpf_map__fd(s->sched->maps.sched_counts), &key, &c))
		return -errno;
	v[0] = (double)c.switches;
	v[1] = (double)c.involuntary;
	v[2] = (double)c.migrations;
	v[3] = (double)c.offcpu_ns;
	v[4] = (double)c.runq_ns;
	return 0;
}

static int faults_read(struct ebpf_session *s, __u32 key, double *v)
{
	struct fault_counts c;
	int ph, k;

	if (bpf_map_lookup_elem(bpf_map__fd(s->faults->maps.fault_counts), &key, &c))
		return -errno;
	/* steady: total, weights, src, dst, scratchpad; then the same, cold */
	for (ph = 0; ph < 2; ph++) {
		double *out = &v[ph == CP_PHASE_STEADY ? 0 : 5];

		out[0] = 0;
		for (k = 0; k < FAULT_KINDS; k++)
			out[0] += (double)c.n[ph][k];
		for (k = 0; k < FAULT_OTHER; k++)
			out[1 + k] = (double)c.n[ph][k];
	}
	return 0;
}

static int numa_read(struct ebpf_session *s, __u32 key, double *v)
{
	struct numa_counts c;

	if (bpf_map_lookup_elem(bpf_map__fd(s->numa->maps.numa_counts), &key, &c))
		return -errno;
	v[0] = (double)c.migrated_pages;
	v[1] = (double)c.balancing_moves;
	return 0;
}

static int sample_read(struct ebpf_session *s, __u32 key, double *v)
{
	__u64 n;

	if (bpf_map_lookup_elem(bpf_map__fd(s->sample->maps.sample_counts), &key, &n))
		return -errno;
	v[0] = (double)n;
	return 0;
}

/* The column @name, added if new; an existing one takes the new status. */
static int column(struct cp_run *run, const char *name, int supported, const char *reason)
{
	int ev = cp_run_event_index(run, name);

	if (ev < 0)
		return cp_run_add_event(run, name, "ebpf", supported, reason);
	run->events[ev].supported = supported;
	snprintf(run->events[ev].reason, sizeof(run->events[ev].reason), "%s",
		 reason ? reason : "");
	return ev;
}

static int colset_fill(struct ebpf_session *s, struct cp_run *run,
		       const struct colset *cs, const char *note, int iterations)
{
	int on = s->part[ebpf_part_index(cs->part)].on;
	const char *reason = on ? note : s->part[ebpf_part_index(cs->part)].reason;
	int per_thread = run->nthreads == s->nworkers && run->thread_counts;
	double v[MAX_COLS], sum[MAX_COLS], div[MAX_COLS];
	int ev[MAX_COLS];
	int i, row, slot, err;

	for (i = 0; i < cs->n; i++) {
		ev[i] = column(run, cs->names[i], on, reason);
		div[i] = cs->per_iteration[i] ? iterations : 1;
	}
	if (!on)
		return 0;	/* the counts stay NaN: not taken */
	/* adding columns may have moved the arrays: index them only now */
	for (i = 0; i < cs->n; i++)
		run->total_counts[ev[i]] = 0;
	for (row = 0; row <= s->nlayers; row++) {
		memset(sum, 0, sizeof(sum));
		for (slot = 0; slot < s->nslots; slot++) {
			err = cs->read(s, (__u32)(row * s->nslots + slot), v);
			if (err)
				return cp_error(err, "reading the %s counts: %s",
						ebpf_part_name(cs->part), strerror(-err));
			for (i = 0; i < cs->n; i++) {
				sum[i] += v[i];
				if (per_thread && slot < s->nworkers)
					*cp_run_thread_count(run, row, slot, ev[i]) = v[i] / div[i];
			}
		}
		for (i = 0; i < cs->n; i++) {
			*cp_run_count(run, row, ev[i]) = sum[i] / div[i];
			run->total_counts[ev[i]] += sum[i] / div[i];
		}
	}
	return 0;
}

struct stack_ent {
	int layer;
	char *frames;
	uint64_t count;
};

static int stack_ent_cmp(const void *a, const void *b)
{
	const struct stack_ent *x = a, *y = b;

	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return strcmp(x->frames, y->frames);
}

/* User frames of stack @id, outermost first, ";"-joined. */
static char *stack_frames(struct ebpf_session *s, struct symbols *sym, __s32 id)
{
	__u64 ip[SAMPLE_STACK_DEPTH];
	size_t len = 0, alloc = 0;
	char *out = NULL;
	int n, i;

	if (id == -EFAULT)
		return xstrdup("[no user stack]");
	if (id == SAMPLE_STACK_FULL)
		return xstrdup("[stack table full]");
	if (id < 0 || bpf_map_lookup_elem(bpf_map__fd(s->sample->maps.sample_stackmap), &id, ip))
		return xstrdup("[stack lost]");
	for (n = 0; n < SAMPLE_STACK_DEPTH && ip[n]; n++)
		;
	if (!n)
		return xstrdup("[no user stack]");
	for (i = n - 1; i >= 0; i--) {
		const char *name = sym ? symbols_resolve(sym, ip[i]) : "[unknown]";
		size_t nl = strlen(name);

		ALLOC_GROW(out, len + nl + 2, alloc);
		if (len)
			out[len++] = ';';
		memcpy(out + len, name, nl);
		len += nl;
		out[len] = '\0';
	}
	return out;
}

/* The (layer, stack) counts, symbolised; stacks that symbolise alike merge. */
static int stacks_collect(struct ebpf_session *s, struct cp_run *run)
{
	int fd = bpf_map__fd(s->sample->maps.sample_stacks);
	struct sample_stack_key key, next;
	struct stack_ent *ents = NULL;
	size_t n = 0, alloc = 0, i, out;
	struct symbols *sym = NULL;
	void *prev = NULL;
	int err;

	/* without /proc/PID/maps the stacks stay, unnamed */
	if (symbols_open_maps(&sym, s->tgid, s->maps[0] ? s->maps : NULL))
		sym = NULL;
	while ((err = bpf_map_get_next_key(fd, prev, &next)) == 0) {
		__u64 count;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count) || !count)
			continue;
		ALLOC_GROW(ents, n + 1, alloc);
		ents[n].layer = key.row >= (__u32)s->nlayers ? -1 : (int)key.row;
		ents[n].frames = stack_frames(s, sym, key.stackid);
		ents[n].count = count;
		n++;
	}
	err = errno == ENOENT ? 0 : cp_error(-errno, "reading the sampled stacks: %s",
					    strerror(errno));
	qsort(ents, n, sizeof(*ents), stack_ent_cmp);
	for (i = 0; i < n; i = out) {
		uint64_t count = 0;

		for (out = i; out < n && stack_ent_cmp(&ents[i], &ents[out]) == 0; out++)
			count += ents[out].count;
		cp_run_add_stack(run, ents[i].layer, ents[i].frames, count, s->sample_event);
	}
	for (i = 0; i < n; i++)
		free(ents[i].frames);
	free(ents);
	symbols_close(sym);
	return err;
}

int ebpf_collect(struct ebpf_session *s, struct cp_run *run, int iterations)
{
	const struct colset sets[] = {
		{ EBPF_SCHED, 5, { "sched:switches", "sched:involuntary", "sched:migrations",
				   "sched:offcpu_ns", "sched:runq_ns" },
		  { 1, 1, 1, 1, 1 }, sched_read },
		{ EBPF_FAULTS, 10, { "faults:total", "faults:weights", "faults:src", "faults:dst",
				     "faults:scratchpad", "faults:first:total",
				     "faults:first:weights", "faults:first:src",
				     "faults:first:dst", "faults:first:scratchpad" },
		  { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 }, faults_read },
		{ EBPF_NUMA, 2, { "numa:migrated_pages", "numa:balancing_moves" },
		  { 1, 1 }, numa_read },
		{ EBPF_SAMPLE, 1, { NULL }, { 1 }, sample_read },
	};
	char sample_col[32], faults_note[EBPF_REASON_LEN];
	struct colset sample;
	size_t i;
	int err = 0;

	if (!s || !run)
		return cp_error(-EINVAL, "eBPF: nothing to collect");
	if (iterations < 1)
		return cp_error(-EINVAL, "eBPF: %d measured iterations", iterations);
	if (run->nlayers != s->nlayers)
		return cp_error(-EINVAL, "eBPF: the run has %d layers, the programs %d",
				run->nlayers, s->nlayers);
	snprintf(faults_note, sizeof(faults_note),
		 "one per page first touched: 4 KiB, or a huge page; transparent huge pages: %s",
		 s->thp);
	snprintf(sample_col, sizeof(sample_col), "sample:%s", s->sample_event);
	sample = sets[3];
	sample.names[0] = sample_col;

	for (i = 0; i < ARRAY_SIZE(sets) && !err; i++) {
		const struct colset *cs = sets[i].part == EBPF_SAMPLE ? &sample : &sets[i];
		const char *note = cs->part == EBPF_FAULTS ? faults_note :
				   cs->part == EBPF_SAMPLE ? s->sample_note : "";

		if (s->parts & cs->part)
			err = colset_fill(s, run, cs, note, iterations);
	}
	if (!err && s->part[ebpf_part_index(EBPF_SAMPLE)].on)
		err = stacks_collect(s, run);
	if (!err && s->part[ebpf_part_index(EBPF_SCHED)].on && run->nthreads == s->nworkers) {
		int ev = cp_run_event_index(run, "sched:migrations");
		int w, row;

		/* the whole measured run, not a mean: pinning either held or not */
		for (w = 0; ev >= 0 && w < s->nworkers; w++) {
			double m = 0;

			for (row = 0; row <= s->nlayers; row++)
				m += *cp_run_thread_count(run, row, w, ev) * iterations;
			if (isnan(run->thread_recs[w].migrations))
				run->thread_recs[w].migrations = m;
		}
	}
	return err;
}
