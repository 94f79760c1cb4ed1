// SPDX-License-Identifier: MIT
/*
 * Where a sweep combination's processes run: disjoint cpu lists, whole
 * cores each, under the pinning policies of pin.c; and the last-level
 * cache, for img/s per MiB of LLC.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/pin.h"
#include "study/sweep.h"
#include "util/util.h"

/* The core a PU belongs to; the PU itself where hwloc shows no cores. */
static hwloc_obj_t core_of(hwloc_topology_t topo, hwloc_obj_t pu)
{
	hwloc_obj_t c = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);

	return c ? c : pu;
}

/*
 * Take @threads PUs of @share for one process, in topology order, from
 * cores no earlier process holds (@taken); add the cores used to @taken.
 */
static int take_pus(hwloc_topology_t topo, hwloc_const_cpuset_t share,
		    hwloc_cpuset_t taken, int threads, char **list)
{
	hwloc_cpuset_t mine = hwloc_bitmap_alloc(), cores = hwloc_bitmap_alloc();
	hwloc_obj_t pu = NULL;
	int got = 0;

	while (got < threads && (pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))) {
		if (!hwloc_bitmap_isset(share, pu->os_index) ||
		    hwloc_bitmap_isset(taken, pu->os_index))
			continue;
		hwloc_bitmap_set(mine, pu->os_index);
		hwloc_bitmap_or(cores, cores, core_of(topo, pu)->cpuset);
		got++;
	}
	hwloc_bitmap_or(taken, taken, cores);
	if (got == threads)
		hwloc_bitmap_list_asprintf(list, mine);
	hwloc_bitmap_free(mine);
	hwloc_bitmap_free(cores);
	return got == threads ? 0 : -ENOSPC;
}

static int place_domain(hwloc_topology_t topo, const char *policy, int node,
			hwloc_cpuset_t dom, char *where, size_t len)
{
	struct pin_plan plan;
	hwloc_obj_t obj = NULL;
	int i, err;

	if (strcmp(policy, "compact") == 0 || strcmp(policy, "scatter") == 0) {
		hwloc_bitmap_copy(dom, hwloc_topology_get_topology_cpuset(topo));
		snprintf(where, len, "this machine");
		return 0;
	}
	if (strcmp(policy, "numa") == 0) {
		while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj)))
			if (node < 0 || (int)obj->os_index == node)
				break;
		if (!obj)
			return cp_error(-EINVAL, "NUMA node %d does not exist", node);
		hwloc_bitmap_copy(dom, obj->cpuset);
		snprintf(where, len, "NUMA node %u", obj->os_index);
		return 0;
	}
	if (strcmp(policy, "none") == 0)
		return cp_error(-EINVAL, "--pin none cannot keep processes apart: use compact, scatter, numa or a cpu list with --procs");
	/* a cpu list: pin.c checks it */
	err = pin_plan_make(topo, policy, 0, -1, &plan);
	if (err)
		return err;
	hwloc_bitmap_zero(dom);
	for (i = 0; i < plan.nthreads; i++)
		hwloc_bitmap_set(dom, (unsigned)plan.pus[i]);
	pin_plan_release(&plan);
	snprintf(where, len, "cpus %s", policy);
	return 0;
}

static int count_cores(hwloc_topology_t topo, hwloc_const_cpuset_t set)
{
	hwloc_cpuset_t cores = hwloc_bitmap_alloc();
	hwloc_obj_t pu = NULL, c;
	int n = 0;

	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))) {
		if (!hwloc_bitmap_isset(set, pu->os_index))
			continue;
		c = core_of(topo, pu);
		if (!hwloc_bitmap_intersects(cores, c->cpuset))
			n++;
		hwloc_bitmap_or(cores, cores, c->cpuset);
	}
	hwloc_bitmap_free(cores);
	return n;
}

int sweep_place(hwloc_topology_t topo, const char *policy, int node, int procs,
		int threads, char ***lists)
{
	hwloc_cpuset_t dom = hwloc_bitmap_alloc(), taken = hwloc_bitmap_alloc();
	hwloc_cpuset_t *shares = NULL;
	hwloc_obj_t root = hwloc_get_root_obj(topo);
	char **out = xcalloc((size_t)procs, sizeof(char *));
	char where[96];
	int i, err, scatter = strcmp(policy, "scatter") == 0;

	err = place_domain(topo, policy, node, dom, where, sizeof(where));
	if (err)
		goto out;
	if (scatter) {
		shares = xcalloc((size_t)procs, sizeof(*shares));
		/* one share per process, spread evenly over packages, caches, cores */
		hwloc_distrib(topo, &root, 1, shares, (unsigned)procs, INT_MAX, 0);
	}
	for (i = 0; i < procs; i++) {
		if (scatter)
			hwloc_bitmap_and(shares[i], shares[i], dom);
		err = take_pus(topo, scatter ? shares[i] : dom, taken, threads, &out[i]);
		if (err && procs == 1) {
			err = cp_error(-EINVAL, "%d thread%s do not fit on %s (%d PU%s)", threads,
				       threads == 1 ? "" : "s", where, hwloc_bitmap_weight(dom),
				       hwloc_bitmap_weight(dom) == 1 ? "" : "s");
			goto out;
		}
		if (err) {
			int pus = hwloc_bitmap_weight(dom), cores = count_cores(topo, dom);

			err = cp_error(-EINVAL, "%d processes x %d thread%s do not fit on %s (%d PU%s, %d core%s; a process takes whole cores)",
				       procs, threads, threads == 1 ? "" : "s", where,
				       pus, pus == 1 ? "" : "s", cores, cores == 1 ? "" : "s");
			goto out;
		}
	}
	*lists = out;
	out = NULL;
out:
	if (shares) {
		for (i = 0; i < procs; i++)
			hwloc_bitmap_free(shares[i]);
		free(shares);
	}
	sweep_lists_free(out, procs);
	hwloc_bitmap_free(dom);
	hwloc_bitmap_free(taken);
	return err;
}

void sweep_lists_free(char **lists, int n)
{
	int i;

	if (!lists)
		return;
	for (i = 0; i < n; i++)
		free(lists[i]);
	free(lists);
}

uint64_t sweep_llc_bytes(hwloc_topology_t topo)
{
	static const hwloc_obj_type_t levels[] = {
		HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
		HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE,
	};
	hwloc_obj_t obj = NULL;
	uint64_t bytes = 0;
	size_t l;

	for (l = 0; l < ARRAY_SIZE(levels) && !bytes; l++)
		while ((obj = hwloc_get_next_obj_by_type(topo, levels[l], obj)))
			bytes += obj->attr->cache.size;
	return bytes;
}
