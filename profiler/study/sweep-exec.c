// SPDX-License-Identifier: MIT
/*
 * One sweep combination, run in processes of its own: P of them with
 * --procs P, each pinned to its own cores, measuring at the same time.
 *
 * Why processes even for P = 1: every combination starts from a clean
 * OpenMP pool, clean thread bindings and an empty oneDNN primitive cache,
 * and a crash in one configuration costs that configuration only. The
 * parent never starts an OpenMP thread, so forking it is safe.
 *
 * The protocol, per child, over a pipe of its own (child -> parent): "R"
 * when its net is built and it waits, then "D" when its run is in its
 * recording file, or "E message" when it failed, "C" when it gave up
 * because the parent called the combination off. One pipe shared by all
 * (parent -> children) carries the start: a 'G' per child, or an 'A' per
 * child to abort. Runs come back through a recording file per child,
 * written and read with the store API: no pointers cross a process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/runner.h"
#include "store/store.h"
#include "study/sweep.h"
#include "util/util.h"

#define POLL_MS 100

struct child {
	pid_t pid;
	int fd;			/* read end of its status pipe; -1 at EOF */
	char msg[512];		/* what it wrote, cut at the buffer's size */
	size_t len;
	int ready, done, failed, cancelled;
	int fail_seq;		/* order in which failures were seen; 0 none */
	int wstatus, reaped;
	char *path;		/* its recording file */
};

struct barrier {
	int status_fd, go_fd;
};

static void say(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* In the child, after the net is built: say so, wait for the start. */
static int child_barrier(void *arg)
{
	struct barrier *b = arg;
	struct pollfd pfd = { .fd = b->go_fd, .events = POLLIN };
	char c;
	ssize_t n;

	say(b->status_fd, "R\n");
	for (;;) {
		if (runner_interrupted)
			return cp_error(-EINTR, "interrupted before the measured iterations");
		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		n = read(b->go_fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 1 && c == 'G')
			return 0;
		return cp_error(-ECANCELED, "the combination was called off");
	}
}

/*
 * The run's noise (the quartiles of its per-iteration times), which the
 * recording does not keep, beside it in @path.noise: "nlayers q1 q3" for
 * the latency, then "q1 q3" per layer. Best effort: without it the ratios
 * carry no spread.
 */
static void noise_write(const char *path, const struct cp_run *run)
{
	char *p = xasprintf("%s.noise", path);
	FILE *f = fopen(p, "w");
	int i;

	free(p);
	if (!f)
		return;
	fprintf(f, "%d %.17g %.17g\n", run->nlayers, run->latency_q1_ms, run->latency_q3_ms);
	for (i = 0; i < run->nlayers; i++)
		fprintf(f, "%.17g %.17g\n", run->layers[i].time_q1_ms, run->layers[i].time_q3_ms);
	fclose(f);
}

static void noise_read(const char *path, struct cp_run *run)
{
	char *p = xasprintf("%s.noise", path);
	FILE *f = fopen(p, "r");
	double q1, q3;
	int i, n;

	free(p);
	if (!f)
		return;
	if (fscanf(f, "%d %lf %lf", &n, &q1, &q3) == 3 && n == run->nlayers) {
		run->latency_q1_ms = q1;
		run->latency_q3_ms = q3;
		for (i = 0; i < n && fscanf(f, "%lf %lf", &q1, &q3) == 2; i++) {
			run->layers[i].time_q1_ms = q1;
			run->layers[i].time_q3_ms = q3;
		}
	}
	fclose(f);
}

static void __attribute__((noreturn))
child_main(const struct profile_opts *base, int i, int procs, char *const *cpus,
	   const char *cmdline, const char *path, struct barrier *b)
{
	struct profile_opts p = *base;
	struct store *st = NULL;
	struct cp_run *run = NULL;
	char *cmd = NULL, *line;
	int err;

	/* until profile_run() catches it, and after: the parent decides */
	signal(SIGINT, SIG_IGN);
	if (cpus)
		p.pin = cpus[i];
	if (i > 0) {
		p.quiet = 1;
		p.progress = 0;
	}
	p.before_measure = child_barrier;
	p.before_measure_arg = b;
	cmd = procs > 1 ? xasprintf("%s (process %d of %d)", cmdline, i + 1, procs) :
		xstrdup(cmdline);
	err = profile_run(&p, cmd, &run);
	if (!err)
		err = store_open(path, STORE_CREATE, &st);
	if (!err)
		err = run->partial ? store_write_partial(st, run) : store_write_run(st, run);
	store_close(st);
	if (!err)
		noise_write(path, run);
	if (err == -ECANCELED) {
		say(b->status_fd, "C\n");
		_exit(1);
	}
	if (err) {
		line = xasprintf("E %s\n", cp_strerror(err));
		say(b->status_fd, line);
		_exit(1);
	}
	say(b->status_fd, "D\n");
	_exit(0);
}

static int fail_seq;

static void child_read(struct child *c)
{
	const char *line;
	char buf[512];
	ssize_t n = read(c->fd, buf, sizeof(buf));
	size_t room = sizeof(c->msg) - 1 - c->len;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(c->fd);
		c->fd = -1;
		if (!c->done && !c->fail_seq)
			c->fail_seq = ++fail_seq;
		return;
	}
	memcpy(c->msg + c->len, buf, MIN((size_t)n, room));
	c->len += MIN((size_t)n, room);
	c->msg[c->len] = '\0';
	/* the first character of each line says what it is */
	for (line = c->msg; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		c->ready |= line[0] == 'R';
		c->done |= line[0] == 'D';
		c->failed |= line[0] == 'E';
		c->cancelled |= line[0] == 'C';
	}
	if (c->failed && !c->fail_seq)
		c->fail_seq = ++fail_seq;
}

