// SPDX-License-Identifier: MIT
/* What stat and record share on the terminal side of a profiled run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/msg.h"
#include "cli/profile-options.h"
#include "ebpf/ebpf.h"
#include "workloads/model.h"
#include "util/util.h"

static void cli_say_warning(void *arg, const char *msg)
{
	(void)arg;
	cp_warn("%s", msg);
}

void cli_say_measuring(void *arg, int iterations, int ops)
{
	(void)arg;
	fprintf(stderr, "convprof: measuring %d iterations of %d ops\n", iterations, ops);
}

int profile_check(struct profile_opts *p, int nargs, const char **args,
		  const char *const *usage)
{
	int w, h;

	if (p->cfg && nargs > 0)
		return usage_error(usage, "give a model or --cfg, not both ('%s')", args[0]);
	if (!p->cfg && nargs == 0)
		return usage_error(usage, "which model? (resnet50, yolov3 or --cfg FILE)");
	if (nargs > 1)
		return usage_error(usage, "unexpected argument '%s'", args[1]);
	if (p->count_every)
		return usage_error(usage, "--count-every applies to -- <command> only");
	if (!p->cfg)
		p->model = args[0];
	if (p->size && parse_size(p->size, &w, &h))
		return usage_error(usage, "bad size '%s' (expected N or WxH, e.g. 224 or 416x320)",
				   p->size);
	if (p->node >= 0 && (!p->pin || strcmp(p->pin, "numa") != 0))
		return usage_error(usage, "--node applies to --pin numa only");
	if (ebpf_parts_parse(p->ebpf, &p->ebpf_parts))
		return usage_error(usage, "%s", cp_strerror(-EINVAL));
	if (!p->warn_fn)
		p->warn_fn = cli_say_warning;
	return 0;
}
