// SPDX-License-Identifier: MIT
/*
 * convprof list: what this machine lets convprof measure, and why not.
 */
#include <stdio.h>
#include <string.h>

/* linux/perf_event.h (via events.h) first: libpfm4 skips its own copy then */
#include "core/events.h"
#include <perfmon/pfmlib_perf_event.h>

#include "cli/builtin.h"
#include "util/json.h"
#include "workloads/model.h"
#include "cli/parse-options.h"
#include "reports/table.h"
#include "util/util.h"

struct list_opts {
	int all;
	const char *format;
};

static const char *const list_usage[] = {
	"convprof list [events [--all] | models] [--format <fmt>]",
	"",
	"List the events convprof accepts, each probed on this machine with",
	"whether it can be counted here and, if not, why; or the built-in models.",
	NULL,
};

/*
 * Every event of the present core and uncore PMUs libpfm4 knows, "pmu::event".
 * Returns how many core PMUs were present: none means libpfm4 does not know
 * this CPU (a newer family than the library), which the caller says.
 */
static int add_raw_events(struct event_spec **evs, size_t *n, size_t *alloc)
{
	pfm_pmu_info_t pinfo;
	pfm_event_info_t einfo;
	int pmu, idx, ncore = 0;

	pfm_for_all_pmus(pmu) {
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.size = sizeof(pinfo);
		if (pfm_get_pmu_info(pmu, &pinfo) != PFM_SUCCESS || !pinfo.is_present)
			continue;
		if (pinfo.type != PFM_PMU_TYPE_CORE && pinfo.type != PFM_PMU_TYPE_UNCORE)
			continue;
		ncore += pinfo.type == PFM_PMU_TYPE_CORE;
		for (idx = pinfo.first_event; idx != -1; idx = pfm_get_event_next(idx)) {
			struct event_spec *e;

			memset(&einfo, 0, sizeof(einfo));
			einfo.size = sizeof(einfo);
			if (pfm_get_event_info(idx, PFM_OS_NONE, &einfo) != PFM_SUCCESS)
				continue;
			ALLOC_GROW(*evs, *n + 1, *alloc);
			e = &(*evs)[(*n)++];
			memset(e, 0, sizeof(*e));
			snprintf(e->name, sizeof(e->name), "%s::%s", pinfo.name, einfo.name);
		}
	}
	return ncore;
}

/* "family 26 model 2" of /proc/cpuinfo, to name a CPU libpfm4 does not know. */
static void cpu_family_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	int fam = -1, model = -1;

	snprintf(buf, len, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && (fam < 0 || model < 0)) {
		if (fam < 0 && sscanf(line, "cpu family : %d", &fam) == 1)
			continue;
		if (model < 0 && strncmp(line, "model\t", 6) == 0)
			sscanf(strchr(line, ':') + 1, "%d", &model);
	}
	fclose(f);
	if (fam >= 0)
		snprintf(buf, len, "cpu family %d model %d", fam, model);
}

static int list_events(const struct list_opts *o)
{
	struct event_spec *evs = NULL;
	size_t n = 0, alloc = 0, i;
	struct event_list one;
	enum cp_backend b;
	char why[300];
	enum cp_format fmt = format_from_string(o->format);
	char raw_why[200] = "";
	int err;

	err = events_pfm_init();
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		return 1;
	}
	for (i = 0; cp_friendly_events[i]; i++) {
		ALLOC_GROW(evs, n + 1, alloc);
		memset(&evs[n], 0, sizeof(evs[n]));
		snprintf(evs[n++].name, sizeof(evs[0].name), "%s", cp_friendly_events[i]);
	}
	if (o->all && add_raw_events(&evs, &n, &alloc) == 0) {
		char cpu[64];

		cpu_family_model(cpu, sizeof(cpu));
		snprintf(raw_why, sizeof(raw_why),
			 "libpfm4 knows no core PMU of this CPU (%s): no raw events to list", cpu);
	}

	/* encode and probe one at a time: one unknown name must not hide the rest */
	for (i = 0; i < n; i++) {
		memset(&one, 0, sizeof(one));
		one.n = 1;
		one.ev[0] = evs[i];
		err = event_list_encode(&one);
		if (err) {
			snprintf(one.ev[0].reason, sizeof(one.ev[0].reason), "%s",
				 cp_strerror(err));
			snprintf(one.ev[0].pmu, sizeof(one.ev[0].pmu), "unknown");
			cp_error_clear();
		} else {
			event_list_probe(&one);
		}
		evs[i] = one.ev[0];
	}
	b = backend_probe(why, sizeof(why));

	if (fmt == FMT_JSON) {
		json_t *root = json_object(), *arr = json_array();

		json_set_str(root, "backend", backend_name(b));
		json_set_str(root, "backend_reason", why);
		for (i = 0; i < n; i++) {
			json_t *e = json_object();

			json_set_str(e, "name", evs[i].name);
			json_set_str(e, "pmu", evs[i].pmu);
			json_set_bool(e, "supported", evs[i].supported);
			if (evs[i].supported)
				json_object_set_new(e, "reason", json_null());
			else
				json_set_str(e, "reason", evs[i].reason);
			json_array_append_new(arr, e);
		}
		json_object_set_new(root, "events", arr);
		if (*raw_why)
			json_set_str(root, "raw_events_reason", raw_why);
		json_print(root, stdout);
	} else {
		struct table *t = table_new();

		table_add_column(t, "event", ALIGN_LEFT);
		table_add_column(t, "pmu", ALIGN_LEFT);
		table_add_column(t, "status", ALIGN_LEFT);
		for (i = 0; i < n; i++) {
			table_add_row(t);
			table_set(t, 0, "%s", evs[i].name);
			table_set(t, 1, "%s", evs[i].pmu);
			if (evs[i].supported)
				table_set(t, 2, "supported");
			else
				table_set(t, 2, "not supported (%s)", evs[i].reason);
		}
		if (fmt == FMT_TEXT)
			printf("backend: %s (%s)\n\n", backend_name(b), why);
		table_print(t, stdout, fmt, 0);
		table_free(t);
		if (fmt == FMT_TEXT && *raw_why)
			printf("\nraw events: %s\n", raw_why);
	}
	free(evs);
	return 0;
}

