// SPDX-License-Identifier: MIT
/*
 * Each worker's own counters for a command run (-e). convprof encoded the
 * events (libpfm4) and wrote their perf_event_attr into the record; the
 * worker opens them on itself (pid 0, cpu -1) the first time it begins an
 * ITT task, and reads them at every task's beginning and end: with rdpmc
 * through the event's mmap'd page where the kernel allows it (no system
 * call), with read(2) otherwise (cap_user_rdpmc off). Software events
 * (task-clock, page-faults, ...) have no page to read: they are opened as
 * one group, so that a single read(2) takes them all (about 600 ns for
 * three here, against 420 ns for each one alone). Even so, two reads per
 * task cost a few percent of a PyTorch forward, so these are read only in
 * the executions cp_hook_counted() picks (one block in --count-every), and
 * convprof scales; rdpmc events are read in every task. A failed open leaves the event's errno in the
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
static __thread int group_fd = -1;	/* the software events' leader */
static __thread uint32_t ngroup;	/* events read through it */
static __thread uint8_t in_group[CP_HOOK_MAX_EVENTS];	/* 1 + position in it; 0: not */
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
		int grouped = !is_hardware(&attr);
		void *p;

		pages[k] = NULL;
		in_group[k] = 0;
		attr.size = sizeof(attr);
		attr.disabled = 0;
		attr.inherit = 0;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		if (grouped)
			attr.read_format |= PERF_FORMAT_GROUP;
		fds[k] = (int)syscall(SYS_perf_event_open, &attr, 0, -1, grouped ? group_fd : -1,
				      PERF_FLAG_FD_CLOEXEC);
		if (fds[k] < 0) {
			w->ev_err[k] = errno ? errno : EINVAL;
			continue;
		}
		w->ev_err[k] = 0;
		if (grouped) {
			if (group_fd < 0)
				group_fd = fds[k];
			in_group[k] = (uint8_t)(1 + ngroup++);
			continue;
		}
		if (page <= 0)
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

/*
 * The events into @v: the group with one read(2), the others one by one;
 * those without rdpmc only when @all (else left as they are).
 */
static void read_all(struct counter_value *v, int all)
{
	uint64_t buf[3 + CP_HOOK_MAX_EVENTS];	/* nr, enabled, running, values */
	int have = 0;
	uint32_t k;

	if (ngroup && all)
		have = read(group_fd, buf, (3 + ngroup) * sizeof(buf[0])) ==
		       (ssize_t)((3 + ngroup) * sizeof(buf[0])) && buf[0] == ngroup;
	for (k = 0; k < nev; k++) {
		if (!all && !pages[k])
			continue;
		if (!in_group[k]) {
			read_one(k, &v[k]);
		} else if (have) {
			v[k].count = buf[3 + in_group[k] - 1];
			v[k].enabled = buf[1];
			v[k].running = buf[2];
		} else {
			v[k].count = v[k].enabled = v[k].running = 0;
		}
	}
}

void hook_events_begin(int all)
{
	read_all(at_begin, all);
}

void hook_events_end(uint64_t *out, struct cp_hook_worker *w, int all)
{
	struct counter_value v[CP_HOOK_MAX_EVENTS];
	uint32_t k;

	read_all(v, all);
	for (k = 0; k < nev; k++) {
		if (fds[k] < 0 || (!all && !pages[k]))
			continue;
		if (out)
			out[k] += v[k].count - at_begin[k].count;
		w->ev_enabled[k] += v[k].enabled - at_begin[k].enabled;
		w->ev_running[k] += v[k].running - at_begin[k].running;
	}
}
