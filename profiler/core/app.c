// SPDX-License-Identifier: MIT
/*
 * `convprof stat|record -- <command>`: start the command with the hook
 * preloaded and named as oneDNN's ITT collector, the pinning plan handed to
 * its OpenMP runtime, SIGINT and SIGTERM passed on; wait for it; read the
 * shared record back (app-record.c) and make rows of it (app-layers.c).
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "core/app.h"
#include "core/app-ebpf.h"
#include "core/events.h"
#include "ebpf/ebpf.h"
#include "core/hooklib.h"
#include "core/pin.h"
#include "core/runner.h"
#include "util/util.h"

static volatile sig_atomic_t child_pid;

/*
 * Ctrl-C on the terminal reaches the command too (same process group):
 * pass on only what was sent to convprof alone, by kill(1) or a parent.
 */
static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (child_pid > 0 && si && (si->si_code == SI_USER || si->si_code == SI_QUEUE))
		kill((pid_t)child_pid, sig);
}

static void plan_env(const struct pin_plan *plan, int threads_given, char *places, size_t len)
{
	size_t n = 0;
	int i;

	places[0] = '\0';
	if (!plan->pus)
		return;
	for (i = 0; i < plan->nthreads && n < len; i++)
		n += (size_t)snprintf(places + n, len - n, "%s{%d}", i ? "," : "", plan->pus[i]);
	(void)threads_given;
}

