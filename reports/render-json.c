// SPDX-License-Identifier: MIT
/*
 * The stat JSON object of a cp_run (the contract in DESIGN.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/render-app.h"
#include "reports/render-int.h"
#include "reports/workers.h"
#include "util/util.h"

static json_t *counts_object(const struct cp_run *run, int layer, int thread)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < run->nevents; i++) {
		double v;

		if (!run->events[i].supported)
			continue;
		if (thread >= 0)
			v = *cp_run_thread_count((struct cp_run *)run, layer, thread, i);
		else
			v = layer < 0 ? run->total_counts[i] :
			    *cp_run_count((struct cp_run *)run, layer, i);
		/* a count that could not be taken is absent, never 0 */
		if (!isnan(v))
			json_object_set_new(o, run->events[i].name, json_num(v));
	}
	return o;
}

static json_t *derived_object(const struct cp_run *run, int layer)
{
	json_t *o = json_object();
	size_t d;
	double v;

	for (d = 0; d < ARRAY_SIZE(derived_metrics); d++) {
		v = derived_value(run, layer, &derived_metrics[d]);
		if (!isnan(v))
			json_set_num(o, derived_metrics[d].name, v);
	}
	v = llc_gbs(run, layer);
	if (!isnan(v))
		json_set_num(o, LLC_GBS, v);
	return o;
}

static json_t *dims(const int *d)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < 4; i++)
		json_array_append_new(a, json_integer(d[i]));
	return a;
}

static json_t *layer_json(const struct cp_run *run, int layer, int per_thread)
{
	const struct cp_layer_rec *l = row(run, layer);
	json_t *o = json_object();
	int th;

	json_set_int(o, "index", l->index);
	json_set_str(o, "name", l->name);
	json_set_str(o, "kind", l->kind);
	json_set_str(o, "stage", l->stage);
	json_set_str(o, "layout", l->layout);
	json_set_str(o, "weights_layout", l->wei_fmt);
	json_set_str(o, "dst_layout", l->dst_fmt);
	if (run->command_argc) {	/* DESIGN.md's names for command runs */
		json_set_str(o, "wei_fmt", l->wei_fmt);
		json_set_str(o, "dst_fmt", l->dst_fmt);
	}
	if (!strcmp(run->grouping, "primitive") && layer < run->nlayers)
		json_set_int(o, "calls", (long long)l->calls);
	json_set_str(o, "impl", l->impl);
	json_set_bool(o, "reference_kernel", l->is_ref);
	json_set_str(o, "dtype", l->dtype);
	json_set_str(o, "post_ops", l->post_ops);
	json_set_int(o, "flops", (long long)l->flops);
	json_set_int(o, "params", (long long)l->params);
	json_set_int(o, "weight_bytes", (long long)l->weight_bytes);
	json_set_int(o, "in_bytes", (long long)l->in_bytes);
	json_set_int(o, "out_bytes", (long long)l->out_bytes);
	json_object_set_new(o, "in_dims", dims(l->in_dims));
	json_object_set_new(o, "out_dims", dims(l->out_dims));
	if (l->kernel) {
		json_set_int(o, "kernel", l->kernel);
		json_set_int(o, "stride", l->stride);
		json_set_int(o, "pad", l->pad);
	}
	json_set_num(o, "time_ms", l->time_ms);
	json_set_num(o, "share_pct", render_value(run, layer, "share"));
	json_set_num(o, "gflops", render_value(run, layer, "gflops"));
	if (!isnan(l->remote_share))
		json_set_num(o, "remote_share", l->remote_share);
	json_object_set_new(o, "counts", counts_object(run, layer, -1));
	json_object_set_new(o, "derived", derived_object(run, layer));
	workers_layer_json(o, run, layer);
	if (per_thread && run->thread_counts) {
		json_t *a = json_array();

		for (th = 0; th < run->nthreads; th++) {
			json_t *t = json_object();

			json_set_int(t, "worker", th);
			json_object_set_new(t, "counts", counts_object(run, layer, th));
			json_array_append_new(a, t);
		}
		json_object_set_new(o, "threads", a);
	}
	return o;
}

