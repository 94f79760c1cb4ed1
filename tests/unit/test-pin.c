// SPDX-License-Identifier: MIT
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "core/pin.h"
#include "tap.h"
#include "util/util.h"

static hwloc_topology_t synth(const char *desc)
{
	hwloc_topology_t t = NULL;

	if (topology_load(&t, NULL, desc))
		return NULL;
	return t;
}

static const char *cpus(const struct pin_plan *p)
{
	static char buf[256];

	return pin_plan_cpus(p, buf, sizeof(buf));
}

static void test_two_packages(void)
{
	hwloc_topology_t t = synth("package:2 l3:1(size=32MB) core:4 l2:1(size=1MB) pu:2");
	struct topo_summary s;
	struct pin_plan p;

	ok(t != NULL, "synthetic topology loads");
	if (!t)
		return;
	topology_summarize(t, &s);
	is_int(s.pus, 16, "16 PUs");
	is_int(s.cores, 8, "8 cores");
	is_int(s.packages, 2, "2 packages");
	is_int(topo_cache_size(&s, 3), 32000000, "L3 size from the description (hwloc: MB = 10^6)");
	is_int(topo_cache_size(&s, 2), 1000000, "L2 size from the description");

	is_int(pin_plan_make(t, "compact", 4, -1, &p), 0, "compact 4");
	is_str(cpus(&p), "0,1,2,3", "compact fills a core, then the next");
	pin_plan_release(&p);

	is_int(pin_plan_make(t, "compact", 0, -1, &p), 0, "compact default");
	is_int(p.nthreads, 8, "default is one worker per core");
	pin_plan_release(&p);

	is_int(pin_plan_make(t, "scatter", 2, -1, &p), 0, "scatter 2");
	is_str(cpus(&p), "0,8", "scatter puts one worker per package");
	pin_plan_release(&p);

	is_int(pin_plan_make(t, "scatter", 4, -1, &p), 0, "scatter 4");
	is_str(cpus(&p), "0,4,8,12", "scatter spreads over cores of both packages");
	pin_plan_release(&p);

	is_int(pin_plan_make(t, "compact", 17, -1, &p), -EINVAL, "17 workers on 16 PUs");
	ok(strstr(cp_strerror(-EINVAL), "16 PUs") != NULL, "error says why: %s",
	   cp_strerror(-EINVAL));

	is_int(pin_plan_make(t, "0,2-3", 0, -1, &p), 0, "explicit list");
	is_int(p.nthreads, 3, "list gives the worker count");
	is_str(cpus(&p), "0,2,3", "list order");
	pin_plan_release(&p);

	is_int(pin_plan_make(t, "0,99", 0, -1, &p), -EINVAL, "cpu that does not exist");
	ok(strstr(cp_strerror(-EINVAL), "cpu 99 does not exist") != NULL, "names the cpu");
	is_int(pin_plan_make(t, "0,1", 3, -1, &p), -EINVAL, "list and -t disagree");
	/* found by fuzz-pin: hwloc wrapped 99999999999 to cpu 1215752191 */
	/* found by fuzz-pin: hwloc reads "0-" as 0 to infinity, and aborted */
	is_int(pin_plan_make(t, "0-", 0, -1, &p), -EINVAL, "a range without an end");
	ok(strstr(cp_strerror(-EINVAL), "without an end") != NULL, "says so: %s",
	   cp_strerror(-EINVAL));
	is_int(pin_plan_make(t, "0,99999999999", 0, -1, &p), -EINVAL, "a huge cpu number");
	ok(strstr(cp_strerror(-EINVAL), "cpu 99999999999 is out of range") != NULL,
	   "is named as it was given: %s", cp_strerror(-EINVAL));
	is_int(pin_plan_make(t, "sideways", 0, -1, &p), -EINVAL, "unknown policy");
	ok(strstr(cp_strerror(-EINVAL), "unknown pinning policy 'sideways'") != NULL,
	   "names the policy");

	is_int(pin_plan_make(t, "none", 3, -1, &p), 0, "none");
	ok(p.pus == NULL && p.nthreads == 3, "none binds nothing");
	is_str(cpus(&p), "none", "none prints as none");
	pin_plan_release(&p);
	hwloc_topology_destroy(t);
}

static void test_numa(void)
{
	hwloc_topology_t t = synth("package:2 numa:1 core:4 pu:2");
	struct topo_summary s;
	struct pin_plan p;

	ok(t != NULL, "two-node topology loads");
	if (!t)
		return;
	topology_summarize(t, &s);
	is_int(s.numa_nodes, 2, "2 NUMA nodes");
	is_int(pin_plan_make(t, "numa", 0, 1, &p), 0, "numa on node 1");
	is_int(p.nthreads, 4, "default: the cores of that node");
	is_str(cpus(&p), "8,9,10,11", "all PUs in node 1, compact");
	pin_plan_release(&p);
	is_int(pin_plan_make(t, "numa", 9, 0, &p), -EINVAL, "9 workers in an 8-PU node");
	ok(strstr(cp_strerror(-EINVAL), "NUMA node 0") != NULL, "names the node: %s",
	   cp_strerror(-EINVAL));
	is_int(pin_plan_make(t, "numa", 2, 5, &p), -EINVAL, "node 5 does not exist");
	hwloc_topology_destroy(t);
}

static void test_bind_here(void)
{
	hwloc_topology_t t = NULL;
	struct topo_summary s;
	cpu_set_t set;
	char buf[64];
	int last;

	is_int(topology_load(&t, NULL, NULL), 0, "this machine loads");
	topology_summarize(t, &s);
	ok(s.thissystem, "and is this system");
	last = s.pus - 1;
	{
		hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, last);

		last = pu ? (int)pu->os_index : 0;
	}
	is_int(pin_bind_thread(t, last), 0, "bind this thread to the last PU");
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	ok(CPU_COUNT(&set) == 1 && CPU_ISSET(last, &set),
	   "the kernel agrees: only cpu %d", last);
	is_int(pin_thread_cpus(t, buf, sizeof(buf)), 0, "read back through hwloc");
	snprintf(buf + 32, 32, "%d", last);
	is_str(buf, buf + 32, "hwloc reads back the same cpu");
	hwloc_topology_destroy(t);
}

int main(void)
{
	test_two_packages();
	test_numa();
	test_bind_here();
	return done_testing();
}
