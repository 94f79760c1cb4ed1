// SPDX-License-Identifier: MIT
/*
 * The darknet cfg parser: an INI-like text, [net] first, then one section
 * per layer. Every key a section may hold is listed in a table below, so a
 * misspelt key is an error with a hint instead of a silently ignored line;
 * darknet's training and detection keys that do not change the layer graph
 * are listed too and ignored.
 *
 * Parsing only fills the cfg fields of each layer and resolves relative
 * indices; model_shape() (model.c) derives everything else.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/model.h"
#include "util/util.h"

enum key_type {
	KEY_INT,	/* int at .off, in [.min, .max] */
	KEY_ACT,	/* enum activation at .off */
	KEY_FROM,	/* shortcut: one layer, relative or absolute */
	KEY_ROUTES,	/* route: a list of layers */
	KEY_DILATION,	/* conv: only 1 */
	KEY_IGNORED,	/* darknet training/detection settings */
};

struct cfg_key {
	const char *name;
	enum key_type type;
	size_t off;
	long min, max;
};

/* [net] keys land here, not in a layer */
struct net_keys {
	int batch, subdivisions, width, height, channels;
};

#define NET_INT(k, lo, hi) { #k, KEY_INT, offsetof(struct net_keys, k), lo, hi }
#define L_INT(k, f, lo, hi) { k, KEY_INT, offsetof(struct layer, f), lo, hi }
#define L_ACT(k) { k, KEY_ACT, offsetof(struct layer, act), 0, 0 }
#define IGNORED(k) { k, KEY_IGNORED, 0, 0, 0 }

static const struct cfg_key net_keys[] = {
	NET_INT(batch, 1, 65536),
	NET_INT(subdivisions, 1, 65536),
	NET_INT(width, 1, MODEL_MAX_SIZE),
	NET_INT(height, 1, MODEL_MAX_SIZE),
	NET_INT(channels, 1, 65536),
	/* training and augmentation: they do not shape the inference graph */
	IGNORED("momentum"), IGNORED("decay"), IGNORED("angle"),
	IGNORED("saturation"), IGNORED("exposure"), IGNORED("hue"),
	IGNORED("learning_rate"), IGNORED("burn_in"), IGNORED("max_batches"),
	IGNORED("policy"), IGNORED("steps"), IGNORED("scales"), IGNORED("step"),
	IGNORED("scale"), IGNORED("gamma"), IGNORED("power"), IGNORED("mosaic"),
	IGNORED("max_chart_loss"), IGNORED("flip"), IGNORED("aspect"),
	IGNORED("jitter"), IGNORED("letter_box"), IGNORED("mixup"),
	IGNORED("cutmix"), IGNORED("blur"), IGNORED("gaussian_noise"),
	IGNORED("min_crop"), IGNORED("max_crop"), IGNORED("inputs"),
	IGNORED("adam"), IGNORED("B1"), IGNORED("B2"), IGNORED("eps"),
	IGNORED("label_smooth_eps"), IGNORED("seed"), IGNORED("time_steps"),
	IGNORED("max_batches_scale"), { NULL },
};

static const struct cfg_key conv_keys[] = {
	L_INT("filters", filters, 1, 65536),
	L_INT("size", size, 1, 64),
	L_INT("stride", stride, 1, 64),
	L_INT("pad", pad, 0, 1),
	L_INT("padding", padding, 0, 64),
	L_INT("groups", groups, 1, 65536),
	L_INT("batch_normalize", batch_normalize, 0, 1),
	L_ACT("activation"),
	{ "dilation", KEY_DILATION, 0, 0, 0 },
	{ NULL },
};

static const struct cfg_key shortcut_keys[] = {
	{ "from", KEY_FROM, 0, 0, 0 },
	L_ACT("activation"),
	{ NULL },
};

static const struct cfg_key route_keys[] = {
	{ "layers", KEY_ROUTES, 0, 0, 0 },
	{ NULL },
};

static const struct cfg_key upsample_keys[] = {
	L_INT("stride", stride, 1, 64),
	{ NULL },
};

static const struct cfg_key maxpool_keys[] = {
	L_INT("size", size, 1, 64),
	L_INT("stride", stride, 1, 64),
	L_INT("padding", padding, 0, 64),
	{ NULL },
};

static const struct cfg_key avgpool_keys[] = {
	{ NULL },
};

static const struct cfg_key connected_keys[] = {
	L_INT("output", output, 1, 1 << 20),
	L_ACT("activation"),
	L_INT("batch_normalize", batch_normalize, 0, 1),
	{ NULL },
};

