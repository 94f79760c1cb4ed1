// SPDX-License-Identifier: MIT
/* The darknet cfg parser and shaper: any text, a clean error or a model. */
#include "fuzz.h"
#include "util/util.h"
#include "workloads/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int idx[MODEL_MAX_ROUTES], i, w, h;
	struct model m;
	char *text;

	if (size > 64 * 1024)
		return 0;
	text = fuzz_string(data, size);
	if (model_parse(text, "fuzz.cfg", &m) == 0) {
		(void)model_flops(&m);
		(void)model_params(&m);
		for (i = 0; i < m.n; i++)
			(void)model_layer_inputs(&m, i, idx);
		/* another size and batch, as -s and -b ask for */
		w = 1 + (int)(size % 1024);
		h = 1 + (int)((size * 7) % 1024);
		model_shape(&m, w, h, 1 + (int)(size % 3));
		model_release(&m);
	}
	cp_error_clear();
	free(text);
	return 0;
}
