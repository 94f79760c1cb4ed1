/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_TEST_FDS_H
#define CONVPROF_TEST_FDS_H

#include <dirent.h>

/* How many fds this process has open (-1: /proc/self/fd unreadable). */
static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* less the one opendir() holds */
}

#endif
