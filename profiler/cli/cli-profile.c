// SPDX-License-Identifier: MIT
/* What stat and record share on the terminal side of a profiled run. */
#include <stdio.h>

#include "cli/builtin.h"

void cli_say_measuring(void *arg, int iterations, int ops)
{
	(void)arg;
	fprintf(stderr, "convprof: measuring %d iterations of %d ops\n", iterations, ops);
}