/* In the child, between fork and exec: only async-signal-safe-enough calls. */
static void child_exec(const struct app_opts *o, int fd, int errpipe, int gate, const char *hook,
		       const struct pin_plan *plan, const char *places)
{
	const char *old = getenv("LD_PRELOAD");
	char num[32], buf[PATH_MAX * 2 + 8], bpf[96];
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int e;

	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	/* convprof loads the eBPF programs for this pid first */
	if (app_ebpf_gate_wait(gate, bpf, sizeof(bpf)) < 0)
		_exit(127);
	close(gate);
	if (bpf[0])
		setenv(CP_HOOK_ENV_BPF, bpf, 1);
	snprintf(num, sizeof(num), "%d", fd);
	if (old && *old)
		snprintf(buf, sizeof(buf), "%s:%s", old, hook);
	else
		snprintf(buf, sizeof(buf), "%s", hook);
	setenv("LD_PRELOAD", buf, 1);
	setenv("INTEL_LIBITTNOTIFY64", hook, 1);
	setenv("INTEL_ITTNOTIFY_GROUPS", "all", 1);
	setenv(CP_HOOK_ENV_FD, num, 1);
	if (plan->pus || o->threads) {
		snprintf(num, sizeof(num), "%d", plan->nthreads);
		setenv("OMP_NUM_THREADS", num, 1);
	}
	if (places[0]) {
		cpu_set_t set;
		int i;

		setenv("OMP_PLACES", places, 1);
		setenv("OMP_PROC_BIND", "close", 1);
		/*
		 * The command inherits convprof's affinity, which a parent (or
		 * convprof's own OpenMP runtime under OMP_PROC_BIND) may have
		 * narrowed: the places must be usable.
		 */
		CPU_ZERO(&set);
		for (i = 0; i < plan->nthreads; i++)
			if (plan->pus[i] >= 0 && plan->pus[i] < CPU_SETSIZE)
				CPU_SET(plan->pus[i], &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	/* the record must reach the command: the only fd convprof leaves open */
	fcntl(fd, F_SETFD, 0);
	execvp(o->argv[0], (char *const *)o->argv);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int spawn(const struct app_opts *o, int fd, const char *hook,
		 const struct pin_plan *plan, struct app_ebpf *eb, pid_t *pidp)
{
	char places[1024];
	int pfd[2], sv[2], e = 0, err = 0;
	ssize_t got;
	pid_t pid;

	plan_env(plan, o->threads, places, sizeof(places));
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return cp_error(-errno, "pipe: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		err = cp_error(-errno, "socketpair: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = cp_error(-errno, "cannot start '%s': fork: %s", o->argv[0], strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid == 0) {
		close(pfd[0]);
		close(sv[0]);
		child_exec(o, fd, pfd[1], sv[1], hook, plan, places);
	}
	close(pfd[1]);
	close(sv[1]);
	child_pid = pid;	/* a signal while the parts load reaches it too */
	err = app_ebpf_load(eb, o->ebpf_parts, pid,
			    plan->nthreads > 0 ? plan->nthreads : (int)sysconf(_SC_NPROCESSORS_ONLN),
			    plan, sv[0]);
	close(sv[0]);	/* without the go, the child exits 127 */
	do
		got = read(pfd[0], &e, sizeof(e));
	while (got < 0 && errno == EINTR);
	close(pfd[0]);
	if (err || got == (ssize_t)sizeof(e)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		if (err)
			return err;
		if (e == ENOENT)
			return cp_error(-ENOENT, "'%s': command not found", o->argv[0]);
		return cp_error(-e, "cannot run '%s': %s", o->argv[0], strerror(e));
	}
	*pidp = pid;
	return 0;
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return cp_error(-errno, "waitpid: %s", strerror(errno));
	}
	return 0;
}

static void fill_header(struct cp_run *run, const struct app_opts *o, const char *cmdline,
			const struct pin_plan *plan, hwloc_topology_t topo)
{
	const char *slash = strrchr(o->argv[0], '/');

	cp_run_stamp(run, cmdline);
	snprintf(run->model, sizeof(run->model), "%s", slash ? slash + 1 : o->argv[0]);
	cp_run_set_command(run, o->argc, o->argv);
	snprintf(run->precision, sizeof(run->precision), "%s", "");
	snprintf(run->layout, sizeof(run->layout), "%s", "");
	snprintf(run->pin, sizeof(run->pin), "%s", plan->name);
	snprintf(run->backend, sizeof(run->backend), "%s", "hook");
	snprintf(run->backend_reason, sizeof(run->backend_reason),
		 "dnnl_primitive_execute interposed, ITT tasks per worker");
	run->threads = plan->nthreads;
	run->batch = 0;
	run_fill_machine(run, topo);
}

static void describe_end(struct cp_run *run, int status)
{
	if (WIFEXITED(status)) {
		run->exit_status = WEXITSTATUS(status);
		run->partial = run->exit_status != 0;
	} else if (WIFSIGNALED(status)) {
		run->exit_signal = WTERMSIG(status);
		run->partial = 1;
	}
}

/* Were the executions seen by oneDNN's ITT tasks alone (hook.c, itt_exec_begin)? */
static int itt_only(const struct hook_data *d)
{
	uint32_t i;

	for (i = 0; i < d->nprims; i++)
		if (d->prim_ok[i] && strcmp(d->prims[i].impl, CP_HOOK_IMPL_ITT_ONLY) != 0)
			return 0;
	return d->nprims > 0;
}

static void note_limits(struct cp_run *run, const struct hook_data *d)
{
	size_t n = 0;

	if (d->hdr.other_processes)
		n += (size_t)snprintf(run->app_note + n, sizeof(run->app_note) - n,
				      "only the first process that ran oneDNN is profiled (%u more did)",
				      d->hdr.other_processes);
	if (d->lost_execs && n < sizeof(run->app_note))
		n += (size_t)snprintf(run->app_note + n, sizeof(run->app_note) - n,
				      "%sthe record was full after %llu executions; %llu later ones are not counted",
				      n ? "; " : "", (unsigned long long)d->nexecs,
				      (unsigned long long)d->lost_execs);
	if (d->hdr.nprims > d->hdr.max_prims && n < sizeof(run->app_note))
		n += (size_t)snprintf(run->app_note + n, sizeof(run->app_note) - n,
				      "%smore than %u distinct primitives: the executions of the others are not counted",
				      n ? "; " : "", d->hdr.max_prims);
	if (itt_only(d)) {
		snprintf(run->backend_reason, sizeof(run->backend_reason),
			 "oneDNN's ITT tasks only: its dnnl_primitive_execute was out of LD_PRELOAD's reach");
		if (n < sizeof(run->app_note))
			n += (size_t)snprintf(run->app_note + n, sizeof(run->app_note) - n,
					      "%soneDNN is linked where LD_PRELOAD cannot reach it (statically?): "
					      "rows by primitive kind and position, no formats, shapes or FLOPs",
					      n ? "; " : "");
	}
	if (!d->nworkers && n < sizeof(run->app_note))
		snprintf(run->app_note + n, sizeof(run->app_note) - n,
			 "%soneDNN reported no ITT tasks (ONEDNN_ITT_TASK_LEVEL=0?): no per-worker busy time",
			 n ? "; " : "");
}

/* The precision of the first convolution: what efficiency compares with. */
static void set_precision(struct cp_run *run)
{
	const dnnl_version_t *v = dnnl_version();
	int i;

	snprintf(run->dnnl_version, sizeof(run->dnnl_version), "%d.%d.%d", v->major, v->minor,
		 v->patch);
	for (i = 0; i < run->nlayers; i++) {
		const char *dt = run->layers[i].dtype;

		if (strcmp(run->layers[i].kind, "conv"))
			continue;
		snprintf(run->precision, sizeof(run->precision), "%s",
			 !strcmp(dt, "s8") || !strcmp(dt, "u8") ? "int8" : dt);
		return;
	}
}

/* What was asked for and is not measured for a command: said, never 0. */
static void add_unmeasured(struct cp_run *run, const struct app_opts *o)
{
	static const char *const ebpf_cols[][2] = {
		{ "sched:switches", "sched" }, { "sched:migrations", "sched" },
		{ "faults:total", "faults" }, { "numa:migrated_pages", "numa" },
		{ "sample:cpu-clock", "sample" },
	};
	static const unsigned bits[] = { EBPF_SCHED, EBPF_SCHED, EBPF_FAULTS, EBPF_NUMA, EBPF_SAMPLE };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ebpf_cols); i++)
		if (o->ebpf_parts & bits[i] && cp_run_event_index(run, ebpf_cols[i][0]) < 0)
			cp_run_add_event(run, ebpf_cols[i][0], "ebpf", 0,
					 "unavailable: the eBPF session could not be opened");
}

/*
 * The -e events: encoded and probed here (as the built-in path does); the
 * supported ones go into the record for the workers to open on themselves,
 * @attrs[0..*n), @which[k] their index in @l.
 */
static int events_prepare(const struct app_opts *o, struct event_list *l,
			  struct perf_event_attr *attrs, int *which, int *n)
{
	int k, err;

	*n = 0;
	l->n = 0;
	if (!o->events || !strcmp(o->events, "none"))
		return 0;
	err = event_list_init(l, o->events);
	if (err == -ENOENT) {	/* -ENOENT is the command's "not found" (127) */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", cp_strerror(err));
		return cp_error(-EINVAL, "%s", msg);
	}
	if (err)
		return err;
	for (k = 0; k < l->n; k++) {
		if (!l->ev[k].supported)
			continue;
		if (*n == CP_HOOK_MAX_EVENTS)
			return cp_error(-E2BIG, "a -- command run counts at most %d events ('%s' is one too many)",
					CP_HOOK_MAX_EVENTS, l->ev[k].name);
		attrs[*n] = l->ev[k].attr;
		which[(*n)++] = k;
	}
	return 0;
}

/* The events' columns, before the rows are made; @d->ev_col filled. */
static void events_add(struct cp_run *run, const struct event_list *l, const int *which, int n,
		       struct hook_data *d)
{
	char why[200];
	int k, j, col;
	uint32_t w;

	for (k = 0; k < l->n; k++) {
		const struct event_spec *e = &l->ev[k];
		int supported = e->supported, err = 0;
		const char *reason = e->reason;

		for (j = 0; j < n && which[j] != k; j++)
			;
		/* opened on every worker, or not supported with the first failure's reason */
		for (w = 0; j < n && w < d->nworkers && !err; w++)
			if (d->workers[w].ev_opened && d->workers[w].ev_err[j])
				err = d->workers[w].ev_err[j];
		if (j < n && !d->nworkers) {
			supported = 0;
			reason = "no worker began an ITT task: nothing counted it";
		} else if (err) {
			struct perf_event_attr a = e->attr;

			supported = 0;
			perf_open_strerror(err < 0 ? -err : err, &a, why, sizeof(why));
			reason = why;
		}
		col = cp_run_add_event(run, e->name, e->pmu[0] ? e->pmu : "hardware", supported,
				       supported ? NULL : reason);
		if (j < n && supported)
			d->ev_col[j] = col;
	}
}

/* Why there are no rows: the hook's own reason, or what the command lacks. */
static int no_data(const struct app_opts *o, const struct hook_data *d)
{
	if (d->hdr.state == CP_HOOK_FAILED && d->hdr.error[0])
		return cp_error(-ENODATA, "no oneDNN primitive recorded: %s (the command ran unprofiled)",
				d->hdr.error);
	if (d->hdr.state == CP_HOOK_UNLOADED)
		return cp_error(-ENODATA, "no oneDNN primitive ran: the hook was not loaded into '%s' "
				"(a static or setuid binary?)", o->argv[0]);
	if (d->hdr.nexecs == 0 && d->hdr.itt_tasks + d->hdr.nworkers > 0)
		return cp_error(-ENODATA, "no oneDNN primitive ran through libdnnl.so.2, but oneDNN "
				"reported ITT tasks: '%s' links oneDNN statically (as pip wheels of "
				"PyTorch do), which cannot be interposed", o->argv[0]);
	return cp_error(-ENODATA, "no oneDNN primitive ran: '%s' made no dnnl_primitive_execute "
			"call; is it linked to libdnnl.so.2?", o->argv[0]);
}

int app_run(const struct app_opts *o, const char *cmdline, struct cp_run **out)
{
	struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigaction old_int, old_term;
	struct pin_plan plan = { 0 };
	hwloc_topology_t topo = NULL;
	struct hook_data d = { 0 };
	struct app_ebpf eb = { .maps_fd = -1 };
	struct event_list *l = NULL;
	struct perf_event_attr attrs[CP_HOOK_MAX_EVENTS];
	int which[CP_HOOK_MAX_EVENTS], nev = 0;
	struct cp_run *run = NULL;
	char hook[PATH_MAX];
	void *map = MAP_FAILED;
	size_t size = 0;
	int fd = -1, err, status = 0, have_plan = 0, have_data = 0;
	pid_t pid = 0;

	*out = NULL;
	err = hooklib_path(hook, sizeof(hook));
	if (err)
		return err;
	err = topology_load(&topo, NULL, NULL);
	if (err)
		return err;
	l = xcalloc(1, sizeof(*l));
	err = pin_plan_make(topo, o->pin ? o->pin : "compact", o->threads, o->node, &plan);
	if (err)
		goto out;
	have_plan = 1;
	err = events_prepare(o, l, attrs, which, &nev);
	if (err)
		goto out;
	err = hook_record_create_events(o->max_execs, attrs, nev, &fd, &map, &size);
	if (err)
		goto out;
	((struct cp_hook_header *)map)->count_every =
		(uint32_t)(o->count_every > 0 ? o->count_every : APP_COUNT_EVERY);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	err = spawn(o, fd, hook, &plan, &eb, &pid);
	if (!err) {
		child_pid = pid;
		err = wait_child(pid, &status);
		child_pid = 0;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (err)
		goto out;
	err = hook_data_read(map, size, &d);
	if (err)
		goto out;
	have_data = 1;
	run = cp_run_new();
	fill_header(run, o, cmdline, &plan, topo);
	describe_end(run, status);
	events_add(run, l, which, nev, &d);
	err = app_fill_run(&d, o->warmup, run);
	if (err == -ENODATA)
		err = no_data(o, &d);
	if (err) {
		/* how the command ended matters more when nothing was measured */
		if (run->exit_signal) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", cp_strerror(err));
			err = cp_error(err, "%s; the command was killed by signal %d (%s)",
				       msg, run->exit_signal, strsignal(run->exit_signal));
		}
		goto out;
	}
	note_limits(run, &d);
	if (o->timeline)
		app_timeline(&d, o->warmup, o->timeline, run);
	err = app_ebpf_collect(&eb, &d, o->warmup, run);
	if (err)
		goto out;
	add_unmeasured(run, o);
	set_precision(run);
	*out = run;
	run = NULL;
out:
	cp_run_free(run);
	app_ebpf_release(&eb);
	if (have_data)
		hook_data_release(&d);
	if (map != MAP_FAILED)
		munmap(map, size);
	if (fd >= 0)
		close(fd);
	if (have_plan)
		pin_plan_release(&plan);
	hwloc_topology_destroy(topo);
	free(l);
	return err;
}
