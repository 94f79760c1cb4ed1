// SPDX-License-Identifier: MIT
/*
 * study/mem.c: the memory study on a model small enough to count by hand,
 * and its figures against the built-in ResNet-50; reports/mem-report.c's
 * JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/mem-report.h"
#include "study/mem.h"
#include "tap.h"
#include "util/json.h"
#include "util/util.h"

/*
 * 3x8x8 image -> conv 4 (3x3) -> conv 4 (1x1) -> shortcut adding the first
 * conv: in f32 each 4x8x8 tensor is 1024 bytes, the image 768.
 */
static const char small_cfg[] =
	"[net]\nwidth=8\nheight=8\nchannels=3\n"
	"[convolutional]\nfilters=4\nsize=3\nstride=1\npad=1\nactivation=relu\n"
	"[convolutional]\nfilters=4\nsize=1\nstride=1\npad=0\nactivation=linear\n"
	"[shortcut]\nfrom=-2\nactivation=linear\n";

static void test_small(void)
{
	struct mem_caches caches = { .l2 = 2240, .l3 = 4096 };
	struct mem_study st;
	struct model m;
	const struct mem_result *r;
	int err = model_parse(small_cfg, "small.cfg", &m);

	is_int(err, 0, "the small cfg parses: %s", err ? cp_strerror(err) : "ok");
	if (err)
		return;
	mem_study_init(&st, &m, "f32", 1, &caches);
	mem_study_add(&st);
	is_int(st.n, 1, "one result");
	r = &st.res[0];
	is_int(r->w, 8, "the cfg's width");
	is_int((long long)r->layers[0].in_bytes, 768, "conv 0 reads the image: 3x8x8x4 bytes");
	is_int((long long)r->layers[2].in_bytes, 2048, "the shortcut reads both addends");
	is_int((long long)r->layers[2].out_bytes, 1024, "and writes one 4x8x8 tensor");
	is_int((long long)r->weight_bytes, (4 * 3 * 9 + 4 + 4 * 4 + 4) * 4,
	       "weights and biases of both convs, 4 bytes each");
	is_int((long long)r->layers[0].live_bytes, 768 + 1024, "at conv 0: the image and its output");
	is_int((long long)r->layers[1].live_bytes, 2048,
	       "at conv 1: the image is dead, both convs' outputs live");
	is_int((long long)r->peak_live, 3072, "peak: the shortcut with both addends and its result");
	is_int(r->peak_layer, 2, "at the shortcut");
	is_int((long long)r->max_in_out, 3072, "largest in+out: the shortcut");
	is_int(r->max_act_layer, 0, "largest activation: the first of the equal ones");
	is_str(r->layers[0].fits, "L2", "conv 0 (448 + 768 + 1024 bytes) fits L2 exactly");
	is_str(r->layers[2].fits, "L3", "the shortcut (3072 bytes) needs L3");
	is_str(mem_fits(&caches, 5000), "DRAM", "more than L3 is DRAM");
	is_str(mem_fits(&(struct mem_caches){ 0 }, 1), "unknown", "no cache sizes: unknown");

	/* a second size: a result of its own, the first one kept */
	is_int(model_shape(&m, 16, 16, 1), 0, "reshape to 16x16");
	mem_study_add(&st);
	is_int(st.n, 2, "two results");
	is_int((long long)st.res[1].layers[2].out_bytes, 4096, "16x16: four times the bytes");
	is_int((long long)st.res[0].layers[2].out_bytes, 1024, "the first result keeps its size");
	mem_study_release(&st);
	is_int(mem_element_size("int8"), 1, "int8: 1 byte");
	is_int(mem_element_size("bf16"), 2, "bf16: 2 bytes");
	is_int(mem_element_size("f32"), 4, "f32: 4 bytes");
	model_release(&m);
}

static void test_resnet50_json(void)
{
	struct mem_caches caches = { 0 };
	struct mem_study st;
	struct model m;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	json_t *root;
	json_error_t jerr;

	if (model_load_builtin("resnet50", &m)) {
		ok(0, "load resnet50: %s", cp_strerror(-1));
		return;
	}
	mem_study_init(&st, &m, "int8", 1, &caches);
	mem_study_add(&st);
	fp = open_memstream(&buf, &len);
	is_int(mem_print(&st, fp, FMT_JSON), 0, "JSON written");
	fclose(fp);
	root = json_loads(buf, 0, &jerr);
	ok(root != NULL, "JSON parses");
	is_int(json_integer_value(json_object_get(root, "params")), 25557032,
	       "ResNet-50 has 25,557,032 parameters");
	is_int(json_integer_value(json_object_get(root, "weight_bytes")), 25557032,
	       "int8: one byte each");
	ok(json_is_null(json_object_get(root, "l2_bytes")), "unknown caches are null");
	is_int((long long)json_array_size(json_object_get(root, "layers")), m.n, "a row per layer");
	ok(st.res[0].peak_live >= st.res[0].max_act && st.res[0].peak_live > 0,
	   "peak of live activations at least the largest activation");
	json_decref(root);
	free(buf);
	mem_study_release(&st);
	model_release(&m);
}

int main(void)
{
	test_small();
	test_resnet50_json();
	return done_testing();
}
