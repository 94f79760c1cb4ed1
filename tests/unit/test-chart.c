// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/chart.h"
#include "reports/svg.h"
#include "tap.h"
#include "util/util.h"
#include "xml-check.h"

static char tmpdir[] = "/tmp/test-chart.XXXXXX";

/* Render @c into a string the caller frees. */
static char *render(const struct chart *c, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	*err = chart_write_svg(c, fp);
	fclose(fp);
	return buf;
}

/* Every check an SVG gets: our parser, xmllint, finite coordinates. */
static void check_svg(const char *what, const char *svg)
{
	char why[128] = "", *path;
	FILE *fp;
	int rc;

	ok(xml_check(svg, why, sizeof(why)) == 0, "%s: well-formed (built-in check) %s", what, why);
	ok(strstr(svg, "<svg ") && strstr(svg, "</svg>\n") == svg + strlen(svg) - 7,
	   "%s: one <svg> element, closed at the end", what);
	ok(!has_nonfinite(svg), "%s: no NaN or infinite coordinates", what);
	path = xasprintf("%s/check.svg", tmpdir);
	fp = fopen(path, "w");
	fputs(svg, fp);
	fclose(fp);
	rc = xmllint_ok(path);
	if (rc < 0)
		skip("xmllint not installed (libxml2-utils)", "%s: xmllint --noout", what);
	else
		ok(rc == 1, "%s: xmllint --noout", what);
	unlink(path);
	free(path);
}

static void test_line(void)
{
	static const double batch[] = { 1, 2, 4, 8, 16, 32 };
	static const double lat[] = { 9.8, 17.5, 33.1, 64.0, 127.9, 251.0 };
	struct chart c;
	char *svg;
	int s1, s2, err;
	size_t i;

	chart_init(&c, "resnet50 f32: latency vs batch");
	chart_set_subtitle(&c, "2 threads, compact pinning");
	chart_axis_set(&c.x, "batch size", CHART_LOG);
	chart_axis_set(&c.y, "latency per batch (ms)", CHART_LINEAR);
	s1 = chart_add_series(&c, "nhwc", CHART_LINE, NULL);
	s2 = chart_add_series(&c, "blocked", CHART_LINE, NULL);
	for (i = 0; i < ARRAY_SIZE(batch); i++) {
		chart_add_point(&c, s1, batch[i], lat[i], NULL, NULL);
		chart_add_point(&c, s2, batch[i], i == 3 ? NAN : lat[i] * 0.8, NULL, NULL);
	}
	chart_add_footnote(&c, "medians of %d iterations", 20);
	svg = render(&c, &err);
	is_int(err, 0, "line chart: written");
	check_svg("line chart", svg);
	ok(strstr(svg, "resnet50 f32: latency vs batch") != NULL, "line chart: title");
	ok(strstr(svg, ">batch size<") && strstr(svg, ">latency per batch (ms)<"), "line chart: axis labels");
	ok(strstr(svg, ">nhwc<") && strstr(svg, ">blocked<"), "line chart: legend names both series");
	ok(strstr(svg, ">2 threads, compact pinning<") != NULL, "line chart: subtitle");
	ok(strstr(svg, ">medians of 20 iterations<") != NULL, "line chart: footnote");
	/* log x over 1..32: decades plus 2 and 5 labelled; linear y: 50-steps */
	ok(strstr(svg, ">1<") && strstr(svg, ">2<") && strstr(svg, ">5<") &&
	   strstr(svg, ">10<") && strstr(svg, ">20<"), "line chart: log ticks 1 2 5 10 20");
	ok(strstr(svg, ">0<") && strstr(svg, ">50<") && strstr(svg, ">250<") &&
	   strstr(svg, ">300<") && !strstr(svg, ">25<"), "line chart: linear ticks 0..300 by 50");
	/* the NaN splits the second line in two polylines: 3 in all */
	{
		int n = 0;
		const char *p = svg;

		while ((p = strstr(p, "<polyline")))
			n++, p++;
		is_int(n, 3, "line chart: a missing value breaks the line");
	}
	ok(strstr(svg, "1 value left out: not a number") != NULL, "line chart: the NaN is a footnote");
	free(svg);
	chart_release(&c);
}