/* The registry's models, each loaded to report its size, layers and cost. */
static int list_models(const struct list_opts *o)
{
	enum cp_format fmt = format_from_string(o->format);
	json_t *root = NULL, *arr = NULL;
	struct table *t = NULL;
	struct model m;
	char size[32];
	int i, err, ret = 1;

	if (fmt == FMT_JSON) {
		root = json_object();
		arr = json_array();
	} else {
		t = table_new();
		table_add_column(t, "model", ALIGN_LEFT);
		table_add_column(t, "default_size", ALIGN_RIGHT);
		table_add_column(t, "conv_layers", ALIGN_RIGHT);
		table_add_column(t, "params", ALIGN_RIGHT);
		table_add_column(t, "gflops", ALIGN_RIGHT);
		table_add_column(t, "description", ALIGN_LEFT);
	}
	for (i = 0; model_builtin_names[i]; i++) {
		const char *name = model_builtin_names[i];

		err = model_load_builtin(name, &m);
		if (err) {
			/* a built-in that does not parse is convprof's bug: say so */
			cp_die_msg("built-in model '%s': %s", name, cp_strerror(err));
			goto out;
		}
		snprintf(size, sizeof(size), "%dx%d", m.cfg_width, m.cfg_height);
		if (fmt == FMT_JSON) {
			json_t *j = json_object();

			json_set_str(j, "name", name);
			json_set_str(j, "description", model_builtin_description(name));
			json_set_str(j, "default_size", size);
			json_set_int(j, "conv_layers", model_count(&m, LK_CONV));
			json_set_int(j, "params", (long long)model_params(&m));
			json_set_num(j, "gflops", (double)model_flops(&m) / 1e9);
			json_array_append_new(arr, j);
		} else {
			table_add_row(t);
			table_set(t, 0, "%s", name);
			table_set(t, 1, "%s", size);
			table_set(t, 2, "%d", model_count(&m, LK_CONV));
			table_set(t, 3, "%llu", (unsigned long long)model_params(&m));
			table_set(t, 4, "%.3f", (double)model_flops(&m) / 1e9);
			table_set(t, 5, "%s", model_builtin_description(name));
		}
		model_release(&m);
	}
	if (fmt == FMT_JSON) {
		json_object_set_new(root, "models", arr);
		json_print(root, stdout);
		root = arr = NULL;
	} else {
		table_print(t, stdout, fmt, 0);
	}
	ret = 0;
out:
	json_decref(arr);
	json_decref(root);
	table_free(t);
	return ret;
}

int cmd_list(int argc, const char **argv)
{
	struct list_opts o = { .format = "text" };
	const struct option options[] = {
		OPT_BOOLEAN(0, "all", &o.all,
			    "with events: also every raw event of this CPU's PMUs (libpfm4)"),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	int nargs = parse_options(argc, argv, options, list_usage);

	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 1)
		return usage_error(list_usage, "unexpected argument '%s'", argv[1]);
	if (nargs == 0 || strcmp(argv[0], "events") == 0)
		return list_events(&o);
	if (strcmp(argv[0], "models") == 0) {
		if (o.all)
			return usage_error(list_usage, "--all applies to events only");
		return list_models(&o);
	}
	return usage_error(list_usage, "unknown list '%s' (expected events or models)",
			   argv[0]);
}
