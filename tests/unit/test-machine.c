// SPDX-License-Identifier: MIT
/*
 * The ceilings: a quick measurement on this machine (no speed is asserted,
 * only that every figure is a positive finite number where the CPU has the
 * instructions and NAN where not), the JSON round trip and the cache file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"
#include "machine/machine-kernels.h"
#include "core/pin.h"
#include "tap.h"
#include "util/util.h"

static char tmpdir[] = "/tmp/convprof-machine.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static int figures_ok(const struct machine_ceilings *c, const struct machine_point *pt)
{
	int p;

	for (p = 0; p < MACHINE_NPREC; p++) {
		if (c->kern[p].supported && !(isfinite(pt->peak[p]) && pt->peak[p] > 0))
			return 0;
		if (!c->kern[p].supported && !isnan(machine_peak(c, p, pt->cores)))
			return 0;
	}
	for (p = 0; p < MACHINE_NSTREAM; p++)
		if (!(isfinite(pt->bw[p]) && pt->bw[p] > 0))
			return 0;
	return 1;
}

/* PUs in a cpulist such as "0-3,8" */
static int count_cpus(const char *list)
{
	int n = 0, lo, hi, used;

	while (sscanf(list, "%d%n", &lo, &used) == 1) {
		list += used;
		hi = lo;
		if (*list == '-' && sscanf(list + 1, "%d%n", &hi, &used) == 1)
			list += 1 + used;
		n += hi - lo + 1;
		if (*list != ',')
			break;
		list++;
	}
	return n;
}

/*
 * The kernels compute what their arithmetic says: a kernel the compiler had
 * dropped or folded, or a chain that was merged, would not give these sums.
 */
static double f32_expected(int lanes, uint64_t iters, float seed)
{
	double sum = 0, xm = pow(1.0 - seed, (double)(UNROLL * iters));
	int k;

	/* a(m) = 1 + (a0 - 1) x^m for a <- a x + (1 - x) */
	for (k = 0; k < CHAINS; k++)
		sum += lanes * (1.0 + k * 0.01 * xm);
	return sum;
}

static double int8_expected(int lanes, uint64_t iters, float seed)
{
	int x = 1 + (int)(seed * 1e6f) % 3, y = -3, k;
	uint32_t acc = 0;

	/* each step adds 4 u8*s8 products to every lane, wrapping */
	for (k = 0; k < CHAINS; k++)
		acc ^= (uint32_t)k + (uint32_t)(UNROLL * iters) * (uint32_t)(4 * x * y);
	return (double)lanes * (double)(int32_t)acc;
}

static void test_kernels(void)
{
	const float seed = 1e-3f;
	const uint64_t iters = 1000;
	double a[40] __attribute__((aligned(64))), b[40] __attribute__((aligned(64)));
	double c[40] __attribute__((aligned(64))), v;
	int i, bad = 0;

	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f")) {
		v = peak_f32_zmm(iters, seed);
		is_near(v, f32_expected(16, iters, seed), 1e-3 * v, "f32 zmm chains sum as computed");
		for (i = 0; i < 40; i++) {
			a[i] = 0;
			b[i] = i;
			c[i] = 2 * i;
		}
		stream_triad_zmm(a, b, c, 0.5, 37);
		for (i = 0; i < 37; i++)
			bad += a[i] != 2.0 * i;
		stream_copy_zmm(a, c, 19);
		for (i = 0; i < 19; i++)
			bad += a[i] != c[i];
		ok(!bad && a[37] == 0, "zmm triad and copy, with scalar tails, write exactly their range");
	} else {
		skip("no avx512f on this CPU", "f32 zmm chains sum as computed");
		skip("no avx512f on this CPU", "zmm triad and copy");
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		v = peak_f32_ymm(iters, seed);
		is_near(v, f32_expected(8, iters, seed), 1e-3 * v, "f32 ymm chains sum as computed");
	} else {
		skip("no avx2 with fma on this CPU", "f32 ymm chains sum as computed");
	}
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni"))
		is_near(peak_int8_zmm(iters, seed), int8_expected(16, iters, seed), 0,
			"int8 zmm: every vpdpbusd counted");
	else
		skip("no avx512_vnni on this CPU", "int8 zmm: every vpdpbusd counted");
	if (__builtin_cpu_supports("avxvnni"))
		is_near(peak_int8_ymm(iters, seed), int8_expected(8, iters, seed), 0,
			"int8 ymm: every vpdpbusd counted");
	else
		skip("no avx_vnni on this CPU", "int8 ymm: every vpdpbusd counted");
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16")) {
		uint32_t bits;
		float sb;
		double base = 16 * f32_expected(1, 0, seed), growth;

		/* seed rounded to bf16 (nearest even), as vcvtne2ps2bf16 does */
		memcpy(&bits, &seed, sizeof(bits));
		bits = (bits + 0x7fff + ((bits >> 16) & 1)) & 0xffff0000u;
		memcpy(&sb, &bits, sizeof(sb));
		/* each step adds two bf16 products to each of 16 lanes x 12 chains */
		growth = 16.0 * CHAINS * (double)(UNROLL * iters) * 2 * (double)sb * sb;
		v = peak_bf16_zmm(iters, seed);
		is_near(v - base, growth, 0.1 * growth, "bf16 zmm: every vdpbf16ps counted");
	} else {
		skip("no avx512_bf16 on this CPU", "bf16 zmm: every vdpbf16ps counted");
	}
}

