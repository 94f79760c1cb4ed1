// SPDX-License-Identifier: MIT
/*
 * The eBPF parts on a synthetic workload (synth-workload.h). Needs root (or
 * CAP_BPF + CAP_PERFMON); skips with the reason otherwise.
 *
 *   test-ebpf                      the TAP tests
 *   test-ebpf --unprivileged-child what the unprivileged check runs as nobody
 *   test-ebpf --overhead [ROUNDS [PARTS]]
 *                                  time the workload with and without the
 *                                  parts (all), interleaved; print medians
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf/ebpf-priv.h"
#include "ebpf/ebpf.h"
#include "faults.skel.h"
#include "numa.skel.h"
#include "sample.skel.h"
#include "sched.skel.h"
#include "synth-workload.h"
#include "fds.h"
#include "tap.h"
#include "util/util.h"

#define STEADY_ITERATIONS 6

static const enum ebpf_part all_parts[] = { EBPF_SCHED, EBPF_FAULTS, EBPF_NUMA, EBPF_SAMPLE };

/* Entries in `bpftool prog show`, -1 when bpftool cannot tell. */
/*
 * How many of the programs @ids bpftool lists (@n 0: every program), -1
 * when bpftool cannot run. Only ours count: other processes on the machine
 * load and free programs of their own at any time.
 */
static int bpftool_progs(const __u32 *ids, int n)
{
	FILE *f = popen("{ bpftool prog show || /usr/sbin/bpftool prog show; } 2>/dev/null", "r");
	char line[512];
	unsigned id;
	int found = 0, i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u:", &id) != 1)
			continue;
		for (i = 0; i < n && ids[i] != id; i++)
			;
		found += n == 0 || i < n;
	}
	return pclose(f) == 0 ? found : -1;
}

/*
 * The kernel frees a closed program after an RCU grace period: wait (up to
 * 3 s) until bpftool lists none of @ids.
 */
static int bpftool_settle(const __u32 *ids, int n)
{
	int left = bpftool_progs(ids, n), i;

	for (i = 0; i < 60 && left > 0; i++) {
		usleep(50000);
		left = bpftool_progs(ids, n);
	}
	return left;
}

/* Kernel ids of the programs the session loaded. */
static int session_prog_ids(struct ebpf_session *s, __u32 *ids, int max)
{
	struct bpf_object *objs[4] = {
		s->sched ? s->sched->obj : NULL, s->faults ? s->faults->obj : NULL,
		s->numa ? s->numa->obj : NULL, s->sample ? s->sample->obj : NULL,
	};
	struct bpf_program *p;
	int i, n = 0;

	for (i = 0; i < 4; i++) {
		if (!objs[i])
			continue;
		bpf_object__for_each_program(p, objs[i]) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (n < max && bpf_program__fd(p) >= 0 &&
			    !bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
				ids[n++] = info.id;
		}
	}
	return n;
}

/* Whether every program in @ids is gone, waiting up to 3 s for the kernel. */
static int progs_gone(const __u32 *ids, int n)
{
	int i, t, left = n;

	for (t = 0; t < 60 && left; t++) {
		if (t)
			usleep(50000);
		for (i = 0, left = 0; i < n; i++) {
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			if (fd >= 0) {
				close(fd);
				left++;
			}
		}
	}
	return !left;
}

static double spearman(const double *a, const double *b, int n)
{
	double ra[16], rb[16], d2 = 0;
	int i, j;

	for (i = 0; i < n; i++) {
		double lt_a = 0, eq_a = 0, lt_b = 0, eq_b = 0;

		for (j = 0; j < n; j++) {
			lt_a += a[j] < a[i];
			eq_a += a[j] == a[i];
			lt_b += b[j] < b[i];
			eq_b += b[j] == b[i];
		}
		ra[i] = lt_a + (eq_a + 1) / 2;	/* ties get their mean rank */
		rb[i] = lt_b + (eq_b + 1) / 2;
	}
	for (i = 0; i < n; i++)
		d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
	return 1 - 6 * d2 / ((double)n * ((double)n * n - 1));
}

