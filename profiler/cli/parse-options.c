// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/msg.h"
#include "cli/parse-options.h"
#include "util/util.h"

const char *const format_choices[] = { "text", "csv", "json", NULL };

/* "convprof stat [<options>] <model>" -> "convprof stat" */
static void cmd_name(const char *const *usage, char *buf, size_t len)
{
	const char *s = usage && usage[0] ? usage[0] : "convprof";
	const char *sp = strchr(s, ' ');

	if (sp && strncmp(s, "convprof ", 9) == 0)
		sp = strchr(sp + 1, ' ');
	snprintf(buf, len, "%.*s", sp ? (int)(sp - s) : (int)strlen(s), s);
}

static const char *const *cur_usage;

static void verror(const char *fmt, va_list ap)
{
	char name[64], msg[512];

	cmd_name(cur_usage, name, sizeof(name));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", name, msg);
}

static int error_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int error_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return -1;
}

static const char *opt_label(const struct option *o, char *buf, size_t len)
{
	if (o->long_name)
		snprintf(buf, len, "--%s", o->long_name);
	else
		snprintf(buf, len, "-%c", o->short_name);
	return buf;
}

int opt_error(const struct option *opt, const char *fmt, ...)
{
	char label[64], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_line("option '%s': %s", opt_label(opt, label, sizeof(label)),
			  msg);
}

int usage_error(const char *const *usage, const char *fmt, ...)
{
	char name[64], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_name(usage, name, sizeof(name));
	fflush(stdout);
	fprintf(stderr, "%s: %s (see '%s -h')\n", name, msg, name);
	return EXIT_USAGE;
}

static int takes_arg(const struct option *o)
{
	return o->type != OPT_T_BOOL;
}

static int set_value(const struct option *o, const char *arg, int unset)
{
	long l;
	double d;
	int err;

	switch (o->type) {
	case OPT_T_BOOL:
		*(int *)o->value = !unset;
		return 0;
	case OPT_T_INT:
		err = parse_long(arg, o->min, o->max, &l);
		if (err == -ERANGE)
			return opt_error(o, "'%s' is out of range (%ld..%ld)", arg,
					 o->min, o->max);
		if (err)
			return opt_error(o, "expects a whole number, not '%s'", arg);
		*(int *)o->value = (int)l;
		return 0;
	case OPT_T_DOUBLE:
		if (parse_double(arg, &d))
			return opt_error(o, "expects a number, not '%s'", arg);
		*(double *)o->value = d;
		return 0;
	case OPT_T_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_T_CHOICE: {
		const char *const *c;
		char list[256] = "";

		for (c = o->choices; *c; c++) {
			if (strcmp(*c, arg) == 0) {
				*(const char **)o->value = *c;
				return 0;
			}
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", c == o->choices ? "" : ", ", *c);
		}
		return opt_error(o, "unknown value '%s' (expected %s)", arg, list);
	}
	case OPT_T_CALLBACK:
		return o->callback(o, arg) ? -1 : 0;
	default:
		return -1;
	}
}

static const struct option *find_long(const struct option *opts,
				      const char *name, size_t len)
{
	const struct option *o;

	for (o = opts; o->type != OPT_T_END; o++)
		if (o->long_name && strlen(o->long_name) == len &&
		    strncmp(o->long_name, name, len) == 0)
			return o;
	return NULL;
}

static const struct option *find_short(const struct option *opts, int c)
{
	const struct option *o;

	for (o = opts; o->type != OPT_T_END; o++)
		if (o->short_name == c && o->type != OPT_T_GROUP)
			return o;
	return NULL;
}

static int unknown_long(const struct option *opts, const char *name, size_t len)
{
	const struct option *o;
	const char **names = NULL, *best;
	char *given = xasprintf("%.*s", (int)len, name);
	int n = 0;

	for (o = opts; o->type != OPT_T_END; o++)
		n++;
	names = xcalloc((size_t)n + 1, sizeof(*names));
	for (n = 0, o = opts; o->type != OPT_T_END; o++)
		names[n++] = o->long_name;
	best = closest_name(given, names, n, 3);
	if (best)
		error_line("unknown option '--%s'; did you mean '--%s'?", given, best);
	else
		error_line("unknown option '--%s'", given);
	free(names);
	free(given);
	return -1;
}