static void test_bars(void)
{
	static const char *cfg[] = { "f32 nchw", "f32 nhwc", "f32 blocked", "bf16 blocked", "int8 blocked" };
	static const double ips[] = { 17.2, 14.9, 21.3, 48.0, NAN };
	struct chart c;
	char *svg;
	int s, err;
	size_t i;

	chart_init(&c, "resnet50: throughput by configuration");
	chart_axis_set(&c.x, "configuration", CHART_LINEAR);
	chart_axis_set(&c.y, "images/s", CHART_LINEAR);
	s = chart_add_series(&c, "throughput", CHART_BARS, NULL);
	for (i = 0; i < ARRAY_SIZE(cfg); i++) {
		chart_add_category(&c, cfg[i]);
		chart_add_point(&c, s, (double)i, ips[i], NULL, NULL);
	}
	s = chart_add_series(&c, "fusion off", CHART_BARS, NULL);
	chart_add_point(&c, s, 2, 19.05, NULL, NULL);
	chart_add_ceiling(&c, 30, NAN, "target 30 img/s", NULL);
	chart_add_ceiling(&c, NAN, 5, NULL, "a slope means nothing over categories");
	svg = render(&c, &err);
	is_int(err, 0, "bar chart: written");
	check_svg("bar chart", svg);
	ok(strstr(svg, ">f32 blocked<") && strstr(svg, ">int8 blocked<"), "bar chart: category names");
	ok(strstr(svg, ">21.3<") && strstr(svg, ">48<") && strstr(svg, ">19.05<"), "bar chart: value labels");
	ok(strstr(svg, ">n/a<") != NULL, "bar chart: an unmeasured bar says n/a, not 0");
	ok(strstr(svg, ">throughput<") && strstr(svg, ">fusion off<"), "bar chart: legend");
	ok(strstr(svg, ">target 30 img/s<") && !strstr(svg, "a slope means"),
	   "bar chart: a horizontal reference line, no slope");
	free(svg);
	chart_release(&c);
}

static void test_roofline_like(void)
{
	struct chart c;
	char *svg;
	int s, err;

	chart_init(&c, "roofline");
	c.y.zero = 0;
	chart_axis_set(&c.x, "FLOP/byte", CHART_LOG);
	chart_axis_set(&c.y, "GFLOP/s", CHART_LOG);
	chart_add_ceiling(&c, 200, 20, "peak 200 GFLOP/s", "20 GB/s");
	s = chart_add_series(&c, "layers", CHART_MARKERS, "#0072B2");
	chart_add_point(&c, s, 2, 30, "conv_2", "conv_2: AI 2");
	chart_add_point(&c, s, 40, 150, "conv_40", NULL);
	chart_add_point(&c, s, 0, 10, NULL, NULL);
	chart_add_point(&c, s, 5, -3, NULL, NULL);
	chart_add_note(&c, 10, 200, "ridge");
	svg = render(&c, &err);
	is_int(err, 0, "log-log chart: written");
	check_svg("log-log chart", svg);
	ok(strstr(svg, ">peak 200 GFLOP/s<") && strstr(svg, ">20 GB/s<"), "log-log chart: ceiling labels");
	ok(strstr(svg, ">conv_2<") && strstr(svg, ">conv_40<") && strstr(svg, ">ridge<"),
	   "log-log chart: point labels and note");
	ok(strstr(svg, "<title>conv_2: AI 2</title>") != NULL, "log-log chart: tooltip");
	ok(strstr(svg, "2 values left out: not positive, on a log axis") != NULL,
	   "log-log chart: non-positive values are left out with a note");
	/* the ceiling bends at the ridge point AI = 10 */
	{
		const char *p = strstr(svg, "<polyline fill=\"none\" stroke=\"#333\"");
		int n = 0;

		ok(p != NULL, "log-log chart: ceiling drawn");
		for (p = p ? strstr(p, "points=\"") : NULL; p && *p != '/'; p++)
			n += *p == ',';
		is_int(n, 3, "log-log chart: ceiling has slope, corner and flat end");
	}
	free(svg);
	chart_release(&c);
}

