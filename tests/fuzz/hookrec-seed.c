// SPDX-License-Identifier: MIT
/*
 * Seeds for fuzz-hookrec from real records: lays out a record of small
 * capacities (hookrec.h), runs a command with libconvprof-hook.so preloaded
 * on it as `convprof stat -- command` does, and writes the record in
 * fuzz-hookrec's input encoding. Not built by make; regenerate with
 *
 *   gcc -Iinclude -Itests/fuzz -o /tmp/hookrec-seed tests/fuzz/hookrec-seed.c
 *   OMP_NUM_THREADS=2 /tmp/hookrec-seed OUT W P E build/tests/app-prims 5
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hookrec.h"

int main(int argc, char **argv)
{
	struct cp_hook_header h;
	uint8_t caps[4];
	uint64_t size;
	char num[16];
	FILE *out;
	void *m;
	pid_t pid;
	int fd, st;

	if (argc < 6) {
		fprintf(stderr, "usage: hookrec-seed OUT WORKERS PRIMS EXECS CMD [ARG...]\n");
		return 2;
	}
	size = hookrec_layout(&h, atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	fd = memfd_create("hookrec", 0);
	if (fd < 0 || ftruncate(fd, (off_t)size))
		return 1;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	memcpy(m, &h, sizeof(h));
	snprintf(num, sizeof(num), "%d", fd);
	pid = fork();
	if (pid == 0) {
		setenv("LD_PRELOAD", "build/libconvprof-hook.so", 1);
		setenv("INTEL_LIBITTNOTIFY64", "build/libconvprof-hook.so", 1);
		setenv("INTEL_ITTNOTIFY_GROUPS", "all", 1);
		setenv(CP_HOOK_ENV_FD, num, 1);
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	caps[0] = 0;
	caps[1] = (uint8_t)h.max_workers, caps[2] = (uint8_t)h.max_prims;
	caps[3] = (uint8_t)h.max_execs;
	out = fopen(argv[1], "wb");
	if (!out || fwrite(caps, 1, 4, out) != 4 ||
	    fwrite((char *)m + HOOKREC_BODY_OFF, 1, size - HOOKREC_BODY_OFF, out) !=
		    size - HOOKREC_BODY_OFF || fclose(out))
		return 1;
	fprintf(stderr, "%s: state %d, %u workers, %u prims, %llu execs\n", argv[1],
		((struct cp_hook_header *)m)->state, ((struct cp_hook_header *)m)->nworkers,
		((struct cp_hook_header *)m)->nprims,
		(unsigned long long)((struct cp_hook_header *)m)->nexecs);
	return 0;
}
