// SPDX-License-Identifier: MIT
/*
 * Each worker's own counters for a command run (-e). convprof encoded the
 * events (libpfm4) and wrote their perf_event_attr into the record; the
 * worker opens them on itself (pid 0, cpu -1) the first time it begins an
 * ITT task, and reads them at every task's beginning and end: with rdpmc
 * through the event's mmap'd page where the kernel allows it (no system
 * call), with read(2) otherwise (software events such as task-clock, or
 * cap_user_rdpmc off). A failed open leaves the event's errno in the
 * worker's entry: convprof reports the event `not supported (reason)`.
 * The fds stay open until the command exits (OpenMP workers live as long).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hook/hook-events.h"
#include "util/pmc.h"

static __thread uint32_t nev;
static __thread int fds[CP_HOOK_MAX_EVENTS];
static __thread const volatile struct perf_event_mmap_page *pages[CP_HOOK_MAX_EVENTS];
static __thread struct counter_value at_begin[CP_HOOK_MAX_EVENTS];

static int is_hardware(const struct perf_event_attr *a)
{
	return a->type != PERF_TYPE_SOFTWARE && a->type != PERF_TYPE_TRACEPOINT;
}

void hook_events_open(const struct cp_hook_event *ev, uint32_t n, struct cp_hook_worker *w)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t k;

	if (n > CP_HOOK_MAX_EVENTS)
		n = CP_HOOK_MAX_EVENTS;
	for (k = 0; k < n; k++) {
		struct perf_event_attr attr = ev[k].attr;
		void *p;

		pages[k] = NULL;
		attr.size = sizeof(attr);
		attr.disabled = 0;
		attr.inherit = 0;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		fds[k] = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fds[k] < 0) {
			w->ev_err[k] = errno ? errno : EINVAL;
			continue;
		}
		w->ev_err[k] = 0;
		if (!is_hardware(&attr) || page <= 0)
			continue;
		p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fds[k], 0);
		if (p == MAP_FAILED)
			continue;
		if (((const struct perf_event_mmap_page *)p)->cap_user_rdpmc) {
			pages[k] = p;
			w->ev_rdpmc |= 1u << k;
		} else {
			munmap(p, (size_t)page);
		}
	}
	nev = n;
	__atomic_store_n(&w->ev_opened, 1, __ATOMIC_RELEASE);
}

static void read_one(uint32_t k, struct counter_value *v)
{
	uint64_t buf[3];

	if (pages[k]) {
		pmc_page_read(pages[k], v);
		return;
	}
	if (fds[k] >= 0 && read(fds[k], buf, sizeof(buf)) == (ssize_t)sizeof(buf)) {
		v->count = buf[0];
		v->enabled = buf[1];
		v->running = buf[2];
		return;
	}
	v->count = v->enabled = v->running = 0;
}

void hook_events_begin(void)
{
	uint32_t k;

	for (k = 0; k < nev; k++)
		read_one(k, &at_begin[k]);
}

void hook_events_end(uint64_t *out, struct cp_hook_worker *w)
{
	struct counter_value v;
	uint32_t k;

	for (k = 0; k < nev; k++) {
		if (fds[k] < 0)
			continue;
		read_one(k, &v);
		if (out)
			out[k] += v.count - at_begin[k].count;
		w->ev_enabled[k] += v.enabled - at_begin[k].enabled;
		w->ev_running[k] += v.running - at_begin[k].running;
	}
}