static void test_escaping(void)
{
	char longname[200];
	struct chart c;
	char *svg;
	int s, err;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	chart_init(&c, "<title> & 'quotes'");
	chart_axis_set(&c.x, "x \"in\" units", CHART_LINEAR);
	s = chart_add_series(&c, "a<b & \"c\"", CHART_MARKERS, NULL);
	chart_add_point(&c, s, 1, 1, "l<1>", NULL);
	s = chart_add_series(&c, "bad \xff\xfe utf8 \x01 ctl \xc3\xa9", CHART_LINE, "\"><script>");
	chart_add_point(&c, s, 2, 2, NULL, NULL);
	s = chart_add_series(&c, longname, CHART_LINE, NULL);
	chart_add_point(&c, s, 3, 3, NULL, NULL);
	svg = render(&c, &err);
	is_int(err, 0, "escaping: written");
	check_svg("escaping", svg);
	ok(strstr(svg, "a&lt;b &amp; &quot;c&quot;") != NULL, "escaping: series name escaped");
	ok(!strstr(svg, "a<b"), "escaping: no raw '<' from a name");
	ok(strstr(svg, "&lt;title&gt; &amp; &apos;quotes&apos;") != NULL, "escaping: title escaped");
	ok(strstr(svg, "l&lt;1&gt;") != NULL, "escaping: point label escaped");
	ok(!strstr(svg, "<script"), "escaping: a colour cannot inject markup");
	ok(strstr(svg, "bad ?? utf8 ? ctl \xc3\xa9") != NULL,
	   "escaping: invalid UTF-8 and controls replaced, valid UTF-8 kept");
	ok(strstr(svg, "xxxxxx\xe2\x80\xa6<") != NULL, "long name: shortened with an ellipsis");
	ok(strstr(svg, longname) != NULL, "long name: whole in a tooltip");
	free(svg);
	chart_release(&c);
}

