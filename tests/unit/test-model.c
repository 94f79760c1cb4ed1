// SPDX-License-Identifier: MIT
/*
 * The model layer: the built-in models against their published figures, the
 * cfg parser's errors, shapes, liveness and sizes.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "workloads/graph.h"
#include "workloads/model.h"
#include "util/util.h"

static const struct layer *find(const struct model *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->layers[i].name, name) == 0)
			return &m->layers[i];
	return NULL;
}

static int index_of(const struct model *m, const char *name)
{
	const struct layer *l = find(m, name);

	return l ? (int)(l - m->layers) : -1;
}

static int shape_is(const struct layer *l, int c, int h, int w)
{
	return l && l->out.c == c && l->out.h == h && l->out.w == w;
}

static uint64_t total_macs(const struct model *m)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < m->n; i++)
		sum += m->layers[i].macs;
	return sum;
}

static void test_resnet50(void)
{
	int *last;
	static const char *const names[] = {
		"conv1", "maxpool", "layer1.0.conv1", "layer1.0.conv2", "layer1.0.conv3",
		"layer1.0.route", "layer1.0.downsample.0", "layer1.0.add",
		"layer3.5.add", "layer4.2.conv3", "avgpool", "fc",
	};
	struct model m;
	const struct layer *l;
	char buf[32];
	size_t i;
	int err, missing = 0, c3, add, ds;

	err = model_load("resnet50", &m);
	is_int(err, 0, "resnet50 loads");
	if (err) {
		printf("# %s\n", cp_strerror(err));
		return;
	}
	is_str(m.source, "built-in", "resnet50 is built in");
	is_int(m.cfg_width, 224, "resnet50 defaults to 224 wide");
	is_int(m.input.h, 224, "and is shaped at 224 high");
	is_int(m.input.c, 3, "3 input channels");
	is_int(model_params(&m), 25557032, "resnet50 has torchvision's 25,557,032 parameters");
	is_int(total_macs(&m), 4089184256ull, "conv + fc multiply-adds: 4,089,184,256");
	snprintf(buf, sizeof(buf), "%.3f", (double)total_macs(&m) / 1e9);
	is_str(buf, "4.089", "torchvision's 4.089 GFLOPS (multiply-adds)");
	is_int(model_flops(&m), 2 * 4089184256ull, "FLOPs are twice the multiply-adds");
	is_int(m.n, 76, "76 layers");
	is_int(model_count(&m, LK_CONV), 53, "53 conv");
	is_int(model_count(&m, LK_CONNECTED), 1, "1 fc");
	is_int(model_count(&m, LK_SHORTCUT), 16, "16 bottlenecks");
	is_int(model_count(&m, LK_ROUTE), 4, "4 projection routes");
	is_int(m.downsample, 32, "total stride 32");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		missing += !find(&m, names[i]);
	is_int(missing, 0, "torchvision's module names are present");

	ok(shape_is(find(&m, "conv1"), 64, 112, 112), "conv1: 64x112x112");
	l = find(&m, "conv1");
	ok(l && l->pad_t == 3 && l->pad_r == 3 && l->stride == 2, "conv1: 7x7/2 pad 3");
	ok(shape_is(find(&m, "maxpool"), 64, 56, 56), "maxpool: 64x56x56");
	l = find(&m, "maxpool");
	ok(l && l->pad_l == 1 && l->pad_r == 1, "maxpool pads one pixel each side");
	l = find(&m, "layer2.0.conv2");
	ok(l && l->stride == 2 && shape_is(l, 128, 28, 28), "v1.5: the stride is on the 3x3 conv");
	l = find(&m, "layer2.0.conv1");
	ok(l && l->stride == 1 && shape_is(l, 128, 56, 56), "layer2.0.conv1 keeps 56x56");
	ok(shape_is(find(&m, "layer2.0.downsample.0"), 512, 28, 28), "projection 512x28x28");
	ok(shape_is(find(&m, "layer4.2.add"), 2048, 7, 7), "layer4 ends 2048x7x7");
	ok(shape_is(find(&m, "avgpool"), 2048, 1, 1), "global average pool");
	l = find(&m, "fc");
	ok(l && shape_is(l, 1000, 1, 1) && l->params == 2048 * 1000 + 1000, "fc 2048 -> 1000 with bias");
	is_str(find(&m, "conv1")->stage, "stem", "conv1 in stage stem");
	is_str(find(&m, "layer3.5.conv3")->stage, "layer3", "stages are inherited");
	is_str(find(&m, "fc")->stage, "head", "fc in stage head");

	/* the projection block: route back to the input, 1x1, add conv3 */
	c3 = index_of(&m, "layer1.0.conv3");
	ds = index_of(&m, "layer1.0.downsample.0");
	add = index_of(&m, "layer1.0.add");
	l = find(&m, "layer1.0.route");
	ok(l && l->nroutes == 1 && l->routes[0] == index_of(&m, "maxpool"), "the route goes back to the block's input");
	ok(add == ds + 1 && m.layers[add].from == c3, "add follows the projection and adds conv3");
	last = calloc((size_t)m.n + 1, sizeof(int));
	graph_last_reads(&m, last);
	is_int(last[c3], add, "conv3's output dies at the add");
	ok(graph_is_alias(&m.layers[index_of(&m, "layer1.0.route")]) &&
	   graph_resolve(&m, index_of(&m, "layer1.0.route")) == index_of(&m, "maxpool"),
	   "the one-layer route is another name for the block input");
	is_int(last[index_of(&m, "maxpool")], ds, "the block input lives until the projection reads it through the route");
	is_int(last[m.n], 0, "the image is read by conv1 only");
	add = index_of(&m, "layer1.1.add");
	ok(m.layers[add].from == index_of(&m, "layer1.0.add") &&
	   m.layers[add - 1].kind == LK_CONV, "identity add follows conv3 and adds the block input");
	is_int(last[index_of(&m, "layer1.0.add")], add, "the block input dies at the add");
	is_int(last[m.n - 1], GRAPH_FOREVER, "the output is used to the end");
	free(last);

	err = model_shape(&m, 448, 320, 4);
	ok(!err && shape_is(find(&m, "layer4.2.add"), 2048, 10, 14) && m.batch == 4,
	   "448x320 batch 4: 2048x10x14 (WxH order)");
	is_int(model_params(&m), 25557032, "parameters do not depend on size");
	model_release(&m);
}