/* detection settings of the output layer: no effect on the graph */
static const struct cfg_key yolo_keys[] = {
	IGNORED("mask"), IGNORED("anchors"), IGNORED("classes"), IGNORED("num"),
	IGNORED("jitter"), IGNORED("ignore_thresh"), IGNORED("truth_thresh"),
	IGNORED("random"), IGNORED("scale_x_y"), IGNORED("iou_thresh"),
	IGNORED("iou_normalizer"), IGNORED("cls_normalizer"),
	IGNORED("obj_normalizer"), IGNORED("iou_loss"), IGNORED("iou_thresh_kind"),
	IGNORED("nms_kind"), IGNORED("beta_nms"), IGNORED("max_delta"),
	IGNORED("counters_per_class"), IGNORED("label_smooth_eps"),
	IGNORED("objectness_smooth"), IGNORED("new_coords"), IGNORED("resize"),
	IGNORED("focal_loss"), IGNORED("max"), IGNORED("map"), { NULL },
};

/* In every layer section: convprof's own keys. */
enum { KEY_NAME = -1, KEY_STAGE = -2 };

struct cfg_section {
	const char *name;
	const char *alias;	/* darknet's short spelling */
	int kind;		/* enum layer_kind, -1 for [net] */
	const struct cfg_key *keys;
};

static const struct cfg_section sections[] = {
	{ "net", "network", -1, net_keys },
	{ "convolutional", "conv", LK_CONV, conv_keys },
	{ "shortcut", NULL, LK_SHORTCUT, shortcut_keys },
	{ "route", NULL, LK_ROUTE, route_keys },
	{ "upsample", NULL, LK_UPSAMPLE, upsample_keys },
	{ "maxpool", "max", LK_MAXPOOL, maxpool_keys },
	{ "avgpool", "avg", LK_AVGPOOL, avgpool_keys },
	{ "connected", "conn", LK_CONNECTED, connected_keys },
	{ "yolo", NULL, LK_YOLO, yolo_keys },
};

struct cfg_parser {
	const char *source;
	struct model *m;
	size_t alloc;
	const struct cfg_section *sec;	/* NULL before the first header */
	int sec_line;
	int seen_net;
	int have_from, have_routes;	/* the current section's required keys */
	char stage[sizeof(((struct layer *)0)->stage)];
	struct net_keys net;
};

static int cfg_err(const struct cfg_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cfg_err(const struct cfg_parser *p, int line, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return cp_error(-EINVAL, "%s:%d: %s", p->source, line, why);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct cfg_section *section_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sections); i++)
		if (strcmp(sections[i].name, name) == 0 ||
		    (sections[i].alias && strcmp(sections[i].alias, name) == 0))
			return &sections[i];
	return NULL;
}

static int unknown_section(const struct cfg_parser *p, int line, const char *name)
{
	const char *cand[ARRAY_SIZE(sections)], *hint;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sections); i++)
		cand[i] = sections[i].name;
	hint = closest_name(name, cand, (int)ARRAY_SIZE(sections), 2);
	if (hint)
		return cfg_err(p, line, "unknown section [%s] (did you mean [%s]?)",
			       name, hint);
	return cfg_err(p, line, "unknown section [%s]", name);
}

static int unknown_key(const struct cfg_parser *p, int line, const char *key)
{
	const char *cand[64], *hint;
	size_t n = 0, i;

	for (i = 0; p->sec->keys[i].name && n < ARRAY_SIZE(cand) - 2; i++)
		cand[n++] = p->sec->keys[i].name;
	if (p->sec->kind >= 0) {
		cand[n++] = "name";
		cand[n++] = "stage";
	}
	hint = closest_name(key, cand, (int)n, 2);
	if (hint)
		return cfg_err(p, line, "unknown key '%s' in [%s] (did you mean '%s'?)",
			       key, p->sec->name, hint);
	return cfg_err(p, line, "unknown key '%s' in [%s]", key, p->sec->name);
}

static int parse_int(const struct cfg_parser *p, int line, const char *key,
		     const char *val, long min, long max, int *out)
{
	long v;
	int err = parse_long(val, min, max, &v);

	if (err == -ERANGE)
		return cfg_err(p, line, "%s=%s is out of range (%ld to %ld)",
			       key, val, min, max);
	if (err)
		return cfg_err(p, line, "%s=%s is not a number", key, val);
	*out = (int)v;
	return 0;
}

