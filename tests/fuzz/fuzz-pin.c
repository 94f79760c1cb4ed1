// SPDX-License-Identifier: MIT
/*
 * --pin (a policy or a cpu list such as "0,2-3") and -t against a synthetic
 * two-node topology, so the input, not this machine, decides the plan.
 */
#include <hwloc.h>

#include "fuzz.h"
#include "core/pin.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hwloc_topology_t topo;
	struct pin_plan plan;
	int nthreads, i, npus;
	char *s;

	if (size < 1 || size > 1024)
		return 0;
	if (!topo && topology_load(&topo, NULL, "node:2 core:4 pu:2"))
		abort();
	npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	nthreads = (int)(data[0] % 24) - 2;	/* -2..21: negative, 0 (default), too many */
	s = fuzz_string(data + 1, size - 1);
	if (pin_plan_make(topo, s, nthreads, -1, &plan) == 0) {
		if (plan.nthreads < 1)
			abort();
		for (i = 0; plan.pus && i < plan.nthreads; i++)
			if (plan.pus[i] < 0 || plan.pus[i] >= npus)
				abort();
		pin_plan_release(&plan);
	}
	cp_error_clear();
	free(s);
	return 0;
}