static void signal_live(struct child *ch, int n, int sig)
{
	int i;

	for (i = 0; i < n; i++)
		if (ch[i].pid > 0 && ch[i].fd >= 0)
			kill(ch[i].pid, sig);
}

/*
 * Read the children's pipes until @until(child) holds for all, or all have
 * closed them. SIGINT (runner_interrupted) is passed on every round, so a
 * child that was between two states when it came still gets it; a child
 * that failed stops the others. Returns whether anything failed.
 */
static int children_wait(struct child *ch, int n, int phase)
{
	struct pollfd *pfd = xcalloc((size_t)n, sizeof(*pfd));
	int i, k, any_failed = 0, stopped = 0;

	for (;;) {
		int waiting = 0;

		for (i = 0; i < n; i++) {
			any_failed |= ch[i].failed || (ch[i].fd < 0 && !ch[i].done);
			if (ch[i].fd >= 0 && (phase == 1 ? !ch[i].ready : 1))
				waiting++;
		}
		if (!waiting || (phase == 1 && any_failed))
			break;
		if (runner_interrupted || (any_failed && !stopped)) {
			signal_live(ch, n, SIGINT);
			stopped = 1;
		}
		for (i = k = 0; i < n; i++)
			if (ch[i].fd >= 0) {
				pfd[k].fd = ch[i].fd;
				pfd[k].events = POLLIN;
				pfd[k++].revents = 0;
			}
		if (poll(pfd, (nfds_t)k, POLL_MS) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			int j;

			for (j = 0; j < k; j++)
				if (pfd[j].fd == ch[i].fd && pfd[j].revents)
					child_read(&ch[i]);
		}
	}
	free(pfd);
	return any_failed;
}

static void describe_exit(const struct child *c, char *buf, size_t len)
{
	const char *e = c->msg[0] == 'E' ? c->msg : strstr(c->msg, "\nE ");

	if (e && *e == '\n')
		e++;

	if (e) {
		snprintf(buf, len, "%s", e + 2);
		buf[strcspn(buf, "\n")] = '\0';
	} else if (c->reaped && WIFSIGNALED(c->wstatus)) {
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(c->wstatus),
			 strsignal(WTERMSIG(c->wstatus)));
	} else if (c->reaped && WIFEXITED(c->wstatus) && WEXITSTATUS(c->wstatus)) {
		snprintf(buf, len, "exited with status %d and no message",
			 WEXITSTATUS(c->wstatus));
	} else {
		snprintf(buf, len, "ended without a run");
	}
}

