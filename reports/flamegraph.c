// SPDX-License-Identifier: MIT
/*
 * The SVG flame graph. Frames form a tree keyed by what identifies them
 * across runs (layer names, not their layout), so the differential graph
 * can find each of B's frames in A.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/flamegraph.h"
#include "reports/svg.h"
#include "util/util.h"

const char *const flame_color_choices[] = { "kind", "layout", NULL };

#define SVG_WIDTH 1200.0
#define PAD 10.0
#define ROW 17.0
#define FONT 12.0
#define CHAR_W (FONT * 0.6)	/* monospace advance */
#define TOP 64.0
#define MIN_W 0.1		/* narrower frames are not drawn */

struct node {
	char *key, *label;
	uint64_t value, base;
	int has_base;
	int layer;		/* row in the run, -1 above the layers */
	int depth;
	int child, next;	/* first child, next sibling; -1 none */
};

struct tree {
	struct node *n;
	size_t len, alloc;
	int maxdepth;
};

static int tree_add(struct tree *t, const char *key, const char *label, int depth,
		    int layer)
{
	struct node *n;

	ALLOC_GROW(t->n, t->len + 1, t->alloc);
	n = &t->n[t->len];
	memset(n, 0, sizeof(*n));
	n->key = xstrdup(key);
	n->label = xstrdup(label);
	n->depth = depth;
	n->layer = layer;
	n->child = n->next = -1;
	if (depth > t->maxdepth)
		t->maxdepth = depth;
	return (int)t->len++;
}

/* The child of @parent keyed @key; created (at the end: keeps order) if @create. */
static int tree_child(struct tree *t, int parent, const char *key, const char *label,
		      int layer, int create)
{
	int c = t->n[parent].child, last = -1, id;

	for (; c >= 0; last = c, c = t->n[c].next)
		if (strcmp(t->n[c].key, key) == 0)
			return c;
	if (!create)
		return -1;
	id = tree_add(t, key, label, t->n[parent].depth + 1, layer);
	if (last < 0)
		t->n[parent].child = id;
	else
		t->n[last].next = id;
	return id;
}

static void tree_free(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->len; i++) {
		free(t->n[i].key);
		free(t->n[i].label);
	}
	free(t->n);
}

/* Occurrence of a layer's name before it, so repeated names stay distinct. */
static int name_occurrence(const struct cp_run *run, int layer)
{
	int i, k = 0;

	for (i = 0; i < layer; i++)
		k += strcmp(run->layers[i].name, run->layers[layer].name) == 0;
	return k;
}

/*
 * Walk (or build) the path of stack @s; add its value to every node on it,
 * as B's value or, for the base run, as A's. Returns 0, or -1 when the base
 * run's path has no frame in B.
 */
static int tree_put(struct tree *t, const struct cp_run *run,
		    const struct folded_stack *s, int is_base)
{
	char key[256], label[256], frame[256];
	int path[4], np = 0, cur = 0, i, missing = 0;
	const char *p, *end;

	path[np++] = 0;
	if (s->layer < run->nlayers) {
		snprintf(key, sizeof(key), "stage:%s", run->layers[s->layer].stage);
		cur = tree_child(t, cur, key,
				 folded_stage_label(label, sizeof(label), run, s->layer),
				 -1, !is_base);
		if (cur < 0)
			return -1;
		path[np++] = cur;
		snprintf(key, sizeof(key), "layer:%s#%d", run->layers[s->layer].name,
			 name_occurrence(run, s->layer));
	} else {
		snprintf(key, sizeof(key), "layer:(other)");
	}
	cur = tree_child(t, cur, key, folded_layer_label(label, sizeof(label), run, s->layer),
			 s->layer, !is_base);
	if (cur < 0)
		return -1;
	path[np++] = cur;
	for (i = 0; i < np; i++) {
		if (is_base) {
			t->n[path[i]].base += s->value;
			t->n[path[i]].has_base = 1;
		} else {
			t->n[path[i]].value += s->value;
		}
	}
	for (p = s->frames; p && *p && !missing; p = *end ? end + 1 : end) {
		char *one;

		end = strchr(p, ';');
		end = end ? end : p + strlen(p);
		one = xasprintf("%.*s", (int)(end - p), p);
		folded_frame(frame, sizeof(frame), one);
		free(one);
		cur = tree_child(t, cur, frame, frame, s->layer, !is_base);
		if (cur < 0) {
			missing = 1;
			break;
		}
		if (is_base) {
			t->n[cur].base += s->value;
			t->n[cur].has_base = 1;
		} else {
			t->n[cur].value += s->value;
		}
	}
	return missing ? -1 : 0;
}

