// SPDX-License-Identifier: MIT
/*
 * The shared record of a `-- command` run: created here, filled by
 * libconvprof-hook.so in the command, read back here. The reader trusts
 * nothing in it: the command may have scribbled over it, died half-way
 * through a write, or a test may have fuzzed it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl_types.h>

#include "core/app.h"
#include "util/util.h"

#define DEFAULT_EXECS	(1u << 19)	/* ResNet-50 NCHW: 211 per forward */
#define MAX_EXECS	(1u << 24)
#define MAX_WORKERS	64
#define MAX_PRIMS	8192

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~(uint64_t)7;
}

int hook_record_create(size_t max_execs, int *fdp, void **mapp, size_t *sizep)
{
	return hook_record_create_events(max_execs, NULL, 0, fdp, mapp, sizep);
}

int hook_record_create_events(size_t max_execs, const struct perf_event_attr *attrs,
			      int nevents, int *fdp, void **mapp, size_t *sizep)
{
	struct cp_hook_header h = {
		.magic = CP_HOOK_MAGIC, .version = CP_HOOK_VERSION,
		.header_size = sizeof(h), .max_workers = MAX_WORKERS,
		.max_prims = MAX_PRIMS,
		.worker_size = sizeof(struct cp_hook_worker),
		.prim_size = sizeof(struct cp_hook_prim),
		.exec_size = sizeof(struct cp_hook_exec),
		.event_size = sizeof(struct cp_hook_event),
	};
	int k;
	void *m;
	int fd;

	if (!max_execs)
		max_execs = DEFAULT_EXECS;
	if (max_execs > MAX_EXECS)
		max_execs = MAX_EXECS;
	h.max_execs = (uint32_t)max_execs;
	h.workers_off = align8(sizeof(h));
	h.prims_off = align8(h.workers_off + (uint64_t)h.max_workers * h.worker_size);
	h.execs_off = align8(h.prims_off + (uint64_t)h.max_prims * h.prim_size);
	h.busy_off = align8(h.execs_off + (uint64_t)h.max_execs * h.exec_size);
	if (nevents < 0 || nevents > CP_HOOK_MAX_EVENTS)
		return cp_error(-E2BIG, "a command run counts at most %d events", CP_HOOK_MAX_EVENTS);
	h.nevents = (uint32_t)nevents;
	h.events_off = align8(h.busy_off + (uint64_t)h.max_workers * h.max_execs * 4);
	h.counts_off = align8(h.events_off + (uint64_t)h.nevents * h.event_size);
	h.total_size = align8(h.counts_off +
			      (uint64_t)h.max_workers * h.max_execs * h.nevents * 8);

	/* pages are allocated as the hook touches them: the size is a ceiling */
	fd = memfd_create("convprof-hook", MFD_CLOEXEC);
	if (fd < 0)
		return cp_error(-errno, "cannot create the shared record: memfd_create: %s",
				strerror(errno));
	if (ftruncate(fd, (off_t)h.total_size) != 0) {
		int err = -errno;

		close(fd);
		return cp_error(err, "cannot size the shared record: %s", strerror(-err));
	}
	m = mmap(NULL, h.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		int err = -errno;

		close(fd);
		return cp_error(err, "cannot map the shared record: %s", strerror(-err));
	}
	memcpy(m, &h, sizeof(h));
	for (k = 0; k < nevents; k++)
		memcpy((char *)m + h.events_off + (uint64_t)k * h.event_size, &attrs[k],
		       sizeof(attrs[k]));
	*fdp = fd;
	*mapp = m;
	*sizep = h.total_size;
	return 0;
}

static int terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static int md_ok(const struct cp_hook_md *md)
{
	int i;

	if (md->ndims < 0 || md->ndims > CP_HOOK_MAX_DIMS || md->inner_nblks < 0 ||
	    md->inner_nblks > CP_HOOK_MAX_DIMS)
		return 0;
	for (i = 0; i < md->ndims; i++)
		if (md->dims[i] < 0 || md->dims[i] > (1ll << 40) || md->strides[i] < 0)
			return 0;
	for (i = 0; i < md->inner_nblks; i++)
		if (md->inner_idxs[i] < 0 || md->inner_idxs[i] >= md->ndims ||
		    md->inner_blks[i] <= 0 || md->inner_blks[i] > 4096)
			return 0;
	return 1;
}

