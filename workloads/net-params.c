// SPDX-License-Identifier: MIT
/*
 * Layer parameters: seeded random ones that keep activations in range through
 * a hundred layers, or a darknet .weights file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "workloads/net-internal.h"
#include "util/util.h"

/* splitmix64: tiny, seedable per layer, and good enough for weights. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double rng_uniform(uint64_t *s)
{
	return (rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Every layer its own stream, so one layer can be regenerated alone. */
static uint64_t rng_for(unsigned seed, int layer)
{
	uint64_t s = ((uint64_t)seed << 32) ^ (uint64_t)(layer + 1) * 0xd1b54a32d192ed03ULL;

	rng_next(&s);
	return s;
}

static int has_params(const struct layer *l)
{
	return l->kind == LK_CONV || l->kind == LK_CONNECTED;
}

static int layer_outputs(const struct layer *l)
{
	return l->kind == LK_CONV ? l->filters : l->output;
}

static size_t layer_nweights(const struct layer *l)
{
	if (l->kind == LK_CONV)
		return (size_t)l->filters * (l->in.c / (l->groups > 0 ? l->groups : 1)) *
		       l->size * l->size;
	return (size_t)l->output * l->in.c * l->in.h * l->in.w;
}

static size_t layer_nfloats(const struct layer *l)
{
	size_t n = layer_outputs(l);

	return n + (l->batch_normalize ? 3 * n : 0) + layer_nweights(l);
}

static void params_alloc(const struct layer *l, struct layer_params *p)
{
	p->n = layer_outputs(l);
	p->nw = layer_nweights(l);
	p->w = xmalloc(p->nw * sizeof(float));
	p->bias = xcalloc(p->n, sizeof(float));
	if (l->batch_normalize) {
		p->scales = xmalloc(p->n * sizeof(float));
		p->mean = xmalloc(p->n * sizeof(float));
		p->var = xmalloc(p->n * sizeof(float));
	}
}

/*
 * He initialisation (uniform, which is cheap: YOLOv3 has 62M weights) keeps the second moment of activations constant through
 * a relu (or leaky) conv; the conv that ends a residual branch is damped so
 * that each shortcut grows the variance by a quarter rather than doubling it,
 * which keeps 23 shortcuts (YOLOv3) within a few orders of magnitude.
 */
static void params_random(const struct model *m, int i, unsigned seed,
			  struct layer_params *p)
{
	const struct layer *l = &m->layers[i];
	uint64_t s = rng_for(seed, i);
	double gain, std;
	float a;
	size_t k, fan_in = p->nw / p->n;
	int o;

	gain = l->act == ACT_RELU ? sqrt(2.0) :
	       l->act == ACT_LEAKY ? sqrt(2.0 / (1.0 + LEAKY_SLOPE * LEAKY_SLOPE)) : 1.0;
	if (i + 1 < m->n && m->layers[i + 1].kind == LK_SHORTCUT)
		gain *= 0.5;
	/* uniform in [-a, a) has the standard deviation a/√3 */
	std = gain / sqrt((double)fan_in);
	a = (float)(2.0 * sqrt(3.0) * std);
	for (k = 0; k < p->nw; k++)
		p->w[k] = a * ((float)(rng_next(&s) >> 40) * 0x1p-24f - 0.5f);
	for (o = 0; o < p->n; o++) {
		p->bias[o] = (float)(0.02 * (rng_uniform(&s) - 0.5));
		if (!p->scales)
			continue;
		p->scales[o] = (float)(1.0 + 0.2 * (rng_uniform(&s) - 0.5));
		p->mean[o] = (float)(0.1 * (rng_uniform(&s) - 0.5));
		p->var[o] = (float)(1.0 + 0.2 * (rng_uniform(&s) - 0.5));
	}
}

static void take(float *dst, const unsigned char **cur, size_t n)
{
	memcpy(dst, *cur, n * sizeof(float));
	*cur += n * sizeof(float);
}

/*
 * darknet's layout: int32 major, minor, revision; `seen` as 64 bits from
 * version 0.2 on, 32 before; then per conv biases, [scales, mean, variance],
 * weights, and per connected biases, weights, [scales, mean, variance].
 */