static void remove_files(const char *path)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm", ".noise" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);

		unlink(p);
		free(p);
	}
}

int sweep_exec(const struct profile_opts *p, int procs, char *const *cpus,
	       const char *cmdline, const char *tmpdir, const char *tag,
	       struct cp_run ***runs_out)
{
	struct child *ch = xcalloc((size_t)procs, sizeof(*ch));
	struct cp_run **runs = xcalloc((size_t)procs, sizeof(*runs));
	int go[2] = { -1, -1 }, st[2] = { -1, -1 };
	int i, j, err = 0, started = 0, failed, first;
	char why[600];
	pid_t parent = getpid();

	fail_seq = 0;

	for (i = 0; i < procs; i++) {
		ch[i].fd = -1;
		ch[i].path = xasprintf("%s/%s-%d.db", tmpdir, tag, i + 1);
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		err = cp_error(-errno, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < procs; i++) {
		if (pipe2(st, O_CLOEXEC) < 0) {
			err = cp_error(-errno, "cannot make a pipe: %s", strerror(errno));
			break;
		}
		ch[i].pid = fork();
		if (ch[i].pid < 0) {
			err = cp_error(-errno, "cannot start process %d of %d: %s", i + 1,
				       procs, strerror(errno));
			close(st[0]);
			close(st[1]);
			break;
		}
		if (ch[i].pid == 0) {
			struct barrier b = { .status_fd = st[1], .go_fd = go[0] };

			/* a sweep killed outright takes its processes with it */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			close(go[1]);
			close(st[0]);
			for (j = 0; j < i; j++)
				close(ch[j].fd);
			child_main(p, i, procs, cpus, cmdline, ch[i].path, &b);
		}
		close(st[1]);
		ch[i].fd = st[0];
		started++;
	}

	/* everyone built and waiting, or someone failed (or could not start) */
	failed = err || children_wait(ch, started, 1);
	for (i = 0; i < started; i++)
		say(go[1], failed || runner_interrupted ? "A" : "G");
	close(go[1]);
	go[1] = -1;
	children_wait(ch, started, 2);
	for (i = 0; i < started; i++) {
		while (waitpid(ch[i].pid, &ch[i].wstatus, 0) < 0 && errno == EINTR)
			;
		ch[i].reaped = 1;
	}
	if (err)
		goto out;

	/* the first failure seen names the combination's: the others echo it */
	for (i = 0, first = -1; !runner_interrupted && i < started; i++)
		if (ch[i].fail_seq && !ch[i].cancelled &&
		    (first < 0 || ch[i].fail_seq < ch[first].fail_seq))
			first = i;
	for (i = 0; first < 0 && i < started; i++)
		if (!ch[i].done || !WIFEXITED(ch[i].wstatus) || WEXITSTATUS(ch[i].wstatus))
			first = i;
	if (first >= 0 && runner_interrupted) {
		err = cp_error(-EINTR, "interrupted before %s measured an iteration",
			       procs > 1 ? "every process" : "the process");
		goto out;
	}
	if (first >= 0) {
		describe_exit(&ch[first], why, sizeof(why));
		if (procs > 1)
			err = cp_error(-EIO, "process %d of %d: %s", first + 1, procs, why);
		else
			err = cp_error(-EIO, "%s", why);
		goto out;
	}
	for (i = 0; i < started; i++) {
		err = store_load_run(ch[i].path, 0, &runs[i]);
		if (err)
			goto out;
		noise_read(ch[i].path, runs[i]);
	}
	*runs_out = runs;
	runs = NULL;
out:
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	for (i = 0; i < procs; i++) {
		if (ch[i].fd >= 0)
			close(ch[i].fd);
		remove_files(ch[i].path);
		free(ch[i].path);
	}
	free(ch);
	sweep_runs_free(runs, procs);
	return err;
}

void sweep_runs_free(struct cp_run **runs, int n)
{
	int i;

	if (!runs)
		return;
	for (i = 0; i < n; i++)
		cp_run_free(runs[i]);
	free(runs);
}
