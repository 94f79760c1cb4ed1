// SPDX-License-Identifier: MIT
/* Page placement queries: touched pages have a node, untouched ones none. */
#include <errno.h>
#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/numa.h"
#include "tap.h"

int main(void)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), n = 64, i;
	char *mem = mmap(NULL, n * psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hwloc_bitmap_t local = hwloc_bitmap_alloc(), other = hwloc_bitmap_alloc();
	struct page_census c;
	int node = -1, k, err;

	madvise(mem, n * psz, MADV_NOHUGEPAGE);
	err = numa_census(mem, n * psz, 0, &c);
	if (err == -ENOSYS) {
		skip("move_pages is not available in this kernel", "page census");
		return done_testing();
	}
	is_int(err, 0, "census of untouched memory");
	is_int(c.pages, n, "every page asked about");
	is_int(c.located, 0, "untouched pages have no node");
	ok(isnan(numa_remote_share(&c, local)), "so their remote share is unknown, not 0");

	for (i = 0; i < n / 2; i++)
		mem[i * psz] = 1;
	is_int(numa_census(mem, n * psz, 0, &c), 0, "census after touching half");
	is_int(c.located, n / 2, "the touched half is located");
	for (k = 0; k < NUMA_MAX_NODES; k++)
		if (c.on_node[k])
			node = k;
	ok(node >= 0 && c.on_node[node] == n / 2, "all on one node here (node %d)", node);
	hwloc_bitmap_only(local, (unsigned)node);
	is_near(numa_remote_share(&c, local), 0.0, 1e-12, "local to the node they are on");
	hwloc_bitmap_only(other, (unsigned)node + 1);
	is_near(numa_remote_share(&c, other), 1.0, 1e-12, "remote to any other node");

	is_int(numa_census(mem, n * psz, 8, &c), 0, "sampled census");
	is_int(c.pages, 8, "at most 8 pages asked about");
	is_int(c.located, 4, "the sample sees the touched half");
	is_int(numa_census(mem + 100, 10, 0, &c), 0, "a range inside one page");
	is_int(c.pages, 1, "is one page");
	munmap(mem, n * psz);
	hwloc_bitmap_free(local);
	hwloc_bitmap_free(other);
	return done_testing();
}