static int prim_ok(const struct cp_hook_prim *p)
{
	int i;

	if (p->ready != 1 || !terminated(p->impl, sizeof(p->impl)) ||
	    !terminated(p->post_ops, sizeof(p->post_ops)) ||
	    !md_ok(&p->src) || !md_ok(&p->wei) || !md_ok(&p->dst) ||
	    p->spatial < 0 || p->spatial > 3 || p->groups < 0)
		return 0;
	for (i = 0; i < p->spatial; i++)
		if (p->kernel[i] < 0 || p->stride[i] < 0 || p->kernel[i] > 65536 ||
		    p->stride[i] > 65536)
			return 0;
	return 1;
}

static int bad(const char *what)
{
	return cp_error(-EBADMSG, "the shared record is damaged: %s", what);
}

/* The file's own layout, checked against its size before anything is read. */
static int layout_check(const struct cp_hook_header *h, size_t size)
{
	uint64_t end;

	if (h->magic != CP_HOOK_MAGIC)
		return bad("bad magic");
	if (h->version != CP_HOOK_VERSION)
		return bad("unknown version");
	if (h->header_size != sizeof(*h) || h->worker_size != sizeof(struct cp_hook_worker) ||
	    h->prim_size != sizeof(struct cp_hook_prim) ||
	    h->exec_size != sizeof(struct cp_hook_exec) ||
	    h->event_size != sizeof(struct cp_hook_event))
		return bad("entry sizes differ from this convprof's");
	if (h->total_size != size)
		return bad("size differs from the file's");
	if (h->max_workers > MAX_WORKERS || h->max_prims > MAX_PRIMS || h->max_execs > MAX_EXECS ||
	    h->nevents > CP_HOOK_MAX_EVENTS)
		return bad("capacity out of range");
	if (h->workers_off < sizeof(*h) || h->workers_off % 8 || h->prims_off % 8 ||
	    h->execs_off % 8 || h->busy_off % 8 || h->events_off % 8 || h->counts_off % 8)
		return bad("misaligned offsets");
	end = h->workers_off + (uint64_t)h->max_workers * h->worker_size;
	if (end > size || h->workers_off > size)
		return bad("worker array out of the file");
	end = h->prims_off + (uint64_t)h->max_prims * h->prim_size;
	if (end > size || h->prims_off > size)
		return bad("primitive array out of the file");
	end = h->execs_off + (uint64_t)h->max_execs * h->exec_size;
	if (end > size || h->execs_off > size)
		return bad("execution array out of the file");
	end = h->busy_off + (uint64_t)h->max_workers * h->max_execs * 4;
	if (end > size || h->busy_off > size)
		return bad("busy-time array out of the file");
	end = h->events_off + (uint64_t)h->nevents * h->event_size;
	if (end > size || h->events_off > size)
		return bad("event array out of the file");
	end = h->counts_off + (uint64_t)h->max_workers * h->max_execs * h->nevents * 8;
	if (end > size || h->counts_off > size)
		return bad("count array out of the file");
	return 0;
}

