// SPDX-License-Identifier: MIT
/*
 * app_run() leaves nothing behind in convprof's process: the same fds
 * before and after (the record, the gate, the eBPF maps, programs and
 * links, the counters all closed), and no child, after a normal exit, a
 * non-zero exit and a crash of the command. Needs build/tests/app-prims.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "fds.h"
#include "tap.h"
#include "core/app.h"
#include "ebpf/ebpf.h"
#include "util/util.h"

/*
 * Run app-prims @n [@mode] with the hook and the record @fd, as app_run()
 * starts a command (2 workers; @cache: ONEDNN_PRIMITIVE_CACHE_CAPACITY, NULL
 * as it is); its wait status.
 */
static int run_prims(const char *hook, int fd, const char *cache, const char *n, const char *mode)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		char num[16];

		snprintf(num, sizeof(num), "%d", fd);
		fcntl(fd, F_SETFD, 0);
		setenv("CONVPROF_HOOK_FD", num, 1);
		setenv("LD_PRELOAD", hook, 1);
		setenv("INTEL_LIBITTNOTIFY64", hook, 1);
		setenv("INTEL_ITTNOTIFY_GROUPS", "all", 1);
		setenv("OMP_NUM_THREADS", "2", 1);
		if (cache)
			setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", cache, 1);
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		execl("build/tests/app-prims", "app-prims", n, mode, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

/*
 * The hook fails open on counters: an event no kernel knows (type 0x7fff)
 * cannot be opened by any worker; the command still runs and is recorded,
 * and each worker says why.
 */
static void test_events_fail_open(const char *hook)
{
	struct perf_event_attr bad = { .type = 0x7fff, .size = sizeof(bad), .config = 1 };
	struct hook_data d;
	void *map = NULL;
	size_t size = 0;
	int fd = -1, status = -1;
	uint32_t w, opened = 0, failed = 0;

	if (hook_record_create_events(1024, &bad, 1, &fd, &map, &size)) {
		ok(0, "a record with one event");
		return;
	}
	status = run_prims(hook, fd, NULL, "5", NULL);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "an event the workers cannot open: the command runs as always");
	is_int(hook_data_read(map, size, &d), 0, "... its record is read");
	is_int((int)d.nexecs, 25, "... every execution is recorded");
	for (w = 0; w < d.nworkers; w++) {
		opened += d.workers[w].ev_opened;
		failed += d.workers[w].ev_err[0] != 0;
	}
	ok(d.nworkers > 0 && opened == d.nworkers && failed == d.nworkers,
	   "... each of its %u workers tried and kept the errno", d.nworkers);
	hook_data_release(&d);
	munmap(map, size);
	close(fd);
}

/*
 * Primitives re-created before every execution (PyTorch's way) are found
 * by their implementation descriptor, which oneDNN's primitive cache shares:
 * described once each. Without the cache, or with a cache of one entry,
 * implementations are freed and new ones often take their addresses, for
 * other shapes: still the five primitives, no more, no fewer.
 */
static void run_recreate(const char *hook, const char *capacity, struct hook_data *d, int *rc)
{
	void *map = NULL;
	size_t size = 0;
	int fd = -1, status = -1;

	*rc = -1;
	if (hook_record_create(1024, &fd, &map, &size))
		return;
	status = run_prims(hook, fd, capacity, "6", "recreate");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && hook_data_read(map, size, d) == 0)
		*rc = 0;
	munmap(map, size);
	close(fd);
}

