// SPDX-License-Identifier: MIT
/*
 * The application hook's shared record as convprof reads it after a
 * `-- command` run: hook_data_read() checks and copies it, app_fill_run()
 * finds the period and makes the rows, and the run is rendered as stat and
 * report would (text, per worker, CSV, JSON). The input encoding is in
 * hookrec.h; tests/fuzz/hookrec-seed.c made the seeds from records that
 * libconvprof-hook.so filled in build/tests/app-prims.
 */
#include <stdio.h>

#include "fuzz.h"
#include "hookrec.h"
#include "core/app.h"
#include "reports/render.h"
#include "util/util.h"

static FILE *devnull;

static void render_all(const struct cp_run *run)
{
	struct render_opts ro = { .format = FMT_TEXT };
	json_t *j;

	render_run(run, devnull, &ro);
	ro.per_thread = 1;
	render_run(run, devnull, &ro);
	ro.format = FMT_CSV;
	ro.sort = "time";
	render_run(run, devnull, &ro);
	ro.format = FMT_JSON;
	ro.per_thread = 0;
	ro.sort = NULL;
	j = run_to_json(run, &ro);
	json_dumpf(j, devnull, 0);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_hook_header h;
	struct hook_data d;
	struct cp_run *run;
	uint8_t *file;
	size_t fsize;

	if (size < 4 || size > (1u << 20))
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	if (data[0] & 1) {
		fsize = size - 1;
		file = xmalloc(fsize ? fsize : 1);
		memcpy(file, data + 1, fsize);
	} else {
		fsize = (size_t)hookrec_layout(&h, data[1] % 5, data[2] % 9, data[3]);
		file = xcalloc(fsize, 1);
		memcpy(file, &h, HOOKREC_BODY_OFF);
		memcpy(file + HOOKREC_BODY_OFF, data + 4, MIN(size - 4, fsize - HOOKREC_BODY_OFF));
	}
	if (hook_data_read(file, fsize, &d) == 0) {
		static const char *const argv[] = { "app", "a b" };

		run = cp_run_new();
		cp_run_set_command(run, 2, argv);
		run->exit_signal = (data[0] >> 3) & 1 ? 11 : 0;
		if (app_fill_run(&d, (data[0] >> 1) & 3, run) == 0)
			render_all(run);
		cp_run_free(run);
		hook_data_release(&d);
	}
	free(file);
	cp_error_clear();
	return 0;
}
