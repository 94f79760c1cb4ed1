// SPDX-License-Identifier: MIT
#include <math.h>
#include <errno.h>
#include <stdlib.h>

#include "tap.h"
#include "util/util.h"
#include "reports/table.h"

static void test_numbers(void)
{
	long v = 0, *list = NULL;
	double d = 0;

	ok(parse_long("42", 0, 100, &v) == 0 && v == 42, "parse_long accepts 42");
	is_int(parse_long("42x", 0, 100, &v), -EINVAL, "parse_long rejects trailing junk");
	is_int(parse_long("", 0, 100, &v), -EINVAL, "parse_long rejects empty");
	is_int(parse_long("101", 0, 100, &v), -ERANGE, "parse_long enforces the range");
	is_int(parse_long("99999999999999999999", 0, 100, &v), -ERANGE, "parse_long catches overflow");
	ok(parse_double("2.5", &d) == 0 && d == 2.5, "parse_double accepts 2.5");
	is_int(parse_double("nan", &d), -EINVAL, "parse_double rejects nan");
	is_int(parse_long_list("1,2,4", 1, 64, &list), 3, "list of three");
	ok(list && list[0] == 1 && list[1] == 2 && list[2] == 4, "list values in order");
	free(list);
	is_int(parse_long_list("1,,2", 1, 64, &list), -EINVAL, "empty list item rejected");
	is_int(parse_long_list("1,", 1, 64, &list), -EINVAL, "trailing comma rejected");
	is_int(parse_long_list("0", 1, 64, &list), -ERANGE, "list item out of range");
}

static void test_strings(void)
{
	char buf[32];

	is_int(levenshtein("stat", "stat"), 0, "levenshtein of equal strings");
	is_int(levenshtein("stta", "stat"), 1, "a swap costs one");
	is_int(levenshtein("topolgy", "topology"), 1, "a missing letter costs one");
	is_str(fmt_bytes(buf, sizeof(buf), 32768), "32 KiB", "32768 bytes");
	is_str(fmt_bytes(buf, sizeof(buf), 1536 * 1024), "1.5 MiB", "1.5 MiB");
	is_str(fmt_bytes(buf, sizeof(buf), 100), "100 B", "100 bytes");
	/* one SI formatter for render and diff, beyond T */
	is_str(fmt_si(buf, sizeof(buf), 9999, 0), "9999", "below 10000 as is");
	is_str(fmt_si(buf, sizeof(buf), 12.5, 0), "12.5", "a fraction keeps one digit");
	is_str(fmt_si(buf, sizeof(buf), 12345678, 0), "12.35M", "4 significant digits");
	is_str(fmt_si(buf, sizeof(buf), 123.4e9, 0), "123.4G", "three before the point");
	is_str(fmt_si(buf, sizeof(buf), 2.5e15, 0), "2.50P", "peta, which render stopped short of");
	is_str(fmt_si(buf, sizeof(buf), -3e6, 1), "-3.00M", "a negative change");
	is_str(fmt_si(buf, sizeof(buf), 42, 1), "+42", "a positive change has its sign");
	is_str(fmt_si(buf, sizeof(buf), NAN, 0), "-", "unknown is a dash");
	is_int(cp_error(-EINVAL, "cpu %d does not exist", 7), -EINVAL, "cp_error returns its error");
	is_str(cp_strerror(-EINVAL), "cpu 7 does not exist", "cp_strerror gives the message");
	cp_error_clear();
	is_str(cp_strerror(-ENOENT), "No such file or directory", "and strerror once cleared");
}

static void test_table(void)
{
	struct table *t = table_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	table_add_column(t, "name", ALIGN_LEFT);
	table_add_column(t, "n", ALIGN_RIGHT);
	table_add_row(t);
	table_set(t, 0, "a,b");
	table_set(t, 1, "%d", 10);
	table_add_row(t);
	table_set(t, 0, "say \"hi\"");
	table_set(t, 1, "7");
	fp = open_memstream(&buf, &len);
	table_print(t, fp, FMT_CSV, 0);
	fclose(fp);
	is_str(buf, "name,n\n\"a,b\",10\n\"say \"\"hi\"\"\",7\n", "CSV quotes commas and quotes");
	free(buf);
	fp = open_memstream(&buf, &len);
	table_print(t, fp, FMT_TEXT, 0);
	fclose(fp);
	is_str(buf, "name       n\na,b       10\nsay \"hi\"   7\n", "text aligns columns");
	free(buf);
	table_free(t);
}

int main(void)
{
	test_numbers();
	test_strings();
	test_table();
	return done_testing();
}
