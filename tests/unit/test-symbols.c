// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "core/symbols.h"
#include "tap.h"
#include "util/util.h"

__attribute__((noinline)) int symbols_test_marker(int x)
{
	return x * 3 + 1;
}

static void test_elf(void)
{
	struct symbols *s = NULL;
	const char *name;

	is_int(symbols_open(&s, getpid()), 0, "open this process");
	if (!s)
		return;
	name = symbols_resolve(s, (uint64_t)(uintptr_t)&symbols_test_marker + 1);
	is_str(name, "symbols_test_marker", "a function of this executable (.symtab)");
	name = symbols_resolve(s, (uint64_t)(uintptr_t)&getpid);
	is_str(name, "getpid", "a libc function, by its public name among aliases");
	name = symbols_resolve(s, (uint64_t)(uintptr_t)&dnnl_version);
	is_str(name, "dnnl_version", "an exported oneDNN function");
	is_str(symbols_resolve(s, 16), "[unknown]", "an address nothing maps");
	symbols_close(s);
	is_int(symbols_open(&s, 999999999), -ENOENT, "a process that does not exist");
	ok(s == NULL && strstr(cp_strerror(-ENOENT), "/proc/999999999/maps"),
	   "names the file: %s", cp_strerror(-ENOENT));
	symbols_close(NULL);
}

/* A JIT'd oneDNN primitive: its kernel lands in the perf map. */
static int make_jit_kernel(dnnl_engine_t *eng, dnnl_primitive_t *prim)
{
	dnnl_dims_t dims = { 1, 16, 8, 8 };
	dnnl_memory_desc_t md;
	dnnl_eltwise_desc_t ed;
	dnnl_primitive_desc_t pd = NULL;
	int err = -1;

	if (dnnl_engine_create(eng, dnnl_cpu, 0) != dnnl_success)
		return -1;
	if (dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_nchw) == dnnl_success &&
	    dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_relu,
					   &md, 0.f, 0.f) == dnnl_success &&
	    dnnl_primitive_desc_create(&pd, &ed, NULL, *eng, NULL) == dnnl_success &&
	    dnnl_primitive_create(prim, pd) == dnnl_success)
		err = 0;
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	return err;
}

static void test_jit(void)
{
	unsigned long long start = 0, size = 0;
	char name[512] = "", line[1024];
	struct jit_perfmap m;
	struct symbols *s = NULL;
	dnnl_engine_t eng = NULL;
	dnnl_primitive_t prim = NULL;
	FILE *f;

	if (getenv("ONEDNN_JIT_PROFILE") || getenv("DNNL_JIT_PROFILE")) {
		skip("ONEDNN_JIT_PROFILE is set by the caller", "JIT perf map");
		return;
	}
	is_int(jit_perfmap_begin(&m), 0, "turn the perf map on");
	ok(m.enabled && !m.existed, "convprof turned it on; no file before");
	is_int(make_jit_kernel(&eng, &prim), 0, "a JIT'd oneDNN primitive");
	f = fopen(m.path, "re");
	ok(f != NULL, "oneDNN wrote %s", m.path);
	if (f && fgets(line, sizeof(line), f))
		sscanf(line, "%llx %llx %511[^\n]", &start, &size, name);
	if (f)
		fclose(f);
	ok(start && size && name[0], "a kernel in it: %s", name);
	is_int(symbols_open(&s, getpid()), 0, "open after the kernel exists");
	if (s && start)
		is_str(symbols_resolve(s, start + size / 2), name, "a JIT address resolves to its kernel");
	symbols_close(s);
	jit_perfmap_end(&m);
	ok(access(m.path, F_OK) != 0, "the perf map convprof caused is removed");

	/* a file that was there before is not ours to remove */
	f = fopen(m.path, "w");
	if (f)
		fclose(f);
	is_int(jit_perfmap_begin(&m), 0, "again, with a file already there");
	ok(m.existed, "the earlier file is noticed");
	jit_perfmap_end(&m);
	ok(access(m.path, F_OK) == 0, "and left in place");
	unlink(m.path);

	setenv("ONEDNN_JIT_PROFILE", "2", 1);
	is_int(jit_perfmap_begin(&m), 0, "with ONEDNN_JIT_PROFILE set by the user");
	ok(!m.enabled, "the user's choice stands: convprof changes and removes nothing");
	jit_perfmap_end(&m);
	unsetenv("ONEDNN_JIT_PROFILE");

	if (prim)
		dnnl_primitive_destroy(prim);
	if (eng)
		dnnl_engine_destroy(eng);
}

int main(void)
{
	test_elf();
	test_jit();
	return done_testing();
}
