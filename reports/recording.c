// SPDX-License-Identifier: MIT
/*
 * What a report says about the recording around a run: which file, when,
 * by what, on which machine; and the list of a file's runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "reports/json-out.h"
#include "reports/recording.h"
#include "reports/table.h"
#include "util/util.h"

void recording_print_header(const struct cp_run *run, const char *path, FILE *fp)
{
	const struct cp_machine_rec *m = &run->machine;
	char buf[32];

	fprintf(fp, "run: %lld of '%s', recorded %s by convprof %s, oneDNN %s\n",
		(long long)run->id, path, run->time[0] ? run->time : "?",
		run->convprof_version[0] ? run->convprof_version : "?",
		run->dnnl_version[0] ? run->dnnl_version : "?");
	if (run->cmdline[0])
		fprintf(fp, "cmdline: %s\n", run->cmdline);
	/* what the recorder did not know stays out, rather than reading 0 */
	fprintf(fp, "machine: %s", m->cpu_model[0] ? m->cpu_model : "unknown CPU");
	if (m->cores)
		fprintf(fp, ", %d cores", m->cores);
	if (m->pus)
		fprintf(fp, ", %d PUs", m->pus);
	if (m->numa_nodes)
		fprintf(fp, ", %d NUMA node%s", m->numa_nodes, m->numa_nodes == 1 ? "" : "s");
	if (m->l1d)
		fprintf(fp, ", L1d %s", fmt_bytes(buf, sizeof(buf), m->l1d));
	if (m->l2)
		fprintf(fp, ", L2 %s", fmt_bytes(buf, sizeof(buf), m->l2));
	if (m->l3)
		fprintf(fp, ", L3 %s", fmt_bytes(buf, sizeof(buf), m->l3));
	if (m->memory)
		fprintf(fp, ", memory %s", fmt_bytes(buf, sizeof(buf), m->memory));
	fputc('\n', fp);
	if (m->kernel[0] || m->hostname[0])
		fprintf(fp, "system: Linux %s on %s\n", m->kernel[0] ? m->kernel : "?",
			m->hostname[0] ? m->hostname : "?");
	if (m->isa[0])
		fprintf(fp, "isa: %s\n", m->isa);
}

void recording_add_json(json_t *root, const struct cp_run *run, const char *path)
{
	const struct cp_machine_rec *m = &run->machine;
	json_t *mj = json_object();

	json_set_str(root, "file", path);
	json_set_str(root, "time", run->time);
	json_set_str(root, "cmdline", run->cmdline);
	json_set_str(root, "convprof_version", run->convprof_version);
	json_set_str(root, "dnnl_version", run->dnnl_version);
	json_set_str(mj, "cpu_model", m->cpu_model);
	json_set_str(mj, "isa", m->isa);
	json_set_str(mj, "kernel", m->kernel);
	json_set_str(mj, "hostname", m->hostname);
	json_set_int(mj, "pus", m->pus);
	json_set_int(mj, "cores", m->cores);
	json_set_int(mj, "numa_nodes", m->numa_nodes);
	json_set_int(mj, "packages", m->packages);
	json_set_int(mj, "l1d_bytes", (long long)m->l1d);
	json_set_int(mj, "l2_bytes", (long long)m->l2);
	json_set_int(mj, "l3_bytes", (long long)m->l3);
	json_set_int(mj, "memory_bytes", (long long)m->memory);
	json_object_set_new(root, "machine", mj);
}

int runs_render(const struct store_run_info *v, int n, const char *path,
		enum cp_format fmt, FILE *fp)
{
	int i;

	if (fmt == FMT_JSON) {
		json_t *root = json_object(), *arr = json_array();

		for (i = 0; i < n; i++) {
			json_t *r = json_object();

			json_set_int(r, "id", v[i].id);
			json_set_str(r, "time", v[i].time);
			json_set_str(r, "model", v[i].model);
			json_set_int(r, "width", v[i].width);
			json_set_int(r, "height", v[i].height);
			json_set_int(r, "batch", v[i].batch);
			json_set_str(r, "precision", v[i].precision);
			json_set_str(r, "layout", v[i].layout);
			json_set_bool(r, "fusion", v[i].fusion);
			json_set_int(r, "threads", v[i].threads);
			json_set_int(r, "layers", v[i].nlayers);
			json_set_num(r, "latency_ms", v[i].latency_ms);
			json_set_bool(r, "partial", v[i].partial);
			json_array_append_new(arr, r);
		}
		json_set_str(root, "file", path);
		json_object_set_new(root, "runs", arr);
		return json_print(root, fp);
	} else {
		struct table *t = table_new();
		static const char *const cols[] = {
			"run", "time", "model", "size", "batch", "precision", "layout",
			"fusion", "threads", "layers", "latency_ms", "",
		};

		for (i = 0; i < (int)ARRAY_SIZE(cols); i++)
			table_add_column(t, cols[i], i == 0 || (i >= 8 && i <= 10) ||
					 i == 4 ? ALIGN_RIGHT : ALIGN_LEFT);
		for (i = 0; i < n; i++) {
			table_add_row(t);
			table_set(t, 0, "%lld", (long long)v[i].id);
			table_set(t, 1, "%s", v[i].time);
			table_set(t, 2, "%s", v[i].model);
			table_set(t, 5, "%s", v[i].precision);
			table_set(t, 6, "%s", v[i].layout);
			if (v[i].width > 0) {
				table_set(t, 3, "%dx%d", v[i].width, v[i].height);
				table_set(t, 4, "%d", v[i].batch);
				table_set(t, 7, "%s", v[i].fusion ? "on" : "off");
			} else {	/* a command run: its own input, batch and fusion */
				table_set(t, 3, "-");
				table_set(t, 4, "-");
				table_set(t, 7, "-");
			}
			table_set(t, 8, "%d", v[i].threads);
			table_set(t, 9, "%d", v[i].nlayers);
			if (isnan(v[i].latency_ms))
				table_set(t, 10, "-");
			else
				table_set(t, 10, "%.3f", v[i].latency_ms);
			if (v[i].partial)
				table_set(t, 11, "partial");
		}
		if (!n && fmt == FMT_TEXT)
			fprintf(fp, "'%s' holds no runs\n", path);
		else
			table_print(t, fp, fmt, 0);
		table_free(t);
	}
	return ferror(fp) ? -EIO : 0;
}
