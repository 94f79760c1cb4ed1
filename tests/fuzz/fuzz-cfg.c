// SPDX-License-Identifier: MIT
/* The darknet cfg parser and shaper: any text, a clean error or a model. */
#include "fuzz.h"
#include "util/util.h"
#include "workloads/graph.h"
#include "workloads/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int idx[MODEL_MAX_ROUTES], i, w, h, *outs, *last;
	struct model m;
	char *text;

	if (size > 64 * 1024)
		return 0;
	text = fuzz_string(data, size);
	if (model_parse(text, "fuzz.cfg", &m) == 0) {
		(void)model_flops(&m);
		(void)model_params(&m);
		/* the graph the net and mem build on: inputs, aliases, liveness */
		outs = malloc(sizeof(int) * (size_t)(m.n + 1));
		last = malloc(sizeof(int) * (size_t)(m.n + 1));
		for (i = 0; i < m.n; i++) {
			(void)graph_inputs(&m, i, idx);
			(void)graph_tensor(&m, i);
		}
		(void)graph_outputs(&m, outs);
		graph_last_reads(&m, last);
		free(outs);
		free(last);
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