static struct ebpf_opts synth_opts(struct synth *w, unsigned parts)
{
	struct ebpf_opts o = {
		.tgid = getpid(), .parts = parts, .nworkers = SYNTH_THREADS,
		.worker_tids = w->tids, .ncpus = SYNTH_THREADS, .cpus = w->cpus,
		.nlayers = SYNTH_LAYERS,
	};

	return o;
}

/* What the kernel itself says about a thread's scheduling. */
struct proc_sched {
	double switches;	/* voluntary + nonvoluntary, /proc/.../status */
	double oncpu_ns;	/* /proc/.../schedstat: on CPU, waiting on a run queue */
	double runq_ns;
	/*
	 * Time the thread's cpu spent stolen by the hypervisor or in interrupts
	 * (/proc/stat steal, irq, softirq of that cpu): the kernel keeps it out
	 * of the thread's on-CPU time although no switch took the thread off,
	 * so wall - on-CPU counts it as off-CPU and eBPF, rightly, does not.
	 */
	double stolen_ns;
	int cpu;
};

/* Steal + irq + softirq of @cpu so far, in ns (/proc/stat, USER_HZ ticks). */
static double cpu_stolen_ns(int cpu)
{
	unsigned long long v[8];
	char line[512], want[16];
	double ns = 0;
	FILE *f = fopen("/proc/stat", "re");

	snprintf(want, sizeof(want), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, want, strlen(want)) == 0 &&
		    sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
			ns = (double)(v[5] + v[6] + v[7]) * 1e9 / (double)sysconf(_SC_CLK_TCK);
	if (f)
		fclose(f);
	return ns;
}

static void proc_sched_read(pid_t tid, struct proc_sched *p, double sign)
{
	char path[64], line[256];
	unsigned long long a, b;
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1)
			p->switches += sign * (double)v;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", (int)tid);
	f = fopen(path, "re");
	if (f && fscanf(f, "%llu %llu", &a, &b) == 2) {
		p->oncpu_ns += sign * (double)a;
		p->runq_ns += sign * (double)b;
	}
	if (f)
		fclose(f);
}

/*
 * The runner's order: cold iteration, (warm-up), steady iterations. @proc,
 * if not NULL, gets what /proc says of the workers' scheduling while the
 * steady iterations ran, and *@wall_ns how long they took.
 */
static void synth_run(struct synth *w, struct ebpf_session *s, int steady,
		      struct proc_sched *proc, double *wall_ns)
{
	uint64_t t0;
	int i;

	ebpf_set_phase(s, EBPF_PHASE_COLD);
	ebpf_start(s);
	synth_iteration(w, s);
	ebpf_stop(s);
	synth_iteration(w, s);	/* warm-up: counted nowhere */
	memset(w->layer_ns, 0, sizeof(w->layer_ns));
	ebpf_set_phase(s, EBPF_PHASE_STEADY);
	if (proc)
		memset(proc, 0, SYNTH_THREADS * sizeof(*proc));
	for (i = 0; proc && i < SYNTH_THREADS; i++) {
		proc_sched_read(w->tids[i], &proc[i], -1);
		proc[i].stolen_ns = -cpu_stolen_ns(w->cpus[i]);
		proc[i].cpu = w->cpus[i];
	}
	/* the window convprof counts in: from ebpf_start(), which sets its time */
	ebpf_start(s);
	t0 = now_ns();
	for (i = 0; i < steady; i++)
		synth_iteration(w, s);
	ebpf_stop(s);
	if (wall_ns)
		*wall_ns = (double)(now_ns() - t0);
	for (i = 0; proc && i < SYNTH_THREADS; i++) {
		proc_sched_read(w->tids[i], &proc[i], 1);
		proc[i].stolen_ns += cpu_stolen_ns(w->cpus[i]);
	}
}

static double count_at(struct cp_run *run, int layer, const char *name)
{
	int ev = cp_run_event_index(run, name);

	return ev < 0 ? NAN : *cp_run_count(run, layer, ev);
}

