// SPDX-License-Identifier: MIT
/*
 * What the per-layer view adds for a `convprof stat|record -- <command>`
 * run: the command and how it ended, in the text header and in JSON.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/json-out.h"
#include "reports/render-app.h"

/* "exited with status 3", "was killed by signal 11 (Segmentation fault)" */
const char *render_exit_sentence(const struct cp_run *run, char *buf, size_t len)
{
	static char own[96];

	if (!buf) {
		buf = own;
		len = sizeof(own);
	}
	if (run->exit_signal)
		snprintf(buf, len, "was killed by signal %d (%s)", run->exit_signal,
			 strsignal(run->exit_signal));
	else
		snprintf(buf, len, "exited with status %d", run->exit_status);
	return buf;
}

/* A `-- command` run: the command instead of the model's configuration. */
void render_command_header(const struct cp_run *run, FILE *fp)
{
	int i;

	fprintf(fp, "command:");
	for (i = 0; i < run->command_argc; i++)
		fprintf(fp, strpbrk(run->command_argv[i], " \t'\"") ? " '%s'" : " %s",
			run->command_argv[i]);
	fprintf(fp, " (%s)\n", render_exit_sentence(run, NULL, 0));
	if (run->app_note[0])
		fprintf(fp, "note: %s\n", run->app_note);
}

/* A worker's busy time per inference over all layers; NaN if never measured. */
double render_worker_busy(const struct cp_run *run, int w)
{
	double sum = 0;
	int l, any = 0;

	for (l = 0; l <= run->nlayers; l++) {
		double v = run->busy_ms[(long)l * run->nthreads + w];

		if (!isnan(v)) {
			sum += v;
			any = 1;
		}
	}
	return any ? sum : NAN;
}

/* DESIGN.md: "command", "grouping", "exit" of a `-- command` run */
void render_command_json(json_t *root, const struct cp_run *run)
{
	json_t *argv = json_array(), *ex = json_object();
	int i;

	for (i = 0; i < run->command_argc; i++)
		json_array_append_new(argv, json_string(run->command_argv[i]));
	json_object_set_new(root, "command", argv);
	json_set_str(root, "grouping", run->grouping);
	if (!strcmp(run->grouping, "sequence"))
		json_set_int(root, "periods", run->periods);
	if (run->exit_signal)
		json_set_int(ex, "signal", run->exit_signal);
	else
		json_set_int(ex, "status", run->exit_status);
	json_object_set_new(root, "exit", ex);
	if (run->app_note[0])
		json_set_str(root, "note", run->app_note);
}