/* Palette for layer kinds: compute warm, memory-bound ops cool, overhead grey. */
static const struct {
	const char *kind, *color;
} kind_colors[] = {
	{ "conv", "#e8743b" }, { "fc", "#d64541" }, { "bn", "#5cb85c" },
	{ "relu", "#8fd18f" }, { "leaky", "#8fd18f" }, { "add", "#f2c14e" },
	{ "maxpool", "#5bc0de" }, { "avgpool", "#7fb3d5" }, { "concat", "#a569bd" },
	{ "upsample", "#c39bd3" }, { "reorder", "#a0a0a0" }, { "other", "#cfcfcf" },
};

static const char *const spare_colors[] = {
	"#e8743b", "#5bc0de", "#5cb85c", "#f2c14e", "#a569bd", "#d64541",
	"#7fb3d5", "#c39bd3", "#8fd18f", "#e59866",
};

struct legend {
	char keys[32][32];
	const char *colors[32];
	int n;
};

static const char *key_color(struct legend *lg, const char *key, int by_kind)
{
	size_t i;
	int k;

	for (k = 0; k < lg->n; k++)
		if (strcmp(lg->keys[k], key) == 0)
			return lg->colors[k];
	if (lg->n == (int)ARRAY_SIZE(lg->keys))
		return "#cfcfcf";
	snprintf(lg->keys[lg->n], sizeof(lg->keys[0]), "%s", key);
	lg->colors[lg->n] = spare_colors[lg->n % ARRAY_SIZE(spare_colors)];
	for (i = 0; by_kind && i < ARRAY_SIZE(kind_colors); i++)
		if (strcmp(kind_colors[i].kind, key) == 0)
			lg->colors[lg->n] = kind_colors[i].color;
	return lg->colors[lg->n++];
}

static void node_color(char *buf, size_t len, const struct tree *t, const struct node *n,
		       const struct cp_run *run, const struct flame_opts *o, int diff,
		       struct legend *lg)
{
	const char *hex;
	unsigned r, g, b;

	if (diff) {
		/* log2 change: 2x slower is full red, 2x faster full blue */
		double ch = !n->has_base || !n->base ? 1.0 :
			    log2((double)n->value / (double)n->base);
		double in = fmin(1.0, fabs(ch));
		unsigned v = (unsigned)lround(235 - 175 * in);

		if (in < 0.01)
			snprintf(buf, len, "#dcdcdc");	/* unchanged: grey, not white */
		else if (ch > 0)
			snprintf(buf, len, "#ff%02x%02x", v, v);
		else
			snprintf(buf, len, "#%02x%02xff", v, v);
		return;
	}
	if (n->layer < 0) {
		snprintf(buf, len, n->depth == 0 ? "#bdbdbd" : "#d5dbe3");
		return;
	}
	if (n->layer >= run->nlayers)
		hex = key_color(lg, o->color == FLAME_BY_KIND ? "other" : "(other)",
				o->color == FLAME_BY_KIND);
	else
		hex = key_color(lg, o->color == FLAME_BY_KIND ? run->layers[n->layer].kind
							    : run->layers[n->layer].layout,
				o->color == FLAME_BY_KIND);
	snprintf(buf, len, "%s", hex);
	if (n->depth > 2 && sscanf(hex, "#%02x%02x%02x", &r, &g, &b) == 3)
		/* sampled frames: the layer's colour, paler */
		snprintf(buf, len, "#%02x%02x%02x", (r & 0xff) / 2 + 128, (g & 0xff) / 2 + 128,
			 (b & 0xff) / 2 + 128);
	(void)t;
}

