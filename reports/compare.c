// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"
#include "util/util.h"

int compare_check(const struct cp_run *a, const struct cp_run *b)
{
	if (strcmp(a->model, b->model) != 0)
		return cp_error(-EINVAL, "cannot compare run %lld (%s) with run %lld (%s): "
				"different models", (long long)a->id, a->model,
				(long long)b->id, b->model);
	if (a->width != b->width || a->height != b->height)
		return cp_error(-EINVAL, "cannot compare run %lld (%s %dx%d) with run %lld "
				"(%s %dx%d): different image sizes, so different work per layer",
				(long long)a->id, a->model, a->width, a->height,
				(long long)b->id, b->model, b->width, b->height);
	return 0;
}

/* Append "what" to both labels when the field differs. */
static void label_add(char *la, char *lb, size_t len, const char *va, const char *vb)
{
	size_t na = strlen(la), nb = strlen(lb);

	snprintf(la + na, len - na, "%s%s", na ? " " : "", va);
	snprintf(lb + nb, len - nb, "%s%s", nb ? " " : "", vb);
}

/* Command runs: the arguments from the first that differs ("channels_last"). */
static void command_labels(const struct cp_run *a, const struct cp_run *b,
			   char *la, char *lb, size_t len)
{
	const struct cp_run *r[2] = { a, b };
	char *out[2] = { la, lb };
	int i, k, first = 0;

	while (first < a->command_argc && first < b->command_argc &&
	       !strcmp(a->command_argv[first], b->command_argv[first]))
		first++;
	for (k = 0; k < 2; k++) {
		size_t n = 0;

		for (i = first; i < r[k]->command_argc && n < len; i++)
			n += (size_t)snprintf(out[k] + n, len - n, "%s%s", n ? " " : "",
					      r[k]->command_argv[i]);
	}
	/* one side without arguments of its own: name it by its run */
	if (!la[0] || !lb[0]) {
		if (!la[0])
			snprintf(la, len, "run %lld", (long long)a->id);
		if (!lb[0])
			snprintf(lb, len, "run %lld", (long long)b->id);
	}
}

void compare_labels(const struct cp_run *a, const struct cp_run *b,
		    const char *fallback_a, const char *fallback_b,
		    char *la, char *lb, size_t len)
{
	char x[80], y[80];

	la[0] = lb[0] = '\0';
	if (strcmp(a->layout, b->layout))
		label_add(la, lb, len, a->layout, b->layout);
	if (strcmp(a->precision, b->precision))
		label_add(la, lb, len, a->precision, b->precision);
	if (a->fusion != b->fusion)
		label_add(la, lb, len, a->fusion ? "fusion on" : "fusion off",
			  b->fusion ? "fusion on" : "fusion off");
	if (a->batch != b->batch) {
		snprintf(x, sizeof(x), "batch %d", a->batch);
		snprintf(y, sizeof(y), "batch %d", b->batch);
		label_add(la, lb, len, x, y);
	}
	if (a->threads != b->threads) {
		snprintf(x, sizeof(x), "%d thread%s", a->threads, a->threads == 1 ? "" : "s");
		snprintf(y, sizeof(y), "%d thread%s", b->threads, b->threads == 1 ? "" : "s");
		label_add(la, lb, len, x, y);
	}
	if (strcmp(a->pin, b->pin)) {
		snprintf(x, sizeof(x), "pin %s", a->pin);
		snprintf(y, sizeof(y), "pin %s", b->pin);
		label_add(la, lb, len, x, y);
	}
	if (!la[0] && a->command_argc && b->command_argc)
		command_labels(a, b, la, lb, len);
	if (la[0])
		return;
	if (fallback_a && fallback_b) {
		snprintf(la, len, "%s", fallback_a);
		snprintf(lb, len, "%s", fallback_b);
	} else {
		snprintf(la, len, "run %lld", (long long)a->id);
		snprintf(lb, len, "run %lld", (long long)b->id);
	}
}

/* How many layers before @row in @run have its name: the k of "k-th conv1". */
static int occurrence(const struct cp_run *run, int row)
{
	int i, k = 0;

	for (i = 0; i < row; i++)
		k += strcmp(run->layers[i].name, run->layers[row].name) == 0;
	return k;
}

