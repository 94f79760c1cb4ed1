// SPDX-License-Identifier: MIT
/* -s/--size ("224", "416x320") and the number parsers under every option. */
#include <errno.h>

#include "fuzz.h"
#include "util/util.h"
#include "workloads/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long v, *list = NULL;
	double d;
	char *s;
	int w, h, n;

	if (size > 1024)
		return 0;
	s = fuzz_string(data, size);
	if (parse_size(s, &w, &h) == 0 &&
	    (w < 1 || h < 1 || w > MODEL_MAX_SIZE || h > MODEL_MAX_SIZE))
		abort();
	if (parse_long(s, -5, 5, &v) == 0 && (v < -5 || v > 5))
		abort();
	if (parse_double(s, &d) == 0 && d != d)
		abort();	/* documented: nan is refused */
	n = parse_long_list(s, 1, 64, &list);
	if (n > 0) {
		while (n--)
			if (list[n] < 1 || list[n] > 64)
				abort();
		free(list);
	} else if (n != -EINVAL && n != -ERANGE) {
		abort();
	}
	cp_error_clear();
	free(s);
	return 0;
}