static void test_identify(void)
{
	struct machine_ceilings c;
	struct topo_summary s;
	hwloc_topology_t topo;

	is_int(topology_load(&topo, NULL, NULL), 0, "topology loads");
	topology_summarize(topo, &s);
	is_int(machine_identify(&c, topo), 0, "machine_identify");
	is_int(c.cores, s.cores, "cores as hwloc counts them");
	is_int(c.pus, s.pus, "PUs as hwloc counts them");
	ok(strstr(c.key, c.model) && strstr(c.key, "cores"), "key names the model and cores: %s",
	   c.key);
	is_int(c.ncaches, s.ncaches, "every cache level kept");
	hwloc_topology_destroy(topo);
}

static void test_json_round_trip(const struct machine_ceilings *c)
{
	struct machine_ceilings back;
	json_t *j = machine_ceilings_to_json(c), *j2;
	int p, err;

	is_int(machine_ceilings_from_json(&back, j), 0, "from_json reads what to_json wrote");
	is_str(back.key, c->key, "key survives");
	is_int(back.npoints, c->npoints, "every point survives");
	for (p = 0; p < MACHINE_NPREC; p++) {
		is_int(back.kern[p].supported, c->kern[p].supported, "%s support survives",
		       machine_prec_name(p));
		is_str(back.kern[p].instruction, c->kern[p].instruction, "%s instruction survives",
		       machine_prec_name(p));
	}
	if (back.npoints) {
		const struct machine_point *pt = &back.points[back.npoints - 1];

		is_near(pt->bw[MACHINE_TRIAD], c->points[c->npoints - 1].bw[MACHINE_TRIAD],
			1e-6 * pt->bw[MACHINE_TRIAD], "triad figure survives");
		ok(isnan(pt->peak[MACHINE_INT8]) == !c->kern[MACHINE_INT8].supported,
		   "int8 is null exactly when not supported");
	}
	j2 = machine_ceilings_to_json(&back);
	ok(json_equal(j, j2), "to_json(from_json(x)) == x");
	json_decref(j2);
	machine_ceilings_release(&back);

	/* what a hand edit or another version looks like */
	json_object_set_new(j, "version", json_integer(99));
	err = machine_ceilings_from_json(&back, j);
	ok(err == -EINVAL && strstr(cp_strerror(err), "version 99"),
	   "another format version is refused: %s", cp_strerror(err));
	json_object_set_new(j, "version", json_integer(MACHINE_FORMAT_VERSION));
	json_object_set_new(j, "key", json_string("Some Other CPU, 4 cores"));
	err = machine_ceilings_from_json(&back, j);
	ok(err == -EINVAL && strstr(cp_strerror(err), "does not match"),
	   "a key that disagrees with the cpu fields is refused: %s", cp_strerror(err));
	json_object_set_new(j, "key", json_string(c->key));
	json_object_del(json_object_get(j, "method"), "stream");
	err = machine_ceilings_from_json(&back, j);
	ok(err == -EINVAL && strstr(cp_strerror(err), "stream"), "a missing field is named: %s",
	   cp_strerror(err));
	json_decref(j);
}