static double total_of(struct cp_run *run, const char *name)
{
	int ev = cp_run_event_index(run, name);

	return ev < 0 ? NAN : run->total_counts[ev];
}

static void check_sampling(struct synth *w, struct ebpf_session *s, struct cp_run *run)
{
	const char *col = "sample:cpu-clock";
	double samples[SYNTH_LAYERS], share_t[SYNTH_LAYERS], share_s[SYNTH_LAYERS];
	double sum_rows = 0, sum_t = 0, sum_s = 0, rho, leaf = 0, in_layers = 0, stacked = 0;
	__u64 totals = 0, v;
	int k, i, ev;

	if (strcmp(ebpf_sample_event(s), "cycles") == 0)
		col = "sample:cycles";
	ev = cp_run_event_index(run, col);
	if (!ok(ev >= 0 && run->events[ev].supported, "%s column, supported: %s", col,
		ev >= 0 ? run->events[ev].reason : "missing"))
		return;
	for (i = 0; i < SYNTH_THREADS; i++) {
		__u32 key = (__u32)i;

		if (!bpf_map_lookup_elem(bpf_map__fd(s->sample->maps.sample_totals), &key, &v))
			totals += v;
	}
	for (k = 0; k <= SYNTH_LAYERS; k++)
		sum_rows += *cp_run_count(run, k, ev) * STEADY_ITERATIONS;
	ok(totals > 200, "the workers were sampled: %llu samples", (unsigned long long)totals);
	is_near(sum_rows, (double)totals, 0.5,
		"per-layer samples, (other) included, add up to the workers' total");
	for (k = 0; k < SYNTH_LAYERS; k++) {
		samples[k] = *cp_run_count(run, k, ev);
		sum_t += w->layer_ns[k];
		sum_s += samples[k];
	}
	for (k = 0; k < SYNTH_LAYERS; k++) {
		share_t[k] = w->layer_ns[k] / sum_t;
		share_s[k] = sum_s > 0 ? samples[k] / sum_s : 0;
		printf("#   layer %d: %5.1f%% of the time, %5.1f%% of the samples (%.1f per iteration)\n",
		       k, 100 * share_t[k], 100 * share_s[k], samples[k]);
	}
	rho = spearman(share_t, share_s, SYNTH_LAYERS);
	ok(rho > 0.8, "sample shares follow time shares over %d layers: Spearman %.3f",
	   SYNTH_LAYERS, rho);
	ok(fabs(share_s[4] - share_t[4]) < 0.15, "the longest layer: %.1f%% of samples, %.1f%% of time",
	   100 * share_s[4], 100 * share_t[4]);

	/* stacks: per layer, and the leaf the synthetic work */
	for (i = 0; i < run->nstacks; i++) {
		const struct cp_stack_rec *st = &run->stacks[i];
		const char *last = strrchr(st->frames, ';');

		last = last ? last + 1 : st->frames;
		stacked += (double)st->count;
		if (st->layer < 0)
			continue;
		in_layers += (double)st->count;
		if (strcmp(last, "synth_spin") == 0)
			leaf += (double)st->count;
	}
	is_near(stacked, (double)totals, 0.5, "every sample has a stack entry (%d stacks)",
		run->nstacks);
	/* ~90% on a quiet machine; less when other load stretches the barrier waits */
	ok(in_layers > 0 && leaf / in_layers > 0.3,
	   "stacks in layers end in synth_spin: %.0f of %.0f samples", leaf, in_layers);
	for (i = 0; i < run->nstacks; i++)
		if (run->stacks[i].count >= totals / 20)
			printf("#   layer %d: %s %llu\n", run->stacks[i].layer, run->stacks[i].frames,
			       (unsigned long long)run->stacks[i].count);
}