static void test_yolov3(void)
{
	int *last;
	struct model m;
	const struct layer *l;
	char buf[32];
	int err, i, bn = 0, lin255 = 0;

	err = model_load("yolov3", &m);
	is_int(err, 0, "yolov3 loads");
	if (err) {
		printf("# %s\n", cp_strerror(err));
		return;
	}
	is_int(m.cfg_width, 608, "yolov3 defaults to the cfg's 608");
	is_int(m.n, 107, "107 layers");
	is_int(model_count(&m, LK_CONV), 75, "75 conv");
	for (i = 0; i < m.n; i++) {
		l = &m.layers[i];
		bn += l->kind == LK_CONV && l->batch_normalize && l->act == ACT_LEAKY;
		lin255 += l->kind == LK_CONV && !l->batch_normalize &&
			  l->act == ACT_LINEAR && l->filters == 255;
	}
	is_int(bn, 72, "72 conv with BN + leaky");
	is_int(lin255, 3, "3 linear 255-filter outputs");
	is_int(model_count(&m, LK_SHORTCUT), 23, "23 shortcut");
	is_int(model_count(&m, LK_ROUTE), 4, "4 route");
	is_int(model_count(&m, LK_UPSAMPLE), 2, "2 upsample");
	is_int(model_count(&m, LK_YOLO), 3, "3 yolo");
	is_int(model_params(&m), 61949149, "61,949,149 parameters");
	is_int(m.downsample, 32, "total stride 32");

	snprintf(buf, sizeof(buf), "%.3f", (double)model_flops(&m) / 1e9);
	is_str(buf, "140.692", "darknet's 140.692 BFLOPs at 608");
	ok(shape_is(find(&m, "yolo_82"), 255, 19, 19) && shape_is(find(&m, "yolo_94"), 255, 38, 38) &&
	   shape_is(find(&m, "yolo_106"), 255, 76, 76), "608: outputs 19/38/76");
	err = model_shape(&m, 416, 416, 1);
	is_int(err, 0, "reshape to 416");
	snprintf(buf, sizeof(buf), "%.3f", (double)model_flops(&m) / 1e9);
	is_str(buf, "65.864", "darknet's 65.864 BFLOPs at 416");
	ok(shape_is(find(&m, "yolo_82"), 255, 13, 13) && shape_is(find(&m, "yolo_94"), 255, 26, 26) &&
	   shape_is(find(&m, "yolo_106"), 255, 52, 52), "416: outputs 13/26/52");
	ok(shape_is(find(&m, "conv_0"), 32, 416, 416) && shape_is(find(&m, "conv_1"), 64, 208, 208),
	   "416: the first convs");

	l = find(&m, "route_86");
	ok(l && l->nroutes == 2 && l->routes[0] == 85 && l->routes[1] == 61 &&
	   shape_is(l, 768, 26, 26), "route_86 = upsample_85 + layer 61, 768 channels");
	l = find(&m, "route_83");
	ok(l && l->nroutes == 1 && l->routes[0] == 79, "route_83 goes back to layer 79");
	is_int(find(&m, "shortcut_4")->from, 1, "shortcut_4 adds layer 1");
	last = calloc((size_t)m.n + 1, sizeof(int));
	graph_last_reads(&m, last);
	is_int(last[36], 98, "layer 36 lives until route_98");
	is_int(last[61], 86, "layer 61 lives until route_86");
	is_int(last[81], GRAPH_FOREVER, "a yolo input is used to the end");
	is_int(last[79], 84, "layer 79 lives until conv_84 reads it through route_83");
	is_int(last[3], 4, "conv_3 dies at shortcut_4");
	is_int(graph_outputs(&m, last), 3, "three results: the yolo inputs");
	ok(last[0] == 81 && last[1] == 93 && last[2] == 105, "the convs before the yolo layers");
	free(last);
	is_str(find(&m, "conv_0")->stage, "backbone", "conv_0 in the backbone");
	is_str(find(&m, "shortcut_74")->stage, "backbone", "shortcut_74 ends the backbone");
	is_str(find(&m, "yolo_82")->stage, "head_large", "yolo_82 in head_large");
	is_str(find(&m, "route_83")->stage, "head_medium", "route_83 starts head_medium");
	is_str(find(&m, "conv_105")->stage, "head_small", "conv_105 in head_small");

	err = model_shape(&m, 600, 600, 1);
	is_int(err, -EINVAL, "600 does not fit yolov3");
	ok(strstr(cp_strerror(err), "size 600x600 does not fit yolov3: use a multiple of 32"),
	   "says to use a multiple of 32: %s", cp_strerror(err));
	is_int(m.bad_layer, 98, "the layer that did not fit: route_98");
	ok(shape_is(find(&m, "yolo_82"), 255, 13, 13) && m.input.w == 416,
	   "a refused size leaves the model as it was");
	err = model_shape(&m, 416, 320, 1);
	ok(!err && shape_is(find(&m, "yolo_82"), 255, 10, 13), "416x320 (WxH): 13 wide, 10 high");
	is_int(model_shape(&m, 0, 0, 1), 0, "0x0 is the cfg's size");
	is_int(m.input.w, 608, "back to 608");
	is_int(model_shape(&m, 608, 608, 0), -EINVAL, "batch 0 refused");
	is_int(model_shape(&m, MODEL_MAX_SIZE + 32, 32, 1), -EINVAL, "a huge size refused");
	model_release(&m);
}