int hook_data_read(const void *buf, size_t size, struct hook_data *d)
{
	const char *base = buf;
	struct cp_hook_header *h = &d->hdr;
	uint32_t i;
	uint64_t e;
	int err;

	memset(d, 0, sizeof(*d));
	if (!buf || size < sizeof(*h))
		return bad("shorter than its header");
	memcpy(h, buf, sizeof(*h));
	err = layout_check(h, size);
	if (err)
		return err;
	h->error[sizeof(h->error) - 1] = '\0';
	d->nworkers = MIN(h->nworkers, h->max_workers);
	d->nprims = MIN(h->nprims, h->max_prims);
	d->nexecs = MIN(h->nexecs, (uint64_t)h->max_execs);
	d->lost_execs = h->nexecs - d->nexecs;

	d->workers = xcalloc(d->nworkers ? d->nworkers : 1, sizeof(*d->workers));
	memcpy(d->workers, base + h->workers_off, (size_t)d->nworkers * sizeof(*d->workers));
	for (i = 0; i < d->nworkers; i++)
		d->workers[i].affinity[sizeof(d->workers[i].affinity) - 1] = '\0';

	d->prims = xcalloc(d->nprims ? d->nprims : 1, sizeof(*d->prims));
	d->prim_ok = xcalloc(d->nprims ? d->nprims : 1, 1);
	memcpy(d->prims, base + h->prims_off, (size_t)d->nprims * sizeof(*d->prims));
	for (i = 0; i < d->nprims; i++)
		d->prim_ok[i] = (uint8_t)prim_ok(&d->prims[i]);

	d->execs = xcalloc(d->nexecs ? d->nexecs : 1, sizeof(*d->execs));
	memcpy(d->execs, base + h->execs_off, (size_t)d->nexecs * sizeof(*d->execs));
	/* an execution naming a primitive that is not there counts as unfinished */
	for (e = 0; e < d->nexecs; e++) {
		struct cp_hook_exec *x = &d->execs[e];

		if (x->prim >= d->nprims || !d->prim_ok[x->prim] || x->end_ns < x->begin_ns)
			x->end_ns = 0;
	}
	d->busy = xcalloc((size_t)(d->nworkers ? d->nworkers : 1) * (d->nexecs ? d->nexecs : 1),
			  sizeof(uint32_t));
	for (i = 0; i < d->nworkers; i++)
		memcpy(&d->busy[(size_t)i * d->nexecs],
		       base + h->busy_off + (uint64_t)i * h->max_execs * 4,
		       (size_t)d->nexecs * 4);
	d->nevents = h->nevents;
	for (i = 0; i < CP_HOOK_MAX_EVENTS; i++)
		d->ev_col[i] = -1;
	d->counts = xcalloc((size_t)(d->nworkers ? d->nworkers : 1) * (d->nexecs ? d->nexecs : 1) *
			    (d->nevents ? d->nevents : 1), sizeof(uint64_t));
	for (i = 0; i < d->nworkers && d->nevents; i++)
		memcpy(&d->counts[(size_t)i * d->nexecs * d->nevents],
		       base + h->counts_off + (uint64_t)i * h->max_execs * h->nevents * 8,
		       (size_t)d->nexecs * d->nevents * 8);
	return 0;
}

void hook_data_release(struct hook_data *d)
{
	free(d->workers);
	free(d->prims);
	free(d->prim_ok);
	free(d->execs);
	free(d->busy);
	free(d->counts);
	memset(d, 0, sizeof(*d));
}

/*
 * oneDNN's naming (md2fmt_tag_str): dimensions as letters in the order of
 * their strides, upper case where blocked, then the inner blocks; then the
 * letters users know for activations (n c h w) and weights ([g] o i h w).
 */
void hook_md_name(const struct cp_hook_md *md, int weights, int groups,
		  char *buf, size_t len)
{
	static const char *const data_letters[] = { "", "x", "nc", "ncw", "nchw", "ncdhw", "" };
	static const char *const wei_letters[] = { "", "x", "oi", "oiw", "oihw", "oidhw", "" };
	static const char *const gwei_letters[] = { "", "", "", "goiw", "goihw", "goidhw", "" };
	int order[CP_HOOK_MAX_DIMS], blocked[CP_HOOK_MAX_DIMS] = { 0 };
	const char *letters;
	char tag[64];
	size_t n = 0;
	int i, j, nd = md->ndims;

	buf[0] = '\0';
	if (nd <= 0 || nd > CP_HOOK_MAX_DIMS)
		return;
	if (md->format_kind == dnnl_format_kind_any) {
		snprintf(buf, len, "any");
		return;
	}
	if (md->format_kind != dnnl_blocked) {
		snprintf(buf, len, "opaque");
		return;
	}
	letters = !weights ? data_letters[nd] : groups > 1 ? gwei_letters[nd] : wei_letters[nd];
	if (!letters[0] || (int)strlen(letters) != nd)
		letters = "abcdef";
	for (i = 0; i < md->inner_nblks && i < CP_HOOK_MAX_DIMS; i++)
		if (md->inner_idxs[i] >= 0 && md->inner_idxs[i] < nd)
			blocked[md->inner_idxs[i]] = 1;
	/* stable by stride, descending: equal strides (dims of size 1) keep their order */
	for (i = 0; i < nd; i++)
		order[i] = i;
	for (i = 1; i < nd; i++)
		for (j = i; j > 0 && md->strides[order[j]] > md->strides[order[j - 1]]; j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < nd && n < sizeof(tag) - 1; i++) {
		char c = letters[order[i]];

		tag[n++] = blocked[order[i]] ? (char)(c - 'a' + 'A') : c;
	}
	tag[n] = '\0';
	for (i = 0; i < md->inner_nblks && n < sizeof(tag) - 12; i++) {
		int idx = md->inner_idxs[i];

		if (idx < 0 || idx >= nd)
			break;
		n += (size_t)snprintf(tag + n, sizeof(tag) - n, "%d%c", md->inner_blks[i],
				      letters[idx]);
	}
	snprintf(buf, len, "%s", tag);
}
