// SPDX-License-Identifier: MIT
/*
 * net-bench: time whole inferences of several net configurations,
 * interleaved round by round so that the neighbours sharing the cores slow
 * every configuration alike; medians per configuration. With -O, also the
 * per-op medians and minima of the first configuration, and GFLOP/s at the
 * minimum (the op undisturbed by neighbours).
 *
 *   net-bench [-m MODEL] [-s SIZE] [-b BATCH] [-t THREADS] [-n ITERS]
 *             [-r ROUNDS] [-w WEIGHTS] [-O] [-q] PRECISION:LAYOUT:FUSION...
 *   -q: one line per timed inference, "sample<TAB>label<TAB>ms", for
 *       tests/bench/torch-compare.py to interleave with PyTorch.
 *   e.g. net-bench -m resnet50 -s 224 -t 2 f32:blocked:1 int8:blocked:1
 *
 * A tuning tool, not part of `make check`: build with `make net-bench`.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workloads/model.h"
#include "workloads/net.h"
#include "util/util.h"

struct conf {
	char label[40];
	struct net_config cfg;
	struct net net;
	double *t;
	int nt;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : NAN;
}

static int conf_parse(const char *s, struct conf *c)
{
	char buf[64], *p, *l, *f;

	snprintf(buf, sizeof(buf), "%s", s);
	p = buf;
	l = strchr(p, ':');
	if (!l)
		return -EINVAL;
	*l++ = '\0';
	f = strchr(l, ':');
	if (f)
		*f++ = '\0';
	if (precision_from_string(p, &c->cfg.precision) || layout_from_string(l, &c->cfg.layout))
		return -EINVAL;
	c->cfg.fusion = f ? atoi(f) : 1;
	snprintf(c->label, sizeof(c->label), "%s %s %s", precision_name(c->cfg.precision),
		 layout_name(c->cfg.layout), c->cfg.fusion ? "fused" : "unfused");
	return 0;
}

static void ops_report(struct net *net, int iters)
{
	double *t = xcalloc((size_t)net->nops * iters, sizeof(double));
	double conv_ms = 0, total = 0, conv_min = 0, total_min = 0;
	uint64_t conv_flops = 0;
	int i, k;

	for (k = 0; k < iters; k++)
		for (i = 0; i < net->nops; i++) {
			uint64_t t0 = now_ns();

			net_exec_op(net, i);
			t[(size_t)i * iters + k] = (now_ns() - t0) / 1e6;
		}
	printf("\n%-28s %-8s %-16s %-8s %-12s %-8s %-5s %9s %9s %8s  %s\n", "op", "kind",
	       "post_ops", "src", "weights", "dst", "dtype", "median ms", "min ms", "GFLOP/s",
	       "impl");
	for (i = 0; i < net->nops; i++) {
		const struct net_op *op = &net->ops[i];
		double ms = median(&t[(size_t)i * iters], iters), mn = t[(size_t)i * iters];

		total += ms;
		total_min += mn;
		if (op->flops) {
			conv_ms += ms;
			conv_min += mn;
			conv_flops += op->flops;
		}
		printf("%-28s %-8s %-16s %-8s %-12s %-8s %-5s %9.3f %9.3f %8.1f  %s\n", op->name,
		       op->kind, op->post_ops, op->src_fmt, op->wei_fmt, op->dst_fmt, op->dtype, ms,
		       mn, op->flops ? op->flops / mn / 1e6 : 0.0, op->impl);
	}
	printf("\nsum of op medians %.3f ms; conv+fc %.3f ms for %.3f GFLOP: %.1f GFLOP/s\n",
	       total, conv_ms, conv_flops / 1e9, conv_flops / conv_ms / 1e6);
	/* on shared cores the minimum is the op undisturbed */
	printf("sum of op minima  %.3f ms; conv+fc %.3f ms: %.1f GFLOP/s\n",
	       total_min, conv_min, conv_flops / conv_min / 1e6);
	free(t);
}

