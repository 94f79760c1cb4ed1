// SPDX-License-Identifier: MIT
/*
 * A oneDNN application of known shapes for tests/cli/t-app.sh: three
 * convolutions, a reorder and a max pooling, run N times in that order.
 *
 *   app-prims [N] [crash|exit3|recreate|bypass]
 *
 * crash: dies of SIGSEGV after N/2 iterations; exit3: exits with status 3;
 * recreate: creates each primitive anew before each execution, as PyTorch
 * does (oneDNN's primitive cache gives back the same implementation);
 * bypass: calls libdnnl's own dnnl_primitive_execute (dlsym on its
 * handle), past any interposer, as a program with oneDNN linked statically
 * does: only oneDNN's ITT tasks show its primitives.
 * FLOPs (2 x multiply-adds): conv1 884736, conv2 2359296, conv3 524288.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <oneapi/dnnl/dnnl.h>

#define CHECK(x) do { dnnl_status_t s_ = (x); if (s_ != dnnl_success) { \
	fprintf(stderr, "app-prims: %s: status %d\n", #x, (int)s_); exit(1); } } while (0)

static dnnl_engine_t eng;

static void md4(dnnl_memory_desc_t *md, int n, int c, int h, int w, dnnl_format_tag_t tag)
{
	dnnl_dims_t d = { n, c, h, w };

	CHECK(dnnl_memory_desc_init_by_tag(md, 4, d, dnnl_f32, tag));
}

static dnnl_memory_t mem(const dnnl_memory_desc_t *md)
{
	dnnl_memory_t m;
	float *p;
	size_t i, n = dnnl_memory_desc_get_size(md) / sizeof(float);

	CHECK(dnnl_memory_create(&m, md, eng, DNNL_MEMORY_ALLOCATE));
	CHECK(dnnl_memory_get_data_handle(m, (void **)&p));
	for (i = 0; i < n; i++)
		p[i] = (float)(i % 7) * 0.25f - 0.5f;
	return m;
}

struct op {
	dnnl_primitive_desc_t pd;
	dnnl_primitive_t p;
	int nargs;
	dnnl_exec_arg_t args[3];
};

static void conv(struct op *op, dnnl_memory_t src, const dnnl_memory_desc_t *src_md, int oc,
		 int k, int stride, dnnl_memory_t *dst, dnnl_memory_desc_t *dst_md)
{
	dnnl_convolution_desc_t cd;
	dnnl_primitive_desc_t pd;
	dnnl_memory_desc_t wei_md;
	int ic = (int)src_md->dims[1], h = (int)src_md->dims[2], pad = k / 2;
	int oh = (h + 2 * pad - k) / stride + 1;
	dnnl_dims_t st = { stride, stride }, pl = { pad, pad }, pr = { pad, pad };

	md4(&wei_md, oc, ic, k, k, dnnl_oihw);
	md4(dst_md, 1, oc, oh, oh, dnnl_nchw);
	CHECK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference,
						 dnnl_convolution_direct, src_md, &wei_md, NULL,
						 dst_md, st, pl, pr));
	CHECK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL));
	CHECK(dnnl_primitive_create(&op->p, pd));
	op->pd = pd;
	*dst = mem(dst_md);
	op->nargs = 3;
	op->args[0] = (dnnl_exec_arg_t){ DNNL_ARG_SRC, src };
	op->args[1] = (dnnl_exec_arg_t){ DNNL_ARG_WEIGHTS, mem(&wei_md) };
	op->args[2] = (dnnl_exec_arg_t){ DNNL_ARG_DST, *dst };
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i, j;
	const char *mode = argc > 2 ? argv[2] : "";
	dnnl_memory_desc_t in_md, c1_md, c2_md, c3_md, nhwc_md, pool_md;
	dnnl_memory_t in, c1, c2, c3, nhwc, pool;
	dnnl_primitive_desc_t pd;
	dnnl_pooling_v2_desc_t pdsc;
	dnnl_stream_t stream;
	struct op ops[5];
	dnnl_dims_t st = { 2, 2 }, ker = { 2, 2 }, dil = { 0, 0 }, pad = { 0, 0 };
	struct timespec t0, t1;
	dnnl_status_t (*execute)(const_dnnl_primitive_t, dnnl_stream_t, int,
				 const dnnl_exec_arg_t *) = dnnl_primitive_execute;

	if (!strcmp(mode, "bypass")) {
		void *h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_NOLOAD);

		*(void **)&execute = h ? dlsym(h, "dnnl_primitive_execute") : NULL;
		if (!execute) {
			fprintf(stderr, "app-prims: bypass: %s\n", dlerror());
			return 1;
		}
	}

	CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
	CHECK(dnnl_stream_create(&stream, eng, dnnl_stream_default_flags));
	md4(&in_md, 1, 3, 32, 32, dnnl_nchw);
	in = mem(&in_md);
	conv(&ops[0], in, &in_md, 16, 3, 1, &c1, &c1_md);
	conv(&ops[1], c1, &c1_md, 32, 3, 2, &c2, &c2_md);
	conv(&ops[2], c2, &c2_md, 32, 1, 1, &c3, &c3_md);

	md4(&nhwc_md, 1, 32, 16, 16, dnnl_nhwc);
	nhwc = mem(&nhwc_md);
	CHECK(dnnl_reorder_primitive_desc_create(&pd, &c3_md, eng, &nhwc_md, eng, NULL));
	CHECK(dnnl_primitive_create(&ops[3].p, pd));
	ops[3].pd = pd;
	ops[3].nargs = 2;
	ops[3].args[0] = (dnnl_exec_arg_t){ DNNL_ARG_FROM, c3 };
	ops[3].args[1] = (dnnl_exec_arg_t){ DNNL_ARG_TO, nhwc };

	md4(&pool_md, 1, 32, 8, 8, dnnl_nhwc);
	pool = mem(&pool_md);
	CHECK(dnnl_pooling_v2_forward_desc_init(&pdsc, dnnl_forward_inference, dnnl_pooling_max,
						&nhwc_md, &pool_md, st, ker, dil, pad, pad));
	CHECK(dnnl_primitive_desc_create(&pd, &pdsc, NULL, eng, NULL));
	CHECK(dnnl_primitive_create(&ops[4].p, pd));
	ops[4].pd = pd;
	ops[4].nargs = 2;
	ops[4].args[0] = (dnnl_exec_arg_t){ DNNL_ARG_SRC, nhwc };
	ops[4].args[1] = (dnnl_exec_arg_t){ DNNL_ARG_DST, pool };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (!strcmp(mode, "crash") && i == n / 2)
			raise(SIGSEGV);
		for (j = 0; j < 5; j++) {
			if (!strcmp(mode, "recreate")) {
				CHECK(dnnl_primitive_destroy(ops[j].p));
				CHECK(dnnl_primitive_create(&ops[j].p, ops[j].pd));
			}
			CHECK(execute(ops[j].p, stream, ops[j].nargs, ops[j].args));
		}
		CHECK(dnnl_stream_wait(stream));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "app-prims: %d iterations, %.3f us each\n", n,
		((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / (n ? n : 1));
	for (j = 0; j < 5; j++) {
		dnnl_primitive_destroy(ops[j].p);
		dnnl_primitive_desc_destroy(ops[j].pd);
	}
	dnnl_memory_destroy(in);
	dnnl_memory_destroy(c1);
	dnnl_memory_destroy(c2);
	dnnl_memory_destroy(c3);
	dnnl_memory_destroy(nhwc);
	dnnl_memory_destroy(pool);
	dnnl_stream_destroy(stream);
	dnnl_engine_destroy(eng);
	return !strcmp(mode, "exit3") ? 3 : 0;
}
