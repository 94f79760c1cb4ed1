/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_OUTPUT_H
#define CONVPROF_OUTPUT_H

#include <stdio.h>
#include <sys/types.h>

/*
 * The one writer of every file convprof makes (charts, flame graphs, the
 * machine cache, ...), so that no output path can be damaged:
 * - "-", /dev/stdout, /dev/fd/N and /proc/self/fd/N: written straight
 *   through the descriptor, never replaced;
 * - a FIFO or a character device (/dev/null, a terminal): opened and written
 *   straight through, never replaced;
 * - a regular file or a new path: written into a temporary file in the same
 *   folder, flushed to disk and renamed over the path, so a failure (a full
 *   disk, a bad value) leaves the old file as it was; a replaced file keeps
 *   its permissions (and owner where allowed), a new one gets 0666 & ~umask;
 * - a symlink is followed (chains, relative, dangling) and its target is
 *   written as above; the link stays.
 * A folder, a socket or a block device is refused.
 *
 * output_open() and output_commit()/output_abort() frame the writes to
 * @o->fp. Every function returns 0 or -errno with a cp_error() sentence
 * naming the path; none prints.
 */
struct output {
	FILE *fp;		/* write here between open and commit/abort */
	char *path;		/* the path as given */
	char *target;		/* the file renamed into (symlinks followed) */
	char *tmp;		/* the temporary file, NULL when written straight */
	int is_stdout;
};

int output_open(struct output *o, const char *path);

/* Flush (and for a file: fsync, rename, fsync the folder); releases @o. */
int output_commit(struct output *o);

/* Drop what was written: the temporary file goes, the old file stays. */
void output_abort(struct output *o);

/*
 * output_open(), @write(fp, @arg) (0 or -errno), output_commit(); on any
 * failure output_abort(). @write's own cp_error() message is kept.
 */
int output_write(const char *path, int (*write)(FILE *fp, const void *arg), const void *arg);

#endif