static int params_read(const struct model *m, const char *path,
		       struct layer_params *p)
{
	const unsigned char *cur;
	unsigned char *data = NULL;
	size_t expect, got = 0, hdr_bytes;
	struct stat st;
	int32_t hdr[3];
	FILE *f = NULL;
	int err = 0, i;

	f = fopen(path, "rb");
	if (!f) {
		err = cp_error(-errno, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		err = cp_error(-EINVAL, "'%s' is not a regular file", path);
		goto out;
	}
	got = st.st_size;
	if (got < sizeof(hdr) || fread(hdr, sizeof(hdr), 1, f) != 1) {
		err = cp_error(-EINVAL, "'%s': %zu bytes is too short for a darknet weights header",
			       path, got);
		goto out;
	}
	/* darknet's own test (parser.c load_weights_upto), without its int
	 * overflow: a version from 0.2 on, below 1000.1000, has a 64-bit seen */
	hdr_bytes = sizeof(hdr) + ((int64_t)hdr[0] * 10 + hdr[1] >= 2 &&
				   hdr[0] < 1000 && hdr[1] < 1000 ? 8 : 4);
	expect = hdr_bytes;
	for (i = 0; i < m->n; i++)
		if (has_params(&m->layers[i]))
			expect += layer_nfloats(&m->layers[i]) * sizeof(float);
	if (got != expect) {
		err = cp_error(-EINVAL, "'%s': expected %zu bytes of weights for %s, got %zu",
			       path, expect, m->name, got);
		goto out;
	}
	data = xmalloc(got);
	rewind(f);
	if (fread(data, got, 1, f) != 1) {
		err = cp_error(-EIO, "cannot read '%s': %s", path,
			       ferror(f) ? strerror(errno) : "file shrank");
		goto out;
	}
	cur = data + hdr_bytes;
	for (i = 0; i < m->n; i++) {
		const struct layer *l = &m->layers[i];
		struct layer_params *lp = &p[i];

		if (!has_params(l))
			continue;
		take(lp->bias, &cur, lp->n);
		if (l->kind == LK_CONV && lp->scales) {
			take(lp->scales, &cur, lp->n);
			take(lp->mean, &cur, lp->n);
			take(lp->var, &cur, lp->n);
		}
		take(lp->w, &cur, lp->nw);
		if (l->kind == LK_CONNECTED && lp->scales) {
			take(lp->scales, &cur, lp->n);
			take(lp->mean, &cur, lp->n);
			take(lp->var, &cur, lp->n);
		}
	}
out:
	free(data);
	if (f)
		fclose(f);
	return err;
}

int params_load(const struct model *m, const struct net_config *cfg,
		struct layer_params **out)
{
	struct layer_params *p = xcalloc(m->n, sizeof(*p));
	int i, err = 0;

	for (i = 0; i < m->n; i++) {
		if (!has_params(&m->layers[i]))
			continue;
		params_alloc(&m->layers[i], &p[i]);
		if (!cfg->weights)
			params_random(m, i, cfg->seed, &p[i]);
	}
	if (cfg->weights)
		err = params_read(m, cfg->weights, p);
	if (err) {
		params_free(p, m->n);
		return err;
	}
	*out = p;
	return 0;
}

void params_free(struct layer_params *p, int n)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < n; i++) {
		free(p[i].w);
		free(p[i].bias);
		free(p[i].scales);
		free(p[i].mean);
		free(p[i].var);
	}
	free(p);
}

/* w' = w γ/√(σ²+ε), b' = β − μ γ/√(σ²+ε); a copy when there is no BN. */
void params_fold_bn(const struct layer_params *p, float *w, float *bias)
{
	size_t per = p->nw / p->n, k;
	int o;

	for (o = 0; o < p->n; o++) {
		float f = 1.0f;

		bias[o] = p->bias[o];
		if (p->scales) {
			f = p->scales[o] / sqrtf(p->var[o] + BN_EPSILON);
			bias[o] = p->bias[o] - p->mean[o] * f;
		}
		for (k = 0; k < per; k++)
			w[o * per + k] = p->w[o * per + k] * f;
	}
}

/* An image-like input: uniform in [0, 1). */
void input_fill(float *x, size_t n, unsigned seed)
{
	uint64_t s = rng_for(seed, -2);
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = (float)rng_uniform(&s);
}
