/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_SYMBOLS_H
#define CONVPROF_SYMBOLS_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Names for user-space addresses of a live process, for sampled stacks:
 * /proc/PID/maps says which file (or anonymous region) holds an address;
 * file-backed code is looked up in the file's ELF symbol table (.symtab,
 * else a .symtab in /usr/lib/debug/.build-id/, else .dynsym) and anonymous
 * code in the JIT's perf map, /tmp/perf-PID.map (oneDNN writes one when its
 * JIT profiling has DNNL_JIT_PROFILE_LINUX_PERFMAP).
 */

struct symbols;

/*
 * Read /proc/@pid/maps and @pid's perf map now (the process must be alive);
 * ELF files are read lazily on first use. *@out belongs to the caller:
 * symbols_close() it. Returns 0 or -errno with cp_error().
 */
int symbols_open(struct symbols **out, pid_t pid);

/*
 * The same from a copy of @pid's maps in file @maps (NULL: /proc/@pid/maps),
 * for a process that is gone: a -- command's hook copies its maps at exit.
 */
int symbols_open_maps(struct symbols **out, pid_t pid, const char *maps);

/*
 * The name of code address @addr: the function ("dnnl_primitive_execute",
 * C++ names demangled by libstdc++'s __cxa_demangle on first use),
 * the JIT kernel's name, "[file]" (the mapped file's base name) when the
 * file has no symbol for it, or "[unknown]". Never NULL; the string belongs
 * to @s and lives until symbols_close().
 */
const char *symbols_resolve(struct symbols *s, uint64_t addr);

void symbols_close(struct symbols *s);

/*
 * oneDNN's JIT perf map for this process. jit_perfmap_begin(), called before
 * oneDNN generates its kernels (before primitives are created), turns on
 * DNNL_JIT_PROFILE_LINUX_PERFMAP unless the user chose the profiling flags
 * through ONEDNN_JIT_PROFILE or DNNL_JIT_PROFILE; jit_perfmap_end(), after
 * the stacks are symbolised, restores oneDNN's default flags and removes
 * /tmp/perf-PID.map if convprof caused it to be written: only when it
 * turned the flag on and the file did not exist before.
 */
struct jit_perfmap {
	pid_t pid;
	int enabled;		/* convprof turned perf-map output on */
	int existed;		/* the file was there before */
	char path[64];
};

int jit_perfmap_begin(struct jit_perfmap *m);
void jit_perfmap_end(struct jit_perfmap *m);

#endif