static void test_empty_and_degenerate(void)
{
	struct chart c;
	char *svg;
	int s, err;

	chart_init(&c, NULL);
	c.width = 10;
	c.height = -5;
	svg = render(&c, &err);
	is_int(err, 0, "empty chart: written");
	check_svg("empty chart", svg);
	ok(strstr(svg, ">no data<") != NULL, "empty chart: says no data");
	ok(strstr(svg, "width=\"480\" height=\"300\"") != NULL, "tiny size: raised to 480 x 300");
	free(svg);
	chart_release(&c);

	/* one point, log axes, all values equal: a range around it, no 0-width */
	chart_init(&c, "one point");
	chart_axis_set(&c.x, "x", CHART_LOG);
	chart_axis_set(&c.y, "y", CHART_LOG);
	s = chart_add_series(&c, "only", CHART_LINE, NULL);
	chart_add_point(&c, s, 10, 10, NULL, NULL);
	chart_add_point(&c, s, INFINITY, 5, NULL, NULL);
	svg = render(&c, &err);
	check_svg("single point", svg);
	ok(strstr(svg, "<circle") != NULL, "single point: drawn");
	free(svg);
	chart_release(&c);

	/* far from zero: ticks still there (5000..5010 by 2) */
	chart_init(&c, "offset");
	c.y.zero = 0;
	s = chart_add_series(&c, "o", CHART_LINE, NULL);
	chart_add_point(&c, s, 1, 5000, NULL, NULL);
	chart_add_point(&c, s, 2, 5010, NULL, NULL);
	svg = render(&c, &err);
	check_svg("offset range", svg);
	ok(strstr(svg, ">5000<") && strstr(svg, ">5010<") && strstr(svg, ">5004<"),
	   "offset range: ticks far from zero");
	free(svg);
	chart_release(&c);

	/* 600 decades: labels thinned to about eight */
	chart_init(&c, "huge");
	chart_axis_set(&c.y, "y", CHART_LOG);
	s = chart_add_series(&c, "h", CHART_MARKERS, NULL);
	chart_add_point(&c, s, 1, 1e-300, NULL, NULL);
	chart_add_point(&c, s, 2, 1e300, NULL, NULL);
	svg = render(&c, &err);
	check_svg("600 decades", svg);
	{
		int n = 0;
		const char *p = svg;

		while ((p = strstr(p, "text-anchor=\"end\">1e")))
			n++, p++;
		ok(n >= 4 && n <= 10, "600 decades: %d labels", n);
	}
	free(svg);
	chart_release(&c);

	/* near the limits of a double on a linear axis */
	chart_init(&c, "extreme");
	s = chart_add_series(&c, "e", CHART_LINE, NULL);
	chart_add_point(&c, s, -1.7e308, -1.7e308, NULL, NULL);
	chart_add_point(&c, s, 1.7e308, 1.7e308, NULL, NULL);
	svg = render(&c, &err);
	check_svg("extreme values", svg);
	free(svg);
	chart_release(&c);

	/* a series that is all zero on a linear axis */
	chart_init(&c, "zeros");
	s = chart_add_series(&c, "z", CHART_LINE, NULL);
	chart_add_point(&c, s, 1, 0, NULL, NULL);
	chart_add_point(&c, s, 1, 0, NULL, NULL);
	chart_add_ceiling(&c, 0.5, NAN, "ideal", NULL);
	svg = render(&c, &err);
	check_svg("all-zero series", svg);
	ok(strstr(svg, ">ideal<") && strstr(svg, "<polyline fill=\"none\" stroke=\"#333\""),
	   "horizontal reference line on numeric axes");
	free(svg);
	chart_release(&c);
}

static void test_fmt(void)
{
	char b[32];

	is_str(chart_fmt_num(b, sizeof(b), 0), "0", "fmt: 0");
	is_str(chart_fmt_num(b, sizeof(b), 0.25), "0.25", "fmt: 0.25");
	is_str(chart_fmt_num(b, sizeof(b), 0.1 + 0.2), "0.3", "fmt: 0.1+0.2");
	is_str(chart_fmt_num(b, sizeof(b), 1234), "1234", "fmt: 1234");
	is_str(chart_fmt_num(b, sizeof(b), 12345), "12.3k", "fmt: 12345");
	is_str(chart_fmt_num(b, sizeof(b), 9999.9), "10k", "fmt: 9999.9 rounds to 10k, not 1e+04");
	is_str(chart_fmt_num(b, sizeof(b), 2.5e9), "2.5G", "fmt: 2.5e9");
	is_str(chart_fmt_num(b, sizeof(b), 999999), "1M", "fmt: 999999 rounds to 1M, not 1e+03k");
	is_str(chart_fmt_num(b, sizeof(b), -45000), "-45k", "fmt: negative");
	is_str(chart_fmt_num(b, sizeof(b), 1e-5), "1e-05", "fmt: small");
	is_str(chart_fmt_num(b, sizeof(b), NAN), "n/a", "fmt: NaN");
}

