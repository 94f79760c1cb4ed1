// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workloads/model.h"
#include "workloads/net.h"
#include "core/numa.h"
#include "core/profile.h"
#include "ebpf/ebpf.h"
#include "core/run-net.h"
#include "core/runner.h"
#include "core/symbols.h"
#include "util/util.h"

const char *const precision_choices[] = { "f32", "bf16", "int8", NULL };
const char *const layout_choices[] = { "nchw", "nhwc", "blocked", NULL };
const char *const onoff_choices[] = { "on", "off", NULL };

void profile_cmdline(int argc, const char **argv, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "convprof");
	int i;

	for (i = 0; i < argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      strchr(argv[i], ' ') ? " '%s'" : " %s", argv[i]);
}

static void fill_config(struct cp_run *run, const struct profile_opts *p,
			const struct net *net, const char *cmdline)
{
	cp_run_stamp(run, cmdline);
	snprintf(run->dnnl_version, sizeof(run->dnnl_version), "%s", net_dnnl_version());
	snprintf(run->model, sizeof(run->model), "%s", net->model.name);
	run->width = net->model.input.w;
	run->height = net->model.input.h;
	run->batch = net->cfg.batch;
	snprintf(run->precision, sizeof(run->precision), "%s", p->precision);
	snprintf(run->layout, sizeof(run->layout), "%s", p->layout);
	run->fusion = strcmp(p->fusion, "on") == 0;
	run->iterations = p->iterations;
	run->warmup = p->warmup;
}

/*
 * Every buffer of the net goes through here, so that a configuration too
 * big for this machine's memory is refused with its size before its pages
 * are touched, instead of meeting the OOM killer in the first inference.
 */
struct counted_alloc {
	struct net_allocator inner;
	uint64_t bytes;
};

static void *counted_alloc(size_t bytes, void *ctx)
{
	struct counted_alloc *c = ctx;
	void *p;

	if (c->inner.alloc)
		p = c->inner.alloc(bytes, c->inner.ctx);
	else
		p = aligned_alloc(64, (bytes + 63) / 64 * 64);
	if (p)
		c->bytes += bytes;
	return p;
}

static void counted_free(void *p, size_t bytes, void *ctx)
{
	struct counted_alloc *c = ctx;

	if (c->inner.alloc)
		c->inner.free(p, bytes, c->inner.ctx);
	else
		free(p);
	c->bytes -= MIN(bytes, c->bytes);
}

static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb * 1024;
}

/* After the run every tensor has been touched: ask where its pages are. */
static void fill_numa(struct cp_run *run, const struct net *net, struct runner *r)
{
	hwloc_topology_t topo = runner_topology(r);
	const struct pin_plan *plan = runner_plan(r);
	hwloc_cpuset_t cpus = hwloc_bitmap_alloc();
	hwloc_nodeset_t local = hwloc_bitmap_alloc();
	int i;

	if (plan->pus)
		for (i = 0; i < plan->nthreads; i++)
			hwloc_bitmap_set(cpus, (unsigned)plan->pus[i]);
	else
		hwloc_bitmap_copy(cpus, hwloc_topology_get_topology_cpuset(topo));
	hwloc_cpuset_to_nodeset(topo, cpus, local);
	numa_fill_run(run, net, topo, local, run->numa, sizeof(run->numa),
		      run->numa_warning, sizeof(run->numa_warning));
	hwloc_bitmap_free(cpus);
	hwloc_bitmap_free(local);
}

int profile_run(const struct profile_opts *p, const char *cmdline,
		struct cp_run **out)
{
	struct runner_opts ro = {
		.pin = p->pin, .threads = p->threads, .node = p->node,
		.membind = p->membind, .events = p->events, .rotate = p->rotate,
		.iterations = p->iterations, .warmup = p->warmup,
		.overhead = !p->no_overhead, .no_rdpmc = p->no_rdpmc,
		.sample_freq = p->freq, .progress = p->progress ? p->progress_fn : NULL,
		.progress_arg = p->progress_arg,
		.ebpf_parts = p->ebpf_parts,
		.no_busy = p->no_busy, .timeline = p->timeline,
	};
	struct net_config nc = { .batch = p->batch, .fusion = strcmp(p->fusion, "on") == 0,
				 .seed = (unsigned)p->seed, .weights = p->weights };
	struct model m = { 0 };
	struct net net;
	struct runner *r = NULL;
	struct cp_run *run = NULL;
	struct workload w;
	struct sigaction old_sigint;
	struct jit_perfmap perfmap = { 0 };
	struct counted_alloc counted = { .bytes = 0 };
	uint64_t avail;
	int err, built = 0, i, nref = 0, perfmap_on = 0;

	memset(&net, 0, sizeof(net));
	/* from here on Ctrl-C ends the run cleanly: a partial run or nothing */
	runner_catch_sigint(&old_sigint);
	err = model_load(p->cfg ? p->cfg : p->model, &m);
	if (err)
		goto out;
	if (p->size)
		parse_size(p->size, &nc.width, &nc.height);
	err = model_shape(&m, nc.width, nc.height, p->batch);
	if (err)
		goto out;
	if (precision_from_string(p->precision, &nc.precision) ||
	    layout_from_string(p->layout, &nc.layout)) {
		err = cp_error(-EINVAL, "bad precision or layout");
		goto out;
	}
	err = runner_new(&r, &ro);
	if (err)
		goto out;
	runner_allocator(r, &counted.inner);
	nc.allocator.alloc = counted_alloc;
	nc.allocator.free = counted_free;
	nc.allocator.ctx = &counted;
	/* oneDNN names its JIT kernels only if asked before it generates them */
	if (p->ebpf_parts & EBPF_SAMPLE)
		perfmap_on = jit_perfmap_begin(&perfmap) == 0;
	err = net_build(&net, &m, &nc);
	if (err)
		goto out;
	built = 1;
	avail = mem_available();
	if (avail && counted.bytes > avail - avail / 10) {
		char need[32], have[32];

		err = cp_error(-ENOMEM, "%s at %dx%d, batch %d needs %s of buffers; this machine has %s available: use a smaller size or batch",
			       net.model.name, net.model.input.w, net.model.input.h, p->batch,
			       fmt_bytes(need, sizeof(need), counted.bytes),
			       fmt_bytes(have, sizeof(have), avail));
		goto out;
	}
	if (runner_interrupted) {
		err = cp_error(-EINTR, "interrupted before a measured iteration finished");
		goto out;
	}

	run = cp_run_new();
	fill_config(run, p, &net, cmdline);
	cp_run_set_layers(run, net.nops);
	run_fill_layers(run, &net);
	run_fill_machine(run, runner_topology(r));
	for (i = 0; i < run->nlayers; i++)
		nref += run->layers[i].is_ref;
	if (nref && !p->quiet && p->warn_fn) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%d op%s run on oneDNN reference kernels (e.g. %s): an iteration may take very long",
			 nref, nref == 1 ? "" : "s", run->layers[0].is_ref ? run->layers[0].name :
			 "int8 with nchw");
		p->warn_fn(p->warn_arg, msg);
	}
	workload_from_net(&w, &net);
	if (p->before_measure) {
		err = p->before_measure(p->before_measure_arg);
		if (err)
			goto out;
	}
	err = runner_measure(r, &w, run);
	if (err)
		goto out;
	fill_numa(run, &net, r);
	*out = run;
	run = NULL;
out:
	cp_run_free(run);
	if (perfmap_on)
		jit_perfmap_end(&perfmap);
	if (built)
		net_release(&net);
	runner_free(r);
	model_release(&m);
	runner_release_sigint(&old_sigint);
	return err;
}