struct draw {
	FILE *fp;
	const struct tree *t;
	const struct cp_run *run;
	const struct flame_opts *o;
	const char *unit;
	double scale;		/* px per unit of value */
	uint64_t total;
	int diff;
	struct legend lg;
};

static void draw_node(struct draw *d, int id, double x)
{
	const struct node *n = &d->t->n[id];
	double w = (double)n->value * d->scale, y = TOP + n->depth * ROW, cx = x;
	char fill[24];
	size_t fit;
	int c;

	if (w < MIN_W && n->depth > 2)
		return;
	node_color(fill, sizeof(fill), d->t, n, d->run, d->o, d->diff, &d->lg);
	fprintf(d->fp, "<g><title>");
	svg_escape(d->fp, n->label, 0);
	fprintf(d->fp, " \xe2\x80\x94 %llu %s (%.2f%%)", (unsigned long long)n->value,
		d->unit, d->total ? 100.0 * (double)n->value / (double)d->total : 0.0);
	if (d->diff) {
		if (n->has_base)
			fprintf(d->fp, "; A: %llu %s, change %+.1f%%",
				(unsigned long long)n->base, d->unit,
				n->base ? 100.0 * ((double)n->value - (double)n->base) /
					  (double)n->base : 0.0);
		else
			fprintf(d->fp, "; not in A");
	}
	fprintf(d->fp, "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
		"fill=\"%s\" rx=\"2\" ry=\"2\"/>", x, y, fmax(w, MIN_W), ROW - 1, fill);
	fit = w > 3 * CHAR_W ? (size_t)((w - 6) / CHAR_W) : 0;
	if (fit >= 3) {
		size_t len = strlen(n->label);

		fprintf(d->fp, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + ROW - 5);
		if (len <= fit) {
			svg_escape_bytes(d->fp, n->label, len);
		} else {
			/* cut on a character boundary, then ".." */
			size_t cut = fit - 2;

			while (cut && ((unsigned char)n->label[cut] & 0xc0) == 0x80)
				cut--;
			svg_escape_bytes(d->fp, n->label, cut);
			fputs("..", d->fp);
		}
		fprintf(d->fp, "</text>");
	}
	fprintf(d->fp, "</g>\n");
	for (c = n->child; c >= 0; c = d->t->n[c].next) {
		draw_node(d, c, cx);
		cx += (double)d->t->n[c].value * d->scale;
	}
}

/* Lay the legend's entries out in rows; returns how many rows (at least 1). */
static int legend_layout(const struct legend *lg, double *xs, int *rows_of)
{
	double x = PAD + 70;
	int k, row = 0;

	for (k = 0; k < lg->n; k++) {
		double w = 24 + CHAR_W * (double)strlen(lg->keys[k]) + 14;

		if (x + w > SVG_WIDTH - PAD && x > PAD + 70) {
			x = PAD + 70;
			row++;
		}
		xs[k] = x;
		rows_of[k] = row;
		x += w;
	}
	return row + 1;
}

static void draw_legend(struct draw *d, double y)
{
	double xs[ARRAY_SIZE(d->lg.keys)];
	int rows_of[ARRAY_SIZE(d->lg.keys)];
	double x = PAD;
	int k;

	if (d->diff) {
		fprintf(d->fp, "<g class=\"legend\">"
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#ff4141\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">slower in B</text>"
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#4141ff\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">faster in B</text>"
			"<text x=\"%.1f\" y=\"%.1f\">width: B; colour depth: change from A, "
			"full at 2x; red also: not in A</text></g>\n",
			x, y, x + 20, y + 11, x + 140, y, x + 160, y + 11, x + 280, y + 11);
		return;
	}
	fprintf(d->fp, "<g class=\"legend\"><text x=\"%.1f\" y=\"%.1f\">%s:</text>",
		x, y + 11, d->o->color == FLAME_BY_KIND ? "kind" : "layout");
	legend_layout(&d->lg, xs, rows_of);
	for (k = 0; k < d->lg.n; k++) {
		double ky = y + rows_of[k] * (ROW + 2);

		fprintf(d->fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">", xs[k], ky,
			d->lg.colors[k], xs[k] + 20, ky + 11);
		svg_escape(d->fp, d->lg.keys[k], 0);
		fprintf(d->fp, "</text>");
	}
	fprintf(d->fp, "</g>\n");
}

