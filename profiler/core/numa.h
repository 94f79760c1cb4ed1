/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_NUMA_H
#define CONVPROF_NUMA_H

#include <stddef.h>
#include <hwloc.h>

#include "convprof/run.h"
#include "workloads/net.h"

/*
 * Where a run's tensors live: move_pages(2) in query mode on the pages of
 * each op's weights, source and destination, against the NUMA nodes of the
 * workers. A page not yet touched has no node and is not counted.
 */

#define NUMA_MAX_NODES 64

struct page_census {
	size_t pages;			/* pages asked about */
	size_t located;			/* pages that have a node */
	size_t on_node[NUMA_MAX_NODES];	/* of the located, per node */
};

/*
 * Query the node of the pages of [ptr, ptr + bytes): every page, or an even
 * sample of at most @max_pages. Returns 0 or -errno (ENOSYS: no NUMA
 * support in this kernel).
 */
int numa_census(const void *ptr, size_t bytes, size_t max_pages,
		struct page_census *c);

/* Share of located pages outside @local (a bitmask of nodes); NaN if none located. */
double numa_remote_share(const struct page_census *c, hwloc_const_nodeset_t local);

/*
 * Fill each row's remote_share of @run from @net's tensors, with @local the
 * nodes of the workers' PUs. Writes a one-line summary (or why it does not
 * apply) into @summary, and a warning when weights live on a node without
 * workers into @warning ("" when none).
 */
int numa_fill_run(struct cp_run *run, const struct net *net,
		  hwloc_topology_t topo, hwloc_const_nodeset_t local,
		  char *summary, size_t slen, char *warning, size_t wlen);

#endif