static void test_cache(const struct machine_ceilings *c)
{
	struct machine_ceilings back, other = *c;
	char *file = xasprintf("%s/sub/dir/machine.json", tmpdir);
	char *bad = xasprintf("%s/bad.json", tmpdir);
	char *none = xasprintf("%s/none.json", tmpdir);
	char *foreign = xasprintf("%s/foreign.json", tmpdir);
	char *blocked = xasprintf("%s/bad.json/machine.json", tmpdir);
	char *tmp;
	int err;

	is_int(machine_cache_save(c, file), 0, "cache saved, directories created");
	tmp = xasprintf("%s.tmp%d", file, (int)getpid());
	ok(access(tmp, F_OK) < 0, "no temporary file left behind");
	free(tmp);
	is_int(machine_cache_load(&back, file), 0, "cache loads");
	is_int(back.npoints, c->npoints, "cache keeps every point");
	is_near(machine_peak(&back, MACHINE_F32, 1), machine_peak(c, MACHINE_F32, 1),
		1e-6 * machine_peak(c, MACHINE_F32, 1), "f32 on 1 core survives the cache");
	is_near(machine_bandwidth(&back, MACHINE_COPY, 1), machine_bandwidth(c, MACHINE_COPY, 1),
		1e-6 * machine_bandwidth(c, MACHINE_COPY, 1), "copy on 1 core survives the cache");
	machine_ceilings_release(&back);

	is_int(machine_ceilings_get(&back, 0, file), c->npoints == c->cores ? 0 : -ENOENT,
	       "get() uses the cache exactly when it holds 1..N");
	if (c->npoints == c->cores) {
		is_str(back.measured_at, c->measured_at, "get() did not measure again");
		machine_ceilings_release(&back);
	}

	write_file(bad, "{\"version\": 1, \"key\": ");
	err = machine_cache_load(&back, bad);
	ok(err == -EINVAL && strstr(cp_strerror(err), "bad.json"),
	   "a corrupt cache is refused, naming the file: %s", cp_strerror(err));
	is_int(machine_ceilings_get(&back, 0, bad), -EINVAL, "get() without measuring refuses it too");
	is_int(machine_cache_load(&back, none), -ENOENT, "a missing cache is -ENOENT");

	snprintf(other.model, sizeof(other.model), "Not This CPU 9000");
	machine_key(&other, other.key, sizeof(other.key));
	is_int(machine_cache_save(&other, foreign), 0, "a foreign cache saved");
	err = machine_cache_load(&back, foreign);
	ok(err == -ESTALE && strstr(cp_strerror(err), "another machine"),
	   "a cache from another machine is refused: %s", cp_strerror(err));

	err = machine_cache_save(c, blocked);
	ok(err < 0 && strstr(cp_strerror(err), "bad.json/machine.json'"),
	   "saving under a regular file fails: %s", cp_strerror(err));

	free(file);
	free(bad);
	free(none);
	free(foreign);
	free(blocked);
}

static void test_default_path(void)
{
	char *p;

	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	p = machine_cache_default_path();
	is_str(p, "/x/cache/convprof/machine.json", "XDG_CACHE_HOME is used");
	free(p);
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	p = machine_cache_default_path();
	is_str(p, "/home/u/.cache/convprof/machine.json", "a relative XDG_CACHE_HOME is ignored");
	free(p);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	p = machine_cache_default_path();
	ok(p == NULL, "no HOME and no XDG_CACHE_HOME: no default");
	free(p);
}