static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_save(void)
{
	struct chart c;
	char *path, *missing, *asdir, *buf = NULL;
	struct stat st;
	size_t len = 0;
	FILE *fp;
	int err, s;

	chart_init(&c, "saved");
	s = chart_add_series(&c, "s", CHART_LINE, NULL);
	chart_add_point(&c, s, 1, 2, NULL, NULL);

	path = xasprintf("%s/out.svg", tmpdir);
	fp = fopen(path, "w");
	fputs("old", fp);
	fclose(fp);
	err = chart_save_svg(&c, path);
	is_int(err, 0, "save: replaces an existing file");
	fp = fopen(path, "r");
	if (fp) {
		buf = calloc(1, 1 << 16);
		len = fread(buf, 1, (1 << 16) - 1, fp);
		fclose(fp);
	}
	ok(buf && len > 100 && strncmp(buf, "<?xml", 5) == 0 && strstr(buf, "</svg>"),
	   "save: the file holds the whole chart");
	free(buf);
	is_int(dir_entries(tmpdir), 1, "save: no temporary file left");

	missing = xasprintf("%s/no-such-dir/out.svg", tmpdir);
	err = chart_save_svg(&c, missing);
	is_int(err, -ENOENT, "save: missing directory -> -ENOENT");
	ok(strstr(cp_strerror(err), "no-such-dir/out.svg") != NULL, "save: message names the path: %s",
	   cp_strerror(err));
	ok(stat(missing, &st) != 0, "save: nothing created");

	/* renaming over a directory fails after the temporary file is written */
	asdir = xasprintf("%s/adir", tmpdir);
	mkdir(asdir, 0755);
	err = chart_save_svg(&c, asdir);
	ok(err < 0, "save: target is a directory -> error (%d)", err);
	is_int(dir_entries(tmpdir), 2, "save: failed save leaves no temporary file");
	is_int(dir_entries(asdir), 0, "save: directory untouched");

	fp = fopen("/dev/full", "w");
	if (fp) {
		is_int(chart_write_svg(&c, fp), -EIO, "write: a full device is an error");
		fclose(fp);
	} else {
		skip("no /dev/full", "write: a full device is an error");
	}
	rmdir(asdir);
	unlink(path);
	free(asdir);
	free(missing);
	free(path);
	chart_release(&c);
}

/* svg.h: the one escaper, the flame graph's byte-cut form included */
static void test_svg_escape_bytes(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	svg_escape_bytes(fp, "a<b&'\"", 5);		/* the quote is past 5 bytes */
	fputc('|', fp);
	svg_escape_bytes(fp, "caf\xc3\xa9!", 4);	/* cuts the e-acute in two */
	fputc('|', fp);
	svg_escape_bytes(fp, "x\x01y\ttab\xef\xbf\xbe", 100); /* control, U+FFFE */
	fputc('|', fp);
	svg_escape(fp, "abcdef", 4);
	fclose(fp);
	is_str(buf, "a&lt;b&amp;&apos;|caf?|x?y\ttab???|abc\xe2\x80\xa6",
	       "svg_escape_bytes: entities, a cut character, what XML 1.0 forbids; svg_escape cuts with an ellipsis");
	free(buf);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_line();
	test_bars();
	test_roofline_like();
	test_escaping();
	test_svg_escape_bytes();
	test_empty_and_degenerate();
	test_fmt();
	test_save();
	ok(has_nonfinite("points=\"1,-nan\"") && has_nonfinite("x=\"inf\"") &&
	   !has_nonfinite("inference, infinite, nano"), "checker: finds nan/inf as words only");
	ok(xml_check("<a><b></a></b>", (char[64]){ 0 }, 64) != 0 &&
	   xml_check("<a x=\"1 & 2\"/>", (char[64]){ 0 }, 64) != 0 &&
	   xml_check("<a/><b/>", (char[64]){ 0 }, 64) != 0 &&
	   xml_check("<a x=\"&amp;\">t &lt; &#38;</a>", (char[64]){ 0 }, 64) == 0,
	   "checker: rejects crossed tags, bare '&', two roots; accepts entities");
	rmdir(tmpdir);
	return done_testing();
}
