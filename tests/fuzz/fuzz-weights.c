// SPDX-License-Identifier: MIT
/*
 * The darknet weights reader: the input after its first byte is a .weights
 * file for one of two small models (the first byte picks which), read
 * through a memfd as --weights reads a file, then BN-folded as the net does.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/util.h"
#include "workloads/model.h"
#include "workloads/net.h"
#include "workloads/net-internal.h"

static const char *const cfgs[] = {
	"[net]\nwidth=4\nheight=4\nchannels=1\n"
	"[convolutional]\nbatch_normalize=1\nfilters=2\nsize=1\nstride=1\npad=0\nactivation=relu\n"
	"[connected]\noutput=2\nactivation=linear\n",
	"[net]\nwidth=2\nheight=2\nchannels=2\n"
	"[convolutional]\nfilters=1\nsize=3\nstride=1\npad=1\ngroups=1\nactivation=leaky\n"
	"[convolutional]\nbatch_normalize=1\nfilters=2\nsize=1\nstride=2\npad=0\nactivation=linear\n",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config cfg = { .batch = 1 };
	struct layer_params *p = NULL;
	char path[64];
	struct model m;
	float w[64], b[8];
	int fd, i;

	if (size < 1 || size > 4096)
		return 0;
	if (model_parse(cfgs[data[0] % ARRAY_SIZE(cfgs)], "fuzz.cfg", &m))
		abort();	/* the harness's own models must parse */
	fd = memfd_create("fuzz.weights", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cfg.weights = path;
	if (params_load(&m, &cfg, &p) == 0) {
		for (i = 0; i < m.n; i++)
			if (p[i].w && p[i].nw <= ARRAY_SIZE(w) && p[i].n <= (int)ARRAY_SIZE(b))
				params_fold_bn(&p[i], w, b);
		params_free(p, m.n);
	}
	close(fd);
	model_release(&m);
	cp_error_clear();
	return 0;
}