int main(int argc, char **argv)
{
	const char *name = "resnet50", *weights = NULL;
	int w = 0, h = 0, batch = 1, threads = 2, iters = 10, rounds = 5, ops = 0, quiet = 0;
	int opt, i, r, k, nconf, err;
	struct conf *confs;
	struct model m;

	while ((opt = getopt(argc, argv, "m:s:b:t:n:r:w:Oq")) != -1) {
		switch (opt) {
		case 'm': name = optarg; break;
		case 's':
			if (parse_size(optarg, &w, &h)) {
				fprintf(stderr, "net-bench: bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'b': batch = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'n': iters = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'O': ops = 1; break;
		case 'q': quiet = 1; break;
		case 'w': weights = optarg; break;
		default:
			fprintf(stderr, "usage: net-bench [-m MODEL] [-s SIZE] [-b BATCH] [-t THREADS] "
				"[-n ITERS] [-r ROUNDS] [-w WEIGHTS] [-O] [-q] PRECISION:LAYOUT:FUSION...\n");
			return 2;
		}
	}
	nconf = argc - optind;
	if (nconf < 1 || iters < 1 || rounds < 1 || batch < 1 || threads < 1) {
		fprintf(stderr, "net-bench: name at least one PRECISION:LAYOUT:FUSION\n");
		return 2;
	}
	omp_set_num_threads(threads);
	err = model_load(name, &m);
	if (!err)
		err = model_shape(&m, w, h, batch);
	if (err) {
		fprintf(stderr, "net-bench: %s\n", cp_strerror(err));
		return 1;
	}
	confs = xcalloc(nconf, sizeof(*confs));
	for (i = 0; i < nconf; i++) {
		struct conf *c = &confs[i];
		uint64_t t0 = now_ns();

		if (conf_parse(argv[optind + i], c)) {
			fprintf(stderr, "net-bench: bad configuration '%s'\n", argv[optind + i]);
			return 2;
		}
		c->cfg.batch = batch;
		c->cfg.seed = 1;
		c->cfg.weights = weights;
		err = net_build(&c->net, &m, &c->cfg);
		if (err) {
			fprintf(stderr, "net-bench: %s: %s\n", c->label, cp_strerror(err));
			return 1;
		}
		c->t = xcalloc((size_t)rounds * iters, sizeof(double));
		if (!quiet)
			printf("built %-24s in %6.0f ms: %d ops (%d conv/fc, %d reorders, %d ref)\n",
			       c->label, (now_ns() - t0) / 1e6, c->net.nops, c->net.nconv_ops,
			       c->net.nreorders, c->net.nref_ops);
		net_run(&c->net);	/* warm-up: JIT caches, page faults */
	}
	/* configuration after configuration, inference by inference */
	for (r = 0; r < rounds; r++)
		for (k = 0; k < iters; k++)
			for (i = 0; i < nconf; i++) {
				uint64_t t0 = now_ns();

				net_run(&confs[i].net);
				confs[i].t[confs[i].nt++] = (now_ns() - t0) / 1e6;
			}
	for (i = 0; quiet && i < nconf; i++)
		for (k = 0; k < confs[i].nt; k++)
			printf("sample\t%s\t%.4f\n", confs[i].label, confs[i].t[k]);
	if (!quiet)
		printf("\n%s %dx%d batch %d, %d threads, %d rounds x %d iterations, interleaved\n",
		       m.name, m.input.w, m.input.h, batch, threads, rounds, iters);
	for (i = 0; !quiet && i < nconf; i++) {
		double med = median(confs[i].t, confs[i].nt);

		printf("%-24s median %8.2f ms  min %8.2f ms  %6.1f GFLOP/s\n", confs[i].label,
		       med, confs[i].t[0], batch * model_flops(&m) / med / 1e6);
	}
	if (ops)
		ops_report(&confs[0].net, iters * rounds);
	for (i = 0; i < nconf; i++) {
		net_release(&confs[i].net);
		free(confs[i].t);
	}
	free(confs);
	model_release(&m);
	return 0;
}
