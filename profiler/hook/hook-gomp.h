/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_GOMP_H
#define CONVPROF_HOOK_GOMP_H

#include <stdint.h>

/* Is the calling thread inside a recorded ITT task (hook.c)? */
int hook_leader_tracking(void);

/* It spent @ns of its task outside its own part of a parallel region. */
void hook_leader_waited(uint64_t ns);

#endif