static int parse_activation(const struct cfg_parser *p, int line,
			    const char *val, enum activation *out)
{
	static const enum activation acts[] = { ACT_LINEAR, ACT_RELU, ACT_LEAKY };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(acts); i++)
		if (strcmp(val, activation_name(acts[i])) == 0) {
			*out = acts[i];
			return 0;
		}
	return cfg_err(p, line, "unsupported activation '%s' (expected linear, relu or leaky)",
		       val);
}

/* darknet's layer references: negative is relative to @self, else absolute */
static int resolve_layer(const struct cfg_parser *p, int line, const char *key,
			 const char *val, int self, int *out)
{
	int v = 0, err, abs;

	err = parse_int(p, line, key, val, -1000000, 1000000, &v);
	if (err)
		return err;
	abs = v < 0 ? self + v : v;
	if (abs < 0)
		return cfg_err(p, line, "%s=%s: no such layer (this is layer %d)",
			       key, val, self);
	if (abs >= self)
		return cfg_err(p, line, "%s=%s: layer %d must come before this one (layer %d)",
			       key, val, abs, self);
	*out = abs;
	return 0;
}

static int parse_routes(const struct cfg_parser *p, int line, char *val,
			struct layer *l, int self)
{
	char *tok = val, *comma;
	int err;

	/* not strtok: "-1,,61" is a mistake, not two layers */
	for (l->nroutes = 0; tok; tok = comma ? comma + 1 : NULL) {
		comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		if (l->nroutes == MODEL_MAX_ROUTES)
			return cfg_err(p, line, "layers=: more than %d layers",
				       MODEL_MAX_ROUTES);
		err = resolve_layer(p, line, "layers", trim(tok), self,
				    &l->routes[l->nroutes]);
		if (err)
			return err;
		l->nroutes++;
	}
	return 0;
}

static int set_text(const struct cfg_parser *p, int line, const char *key,
		    const char *val, char *dst, size_t len)
{
	if (!*val)
		return cfg_err(p, line, "%s= is empty", key);
	if (strlen(val) >= len)
		return cfg_err(p, line, "%s=%s is longer than %zu characters",
			       key, val, len - 1);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

static int key_set(struct cfg_parser *p, int line, const char *key, char *val)
{
	struct model *m = p->m;
	int self = m->n - 1;
	struct layer *l = p->sec->kind >= 0 ? &m->layers[self] : NULL;
	char *base = l ? (char *)l : (char *)&p->net;
	const struct cfg_key *k;
	int d = 0;

	if (l && strcmp(key, "name") == 0)
		return set_text(p, line, key, val, l->name, sizeof(l->name));
	if (l && strcmp(key, "stage") == 0)
		return set_text(p, line, key, val, p->stage, sizeof(p->stage));
	for (k = p->sec->keys; k->name; k++)
		if (strcmp(k->name, key) == 0)
			break;
	if (!k->name)
		return unknown_key(p, line, key);

	switch (k->type) {
	case KEY_INT:
		return parse_int(p, line, key, val, k->min, k->max, (int *)(base + k->off));
	case KEY_ACT:
		return parse_activation(p, line, val, (enum activation *)(base + k->off));
	case KEY_FROM:
		if (strchr(val, ','))
			return cfg_err(p, line, "from=%s: a shortcut adds one layer", val);
		p->have_from = 1;
		return resolve_layer(p, line, key, val, self, &l->from);
	case KEY_ROUTES:
		p->have_routes = 1;
		return parse_routes(p, line, val, l, self);
	case KEY_DILATION:
		if (parse_int(p, line, key, val, 1, 64, &d))
			return -EINVAL;
		if (d != 1)
			return cfg_err(p, line, "dilation=%d is not supported (only 1)", d);
		return 0;
	case KEY_IGNORED:
		return 0;
	}
	return 0;
}

/* Checks and defaults once all of a section's keys are known. */
static int section_end(struct cfg_parser *p)
{
	struct model *m = p->m;
	struct layer *l;
	int i;

	if (!p->sec || p->sec->kind < 0)
		return 0;
	l = &m->layers[m->n - 1];
	if (l->kind == LK_SHORTCUT && !p->have_from)
		return cfg_err(p, p->sec_line, "[shortcut] needs from=");
	if (l->kind == LK_ROUTE && !p->have_routes)
		return cfg_err(p, p->sec_line, "[route] needs layers=");
	if (l->kind == LK_MAXPOOL) {
		if (l->size <= 0)
			l->size = l->stride;	/* darknet's default */
		if (l->padding < 0)
			l->padding = l->size - 1;
	}
	if (!l->name[0])
		snprintf(l->name, sizeof(l->name), "%s_%d",
			 layer_kind_name(l->kind), m->n - 1);
	memcpy(l->stage, p->stage, sizeof(l->stage));
	for (i = 0; i < m->n - 1; i++)
		if (strcmp(m->layers[i].name, l->name) == 0)
			return cfg_err(p, p->sec_line, "layer name '%s' is already layer %d",
				       l->name, i);
	return 0;
}

static int section_begin(struct cfg_parser *p, int line, char *hdr)
{
	struct model *m = p->m;
	const struct cfg_section *sec;
	struct layer *l;
	char *name, *end = strchr(hdr, ']');
	int err;

	if (!end || trim(end + 1)[0])
		return cfg_err(p, line, "malformed section header '%s'", hdr);
	*end = '\0';
	name = trim(hdr + 1);
	sec = section_find(name);
	if (!sec)
		return unknown_section(p, line, name);
	err = section_end(p);
	if (err)
		return err;
	if (!p->seen_net && sec->kind >= 0)
		return cfg_err(p, line, "[%s] before [net]: the cfg must start with [net]",
			       name);
	if (sec->kind < 0 && p->seen_net)
		return cfg_err(p, line, "a second [net]");
	p->sec = sec;
	p->sec_line = line;
	p->have_from = p->have_routes = 0;
	if (sec->kind < 0) {
		p->seen_net = 1;
		return 0;
	}

	ALLOC_GROW(m->layers, (size_t)m->n + 1, p->alloc);
	l = &m->layers[m->n++];
	memset(l, 0, sizeof(*l));
	l->kind = (enum layer_kind)sec->kind;
	l->line = line;
	l->act = ACT_LINEAR;
	l->size = 1;
	l->stride = 1;
	l->groups = 1;
	l->padding = -1;
	l->filters = 1;
	l->output = 1;
	l->from = -1;
	if (l->kind == LK_UPSAMPLE)
		l->stride = 2;
	if (l->kind == LK_MAXPOOL)
		l->size = 0;	/* darknet: size defaults to stride */
	return 0;
}

static int parse_line(struct cfg_parser *p, int line, char *s)
{
	char *eq, *key, *val;

	s = trim(s);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return section_begin(p, line, s);
	eq = strchr(s, '=');
	if (!eq)
		return cfg_err(p, line, "expected key=value or [section], got '%s'", s);
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key)
		return cfg_err(p, line, "a value without a key");
	if (!p->sec)
		return cfg_err(p, line, "key '%s' outside a section", key);
	return key_set(p, line, key, val);
}

