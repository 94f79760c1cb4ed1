// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hooklib.h"
#include "util/util.h"

#define HOOK_NAME "libconvprof-hook.so"

int hooklib_path(char *buf, size_t len)
{
	static const char *const rel[] = { "build/" HOOK_NAME, "../lib/convprof/" HOOK_NAME };
	const char *env = getenv("CONVPROF_HOOK");
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	if (env && *env) {
		if (access(env, R_OK) != 0)
			return cp_error(-ENOENT, "CONVPROF_HOOK: cannot read '%s': %s", env,
					strerror(errno));
		if (!realpath(env, exe))
			return cp_error(-ENOENT, "CONVPROF_HOOK: '%s': %s", env, strerror(errno));
		snprintf(buf, len, "%s", exe);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return cp_error(-ENOENT, "cannot find " HOOK_NAME ": /proc/self/exe: %s",
				strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*(slash ? slash + 1 : exe) = '\0';
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		char path[PATH_MAX + 64], real[PATH_MAX];

		snprintf(path, sizeof(path), "%s%s", exe, rel[i]);
		if (access(path, R_OK) == 0 && realpath(path, real)) {
			snprintf(buf, len, "%s", real);
			return 0;
		}
	}
	return cp_error(-ENOENT, "cannot find " HOOK_NAME " in %sbuild/ or %s../lib/convprof/ "
			"(set CONVPROF_HOOK)", exe, exe);
}
