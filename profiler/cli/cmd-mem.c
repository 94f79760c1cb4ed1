// SPDX-License-Identifier: MIT
/*
 * convprof mem: the memory study of a model without running it. The numbers
 * are study/mem.c, the output reports/mem-report.c: this file parses the
 * options and calls them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/parse-options.h"
#include "reports/mem-report.h"
#include "study/mem.h"
#include "workloads/model.h"
#include "util/util.h"

struct mem_opts {
	const char *cfg;
	const char *sizes;
	const char *precision;
	int batch;
	const char *format;
};

static const char *const mem_usage[] = {
	"convprof mem [<options>] <model>",
	"convprof mem [<options>] --cfg <file>",
	"",
	"The memory study: weights, input and output bytes of every layer, the",
	"largest input+output pair and the peak of live activations, and which",
	"of this machine's caches each layer's working set fits. No inference",
	"runs. <model> is resnet50, yolov3 or a darknet cfg file.",
	NULL,
};

/* "224,416x320" -> sizes; every item is checked before anything runs */
static int parse_sizes(const char *list, int **ws, int **hs)
{
	char *copy = xstrdup(list), *tok = copy, *comma;
	int n = 0;

	*ws = NULL;
	*hs = NULL;
	for (; tok; tok = comma ? comma + 1 : NULL) {
		comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		*ws = xrealloc(*ws, sizeof(int) * (size_t)(n + 1));
		*hs = xrealloc(*hs, sizeof(int) * (size_t)(n + 1));
		if (parse_size(tok, &(*ws)[n], &(*hs)[n])) {
			usage_error(mem_usage, "bad size '%s' (expected N or WxH, 1 to %d)",
				    tok, MODEL_MAX_SIZE);
			free(*ws);
			free(*hs);
			*ws = *hs = NULL;
			n = -1;
			break;
		}
		n++;
	}
	free(copy);
	return n;
}

int cmd_mem(int argc, const char **argv)
{
	struct mem_opts o = { .precision = "f32", .batch = 1, .format = "text" };
	const struct option options[] = {
		OPT_STRING(0, "cfg", &o.cfg, "<file>", "a darknet cfg instead of a built-in model"),
		OPT_STRING('s', "size", &o.sizes, "<list>",
			   "input sizes, N or WxH, comma-separated (default: the cfg's)"),
		OPT_INTEGER('b', "batch", &o.batch, 1, MEM_MAX_BATCH, "<n>",
			    "images per batch (default 1)"),
		OPT_CHOICE('p', "precision", &o.precision, precision_choices, "<p>",
			   "element size: f32 (4 bytes, default), bf16 (2) or int8 (1)"),
		OPT_FORMAT(&o.format),
		OPT_END(),
	};
	struct mem_study st = { .n = 0 };
	struct mem_caches caches;
	struct model m = { .n = 0 };
	int *ws = NULL, *hs = NULL, nsizes = 1, nargs, err, s, ret = 1;
	enum cp_format fmt;

	nargs = parse_options(argc, argv, options, mem_usage);
	if (nargs < 0)
		return EXIT_USAGE;
	if (nargs > 1)
		return usage_error(mem_usage, "unexpected argument '%s'", argv[1]);
	if (nargs == 1 && o.cfg)
		return usage_error(mem_usage, "give a model or --cfg, not both");
	if (nargs == 0 && !o.cfg)
		return usage_error(mem_usage, "missing model (resnet50, yolov3 or --cfg <file>)");
	if (o.sizes) {
		nsizes = parse_sizes(o.sizes, &ws, &hs);
		if (nsizes < 0)
			return EXIT_USAGE;
	}
	fmt = format_from_string(o.format);

	err = o.cfg ? model_load_file(o.cfg, &m) : model_load(argv[0], &m);
	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		goto out;
	}
	mem_caches_probe(&caches);
	mem_study_init(&st, &m, o.precision, o.batch, &caches);
	/* every size is shaped before anything is printed: no half tables */
	for (s = 0; s < nsizes; s++) {
		err = model_shape(&m, ws ? ws[s] : 0, hs ? hs[s] : 0, o.batch);
		if (err) {
			cp_die_msg("%s", cp_strerror(err));
			goto out;
		}
		mem_study_add(&st);
	}
	mem_print(&st, stdout, fmt);
	ret = 0;
out:
	mem_study_release(&st);
	free(ws);
	free(hs);
	model_release(&m);
	return ret;
}