static void test_recreate(const char *hook)
{
	static const char *const caps[] = { NULL, "0", "1" };
	static const char *const what[] = { "oneDNN's cache", "no cache", "a cache of one" };
	size_t c;

	for (c = 0; c < 3; c++) {
		struct hook_data d;
		int rc;
		uint64_t i;
		uint32_t seq_ok = 1;

		run_recreate(hook, caps[c], &d, &rc);
		ok(rc == 0, "recreate, %s: the command runs and its record is read", what[c]);
		if (rc)
			continue;
		is_int((int)d.nexecs, 30, "... every execution is recorded (%s)", what[c]);
		is_int((int)d.nprims, 5, "... as five primitives (%s)", what[c]);
		for (i = 0; i < d.nexecs; i++)
			seq_ok &= d.execs[i].prim == d.execs[i % 5].prim;
		ok(seq_ok && d.execs[0].prim != d.execs[1].prim && d.prims[d.execs[3].prim].kind ==
		   dnnl_reorder, "... each execution is its own primitive, the 4th a reorder (%s)",
		   what[c]);
		if (c == 0)
			is_int((int)d.hdr.described, 5,
			       "... each described once: re-created ones are found by their implementation");
		else	/* a freed implementation's address, when taken again, is checked */
			printf("# %s: %u of 30 executions described in full\n", what[c], d.hdr.described);
		hook_data_release(&d);
	}
}

/*
 * With count_every 4 and blocks of 5 executions (one iteration of
 * app-prims), the workers read task-clock (read(2)) in executions 0-4 and
 * 20-24 only: counts there, none elsewhere.
 */
static void test_count_every(const char *hook)
{
	struct perf_event_attr tc = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(tc),
				      .config = PERF_COUNT_SW_TASK_CLOCK };
	struct cp_hook_header *h;
	struct hook_data d;
	void *map = NULL;
	size_t size = 0;
	int fd = -1, status = -1, right = 1;
	uint64_t i;
	uint32_t w;

	if (hook_record_create_events(1024, &tc, 1, &fd, &map, &size)) {
		ok(0, "a record with task-clock");
		return;
	}
	h = map;
	h->count_every = 4;
	h->count_block = 5;
	status = run_prims(hook, fd, NULL, "6", NULL);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || hook_data_read(map, size, &d)) {
		ok(0, "count_every: the command runs and its record is read");
		goto out;
	}
	for (i = 0; i < d.nexecs; i++) {
		uint64_t sum = 0;

		for (w = 0; w < d.nworkers; w++)
			sum += d.counts[((size_t)w * d.nexecs + i) * d.nevents];
		right &= (sum > 0) == cp_hook_counted(i, 4, 5);
	}
	ok(d.nexecs == 30 && right, "count_every 4, blocks of 5: task-clock read in executions 0-4 and 20-24 only");
	hook_data_release(&d);
out:
	munmap(map, size);
	close(fd);
}

int main(void)
{
	static const char *const modes[][3] = {
		{ "build/tests/app-prims", "6", NULL },
		{ "build/tests/app-prims", "6", "exit3" },
		{ "build/tests/app-prims", "6", "crash" },
	};
	static const char *const names[] = { "a normal exit", "exit status 3", "a crash" };
	char hook[4096];
	size_t m;

	if (realpath("build/libconvprof-hook.so", hook))
		setenv("CONVPROF_HOOK", hook, 1);
	if (access("build/tests/app-prims", X_OK) || access("build/libconvprof-hook.so", R_OK)) {
		skip("build/tests/app-prims or the hook is not built", "app_run");
		return done_testing();
	}
	test_events_fail_open(hook);
	test_recreate(hook);
	test_count_every(hook);
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		struct app_opts o = {
			.argc = modes[m][2] ? 3 : 2, .argv = modes[m], .pin = "compact",
			.threads = 2, .node = -1, .warmup = 1, .events = "task-clock",
			.ebpf_parts = EBPF_SCHED | EBPF_FAULTS,
		};
		struct cp_run *run = NULL;
		int before = count_fds(), err, after;

		err = app_run(&o, "test", &run);
		after = count_fds();
		ok(err == 0 && run, "app_run, %s: a run (%s)", names[m], err ? cp_strerror(err) : "ok");
		is_int(after, before, "... the same fds before and after (%s)", names[m]);
		ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "... no child left (%s)",
		   names[m]);
		if (run && m == 0)
			ok(cp_run_event_index(run, "task-clock") >= 0 &&
			   cp_run_event_index(run, "sched:switches") >= 0,
			   "... with the -e and eBPF columns");
		cp_run_free(run);
	}
	return done_testing();
}
