/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_HOOKLIB_H
#define CONVPROF_HOOKLIB_H

#include <stddef.h>

/*
 * Where libconvprof-hook.so is: $CONVPROF_HOOK if set, else beside the
 * running convprof as the build tree lays it out (./build/) or as
 * `make install` does (../lib/convprof/). Writes an absolute path into
 * @buf. Returns 0, or -ENOENT with cp_error() naming the places looked in.
 */
int hooklib_path(char *buf, size_t len);

#endif
