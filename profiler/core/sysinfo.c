// SPDX-License-Identifier: MIT
/* What a recording says about the machine it was made on. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/runner.h"
#include "util/util.h"

/* The ISA flags that matter for CNN kernels, as /proc/cpuinfo names them. */
static const char *const isa_flags[] = {
	"avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
	"avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", NULL,
};

static void cpuinfo(struct cp_machine_rec *m)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	size_t n = 0;
	int i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		v += 2;
		v[strcspn(v, "\n")] = '\0';
		if (!m->cpu_model[0] && strncmp(line, "model name", 10) == 0)
			snprintf(m->cpu_model, sizeof(m->cpu_model), "%s", v);
		if (!m->isa[0] && strncmp(line, "flags", 5) == 0) {
			for (i = 0; isa_flags[i]; i++) {
				char pat[64];

				snprintf(pat, sizeof(pat), " %s ", isa_flags[i]);
				if (strstr(v - 1, pat) || strstr(v, pat + 1) == v)
					n += (size_t)snprintf(m->isa + n, sizeof(m->isa) - n,
							      "%s%s", n ? " " : "", isa_flags[i]);
			}
			if (!n)
				snprintf(m->isa, sizeof(m->isa), "-");
		}
	}
	fclose(f);
}

void run_fill_machine(struct cp_run *run, hwloc_topology_t topo)
{
	struct cp_machine_rec *m = &run->machine;
	struct topo_summary s;
	struct utsname u;

	memset(m, 0, sizeof(*m));
	topology_summarize(topo, &s);
	m->pus = s.pus;
	m->cores = s.cores;
	m->numa_nodes = s.numa_nodes;
	m->packages = s.packages;
	m->memory = s.memory;
	m->l1d = topo_cache_size(&s, 1);
	m->l2 = topo_cache_size(&s, 2);
	m->l3 = topo_cache_size(&s, 3);
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%s %s", u.release, u.machine);
	gethostname(m->hostname, sizeof(m->hostname) - 1);
	cpuinfo(m);
}