int flamegraph_svg(const struct cp_run *run, const struct folded *f,
		   const struct cp_run *base, const struct folded *fbase,
		   const struct flame_opts *o, FILE *fp)
{
	struct tree t = { 0 };
	struct draw d;
	char label[160];
	double height, legend_y;
	int i, unmatched = 0, legend_rows;

	if (run->command_argc)	/* a command has no input size of its own */
		snprintf(label, sizeof(label), "%s", run->model);
	else
		snprintf(label, sizeof(label), "%s %dx%d", run->model, run->width, run->height);
	tree_add(&t, "root", label, 0, -1);
	for (i = 0; i < f->n; i++)
		tree_put(&t, run, &f->stacks[i], 0);
	for (i = 0; base && fbase && i < fbase->n; i++)
		unmatched += tree_put(&t, base, &fbase->stacks[i], 1) < 0;

	memset(&d, 0, sizeof(d));
	d.fp = fp;
	d.t = &t;
	d.run = run;
	d.o = o;
	d.unit = f->unit;
	d.total = t.n[0].value;
	d.diff = base != NULL;
	d.scale = d.total ? (SVG_WIDTH - 2 * PAD) / (double)d.total : 0;
	/* hand the colours out in tree order first: the legend's size sets the height */
	for (i = 0; !d.diff && i < (int)t.len; i++) {
		char fill[24];

		if (t.n[i].layer >= 0 && (t.n[i].value * d.scale >= MIN_W || t.n[i].depth <= 2))
			node_color(fill, sizeof(fill), &t, &t.n[i], run, o, 0, &d.lg);
	}
	if (d.diff) {
		legend_rows = 1;
	} else {
		double xs[ARRAY_SIZE(d.lg.keys)];
		int rows_of[ARRAY_SIZE(d.lg.keys)];

		legend_rows = legend_layout(&d.lg, xs, rows_of);
	}
	legend_y = TOP + (t.maxdepth + 1) * ROW + 16;
	height = legend_y + legend_rows * (ROW + 2) + PAD;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"monospace\" font-size=\"%.0f\">\n", SVG_WIDTH, height,
		SVG_WIDTH, height, FONT);
	fprintf(fp, "<title>convprof %sflame graph: ", d.diff ? "differential " : "");
	svg_escape(fp, label, 0);
	fprintf(fp, "</title>\n<style>text { pointer-events: none; fill: #000; } "
		"rect:hover { stroke: #000; stroke-width: 0.7; }</style>\n"
		"<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#fdfdfd\"/>\n");
	fprintf(fp, "<text x=\"%.0f\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">",
		SVG_WIDTH / 2);
	if (d.diff)
		fprintf(fp, "convprof differential flame graph: ");
	else
		fprintf(fp, "convprof flame graph: ");
	svg_escape(fp, label, 0);
	fprintf(fp, "</text>\n<text x=\"%.0f\" y=\"44\" text-anchor=\"middle\">",
		SVG_WIDTH / 2);
	if (o->subtitle)
		svg_escape(fp, o->subtitle, 0);
	fprintf(fp, " (weight: %s, total %llu", strcmp(f->unit, "us") ? f->unit : "time in us",
		(unsigned long long)d.total);
	if (unmatched)
		fprintf(fp, "; %d stack%s of A not in B", unmatched, unmatched == 1 ? "" : "s");
	fprintf(fp, ")</text>\n<g class=\"frames\">\n");
	if (d.total)
		draw_node(&d, 0, PAD);
	else
		fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">nothing to draw: every weight "
			"is zero or unknown</text>\n", PAD, TOP + 12);
	fprintf(fp, "</g>\n");
	draw_legend(&d, legend_y);
	fprintf(fp, "</svg>\n");
	tree_free(&t);
	return ferror(fp) ? -EIO : 0;
}
