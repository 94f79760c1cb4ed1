/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_COUNTERS_H
#define CONVPROF_COUNTERS_H

#include <stdint.h>
#include <linux/perf_event.h>

#include "core/events.h"

/*
 * Counting on the calling thread: each inference worker opens its own
 * events (pid 0, cpu -1), maps their perf pages, and reads them itself at
 * every layer boundary. Hardware events are read with rdpmc through the
 * mmap page's seqlock protocol (no system call); events the page cannot
 * serve (software events, cap_user_rdpmc off, an event not on the PMU right
 * now but index 0 still gives its saved count) fall back to read(2).
 */

struct counter_value {
	uint64_t count;		/* raw, not scaled */
	uint64_t enabled;	/* ns the event was enabled */
	uint64_t running;	/* ns it was on the PMU */
};

/*
 * The fields of a perf_event_mmap_page that one read uses, copied inside
 * the seqlock. Split out so the arithmetic can be tested on constructed
 * values without a PMU.
 */
struct pmc_snapshot {
	uint32_t index;		/* 0: not on a counter now; else rdpmc(index - 1) */
	int64_t offset;
	uint64_t time_enabled, time_running;
	uint16_t pmc_width;
	uint16_t time_shift;
	uint32_t time_mult;
	uint64_t time_offset;
	int cap_user_rdpmc, cap_user_time;
};

/*
 * The documented reconstruction (include/uapi/linux/perf_event.h): count =
 * offset + sign-extended low pmc_width bits of the raw counter, and the
 * enabled/running times extended to the TSC value @tsc when they differ.
 */
static inline void pmc_reconstruct(const struct pmc_snapshot *s, uint64_t pmc,
				   uint64_t tsc, struct counter_value *v)
{
	uint64_t enabled = s->time_enabled, running = s->time_running;
	uint64_t count = (uint64_t)s->offset;

	if (s->cap_user_rdpmc && s->index) {
		unsigned width = s->pmc_width ? s->pmc_width : 64;
		int64_t raw = (int64_t)(pmc << (64 - width));

		/* arithmetic shift sign-extends bit width-1 */
		count += (uint64_t)(raw >> (64 - width));
	}
	if (s->cap_user_time && enabled != running) {
		uint64_t quot = tsc >> s->time_shift;
		uint64_t rem = tsc & (((uint64_t)1 << s->time_shift) - 1);
		uint64_t delta = s->time_offset + quot * s->time_mult +
				 ((rem * s->time_mult) >> s->time_shift);

		enabled += delta;
		if (s->index)
			running += delta;
	}
	v->count = count;
	v->enabled = enabled;
	v->running = running;
}

/*
 * The scaled count of a delta: count x enabled / running (multiplexing).
 * Returns NaN when the event never ran over the delta while enabled.
 */
double counter_scale(uint64_t count, uint64_t enabled, uint64_t running);

struct counter_set {
	int n;				/* events of the list */
	int fd[CP_MAX_EVENTS];		/* -1 when not opened */
	int leader[CP_MAX_EVENTS];	/* index of the group leader */
	int group_size[CP_MAX_EVENTS];	/* at the leader: members opened */
	struct perf_event_mmap_page *pc[CP_MAX_EVENTS];
	int rdpmc[CP_MAX_EVENTS];	/* this event's page allows rdpmc */
	int group_rdpmc[CP_MAX_EVENTS];	/* at the leader: the whole group is */
	int err[CP_MAX_EVENTS];		/* errno of a failed open, else 0 */
	int page_size;
};

/*
 * Open the list's supported events on the calling thread, group members on
 * their leader, all enabled at once. @use_rdpmc 0 forces read(2). Events
 * that fail here keep fd -1 and their errno in err[]. Returns the number
 * opened (>= 0). Close with counter_set_close().
 */
int counter_set_open(struct counter_set *cs, const struct event_list *l,
		     int use_rdpmc);

/* Read every opened event into @v[0..n) (unopened: zeros). Hot path. */
void counter_set_read(const struct counter_set *cs, struct counter_value *v);

/* Enable or disable the group led by event @leader (for --rotate). */
int counter_set_enable_group(const struct counter_set *cs, int leader, int on);

void counter_set_close(struct counter_set *cs);

/* Read one perf page with rdpmc (x86) inside its seqlock. */
void counter_page_read(const volatile struct perf_event_mmap_page *pc,
		       struct counter_value *v);

#endif
