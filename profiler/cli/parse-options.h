/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_PARSE_OPTIONS_H
#define CONVPROF_PARSE_OPTIONS_H

#include <stdio.h>

/*
 * Table-driven option parsing in the manner of perf's parse-options: one
 * table per command both parses argv and prints --help, so the two cannot
 * drift apart.
 *
 * Usage strings: an array ending in NULL. The lines before the first ""
 * are synopsis lines ("convprof stat [<options>] <model>"); the lines after
 * it describe the command and are printed by --help but not by -h.
 */

enum opt_type {
	OPT_T_END,
	OPT_T_GROUP,	/* a heading in the help output */
	OPT_T_BOOL,	/* int *; --no-NAME clears it */
	OPT_T_INT,	/* int *, strictly parsed, range [min, max] */
	OPT_T_DOUBLE,	/* double * */
	OPT_T_STRING,	/* const char ** (points into argv) */
	OPT_T_CHOICE,	/* const char **, value must be one of choices[] */
	OPT_T_CALLBACK,	/* callback(opt, arg) parses arg itself */
};

struct option;
typedef int (*opt_callback_fn)(const struct option *opt, const char *arg);

struct option {
	enum opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;	/* placeholder in help: "<n>" */
	const char *help;
	long min, max;		/* OPT_T_INT range */
	const char *const *choices;	/* OPT_T_CHOICE, NULL-terminated */
	opt_callback_fn callback;
	int optional;		/* OPT_T_INT: --name alone sets defval, --name=N sets N */
	int defval;
};

#define OPT_END() { .type = OPT_T_END }
#define OPT_GROUP(h) { .type = OPT_T_GROUP, .help = (h) }
#define OPT_BOOLEAN(s, l, v, h) \
	{ .type = OPT_T_BOOL, .short_name = (s), .long_name = (l), \
	  .value = (v), .help = (h) }
#define OPT_INTEGER(s, l, v, lo, hi, a, h) \
	{ .type = OPT_T_INT, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .min = (lo), .max = (hi) }
#define OPT_INTEGER_OPTARG(l, v, lo, hi, def, a, h) \
	{ .type = OPT_T_INT, .long_name = (l), .value = (v), .argh = (a), \
	  .help = (h), .min = (lo), .max = (hi), .optional = 1, .defval = (def) }
#define OPT_DOUBLE(s, l, v, a, h) \
	{ .type = OPT_T_DOUBLE, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h) }
#define OPT_STRING(s, l, v, a, h) \
	{ .type = OPT_T_STRING, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h) }
#define OPT_CHOICE(s, l, v, c, a, h) \
	{ .type = OPT_T_CHOICE, .short_name = (s), .long_name = (l), \
	  .value = (v), .choices = (c), .argh = (a), .help = (h) }
#define OPT_CALLBACK(s, l, v, a, h, cb) \
	{ .type = OPT_T_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = (v), .argh = (a), .help = (h), .callback = (cb) }

/* The --format option every command that prints results carries. */
extern const char *const format_choices[];
#define OPT_FORMAT(v) \
	OPT_CHOICE(0, "format", (v), format_choices, "<fmt>", \
		   "output format: text, csv or json")

/*
 * Parse @argv (argv[0] is the command name) against @opts. Options and
 * operands may be mixed; "--" ends the options. Operands are moved to the
 * front of argv and their count is returned.
 *
 * -h prints the short usage, --help the full one, both on stdout, and exit 0.
 * A bad option prints one line on stderr (with a hint when a close option
 * exists) and returns -1; the caller exits with status 2.
 */
int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage);

/* Print the usage to @fp; @full adds the description lines. */
void usage_with_options(FILE *fp, const char *const *usage,
			const struct option *opts, int full);

/*
 * A usage error after parsing ("missing model"): one line on stderr naming
 * the command, a pointer to -h; returns 2 for the caller to exit with.
 */
int usage_error(const char *const *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For callbacks: report a bad value of @opt, returns -1. */
int opt_error(const struct option *opt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Exit status for usage errors (bad option, missing operand). */
#define EXIT_USAGE 2

#endif
