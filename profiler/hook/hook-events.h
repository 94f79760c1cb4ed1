/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_EVENTS_H
#define CONVPROF_HOOK_EVENTS_H

#include <stdint.h>

#include "convprof/hook-record.h"

/*
 * The -e events of a command run, counted by each worker on itself. The
 * state is per thread: hook_events_open() on a worker's first ITT task,
 * then hook_events_begin() / hook_events_end() around each task.
 */

/* Open the @n events of @ev on the calling thread; errors go into @w. */
void hook_events_open(const struct cp_hook_event *ev, uint32_t n, struct cp_hook_worker *w);

/*
 * Read the calling thread's events at a task's beginning; those that cost a
 * system call only when @all (the task's execution is counted).
 */
void hook_events_begin(int all);

/*
 * Read them at its end (@all as at its beginning): add the deltas to
 * @out[0..n) (NULL: to none) and the enabled/running times to @w.
 */
void hook_events_end(uint64_t *out, struct cp_hook_worker *w, int all);

#endif