/* "dir/yolov3-tiny.cfg" -> "yolov3-tiny" */
static void name_from_source(char *dst, size_t len, const char *source)
{
	const char *b = strrchr(source, '/');
	size_t n;

	b = b ? b + 1 : source;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".cfg") == 0)
		n -= 4;
	snprintf(dst, len, "%.*s", (int)n, b);
}

int model_parse(const char *text, const char *source, struct model *m)
{
	struct cfg_parser p = { .source = source, .m = m };
	char *copy = xstrdup(text), *s = copy, *start, *nl;
	int line = 0, err = 0;

	memset(m, 0, sizeof(*m));
	p.net = (struct net_keys){ .batch = 1, .subdivisions = 1, .channels = 3 };
	snprintf(m->source, sizeof(m->source), "%s", source);
	name_from_source(m->name, sizeof(m->name), source);

	/* what follows a final newline is not a line */
	while (*s) {
		start = s;
		nl = strchrnul(s, '\n');
		s = *nl ? nl + 1 : nl;
		*nl = '\0';
		err = parse_line(&p, ++line, start);
		if (err)
			goto out;
	}
	err = section_end(&p);
	if (err)
		goto out;
	if (!p.seen_net) {
		err = cfg_err(&p, line ? line : 1, "no [net] section: the cfg must start with [net]");
		goto out;
	}
	if (m->n == 0) {
		err = cfg_err(&p, line, "the model has no layers");
		goto out;
	}
	if (!p.net.width || !p.net.height) {
		err = cfg_err(&p, 1, "[net] needs width= and height=");
		goto out;
	}
	m->cfg_width = p.net.width;
	m->cfg_height = p.net.height;
	m->input.c = p.net.channels;
	m->batch = p.net.batch;
	err = model_shape(m, 0, 0, m->batch);
	if (err && m->bad_layer >= 0) {
		/* the cfg's own size must work: point at the layer that did not */
		char why[512];

		snprintf(why, sizeof(why), "%s", cp_strerror(err));
		err = cfg_err(&p, m->layers[m->bad_layer].line, "%s", why);
	}
out:
	free(copy);
	if (err)
		model_release(m);
	return err;
}