static void check_faults(struct synth *w, struct ebpf_session *s, struct cp_run *run)
{
	static const char *const first[] = { "faults:first:weights", "faults:first:src",
					      "faults:first:dst", "faults:first:scratchpad" };
	double steady = 0;
	int i, k;

	if (!ok(ebpf_part_status(s, EBPF_FAULTS) == NULL, "faults part runs: %s",
		ebpf_part_status(s, EBPF_FAULTS) ?: "yes"))
		return;
	printf("#   transparent huge pages: %s\n", ebpf_thp(s));
	for (i = 0; i < w->ntensors; i++) {
		struct synth_tensor *t = &w->t[i];
		double got = count_at(run, t->layer, first[t->kind]);
		double pages = (double)(t->bytes / SYNTH_PAGE);

		if (!t->huge) {
			is_near(got, pages, 2, "%s of layer %d: one fault per 4 KiB page in the cold iteration",
				first[t->kind], t->layer);
		} else {
			ok(got >= 1 && got <= pages,
			   "%s of layer %d (MADV_HUGEPAGE, %zu KiB): %.0f faults, %s",
			   first[t->kind], t->layer, t->bytes >> 10, got,
			   got <= pages / 64 ? "huge pages" : "4 KiB pages");
		}
		ok(count_at(run, t->layer, "faults:first:total") >= got,
		   "the layer's cold total includes them");
	}
	for (k = 0; k <= SYNTH_LAYERS; k++)
		steady += count_at(run, k, "faults:total");
	ok(steady <= 2, "steady iterations fault (almost) never: %.2f per iteration", steady);
	ok(count_at(run, 0, "faults:first:weights") == 0, "a layer without tensors has no tensor faults");
}

static void check_sched(struct ebpf_session *s, struct cp_run *run,
			const struct proc_sched *proc, double wall_ns)
{
	static const char *const cols[] = { "sched:switches", "sched:runq_ns", "sched:offcpu_ns" };
	const double n = STEADY_ITERATIONS;
	int i, c;

	if (!ok(ebpf_part_status(s, EBPF_SCHED) == NULL, "sched part runs: %s",
		ebpf_part_status(s, EBPF_SCHED) ?: "yes"))
		return;
	is_int(total_of(run, "sched:migrations"), 0, "pinned workers never migrate");
	ok(total_of(run, "sched:involuntary") <= total_of(run, "sched:switches"),
	   "involuntary switches are a subset");
	for (i = 0; i < SYNTH_THREADS; i++) {
		/*
		 * The kernel's own accounting; off-CPU is the window less on-CPU.
		 * A wait that began before ebpf_start() counts from there on both
		 * sides, but the kernel's run-queue wait is credited whole when it
		 * ends, the part before the window too: hence the slack.
		 * The window less on-CPU also holds what the host stole from the
		 * thread's cpu while it ran there, and interrupt time (no switch
		 * took the thread off: eBPF sees none): up to the cpu's stolen time,
		 * known to a USER_HZ tick, may be missing from eBPF's.
		 */
		double tick = 1e9 / (double)sysconf(_SC_CLK_TCK);
		double want[3] = { proc[i].switches, proc[i].runq_ns, wall_ns - proc[i].oncpu_ns };
		double tol[3] = { 5 + 0.05 * want[0], 5e6 + 0.15 * want[1], 5e6 + 0.15 * want[2] };
		double below[3] = { 0, 0, proc[i].stolen_ns + tick };

		for (c = 0; c < 3; c++) {
			int ev = cp_run_event_index(run, cols[c]);
			double mine = 0;
			int k;

			for (k = 0; k <= SYNTH_LAYERS; k++)
				mine += *cp_run_thread_count(run, k, i, ev) * n;
			ok(mine <= want[c] + tol[c] && mine >= want[c] - below[c] - tol[c],
			   "worker %d: %s %.0f, the kernel says %.0f (cpu %d: %.0f ns stolen)",
			   i, cols[c], mine, want[c], proc[i].cpu, proc[i].stolen_ns);
		}
	}
	ok(run->thread_recs[0].migrations == 0 && run->thread_recs[1].migrations == 0,
	   "thread records carry the migrations too");
}

