// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "core/events.h"
#include "tap.h"
#include "util/util.h"

static void test_parse(void)
{
	struct event_list l;

	is_int(event_list_parse("cycles,instructions", &l), 0, "plain list parses");
	is_int(l.n, 2, "two events");
	is_int(l.ngroups, 2, "each its own group");
	is_str(l.ev[1].name, "instructions", "second name kept");

	is_int(event_list_parse("task-clock,{cycles,instructions},page-faults", &l), 0,
	       "a group in the middle parses");
	is_int(l.n, 4, "four events");
	is_int(l.ngroups, 3, "three groups");
	ok(l.ev[1].group == l.ev[2].group && l.ev[0].group != l.ev[1].group &&
	   l.ev[3].group != l.ev[2].group, "braces share one group");

	is_int(event_list_parse("{a,b},{c}", &l), 0, "two groups parse");
	is_int(l.ngroups, 2, "two groups counted");
	is_int(event_list_parse(" cycles , instructions ", &l), 0, "blanks around names are trimmed");
	is_str(l.ev[0].name, "cycles", "trimmed name");

	is_int(event_list_parse("", &l), -EINVAL, "empty list rejected");
	is_int(event_list_parse("a,,b", &l), -EINVAL, "empty name rejected");
	is_int(event_list_parse("{a,b", &l), -EINVAL, "unclosed group rejected");
	is_int(event_list_parse("a,b}", &l), -EINVAL, "stray brace rejected");
	is_int(event_list_parse("{a,{b}}", &l), -EINVAL, "nested group rejected");
	is_int(event_list_parse("{a}b", &l), -EINVAL, "junk after group rejected");
	is_int(event_list_parse("a,a", &l), -EINVAL, "duplicate rejected");
	ok(strstr(cp_strerror(-EINVAL), "twice") != NULL, "duplicate named in the message");
}

static void test_encode(void)
{
	struct event_list l;

	is_int(event_list_parse("cycles,task-clock,L1-dcache-load-misses", &l), 0, "parse");
	is_int(event_list_encode(&l), 0, "libpfm4 encodes perf names");
	is_int(l.ev[0].attr.type, PERF_TYPE_HARDWARE, "cycles is a hardware event");
	is_int(l.ev[0].attr.config, PERF_COUNT_HW_CPU_CYCLES, "cycles config");
	is_int(l.ev[1].attr.type, PERF_TYPE_SOFTWARE, "task-clock is software");
	is_int(l.ev[1].attr.config, PERF_COUNT_SW_TASK_CLOCK, "task-clock config");
	is_int(l.ev[2].attr.type, PERF_TYPE_HW_CACHE, "L1-dcache-load-misses is a cache event");
	is_str(l.ev[1].pmu, "software", "software PMU named");

	is_int(event_list_parse("cylces", &l), 0, "parse a typo");
	is_int(event_list_encode(&l), -ENOENT, "unknown event rejected");
	ok(strstr(cp_strerror(-ENOENT), "did you mean 'cycles'") != NULL,
	   "hint names the closest event: %s", cp_strerror(-ENOENT));
}

static void test_probe(void)
{
	struct event_list l;

	is_int(event_list_init(&l, "task-clock,cycles"), 0, "init");
	ok(l.ev[0].supported, "task-clock can be counted everywhere");
	if (have_cpu_pmu()) {
		skip("this machine has a PMU", "unsupported cycles has a reason");
	} else {
		ok(!l.ev[1].supported, "cycles is not supported without a PMU");
		ok(strstr(l.ev[1].reason, "no hardware PMU") != NULL,
		   "reason says why: %s", l.ev[1].reason);
	}
}

int main(void)
{
	test_parse();
	test_encode();
	test_probe();
	return done_testing();
}
