// SPDX-License-Identifier: MIT
/*
 * The output writer: see output.h for what each kind of path gets. The rule
 * behind it: a path that names something other than a regular file (a
 * device, a FIFO, a descriptor) is the user's plumbing and is written, never
 * replaced; a regular file is replaced whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/output.h"
#include "util/util.h"

#define MAX_LINKS 40

static void output_release(struct output *o)
{
	free(o->path);
	free(o->target);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

/*
 * Follow @path's symlinks to the file to write (which need not exist yet:
 * a dangling link names the file it will create). Returns 0 and *@out, or
 * -ELOOP / -errno of lstat.
 */
static int resolve_target(const char *path, char **out)
{
	char *p = xstrdup(path), *dir, buf[PATH_MAX];
	struct stat st;
	ssize_t n;
	int hops;

	for (hops = 0; hops <= MAX_LINKS; hops++) {
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT) {
				*out = p;
				return 0;
			}
			free(p);
			return -errno;
		}
		if (!S_ISLNK(st.st_mode)) {
			*out = p;
			return 0;
		}
		n = readlink(p, buf, sizeof(buf) - 1);
		if (n < 0) {
			free(p);
			return -errno;
		}
		buf[n] = '\0';
		if (buf[0] == '/') {
			free(p);
			p = xstrdup(buf);
		} else {
			dir = dir_of(p);
			free(p);
			p = xasprintf("%s/%s", dir, buf);
			free(dir);
		}
	}
	free(p);
	return -ELOOP;
}

/* "/dev/fd/3", "/proc/self/fd/3" -> 3; /dev/stdout and /dev/stderr too. */
static int descriptor_of(const char *path)
{
	static const char *const prefix[] = { "/dev/fd/", "/proc/self/fd/" };
	size_t i, len;
	long fd;

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (i = 0; i < ARRAY_SIZE(prefix); i++) {
		len = strlen(prefix[i]);
		if (strncmp(path, prefix[i], len) == 0 &&
		    !parse_long(path + len, 0, INT_MAX, &fd))
			return (int)fd;
	}
	return -1;
}

static int open_descriptor(struct output *o, int fd)
{
	int dfd;

	if (fd == 1) {
		o->fp = stdout;
		o->is_stdout = 1;
		return 0;
	}
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return cp_error(-errno, "cannot write '%s': %s", o->path, strerror(errno));
	o->fp = fdopen(dfd, "w");
	if (!o->fp) {
		int err = -errno;

		close(dfd);
		return cp_error(err, "cannot write '%s': %s", o->path, strerror(-err));
	}
	return 0;
}

/* A FIFO or character device: the writer's output goes straight into it. */
static int open_direct(struct output *o)
{
	int fd = open(o->target, O_WRONLY | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0)
		return cp_error(-errno, "cannot write '%s': %s", o->path, strerror(errno));
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		err = -errno;
		close(fd);
		return cp_error(err, "cannot write '%s': %s", o->path, strerror(-err));
	}
	return 0;
}

/* A temporary file beside the target, with the replaced file's permissions. */
static int open_temporary(struct output *o, const struct stat *old)
{
	char *dir = dir_of(o->target);
	const char *base = strrchr(o->target, '/');
	mode_t mask;
	int fd, err = 0;

	base = base ? base + 1 : o->target;
	if (strlen(base) > NAME_MAX - 16)
		base = "convprof";
	o->tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		err = cp_error(-errno, "cannot write '%s': cannot create a file in '%s': %s",
			       o->path, dir, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		goto out;
	}
	if (old) {
		/* an owner change needs privileges; without them the writer owns it */
		if (fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
			err = -errno;
		if (!err && fchmod(fd, old->st_mode & 07777) < 0)
			err = -errno;
	} else {
		/* mkstemp makes 0600; a chart is for sharing, as the umask allows */
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) < 0)
			err = -errno;
	}
	if (!err) {
		o->fp = fdopen(fd, "w");
		if (!o->fp)
			err = -errno;
	}
	if (err) {
		close(fd);
		unlink(o->tmp);
		err = cp_error(err, "cannot write '%s': %s", o->path, strerror(-err));
	}
out:
	free(dir);
	return err;
}

int output_open(struct output *o, const char *path)
{
	struct stat st;
	int fd, err;

	memset(o, 0, sizeof(*o));
	if (!path || !*path)
		return cp_error(-EINVAL, "empty output path");
	o->path = xstrdup(path);
	fd = descriptor_of(path);
	if (fd >= 0) {
		err = open_descriptor(o, fd);
		goto out;
	}
	err = resolve_target(path, &o->target);
	if (err) {
		err = cp_error(err, "cannot write '%s': %s", path, strerror(-err));
		goto out;
	}
	if (stat(o->target, &st) < 0) {
		if (errno != ENOENT) {
			err = cp_error(-errno, "cannot write '%s': %s", path, strerror(errno));
			goto out;
		}
		err = open_temporary(o, NULL);
	} else if (S_ISREG(st.st_mode)) {
		err = open_temporary(o, &st);
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		err = open_direct(o);
	} else if (S_ISDIR(st.st_mode)) {
		err = cp_error(-EISDIR, "cannot write '%s': Is a directory", path);
	} else {
		err = cp_error(-EINVAL, "cannot write '%s': not a regular file, FIFO or "
			       "character device", path);
	}
out:
	if (err)
		output_release(o);
	return err;
}

/* The rename is durable only once the folder's entry is on disk too. */
static void sync_dir(const char *file)
{
	char *dir = dir_of(file);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * A failed write to stdout is reported here, once: what is left in its buffer
 * is dropped, so main's final flush of stdout neither retries nor repeats it.
 */
static void drop_stdout(void)
{
	__fpurge(stdout);
	clearerr(stdout);
}

/* The sentence for a failed write to @o, in the words main uses for stdout. */
static int write_error(const struct output *o, int err)
{
	if (o->is_stdout)
		return cp_error(err, "write error on standard output: %s", strerror(-err));
	return cp_error(err, "cannot write '%s': %s", o->path, strerror(-err));
}

int output_commit(struct output *o)
{
	int err = 0;

	if (!o->fp)
		return cp_error(-EBADF, "output not open");
	if (ferror(o->fp))
		err = -(errno ? errno : EIO);
	if (fflush(o->fp) != 0 && !err)
		err = -errno;
	if (o->is_stdout) {
		if (err)
			drop_stdout();
		goto out;
	}
	if (o->tmp && !err && fsync(fileno(o->fp)) < 0)
		err = -errno;
	if (fclose(o->fp) != 0 && !err)
		err = -errno;
	o->fp = NULL;
	if (o->tmp) {
		if (!err && rename(o->tmp, o->target) < 0)
			err = -errno;
		if (err)
			unlink(o->tmp);
		else
			sync_dir(o->target);
	}
out:
	if (err)
		err = write_error(o, err);
	output_release(o);
	return err;
}

void output_abort(struct output *o)
{
	if (o->is_stdout)
		drop_stdout();
	else if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	output_release(o);
}

int output_write(const char *path, int (*write)(FILE *fp, const void *arg), const void *arg)
{
	struct output o;
	int err = output_open(&o, path), saved;

	if (err)
		return err;
	err = write(o.fp, arg);
	saved = errno;
	if (err && ferror(o.fp)) {
		/* the writer saw its stream fail: the cause is the write's errno */
		err = write_error(&o, saved > 0 ? -saved : err);
	}
	if (err) {
		output_abort(&o);
		return err;
	}
	return output_commit(&o);
}
