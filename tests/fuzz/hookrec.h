/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_FUZZ_HOOKREC_H
#define CONVPROF_FUZZ_HOOKREC_H

/*
 * The input encoding of fuzz-hookrec, shared with hookrec-seed.c, which
 * makes seeds from real records. Byte 0: bit 0 set, the rest of the input
 * is the whole shared file as convprof would map it (the layout checks);
 * clear, a record of small capacities laid out as hook_record_create() lays
 * out its own: bytes 1-3 give max_workers (% 5), max_prims (% 9) and
 * max_execs, and the input from byte 4 on is the file from the header's
 * first hook-written field (state) to its end: the hook's counters, the
 * worker, primitive, execution and busy-time arrays. Bits 1-2: the warm-up
 * periods app_fill_run() drops.
 */
#include <stddef.h>
#include <stdint.h>

#include "convprof/hook-record.h"

#define HOOKREC_BODY_OFF	offsetof(struct cp_hook_header, state)

static inline uint64_t hookrec_align8(uint64_t x)
{
	return (x + 7) & ~(uint64_t)7;
}

/* The header of a record of these capacities; returns its total size. */
static inline uint64_t hookrec_layout(struct cp_hook_header *h, uint32_t workers,
				      uint32_t prims, uint32_t execs)
{
	*h = (struct cp_hook_header){
		.magic = CP_HOOK_MAGIC, .version = CP_HOOK_VERSION,
		.header_size = sizeof(*h), .max_workers = workers, .max_prims = prims,
		.max_execs = execs, .worker_size = sizeof(struct cp_hook_worker),
		.prim_size = sizeof(struct cp_hook_prim),
		.exec_size = sizeof(struct cp_hook_exec),
		.event_size = sizeof(struct cp_hook_event),
	};
	h->workers_off = hookrec_align8(sizeof(*h));
	h->prims_off = hookrec_align8(h->workers_off + (uint64_t)workers * h->worker_size);
	h->execs_off = hookrec_align8(h->prims_off + (uint64_t)prims * h->prim_size);
	h->busy_off = hookrec_align8(h->execs_off + (uint64_t)execs * h->exec_size);
	/* no -e events: raw mode reaches the event fields */
	h->events_off = hookrec_align8(h->busy_off + (uint64_t)workers * execs * 4);
	h->counts_off = h->events_off;
	h->total_size = h->counts_off;
	return h->total_size;
}

#endif
