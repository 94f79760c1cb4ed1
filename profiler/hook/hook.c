// SPDX-License-Identifier: MIT
/*
 * The application side of `convprof stat|record -- <command>`: loaded into
 * the command with LD_PRELOAD, it interposes dnnl_primitive_execute (the
 * boundary of every primitive on the calling thread) and, as oneDNN's ITT
 * collector (itt.c), sees each worker's part of the work. Everything goes
 * into the shared record convprof created (include/convprof/hook-record.h).
 *
 * It fails open: without a record, or without libdnnl, the command runs
 * unprofiled and the reason goes into the record when there is one. It
 * prints nothing. The hot path takes no lock, allocates nothing and makes
 * no system call: clock_gettime and sched_getcpu are vDSO calls.
 *
 * The hook does not link libdnnl (it would then be loaded into every
 * program the command starts); hook-describe.c finds the real functions
 * with dlopen RTLD_NOLOAD, and says what each primitive is.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "convprof/hook-record.h"
#include "hook/hook-bpf.h"
#include "hook/hook-describe.h"
#include "hook/hook-events.h"
#include "hook/hook-gomp.h"
#include "hook/itt.h"

#define CP_EXPORT __attribute__((visibility("default")))

static struct cp_hook_header *rec;	/* NULL: not recording */
static struct cp_hook_worker *workers;
static struct cp_hook_prim *prims;
static struct cp_hook_exec *execs;
static uint32_t *busy;
static const struct cp_hook_event *events;
static uint64_t *counts;	/* [max_workers][max_execs][nevents] */
static int disabled;		/* a forked child, or a failure */
static volatile int paused;	/* cp_hook_pause(): calls pass straight through */
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static int resolved;		/* 1 ok, -1 failed */

/* The execution the calling thread is in: what the workers' tasks belong to. */
static volatile uint64_t cur_exec = UINT64_MAX;

static __thread int my_slot = -1;	/* worker slot, -2: none left */
static __thread int task_depth;
static __thread int task_on;		/* the outermost task began unpaused */
static __thread uint64_t task_begin_ns, task_exec;
static __thread int task_counted;	/* read the events that cost a system call */
static __thread int in_execute;		/* inside the interposed dnnl_primitive_execute */
static __thread uint64_t itt_exec = UINT64_MAX;	/* the execution its outermost task opened */
static int interposed;			/* an interposed execute ran: no ITT-only ones */
static volatile int itt_open;		/* a calling thread's ITT-only execution is open */
static __thread uint64_t task_waited_ns;	/* outside its part of parallel regions */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hook_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hook_fail(const char *fmt, ...)
{
	va_list ap;

	if (rec) {
		va_start(ap, fmt);
		vsnprintf(rec->error, sizeof(rec->error), fmt, ap);
		va_end(ap);
		__atomic_store_n(&rec->state, CP_HOOK_FAILED, __ATOMIC_RELEASE);
	}
	disabled = 1;
}

static void resolve(void)
{
	/* libdnnl's own, not ours again (a libdnnl without the symbol) */
	resolved = hook_resolve() > 0 && hook_dnnl_execute != dnnl_primitive_execute ? 1 : -1;
}

static int claim_process(void)
{
	int32_t expect = 0, me = (int32_t)getpid();

	if (__atomic_compare_exchange_n(&rec->pid, &expect, me, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE) || expect == me) {
		__atomic_store_n(&rec->state, CP_HOOK_ACTIVE, __ATOMIC_RELEASE);
		return 1;
	}
	__atomic_fetch_add(&rec->other_processes, 1, __ATOMIC_RELAXED);
	disabled = 1;
	return 0;
}

static int ready(void)
{
	static int claimed;

	if (disabled || !rec)
		return 0;
	pthread_once(&resolve_once, resolve);
	if (resolved < 0) {
		hook_fail("cannot find oneDNN's functions in libdnnl.so.2 (dlopen RTLD_NOLOAD)");
		return 0;
	}
	if (!__atomic_load_n(&claimed, __ATOMIC_ACQUIRE)) {
		if (!claim_process())
			return 0;
		__atomic_store_n(&claimed, 1, __ATOMIC_RELEASE);
	}
	return 1;
}

CP_EXPORT dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t prim, dnnl_stream_t stream,
					       int nargs, const dnnl_exec_arg_t *args)
{
	struct cp_hook_exec *e = NULL;
	dnnl_status_t st;
	uint64_t idx;
	int32_t id;

	if (paused || !ready()) {
		pthread_once(&resolve_once, resolve);
		if (resolved < 0)	/* nothing to call: oneDNN's own answer to a bad call */
			return dnnl_runtime_error;
		return hook_dnnl_execute(prim, stream, nargs, args);
	}
	id = hook_prim_id(prim);
	/* no id (the table is full, or no descriptor): the execution is not recorded */
	idx = id >= 0 ? __atomic_fetch_add(&rec->nexecs, 1, __ATOMIC_RELAXED) : UINT64_MAX;
	if (idx < rec->max_execs) {
		e = &execs[idx];
		e->prim = (uint32_t)id;
		e->begin_ns = now_ns();
	}
	/* the workers' tasks from here on belong to this execution (or to none) */
	cur_exec = e ? idx : UINT64_MAX;
	interposed = 1;
	in_execute = 1;
	st = hook_dnnl_execute(prim, stream, nargs, args);
	in_execute = 0;
	if (e) {
		e->status = st;
		__atomic_store_n(&e->end_ns, now_ns(), __ATOMIC_RELEASE);
	}
	return st;
}

