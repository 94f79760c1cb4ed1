/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOK_ITT_H
#define CONVPROF_HOOK_ITT_H

/*
 * convprof as oneDNN's ITT collector. oneDNN 2.6 wraps every primitive's
 * work in an ITT task (domain "dnnl::primitive::execute", the task named by
 * the primitive kind) on the calling thread and on every OpenMP worker that
 * takes part. Its ittnotify loader dlopen()s the library named by
 * INTEL_LIBITTNOTIFY64 (libconvprof-hook.so, which holds this file) and binds
 * its __itt_* functions, provided INTEL_ITTNOTIFY_GROUPS is set (e.g. "all").
 *
 * Whoever wants the task boundaries installs callbacks with cp_itt_set_ops():
 * the hook of an application, or the built-in runner, which finds this
 * function with dlsym() on the same library. Without callbacks the collector
 * does nothing but hand out domains and string handles.
 */

struct cp_itt_ops {
	/* A task begins / ends on the calling thread; @name is the primitive
	   kind as oneDNN names it ("convolution", "reorder", ...). Called on
	   oneDNN's threads, on the hot path: no locks, no allocation. */
	void (*task_begin)(void *arg, const char *domain, const char *name);
	void (*task_end)(void *arg, const char *domain);
	void *arg;
};

/*
 * Install @ops (copied; NULL removes them). Not meant to be called while
 * tasks run on other threads: install before the first primitive, remove
 * after the last. Exported from libconvprof-hook.so with this name.
 */
void cp_itt_set_ops(const struct cp_itt_ops *ops);
typedef void (*cp_itt_set_ops_fn)(const struct cp_itt_ops *ops);

/* How many tasks began since the library was loaded (0: not bound). */
unsigned long cp_itt_task_count(void);
typedef unsigned long (*cp_itt_task_count_fn)(void);

#endif