static void check_numa(struct ebpf_session *s, struct cp_run *run)
{
	long nodes = 0;
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *e;

	while (d && (e = readdir(d)))
		nodes += strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' && e->d_name[4] <= '9';
	if (d)
		closedir(d);
	if (!ok(ebpf_part_status(s, EBPF_NUMA) == NULL, "numa part runs: %s",
		ebpf_part_status(s, EBPF_NUMA) ?: "yes"))
		return;
	if (nodes == 1) {
		is_int(total_of(run, "numa:migrated_pages"), 0, "one NUMA node: no page migrates");
		is_int(total_of(run, "numa:balancing_moves"), 0, "one NUMA node: no balancing");
	} else {
		ok(total_of(run, "numa:migrated_pages") >= 0, "%ld nodes: migrated pages counted", nodes);
	}
}

static void test_session(struct synth *w)
{
	struct ebpf_opts o = synth_opts(w, EBPF_ALL);
	struct ebpf_session *s = NULL;
	struct cp_run *run = cp_run_new();
	struct proc_sched proc[SYNTH_THREADS];
	double wall_ns = 0;
	int fds = count_fds(), progs0 = bpftool_progs(NULL, 0), progs1, nids;
	__u32 ids[64];
	size_t p;

	is_int(ebpf_open(&s, &o), 0, "open every part");
	nids = session_prog_ids(s, ids, 64);
	progs1 = bpftool_progs(ids, nids);
	for (p = 0; p < ARRAY_SIZE(all_parts); p++)
		ok(ebpf_part_status(s, all_parts[p]) == NULL, "%s loads: %s",
		   ebpf_part_name(all_parts[p]), ebpf_part_status(s, all_parts[p]) ?: "yes");
	synth_register(w, s);

	synth_run(w, s, STEADY_ITERATIONS, proc, &wall_ns);

	cp_run_set_layers(run, SYNTH_LAYERS);
	cp_run_set_threads(run, SYNTH_THREADS);
	is_int(ebpf_collect(s, run, STEADY_ITERATIONS), 0, "collect");
	check_sampling(w, s, run);
	check_faults(w, s, run);
	check_sched(s, run, proc, wall_ns);
	check_numa(s, run);

	ebpf_close(s);
	cp_run_free(run);
	is_int(count_fds(), fds, "no fd left after close (%d)", fds);
	ok(nids >= 10 && progs_gone(ids, nids), "the %d programs loaded are freed after close", nids);
	if (progs0 < 0) {
		skip("bpftool cannot list programs here", "bpftool lists them while open, not after");
	} else {
		is_int(progs1, nids, "bpftool lists the %d programs while open", nids);
		is_int(bpftool_settle(ids, nids), 0, "bpftool lists none of them after close");
	}
}

/* The raw_tp fallback (kernels whose BTF lacks the tracepoints) counts alike. */
static void test_raw_tp(struct synth *w)
{
	struct ebpf_opts o = synth_opts(w, EBPF_SCHED | EBPF_FAULTS | EBPF_NUMA);
	struct ebpf_session *s = NULL;
	struct cp_run *run = cp_run_new();
	struct proc_sched proc[SYNTH_THREADS];
	double wall_ns = 0, sw;
	int i, raw = 0;
	size_t p;

	ebpf_force_raw_tp = 1;
	ebpf_open(&s, &o);
	ebpf_force_raw_tp = 0;
	for (p = 0; p < 3; p++)
		ok(ebpf_part_status(s, all_parts[p]) == NULL, "raw_tp: %s loads: %s",
		   ebpf_part_name(all_parts[p]), ebpf_part_status(s, all_parts[p]) ?: "yes");
	if (s->sched)
		raw = bpf_program__autoload(s->sched->progs.sched_switch_raw) &&
		      !bpf_program__autoload(s->sched->progs.sched_switch_btf);
	ok(raw, "the raw_tp programs are the ones loaded");
	/* the cold iteration touches the tensors again: give it fresh pages */
	for (i = 0; i < w->ntensors; i++)
		madvise(w->t[i].mem, w->t[i].bytes, MADV_DONTNEED);
	synth_register(w, s);
	synth_run(w, s, STEADY_ITERATIONS, proc, &wall_ns);
	cp_run_set_layers(run, SYNTH_LAYERS);
	is_int(ebpf_collect(s, run, STEADY_ITERATIONS), 0, "raw_tp: collect");
	sw = total_of(run, "sched:switches") * STEADY_ITERATIONS;
	ok(fabs(sw - proc[0].switches - proc[1].switches) <= 10 + 0.05 * sw,
	   "raw_tp: %.0f switches, /proc says %.0f", sw, proc[0].switches + proc[1].switches);
	is_near(count_at(run, 1, "faults:first:weights"), (double)(w->t[0].bytes / SYNTH_PAGE), 2,
		"raw_tp: the weights' cold faults");
	ebpf_close(s);
	cp_run_free(run);
}

