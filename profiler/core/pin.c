// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pin.h"
#include "util/util.h"

/* Linux builds for at most 8192 cpus; a number past this is a typo */
#define CPU_NUMBER_MAX 65535

int topology_load(hwloc_topology_t *out, const char *xml, const char *synthetic)
{
	hwloc_topology_t topo = NULL;
	int err;

	if (hwloc_topology_init(&topo) < 0)
		return cp_error(-errno, "cannot initialise hwloc: %s", strerror(errno));
	hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL);
	if (xml && hwloc_topology_set_xml(topo, xml) < 0) {
		err = cp_error(-EINVAL, "cannot read topology '%s': %s", xml,
			       errno ? strerror(errno) : "not an hwloc XML export");
		goto fail;
	}
	if (synthetic && hwloc_topology_set_synthetic(topo, synthetic) < 0) {
		err = cp_error(-EINVAL, "invalid synthetic topology '%s'", synthetic);
		goto fail;
	}
	if (hwloc_topology_load(topo) < 0) {
		err = cp_error(-EINVAL, "cannot load the topology: %s",
			       strerror(errno));
		goto fail;
	}
	*out = topo;
	return 0;
fail:
	hwloc_topology_destroy(topo);
	return err;
}

static const struct {
	hwloc_obj_type_t type;
	int level;
	char kind;
} cache_types[] = {
	{ HWLOC_OBJ_L1CACHE, 1, 'd' }, { HWLOC_OBJ_L1ICACHE, 1, 'i' },
	{ HWLOC_OBJ_L2CACHE, 2, 'd' }, { HWLOC_OBJ_L2ICACHE, 2, 'i' },
	{ HWLOC_OBJ_L3CACHE, 3, 'd' }, { HWLOC_OBJ_L3ICACHE, 3, 'i' },
	{ HWLOC_OBJ_L4CACHE, 4, 'd' }, { HWLOC_OBJ_L5CACHE, 5, 'd' },
};

void topology_summarize(hwloc_topology_t topo, struct topo_summary *s)
{
	hwloc_obj_t root = hwloc_get_root_obj(topo), obj;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	s->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	s->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	s->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	s->memory = root->total_memory;
	s->thissystem = hwloc_topology_is_thissystem(topo);
	/* some VMs and synthetic descriptions have no core level */
	if (s->cores <= 0)
		s->cores = s->pus;
	if (s->packages <= 0)
		s->packages = 1;
	for (i = 0; i < ARRAY_SIZE(cache_types); i++) {
		struct cache_info *c;
		int n = hwloc_get_nbobjs_by_type(topo, cache_types[i].type);

		if (n <= 0 || s->ncaches >= (int)ARRAY_SIZE(s->caches))
			continue;
		obj = hwloc_get_obj_by_type(topo, cache_types[i].type, 0);
		c = &s->caches[s->ncaches++];
		c->level = cache_types[i].level;
		c->type = obj->attr->cache.type == HWLOC_OBJ_CACHE_UNIFIED ? 'u' :
			  cache_types[i].kind;
		c->size = obj->attr->cache.size;
		c->count = n;
		c->shared_pus = hwloc_bitmap_weight(obj->cpuset);
	}
}

uint64_t topo_cache_size(const struct topo_summary *s, int level)
{
	uint64_t best = 0;
	int i;

	for (i = 0; i < s->ncaches; i++)
		if (s->caches[i].level == level && s->caches[i].type != 'i')
			best = MAX(best, s->caches[i].size);
	return best;
}

/* The PUs of @set in topology (logical) order: core, then cache, then node. */
static int pus_in_order(hwloc_topology_t topo, hwloc_const_cpuset_t set,
			int *pus, int max)
{
	hwloc_obj_t pu = NULL;
	int n = 0;

	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu)))
		if (hwloc_bitmap_isset(set, pu->os_index) && n < max)
			pus[n++] = (int)pu->os_index;
	return n;
}

static int plan_compact(hwloc_topology_t topo, hwloc_const_cpuset_t set,
			struct pin_plan *plan, const char *where)
{
	int avail = hwloc_bitmap_weight(set);

	if (plan->nthreads > avail)
		return cp_error(-EINVAL, "%d workers do not fit on the %d PUs of %s",
				plan->nthreads, avail, where);
	plan->pus = xcalloc(avail, sizeof(int));
	pus_in_order(topo, set, plan->pus, avail);
	return 0;
}

static int plan_scatter(hwloc_topology_t topo, hwloc_const_cpuset_t set,
			struct pin_plan *plan)
{
	hwloc_obj_t root = hwloc_get_root_obj(topo);
	hwloc_cpuset_t *sets;
	int i, n = plan->nthreads, avail = hwloc_bitmap_weight(set);

	if (n > avail)
		return cp_error(-EINVAL, "%d workers do not fit on the %d PUs of this machine",
				n, avail);
	sets = xcalloc(n, sizeof(*sets));
	/* hwloc_distrib spreads n items evenly over the tree: nodes, caches, cores */
	hwloc_distrib(topo, &root, 1, sets, n, INT_MAX, 0);
	plan->pus = xcalloc(n, sizeof(int));
	for (i = 0; i < n; i++) {
		hwloc_bitmap_and(sets[i], sets[i], set);
		hwloc_bitmap_singlify(sets[i]);
		plan->pus[i] = hwloc_bitmap_first(sets[i]);
		hwloc_bitmap_free(sets[i]);
	}
	free(sets);
	return 0;
}