struct bad_cfg {
	const char *what, *text;
	int line;
	const char *says;
};

#define NET "[net]\nwidth=32\nheight=32\nchannels=3\n"
#define CONV "[convolutional]\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n"

static const struct bad_cfg bad_cfgs[] = {
	{ "unknown section", NET "[convolution]\n", 5, "unknown section [convolution] (did you mean [convolutional]?)" },
	{ "unknown key", NET "[convolutional]\nfilter=8\n", 6, "unknown key 'filter' in [convolutional] (did you mean 'filters'?)" },
	{ "unknown key, no hint", NET "[convolutional]\nzzzzzz=8\n", 6, "unknown key 'zzzzzz'" },
	{ "bad number", NET "[convolutional]\nfilters=8x\n", 6, "filters=8x is not a number" },
	{ "number out of range", NET "[convolutional]\nfilters=0\n", 6, "out of range" },
	{ "key outside a section", "width=32\n[net]\n", 1, "outside a section" },
	{ "line without =", NET "[convolutional]\nfilters 8\n", 6, "expected key=value" },
	{ "[net] not first", "# x\n[convolutional]\nfilters=8\n", 2, "must start with [net]" },
	{ "no [net] at all", "# nothing\n", 1, "no [net] section" },
	{ "empty text", "", 1, "no [net] section" },
	{ "second [net]", NET "[net]\n", 5, "a second [net]" },
	{ "empty model", NET "\n# no layers\n", 6, "no layers" },
	{ "bad activation", NET "[convolutional]\nactivation=mish\n", 6, "unsupported activation 'mish'" },
	{ "dilation", NET CONV "dilation=2\n", 11, "dilation=2 is not supported" },
	{ "malformed header", NET "[convolutional\n", 5, "malformed section header" },
	{ "route before the first layer", NET CONV "[route]\nlayers=-5\n", 12, "no such layer" },
	{ "route to itself", NET CONV "[route]\nlayers=1\n", 12, "must come before this one" },
	{ "route forward", NET CONV "[route]\nlayers=-1,7\n", 12, "must come before this one" },
	{ "route without layers", NET CONV "[route]\n", 11, "[route] needs layers=" },
	{ "route, bad list", NET CONV "[route]\nlayers=-1,,0\n", 12, "layers" },
	{ "shortcut to itself", NET CONV "[shortcut]\nfrom=1\n", 12, "must come before this one" },
	{ "shortcut to nothing", NET CONV "[shortcut]\nfrom=-9\n", 12, "no such layer" },
	{ "shortcut without from", NET CONV "[shortcut]\nactivation=linear\n", 11, "[shortcut] needs from=" },
	{ "key without value", NET "[convolutional]\nfilters=\n", 6, "is not a number" },
	{ "name too long", NET "[convolutional]\nname=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  6, "longer than" },
	{ "duplicate name", NET CONV "name=a\n" CONV "name=a\n", 12, "'a' is already layer 0" },
	{ "name in [net]", "[net]\nname=x\n", 2, "unknown key 'name' in [net]" },
	/* shapes that do not add up, found when the cfg is shaped at its size */
	{ "shortcut channels", NET CONV "[convolutional]\nfilters=4\nsize=1\nactivation=linear\n[shortcut]\nfrom=-2\n",
	  15, "shortcut_2 cannot add conv_0 (8x32x32) to conv_1 (4x32x32)" },
	{ "route sizes", NET CONV "[maxpool]\nsize=2\nstride=2\n[route]\nlayers=-1,0\n", 14,
	  "route_2 joins maxpool_1 (16x16) and conv_0 (32x32)" },
	{ "a layer shrinks to nothing", NET "[convolutional]\nfilters=8\nsize=5\nstride=1\n"
	  "[maxpool]\nsize=2\nstride=64\npadding=0\n[convolutional]\nsize=3\n", 13, "smaller than its 3x3 kernel" },
	{ "too large to count in 64 bits", "[net]\nwidth=32768\nheight=32768\n[convolutional]\nfilters=65536\nsize=64\n",
	  4, "conv_0 is too large" },
	{ "groups", NET "[convolutional]\nfilters=8\n[convolutional]\nfilters=6\ngroups=4\n", 7,
	  "groups=4 does not divide" },
};

static void test_bad_cfgs(void)
{
	struct model m;
	char want[256];
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad_cfgs); i++) {
		const struct bad_cfg *b = &bad_cfgs[i];
		const char *msg;

		cp_error_clear();
		err = model_parse(b->text, "t.cfg", &m);
		msg = cp_strerror(err);
		snprintf(want, sizeof(want), "t.cfg:%d: ", b->line);
		ok(err == -EINVAL && strncmp(msg, want, strlen(want)) == 0 &&
		   strstr(msg, b->says) && !strchr(msg, '\n'),
		   "%s: one line at t.cfg:%d", b->what, b->line);
		if (err != -EINVAL || !strstr(msg, b->says))
			printf("#   got %d '%s'\n", err, msg);
		ok(m.layers == NULL && m.n == 0, "%s: nothing left allocated", b->what);
	}
}

