/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_UTIL_PMC_H
#define CONVPROF_UTIL_PMC_H

#include <stdint.h>
#include <linux/perf_event.h>

/*
 * Reading a perf event through its mmap'd page, without a system call:
 * rdpmc inside the page's seqlock (include/uapi/linux/perf_event.h). Header
 * only, so that libconvprof-hook.so (which links nothing of convprof's) and
 * core/counters.c read counters the same way.
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
 * The documented reconstruction: count = offset + sign-extended low
 * pmc_width bits of the raw counter, and the enabled/running times extended
 * to the TSC value @tsc when they differ.
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

#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t pmc_rdpmc(uint32_t counter)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(counter));
	return lo | (uint64_t)hi << 32;
}

static inline uint64_t pmc_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | (uint64_t)hi << 32;
}
#else
static inline uint64_t pmc_rdpmc(uint32_t counter)
{
	(void)counter;
	return 0;
}

static inline uint64_t pmc_rdtsc(void)
{
	return 0;
}
#endif

/* Read one perf page with rdpmc inside its seqlock. */
static inline void pmc_page_read(const volatile struct perf_event_mmap_page *pc,
				 struct counter_value *v)
{
	struct pmc_snapshot s;
	uint64_t pmc, tsc;
	uint32_t seq;

	do {
		pmc = tsc = 0;
		seq = pc->lock;
		__asm__ __volatile__("" ::: "memory");
		s.index = pc->index;
		s.offset = pc->offset;
		s.time_enabled = pc->time_enabled;
		s.time_running = pc->time_running;
		s.cap_user_rdpmc = pc->cap_user_rdpmc;
		s.cap_user_time = pc->cap_user_time;
		s.pmc_width = pc->pmc_width;
		s.time_shift = pc->time_shift;
		s.time_mult = pc->time_mult;
		s.time_offset = pc->time_offset;
		if (s.cap_user_time && s.time_enabled != s.time_running)
			tsc = pmc_rdtsc();
		if (s.cap_user_rdpmc && s.index)
			pmc = pmc_rdpmc(s.index - 1);
		__asm__ __volatile__("" ::: "memory");
	} while (pc->lock != seq);
	pmc_reconstruct(&s, pmc, tsc, v);
}

#endif