/*
 * A primitive-level ITT task (oneDNN begins one on the calling thread in
 * its own primitive_execute) that no interposed dnnl_primitive_execute
 * wraps: oneDNN is linked into the command where LD_PRELOAD cannot reach
 * it (statically, or called through its own handle). The task is then the
 * execution, described by its kind alone; its workers' tasks belong to it.
 */
static void itt_exec_begin(const char *name)
{
	int32_t id = hook_itt_prim_id(name);
	uint64_t idx;

	idx = id >= 0 ? __atomic_fetch_add(&rec->nexecs, 1, __ATOMIC_RELAXED) : UINT64_MAX;
	itt_exec = idx < rec->max_execs ? idx : UINT64_MAX;
	if (itt_exec != UINT64_MAX) {
		execs[idx].prim = (uint32_t)id;
		execs[idx].begin_ns = now_ns();
	}
	cur_exec = itt_exec;
	itt_open = itt_exec != UINT64_MAX;
}

static void itt_exec_end(void)
{
	__atomic_store_n(&execs[itt_exec].end_ns, now_ns(), __ATOMIC_RELEASE);
	cur_exec = UINT64_MAX;
	itt_exec = UINT64_MAX;
	itt_open = 0;
}

static void worker_claim(void)
{
	struct cp_hook_worker *w;
	cpu_set_t set;
	uint32_t n = __atomic_fetch_add(&rec->nworkers, 1, __ATOMIC_RELAXED);
	size_t len = 0;
	int c, first = -1;

	if (n >= rec->max_workers) {
		my_slot = -2;
		return;
	}
	my_slot = (int)n;
	w = &workers[n];
	w->tid = (int32_t)syscall(SYS_gettid);
	/* once per thread: which CPUs it may run on, the pinning it got */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (c = 0; c <= CPU_SETSIZE && len < sizeof(w->affinity) - 12; c++) {
			int in = c < CPU_SETSIZE && CPU_ISSET(c, &set);

			if (in && first < 0)
				first = c;
			if (!in && first >= 0) {
				len += (size_t)snprintf(w->affinity + len, sizeof(w->affinity) - len,
							c - 1 > first ? "%s%d-%d" : "%s%d",
							len ? "," : "", first, c - 1);
				first = -1;
			}
		}
	if (rec->nevents)
		hook_events_open(events, rec->nevents, w);
	hook_bpf_register(my_slot, w->tid);
}

int hook_leader_tracking(void)
{
	return task_depth > 0 && task_on && my_slot >= 0 && !disabled;
}

/*
 * Pause (@on != 0) and resume recording, between executions: paused, the
 * hook passes every call straight through and records nothing, so that a
 * program (app-bench.py) can time its own work with and without the hook's
 * in one process, where run-to-run noise does not enter. A measurement
 * aid, as ITT's __itt_pause is.
 */
CP_EXPORT void cp_hook_pause(int on)
{
	paused = on != 0;
}

void hook_leader_waited(uint64_t ns)
{
	task_waited_ns += ns;
}

static void task_begin(void *arg, const char *domain, const char *name)
{
	int cpu;

	(void)arg;
	(void)domain;
	(void)name;
	if (task_depth++ || disabled)
		return;
	task_on = !paused;
	if (!task_on)
		return;
	if (my_slot == -1)
		worker_claim();
	/*
	 * The calling thread's task where no interposed execute ever ran: not a
	 * worker's (outside any parallel region, and while no other calling
	 * thread's execution is open).
	 */
	if (!interposed && !in_execute && !itt_open && (!hook_omp_level || hook_omp_level() == 0) &&
	    ready())
		itt_exec_begin(name);
	if (my_slot < 0) {
		__atomic_fetch_add(&rec->itt_tasks, 1, __ATOMIC_RELAXED);
		return;
	}
	cpu = sched_getcpu();
	if (cpu >= 0 && cpu < 64)
		workers[my_slot].cpus_seen |= 1ull << cpu;
	workers[my_slot].tasks++;
	task_exec = cur_exec;
	task_waited_ns = 0;
	hook_bpf_layer(my_slot, task_exec);
	task_begin_ns = now_ns();
	if (rec->nevents) {
		task_counted = cp_hook_counted(task_exec, rec->count_every, rec->count_block);
		hook_events_begin(task_counted);
	}
}