int main(void)
{
	struct machine_ceilings c;
	struct machine_opts o = { .quick = 1 };
	hwloc_topology_t topo;
	char before[256] = "", after[256] = "";
	int counts[2], bad[1], err, i, n, p;

	if (!mkdtemp(tmpdir))
		return 1;
	test_kernels();
	test_identify();

	is_int(topology_load(&topo, NULL, NULL), 0, "topology loads");
	pin_thread_cpus(topo, before, sizeof(before));
	is_int(machine_identify(&c, topo), 0, "identify");
	n = c.cores;
	counts[0] = n;	/* out of order on purpose: the result is sorted */
	counts[1] = 1;
	o.cores = counts;
	o.ncores = n > 1 ? 2 : 1;
	err = machine_measure(&c, &o);
	ok(err == 0, "quick measurement on 1 and %d cores: %s", n, err ? cp_strerror(err) : "ok");
	if (err) {
		hwloc_topology_destroy(topo);
		return done_testing();
	}
	pin_thread_cpus(topo, after, sizeof(after));
	is_str(after, before, "the caller's binding is restored");
	hwloc_topology_destroy(topo);

	is_int(c.npoints, o.ncores, "one point per core count");
	for (i = 0; i < c.npoints; i++) {
		const struct machine_point *pt = &c.points[i];

		is_int(pt->cores, i == 0 ? 1 : n, "points sorted by cores");
		is_int(count_cpus(pt->cpus), pt->cores, "%d worker(s) on cpus %s", pt->cores, pt->cpus);
		ok(figures_ok(&c, pt), "%d core(s): every figure positive and finite where supported",
		   pt->cores);
		ok(machine_point_find(&c, pt->cores) == pt, "point_find(%d)", pt->cores);
	}
	ok(c.binding_verified, "every worker checked its binding");
	ok(c.stream.triad_verified, "the triad result was checked");
	ok(c.quick && c.repeats >= 2 && c.target_seconds > 0, "quick method recorded");
	ok(c.stream.array_bytes * 3 >= (256ULL << 20) || c.stream.array_bytes * 3 >= 8 * c.stream.llc_bytes,
	   "stream arrays: %llu bytes each", (unsigned long long)c.stream.array_bytes);
	ok(3 * c.stream.array_bytes >= 8 * c.stream.llc_bytes, "arrays are 8x the LLC (%llu bytes)",
	   (unsigned long long)c.stream.llc_bytes);
	for (p = 0; p < MACHINE_NPREC; p++) {
		const struct machine_kernel *k = &c.kern[p];

		if (k->supported)
			ok(k->chains >= 12 && k->ops_per_instruction > 0 && k->vector_bits >= 256,
			   "%s: %s, %d chains, %d ops an instruction", machine_prec_name(p),
			   k->instruction, k->chains, k->ops_per_instruction);
		else
			ok(k->reason[0], "%s not supported: %s", machine_prec_name(p), k->reason);
	}
	ok(__builtin_cpu_supports("avx512f") ? c.kern[MACHINE_F32].vector_bits == 512 :
	   c.kern[MACHINE_F32].vector_bits <= 256, "f32 kernel matches the CPU's vectors");
	ok(c.kern[MACHINE_INT8].supported ==
	   (__builtin_cpu_supports("avx512vnni") || __builtin_cpu_supports("avxvnni")),
	   "int8 supported exactly when the CPU has VNNI");
	ok(isnan(machine_peak(&c, MACHINE_F32, n + 1)), "a core count not measured is NAN");
	ok(isnan(machine_bandwidth(&c, MACHINE_TRIAD, 0)), "0 cores is NAN");

	test_json_round_trip(&c);
	test_cache(&c);

	bad[0] = n + 1;
	o.cores = bad;
	o.ncores = 1;
	cp_error_clear();
	{
		struct machine_ceilings x;

		err = machine_measure(&x, &o);
		ok(err == -EINVAL && strstr(cp_strerror(err), "this machine has"),
		   "%d cores is refused: %s", n + 1, cp_strerror(err));
	}
	machine_ceilings_release(&c);
	test_default_path();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			ok(0, "cleanup of %s", tmpdir);
		free(cmd);
	}
	return done_testing();
}
