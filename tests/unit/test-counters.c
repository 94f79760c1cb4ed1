// SPDX-License-Identifier: MIT
/*
 * The arithmetic of the hardware path (rdpmc reconstruction, time
 * extension, multiplex scaling) on constructed values, and the software
 * path for real. Where a PMU exists, rdpmc is checked against read(2).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/counters.h"
#include "core/events.h"
#include "tap.h"
#include "util/util.h"

static void test_reconstruct(void)
{
	struct pmc_snapshot s = { .index = 3, .offset = 1000, .pmc_width = 48,
				  .cap_user_rdpmc = 1 };
	struct counter_value v;

	pmc_reconstruct(&s, 0xFFFFFFFFFFF0ull, 0, &v);
	is_int(v.count, 984, "a 48-bit raw value with bit 47 set is negative (-16)");
	pmc_reconstruct(&s, 0xABCD000000000010ull, 0, &v);
	is_int(v.count, 1016, "bits above pmc_width are ignored");
	pmc_reconstruct(&s, 0x7FFFFFFFFFFFull, 0, &v);
	is_int(v.count, 1000 + 0x7FFFFFFFFFFFull, "largest positive 48-bit value");

	/* the counter wrapped: the kernel moved offset, the raw value restarted */
	s.offset = (int64_t)(5000000000000ull - 0x800000000000ull);
	pmc_reconstruct(&s, 0x800000000000ull + 0x10ull, 0, &v);
	is_int(v.count, 5000000000000ull - 0x800000000000ull - 0x800000000000ull + 0x10ull,
	       "sign extension across the wrap point");

	s.offset = 777;
	s.index = 0;
	pmc_reconstruct(&s, 0x1234, 0, &v);
	is_int(v.count, 777, "index 0: not on a counter, the count is the offset");
	s.index = 2;
	s.cap_user_rdpmc = 0;
	pmc_reconstruct(&s, 0x1234, 0, &v);
	is_int(v.count, 777, "cap_user_rdpmc off: the raw value is not used");

	s.cap_user_rdpmc = 1;
	s.pmc_width = 64;
	s.offset = 0;
	pmc_reconstruct(&s, 42, 0, &v);
	is_int(v.count, 42, "pmc_width 64");
}

static void test_time(void)
{
	struct pmc_snapshot s = { .index = 1, .cap_user_time = 1,
				  .time_enabled = 1000, .time_running = 500,
				  .time_shift = 10, .time_mult = 2048,
				  .time_offset = (uint64_t)-9000ll, .cap_user_rdpmc = 1,
				  .pmc_width = 48 };
	struct counter_value v;

	/* tsc 5000: quot 4 * 2048 = 8192, rem 904 * 2048 >> 10 = 1808, - 9000 = 1000 */
	pmc_reconstruct(&s, 0, 5000, &v);
	is_int(v.enabled, 2000, "enabled extended by the time since the last update");
	is_int(v.running, 1500, "running extended while on a counter");
	s.index = 0;
	pmc_reconstruct(&s, 0, 5000, &v);
	is_int(v.running, 500, "running not extended when off the counter");
	s.time_running = 1000;
	s.index = 1;
	pmc_reconstruct(&s, 0, 5000, &v);
	is_int(v.enabled, 1000, "no extension when enabled == running");
}

static void test_scale(void)
{
	is_near(counter_scale(100, 1000, 500), 200, 1e-9, "half the time on the PMU doubles the count");
	is_near(counter_scale(100, 1000, 1000), 100, 1e-9, "never multiplexed: unchanged");
	ok(isnan(counter_scale(0, 1000, 0)), "never ran: unknown, not 0");
	ok(isnan(counter_scale(0, 0, 0)), "never enabled: unknown, not 0");
}

static void test_page(void)
{
	struct perf_event_mmap_page *pc = calloc(1, 4096);
	struct counter_value v;

	pc->lock = 4;
	pc->index = 5;
	pc->offset = 123456;
	pc->time_enabled = 10;
	pc->time_running = 10;
	pc->cap_user_rdpmc = 0;	/* no rdpmc instruction runs: safe without a PMU */
	counter_page_read(pc, &v);
	is_int(v.count, 123456, "a constructed page without rdpmc gives the offset");
	is_int(v.enabled, 10, "and its times");
	free(pc);
}

static void test_software(void)
{
	struct event_list l;
	struct counter_set cs;
	struct counter_value a[CP_MAX_EVENTS], b[CP_MAX_EVENTS];
	volatile double x = 0;
	uint64_t t0, t1;
	size_t i, pages = 256, psz = (size_t)sysconf(_SC_PAGESIZE);
	char *mem;

	is_int(event_list_init(&l, "{task-clock,page-faults},context-switches"), 0, "software list");
	is_int(counter_set_open(&cs, &l, 1), 3, "three software events open on this thread");
	ok(cs.leader[1] == 0 && cs.leader[2] == 2, "group leaders");
	counter_set_read(&cs, a);
	t0 = now_ns();
	for (i = 0; i < 20000000; i++)
		x += (double)i * 1e-9;
	mem = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	madvise(mem, pages * psz, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		mem[i * psz] = 1;
	t1 = now_ns();
	counter_set_read(&cs, b);
	ok(b[0].count > a[0].count, "task-clock advanced");
	ok((double)(b[0].count - a[0].count) <= (double)(t1 - t0) * 1.2 + 200000,
	   "task-clock delta (%llu ns) within the elapsed %llu ns",
	   (unsigned long long)(b[0].count - a[0].count), (unsigned long long)(t1 - t0));
	ok(b[1].count - a[1].count >= pages, "page-faults saw the %zu touched pages (%llu)",
	   pages, (unsigned long long)(b[1].count - a[1].count));
	is_int(b[0].enabled, b[1].enabled, "group members share one enabled time (read atomically)");
	ok(b[0].running == b[0].enabled, "software events are never multiplexed");
	munmap(mem, pages * psz);
	counter_set_close(&cs);
	ok(cs.fd[0] == -1 && cs.fd[1] == -1, "closed");
}

static void test_hardware(void)
{
	struct event_list l;
	struct counter_set cs;
	struct counter_value a[CP_MAX_EVENTS], b[CP_MAX_EVENTS];
	uint64_t buf[3];

	if (event_list_init(&l, "instructions") || !l.ev[0].supported) {
		skip("no hardware PMU on this machine", "rdpmc agrees with read(2)");
		return;
	}
	counter_set_open(&cs, &l, 1);
	if (!cs.rdpmc[0]) {
		skip("rdpmc not allowed here", "rdpmc agrees with read(2)");
		counter_set_close(&cs);
		return;
	}
	counter_set_read(&cs, a);
	if (read(cs.fd[0], buf, sizeof(buf)) != sizeof(buf))
		buf[0] = 0;
	counter_set_read(&cs, b);
	ok(buf[0] >= a[0].count && buf[0] <= b[0].count,
	   "read(2) falls between two rdpmc reads (%llu <= %llu <= %llu)",
	   (unsigned long long)a[0].count, (unsigned long long)buf[0],
	   (unsigned long long)b[0].count);
	counter_set_close(&cs);
}

int main(void)
{
	test_reconstruct();
	test_time();
	test_scale();
	test_page();
	test_software();
	test_hardware();
	return done_testing();
}