static void task_end(void *arg, const char *domain)
{
	uint64_t d;

	(void)arg;
	(void)domain;
	if (task_depth <= 0 || --task_depth || disabled || !task_on)
		return;
	if (my_slot < 0) {
		if (itt_exec != UINT64_MAX)
			itt_exec_end();
		return;
	}
	if (rec->nevents)
		hook_events_end(task_exec < rec->max_execs ?
				&counts[((uint64_t)my_slot * rec->max_execs + task_exec) *
					rec->nevents] : NULL, &workers[my_slot], task_counted);
	d = now_ns() - task_begin_ns;
	hook_bpf_layer(my_slot, UINT64_MAX);
	d -= task_waited_ns < d ? task_waited_ns : d;
	workers[my_slot].busy_ns += d;
	if (task_exec < rec->max_execs) {
		uint32_t *p = &busy[(uint64_t)my_slot * rec->max_execs + task_exec];
		uint64_t v = (uint64_t)*p + d;

		*p = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	if (itt_exec != UINT64_MAX)
		itt_exec_end();
}

/*
 * At exit, each worker's CPU time (its task-clock): one read per worker of
 * /proc/self/task/<tid>/schedstat, off the hot path. A command killed by a
 * signal never gets here: unknown then.
 */
__attribute__((destructor)) static void hook_fini(void)
{
	uint32_t w, n;

	if (!rec || disabled || __atomic_load_n(&rec->pid, __ATOMIC_ACQUIRE) != (int32_t)getpid())
		return;
	hook_bpf_exit();
	n = __atomic_load_n(&rec->nworkers, __ATOMIC_ACQUIRE);
	for (w = 0; w < n && w < rec->max_workers; w++) {
		char path[64], buf[96];
		unsigned long long ns;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", workers[w].tid);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%llu", &ns) == 1)
			workers[w].cpu_ns = ns;
		fclose(f);
	}
}

static void after_fork_child(void)
{
	disabled = 1;	/* the parent records; say nothing from here */
}

static int layout_ok(const struct cp_hook_header *h, size_t size)
{
	uint64_t end_w = h->workers_off + (uint64_t)h->max_workers * sizeof(struct cp_hook_worker);
	uint64_t end_p = h->prims_off + (uint64_t)h->max_prims * sizeof(struct cp_hook_prim);
	uint64_t end_e = h->execs_off + (uint64_t)h->max_execs * sizeof(struct cp_hook_exec);
	uint64_t end_b = h->busy_off + (uint64_t)h->max_workers * h->max_execs * 4;
	uint64_t end_v = h->events_off + (uint64_t)h->nevents * sizeof(struct cp_hook_event);
	uint64_t end_c = h->counts_off + (uint64_t)h->max_workers * h->max_execs * h->nevents * 8;

	return h->magic == CP_HOOK_MAGIC && h->version == CP_HOOK_VERSION &&
	       h->header_size == sizeof(*h) && h->total_size == size &&
	       h->worker_size == sizeof(struct cp_hook_worker) &&
	       h->prim_size == sizeof(struct cp_hook_prim) &&
	       h->exec_size == sizeof(struct cp_hook_exec) &&
	       h->event_size == sizeof(struct cp_hook_event) && h->nevents <= CP_HOOK_MAX_EVENTS &&
	       end_w <= size && end_p <= size && end_e <= size && end_b <= size &&
	       end_v <= size && end_c <= size &&
	       h->workers_off % 8 == 0 && h->prims_off % 8 == 0 &&
	       h->execs_off % 8 == 0 && h->busy_off % 8 == 0 &&
	       h->events_off % 8 == 0 && h->counts_off % 8 == 0;
}

__attribute__((constructor)) static void hook_init(void)
{
	const char *env = getenv(CP_HOOK_ENV_FD);
	struct cp_itt_ops ops = { task_begin, task_end, NULL };
	struct stat sb;
	char *end;
	long fd;
	void *m;
	int err;

	if (!env || !*env)
		return;		/* not started by convprof: stay out of the way */
	fd = strtol(env, &end, 10);
	if (*end || fd < 0 || fd > 65535 || fstat((int)fd, &sb) != 0 ||
	    sb.st_size < (off_t)sizeof(struct cp_hook_header))
		return;
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (m == MAP_FAILED)
		return;
	if (!layout_ok(m, (size_t)sb.st_size)) {
		munmap(m, (size_t)sb.st_size);
		return;
	}
	err = hook_describe_init(m, (void *)((char *)m + ((struct cp_hook_header *)m)->prims_off));
	if (err) {
		rec = m;
		hook_fail("cannot map the hook's table: %s", strerror(-err));
		return;
	}
	rec = m;
	workers = (void *)((char *)m + rec->workers_off);
	prims = (void *)((char *)m + rec->prims_off);
	execs = (void *)((char *)m + rec->execs_off);
	busy = (void *)((char *)m + rec->busy_off);
	events = (const void *)((char *)m + rec->events_off);
	counts = (void *)((char *)m + rec->counts_off);
	pthread_atfork(NULL, NULL, after_fork_child);
	{
		int32_t expect = CP_HOOK_UNLOADED;

		__atomic_compare_exchange_n(&rec->state, &expect, CP_HOOK_LOADED, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	hook_bpf_init();
	cp_itt_set_ops(&ops);
}
