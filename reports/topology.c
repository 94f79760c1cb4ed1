// SPDX-License-Identifier: MIT
/*
 * convprof topology's output (reports/topology.h): the machine as hwloc
 * sees it and a pinning plan, as text, CSV (the plan) or JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reports/topology.h"
#include "util/json.h"
#include "util/util.h"

static const char *cache_name(const struct cache_info *c, char *buf, size_t len)
{
	snprintf(buf, len, "L%d%s", c->level,
		 c->type == 'd' ? "d" : c->type == 'i' ? "i" : "");
	return buf;
}

static const char *cache_type(const struct cache_info *c)
{
	return c->type == 'd' ? "data" : c->type == 'i' ? "instruction" : "unified";
}

static int node_of_pu(hwloc_topology_t topo, unsigned pu)
{
	hwloc_obj_t n = NULL;

	while ((n = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n)))
		if (n->cpuset && hwloc_bitmap_isset(n->cpuset, pu))
			return (int)n->os_index;
	return -1;
}

static int ancestor_index(hwloc_topology_t topo, hwloc_obj_t pu,
			  hwloc_obj_type_t type)
{
	hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(topo, type, pu);

	return a ? (int)a->logical_index : -1;
}

static struct table *plan_table(hwloc_topology_t topo, const struct pin_plan *plan)
{
	static const hwloc_obj_type_t levels[] = {
		HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
	};
	struct table *t = table_new();
	int i;
	size_t l;

	table_add_column(t, "worker", ALIGN_RIGHT);
	table_add_column(t, "pu", ALIGN_RIGHT);
	table_add_column(t, "core", ALIGN_RIGHT);
	table_add_column(t, "L2", ALIGN_RIGHT);
	table_add_column(t, "L3", ALIGN_RIGHT);
	table_add_column(t, "package", ALIGN_RIGHT);
	table_add_column(t, "numa_node", ALIGN_RIGHT);
	for (i = 0; plan->pus && i < plan->nthreads; i++) {
		hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)plan->pus[i]);

		table_add_row(t);
		table_set(t, 0, "%d", i);
		table_set(t, 1, "%d", plan->pus[i]);
		if (!pu)
			continue;
		table_set(t, 2, "%d", ancestor_index(topo, pu, HWLOC_OBJ_CORE));
		for (l = 0; l < ARRAY_SIZE(levels); l++) {
			int idx = ancestor_index(topo, pu, levels[l]);

			if (idx >= 0)
				table_set(t, 3 + (int)l, "%d", idx);
			else
				table_set(t, 3 + (int)l, "-");
		}
		table_set(t, 5, "%d", ancestor_index(topo, pu, HWLOC_OBJ_PACKAGE));
		table_set(t, 6, "%d", node_of_pu(topo, (unsigned)plan->pus[i]));
	}
	return t;
}

static void print_text(hwloc_topology_t topo, const struct topo_summary *s,
		       const struct pin_plan *plan, const struct topology_source *o, FILE *fp)
{
	hwloc_obj_t obj = NULL;
	struct table *t;
	char buf[64], cpus[512];
	int i;

	if (o->xml)
		fprintf(fp, "topology of '%s'\n", o->xml);
	else if (o->synthetic)
		fprintf(fp, "synthetic topology '%s'\n", o->synthetic);
	else
		fprintf(fp, "this machine (hwloc %s)\n", HWLOC_VERSION);
	fprintf(fp, "  packages    %d\n  NUMA nodes  %d\n  cores       %d\n  PUs         %d\n",
	       s->packages, s->numa_nodes, s->cores, s->pus);
	if (s->memory)
		fprintf(fp, "  memory      %s\n", fmt_bytes(buf, sizeof(buf), s->memory));
	fputc('\n', fp);

	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PACKAGE, obj))) {
		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), obj->cpuset);
		fprintf(fp, "package %u: PUs %s\n", obj->logical_index, cpus);
	}
	obj = NULL;
	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj))) {
		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), obj->cpuset);
		fprintf(fp, "NUMA node %u: %s, PUs %s\n", obj->os_index,
		       fmt_bytes(buf, sizeof(buf), obj->attr->numanode.local_memory),
		       cpus);
	}
	fputc('\n', fp);

	t = table_new();
	table_add_column(t, "cache", ALIGN_LEFT);
	table_add_column(t, "type", ALIGN_LEFT);
	table_add_column(t, "size", ALIGN_RIGHT);
	table_add_column(t, "instances", ALIGN_RIGHT);
	table_add_column(t, "PUs_each", ALIGN_RIGHT);
	for (i = 0; i < s->ncaches; i++) {
		table_add_row(t);
		table_set(t, 0, "%s", cache_name(&s->caches[i], buf, sizeof(buf)));
		table_set(t, 1, "%s", cache_type(&s->caches[i]));
		table_set(t, 2, "%s", fmt_bytes(buf, sizeof(buf), s->caches[i].size));
		table_set(t, 3, "%d", s->caches[i].count);
		table_set(t, 4, "%d", s->caches[i].shared_pus);
	}
	if (s->ncaches)
		table_print(t, fp, FMT_TEXT, 0);
	else
		fprintf(fp, "no caches described\n");
	table_free(t);

	fprintf(fp, "\npinning plan: %s, %d worker%s", plan->name, plan->nthreads,
	       plan->nthreads == 1 ? "" : "s");
	if (plan->policy == PIN_NUMA)
		fprintf(fp, " in NUMA node %d", plan->node);
	if (plan->policy == PIN_NONE) {
		fprintf(fp, ", not bound: the scheduler places them\n");
		return;
	}
	fprintf(fp, " on PUs %s\n", pin_plan_cpus(plan, cpus, sizeof(cpus)));
	t = plan_table(topo, plan);
	table_print(t, fp, FMT_TEXT, 2);
	table_free(t);
}

static int print_json(hwloc_topology_t topo, const struct topo_summary *s,
		      const struct pin_plan *plan, const struct topology_source *o, FILE *fp)
{
	json_t *root = json_object(), *caches = json_array(), *nodes = json_array();
	json_t *jplan = json_object(), *cpus = json_array();
	hwloc_obj_t obj = NULL;
	char buf[512];
	int i;

	json_set_str(root, "source", o->xml ? o->xml : o->synthetic ? o->synthetic :
						  "this machine");
	json_set_int(root, "pus", s->pus);
	json_set_int(root, "cores", s->cores);
	json_set_int(root, "numa_nodes", s->numa_nodes);
	json_set_int(root, "packages", s->packages);
	json_set_int(root, "memory_bytes", (long long)s->memory);
	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj))) {
		json_t *n = json_object();

		hwloc_bitmap_list_snprintf(buf, sizeof(buf), obj->cpuset);
		json_set_int(n, "os_index", obj->os_index);
		json_set_int(n, "memory_bytes", (long long)obj->attr->numanode.local_memory);
		json_set_str(n, "cpus", buf);
		json_array_append_new(nodes, n);
	}
	json_object_set_new(root, "nodes", nodes);
	for (i = 0; i < s->ncaches; i++) {
		json_t *c = json_object();

		json_set_int(c, "level", s->caches[i].level);
		json_set_str(c, "type", cache_type(&s->caches[i]));
		json_set_int(c, "size_bytes", (long long)s->caches[i].size);
		json_set_int(c, "count", s->caches[i].count);
		json_set_int(c, "shared_pus", s->caches[i].shared_pus);
		json_array_append_new(caches, c);
	}
	json_object_set_new(root, "caches", caches);
	json_set_str(jplan, "policy", plan->policy == PIN_LIST ? "list" : plan->name);
	json_set_int(jplan, "threads", plan->nthreads);
	if (plan->policy == PIN_NUMA)
		json_set_int(jplan, "node", plan->node);
	for (i = 0; plan->pus && i < plan->nthreads; i++)
		json_array_append_new(cpus, json_integer(plan->pus[i]));
	json_object_set_new(jplan, "cpus", cpus);
	json_object_set_new(root, "plan", jplan);
	return json_print(root, fp);
}

int topology_print(hwloc_topology_t topo, const struct topo_summary *s,
		   const struct pin_plan *plan, const struct topology_source *src,
		   FILE *fp, enum cp_format fmt)
{
	struct table *t;

	if (fmt == FMT_JSON)
		return print_json(topo, s, plan, src, fp);
	if (fmt == FMT_CSV) {
		t = plan_table(topo, plan);
		table_print(t, fp, FMT_CSV, 0);
		table_free(t);
	} else {
		print_text(topo, s, plan, src, fp);
	}
	return ferror(fp) ? -EIO : 0;
}