static int plan_list(hwloc_topology_t topo, const char *list,
		     struct pin_plan *plan)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(topo);
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	unsigned cpu;
	int n, i = 0, err = 0;
	const char *p;

	for (p = list; *p; p++)
		if (!strchr("0123456789,-", *p))
			break;
	/* hwloc's parser wraps a number past INT_MAX: keep cpu numbers sane */
	if (!*p)
		for (p = list; *p; p++)
			if (isdigit((unsigned char)*p) && (p == list || !isdigit((unsigned char)p[-1])) &&
			    strtoul(p, NULL, 10) > CPU_NUMBER_MAX) {
				err = cp_error(-EINVAL, "cpu %.*s is out of range (at most %d) in the cpu list '%s'",
					       (int)strspn(p, "0123456789"), p, CPU_NUMBER_MAX, list);
				goto out;
			}
	if (*p || !*list || hwloc_bitmap_list_sscanf(set, list) < 0 ||
	    hwloc_bitmap_iszero(set)) {
		err = cp_error(-EINVAL,
			       "unknown pinning policy '%s' (expected compact, scatter, numa, none or a cpu list such as 0,2-3)",
			       list);
		goto out;
	}
	/* hwloc reads "4-" as 4 to infinity; its iterators abort on that */
	if (hwloc_bitmap_weight(set) < 0) {
		err = cp_error(-EINVAL, "the cpu list '%s' has a range without an end", list);
		goto out;
	}
	hwloc_bitmap_foreach_begin(cpu, set) {
		if (!hwloc_bitmap_isset(all, cpu)) {
			err = cp_error(-EINVAL, "cpu %u does not exist on this machine", cpu);
			goto out;
		}
	} hwloc_bitmap_foreach_end();
	n = hwloc_bitmap_weight(set);
	if (plan->nthreads && plan->nthreads != n) {
		err = cp_error(-EINVAL, "the cpu list '%s' has %d cpus but %d workers were asked for",
			       list, n, plan->nthreads);
		goto out;
	}
	plan->nthreads = n;
	plan->pus = xcalloc(n, sizeof(int));
	hwloc_bitmap_foreach_begin(cpu, set) {
		plan->pus[i++] = (int)cpu;
	} hwloc_bitmap_foreach_end();
out:
	hwloc_bitmap_free(set);
	return err;
}

int pin_plan_make(hwloc_topology_t topo, const char *policy, int nthreads,
		  int node, struct pin_plan *plan)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(topo);
	struct topo_summary s;
	hwloc_obj_t obj = NULL;
	char where[64];
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->node = -1;
	if (nthreads < 0)
		return cp_error(-EINVAL, "the number of workers must be positive");
	topology_summarize(topo, &s);
	plan->nthreads = nthreads;
	snprintf(plan->name, sizeof(plan->name), "%s", policy);

	if (strcmp(policy, "compact") == 0) {
		plan->policy = PIN_COMPACT;
		if (!plan->nthreads)
			plan->nthreads = s.cores;
		err = plan_compact(topo, all, plan, "this machine");
	} else if (strcmp(policy, "scatter") == 0) {
		plan->policy = PIN_SCATTER;
		if (!plan->nthreads)
			plan->nthreads = s.cores;
		err = plan_scatter(topo, all, plan);
	} else if (strcmp(policy, "numa") == 0) {
		plan->policy = PIN_NUMA;
		while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj)))
			if (node < 0 || (int)obj->os_index == node)
				break;
		if (!obj)
			return cp_error(-EINVAL, "NUMA node %d does not exist (this machine has %d)",
					node, s.numa_nodes);
		plan->node = (int)obj->os_index;
		if (!plan->nthreads) {
			hwloc_obj_t c = NULL;

			while ((c = hwloc_get_next_obj_inside_cpuset_by_type(
					topo, obj->cpuset, HWLOC_OBJ_CORE, c)))
				plan->nthreads++;
			if (!plan->nthreads)
				plan->nthreads = hwloc_bitmap_weight(obj->cpuset);
		}
		snprintf(where, sizeof(where), "NUMA node %d", plan->node);
		err = plan_compact(topo, obj->cpuset, plan, where);
	} else if (strcmp(policy, "none") == 0) {
		plan->policy = PIN_NONE;
		if (!plan->nthreads)
			plan->nthreads = s.cores;
		err = 0;
	} else {
		plan->policy = PIN_LIST;
		err = plan_list(topo, policy, plan);
	}
	if (err)
		pin_plan_release(plan);
	return err;
}

void pin_plan_release(struct pin_plan *plan)
{
	free(plan->pus);
	plan->pus = NULL;
}

char *pin_plan_cpus(const struct pin_plan *plan, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	if (!plan->pus)
		snprintf(buf, len, "none");
	for (i = 0; plan->pus && i < plan->nthreads && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%d", i ? "," : "", plan->pus[i]);
	return buf;
}

int pin_bind_thread(hwloc_topology_t topo, int os_index)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int err = 0;

	hwloc_bitmap_only(set, (unsigned)os_index);
	if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_THREAD) < 0)
		err = cp_error(-errno, "cannot bind a worker to cpu %d: %s",
			       os_index, strerror(errno));
	hwloc_bitmap_free(set);
	return err;
}

int pin_thread_cpus(hwloc_topology_t topo, char *buf, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int err = 0;

	if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_THREAD) < 0)
		err = -errno;
	else
		hwloc_bitmap_list_snprintf(buf, len, set);
	hwloc_bitmap_free(set);
	return err;
}
