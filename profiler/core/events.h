/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_EVENTS_H
#define CONVPROF_EVENTS_H

#include <linux/perf_event.h>

/*
 * Event lists: parsing the -e syntax, encoding names with libpfm4 and probing
 * whether this machine can count them. Counting itself is counters.c.
 */

#define CP_MAX_EVENTS 32

/* The hardware set stat counts by default, plus task-clock and page-faults. */
#define CP_DEFAULT_EVENTS \
	"cycles,instructions,cache-references,cache-misses,L1-dcache-load-misses," \
	"LLC-load-misses,dTLB-load-misses,task-clock,page-faults"

/* The friendly names `list events` shows, perf's spelling. */
extern const char *const cp_friendly_events[];

struct event_spec {
	char name[96];		/* as the user wrote it */
	int group;		/* events of one {..} share a group number */
	struct perf_event_attr attr;
	char pmu[48];		/* "hardware", "software" or libpfm4's PMU name */
	char fstr[160];		/* libpfm4's canonical name with modifiers */
	int supported;		/* set by event_list_probe() */
	char reason[200];	/* why not, in words */
};

struct event_list {
	int n, ngroups;
	struct event_spec ev[CP_MAX_EVENTS];
};

/*
 * Parse "a,b,{c,d},e" into @l: names and groups only. Returns 0 or -EINVAL
 * with the reason in cp_error() (empty name, unbalanced braces, too many).
 */
int event_list_parse(const char *s, struct event_list *l);

/*
 * Encode every event with libpfm4 (perf OS extension), counting user and
 * kernel like perf stat. An unknown name returns -ENOENT, cp_error() naming
 * it and the closest friendly name.
 */
int event_list_encode(struct event_list *l);

/* Try to open each event on this thread; fill supported/reason. */
void event_list_probe(struct event_list *l);

/* Parse + encode + probe. */
int event_list_init(struct event_list *l, const char *s);

/* libpfm4 initialisation, once per process; returns 0 or -errno. */
int events_pfm_init(void);

/*
 * perf's evsel__open_strerror(): a sentence for a failed perf_event_open of
 * @attr with errno @err (positive), into @buf.
 */
const char *perf_open_strerror(int err, const struct perf_event_attr *attr,
			       char *buf, size_t len);

/* Is there a hardware (cpu) PMU in /sys/bus/event_source/devices? */
int have_cpu_pmu(void);

enum cp_backend { BACKEND_RDPMC, BACKEND_READ, BACKEND_SOFTWARE };

/*
 * Which back-end a run would use here, and why (a sentence into @why):
 * rdpmc when a hardware event opens and its mmap page allows user reads,
 * read(2) when it opens without that, software when no hardware event opens.
 */
enum cp_backend backend_probe(char *why, size_t len);
const char *backend_name(enum cp_backend b);

/* perf_event_open(2); glibc has no wrapper. */
int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			int group_fd, unsigned long flags);

#endif