static int parse_long_opt(const struct option *opts, const char *arg,
			  int *i, int argc, const char **argv)
{
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *o = find_long(opts, name, len);
	int unset = 0;

	if (!o && len > 3 && strncmp(name, "no-", 3) == 0) {
		o = find_long(opts, name + 3, len - 3);
		if (o && o->type != OPT_T_BOOL)
			o = NULL;
		unset = o != NULL;
	}
	if (!o)
		return unknown_long(opts, name, len);
	if (!takes_arg(o)) {
		if (eq)
			return opt_error(o, "takes no value");
		return set_value(o, NULL, unset);
	}
	if (eq)
		return set_value(o, eq + 1, 0);
	if (*i + 1 >= argc)
		return opt_error(o, "requires a value");
	return set_value(o, argv[++*i], 0);
}

static int parse_short_opts(const struct option *opts, const char *arg,
			    int *i, int argc, const char **argv)
{
	const struct option *o;
	const char *p;

	for (p = arg + 1; *p; p++) {
		o = find_short(opts, *p);
		if (!o)
			return error_line("unknown switch '-%c'", *p);
		if (!takes_arg(o)) {
			if (set_value(o, NULL, 0))
				return -1;
			continue;
		}
		if (p[1])
			return set_value(o, p + 1, 0);
		if (*i + 1 >= argc)
			return opt_error(o, "requires a value");
		return set_value(o, argv[++*i], 0);
	}
	return 0;
}

int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage)
{
	int i, nargs = 0, only_operands = 0;

	cur_usage = usage;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (only_operands || arg[0] != '-' || arg[1] == '\0') {
			argv[nargs++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_operands = 1;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage_with_options(stdout, usage, opts, arg[1] == '-');
			exit(stdout_finish());
		}
		if (arg[1] == '-') {
			if (parse_long_opt(opts, arg, &i, argc, argv))
				return -1;
		} else if (parse_short_opts(opts, arg, &i, argc, argv)) {
			return -1;
		}
	}
	argv[nargs] = NULL;
	return nargs;
}

void usage_with_options(FILE *fp, const char *const *usage,
			const struct option *opts, int full)
{
	const struct option *o;
	char name[64];
	int i, in_desc = 0;

	cmd_name(usage, name, sizeof(name));
	for (i = 0; usage[i]; i++) {
		if (!*usage[i]) {
			if (!full)
				break;
			in_desc = 1;
			fputc('\n', fp);
			continue;
		}
		if (in_desc)
			fprintf(fp, "    %s\n", usage[i]);
		else
			fprintf(fp, "%s %s\n", i ? "   or:" : "usage:", usage[i]);
	}
	fputc('\n', fp);
	for (o = opts; o->type != OPT_T_END; o++) {
		char lhs[96];
		int n = 0;

		if (o->type == OPT_T_GROUP) {
			fprintf(fp, "\n%s\n", o->help);
			continue;
		}
		if (o->short_name)
			n += snprintf(lhs + n, sizeof(lhs) - n, "-%c%s",
				      o->short_name, o->long_name ? ", " : "");
		else
			n += snprintf(lhs + n, sizeof(lhs) - n, "    ");
		if (o->long_name)
			n += snprintf(lhs + n, sizeof(lhs) - n, "--%s",
				      o->long_name);
		if (takes_arg(o) && o->argh)
			snprintf(lhs + n, sizeof(lhs) - n, " %s", o->argh);
		if (strlen(lhs) > 26)
			fprintf(fp, "    %s\n    %-26s  %s\n", lhs, "", o->help);
		else
			fprintf(fp, "    %-26s  %s\n", lhs, o->help);
	}
	fprintf(fp, "    %-26s  %s\n", "-h, --help", "show this help (-h: short form)");
	if (full)
		fprintf(fp, "\nSee 'man %s' for the full description.\n",
			strchr(name, ' ') ? (strchr(name, ' ')[0] = '-', name) : name);
}
