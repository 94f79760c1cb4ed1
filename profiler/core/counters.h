/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_COUNTERS_H
#define CONVPROF_COUNTERS_H

#include <stdint.h>
#include <linux/perf_event.h>

#include "core/events.h"
#include "util/pmc.h"

/*
 * Counting on the calling thread: each inference worker opens its own
 * events (pid 0, cpu -1), maps their perf pages, and reads them itself at
 * every layer boundary. Hardware events are read with rdpmc through the
 * mmap page's seqlock protocol (no system call); events the page cannot
 * serve (software events, cap_user_rdpmc off, an event not on the PMU right
 * now but index 0 still gives its saved count) fall back to read(2).
 */

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
