// SPDX-License-Identifier: MIT
/*
 * The output writer against every kind of path: a new file, a replaced file
 * (its mode kept), symlinks, a FIFO with a reader, character devices, a
 * folder, a read-only folder, a full file system. After a failure the old
 * file must be intact and no temporary file left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "util/output.h"
#include "util/util.h"

static char dir[64];

static int put_text(FILE *fp, const void *arg)
{
	fputs(arg, fp);
	return 0;
}

static int put_big(FILE *fp, const void *arg)
{
	size_t i, n = *(const size_t *)arg;

	for (i = 0; i < n; i++)
		fputc('x', fp);
	return 0;
}

static int put_fail(FILE *fp, const void *arg)
{
	fputs("half", fp);
	return cp_error(-EINVAL, "bad value");
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void spew(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
}

/* Files in @d other than those named: a temporary file left behind. */
static int stray_files(const char *d, int expect)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	if (!dp)
		return -1;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n - expect;
}

static void test_files(void)
{
	char *p = xasprintf("%s/a.svg", dir);
	struct stat st;
	mode_t mask;

	mask = umask(022);
	is_int(output_write(p, put_text, "one\n"), 0, "new file written");
	is_str(slurp(p), "one\n", "new file has the text");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644, "new file is 0666 & ~umask");
	chmod(p, 0640);
	is_int(output_write(p, put_text, "two\n"), 0, "file replaced");
	is_str(slurp(p), "two\n", "replaced file has the new text");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640, "replaced file keeps mode 0640");
	is_int(output_write(p, put_fail, NULL), -EINVAL, "writer's failure returned");
	is_str(cp_strerror(-EINVAL), "bad value", "writer's message kept");
	is_str(slurp(p), "two\n", "old file intact after a failed write");
	is_int(stray_files(dir, 1), 0, "no temporary file left");
	umask(mask);
	is_int(output_write(dir, put_text, "x"), -EISDIR, "a folder is refused");
	ok(strstr(cp_strerror(-EISDIR), dir) != NULL, "the message names the path");
	unlink(p);
	free(p);
}

static void test_links(void)
{
	char *t = xasprintf("%s/target.svg", dir), *l = xasprintf("%s/link.svg", dir);
	char *l2 = xasprintf("%s/link2.svg", dir), *dang = xasprintf("%s/dangling.svg", dir);
	char *dt = xasprintf("%s/created.svg", dir);
	struct stat st;

	spew(t, "old\n");
	symlink("target.svg", l);	/* relative, as ln -s makes them */
	symlink(l, l2);			/* a chain */
	is_int(output_write(l2, put_text, "new\n"), 0, "write through a chain of symlinks");
	ok(lstat(l, &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
	ok(lstat(l2, &st) == 0 && S_ISLNK(st.st_mode), "the chain's first link too");
	is_str(slurp(t), "new\n", "the target has the new text");
	symlink("created.svg", dang);
	is_int(output_write(dang, put_text, "made\n"), 0, "write through a dangling link");
	ok(lstat(dang, &st) == 0 && S_ISLNK(st.st_mode), "the dangling link stays a link");
	is_str(slurp(dt), "made\n", "its target was created");
	unlink(l);
	symlink("loop.svg", l);
	unlink(l2);
	free(l2);
	l2 = xasprintf("%s/loop.svg", dir);
	symlink("link.svg", l2);
	is_int(output_write(l, put_text, "x"), -ELOOP, "a symlink loop is refused");
	unlink(t), unlink(l), unlink(l2), unlink(dang), unlink(dt);
	free(t), free(l), free(l2), free(dang), free(dt);
}

static void test_fifo(void)
{
	char *f = xasprintf("%s/fifo", dir);
	struct stat st;
	int pfd[2], status = 0;
	char buf[64] = "";
	ssize_t n = 0, k;
	pid_t pid;

	if (mkfifo(f, 0600) < 0) {
		skip(strerror(errno), "fifo");
		free(f);
		return;
	}
	pipe(pfd);
	pid = fork();
	if (pid == 0) {
		int fd = open(f, O_RDONLY);
		char b[64];

		close(pfd[0]);
		while (fd >= 0 && (k = read(fd, b, sizeof(b))) > 0)
			write(pfd[1], b, (size_t)k);
		_exit(0);
	}
	close(pfd[1]);
	is_int(output_write(f, put_text, "through the fifo\n"), 0, "fifo with a reader written");
	while ((k = read(pfd[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += k;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	is_str(buf, "through the fifo\n", "the reader got the text");
	ok(lstat(f, &st) == 0 && S_ISFIFO(st.st_mode), "the fifo is still a fifo");
	is_int(stray_files(dir, 1), 0, "no temporary file beside the fifo");
	unlink(f);
	free(f);
}

static void test_devices(void)
{
	struct stat st;
	int err;

	is_int(output_write("/dev/null", put_text, "nothing\n"), 0, "/dev/null written");
	ok(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");
	if (access("/dev/full", W_OK) == 0) {
		err = output_write("/dev/full", put_text, "x\n");
		is_int(err, -ENOSPC, "/dev/full: no space");
		ok(strstr(cp_strerror(err), "cannot write '/dev/full'") != NULL,
		   "the message names /dev/full: %s", cp_strerror(err));
		ok(lstat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode),
		   "/dev/full is still a device");
	} else {
		skip("no writable /dev/full", "/dev/full");
	}
}

/* As an unprivileged user (root ignores folder permissions) in a child. */
static void test_readonly(void)
{
	char *sub = xasprintf("%s/ro", dir), *p = xasprintf("%s/ro/old.svg", dir);
	struct passwd *pw = getpwnam("nobody");
	int status = 0;
	pid_t pid;

	mkdir(sub, 0755);
	spew(p, "old\n");
	chmod(p, 0666);
	chmod(sub, 0555);
	if (geteuid() == 0 && !pw) {
		skip("root and no user 'nobody'", "read-only folder");
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		int err;

		if (geteuid() == 0 && (setgid(pw->pw_gid) || setuid(pw->pw_uid)))
			_exit(2);
		err = output_write(p, put_text, "new\n");
		_exit(err == -EACCES && strstr(cp_strerror(err), "cannot create a file in") ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
	       "read-only folder: EACCES with a clear message");
	is_str(slurp(p), "old\n", "old file intact in the read-only folder");
out:
	chmod(sub, 0755);
	unlink(p);
	rmdir(sub);
	free(sub);
	free(p);
}

static void test_full_disk(void)
{
	char *mnt = xasprintf("%s/small", dir), *p = xasprintf("%s/small/old.svg", dir);
	size_t big = 256 * 1024;
	int err;

	mkdir(mnt, 0755);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0) {
		skip(strerror(errno), "full disk (mount tmpfs size=64k)");
		rmdir(mnt);
		goto out;
	}
	spew(p, "old\n");
	err = output_write(p, put_big, &big);
	is_int(err, -ENOSPC, "full disk: ENOSPC");
	ok(strstr(cp_strerror(err), "No space left") != NULL, "full disk: %s", cp_strerror(err));
	is_str(slurp(p), "old\n", "full disk: old file intact");
	is_int(stray_files(mnt, 1), 0, "full disk: no temporary file left");
	unlink(p);
	umount(mnt);
	rmdir(mnt);
out:
	free(mnt);
	free(p);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cp-output-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);	/* the read-only test's child walks in as nobody */
	signal(SIGPIPE, SIG_IGN);
	test_files();
	test_links();
	test_fifo();
	test_devices();
	test_readonly();
	test_full_disk();
	rmdir(dir);
	return done_testing();
}
