/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_PIN_H
#define CONVPROF_PIN_H

#include <stdint.h>
#include <hwloc.h>

/*
 * The machine as hwloc sees it, and the plans that place inference workers
 * on its PUs. Plans can be computed for topologies loaded from XML or a
 * synthetic description; only the real machine's can be applied.
 */

/*
 * Load this machine (both NULL), an XML export, or a synthetic description
 * such as "package:2 numa:2 core:8 pu:2". On success *@out belongs to the
 * caller: hwloc_topology_destroy() it. Returns 0 or -errno with cp_error().
 */
int topology_load(hwloc_topology_t *out, const char *xml, const char *synthetic);

struct cache_info {
	int level;		/* 1, 2, 3 ... */
	char type;		/* 'd' data, 'i' instruction, 'u' unified */
	uint64_t size;		/* bytes of one instance */
	int count;		/* instances */
	int shared_pus;		/* PUs sharing one instance */
};

struct topo_summary {
	int pus, cores, numa_nodes, packages;
	uint64_t memory;	/* bytes, all NUMA nodes */
	int ncaches;
	struct cache_info caches[16];	/* by level, data before instruction */
	int thissystem;		/* 1: the machine we run on */
};

void topology_summarize(hwloc_topology_t topo, struct topo_summary *s);

/* Size of one instance of the largest data cache at @level, 0 if none. */
uint64_t topo_cache_size(const struct topo_summary *s, int level);

enum pin_policy { PIN_COMPACT, PIN_SCATTER, PIN_NUMA, PIN_NONE, PIN_LIST };

struct pin_plan {
	enum pin_policy policy;
	char name[64];		/* "compact", ..., or the cpu list as given */
	int nthreads;
	int node;		/* NUMA node (os index) for PIN_NUMA, else -1 */
	int *pus;		/* OS index of worker i's PU; NULL for PIN_NONE */
};

/*
 * Compute where @nthreads workers go under @policy ("compact", "scatter",
 * "numa", "none" or a cpu list like "0,2-3"). @nthreads 0 means one worker
 * per core (or the size of the cpu list). @node is the NUMA node for "numa"
 * (-1: the first). A plan that cannot be honoured returns -EINVAL with a
 * reason in cp_error(). Release the plan with pin_plan_release().
 */
int pin_plan_make(hwloc_topology_t topo, const char *policy, int nthreads,
		  int node, struct pin_plan *plan);
void pin_plan_release(struct pin_plan *plan);

/* "0,1,4-7" of the plan's PUs into @buf; "none" for PIN_NONE. */
char *pin_plan_cpus(const struct pin_plan *plan, char *buf, size_t len);

/* Bind the calling thread to PU @os_index. Returns 0 or -errno. */
int pin_bind_thread(hwloc_topology_t topo, int os_index);

/* The calling thread's current binding as a cpu list into @buf. */
int pin_thread_cpus(hwloc_topology_t topo, char *buf, size_t len);

#endif