static void test_own_cfg(void)
{
	int *last;
	static const char cfg[] =
		"[network]\n"
		"; a comment, darknet style\n"
		"batch=64\nsubdivisions=16\nwidth=64\nheight=48\nchannels=3\n"
		"momentum=0.9\ndecay=0.0005\nlearning_rate=0.001\nsteps=400000,450000\n"
		"\n"
		"[conv]\nname=stem\nstage=s1\nfilters=16\nsize=3\nstride=2\npad=1\nactivation=relu\n"
		"[convolutional]\nfilters=16\ngroups=16\nsize=3\nstride=1\npad=1\nbatch_normalize=1\nactivation=leaky\ndilation=1\n"
		"[maxpool]\nsize=2\nstride=2\n"
		"[maxpool]\nsize=2\nstride=1\n"
		"[convolutional]\nstage=s2\nfilters=8\nsize=3\nstride=1\npadding=0\nactivation=linear\n"
		"[route]\nlayers = 3 , -2\n"
		"[upsample]\n"
		"[avgpool]\n"
		"[connected]\noutput=10\nactivation=linear\nbatch_normalize=1\n"
		"[yolo]\nmask=0,1\nanchors=1,2\nclasses=1\nnum=2\njitter=.3\nrandom=1\n";
	struct model m;
	const struct layer *l;
	int err, idx[MODEL_MAX_ROUTES];

	err = model_parse(cfg, "dir/own.cfg", &m);
	is_int(err, 0, "own cfg parses: %s", err ? cp_strerror(err) : "ok");
	if (err)
		return;
	is_str(m.name, "own", "the name is the file's base name");
	is_int(m.batch, 64, "[net] batch");
	is_int(m.input.w, 64, "[net] width");
	is_int(m.input.h, 48, "[net] height");
	is_int(m.n, 10, "10 layers");
	l = &m.layers[0];
	ok(!strcmp(l->name, "stem") && !strcmp(l->stage, "s1") && shape_is(l, 16, 24, 32),
	   "stem: 16x24x32 in s1");
	is_int(l->line, 13, "the section's line");
	is_int(l->params, 16 * 3 * 9 + 16, "conv without BN: weights + bias");
	l = &m.layers[1];
	ok(!strcmp(l->name, "conv_1") && !strcmp(l->stage, "s1"), "default name conv_1, stage inherited");
	is_int(l->params, 16 * 9 + 32, "depthwise with BN: weights + scale and shift");
	is_int(l->macs, 16 * 9 * 24 * 32, "depthwise multiply-adds");
	l = &m.layers[2];
	ok(!strcmp(l->name, "maxpool_2") && shape_is(l, 16, 12, 16) && l->pad_l == 0 && l->pad_r == 1,
	   "darknet maxpool 2/2: padding size-1, before/after 0/1");
	ok(shape_is(&m.layers[3], 16, 12, 16) && m.layers[3].pad_r == 1, "maxpool 2/1 keeps the size");
	l = &m.layers[4];
	ok(shape_is(l, 8, 10, 14) && !strcmp(l->stage, "s2") && l->pad_t == 0, "padding=0 overrides: 8x10x14");
	l = &m.layers[5];
	ok(l->kind == LK_ROUTE && l->nroutes == 2 && l->routes[0] == 3 && l->routes[1] == 3,
	   "route with spaces, absolute and relative");
	ok(shape_is(l, 32, 12, 16), "route concatenates channels");
	is_int(graph_inputs(&m, 5, idx), 2, "a route reads its layers");
	ok(shape_is(&m.layers[6], 32, 24, 32), "upsample x2 by default");
	ok(shape_is(&m.layers[7], 32, 1, 1), "global avgpool");
	l = &m.layers[8];
	ok(shape_is(l, 10, 1, 1) && l->weights == 320 && l->params == 320 + 20,
	   "connected flattens; BN: scale and shift");
	is_int(model_flops(&m), 2 * (m.layers[0].macs + m.layers[1].macs + m.layers[4].macs + 320),
	       "FLOPs count conv and connected only");
	last = calloc((size_t)m.n + 1, sizeof(int));
	graph_last_reads(&m, last);
	is_int(last[3], 5, "layer 3 lives until the route");
	is_int(last[8], GRAPH_FOREVER, "a yolo input is used to the end");
	free(last);
	is_int(graph_inputs(&m, 0, idx), 1, "layer 0 reads one input");
	is_int(idx[0], -1, "the model's input");
	is_int(m.downsample, 4, "total stride 4");
	model_release(&m);

	err = model_parse(NET "[convolutional]\nfilters=8\n[shortcut]\nfrom=0\nactivation=leaky\n", "s.cfg", &m);
	is_int(err, 0, "shortcut with an absolute from parses");
	if (!err) {
		is_int(graph_inputs(&m, 1, idx), 2, "a shortcut reads two layers");
		ok(idx[0] == 0 && idx[1] == 0 && m.layers[1].act == ACT_LEAKY, "previous and from, leaky");
		model_release(&m);
	}
}

