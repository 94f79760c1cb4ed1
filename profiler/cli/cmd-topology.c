// SPDX-License-Identifier: MIT
/*
 * convprof topology: the machine as hwloc sees it and where a pinning policy
 * would put the inference workers. The output is reports/topology.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/parse-options.h"
#include "core/pin.h"
#include "reports/topology.h"
#include "util/util.h"

struct topology_opts {
	const char *pin;
	int threads;
	int node;
	const char *xml;
	const char *synthetic;
	const char *format;
};

static const char *const topology_usage[] = {
	"convprof topology [--pin <policy>] [-t <n>] [--node <n>] [--topology <file.xml> | --synthetic <desc>]",
	"",
	"Show packages, NUMA nodes, cores, PUs and caches, and which PUs the",
	"inference workers get under a pinning policy.",
	NULL,
};

int cmd_topology(int argc, const char **argv)
{
	struct topology_opts o = { .pin = "compact", .node = -1, .format = "text" };
	const struct option options[] = {
		OPT_STRING(0, "pin", &o.pin, "<policy>",
			   "compact, scatter, numa, none or a cpu list (default compact)"),
		OPT_INTEGER('t', "threads", &o.threads, 1, 65536, "<n>",
			    "number of inference workers (default: one per core)"),
		OPT_INTEGER(0, "node", &o.node, 0, 65535, "<n>",
			    "NUMA node for --pin numa (default: the first)"),
		OPT_STRING(0, "topology", &o.xml, "<file.xml>",
			   "use an hwloc XML export instead of this machine"),
		OPT_STRING(0, "synthetic", &o.synthetic, "<desc>",
			   "use a synthetic topology, e.g. \"package:2 core:8 pu:2\""),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct topology_source src;
	struct topo_summary s;
	struct pin_plan plan;
	hwloc_topology_t topo = NULL;
	enum cp_format fmt;
	int nargs, err;

	nargs = parse_options(argc, argv, options, topology_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 0)
		return usage_error(topology_usage, "unexpected argument '%s'", argv[0]);
	if (o.xml && o.synthetic)
		return usage_error(topology_usage, "--topology and --synthetic exclude each other");
	if (o.node >= 0 && strcmp(o.pin, "numa") != 0)
		return usage_error(topology_usage, "--node applies to --pin numa only");
	fmt = format_from_string(o.format);

	err = topology_load(&topo, o.xml, o.synthetic);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		return 1;
	}
	topology_summarize(topo, &s);
	err = pin_plan_make(topo, o.pin, o.threads, o.node, &plan);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		hwloc_topology_destroy(topo);
		return 1;
	}
	src.xml = o.xml;
	src.synthetic = o.synthetic;
	topology_print(topo, &s, &plan, &src, stdout, fmt);
	pin_plan_release(&plan);
	hwloc_topology_destroy(topo);
	return 0;
}