/* A part that fails after others loaded: the rest runs, nothing leaks. */
static void test_partial_failure(struct synth *w)
{
	int bad_cpu = 4095, fds = count_fds(), progs0 = bpftool_progs(NULL, 0), nids;
	__u32 ids[64];
	struct ebpf_opts o = synth_opts(w, EBPF_SCHED | EBPF_SAMPLE);
	struct ebpf_session *s = NULL;
	const char *why;

	o.ncpus = 1;
	o.cpus = &bad_cpu;
	is_int(ebpf_open(&s, &o), 0, "open with a CPU that does not exist");
	why = ebpf_part_status(s, EBPF_SAMPLE);
	ok(why && strstr(why, "unavailable: cpu-clock sampling on cpu 4095: no such CPU here"),
	   "sample is unavailable and says why: %s", why ?: "(runs)");
	ok(ebpf_part_status(s, EBPF_SCHED) == NULL, "sched still runs");
	nids = session_prog_ids(s, ids, 64);
	ok(strstr(ebpf_part_status(s, EBPF_NUMA) ?: "", "not requested") != NULL,
	   "numa was not requested");
	ebpf_close(s);
	is_int(count_fds(), fds, "no fd left after a partial failure");
	ok(nids > 0 && progs_gone(ids, nids), "its %d programs are freed after close", nids);
	if (progs0 >= 0)
		is_int(bpftool_settle(ids, nids), 0, "bpftool lists none of its programs after close");
}

static void test_args(void)
{
	struct ebpf_session *s = (void *)1;
	struct ebpf_opts o = { .tgid = getpid(), .parts = EBPF_ALL, .nworkers = 0 };
	unsigned parts = 0;

	is_int(ebpf_open(&s, &o), -EINVAL, "no workers: bad arguments");
	ok(s == NULL, "and no session");
	is_int(ebpf_parts_parse("sched,sample", &parts), 0, "parts parse");
	is_int(parts, EBPF_SCHED | EBPF_SAMPLE, "sched,sample");
	is_int(ebpf_parts_parse("all", &parts), 0, "all parses");
	is_int(parts, EBPF_ALL, "all");
	is_int(ebpf_parts_parse("none", &parts), 0, "none parses");
	is_int(parts, 0, "none");
	is_int(ebpf_parts_parse("sched,disk", &parts), -EINVAL, "unknown part");
	ok(strstr(cp_strerror(-EINVAL), "'disk'") != NULL, "names it: %s", cp_strerror(-EINVAL));
	is_str(ebpf_part_name(EBPF_FAULTS), "faults", "part name");
	ebpf_set_layer(NULL, 3);
	ebpf_close(NULL);
	ok(1, "NULL session is fine for set_layer and close");
}

/* As nobody: every part unavailable with a reason; the workload still runs. */
static int unprivileged_child(void)
{
	struct synth w;
	struct ebpf_opts o;
	struct ebpf_session *s = NULL;
	struct cp_run *run = cp_run_new();
	int i, nan_ok = 1;
	size_t p;

	if (synth_init(&w))
		return 1;
	o = synth_opts(&w, EBPF_ALL);
	if (ebpf_open(&s, &o))
		return 1;
	for (p = 0; p < ARRAY_SIZE(all_parts); p++)
		printf("part %s %s\n", ebpf_part_name(all_parts[p]),
		       ebpf_part_status(s, all_parts[p]) ?: "runs");
	synth_register(&w, s);
	synth_run(&w, s, 1, NULL, NULL);
	cp_run_set_layers(run, SYNTH_LAYERS);
	if (ebpf_collect(s, run, 1))
		return 1;
	for (i = 0; i < run->nevents; i++)
		if (run->events[i].supported || !isnan(*cp_run_count(run, 0, i)))
			nan_ok = 0;
	printf("columns %d unsupported-and-nan %d\n", run->nevents, nan_ok);
	printf("workload ran %.0f ms\n", (w.layer_ns[0] + w.layer_ns[4]) / 1e6);
	ebpf_close(s);
	cp_run_free(run);
	synth_release(&w);
	return 0;
}