static void test_load(void)
{
	char path[] = "/tmp/convprof-model-XXXXXX";
	struct model m;
	FILE *fp;
	int fd, err;

	is_int(model_load_builtin("resnet", &m), -ENOENT, "no built-in 'resnet'");
	err = model_load("resnt50", &m);
	ok(err == -ENOENT && strstr(cp_strerror(err), "did you mean 'resnet50'"),
	   "unknown model hints the closest built-in");
	err = model_load("nothing-like-it", &m);
	ok(err == -ENOENT && strstr(cp_strerror(err), "resnet50, yolov3"), "unknown model lists the built-ins");
	err = model_load("/nonexistent/x.cfg", &m);
	ok(err == -ENOENT && strstr(cp_strerror(err), "cannot open '/nonexistent/x.cfg'"), "missing file");
	err = model_load("/tmp", &m);
	is_int(err, -EINVAL, "a directory is not a cfg");
	ok(model_builtin_names[0] && model_builtin_names[2] == NULL, "two built-ins");
	ok(model_builtin_description("yolov3") && !model_builtin_description("x"), "descriptions");

	fd = mkstemp(path);
	fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp) {
		skip("cannot write a temporary file", "model_load_file");
		return;
	}
	fprintf(fp, NET "\n[convolutional]\nfilters=4\nactivation=relu\n[bogus]\n");
	fclose(fp);
	err = model_load(path, &m);
	ok(err == -EINVAL && strstr(cp_strerror(err), ":9: unknown section [bogus]"),
	   "file errors carry the path and line: %s", cp_strerror(err));
	unlink(path);
}

static void test_parse_size(void)
{
	int w = 0, h = 0;

	ok(parse_size("224", &w, &h) == 0 && w == 224 && h == 224, "224");
	ok(parse_size("416x320", &w, &h) == 0 && w == 416 && h == 320, "416x320 is width x height");
	is_int(parse_size("0", &w, &h), -EINVAL, "0 refused");
	is_int(parse_size("-32", &w, &h), -EINVAL, "negative refused");
	is_int(parse_size("x32", &w, &h), -EINVAL, "missing width");
	is_int(parse_size("32x", &w, &h), -EINVAL, "missing height");
	is_int(parse_size("32x32x3", &w, &h), -EINVAL, "three dimensions");
	is_int(parse_size("abc", &w, &h), -EINVAL, "not a number");
	is_int(parse_size("99999", &w, &h), -EINVAL, "too large");
}

int main(void)
{
	test_resnet50();
	test_yolov3();
	test_bad_cfgs();
	test_own_cfg();
	test_load();
	test_parse_size();
	return done_testing();
}
