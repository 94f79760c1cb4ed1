// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convprof/run.h"
#include "util/json.h"
#include "reports/render.h"
#include "tap.h"
#include "util/util.h"

/* A constructed run: cycles/instructions "counted", LLC misses not. */
static struct cp_run *fixture(void)
{
	struct cp_run *r = cp_run_new();
	static const char *names[] = { "conv1", "layer1.0.conv1", "fc" };
	static const double times[] = { 2.0, 5.0, 1.0 };
	int i, cyc, ins, llc;

	snprintf(r->model, sizeof(r->model), "resnet50");
	r->width = r->height = 224;
	r->batch = 1;
	snprintf(r->precision, sizeof(r->precision), "f32");
	snprintf(r->layout, sizeof(r->layout), "blocked");
	snprintf(r->pin, sizeof(r->pin), "compact");
	snprintf(r->backend, sizeof(r->backend), "rdpmc");
	r->threads = 2;
	r->iterations = 10;
	cyc = cp_run_add_event(r, "cycles", "hardware", 1, NULL);
	ins = cp_run_add_event(r, "instructions", "hardware", 1, NULL);
	llc = cp_run_add_event(r, "LLC-load-misses", "hardware", 0, "no hardware PMU");
	cp_run_set_layers(r, 3);
	cp_run_set_threads(r, 2);
	for (i = 0; i < 3; i++) {
		struct cp_layer_rec *l = &r->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", names[i]);
		snprintf(l->kind, sizeof(l->kind), i == 2 ? "fc" : "conv");
		snprintf(l->layout, sizeof(l->layout), "nChw16c");
		snprintf(l->impl, sizeof(l->impl), i == 1 ? "ref:any" : "brgconv:avx512_core");
		l->is_ref = i == 1;
		l->time_ms = times[i];
		l->flops = (uint64_t)(times[i] * 1e8);
		*cp_run_count(r, i, cyc) = 1000.0 * (i + 1);
		*cp_run_count(r, i, ins) = 2000.0 * (i + 1);
		*cp_run_thread_count(r, i, 0, cyc) = 600.0 * (i + 1);
		*cp_run_thread_count(r, i, 1, cyc) = 400.0 * (i + 1);
	}
	*cp_run_count(r, 3, cyc) = 100;
	*cp_run_count(r, 3, ins) = 50;
	r->total_counts[cyc] = 6100;
	r->total_counts[ins] = 12050;
	(void)llc;
	r->latency_ms = 8.5;
	r->other_ms = 0.5;
	r->layers_ms = 8.0;
	r->throughput_ips = 1000 / 8.5;
	return r;
}

int main(void)
{
	struct cp_run *r = fixture();
	struct render_opts o = { .format = FMT_JSON };
	json_t *j = run_to_json(r, &o), *layers, *l1;
	int order[3];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	layers = json_object_get(j, "layers");
	is_int(json_array_size(layers), 3, "three layers in JSON");
	l1 = json_array_get(layers, 1);
	ok(json_object_get(json_object_get(l1, "counts"), "LLC-load-misses") == NULL,
	   "an event not counted is absent from counts, never 0");
	is_near(json_real_value(json_object_get(json_object_get(l1, "derived"), "ipc")) +
		json_integer_value(json_object_get(json_object_get(l1, "derived"), "ipc")),
		2.0, 1e-9, "IPC derived where both inputs were counted");
	ok(json_object_get(json_object_get(l1, "derived"), "mpki") == NULL,
	   "MPKI absent: LLC misses were not counted");
	ok(json_is_true(json_object_get(l1, "reference_kernel")), "ref kernel flagged");
	is_str(json_string_value(json_object_get(json_object_get(j, "config"), "size")),
	       "224x224", "config.size");
	ok(json_object_get(json_array_get(layers, 0), "threads") == NULL,
	   "no per-thread breakdown unless asked");
	json_decref(j);

	render_order(r, "time", order);
	ok(order[0] == 1 && order[1] == 0 && order[2] == 2, "sort by time, largest first");
	render_order(r, "cycles", order);
	ok(order[0] == 2 && order[2] == 0, "sort by an event");
	render_order(r, NULL, order);
	ok(order[0] == 0 && order[2] == 2, "default: execution order");
	is_int(render_check_sort(r, "time,cycles"), 0, "valid sort keys");
	is_int(render_check_sort(r, "cycels"), -EINVAL, "unknown key rejected");
	ok(strstr(cp_strerror(-EINVAL), "did you mean 'cycles'") != NULL, "with a hint");
	is_int(render_check_sort(r, "LLC-load-misses"), -EINVAL, "an uncounted event cannot sort");

	o.format = FMT_TEXT;
	o.per_thread = 1;
	fp = open_memstream(&buf, &len);
	is_int(render_run(r, fp, &o), 0, "text renders");
	fclose(fp);
	ok(strstr(buf, "not supported: LLC-load-misses (no hardware PMU)") != NULL,
	   "header lists the uncounted event with its reason");
	ok(strstr(buf, "REFERENCE KERNEL") != NULL, "ref row marked at a glance");
	ok(strstr(buf, "WARNING: 1 op ran on oneDNN reference kernels") != NULL, "and warned");
	ok(strstr(buf, "  worker 1") != NULL, "per-thread rows");
	ok(strstr(buf, "LLC-load-misses  ") == NULL, "no column for the uncounted event");
	free(buf);

	o.format = FMT_CSV;
	o.per_thread = 0;
	buf = NULL;
	fp = open_memstream(&buf, &len);
	render_run(r, fp, &o);
	fclose(fp);
	{
		const char *hdr = "#,layer,kind,layout,impl,time_ms,share%,GFLOP/s,cycles,instructions,ipc,flag\n";

		ok(strncmp(buf, hdr, strlen(hdr)) == 0, "CSV header: %.*s", (int)strlen(hdr), buf);
	}
	ok(strstr(buf, "\n1,layer1.0.conv1,conv,nChw16c,ref:any,5,") != NULL, "CSV row with raw numbers");
	free(buf);
	cp_run_free(r);
	return done_testing();
}
