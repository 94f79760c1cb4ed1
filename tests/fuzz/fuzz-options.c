// SPDX-License-Identifier: MIT
/*
 * The option parser: the input split at NUL bytes is an argv, parsed
 * against a table with every kind of option. -h and --help are left out:
 * they print the usage and exit, as they should.
 */
#include "fuzz.h"
#include "cli/parse-options.h"
#include "util/util.h"

static const char *const usage[] = { "convprof fuzz [<options>] <operand>", NULL };
static const char *const choices[] = { "one", "two", "three", NULL };

static int list_cb(const struct option *opt, const char *arg)
{
	long *l = NULL;
	int n = parse_long_list(arg, 0, 1000, &l);

	free(l);
	return n > 0 ? 0 : opt_error(opt, "bad list '%s'", arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *argv[66];
	int argc = 1, b = 0, i = 0, n;
	const char *s = NULL, *c = NULL;
	double d = 0;
	char *copy, *p, *end;
	const struct option opts[] = {
		OPT_GROUP("fuzzing"),
		OPT_BOOLEAN('q', "quiet", &b, "a flag"),
		OPT_INTEGER('n', "iterations", &i, 1, 1000000, "<n>", "a number"),
		OPT_DOUBLE(0, "ratio", &d, "<x>", "a real"),
		OPT_STRING('o', "output", &s, "<file>", "a string"),
		OPT_CHOICE('p', "pick", &c, choices, "<c>", "a choice"),
		OPT_CALLBACK('l', "list", NULL, "<list>", "a callback", list_cb),
		OPT_END(),
	};

	if (size > 4096)
		return 0;
	copy = fuzz_string(data, size);
	argv[0] = "fuzz";
	for (p = copy, end = copy + size; p <= end && argc < 64; p += strlen(p) + 1) {
		if (!strcmp(p, "-h") || !strcmp(p, "--help"))
			goto out;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	n = parse_options(argc, argv, opts, usage);
	if (n > argc - 1)
		abort();
	if (n >= 0 && argv[n] != NULL)
		abort();	/* operands moved to the front, NULL after them */
	if (c && strcmp(c, "one") && strcmp(c, "two") && strcmp(c, "three"))
		abort();
	if (i && (i < 1 || i > 1000000))
		abort();
out:
	free(copy);
	return 0;
}
