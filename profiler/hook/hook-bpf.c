// SPDX-License-Identifier: MIT
/*
 * The eBPF side of the hook: convprof loaded the programs for this process
 * before it started, and handed down the maps they share (cp_state,
 * cp_workers of bpf/common.h, described in convprof/hook-record.h). Each
 * worker registers its own tid once (bpf(2)); the current execution of a
 * worker is a plain store into the mmap'd state array, so the programs
 * charge what they see to it. No libbpf: two raw bpf(2) commands' worth.
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "convprof/hook-record.h"
#include "hook/hook-bpf.h"

#define STATE_SLOTS 256		/* bpf/common.h CP_MAX_SLOTS */

struct slot_state {
	uint32_t layer, phase;
};

static struct slot_state *state;	/* NULL: no eBPF */
static int workers_fd = -1, nworkers, maps_fd = -1;
static uint32_t nrows;

void hook_bpf_init(void)
{
	const char *env = getenv(CP_HOOK_ENV_BPF);
	long page = sysconf(_SC_PAGESIZE);
	size_t len;
	int sfd, wfd, nw, mfd = -1;
	unsigned rows;
	void *m;

	if (!env || sscanf(env, "%d,%d,%d,%u,%d", &sfd, &wfd, &nw, &rows, &mfd) < 4 || sfd < 0 ||
	    wfd < 0 || nw < 1 || nw >= STATE_SLOTS || page <= 0)
		return;
	len = (STATE_SLOTS * sizeof(struct slot_state) + (size_t)page - 1) & ~((size_t)page - 1);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	if (m == MAP_FAILED)
		return;
	state = m;
	workers_fd = wfd;
	nworkers = nw;
	nrows = rows;
	maps_fd = mfd;
}

void hook_bpf_exit(void)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (maps_fd < 0)
		return;
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(maps_fd, buf, (size_t)n) != n)
			break;
	close(fd);
	maps_fd = -1;
}

void hook_bpf_register(int slot, int32_t tid)
{
	union bpf_attr a;
	uint32_t key = (uint32_t)tid, val = (uint32_t)slot;

	if (!state || slot < 0 || slot >= nworkers)
		return;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)workers_fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)&val;
	a.flags = BPF_ANY;
	syscall(SYS_bpf, BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
}

void hook_bpf_layer(int slot, uint64_t exec)
{
	if (!state || slot < 0 || slot >= nworkers)
		return;
	__atomic_store_n(&state[slot].layer, exec < nrows ? (uint32_t)exec : nrows,
			 __ATOMIC_RELAXED);
}
