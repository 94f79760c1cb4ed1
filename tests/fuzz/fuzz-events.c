// SPDX-License-Identifier: MIT
/*
 * The -e event-list parser ("a,b,{c,d}") and, for a list that parses, the
 * libpfm4 encoding of each name as -e does it.
 */
#include "fuzz.h"
#include "core/events.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int pfm_ok = -1;
	struct event_list l;
	char *s;
	int i;

	if (size > 4096)
		return 0;
	if (pfm_ok < 0)
		pfm_ok = events_pfm_init() == 0;
	s = fuzz_string(data, size);
	if (event_list_parse(s, &l) == 0) {
		/* the parse's own promises: names set, groups numbered in order */
		for (i = 0; i < l.n; i++)
			if (!l.ev[i].name[0] || l.ev[i].group < 0 || l.ev[i].group >= l.ngroups ||
			    (i && l.ev[i].group < l.ev[i - 1].group))
				abort();
		if (pfm_ok)
			event_list_encode(&l);
	}
	cp_error_clear();
	free(s);
	return 0;
}