json_t *run_to_json(const struct cp_run *run, const struct render_opts *o)
{
	json_t *root = json_object(), *cfg = json_object(), *cpus = json_array();
	json_t *evs = json_array(), *total = json_object(), *layers = json_array();
	json_t *threads = json_array(), *other;
	int i, *order, n;
	char size[32];

	if (run->id)
		json_set_int(root, "run", run->id);
	json_set_str(root, "model", run->model);
	if (run->command_argc)
		render_command_json(root, run);
	snprintf(size, sizeof(size), "%dx%d", run->width, run->height);
	json_set_str(cfg, "size", size);
	json_set_int(cfg, "width", run->width);
	json_set_int(cfg, "height", run->height);
	json_set_int(cfg, "batch", run->batch);
	json_set_str(cfg, "precision", run->precision);
	json_set_str(cfg, "layout", run->layout);
	json_set_bool(cfg, "fusion", run->fusion);
	json_set_int(cfg, "threads", run->threads);
	json_set_str(cfg, "pin", run->pin);
	for (i = 0; i < run->nthreads; i++)
		if (run->thread_recs[i].cpu_planned >= 0)
			json_array_append_new(cpus, json_integer(run->thread_recs[i].cpu_planned));
	json_object_set_new(cfg, "cpus", cpus);
	if (run->membind[0])
		json_set_str(cfg, "membind", run->membind);
	json_object_set_new(root, "config", cfg);
	json_set_str(root, "backend", run->backend);
	json_set_str(root, "backend_reason", run->backend_reason);
	workers_root_json(root, run);
	if (run->numa[0])
		json_set_str(root, "numa", run->numa);
	if (run->numa_warning[0])
		json_set_str(root, "numa_warning", run->numa_warning);
	for (i = 0; i < run->nevents; i++) {
		json_t *e = json_object();

		json_set_str(e, "name", run->events[i].name);
		json_set_str(e, "source", run->events[i].source);
		json_set_bool(e, "supported", run->events[i].supported);
		if (run->events[i].supported) {
			json_object_set_new(e, "reason", json_null());
			/* how it was counted, e.g. the huge-page mode for faults */
			if (run->events[i].reason[0])
				json_set_str(e, "note", run->events[i].reason);
			if (!isnan(run->events[i].running_ratio))
				json_set_num(e, "running_ratio", run->events[i].running_ratio);
		} else {
			json_set_str(e, "reason", run->events[i].reason);
		}
		json_array_append_new(evs, e);
	}
	json_object_set_new(root, "events", evs);
	json_set_int(root, "iterations", run->iterations);
	json_set_int(root, "warmup", run->warmup);
	json_set_bool(root, "rotate", run->rotate);
	json_set_bool(root, "partial", run->partial);
	json_set_num(total, "latency_ms", run->latency_ms);
	json_set_num(total, "throughput_ips", run->throughput_ips);
	json_set_num(total, "layers_ms", run->layers_ms);
	json_set_num(total, "other_ms", run->other_ms);
	json_set_num(total, "overhead_pct", run->overhead_pct);
	json_set_num(total, "overhead_spread_pct", run->overhead_spread_pct);
	json_object_set_new(total, "overhead_reason", run->overhead_reason[0] ?
			    json_string(run->overhead_reason) : json_null());
	json_set_int(total, "ops", run->op_count);
	json_set_int(total, "reorders", run->reorder_count);
	json_object_set_new(total, "counts", counts_object(run, -1, -1));
	json_object_set_new(total, "derived", derived_object(run, -1));
	json_object_set_new(root, "total", total);
	if (o && o->efficiency)
		json_object_set_new(root, "efficiency", efficiency_to_json(o->efficiency));

	order = xcalloc((size_t)(run->nlayers ? run->nlayers : 1), sizeof(int));
	render_order(run, o ? o->sort : NULL, order);
	n = o && o->top > 0 && o->top < run->nlayers ? o->top : run->nlayers;
	for (i = 0; i < n; i++)
		json_array_append_new(layers, layer_json(run, order[i], o && o->per_thread));
	free(order);
	json_object_set_new(root, "layers", layers);
	other = layer_json(run, run->nlayers, o && o->per_thread);
	json_object_del(other, "index");
	json_object_set_new(root, "other", other);
	for (i = 0; i < run->nthreads; i++) {
		const struct cp_thread_rec *r = &run->thread_recs[i];
		json_t *t = json_object();

		json_set_int(t, "worker", r->worker);
		if (r->cpu_planned >= 0)
			json_set_int(t, "cpu", r->cpu_planned);
		else
			json_object_set_new(t, "cpu", json_null());
		json_set_str(t, "cpus_actual", r->cpus_actual);
		json_set_num(t, "migrations", r->migrations);
		if (run->busy_ms)
			json_set_num(t, "busy_ms", render_worker_busy(run, i));
		if (!isnan(r->cpu_ms))
			json_set_num(t, "cpu_ms", r->cpu_ms);
		json_array_append_new(threads, t);
	}
	json_object_set_new(root, "threads", threads);
	return root;
}
