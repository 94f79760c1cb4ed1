// SPDX-License-Identifier: MIT
/*
 * eBPF for `-- command` runs. The programs filter by the command's tgid,
 * which is known only once it is forked: the child waits, before exec, on
 * a socket; convprof loads the parts for its pid and sends down the two
 * maps they share (SCM_RIGHTS), or nothing when no part loaded. The hook
 * registers each worker's tid and sets the worker's current execution
 * index in the shared state (convprof/hook-record.h), so the programs count
 * per (execution, worker); after the run, the executions are folded into
 * rows as the times are (app_exec_rows()), means over the kept periods.
 * Executions past APP_EBPF_ROWS count as (other).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/app-ebpf.h"
#include "util/util.h"

int app_ebpf_load(struct app_ebpf *e, unsigned parts, pid_t pid, int nworkers,
		  const struct pin_plan *plan, int gate)
{
	struct ebpf_opts o = { .tgid = pid, .parts = parts, .nworkers = nworkers,
			       .nlayers = APP_EBPF_ROWS };
	int payload[2] = { nworkers, APP_EBPF_ROWS }, fds[3], nfds = 2;
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { payload, sizeof(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int err = 0;

	memset(e, 0, sizeof(*e));
	e->nworkers = nworkers;
	e->maps_fd = -1;
	if (parts) {
		o.ncpus = plan->pus ? plan->nthreads : 0;
		o.cpus = plan->pus;
		err = ebpf_open(&e->s, &o);
		if (err)
			e->s = NULL;	/* bad arguments: said by the parts as unavailable */
		ebpf_set_phase(e->s, EBPF_PHASE_STEADY);
		ebpf_start(e->s);
	}
	if (e->s && ebpf_shared_fds(e->s, &fds[0], &fds[1]) == 0) {
		struct cmsghdr *c;

		/* the sampled stacks are named after the command exits: it leaves its maps here */
		if (!ebpf_part_status(e->s, EBPF_SAMPLE)) {
			e->maps_fd = memfd_create("convprof-maps", MFD_CLOEXEC);
			if (e->maps_fd >= 0)
				fds[nfds++] = e->maps_fd;
		}
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	/* the go: with the maps, or without (the command then runs without eBPF) */
	if (sendmsg(gate, &msg, MSG_NOSIGNAL) < 0)
		return cp_error(-errno, "cannot start the command: %s", strerror(errno));
	return 0;
}

int app_ebpf_gate_wait(int gate, char *env, size_t len)
{
	int payload[2] = { 0, 0 }, fds[3] = { -1, -1, -1 };
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { payload, sizeof(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;

	env[0] = '\0';
	do
		n = recvmsg(gate, &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(payload))
		return -1;	/* convprof is gone: do not run */
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    (c->cmsg_len == CMSG_LEN(2 * sizeof(int)) || c->cmsg_len == CMSG_LEN(3 * sizeof(int)))) {
		memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
		snprintf(env, len, "%d,%d,%d,%d,%d", fds[0], fds[1], payload[0], payload[1], fds[2]);
	}
	return 0;
}

/* Fold the per-execution columns of @x into the rows of @run. */
static void fold(const struct cp_run *x, const int32_t *rows, const int32_t *all_rows,
		 double div, double nper, struct cp_run *run)
{
	int k, r, w;

	for (k = 0; k < x->nevents; k++) {
		const struct cp_event_info *ei = &x->events[k];
		const char *why = ei->supported ? NULL : ei->reason;
		int on = ei->supported, e;

		/* what needs the runner's knowledge: said, never 0 */
		if (on && !strncmp(ei->name, "faults:first:", 13)) {
			on = 0;
			why = "unavailable: a -- command has no cold pass told apart";
		} else if (on && !strncmp(ei->name, "faults:", 7) && strcmp(ei->name, "faults:total")) {
			on = 0;
			why = "unavailable: the tensors of a -- command are not known";
		}
		e = cp_run_add_event(run, ei->name, ei->source, on, why);

		run->events[e].running_ratio = NAN;
		if (!on)
			continue;
		for (r = 0; r <= run->nlayers; r++) {
			*cp_run_count(run, r, e) = 0;
			for (w = 0; run->thread_counts && w < run->nthreads; w++)
				*cp_run_thread_count(run, r, w, e) = 0;
		}
		run->total_counts[e] = 0;
		for (r = 0; r <= x->nlayers; r++) {
			/* (other): everything outside tasks, over all periods seen */
			int row = r == x->nlayers ? run->nlayers : rows[r];
			double d = r == x->nlayers ? nper : div;
			double v = *cp_run_count((struct cp_run *)x, r, k);

			if (row < 0 || isnan(v))
				continue;
			*cp_run_count(run, row, e) += v / d;
			run->total_counts[e] += v / d;
			for (w = 0; run->thread_counts && w < run->nthreads && w < x->nthreads; w++)
				*cp_run_thread_count(run, row, w, e) +=
					*cp_run_thread_count((struct cp_run *)x, r, w, k) / d;
		}
	}
	for (w = 0; w < run->nthreads && w < x->nthreads; w++)
		if (isnan(run->thread_recs[w].migrations))
			run->thread_recs[w].migrations = x->thread_recs[w].migrations;
	for (k = 0; k < x->nstacks; k++) {
		const struct cp_stack_rec *st = &x->stacks[k];
		int row = st->layer >= 0 && st->layer < x->nlayers ? all_rows[st->layer] : -1;

		cp_run_add_stack(run, row, st->frames, st->count, st->event);
	}
}

int app_ebpf_collect(struct app_ebpf *e, const struct hook_data *d, int warmup,
		     struct cp_run *run)
{
	int32_t *rows, *all_rows, *xr, *xa;
	struct cp_run *x;
	double div;
	uint64_t i;
	int err;

	if (!e->s)
		return 0;
	ebpf_stop(e->s);
	if (e->maps_fd >= 0) {
		char path[64];
		struct stat st;

		/* empty when the command died before its hook could copy them */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", e->maps_fd);
		if (fstat(e->maps_fd, &st) == 0 && st.st_size > 0)
			ebpf_set_maps(e->s, path);
	}
	x = cp_run_new();
	cp_run_set_layers(x, APP_EBPF_ROWS);
	cp_run_set_threads(x, e->nworkers);
	err = ebpf_collect(e->s, x, 1);
	if (err)
		goto out;
	rows = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*rows));
	all_rows = xmalloc((d->nexecs ? d->nexecs : 1) * sizeof(*all_rows));
	xr = xmalloc(APP_EBPF_ROWS * sizeof(*xr));
	xa = xmalloc(APP_EBPF_ROWS * sizeof(*xa));
	app_exec_rows(d, warmup, rows, all_rows, &div);
	for (i = 0; i < APP_EBPF_ROWS; i++)
		xr[i] = xa[i] = -1;
	for (i = 0; i < d->nexecs && i < APP_EBPF_ROWS; i++) {
		xr[i] = rows[i] < run->nlayers ? rows[i] : -1;
		xa[i] = all_rows[i] < run->nlayers ? all_rows[i] : -1;
	}
	fold(x, xr, xa, div, run->periods > 0 ? run->periods : 1, run);
	free(rows);
	free(all_rows);
	free(xr);
	free(xa);
out:
	cp_run_free(x);
	return err;
}

void app_ebpf_release(struct app_ebpf *e)
{
	ebpf_close(e->s);
	e->s = NULL;
	if (e->maps_fd >= 0)
		close(e->maps_fd);
	e->maps_fd = -1;
}
