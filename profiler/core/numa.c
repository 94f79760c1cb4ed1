// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/numa.h"
#include "util/util.h"

/* glibc has no wrapper and libnuma is a dependency for one call: use the syscall */
static long sys_move_pages(unsigned long count, void **pages, int *status)
{
	return syscall(SYS_move_pages, 0, count, pages, NULL, status, 0);
}

int numa_census(const void *ptr, size_t bytes, size_t max_pages,
		struct page_census *c)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t first = (uintptr_t)ptr & ~(psz - 1);
	size_t n = bytes ? ((uintptr_t)ptr + bytes - first + psz - 1) / psz : 0;
	size_t step = 1, i, k;
	void **pages;
	int *status, err = 0;

	memset(c, 0, sizeof(*c));
	if (!ptr || !n)
		return 0;
	if (max_pages && n > max_pages)
		step = (n + max_pages - 1) / max_pages;
	c->pages = (n + step - 1) / step;
	pages = xcalloc(c->pages, sizeof(void *));
	status = xcalloc(c->pages, sizeof(int));
	for (i = 0, k = 0; i < n && k < c->pages; i += step, k++)
		pages[k] = (void *)(first + i * psz);
	if (sys_move_pages(c->pages, pages, status) < 0) {
		err = -errno;
		goto out;
	}
	for (k = 0; k < c->pages; k++) {
		if (status[k] < 0 || status[k] >= NUMA_MAX_NODES)
			continue;	/* -ENOENT: not faulted in yet */
		c->located++;
		c->on_node[status[k]]++;
	}
out:
	free(pages);
	free(status);
	return err;
}

double numa_remote_share(const struct page_census *c, hwloc_const_nodeset_t local)
{
	size_t remote = 0;
	int node;

	if (!c->located)
		return NAN;
	for (node = 0; node < NUMA_MAX_NODES; node++)
		if (c->on_node[node] && !hwloc_bitmap_isset(local, (unsigned)node))
			remote += c->on_node[node];
	return (double)remote / (double)c->located;
}

static void census_add(struct page_census *sum, const struct page_census *c)
{
	int i;

	sum->pages += c->pages;
	sum->located += c->located;
	for (i = 0; i < NUMA_MAX_NODES; i++)
		sum->on_node[i] += c->on_node[i];
}

int numa_fill_run(struct cp_run *run, const struct net *net,
		  hwloc_topology_t topo, hwloc_const_nodeset_t local,
		  char *summary, size_t slen, char *warning, size_t wlen)
{
	int nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	struct page_census all = { 0 }, w_remote = { 0 };
	int i, r, nremote_w = 0, err = 0;
	char list[128];
	const char *first_remote = NULL;

	warning[0] = '\0';
	hwloc_bitmap_list_snprintf(list, sizeof(list), local);
	for (i = 0; i < net->nops && i < run->nlayers; i++) {
		struct page_census op = { 0 }, c;

		for (r = 0; r < T_NROLES; r++) {
			const struct tensor_ref *t = &net->ops[i].tensors[r];

			err = numa_census(t->ptr, t->bytes, 4096, &c);
			if (err)
				break;
			census_add(&op, &c);
			if (r == T_WEIGHTS && c.located &&
			    numa_remote_share(&c, local) > 0.5) {
				if (!nremote_w++)
					first_remote = net->ops[i].name;
				census_add(&w_remote, &c);
			}
		}
		if (err)
			break;
		run->layers[i].remote_share = numa_remote_share(&op, local);
		census_add(&all, &op);
	}
	if (err) {
		snprintf(summary, slen, "page placement unknown: move_pages: %s",
			 strerror(-err));
		for (i = 0; i < run->nlayers; i++)
			run->layers[i].remote_share = NAN;
		return err;
	}
	if (nodes <= 1) {
		snprintf(summary, slen, "one NUMA node: every page is local");
		return 0;
	}
	snprintf(summary, slen, "workers on node%s %s; %.1f%% of the located pages are remote",
		 hwloc_bitmap_weight(local) > 1 ? "s" : "", list,
		 100 * numa_remote_share(&all, local));
	if (nremote_w)
		snprintf(warning, wlen, "the weights of %d layer%s (first: %s) sit on another NUMA node than the workers (%s); try --membind local",
			 nremote_w, nremote_w == 1 ? "" : "s", first_remote, list);
	return 0;
}
