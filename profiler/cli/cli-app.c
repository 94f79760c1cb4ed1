// SPDX-License-Identifier: MIT
/*
 * What stat and record share for `-- <command>`: splitting argv at "--",
 * refusing the options that describe a built-in model, and telling the
 * user how the command ended.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/builtin.h"
#include "cli/cli-app.h"
#include "ebpf/ebpf.h"
#include "reports/render-app.h"
#include "util/util.h"

int cli_app_split(int argc, const char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return 0;
}

int cli_app_check(struct profile_opts *p, int nargs, const char **args,
		  int cmd_argc, const char *const *usage)
{
	static const char *const msg = "'%s' describes a built-in model; it does not apply to -- <command>";

	if (cmd_argc == 0)
		return usage_error(usage, "'--' must be followed by a command");
	if (nargs > 0)
		return usage_error(usage, "give a model or -- <command>, not both ('%s')", args[0]);
	if (p->cfg)
		return usage_error(usage, msg, "--cfg");
	if (p->weights)
		return usage_error(usage, msg, "--weights");
	if (p->size)
		return usage_error(usage, msg, "--size");
	if (p->batch != 1)
		return usage_error(usage, msg, "--batch");
	if (strcmp(p->precision, "f32"))
		return usage_error(usage, msg, "--precision");
	if (strcmp(p->layout, "blocked"))
		return usage_error(usage, msg, "--layout");
	if (strcmp(p->fusion, "on"))
		return usage_error(usage, msg, "--fusion");
	if (p->membind)
		return usage_error(usage, msg, "--membind");
	if (p->rotate)
		return usage_error(usage, msg, "--rotate");
	if (p->node >= 0 && (!p->pin || strcmp(p->pin, "numa") != 0))
		return usage_error(usage, "--node applies to --pin numa only");
	if (ebpf_parts_parse(p->ebpf, &p->ebpf_parts))
		return usage_error(usage, "%s", cp_strerror(-EINVAL));
	return 0;
}

int cli_app_run(const struct profile_opts *p, int cmd_argc, const char **cmd_argv,
		const char *cmdline, struct cp_run **run)
{
	struct app_opts o = {
		.argc = cmd_argc, .argv = cmd_argv, .pin = p->pin, .threads = p->threads,
		.node = p->node, .warmup = p->warmup, .events = p->events,
		.ebpf_parts = p->ebpf_parts, .count_every = p->count_every,
		.timeline = p->timeline,
	};
	int err = app_run(&o, cmdline, run);

	if (err) {
		cp_die_msg("%s", cp_strerror(err));
		return err == -ENOENT ? 127 : err == -EACCES ? 126 : 1;
	}
	return 0;
}

int cli_app_exit(const struct cp_run *run)
{
	char how[96];

	if (!run->partial)
		return 0;
	render_exit_sentence(run, how, sizeof(how));
	cp_warn("'%s' %s: the results are partial", run->command_argv[0], how);
	return run->exit_signal ? 128 + run->exit_signal : run->exit_status ? run->exit_status : 1;
}