static void test_unprivileged(void)
{
	char self[512], cmd[700], line[512];
	int parts = 0, reasons = 0, cols = 0, nan_ok = 0, ran = 0;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;

	if (n <= 0 || access("/usr/bin/setpriv", X_OK)) {
		skip("no setpriv", "unprivileged run");
		return;
	}
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups '%s' --unprivileged-child 2>&1",
		 self);
	f = popen(cmd, "r");
	if (!f) {
		skip("popen failed", "unprivileged run");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[16], rest[400];

		if (sscanf(line, "part %15s %399[^\n]", name, rest) == 2) {
			parts++;
			reasons += strncmp(rest, "unavailable: ", 13) == 0 && strstr(rest, "CAP_BPF");
			printf("#   as nobody, %s: %s\n", name, rest);
		}
		sscanf(line, "columns %d unsupported-and-nan %d", &cols, &nan_ok);
		ran += strncmp(line, "workload ran", 12) == 0;
	}
	is_int(pclose(f), 0, "the unprivileged run exits 0");
	is_int(parts, 4, "it reports the four parts");
	is_int(reasons, 4, "each unavailable, naming CAP_BPF and the error");
	ok(cols == 18 && nan_ok, "%d columns, all unsupported with no count", cols);
	ok(ran, "and the workload ran");
}