static int find_layer(const struct cp_run *run, const char *name, int k)
{
	int i;

	for (i = 0; i < run->nlayers; i++)
		if (strcmp(run->layers[i].name, name) == 0 && k-- == 0)
			return i;
	return -1;
}

void compare_match(const struct cp_run *a, const struct cp_run *b,
		   struct comparison *c)
{
	char *used = xcalloc((size_t)(a->nlayers ? a->nlayers : 1), 1);
	int i, j;

	memset(c, 0, sizeof(*c));
	c->rows = xcalloc((size_t)(a->nlayers + b->nlayers + 1), sizeof(*c->rows));
	for (i = 0; i < b->nlayers; i++) {
		j = find_layer(a, b->layers[i].name, occurrence(b, i));
		c->rows[c->n].a = j;
		c->rows[c->n++].b = i;
		if (j >= 0)
			used[j] = 1;
	}
	for (j = 0; j < a->nlayers; j++)
		if (!used[j]) {
			c->rows[c->n].a = j;
			c->rows[c->n++].b = -1;
		}
	free(used);

	c->ev_a = xcalloc((size_t)(a->nevents ? a->nevents : 1), sizeof(int));
	c->ev_b = xcalloc((size_t)(a->nevents ? a->nevents : 1), sizeof(int));
	for (i = 0; i < a->nevents; i++) {
		j = cp_run_event_index(b, a->events[i].name);
		if (j < 0 || !a->events[i].supported || !b->events[j].supported)
			continue;
		c->ev_a[c->nev] = i;
		c->ev_b[c->nev++] = j;
	}
}

void compare_release(struct comparison *c)
{
	free(c->rows);
	free(c->ev_a);
	free(c->ev_b);
	memset(c, 0, sizeof(*c));
}

double compare_speedup(const struct cp_run *a, const struct cp_run *b)
{
	if (a->latency_ms > 0 && b->latency_ms > 0)
		return a->latency_ms / b->latency_ms;
	if (a->layers_ms > 0 && b->layers_ms > 0)
		return a->layers_ms / b->layers_ms;
	return NAN;
}

void compare_summary(const struct cp_run *a, const struct cp_run *b,
		     const struct comparison *c, const char *la, const char *lb,
		     char *buf, size_t len)
{
	double s = compare_speedup(a, b);
	int i, conv = 0, conv_faster = 0, all = 0, all_faster = 0, faster;
	char speed[64], reorders[48];

	for (i = 0; i < c->n; i++) {
		const struct compare_row *r = &c->rows[i];
		double ta, tb;

		if (r->a < 0 || r->b < 0)
			continue;
		ta = a->layers[r->a].time_ms;
		tb = b->layers[r->b].time_ms;
		if (isnan(ta) || isnan(tb))
			continue;
		faster = tb < ta;
		all++;
		all_faster += faster;
		if (strcmp(b->layers[r->b].kind, "conv") == 0) {
			conv++;
			conv_faster += faster;
		}
	}
	if (isnan(s))
		snprintf(speed, sizeof(speed), "latency unknown");
	else if (s >= 1.005)
		snprintf(speed, sizeof(speed), "%.2fx faster", s);
	else if (s <= 1 / 1.005)
		snprintf(speed, sizeof(speed), "%.2fx slower", 1 / s);
	else
		snprintf(speed, sizeof(speed), "as fast");
	/* command runs: what a layout change does to a framework's reorders first */
	reorders[0] = '\0';
	if (a->command_argc && b->command_argc && a->reorder_count != b->reorder_count)
		snprintf(reorders, sizeof(reorders), "%d %s reorders, ",
			 abs(a->reorder_count - b->reorder_count),
			 b->reorder_count < a->reorder_count ? "fewer" : "more");
	if (conv)
		snprintf(buf, len, "%s vs %s: %s%s, %d of %d conv layers faster", lb, la,
			 reorders, speed, conv_faster, conv);
	else
		snprintf(buf, len, "%s vs %s: %s%s, %d of %d layers faster", lb, la,
			 reorders, speed, all_faster, all);
}
