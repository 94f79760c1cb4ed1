/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_REPORTS_TOPOLOGY_H
#define CONVPROF_REPORTS_TOPOLOGY_H

#include <stdio.h>
#include <hwloc.h>

#include "core/pin.h"
#include "reports/table.h"

/* Where the topology came from, for the title: at most one is set. */
struct topology_source {
	const char *xml;	/* --topology: an hwloc XML export */
	const char *synthetic;	/* --synthetic: hwloc's description */
};

/*
 * convprof topology's output (see convprof-topology(1)): text (packages,
 * NUMA nodes, the cache table, the plan's table), CSV (the plan's table) or
 * JSON. Returns 0 or -EIO.
 */
int topology_print(hwloc_topology_t topo, const struct topo_summary *s,
		   const struct pin_plan *plan, const struct topology_source *src,
		   FILE *fp, enum cp_format fmt);

#endif