static double median(double *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct prog_stat {
	char name[32];
	double runs, ns;
};

/* Add the session's programs' run counts and times (kernel.bpf_stats) to @st. */
static int prog_stats_add(struct ebpf_session *s, struct prog_stat *st, int n)
{
	struct bpf_object *objs[4] = {
		s->sched ? s->sched->obj : NULL, s->faults ? s->faults->obj : NULL,
		s->numa ? s->numa->obj : NULL, s->sample ? s->sample->obj : NULL,
	};
	struct bpf_program *p;
	int i, j;

	for (i = 0; i < 4; i++) {
		if (!objs[i])
			continue;
		bpf_object__for_each_program(p, objs[i]) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (bpf_program__fd(p) < 0 ||
			    bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
				continue;
			for (j = 0; j < n && strcmp(st[j].name, bpf_program__name(p)); j++)
				;
			if (j == n && n < 32)
				snprintf(st[n++].name, sizeof(st[0].name), "%s", bpf_program__name(p));
			if (j < 32) {
				st[j].runs += (double)info.run_cnt;
				st[j].ns += (double)info.run_time_ns;
			}
		}
	}
	return n;
}

/*
 * With vs without @parts at the default rate, interleaved ABBA: wall time
 * per iteration (medians), and the programs' own run time from the
 * kernel's BPF statistics as a share of the CPU time the runs had.
 */
static int overhead(int rounds, unsigned parts)
{
	double off[200], on[200], ratio[200], on_cpu_ns = 0, bpf_ns = 0;
	double cpu_off[200], cpu_on[200], cpu_ratio[200];
	struct prog_stat st[32];
	int r, k, j, iters = 5, nst = 0, stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	struct synth w;

	memset(st, 0, sizeof(st));
	if (rounds < 2 || rounds > 200 || synth_init(&w))
		return 2;
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < 2; k++) {
			int with = (r + k) % 2;
			struct ebpf_opts o = synth_opts(&w, parts);
			struct ebpf_session *s = NULL;
			struct cp_run *run = cp_run_new();
			uint64_t t0;
			size_t p;
			int i;

			if (with && ebpf_open(&s, &o))
				return 1;
			for (p = 0; s && p < ARRAY_SIZE(all_parts); p++)
				if ((parts & all_parts[p]) && ebpf_part_status(s, all_parts[p]))
					return 1;
			synth_register(&w, s);
			ebpf_set_phase(s, EBPF_PHASE_STEADY);
			ebpf_start(s);
			t0 = now_ns();
			w.work_cpu_ns = 0;
			for (i = 0; i < iters; i++)
				synth_iteration(&w, s);
			(with ? on : off)[r] = (double)(now_ns() - t0) / iters / 1e6;
			(with ? cpu_on : cpu_off)[r] = w.work_cpu_ns / iters / 1e6;
			ebpf_stop(s);
			if (s) {
				on_cpu_ns += (double)(now_ns() - t0) * SYNTH_THREADS;
				nst = prog_stats_add(s, st, nst);
			}
			cp_run_set_layers(run, SYNTH_LAYERS);
			if (s)
				ebpf_collect(s, run, iters);
			ebpf_close(s);
			cp_run_free(run);
		}
		ratio[r] = on[r] / off[r];
		cpu_ratio[r] = cpu_on[r] / cpu_off[r];
	}
	printf("rounds %d, %d iterations each; ms per iteration\n", rounds, iters);
	printf("without eBPF: median %.3f\n", median(off, rounds));
	printf("with parts 0x%x (sched 1, faults 2, numa 4, sample 8 at 999 Hz): median %.3f\n",
	       parts, median(on, rounds));
	printf("overhead: %.2f%% (median of per-round ratios)\n", 100 * (median(ratio, rounds) - 1));
	/* the same work's CPU time: other load stretches wall time, not this */
	printf("workers' CPU time in the work, ms per iteration: without %.3f, with %.3f, overhead %.2f%%\n",
	       median(cpu_off, rounds), median(cpu_on, rounds),
	       100 * (median(cpu_ratio, rounds) - 1));
	if (stats_fd < 0) {
		printf("program run times: unavailable (%s)\n", strerror(-stats_fd));
	} else {
		printf("program            runs/s   ns/run\n");
		for (j = 0; j < nst; j++) {
			if (!st[j].runs)
				continue;
			printf("%-16s %8.0f %8.0f\n", st[j].name, st[j].runs / (on_cpu_ns / SYNTH_THREADS / 1e9),
			       st[j].ns / st[j].runs);
			bpf_ns += st[j].ns;
		}
		printf("programs' own time: %.3f%% of the workers' CPUs' time\n",
		       100 * bpf_ns / on_cpu_ns);
		close(stats_fd);
	}
	synth_release(&w);
	return 0;
}

int main(int argc, char **argv)
{
	struct synth w;
	const char *why;
	struct ebpf_session *probe = NULL;
	struct ebpf_opts o;

	if (argc > 1 && strcmp(argv[1], "--unprivileged-child") == 0)
		return unprivileged_child();
	if (argc > 1 && strcmp(argv[1], "--overhead") == 0) {
		unsigned parts = EBPF_ALL;

		if (argc > 3 && ebpf_parts_parse(argv[3], &parts))
			return 2;
		return overhead(argc > 2 ? atoi(argv[2]) : 15, parts);
	}

	test_args();
	if (synth_init(&w)) {
		ok(0, "synthetic workload set up");
		return done_testing();
	}
	ok(w.pinned, "workers pinned to cpus %d and %d", w.cpus[0], w.cpus[1]);
	o = synth_opts(&w, EBPF_ALL);
	ebpf_open(&probe, &o);
	why = probe ? ebpf_part_status(probe, EBPF_SCHED) : "no session";
	if (geteuid() != 0 || (why && strstr(why, "CAP_BPF"))) {
		skip(geteuid() ? "not root: needs CAP_BPF and CAP_PERFMON" : why,
		     "eBPF session tests");
	} else {
		ebpf_close(probe);
		probe = NULL;
		test_session(&w);
		test_raw_tp(&w);
		test_partial_failure(&w);
		test_unprivileged();
	}
	ebpf_close(probe);
	synth_release(&w);
	return done_testing();
}
